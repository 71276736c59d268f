import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeFiles as analyze } from "../src/core/analyze-files.ts";
import { decodeSource } from "../src/sources/fs.ts";
import type { Finding } from "../src/types.ts";

/**
 * Analyses one file and returns its findings, asserting it does not throw. Hostile input is bounded by the caps
 * the extractors enforce (nesting pre-scan, alias budget, template size), asserted below through the finding
 * each cap produces and where it stops; timings are measured by `npm run bench`.
 */
async function analyzeOne(path: string, text: string): Promise<Finding[]> {
  const { findings } = await analyze([{ path, text }]);
  return findings;
}

const billionLaughs = `AWSTemplateFormatVersion: "2010-09-09"
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
Resources:
  R:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: *i
`;

describe("hostile input never crashes, hangs or passes silently", () => {
  it("a YAML alias bomb in a template is refused with a warning where the alias budget runs out", async () => {
    const findings = await analyzeOne("bomb.yaml", billionLaughs);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.ruleId, "unparsed-input");
    assert.equal(findings[0]!.severity, "warning");
    assert.match(findings[0]!.message, /too many YAML aliases/);
    // The budget runs out while expanding `c` (line 4), long before `i` would expand into 9^9 nodes.
    assert.deepEqual([findings[0]!.line, findings[0]!.column], [4, 32]);
  });

  const deep = 100_000;
  // [path, text, line and column of the 201st bracket]: the pre-scan stops there, before any parser sees the file.
  const cases: Array<[string, string, [number, number]]> = [
    ["deep.json", `{"Statement": ${"[".repeat(deep)}${"]".repeat(deep)}}`, [1, 214]],
    ["deep.yaml", `AWSTemplateFormatVersion: "2010-09-09"\nResources: ${"[".repeat(deep)}${"]".repeat(deep)}\n`, [2, 212]],
    ["deep.tf", `locals {\n  x = ${"[".repeat(deep)}${"]".repeat(deep)}\n}\n`, [2, 206]],
    ["deep-objects.tf", `locals {\n  x = ${"{a = ".repeat(deep)}1${"}".repeat(deep)}\n}\n`, [2, 1002]],
  ];
  for (const [path, text, [line, column]] of cases) {
    it(`100,000-deep nesting in ${path} is refused at the 200-level cap with a warning naming the line`, async () => {
      const findings = await analyzeOne(path, text);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.severity, "warning");
      assert.match(findings[0]!.message, /nest.* deeper than 200 levels/i);
      const f = findings[0]!;
      assert.deepEqual([f.line, f.column, f.endLine, f.endColumn], [line, column, line, column + 1]);
    });
  }

  const garbage: Array<[string, string]> = [
    ["garbage.tf", 'resource \u0000\u0001 {{{{ ]]] "\n<<EOF\n'],
    ["garbage.yaml", "AWSTemplateFormatVersion: [\n: : : - - !Ref\n\t\tx"],
    ["garbage.json", '{"Statement": [{"Effect": "Allow",, ]'],
    ["empty.tf", ""],
    ["empty.yaml", ""],
    ["empty.json", ""],
  ];
  for (const [path, text] of garbage) {
    it(`garbage in ${path} gives at most a clear finding`, async () => {
      const findings = await analyzeOne(path, text);
      for (const f of findings) {
        assert.equal(f.ruleId, "unparsed-input");
        assert.doesNotMatch(f.message, /\n\s+at /, "no stack trace in the message");
      }
    });
  }

  // YAML parsing time grows with size; CloudFormation's 1 MB template limit caps it.
  const template = (count: number) =>
    `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${Array.from({ length: count }, (_, i) => `  R${i}:\n    Type: AWS::SNS::Topic\n    Properties: {}\n`).join("")}`;

  it("a template of 5,000 resources, under the 1 MB template cap, is analysed in full", async () => {
    const text = template(5000);
    assert.ok(text.length < 1024 * 1024);
    assert.deepEqual(await analyzeOne("many.yaml", text), []);
  });

  it("a YAML file over the 1 MB template cap is skipped with a note, not parsed", async () => {
    const text = template(25_000);
    assert.ok(text.length > 1024 * 1024);
    const findings = await analyzeOne("huge.yaml", text);
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.severity, f.message]),
      [["unparsed-input", "note", "Skipped: this YAML file is larger than CloudFormation's 1 MB template limit, so it is not a template."]],
    );
  });

  it("invalid UTF-8 is reported, not decoded into replacement characters", () => {
    const outcome = decodeSource("main.tf", new Uint8Array([0x72, 0x65, 0xc3, 0x28]));
    assert.equal(outcome.ok, false);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../src/core/analyze-files.ts";
import { decodeSource } from "../src/sources/fs.ts";
import type { Finding } from "../src/types.ts";

/** Analyses one file and returns its findings, asserting it neither throws nor takes a second. */
async function within1s(path: string, text: string): Promise<Finding[]> {
  const started = performance.now();
  const { findings } = await analyze([{ path, text }]);
  const ms = performance.now() - started;
  assert.ok(ms < 1000, `${path} took ${ms.toFixed(0)} ms`);
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
  it("a YAML alias bomb in a template is refused with a warning", async () => {
    const findings = await within1s("bomb.yaml", billionLaughs);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.ruleId, "unparsed-input");
    assert.equal(findings[0]!.severity, "warning");
  });

  const deep = 100_000;
  const cases: Array<[string, string]> = [
    ["deep.json", `{"Statement": ${"[".repeat(deep)}${"]".repeat(deep)}}`],
    ["deep.yaml", `AWSTemplateFormatVersion: "2010-09-09"\nResources: ${"[".repeat(deep)}${"]".repeat(deep)}\n`],
    ["deep.tf", `locals {\n  x = ${"[".repeat(deep)}${"]".repeat(deep)}\n}\n`],
    ["deep-objects.tf", `locals {\n  x = ${"{a = ".repeat(deep)}1${"}".repeat(deep)}\n}\n`],
  ];
  for (const [path, text] of cases) {
    it(`100,000-deep nesting in ${path} is refused with a warning naming the line`, async () => {
      const findings = await within1s(path, text);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.severity, "warning");
      assert.match(findings[0]!.message, /nest/i);
      assert.ok(findings[0]!.line >= 1);
    });
  }

  const garbage: Array<[string, string]> = [
    ["garbage.tf", "resource \u0000\u0001 {{{{ ]]] \"\n<<EOF\n"],
    ["garbage.yaml", "AWSTemplateFormatVersion: [\n: : : - - !Ref\n\t\tx"],
    ["garbage.json", "{\"Statement\": [{\"Effect\": \"Allow\",, ]"],
    ["empty.tf", ""],
    ["empty.yaml", ""],
    ["empty.json", ""],
  ];
  for (const [path, text] of garbage) {
    it(`garbage in ${path} gives at most a clear finding`, async () => {
      const findings = await within1s(path, text);
      for (const f of findings) {
        assert.equal(f.ruleId, "unparsed-input");
        assert.doesNotMatch(f.message, /\n\s+at /, "no stack trace in the message");
      }
    });
  }

  it("a template of 5,000 resources that each nest a little deeper finishes in a second", async () => {
    const resources = Array.from({ length: 5000 }, (_, i) => `  R${i}:\n    Type: AWS::SNS::Topic\n    Properties: {}\n`).join("");
    await within1s("many.yaml", `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${resources}`);
  });

  it("invalid UTF-8 is reported, not decoded into replacement characters", () => {
    const outcome = decodeSource("main.tf", new Uint8Array([0x72, 0x65, 0xc3, 0x28]));
    assert.equal(outcome.ok, false);
  });
});

/**
 * Issue #12: each attack of the issue, as a user sees its outcome (findings, their lines and messages, CLI
 * output). Work is bounded by the budgets the code enforces, asserted as budgets — never by timing.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import { analyzeFiles as analyze } from "../../src/core/analyze-files.ts";
import { main } from "../../src/cli.ts";
import { RULES } from "../../src/rules/index.ts";
import { defineRule } from "../../src/rules/define-rule.ts";
import { EvaluationBudget, MAX_TEMPLATE_EVALUATION } from "../../src/extract/budget.ts";
import { parseYaml } from "../../src/extract/cfn-yaml.ts";
import { resolveValue } from "../../src/extract/cfn-intrinsics.ts";
import { member } from "../../src/extract/positioned.ts";
import { MAX_TERRAFORM_FILE_BYTES } from "../../src/extract/limits.ts";
import { MAX_PARSE_PROGRESS } from "../../src/extract/tf-hcl.ts";
import { containsCredential, maskCredentials } from "../../src/util/mask.ts";
import { MAX_FINDINGS_PER_RULE_AND_FILE } from "../../src/rules/run-rules.ts";
import type { Finding } from "../../src/types.ts";

const bugs = (findings: readonly Finding[]) => findings.filter((f) => f.message.includes("bug in the tool"));
const brief = (f: Finding) => `${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message}`;

describe("crashes: one file never takes the scan down", () => {
  it("Terraform resources and data sources named after Object.prototype keys are ordinary blocks", async () => {
    const text = [
      'resource "toString" "x" {}',
      'resource "constructor" "y" {}',
      'data "valueOf" "z" {}',
      'resource "__proto__" "w" {}',
      'resource "hasOwnProperty" "v" {}',
      'resource "aws_iam_policy" "admin" {',
      '  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })',
      "}",
      "",
    ].join("\n");
    const { findings, policies } = await analyze([{ path: "main.tf", text }]);
    assert.deepEqual(bugs(findings), []);
    assert.equal(policies.length, 1);
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-admin-access").map((f) => f.line),
      [7],
    );
  });

  for (const [format, path, text, line] of [
    [
      "JSON",
      "p.json",
      '{\n  "Version": {"toString": 1},\n  "Statement": [{"Effect": {"toString": 1}, "Action": "s3:GetObject", "Resource": "*"}]\n}\n',
      3,
    ],
    [
      "YAML",
      "t.yaml",
      "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: {toString: 1}\n        Statement:\n          - Effect: {toString: 1}\n            Action: s3:GetObject\n            Resource: '*'\n",
      8,
    ],
    [
      "jsonencode",
      "main.tf",
      'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Version = { toString = 1 }\n    Statement = [{\n      Effect = { toString = 1 }\n      Action = "s3:GetObject"\n      Resource = "*"\n    }]\n  })\n}\n',
      5,
    ],
  ] as const) {
    it(`an object where a string is expected (Effect, Version) is an invalid-policy finding (${format})`, async () => {
      const { findings } = await analyze([{ path, text }]);
      assert.deepEqual(bugs(findings), []);
      const effect = findings.find((f) => f.messageId === "invalidEffect");
      assert.equal(effect?.category, "invalid-policy");
      assert.equal(effect?.line, line);
      assert.match(effect.message, /^"\{"toString":"?1"?\}" is not an Effect/);
      assert.ok(findings.some((f) => f.messageId === "invalidVersion"));
    });
  }

  it("the 591-byte template of seven nested !Sub levels stops at its evaluation budget with a warning", async () => {
    let value = '"a"';
    for (let level = 0; level < 7; level++) value = `!Sub ["${"${X}".repeat(10)}", {X: ${value}}]`;
    const text =
      "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n" +
      `          - Effect: Allow\n            Action: "*"\n            Resource: ${value}\n`;
    assert.ok(text.length < 600);
    const { findings, policies } = await analyze([{ path: "sub.yaml", text }]);
    assert.deepEqual(bugs(findings), []);
    assert.equal(policies.length, 1);
    const note = findings.find((f) => f.ruleId === "unparsed-input");
    assert.equal(note?.severity, "warning");
    assert.equal(note.line, 9);
    assert.match(note.message, /expand to more than 2 million characters .* left unresolved/);
    // The value that would be 10^7 characters is a placeholder, never a prefix of the expansion.
    assert.match(String((policies[0]!.json as { Statement: { Resource: string }[] }).Statement[0]!.Resource), /^\{\{!Sub/);
  });

  it("the evaluation budget is counted in produced characters: spent, it refuses, and it never overshoots by more than one request", () => {
    let value = '"aaaaaaaaaa"';
    for (let level = 0; level < 7; level++) value = `!Sub ["${"${X}".repeat(10)}", {X: ${value}}]`;
    const parsed = parseYaml(`V: ${value}\n`);
    assert.ok(parsed.ok);
    const budget = new EvaluationBudget(MAX_TEMPLATE_EVALUATION);
    resolveValue(member(parsed.node, "V")!.value, { parameters: new Map(), resources: new Map(), mappings: undefined, budget });
    assert.equal(budget.exhausted, true);
    // Six levels (10^7 characters at level 6 with this 10-character seed) fit; the seventh's 10^8 was refused whole.
    assert.ok(budget.used <= MAX_TEMPLATE_EVALUATION + 10 ** 8 + 1);
    assert.ok(budget.used - 10 ** 8 <= MAX_TEMPLATE_EVALUATION, `used ${budget.used}`);
  });

  it("a bug in a rule costs that policy, not the scan: an unparsed-input finding names the rule and the others still report", async () => {
    const broken = defineRule({
      id: "always-throws",
      category: "invalid-policy",
      severity: "error",
      docs: { description: "Throw.", rationale: "", examples: { noncompliant: [], compliant: [] } },
      messages: {},
      checkPolicy() {
        throw new TypeError("boom");
      },
    });
    const text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
    const { findings } = await analyze([{ path: "admin.json", text }], { rules: [broken, ...RULES] });
    assert.deepEqual(bugs(findings).map(brief), [
      "1:1 warning unparsed-input Rule always-throws failed on this file (TypeError: boom), so it was not fully analysed. This is a bug in the tool; please report it.",
    ]);
    assert.ok(findings.some((f) => f.ruleId === "no-admin-access"));
  });

  it("a bug in an extractor costs that file, not the scan: an unparsed-input finding names the extractor", async () => {
    const files = [
      { path: "a.json", text: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' },
      {
        path: "b.tf",
        text: 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })\n}\n',
      },
    ];
    const kindFor = (file: string) => {
      if (file === "a.json") throw new RangeError("kinds exploded");
      return undefined;
    };
    const { findings } = await analyze(files, { kindFor });
    assert.deepEqual(
      bugs(findings).map((f) => `${f.file} ${f.message.slice(0, 70)}`),
      ["a.json The JSON extractor failed on this file (RangeError: kinds exploded), s"],
    );
    assert.ok(findings.some((f) => f.file === "b.tf" && f.ruleId === "no-admin-access"));
  });
});

describe("prototype keys are ordinary names", () => {
  const template = (resource: string) =>
    "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n" +
    "          - Effect: Allow\n            Action: '*'\n            Resource: '*'\n" +
    `          - Effect: Allow\n            Action: s3:GetObject\n            Resource: ${resource}\n`;

  it('{"Ref": "constructor"} stays an unresolved reference, not the text of a function', async () => {
    const { policies } = await analyze([{ path: "t.yaml", text: template('{"Ref": "constructor"}') }]);
    const statement = (policies[0]!.json as { Statement: { Resource: unknown }[] }).Statement[1]!;
    assert.equal(statement.Resource, "{{!Ref constructor}}");
  });

  it("!Split of !Ref toString beside an admin statement: the admin statement is judged", async () => {
    const { findings, policies } = await analyze([{ path: "t.yaml", text: template('!Split [",", !Ref toString]') }]);
    assert.equal(policies.length, 1);
    assert.deepEqual(
      findings.filter((f) => f.severity === "error").map((f) => `${f.line} ${f.ruleId}`),
      ["9 no-admin-access"],
    );
    assert.ok(!findings.some((f) => /could not be read/.test(f.message)));
  });

  it("a __proto__ key is kept as a member (and reported as not a statement element), never a prototype", async () => {
    const text =
      '{"Version":"2012-10-17","Statement":[{"__proto__":{"Effect":"Deny"},"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
    const { findings, policies } = await analyze([{ path: "p.json", text }]);
    const statement = (policies[0]!.json as { Statement: Record<string, unknown>[] }).Statement[0]!;
    assert.equal(Object.getPrototypeOf(statement), Object.prototype);
    assert.deepEqual(Object.keys(statement), ["__proto__", "Effect", "Action", "Resource"]);
    assert.ok(
      findings.some((f) => f.messageId === "unknownStatementKey" && f.message.startsWith('"__proto__" is not a statement element')),
    );
  });
});

describe("costs grow linearly with the input", () => {
  it("a Condition with 10,000 keys is reported (each statement is canonicalised once)", async () => {
    const keys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`aws:PrincipalTag/k${i}`, "v"]));
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: keys } }],
    });
    const { findings } = await analyze([{ path: "cond.json", text }]);
    assert.deepEqual(bugs(findings), []);
    assert.ok(findings.some((f) => f.ruleId === "policy-size-limit"));
  });

  // The issue's 20,000 statements (42 s before) take a few seconds in the CLI now; 5,000 keep the suite light.
  it("5,000 statements granting * on specific resources are matched against the escalation table once per pattern", async () => {
    const statements = Array.from({ length: 5_000 }, (_, i) => ({ Effect: "Allow", Action: "*", Resource: `arn:aws:s3:::b${i}` }));
    const { findings } = await analyze([{ path: "many.json", text: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }]);
    assert.deepEqual(bugs(findings), []);
    assert.ok(findings.some((f) => f.ruleId === "policy-size-limit"));
  });

  // The issue's sizes (30,000 items, 20,000 parameters) take about a second in the CLI now; these keep the suite light.
  it("!Split into 10,000 items and !Sub with 10,000 parameters resolve in full", async () => {
    const arns = Array.from({ length: 10_000 }, (_, i) => `arn:aws:s3:::b${i}`);
    const names = Array.from({ length: 10_000 }, (_, i) => `P${i}`);
    const text =
      "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n" +
      `          - Effect: Allow\n            Action: s3:GetObject\n            Resource: !Split [",", "${arns.join(",")}"]\n` +
      `          - Effect: Allow\n            Action: s3:PutObject\n            Resource: !Sub ["arn:aws:s3:::${names.map((n) => `\${${n}}`).join("")}", {${names.map((n) => `${n}: x`).join(", ")}}]\n`;
    const { findings, policies } = await analyze([{ path: "big.yaml", text }]);
    assert.deepEqual(findings.filter((f) => f.ruleId === "unparsed-input").map(brief), []);
    const [split, sub] = (policies[0]!.json as { Statement: { Resource: unknown }[] }).Statement;
    assert.equal((split!.Resource as string[]).length, 10_000);
    assert.equal(sub!.Resource, `arn:aws:s3:::${"x".repeat(10_000)}`);
  });

  it("20,000 Terraform principals blocks: a file over the Terraform size limit gets a warning instead of 600 MB of syntax tree", async () => {
    const blocks = Array.from(
      { length: 20_000 },
      (_, i) => `    principals {\n      type = "AWS"\n      identifiers = ["arn:aws:iam::${100000000000 + i}:root"]\n    }\n`,
    );
    const text = `data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["sts:AssumeRole"]\n${blocks.join("")}  }\n}\n`;
    assert.ok(text.length > MAX_TERRAFORM_FILE_BYTES);
    const { findings } = await analyze([{ path: "main.tf", text }]);
    assert.deepEqual(findings.map(brief), [
      `1:1 warning unparsed-input This Terraform file is ${Math.round(text.length / 1024)} KiB, over the 512 KiB limit for Terraform files (parsing takes about 500 bytes of memory per byte), so it was not analysed.`,
    ]);
  });

  it("a rule lists at most 1,000 findings per file and counts the rest in one note (10,000 unknown actions)", async () => {
    const actions = Array.from({ length: 10_000 }, (_, i) => `s3:Get${i}Object`);
    const text = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }, null, 1);
    const { findings } = await analyze([{ path: "actions.json", text }]);
    const validAction = findings.filter((f) => f.ruleId === "valid-action");
    assert.equal(validAction.length, MAX_FINDINGS_PER_RULE_AND_FILE + 1);
    assert.deepEqual(validAction.filter((f) => f.severity === "note").map(brief), [
      "1:1 note valid-action valid-action reported 9,000 more problems in this file that are not listed (at most 1,000 findings per rule and file).",
    ]);
  });

  it("Fn::Sub alternatives are built without copying partial results and keep their order", () => {
    const parsed = parseYaml('V: !Sub ["${A}-${B}", {A: !If [c, a1, a2], B: !If [c, b1, b2]}]\n');
    assert.ok(parsed.ok);
    const node = resolveValue(member(parsed.node, "V")!.value, { parameters: new Map(), resources: new Map(), mappings: undefined }, [
      "Action",
    ]);
    assert.deepEqual(node?.type === "array" ? node.items.map((item) => (item.type === "string" ? item.value : item.type)) : node?.type, [
      "a1-b1",
      "a1-b2",
      "a2-b1",
      "a2-b2",
    ]);
  });

  it("5,000 Terraform principals blocks (under the size limit) merge into one list, one finding per principal", async () => {
    const blocks = Array.from(
      { length: 5_000 },
      (_, i) => `    principals {\n      type = "AWS"\n      identifiers = ["arn:aws:iam::${100000000000 + i}:root"]\n    }\n`,
    );
    const text = `data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["sts:AssumeRole"]\n${blocks.join("")}  }\n}\nresource "aws_iam_role" "r" {\n  assume_role_policy = data.aws_iam_policy_document.d.json\n}\n`;
    const { findings, policies } = await analyze([{ path: "main.tf", text }]);
    assert.deepEqual(bugs(findings), []);
    const principal = (policies[0]!.json as { Statement: { Principal: { AWS: string[] } }[] }).Statement[0]!.Principal;
    assert.equal(principal.AWS.length, 5_000);
  });

  it("Terraform locals that triple at every level and nested jsonencode stop at the module's evaluation budget with a warning", async () => {
    let nested = '"\\"q\\""';
    for (let level = 0; level < 60; level++) nested = `jsonencode(${nested})`;
    const locals = [
      "locals {",
      '  a0 = "x"',
      ...Array.from({ length: 40 }, (_, i) => `  a${i + 1} = jsonencode([local.a${i}, local.a${i}, local.a${i}])`),
      "}",
    ];
    const text = `${locals.join("\n")}\nresource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = [${nested}, local.a40] }] })\n}\n`;
    const { findings } = await analyze([{ path: "main.tf", text }]);
    assert.deepEqual(bugs(findings), []);
    const budget = findings.filter((f) => f.ruleId === "unparsed-input");
    assert.equal(budget.length, 1);
    assert.match(budget[0]!.message, /expands into too many values .* left unresolved/);
    assert.ok(
      findings.some((f) => f.line === 45 && f.ruleId === "no-privilege-escalation"),
      "the policy is still judged",
    );
  });

  it("Terraform's parse budget is a count of parser work, not a time", () => {
    assert.equal(typeof MAX_PARSE_PROGRESS, "number");
    assert.ok(MAX_PARSE_PROGRESS >= 20_000, "a file at the size limit (about 10,000 progress reports) always fits");
  });
});

describe("secrets are masked whichever rule reports them", () => {
  const KEY = "AKIAZ7QXKJ2M4NPLR5TW";
  const SECRET = "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";

  it("a secret in an Action, a condition key and value, and in a fix's line is never printed", async () => {
    const text = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [{',
      `    "Effect": "allow", "Action": ["s3:${SECRET}", "${KEY}:Get"],`,
      '    "Resource": "*",',
      `    "Condition": {"StringEquals": {"aws:${SECRET}": "${KEY}"}}`,
      "  }]",
      "}",
      "",
    ].join("\n");
    const { findings } = await analyze([{ path: "p.json", text }]);
    assert.ok(findings.some((f) => f.ruleId === "valid-action"));
    assert.ok(findings.some((f) => f.messageId === "invalidEffect"));
    for (const f of findings) {
      assert.equal(containsCredential(f.message), false, f.message);
      assert.equal(f.fix !== undefined && containsCredential(f.fix.replacement), false, `${f.ruleId} fix copies a credential`);
    }
    assert.ok(findings.some((f) => f.message.includes("Qz7w…")));
  });

  it("the CLI prints no credential in text, JSON or SARIF, file names included", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "iam-policy-review-secrets-"));
    roots.push(root);
    writeFileSync(path.join(root, `${KEY}.json`), `{"Statement":[{"Effect":"Allow","Action":"s3:${SECRET}","Resource":"*"}]}`);
    for (const format of ["text", "json", "sarif"]) {
      const { stdout } = await run(root, "scan", ".", "--format", format);
      assert.ok(stdout.length > 0);
      assert.equal(stdout.includes(KEY), false, `${format} prints the key id`);
      assert.equal(stdout.includes(SECRET), false, `${format} prints the secret`);
      assert.ok(stdout.includes("AKIA…"), format);
    }
  });

  it("masking keeps the first four characters and leaves AWS's documented examples and ordinary words alone", () => {
    assert.equal(maskCredentials(`key ${KEY}, secret ${SECRET}.`), "key AKIA…, secret Qz7w….");
    assert.equal(
      maskCredentials("AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
      "AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    assert.equal(maskCredentials("arn:aws:s3:::my-bucket/reports/*"), "arn:aws:s3:::my-bucket/reports/*");
  });
});

describe("reads stay inside the scanned tree", () => {
  it("file() above the scanned repository, or at an absolute path, is not read, whatever the working directory", async () => {
    const parent = mkdtempSync(path.join(tmpdir(), "iam-policy-review-tree-"));
    roots.push(parent);
    const files: Record<string, string> = {
      "outside.json": '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      "repo/.git/HEAD": "ref: refs/heads/main\n",
      "repo/mod/main.tf": [
        'resource "aws_iam_policy" "up" {',
        '  policy = file("${path.module}/../../outside.json")',
        "}",
        'resource "aws_iam_policy" "abs" {',
        '  policy = file("/etc/passwd")',
        "}",
        "",
      ].join("\n"),
    };
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(parent, rel)), { recursive: true });
      writeFileSync(path.join(parent, rel), content);
    }
    for (const [cwd, target] of [
      [parent, "repo"],
      ["/", path.join(parent, "repo")],
    ] as const) {
      const { stdout } = await run(cwd, "scan", target, "--format", "json");
      const report = JSON.parse(stdout) as { policies: unknown[]; findings: Finding[] };
      assert.deepEqual(report.policies, [], `cwd ${cwd}`);
      assert.deepEqual(
        report.findings.map((f) => `${f.line} ${f.severity} ${f.message.replace(/file .*outside\.json/, "file …/outside.json")}`),
        [
          "2 note aws_iam_policy.up .policy was not analysed: the policy comes from file …/outside.json which is outside the scanned tree, so it was not read.",
          "5 note aws_iam_policy.abs .policy was not analysed: the policy comes from file /etc/passwd which is outside the scanned tree, so it was not read.",
        ],
        `cwd ${cwd}`,
      );
    }
  });
});

describe("positions are always inside the file", () => {
  it("a raw control character in a JSON string is an invalid-policy finding at the character (AWS rejects it)", async () => {
    const text = '{\n  "Statement": [{"Effect": "Allow", "Action": "s3:Get\nObject", "Resource": "*"}]\n}\n';
    const { findings } = await analyze([{ path: "p.json", text }]);
    assert.deepEqual(findings.map(brief), [
      "2:54 error valid-policy-structure This policy is not valid JSON (a string holds the raw control character U+000A, which JSON and AWS reject; write it as an escape), so AWS rejects it; no policy in the file was analysed.",
    ]);
  });

  it("a file whose lines end in a lone CR is one line, for every parser", async () => {
    const json = '{"Version": "2012-10-17",\r"Statement": [{"Effect": "Allow",\r"Action": "*", "Resource": "*"}]}\r';
    const { findings } = await analyze([{ path: "p.json", text: json }]);
    const admin = findings.find((f) => f.ruleId === "no-admin-access");
    assert.equal(admin?.line, 1);
    assert.equal(admin.endLine, 1);
    assert.ok(admin.endColumn <= json.length + 1);
  });

  it("a parse error at the end of the file stays on the last line", async () => {
    const text = '{"Statement": [{"Effect": "Allow"}';
    const { findings } = await analyze([{ path: "p.json", text }]);
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.equal(f!.line, 1);
    assert.ok(f!.endColumn <= text.length + 1, brief(f!));
  });
});

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

class Capture extends Writable {
  text = "";
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(cwd: string, ...args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr, cwd, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/**
 * Regression tests from the end-of-session review: reading outside the tree, suppressions that must not apply,
 * and paths above the working directory.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import { main } from "../src/cli.ts";
import { analyzeFiles as analyze } from "../src/core/analyze-files.ts";
import { parseConfig } from "../src/core/config.ts";
import noAdminAccess from "../src/rules/no-admin-access.ts";

class Capture extends Writable {
  text = "";
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

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
function dir(): string {
  const root = mkdtempSync(path.join(tmpdir(), "iam-policy-review-fixes-"));
  roots.push(root);
  return root;
}

const ADMIN = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });

describe("reading stays inside the scanned tree", () => {
  it("Terraform file() does not follow a symbolic link out of the tree", async () => {
    const outside = dir();
    writeFileSync(path.join(outside, "secret.json"), ADMIN);
    const root = dir();
    mkdirSync(path.join(root, "mod"));
    symlinkSync(path.join(outside, "secret.json"), path.join(root, "mod", "policy.json"));
    writeFileSync(path.join(root, "mod", "main.tf"), 'resource "aws_iam_policy" "p" {\n  policy = file("${path.module}/policy.json")\n}\n');
    const { stdout } = await run(root, "scan", "mod/main.tf", "--format", "json");
    const report = JSON.parse(stdout);
    assert.deepEqual(report.policies, [], "the outside file is not read");
    assert.match(report.findings[0].message, /not analysed: the policy comes from file/);
  });

  it("a symbolic link named on the command line is skipped with a note, not followed", async () => {
    const outside = dir();
    writeFileSync(path.join(outside, "secret.json"), ADMIN);
    const root = dir();
    symlinkSync(path.join(outside, "secret.json"), path.join(root, "leak.json"));
    const { code, stderr } = await run(root, "scan", "leak.json");
    assert.equal(code, 2);
    assert.match(stderr, /leak\.json: not a regular file or directory/);
  });

  it("config path patterns ignore paths above the working directory instead of crashing", async () => {
    const root = dir();
    mkdirSync(path.join(root, "a"));
    mkdirSync(path.join(root, "b"));
    writeFileSync(path.join(root, "b", "p.json"), ADMIN);
    writeFileSync(
      path.join(root, "a", "cfg.yml"),
      "kinds:\n  scp: [org/]\nsuppressions:\n  - rule: no-admin-access\n    path: org/\n    reason: test only\n",
    );
    const { code, stdout, stderr } = await run(path.join(root, "a"), "scan", "../b", "--config", "cfg.yml", "--format", "json");
    assert.equal(stderr, "");
    assert.equal(code, 1);
    assert.equal(JSON.parse(stdout).findings[0].ruleId, "no-admin-access");
  });
});

describe("suppressions that must not apply", () => {
  it("a directive inside a JSON value suppresses nothing", async () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "x",
          Effect: "Allow",
          Action: "*",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalTag/x": "# iam-policy-review:ignore * -- trust me" } },
        },
      ],
    });
    const { findings, suppressed } = await analyze([{ path: "p.json", text: policy }], { rules: [noAdminAccess], today: "2026-11-24" });
    assert.deepEqual(suppressed, []);
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ["no-admin-access"],
    );
  });

  it("a directive inside a quoted YAML string suppresses nothing", async () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Description: "see # iam-policy-review:ignore * -- not a comment"
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: "*"
            Resource: "*"
`;
    const { findings } = await analyze([{ path: "t.yaml", text }], { rules: [noAdminAccess], today: "2026-11-24" });
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ["no-admin-access"],
    );
  });

  it("`*` does not silence a file that could not be analysed; naming unparsed-input does", async () => {
    const broken = (directive: string) => `${directive}\nresource "aws_iam_policy" "p" {\n  policy = jsonencode({ ] })\n}\n`;
    const star = await analyze([{ path: "main.tf", text: broken("# iam-policy-review:ignore * -- work in progress") }], {
      rules: [],
      today: "2026-11-24",
    });
    assert.deepEqual(
      star.findings.map((f) => f.ruleId),
      ["unparsed-input"],
    );
    const trailing = `resource "aws_iam_policy" "p" {\n  policy = jsonencode({ ] }) # iam-policy-review:ignore unparsed-input -- generated file, checked elsewhere\n}\n`;
    const named = await analyze([{ path: "main.tf", text: trailing }], {
      rules: [],
      today: "2026-11-24",
    });
    assert.deepEqual(named.findings, []);
    assert.equal(named.suppressed.length, 1);
  });

  it("a suppression with a date that does not exist is refused", async () => {
    await assert.rejects(
      parseConfig("suppressions:\n  - rule: no-admin-access\n    path: x/\n    reason: because\n    expires: 2099-99-99\n", "cfg.yml"),
      /suppressions\[0\]\.expires` is not a real date/,
    );
    const text = `resource "aws_iam_policy" "p" {\n  # iam-policy-review:ignore no-admin-access until 2027-02-30 -- reason\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })\n}\n`;
    const { findings } = await analyze([{ path: "main.tf", text }], { rules: [noAdminAccess], today: "2026-11-24" });
    assert.deepEqual(
      findings.map((f) => `${f.line} ${f.ruleId}`),
      ["2 unparsed-input", "3 no-admin-access"],
    );
  });

  it("rules: { unparsed-input: off } applies to the extractors' findings", async () => {
    const { findings } = await analyze([{ path: "p.json", text: '{"Statement": [' }], {
      rules: [],
      ruleSeverities: { "unparsed-input": "off" },
    });
    assert.deepEqual(findings, []);
  });
});

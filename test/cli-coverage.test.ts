/** Issue #11: files named on the command line are read whatever their extension; walks stay quiet on prose. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import { main } from "../src/cli.ts";

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "iam-policy-review-coverage-"));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  roots.push(root);
  return root;
}

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

async function scanJson(cwd: string, ...args: string[]) {
  const stdout = new Capture();
  const code = await main(["scan", "--format", "json", ...args], { stdout, stderr: new Capture(), cwd, env: {} });
  return {
    code,
    report: JSON.parse(stdout.text) as {
      policies: Array<{ file: string; line: number }>;
      findings: Array<{ file: string; line: number; ruleId: string; message: string }>;
    },
  };
}

const ADMIN = '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }]\n}\n';

describe("scan: files whatever their extension", () => {
  it("a named .txt policy, Terraform without .tf and a template without .yaml are read", async () => {
    const root = tree({
      "admin.txt": ADMIN,
      "main.hcl.txt":
        'resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })\n}\n',
      "stack.cfn.txt":
        'Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}\n',
      "notes.txt": "just words\n",
    });
    const { code, report } = await scanJson(root, "admin.txt", "main.hcl.txt", "stack.cfn.txt", "notes.txt");
    assert.equal(code, 1);
    assert.deepEqual(report.policies.map((p) => p.file).sort(), ["admin.txt", "main.hcl.txt", "stack.cfn.txt"]);
    assert.deepEqual(
      report.findings.filter((f) => f.ruleId === "unparsed-input").map((f) => [f.file, f.message]),
      [["notes.txt", "This file is neither JSON, YAML nor Terraform, so it was only checked for hard-coded credentials."]],
    );
  });

  it("a walk reads an extension-less JSON policy and stays quiet on prose with snippets", async () => {
    const root = tree({
      "policies/admin": ADMIN,
      README: 'Example:\n\nresource "aws_iam_policy" "p" {\n  policy = "{"\n}\n',
      LICENSE: "MIT\n",
    });
    const { report } = await scanJson(root, ".");
    assert.deepEqual(
      report.policies.map((p) => p.file),
      ["policies/admin"],
    );
    assert.deepEqual(
      report.findings.filter((f) => f.ruleId === "unparsed-input"),
      [],
    );
  });
});

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import { main } from "../../src/cli.ts";

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

const policy = (statements: object[]) => `${JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2)}\n`;
const READ = { Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/daily/*" };

/** A repository with a `main` branch and a `feature` branch that changes IAM. */
function repository(): string {
  const root = mkdtempSync(path.join(tmpdir(), "iam-policy-review-base-"));
  roots.push(root);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args], { cwd: root });
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  git("init", "-q", "-b", "main");
  write("iam/reader.json", policy([READ]));
  write("iam/unchanged.json", policy([{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:q" }]));
  write("iam/to-rename.json", policy([{ Effect: "Allow", Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:111122223333:t" }]));
  write("iam/removed.json", policy([{ Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:111122223333:key/k" }]));
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  git("checkout", "-q", "-b", "feature");
  // Widen the read policy to every bucket and add a write.
  write(
    "iam/reader.json",
    policy([
      { ...READ, Resource: "*" },
      { Sid: "Write", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::reports/daily/*" },
    ]),
  );
  renameSync(path.join(root, "iam/to-rename.json"), path.join(root, "iam/renamed.json"));
  rmSync(path.join(root, "iam/removed.json"));
  git("add", "-A");
  git("commit", "-q", "-m", "feature");
  return root;
}

describe("iam-policy-review scan --base", () => {
  it("scans only changed files and reports, per policy, the access it adds and removes", async () => {
    const root = repository();
    const { code, stdout, stderr } = await run(root, "scan", "--base", "main", "--format", "json");
    assert.equal(stderr, "");
    assert.equal(code, 0, "new Read/Write access is a note/warning, below the default fail-on level");
    const report = JSON.parse(stdout);
    assert.equal(report.base.ref, "main");
    assert.match(report.base.commit, /^[0-9a-f]{40}$/);
    assert.equal(report.files, 4, "reader.json, renamed.json (and its old name) and removed.json");
    assert.deepEqual(
      report.policies.map((p: { file: string }) => p.file),
      ["iam/reader.json", "iam/renamed.json"],
      "unchanged.json is not scanned",
    );
    const changes = Object.fromEntries(
      report.accessChanges.map((c: { file: string; status: string; added: object[]; removed: object[] }) => [c.file, c]),
    );
    assert.deepEqual(Object.keys(changes).sort(), ["iam/reader.json", "iam/removed.json"], "the renamed policy is unchanged");
    assert.equal(changes["iam/reader.json"].status, "changed");
    assert.deepEqual(
      changes["iam/reader.json"].added.map((d: { accessLevel: string; actions: string[]; resources: string[] }) => [
        d.accessLevel,
        d.actions,
        d.resources,
      ]),
      [
        ["Write", ["s3:PutObject"], ["arn:aws:s3:::reports/daily/*"]],
        ["Read", ["s3:GetObject"], ["*"]],
      ],
    );
    assert.equal(changes["iam/removed.json"].status, "removed");
    assert.deepEqual(
      changes["iam/removed.json"].removed.map((d: { actions: string[] }) => d.actions),
      [["kms:Decrypt"]],
    );

    const newAccess = report.findings.filter((f: { ruleId: string }) => f.ruleId === "new-access");
    assert.deepEqual(
      newAccess.map(
        (f: { file: string; line: number; column: number; severity: string }) => `${f.file}:${f.line}:${f.column} ${f.severity}`,
      ),
      ["iam/reader.json:8:19 note", "iam/reader.json:10:5 warning"],
    );
  });

  it("prints an Access changes section in text", async () => {
    const root = repository();
    const { stdout } = await run(root, "scan", "--base", "main");
    assert.match(
      stdout,
      /\nAccess changes\n {2}iam\/reader\.json:1 \(changed\)\n {4}\+ Write: s3:PutObject on arn:aws:s3:::reports\/daily\/\*\n {4}\+ Read: s3:GetObject on \*\n/,
    );
    assert.match(stdout, /\n {2}iam\/removed\.json:1 \(removed\)\n {4}- Write: kms:Decrypt on arn:aws:kms:us-east-1:111122223333:key\/k\n/);
    assert.match(stdout, /Scanned 4 files changed since main \([0-9a-f]{12}\):/);
  });

  it("follows Terraform file() at the head and at the base, so switching a policy file shows the new access", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "iam-policy-review-base-tf-"));
    roots.push(root);
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args], { cwd: root });
    const write = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    };
    const tf = (file: string) => `resource "aws_iam_policy" "p" {\n  policy = file("\${path.module}/${file}")\n}\n`;
    git("init", "-q", "-b", "main");
    write("mod/main.tf", tf("ok.json"));
    write("mod/ok.json", policy([READ]));
    write("mod/admin.json", policy([{ Effect: "Allow", Action: "*", Resource: "*" }]));
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    git("checkout", "-q", "-b", "feature");
    write("mod/main.tf", tf("admin.json"));
    git("commit", "-q", "-am", "switch");

    const { stdout } = await run(root, "scan", "--base", "main", "--format", "json");
    const report = JSON.parse(stdout);
    assert.deepEqual(
      report.policies.map((p: { file: string; origin: string }) => `${p.file} ${p.origin}`),
      ["mod/admin.json aws_iam_policy.p .policy"],
    );
    assert.deepEqual(
      report.findings
        .map((f: { file: string; ruleId: string }) => `${f.file} ${f.ruleId}`)
        .filter((l: string) => !l.endsWith("new-access")),
      ["mod/admin.json no-admin-access"],
    );
    assert.equal(report.accessChanges.length, 1);
    assert.equal(report.accessChanges[0].status, "changed", "paired with the base policy read from ok.json");
    assert.ok(report.accessChanges[0].added.some((d: { actions: string[] }) => d.actions.includes("*")));
  });

  it("says when the base version of a changed policy cannot be read, instead of treating it as absent (issue #9)", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "iam-policy-review-base-binary-"));
    roots.push(root);
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args], { cwd: root });
    git("init", "-q", "-b", "main");
    writeFileSync(path.join(root, "role.json"), "\u0000binary\n");
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    writeFileSync(path.join(root, "role.json"), policy([READ]));

    const { stdout } = await run(root, "scan", "--base", "main", "--format", "json");
    const report = JSON.parse(stdout);
    const notes = report.findings.filter((f: { ruleId: string }) => f.ruleId === "unparsed-input");
    assert.deepEqual(
      notes.map((f: { file: string; severity: string; message: string }) => `${f.file} ${f.severity} ${f.message}`),
      [
        "role.json warning The base version of this file could not be read (the file is binary), so its policies are compared with nothing: all their access counts as new.",
      ],
    );
  });

  it("names an unknown base as a usage error (exit 2)", async () => {
    const root = repository();
    const { code, stderr } = await run(root, "scan", "--base", "no-such-branch");
    assert.equal(code, 2);
    assert.match(stderr, /--base no-such-branch: unknown git revision/);
  });
});

/**
 * The Action run as GitHub runs it (issue #14, "Done when"): from a bare archive of the repository at HEAD (no
 * node_modules, nothing installed), `node dist-action/index.js` with the runner's variables, on pull requests of a
 * real git checkout.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sarifErrors } from "../report/sarif-schema.ts";
import {
  ADMIN_POLICY,
  examplePayload,
  git,
  pullRequestEvent,
  pullRequestRepo,
  readOutputs,
  runnerEnv,
  SAFE_POLICY,
  tempDir,
  WIDER_POLICY,
  writeFiles,
  type RunnerFiles,
} from "./fixture.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const cleanup: string[] = [];
after(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

let actionDir = "";
before(() => {
  actionDir = tempDir("action");
  cleanup.push(actionDir);
  const tar = path.join(actionDir, "..", `${path.basename(actionDir)}.tar`);
  execFileSync("git", ["archive", "--format=tar", "-o", tar, "HEAD"], { cwd: REPO_ROOT });
  execFileSync("tar", ["-xf", tar, "-C", actionDir]);
  rmSync(tar);
  assert.ok(!existsSync(path.join(actionDir, "node_modules")), "the archive holds no installed dependencies");
});

/** Runs the action's `runs.main` with node, as the runner does (working directory: the workspace). */
function runAction(files: RunnerFiles, workspace: string) {
  const main = (readFileSync(path.join(actionDir, "action.yml"), "utf8").match(/^\s+main:\s*(\S+)/m) ?? [])[1];
  assert.equal(main, "dist-action/index.js");
  const result = spawnSync(process.execPath, [path.join(actionDir, main)], { cwd: workspace, env: files.env, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Line numbers each file has in the head that the pull request added or changed. */
function changedLines(root: string, base: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let file = "";
  for (const line of git(root, "diff", "-U0", base, "HEAD").split("\n")) {
    const name = line.match(/^\+\+\+ b\/(.+)$/);
    if (name) out.set((file = name[1]!), new Set());
    const hunk = line.match(/^@@ -\S+ \+(\d+)(?:,(\d+))? @@/);
    if (hunk) for (let i = 0; i < Number(hunk[2] ?? 1); i++) out.get(file)!.add(Number(hunk[1]) + i);
  }
  return out;
}

describe("the Action from a bare archive of the repository", () => {
  it("on a pull request that adds findings: annotations on the changed lines, SARIF, job summary, outputs, exit 1", () => {
    const repo = pullRequestRepo(
      { "iam/app.json": SAFE_POLICY, "README.md": "# app\n" },
      { "iam/app.json": WIDER_POLICY, "iam/admin.json": ADMIN_POLICY },
    );
    cleanup.push(repo.root);
    const files = runnerEnv(repo.root, "pull_request", pullRequestEvent(repo));
    cleanup.push(path.dirname(files.summary));
    const { code, stdout, stderr } = runAction(files, repo.root);
    assert.equal(stderr, "");
    assert.equal(code, 1, stdout);

    const annotations = stdout.split("\n").filter((l) => /^::(error|warning|notice) /.test(l));
    assert.deepEqual(annotations, [
      "::error file=iam/admin.json,line=4,endLine=4,col=5,endColumn=57,title=new-access::This new policy grants Permissions management, Tagging, Write, Read and List access: all actions of every service on *.",
      '::error file=iam/admin.json,line=4,endLine=4,col=36,endColumn=38,title=no-admin-access::This statement allows "*" on every resource: full administrator access; grant only the actions and resources needed.',
      "::warning file=iam/app.json,line=1,endLine=1,col=81,endColumn=94,title=new-access::This change grants new Write access: s3:PutObject on arn:aws:s3:::assets/*.",
    ]);
    const changed = changedLines(repo.root, repo.base);
    for (const line of annotations) {
      const [, file, start] = line.match(/file=([^,]+),line=(\d+)/)!;
      assert.ok(changed.get(file!)?.has(Number(start)), `${file}:${start} is a changed line`);
    }

    const sarifPath = path.join(repo.root, "iam-policy-review.sarif");
    const sarif = JSON.parse(readFileSync(sarifPath, "utf8"));
    assert.deepEqual(sarifErrors(sarif), []);
    const rules = sarif.runs[0].tool.driver.rules as Array<{ id: string; help?: { markdown?: string }; helpUri?: string }>;
    assert.deepEqual(
      rules.map((r) => r.id),
      ["new-access", "no-admin-access"],
    );
    for (const rule of rules) assert.ok(rule.help?.markdown, `${rule.id} has help.markdown`);
    assert.equal(rules[1]!.helpUri, "https://github.com/acme/iam-policy-review/blob/v1/docs/rules/no-admin-access.md");
    assert.equal(sarif.runs[0].tool.driver.informationUri, "https://github.com/acme/iam-policy-review");
    assert.equal(sarif.runs[0].results.length, 3);

    const summary = readFileSync(files.summary, "utf8");
    assert.match(summary, /^## IAM Policy Review: 2 errors, 1 warning in 2 policies\n/);
    assert.ok(summary.includes(`Compared with the pull request's base commit ${repo.base.slice(0, 12)}: only changed files`));
    assert.ok(summary.includes("**Failed**: 2 findings at or above `error`."));
    assert.ok(
      summary.includes(
        [
          "### Access changes",
          "",
          "| Policy | Status | Added | Removed |",
          "| --- | --- | --- | --- |",
          "| iam/admin.json:1 | added | Permissions management: \\* | — |",
          "| iam/app.json:1 | changed | Write: s3:PutObject | — |",
        ].join("\n"),
      ),
      summary,
    );
    assert.ok(summary.includes("**Annotations**: 2 errors, 1 warning on the files (changed lines first)."));

    assert.deepEqual(readOutputs(files.output), {
      findings: "3",
      errors: "2",
      warnings: "1",
      "new-access": "true",
      "sarif-file": sarifPath,
    });
  });

  it("on a pull request that touches no IaC: exit 0, no findings, no new access", () => {
    const repo = pullRequestRepo({ "iam/app.json": SAFE_POLICY, "README.md": "# app\n" }, { "README.md": "# app\n\nMore words.\n" });
    cleanup.push(repo.root);
    const files = runnerEnv(repo.root, "pull_request", pullRequestEvent(repo));
    cleanup.push(path.dirname(files.summary));
    const { code, stdout } = runAction(files, repo.root);
    assert.equal(code, 0, stdout);
    assert.doesNotMatch(stdout, /^::(error|warning|notice)/m);
    const summary = readFileSync(files.summary, "utf8");
    assert.match(summary, /^## IAM Policy Review: No IAM findings\n/);
    assert.ok(summary.includes("**Passed**: nothing at or above `error`."));
    assert.deepEqual(readOutputs(files.output), {
      findings: "0",
      errors: "0",
      warnings: "0",
      "new-access": "false",
      "sarif-file": path.join(repo.root, "iam-policy-review.sarif"),
    });
    assert.deepEqual(sarifErrors(JSON.parse(readFileSync(path.join(repo.root, "iam-policy-review.sarif"), "utf8"))), []);
  });

  it("in a shallow checkout without the base: says to set fetch-depth: 0, scans nothing, exit 2", () => {
    const repo = pullRequestRepo({ "iam/app.json": SAFE_POLICY }, { "iam/admin.json": ADMIN_POLICY });
    cleanup.push(repo.root);
    const shallow = tempDir("shallow");
    cleanup.push(shallow);
    execFileSync("git", ["clone", "-q", "--depth", "1", "--branch", "feature", `file://${repo.root}`, shallow]);
    const files = runnerEnv(shallow, "pull_request", pullRequestEvent(repo));
    cleanup.push(path.dirname(files.summary));
    const { code, stdout } = runAction(files, shallow);
    assert.equal(code, 2);
    const message =
      `iam-policy-review: The base ${repo.base} (the pull request's base commit ${repo.base.slice(0, 12)}) is not in the checkout, a shallow clone: ` +
      "actions/checkout fetches only one commit by default. Set `fetch-depth: 0` on the actions/checkout step (`with: { fetch-depth: 0 }`) " +
      "so the base and the history up to it are there. Nothing was scanned.";
    assert.equal(stdout, `::error::${message}\n`);
    assert.ok(readFileSync(files.summary, "utf8").includes("Set `fetch-depth: 0` on the actions/checkout step"));
    assert.equal(readFileSync(files.output, "utf8"), "", "no outputs from a scan that did not run");
    assert.ok(!existsSync(path.join(shallow, "iam-policy-review.sarif")));
  });

  it("on workflow_dispatch: a full scan, Terraform parsed by the bundled WASM, condition keys from the bundled data", () => {
    const root = tempDir("dispatch");
    cleanup.push(root);
    git(root, "init", "-q");
    writeFiles(root, {
      "tf/main.tf": [
        'data "aws_iam_policy_document" "deployer" {',
        "  statement {",
        '    actions   = ["s3:GetObject"]',
        '    resources = ["arn:aws:s3:::assets/*"]',
        "    condition {",
        '      test     = "IpAddress"',
        '      variable = "aws:SourceIpp"',
        '      values   = ["10.0.0.0/8"]',
        "    }",
        "  }",
        "}",
        "",
      ].join("\n"),
    });
    const files = runnerEnv(root, "workflow_dispatch", examplePayload("workflow_dispatch"));
    cleanup.push(path.dirname(files.summary));
    const { code, stdout } = runAction(files, root);
    assert.equal(code, 1, stdout);
    assert.deepEqual(
      stdout.split("\n").filter((l) => l.startsWith("::error ")),
      [
        '::error file=tf/main.tf,line=7,endLine=7,col=18,endColumn=32,title=valid-condition::"aws:SourceIpp" is not a global condition key (did you mean "aws:SourceIp"?), so it is absent from every request and the condition does not test what it seems to.',
      ],
    );
    assert.ok(readFileSync(files.summary, "utf8").includes("Full scan of `.`: a workflow_dispatch run scans everything."));
    assert.equal(readOutputs(files.output)["new-access"], "false");
  });
});

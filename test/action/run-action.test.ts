/**
 * The Action's steps in process (issue #14): which base each event compares with, the annotation cap, masking,
 * inputs that turn parts off, and failures that say what to fix. The run as GitHub runs it, from the committed
 * bundle, is action-archive.test.ts.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { runAction } from "../../src/action/run-action.ts";
import {
  ADMIN_POLICY,
  examplePayload,
  git,
  pullRequestRepo,
  readOutputs,
  runnerEnv,
  SAFE_POLICY,
  tempDir,
  WIDER_POLICY,
  writeFiles,
} from "./fixture.ts";

const cleanup: string[] = [];
after(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function run(workspace: string, eventName: string, payload: unknown, inputs: Record<string, string> = {}) {
  const files = runnerEnv(workspace, eventName, payload, inputs);
  cleanup.push(path.dirname(files.summary));
  let log = "";
  const code = await runAction({ env: files.env, stdout: { write: (text: string) => (log += text) } });
  return { code, log, summary: readFileSync(files.summary, "utf8"), outputs: readOutputs(files.output) };
}

function annotations(log: string): string[] {
  return log.split("\n").filter((l) => /^::(error|warning|notice) /.test(l));
}

/** A repository whose `main` already has an admin policy, and a feature branch that widens another policy. */
function repoWithOldFinding() {
  const repo = pullRequestRepo({ "old/admin.json": ADMIN_POLICY, "iam/app.json": SAFE_POLICY }, { "iam/app.json": WIDER_POLICY });
  cleanup.push(repo.root);
  return repo;
}

describe("the Action's base", () => {
  it("push: compares with the commit before the push, so a finding in an unchanged file is not reported", async () => {
    const repo = repoWithOldFinding();
    const payload = examplePayload("push") as { before: string; after: string };
    payload.before = repo.base;
    payload.after = repo.head;
    const { code, log, summary, outputs } = await run(repo.root, "push", payload);
    assert.equal(code, 0, "a new-access warning is below fail-on error");
    assert.deepEqual(annotations(log), [
      "::warning file=iam/app.json,line=1,endLine=1,col=81,endColumn=94,title=new-access::This change grants new Write access: s3:PutObject on arn:aws:s3:::assets/*.",
    ]);
    assert.ok(summary.includes(`Compared with the commit before the push, ${repo.base.slice(0, 12)}: only changed files`));
    assert.equal(outputs["new-access"], "true");
  });

  it("push that creates a branch: a full scan, the old finding included", async () => {
    const repo = repoWithOldFinding();
    const payload = examplePayload("push") as { before: string };
    payload.before = "0".repeat(40);
    const { code, log, summary, outputs } = await run(repo.root, "push", payload);
    assert.equal(code, 1);
    assert.deepEqual(
      annotations(log).map((l) => l.slice(0, l.indexOf("::", 2))),
      ["::error file=old/admin.json,line=4,endLine=4,col=36,endColumn=38,title=no-admin-access"],
    );
    assert.ok(summary.includes("Full scan of `.`: the push created the branch (no commit before it); scanning everything."));
    assert.equal(outputs["new-access"], "false", "a full scan compares with nothing");
  });

  it("the base input wins over the event", async () => {
    const repo = repoWithOldFinding();
    const { log, summary } = await run(repo.root, "workflow_dispatch", examplePayload("workflow_dispatch"), { base: "main" });
    assert.deepEqual(
      annotations(log).map((l) => l.slice(0, l.indexOf(","))),
      ["::warning file=iam/app.json"],
    );
    assert.ok(summary.includes("Compared with the base input main: only changed files"));
  });

  it("base: none scans everything on a push", async () => {
    const repo = repoWithOldFinding();
    const payload = examplePayload("push") as { before: string };
    payload.before = repo.base;
    const { code, summary } = await run(repo.root, "push", payload, { base: "none" });
    assert.equal(code, 1, "the old admin policy is found");
    assert.ok(summary.includes("Full scan of `.`: the base input is none."));
  });

  it("merge_group: compares with the group's base commit", async () => {
    const repo = repoWithOldFinding();
    const payload = examplePayload("merge_group") as { merge_group: { base_sha: string } };
    payload.merge_group.base_sha = repo.base;
    const { summary, outputs } = await run(repo.root, "merge_group", payload);
    assert.ok(summary.includes(`Compared with the merge group's base commit ${repo.base.slice(0, 12)}`));
    assert.equal(outputs.findings, "1");
  });

  it("a workspace that is not a git checkout: says to add actions/checkout", async () => {
    const root = tempDir("no-git");
    cleanup.push(root);
    const { code, log } = await run(root, "pull_request", { pull_request: { base: { sha: "c".repeat(40) } } });
    assert.equal(code, 2);
    assert.match(
      log,
      /^::error::iam-policy-review: \S+ is not a git checkout, so there is nothing to compare with the pull request's base commit cccccccccccc: add an actions\/checkout step \(with fetch-depth: 0\) before this one\.\n$/,
    );
  });
});

describe("the Action's reports", () => {
  it("annotates at most 10 findings per level and says in the summary how many were left out", async () => {
    const root = tempDir("many");
    cleanup.push(root);
    git(root, "init", "-q");
    writeFiles(
      root,
      Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`iam/admin-${String(i).padStart(2, "0")}.json`, ADMIN_POLICY])),
    );
    const { code, log, summary, outputs } = await run(root, "workflow_dispatch", {});
    assert.equal(code, 1);
    const written = annotations(log);
    assert.equal(written.length, 10);
    assert.deepEqual(
      written.map((l) => l.slice(0, l.indexOf(","))),
      Array.from({ length: 10 }, (_, i) => `::error file=iam/admin-${String(i).padStart(2, "0")}.json`),
    );
    assert.ok(
      summary.includes(
        "**Annotations**: 10 of 12 errors on the files (most severe first). GitHub shows at most 10 annotations of each level per step, so 2 errors are not annotated: every finding is listed below and in the SARIF file `iam-policy-review.sarif`.",
      ),
      summary,
    );
    assert.doesNotMatch(summary, /\*\*Inline\*\*/, "the App's line about review comments is not the Action's");
    assert.equal((summary.match(/^\| error \| `no-admin-access` \|/gm) ?? []).length, 12, "every finding is in the summary's table");
    assert.equal(outputs.errors, "12");
  });

  it("in a compared run, annotates the findings on changed lines before an older one in the same file", async () => {
    const old =
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow", "Action": "*", "Resource": "*" },\n    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*" }\n  ]\n}\n';
    const repo = pullRequestRepo(
      { "a/admin.json": old },
      {
        "a/admin.json": old.replace("arn:aws:s3:::a/*", "arn:aws:s3:::b/*"),
        ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`z/admin-${i}.json`, ADMIN_POLICY])),
      },
    );
    cleanup.push(repo.root);
    const { log, summary, outputs } = await run(repo.root, "workflow_dispatch", {}, { base: repo.base });
    assert.equal(outputs.errors, "13", "the old admin statement and, per new file, no-admin-access and new-access");
    const errors = annotations(log).filter((l) => l.startsWith("::error "));
    assert.equal(errors.length, 10);
    assert.ok(
      errors.every((l) => l.startsWith("::error file=z/")),
      "the unchanged line 4 of a/admin.json waits behind changed lines",
    );
    assert.equal(annotations(log).length, 10, "the admin statement already allowed the new bucket: no new access, no warning");
    assert.ok(
      summary.includes(
        "**Annotations**: 10 of 13 errors on the files (changed lines first). GitHub shows at most 10 annotations of each level per step, so 3 errors are not annotated",
      ),
    );
  });

  it("lists suppressed findings in the job summary and in SARIF, never as annotations", async () => {
    const root = tempDir("suppressed");
    cleanup.push(root);
    git(root, "init", "-q");
    writeFiles(root, {
      "iam/admin.json": ADMIN_POLICY,
      ".github/iam-policy-review.yml":
        "suppressions:\n  - rule: no-admin-access\n    path: iam/admin.json\n    reason: Break-glass role, reviewed in SEC-1\n",
    });
    const { code, log, summary, outputs } = await run(root, "workflow_dispatch", {});
    assert.equal(code, 0);
    assert.deepEqual(annotations(log), []);
    assert.ok(
      summary.includes(
        "### Suppressed findings (1)\n\n| Rule | Location | Reason | Expires |\n| --- | --- | --- | --- |\n| `no-admin-access` | iam/admin.json:4 | Break-glass role, reviewed in SEC-1 (config) | — |",
      ),
      summary,
    );
    assert.equal(outputs.findings, "0");
    const sarif = JSON.parse(readFileSync(path.join(root, "iam-policy-review.sarif"), "utf8"));
    assert.deepEqual(sarif.runs[0].results[0].suppressions, [{ kind: "external", justification: "Break-glass role, reviewed in SEC-1" }]);
  });

  it("annotations: false writes none and says so; sarif-file: '' writes no SARIF", async () => {
    const root = tempDir("quiet");
    cleanup.push(root);
    git(root, "init", "-q");
    writeFiles(root, { "iam/admin.json": ADMIN_POLICY });
    const { log, summary, outputs } = await run(root, "workflow_dispatch", {}, { annotations: "false", "sarif-file": "" });
    assert.deepEqual(annotations(log), []);
    assert.ok(summary.includes("**Annotations**: off (input `annotations: false`). Every finding is listed below."));
    assert.equal(outputs["sarif-file"], "");
    assert.ok(!existsSync(path.join(root, "iam-policy-review.sarif")));
  });

  it("writes the SARIF file where sarif-file says, creating its folder", async () => {
    const root = tempDir("sarif");
    cleanup.push(root);
    git(root, "init", "-q");
    writeFiles(root, { "iam/admin.json": ADMIN_POLICY });
    const { outputs } = await run(root, "workflow_dispatch", {}, { "sarif-file": "reports/iam.sarif" });
    assert.equal(outputs["sarif-file"], path.join(root, "reports/iam.sarif"));
    assert.equal(JSON.parse(readFileSync(path.join(root, "reports/iam.sarif"), "utf8")).version, "2.1.0");
  });

  it("fails at or above fail-on only", async () => {
    const repo = repoWithOldFinding();
    const payload = examplePayload("push") as { before: string };
    payload.before = repo.base;
    assert.equal((await run(repo.root, "push", payload, { "fail-on": "warning" })).code, 1, "the new-access warning fails at warning");
    const full = await run(repo.root, "workflow_dispatch", {}, { "fail-on": "never" });
    assert.equal(full.code, 0, "never fails");
    assert.ok(full.summary.includes("**Passed**: nothing at or above `never` (never fails)."));
  });

  it("never shows an access key in the log, the annotations or the summary", async () => {
    const key = "AKIA" + "2OGYBAH6STMMNXNN";
    const root = tempDir("secret");
    cleanup.push(root);
    git(root, "init", "-q");
    writeFiles(root, { "deploy/env.sh": `export AWS_ACCESS_KEY_ID=${key}\n` });
    const { log, summary } = await run(root, "workflow_dispatch", {});
    assert.match(log, /^::error file=deploy\/env\.sh,line=1,.*title=no-hardcoded-aws-keys::.*"AKIA…"/m);
    assert.ok(!log.includes(key) && !summary.includes(key));
    assert.ok(!readFileSync(path.join(root, "iam-policy-review.sarif"), "utf8").includes(key));
  });

  it("a wrong input or config: one error line, a summary that says it, exit 2", async () => {
    const root = tempDir("bad");
    cleanup.push(root);
    git(root, "init", "-q");
    const bad = await run(root, "workflow_dispatch", {}, { "fail-on": "critical" });
    assert.equal(bad.code, 2);
    assert.equal(bad.log, '::error::iam-policy-review: Input fail-on must be one of error, warning, note, never (got "critical").\n');
    assert.equal(
      bad.summary,
      '## IAM Policy Review: not run\n\n> **Error**: Input fail-on must be one of error, warning, note, never (got "critical").\n',
    );
    const missing = await run(root, "workflow_dispatch", {}, { config: "ci/iam.yml" });
    assert.equal(missing.log, "::error::iam-policy-review: Input config: there is no file ci/iam.yml in the workspace.\n");
    writeFiles(root, { ".github/iam-policy-review.yml": "failOn: sometimes\n" });
    const config = await run(root, "workflow_dispatch", {});
    assert.equal(config.code, 2);
    assert.match(config.log, /^::error::iam-policy-review: .*failOn/);
  });
});

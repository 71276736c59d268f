import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { changedFiles, gitChangeReader, gitRoot, mergeBase, readAtCommit, resolveRef } from "../../src/sources/git.ts";
import { UsageError } from "../../src/sources/fs.ts";

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function repo(): { root: string; git: (...args: string[]) => string; write: (rel: string, text: string) => void } {
  const root = mkdtempSync(path.join(tmpdir(), "iam-policy-review-git-"));
  roots.push(root);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args], {
      cwd: root,
      encoding: "utf8",
    });
  git("init", "-q", "-b", "main");
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  return { root, git, write };
}

describe("git sources", () => {
  it("lists added, modified, deleted, renamed and untracked files since the merge base", async () => {
    const { root, git, write } = repo();
    write("iam/keep.json", '{"a": 1}\n');
    write("iam/change.json", '{"a": 1}\n');
    write("iam/gone.json", '{"a": 1}\n');
    write(
      "iam/old-name.json",
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n',
    );
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    git("checkout", "-q", "-b", "feature");
    write("iam/change.json", '{"a": 2}\n');
    rmSync(path.join(root, "iam/gone.json"));
    renameSync(path.join(root, "iam/old-name.json"), path.join(root, "iam/new-name.json"));
    git("add", "-A");
    git("commit", "-q", "-m", "change");
    write("iam/untracked.tf", "# new\n");

    const top = await gitRoot(path.join(root, "iam"));
    const base = await mergeBase(top, await resolveRef(top, "main"));
    const files = await changedFiles(top, base);
    assert.deepEqual(files.map((f) => `${f.status} ${f.basePath} -> ${f.path}`).sort(), [
      "added iam/untracked.tf -> iam/untracked.tf",
      "deleted iam/gone.json -> iam/gone.json",
      "modified iam/change.json -> iam/change.json",
      "renamed iam/old-name.json -> iam/new-name.json",
    ]);
    assert.equal(new TextDecoder().decode(await readAtCommit(top, base, "iam/change.json")), '{"a": 1}\n');
    assert.equal(await readAtCommit(top, base, "iam/untracked.tf"), undefined);
  });

  it("names an unknown revision and a folder outside git as usage errors", async () => {
    const { root } = repo();
    await assert.rejects(
      resolveRef(root, "no-such-branch"),
      (e: Error) => e instanceof UsageError && /unknown git revision/.test(e.message),
    );
    await assert.rejects(resolveRef(root, "--output=/tmp/x"), UsageError);
    const outside = mkdtempSync(path.join(tmpdir(), "iam-policy-review-nogit-"));
    roots.push(outside);
    await assert.rejects(gitRoot(outside), UsageError);
  });

  it("says a shallow clone lacks the history instead of comparing with the base itself (issue #9)", async () => {
    const { root, git, write } = repo();
    write("iam/a.json", '{"a": 1}\n');
    git("add", "-A");
    git("commit", "-q", "-m", "fork point");
    git("checkout", "-q", "-b", "feature");
    write("iam/a.json", '{"a": 2}\n');
    git("commit", "-q", "-am", "feature");
    git("checkout", "-q", "main");
    write("iam/b.json", '{"b": 1}\n');
    git("add", "-A");
    git("commit", "-q", "-m", "main moved on");
    const clone = mkdtempSync(path.join(tmpdir(), "iam-policy-review-shallow-"));
    roots.push(clone);
    execFileSync("git", ["clone", "-q", "--depth", "1", "--branch", "feature", `file://${root}`, clone]);
    execFileSync("git", ["fetch", "-q", "--depth", "1", "origin", "main:main"], { cwd: clone });

    await assert.rejects(
      mergeBase(clone, await resolveRef(clone, "main")),
      (e: Error) => e instanceof UsageError && /shallow.*fetch-depth: 0/.test(e.message),
    );
  });

  it("reads the base through the change reader: missing only when the commit has no such file", async () => {
    const { root, git, write } = repo();
    write("mod/main.tf", "# base\n");
    write("mod/other.tf", "# other\n");
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    const base = (await resolveRef(root, "HEAD")).trim();
    const reader = gitChangeReader({ root, baseCommit: base });

    const read = await reader.read("base", "mod/main.tf", "mod/main.tf");
    assert.deepEqual(read, { ok: true, file: { path: "mod/main.tf", text: "# base\n" } });
    assert.deepEqual(await reader.read("base", "mod/none.tf", "mod/none.tf"), { ok: false, missing: true, reason: "not found" });
    assert.deepEqual(await reader.read("base", "mod", "mod"), { ok: false, missing: true, reason: "a directory" });
    assert.deepEqual(await reader.moduleFiles("base", "mod"), ["mod/main.tf", "mod/other.tf"]);
    await assert.rejects(
      gitChangeReader({ root, baseCommit: "0".repeat(40) }).read("base", "mod/main.tf", "mod/main.tf"),
      /0000000000000000000000000000000000000000|not a tree|Not a valid/,
    );
  });
});

/**
 * The pre-commit hooks (issue #14): what `.pre-commit-hooks.yaml` declares, and its entries run the way pre-commit
 * runs them (the entry, then the staged file names) in a repository with staged changes. pre-commit itself is a
 * Python tool and not installed here; it runs `entry` with the file names appended, from the repository root.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "yaml";
import { ADMIN_POLICY, git, SAFE_POLICY, tempDir, WIDER_POLICY, writeFiles } from "./action/fixture.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "bin", "iam-policy-review.js");

interface Hook {
  id: string;
  entry: string;
  language: string;
  types?: string[];
  pass_filenames?: boolean;
}
const hooks = parse(readFileSync(path.join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as Hook[];
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };

const cleanup: string[] = [];
after(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs a hook's entry as pre-commit does: the package's bin, the entry's arguments, then the file names. */
function runHook(id: string, cwd: string, files: string[]) {
  const hook = hooks.find((h) => h.id === id)!;
  const [command, ...args] = hook.entry.split(" ");
  assert.ok(command! in pkg.bin, `${command} is a bin of the package`);
  const result = spawnSync(process.execPath, [BIN, ...args, ...(hook.pass_filenames === false ? [] : files)], { cwd, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A repository with one commit, then `staged` written and `git add`ed, and `unstaged` written only. */
function stagedRepo(committed: Record<string, string>, staged: Record<string, string>): string {
  const root = tempDir("pre-commit");
  cleanup.push(root);
  git(root, "init", "-q", "-b", "main");
  git(root, "config", "user.email", "test@example.com");
  git(root, "config", "user.name", "Test");
  writeFiles(root, committed);
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "base");
  writeFiles(root, staged);
  git(root, "add", "-A");
  return root;
}

describe(".pre-commit-hooks.yaml", () => {
  it("declares node hooks for the staged changes and for the whole tree", () => {
    assert.deepEqual(
      hooks.map((h) => [h.id, h.language, h.entry]),
      [
        ["iam-policy-review", "node", "iam-policy-review scan --base HEAD"],
        ["iam-policy-review-all", "node", "iam-policy-review scan"],
      ],
    );
    assert.deepEqual(hooks[0]!.types, ["text"]);
  });

  it("iam-policy-review: a staged admin policy fails the commit, with the new access it adds", () => {
    const root = stagedRepo({ "iam/app.json": SAFE_POLICY }, { "iam/admin.json": ADMIN_POLICY, "iam/app.json": WIDER_POLICY });
    const { code, stdout, stderr } = runHook("iam-policy-review", root, ["iam/admin.json", "iam/app.json"]);
    assert.equal(stderr, "");
    assert.equal(code, 1);
    assert.match(stdout, /^ {2}4:36 +error +This statement allows "\*" on every resource: .* {2}no-admin-access$/m);
    assert.match(
      stdout,
      /^ {2}1:81 +warning +This change grants new Write access: s3:PutObject on arn:aws:s3:::assets\/\*\. {2}new-access$/m,
    );
  });

  it("iam-policy-review: only the files pre-commit passes are scanned, so an old finding elsewhere does not block", () => {
    const root = stagedRepo({ "old/admin.json": ADMIN_POLICY, "iam/app.json": SAFE_POLICY }, { "README.md": "# notes\n" });
    const { code, stdout } = runHook("iam-policy-review", root, ["README.md"]);
    assert.equal(code, 0, stdout);
  });

  it("iam-policy-review-all: the whole tree, old findings included", () => {
    const root = stagedRepo({ "old/admin.json": ADMIN_POLICY }, { "README.md": "# notes\n" });
    const { code, stdout } = runHook("iam-policy-review-all", root, ["README.md"]);
    assert.equal(code, 1);
    assert.match(stdout, /^old\/admin\.json$/m);
  });
});

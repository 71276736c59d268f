/**
 * Which lines the change touched, from git: the head-side lines of `git diff -U0 BASE` in the work tree, by path
 * relative to `cwd`. The Action annotates findings on these lines first, because GitHub shows only 10 annotations
 * of each level per step. The git edge; parsing is the `diff` package's.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { parsePatch } from "diff";

const exec = promisify(execFile);

/** Head-side line numbers added or changed since `base`, per file relative to `cwd`; empty when git fails. */
export async function changedLines(cwd: string, base: string): Promise<Map<string, Set<number>>> {
  const out = new Map<string, Set<number>>();
  try {
    const root = (await exec("git", ["rev-parse", "--show-toplevel"], { cwd, encoding: "utf8" })).stdout.trim();
    const { stdout } = await exec("git", ["diff", "-U0", "--no-color", "--no-ext-diff", "-M", base, "--"], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    for (const file of parsePatch(stdout)) {
      const name = file.newFileName?.replace(/^b\//, "");
      if (!name || name === "/dev/null") continue;
      const lines = new Set<number>();
      for (const hunk of file.hunks) {
        let line = hunk.newStart;
        for (const text of hunk.lines) if (text[0] === "+") lines.add(line++);
      }
      out.set(path.relative(cwd, path.join(root, name)).split(path.sep).join("/"), lines);
    }
  } catch {
    // Only the order of annotations depends on this: without it they stay most severe first.
  }
  return out;
}

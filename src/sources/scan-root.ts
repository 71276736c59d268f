/**
 * The tree a scan may read (issue #12): `file()`/`templatefile()` and every other read are confined to the
 * scanned root — the git work tree that holds a scanned path, or else the scanned directory (a scanned file's
 * directory) — whatever the working directory is. A scan from `/` of `repo/` never opens `/etc/passwd`.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { FileRead } from "../extract/index.ts";
import { MAX_FILE_BYTES } from "../extract/limits.ts";
import { decodeSource } from "./fs.ts";

/** The root each scanned path (relative to `cwd`) is confined to, real paths, without duplicates. */
export function scanRoots(paths: readonly string[], cwd: string): string[] {
  const roots = new Set<string>();
  for (const arg of paths.length > 0 ? paths : ["."]) {
    let abs: string;
    try {
      abs = realpathSync(path.resolve(cwd, arg));
    } catch {
      continue; // a missing path is reported by the file walk
    }
    const dir = statSync(abs).isDirectory() ? abs : path.dirname(abs);
    roots.add(gitRoot(dir) ?? dir);
  }
  return [...roots];
}

/** The nearest enclosing directory with a `.git` entry (a work tree or a linked worktree), if any. */
function gitRoot(dir: string): string | undefined {
  for (let probe = dir; ; probe = path.dirname(probe)) {
    if (existsSync(path.join(probe, ".git"))) return probe;
    if (path.dirname(probe) === probe) return undefined;
  }
}

/** Whether `target` is `root` or inside it (both real paths). */
function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Reads a file a Terraform `file("...")` names (a path relative to `cwd`), only inside one of `roots` (also not
 * through a symbolic link), within the size limit and as valid UTF-8 text. A path outside gives
 * `{ outside: true }` (the extractor's note says so); a missing or unreadable one undefined.
 */
export function treeReader(cwd: string, roots: readonly string[]): (relPath: string) => FileRead {
  return (relPath) => {
    let real: string;
    try {
      real = realpathSync(path.resolve(cwd, relPath));
    } catch {
      // Missing: say "outside" when even the path as written leaves the tree, without touching the disk more.
      const lexical = path.resolve(cwd, relPath);
      return roots.some((root) => inside(root, lexical)) ? undefined : { outside: true };
    }
    if (!roots.some((root) => inside(root, real))) return { outside: true };
    try {
      const stats = statSync(real);
      if (!stats.isFile() || stats.size > MAX_FILE_BYTES) return undefined;
      const outcome = decodeSource(relPath, readFileSync(real));
      return outcome.ok ? outcome.file.text : undefined;
    } catch {
      return undefined; // unreadable: the extractor reports the policy as not analysed
    }
  };
}

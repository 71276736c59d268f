/**
 * The git edge of `scan --base REF`: which files changed since REF (with git's rename detection) and what they
 * held at REF. Runs git with an argument list, never a shell, and reads only blobs.
 */
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ChangedPath } from "../types.ts";
import { MAX_FILE_BYTES } from "../extract/limits.ts";
import type { ChangeReader } from "./change.ts";
import { moduleFileList } from "./change.ts";
import { decodeSource, readSource, UsageError } from "./fs.ts";

const run = promisify(execFile);

/** One changed file: its path now, and its path at the base when git saw a rename. */
export type ChangedFile = ChangedPath;

async function git(cwd: string, args: string[], maxBuffer = 64 * 1024 * 1024): Promise<string> {
  const { stdout } = await run("git", args, { cwd, maxBuffer, encoding: "utf8" });
  return stdout;
}

/** The repository root of `cwd`, or a usage error when `cwd` is not in a git work tree. */
export async function gitRoot(cwd: string): Promise<string> {
  try {
    return (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
  } catch (error) {
    throw new UsageError(`--base needs a git work tree, and ${cwd} is not in one (${(error as Error).message.split("\n")[0]})`);
  }
}

/** Resolves REF to a commit, or a usage error naming it. */
export async function resolveRef(cwd: string, ref: string): Promise<string> {
  if (ref.startsWith("-")) throw new UsageError(`--base ${ref}: not a git revision`);
  try {
    return (await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch {
    throw new UsageError(`--base ${ref}: unknown git revision (fetch it first, e.g. git fetch origin ${ref})`);
  }
}

/**
 * Files changed between the merge base of REF and the work tree (committed, staged and unstaged changes, and
 * untracked files that git does not ignore), as paths relative to the repository root.
 */
export async function changedFiles(root: string, baseCommit: string): Promise<ChangedFile[]> {
  const out = await git(root, ["diff", "--name-status", "-z", "-M", "--no-ext-diff", baseCommit, "--"]);
  const tokens = out.split("\0").filter((t) => t !== "");
  const files: ChangedFile[] = [];
  for (let i = 0; i < tokens.length;) {
    const code = tokens[i++]!;
    if (code.startsWith("R")) {
      const from = tokens[i++]!;
      const to = tokens[i++]!;
      files.push({ path: to, basePath: from, status: "renamed" });
    } else if (code.startsWith("C")) {
      i++; // copy source: the copy is a new file
      const to = tokens[i++]!;
      files.push({ path: to, basePath: to, status: "added" });
    } else {
      const path = tokens[i++]!;
      const status = code === "A" ? "added" : code === "D" ? "deleted" : "modified";
      files.push({ path, basePath: path, status });
    }
  }
  const untracked = await git(root, ["ls-files", "--others", "--exclude-standard", "-z"]);
  for (const path of untracked.split("\0").filter(Boolean)) files.push({ path, basePath: path, status: "added" });
  return files;
}

/**
 * The merge base of REF and HEAD: what a pull request is compared with. Histories with no common commit (git
 * answers 1 with no output) are compared with REF itself; any other failure is an error that says what git said.
 */
export async function mergeBase(root: string, ref: string): Promise<string> {
  try {
    return (await git(root, ["merge-base", ref, "HEAD"])).trim();
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: unknown; stderr?: unknown };
    if (failed.code === 1 && !failed.stdout && !failed.stderr) {
      // No common commit in what this clone holds: a shallow clone (CI checkouts) lacks the history to find it.
      if ((await git(root, ["rev-parse", "--is-shallow-repository"])).trim() === "true") {
        throw new UsageError(
          `--base ${ref.slice(0, 12)}: this clone is shallow, so git cannot find where the branch left the base; fetch the history first (git fetch --unshallow, or actions/checkout with fetch-depth: 0)`,
        );
      }
      return ref; // unrelated histories: compare with REF itself
    }
    throw new UsageError(
      `--base: git merge-base ${ref} HEAD failed (${firstLine(failed.stderr) ?? (error as Error).message.split("\n")[0]})`,
    );
  }
}

function firstLine(text: unknown): string | undefined {
  return typeof text === "string" && text.trim() !== "" ? text.trim().split("\n")[0] : undefined;
}

/** One entry of `git ls-tree --long`: mode, type, object, size and path. */
interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  size: number;
  path: string;
}

async function lsTree(root: string, commit: string, pathspec: string | undefined): Promise<TreeEntry[]> {
  const out = await git(root, ["ls-tree", "-z", "--long", commit, ...(pathspec === undefined ? [] : ["--", pathspec])]);
  return out
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode = "", type = "", object = "", size = ""] = line.slice(0, tab).split(/\s+/);
      return { mode, type, object, size: Number(size), path: line.slice(tab + 1) };
    });
}

/**
 * The bytes of a file at a commit, or undefined when the commit has no such file. Any other failure of git rejects
 * with what git said: an unreadable base is never taken to mean "did not exist" (all its access would be new).
 */
export async function readAtCommit(root: string, commit: string, path: string): Promise<Uint8Array | undefined> {
  const outcome = await blobAtCommit(root, commit, path, Number.POSITIVE_INFINITY);
  return outcome.kind === "blob" ? outcome.bytes : undefined;
}

type BlobOutcome = { kind: "blob"; bytes: Uint8Array } | { kind: "missing"; reason: string } | { kind: "too-large"; size: number };

async function blobAtCommit(root: string, commit: string, path: string, limit: number): Promise<BlobOutcome> {
  const [entry] = await lsTree(root, commit, path);
  if (!entry || entry.path !== path) return { kind: "missing", reason: "not found" };
  if (entry.type !== "blob") return { kind: "missing", reason: `a ${entry.type === "tree" ? "directory" : entry.type}` };
  if (entry.mode === "120000") return { kind: "missing", reason: "a symbolic link, not a regular file" };
  if (entry.size > limit) return { kind: "too-large", size: entry.size };
  try {
    const { stdout } = await run("git", ["cat-file", "blob", entry.object], {
      cwd: root,
      maxBuffer: Math.max(entry.size, 1) + 1024,
      encoding: "buffer",
    });
    return { kind: "blob", bytes: new Uint8Array(stdout) };
  } catch (error) {
    throw new Error(
      `git could not read ${path} at ${commit.slice(0, 12)}: ${firstLine((error as { stderr?: unknown }).stderr?.toString()) ?? (error as Error).message}`,
      { cause: error },
    );
  }
}

export interface GitChangeOptions {
  /** The repository root. */
  root: string;
  /** The base commit (the merge base). */
  baseCommit: string;
}

/**
 * The git implementation of {@link ChangeReader}: the head side is the work tree (committed, staged and unstaged
 * changes and untracked files), the base side the commit. Paths are relative to the repository root; a head file
 * must be a regular file inside the work tree (a symbolic link is not followed), like a blob at the base.
 */
export function gitChangeReader(options: GitChangeOptions): ChangeReader {
  const { root, baseCommit } = options;
  return {
    list: () => changedFiles(root, baseCommit),
    async read(side, path, label) {
      if (side === "head") return readSource(join(root, path), label);
      const blob = await blobAtCommit(root, baseCommit, path, MAX_FILE_BYTES);
      if (blob.kind === "missing") return { ok: false, missing: true, reason: blob.reason };
      if (blob.kind === "too-large") return decodeSource(label, new Uint8Array(0), blob.size);
      return decodeSource(label, blob.bytes);
    },
    async moduleFiles(side, dir) {
      if (side === "base") {
        const entries = await lsTree(root, baseCommit, dir === "." ? undefined : `${dir}/`);
        return moduleFileList(entries.filter((e) => e.type === "blob" && e.mode !== "120000").map((e) => e.path));
      }
      let entries;
      try {
        entries = await readdir(join(root, dir), { withFileTypes: true });
      } catch (error) {
        if ((error as { code?: unknown }).code === "ENOENT" || (error as { code?: unknown }).code === "ENOTDIR") return [];
        throw error;
      }
      return moduleFileList(entries.filter((e) => e.isFile()).map((e) => (dir === "." ? e.name : `${dir}/${e.name}`)));
    },
  };
}

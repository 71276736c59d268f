/**
 * The git edge of `scan --base REF`: which files changed since REF (with git's rename detection) and what they
 * held at REF. Runs git with an argument list, never a shell, and reads only blobs.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { UsageError } from "./fs.ts";

const run = promisify(execFile);

/** One changed file: its path now, and its path at the base when git saw a rename. */
export interface ChangedFile {
  path: string;
  status: "added" | "modified" | "deleted" | "renamed";
  /** Path at the base (differs from `path` for renames). */
  basePath: string;
}

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
  for (let i = 0; i < tokens.length; ) {
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

/** The merge base of REF and HEAD: what a pull request is compared with. */
export async function mergeBase(root: string, ref: string): Promise<string> {
  try {
    return (await git(root, ["merge-base", ref, "HEAD"])).trim();
  } catch {
    return ref; // unrelated histories: compare with REF itself
  }
}

/** The bytes of a file at a commit, or undefined when it did not exist there. */
export async function readAtCommit(root: string, commit: string, path: string): Promise<Uint8Array | undefined> {
  try {
    const { stdout } = await run("git", ["cat-file", "blob", `${commit}:${path}`], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      encoding: "buffer",
    });
    return new Uint8Array(stdout);
  } catch {
    return undefined;
  }
}

/**
 * A synchronous reader of files at a commit (for Terraform `file("...")` at the base), for paths inside the
 * repository only; undefined for anything git does not hold as a blob there.
 */
export function commitReader(root: string, commit: string, toRootPath: (path: string) => string | undefined): (path: string) => string | undefined {
  return (path) => {
    const inRepo = toRootPath(path);
    if (inRepo === undefined) return undefined;
    try {
      const bytes = execFileSync("git", ["cat-file", "blob", `${commit}:${inRepo}`], { cwd: root, maxBuffer: 6 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] });
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return undefined;
    }
  };
}

/**
 * The file-system edge of the CLI: which files a scan reads, and reading them safely. Directories are walked
 * respecting `.gitignore` files (from the repository root down); dependency and build folders are skipped.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { lstat, open, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import type { Finding, SourceFile } from "../types.ts";
import { inputFinding, WHOLE_FILE } from "../findings.ts";
import { looksBinary, MAX_FILE_BYTES } from "../extract/limits.ts";

/** Folder names never walked into: dependencies, VCS data, Terraform's provider cache. */
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".terraform", ".hg", ".svn"]);

/** Inside `cdk.out`, the synthesized templates are worth reading; the bundled `asset.*` folders are not. */
function skipDirectory(name: string, parent: string): boolean {
  return SKIPPED_DIRS.has(name) || (path.basename(parent) === "cdk.out" && name.startsWith("asset."));
}

interface IgnoreScope {
  /** Directory the `.gitignore` lives in. */
  dir: string;
  rules: Ignore;
}

async function loadGitignore(dir: string): Promise<IgnoreScope | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, ".gitignore"), "utf8");
  } catch {
    return undefined; // no .gitignore here
  }
  return { dir, rules: ignore().add(text) };
}

function isIgnored(scopes: readonly IgnoreScope[], file: string, isDir: boolean): boolean {
  for (const scope of scopes) {
    const rel = path.relative(scope.dir, file).split(path.sep).join("/");
    if (rel === "" || rel.startsWith("..")) continue;
    if (scope.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/** `.gitignore` scopes of the enclosing git work tree, from its root down to `dir`'s parent. */
async function ancestorScopes(dir: string): Promise<IgnoreScope[]> {
  let root: string | undefined;
  for (let probe = dir; ; probe = path.dirname(probe)) {
    if (existsSync(path.join(probe, ".git"))) {
      root = probe;
      break;
    }
    if (path.dirname(probe) === probe) break;
  }
  if (root === undefined || root === dir) return [];
  const chain: string[] = [];
  for (let up = path.dirname(dir); ; up = path.dirname(up)) {
    chain.unshift(up);
    if (up === root || path.dirname(up) === up) break;
  }
  const scopes: IgnoreScope[] = [];
  for (const d of chain) {
    const scope = await loadGitignore(d);
    if (scope) scopes.push(scope);
  }
  return scopes;
}

export interface CollectOptions {
  /** Whether a file found while walking a directory is worth reading. Files named explicitly are always read. */
  accept: (file: string) => boolean;
  /** Extra gitignore-style patterns (config `ignorePaths`), relative to `cwd`. */
  ignorePatterns?: readonly string[];
}

/**
 * Expands the scan arguments (files and directories, relative to `cwd`) into a sorted list of absolute file
 * paths. Throws a `UsageError` for a path that does not exist.
 */
export async function collectFiles(args: readonly string[], cwd: string, options: CollectOptions): Promise<string[]> {
  const found = new Set<string>();
  const configIgnore = options.ignorePatterns?.length ? ignore().add([...options.ignorePatterns]) : undefined;
  const ignoredByConfig = (abs: string, isDir: boolean): boolean => {
    if (!configIgnore) return false;
    const rel = path.relative(cwd, abs).split(path.sep).join("/");
    return rel !== "" && !rel.startsWith("..") && configIgnore.ignores(isDir ? `${rel}/` : rel);
  };

  const walk = async (dir: string, scopes: IgnoreScope[]): Promise<void> => {
    const own = await loadGitignore(dir);
    const active = own ? [...scopes, own] : scopes;
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (skipDirectory(entry.name, dir) || isIgnored(active, abs, true) || ignoredByConfig(abs, true)) continue;
        await walk(abs, active);
      } else if (entry.isFile()) {
        // Symbolic links are not followed: a PR could point one outside the tree.
        if (!options.accept(abs) || isIgnored(active, abs, false) || ignoredByConfig(abs, false)) continue;
        found.add(abs);
      }
    }
  };

  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    let stats;
    try {
      stats = await lstat(abs);
    } catch {
      throw new UsageError(`${arg}: no such file or directory`);
    }
    if (stats.isDirectory()) await walk(abs, await ancestorScopes(abs));
    else if (stats.isFile()) found.add(abs);
    else throw new UsageError(`${arg}: not a regular file or directory`);
  }
  return [...found].sort();
}

/** A problem with how the command was called: exit code 2, message shown without a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type ReadOutcome = { ok: true; file: SourceFile } | { ok: false; finding: Finding };

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Whether a file that cannot be read would probably have held IaC or a policy (so skipping it matters more). */
function looksLikeIac(relPath: string): boolean {
  return /\.(tf|json|ya?ml|template)$/i.test(relPath);
}

/**
 * Decodes file bytes for the engine. Files over 5 MB, binary files and invalid UTF-8 are not decoded: the outcome
 * is a finding that says so (a skipped file is never silent).
 */
export function decodeSource(relPath: string, bytes: Uint8Array, size = bytes.length): ReadOutcome {
  const severity = looksLikeIac(relPath) ? "warning" : "note";
  if (size > MAX_FILE_BYTES) {
    const mb = (size / (1024 * 1024)).toFixed(1);
    return {
      ok: false,
      finding: inputFinding(relPath, WHOLE_FILE, "note", `Skipped: the file is ${mb} MB, over the 5 MB limit.`, "too-large"),
    };
  }
  if (looksBinary(bytes)) {
    return { ok: false, finding: inputFinding(relPath, WHOLE_FILE, "note", "Skipped: the file is binary.", "binary") };
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return {
      ok: false,
      finding: inputFinding(relPath, WHOLE_FILE, severity, "Skipped: the file is not valid UTF-8 text.", "invalid-utf8"),
    };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, file: { path: relPath, text } };
}

/** Reads a file for the engine without loading more than the size limit into memory. */
export async function readSource(absPath: string, relPath: string): Promise<ReadOutcome> {
  // Not followed: a symbolic link (committed in a pull request, say) could point anywhere on the machine.
  const stats = await lstat(absPath).catch(() => undefined);
  if (!stats || !stats.isFile()) {
    const what = !stats ? "it cannot be read" : stats.isSymbolicLink() ? "it is a symbolic link" : "it is not a regular file";
    return { ok: false, finding: inputFinding(relPath, WHOLE_FILE, "note", `Skipped: ${what}.`, "not-a-file") };
  }
  const handle = await open(absPath, "r");
  try {
    const { size } = await handle.stat();
    if (size > MAX_FILE_BYTES) return decodeSource(relPath, new Uint8Array(0), size);
    const bytes = new Uint8Array(size);
    const { bytesRead } = await handle.read(bytes, 0, size, 0);
    return decodeSource(relPath, bytes.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Reads a file that a Terraform `file("...")` call names, only inside `cwd` (a template must not make the scan
 * read files elsewhere on the machine, also not through a symbolic link), within the size limit and as valid
 * UTF-8 text.
 */
export function treeReader(cwd: string): (relPath: string) => string | undefined {
  let root: string | undefined;
  return (relPath) => {
    try {
      root ??= realpathSync(cwd);
      const real = realpathSync(path.resolve(cwd, relPath));
      const rel = path.relative(root, real);
      if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
      const stats = statSync(real);
      if (!stats.isFile() || stats.size > MAX_FILE_BYTES) return undefined;
      const outcome = decodeSource(relPath, readFileSync(real));
      return outcome.ok ? outcome.file.text : undefined;
    } catch {
      return undefined; // missing or unreadable: the extractor reports the policy as not analysed
    }
  };
}

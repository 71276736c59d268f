/**
 * `scan --base REF`, the git edge: which files changed since the merge base of REF and HEAD, their text now and
 * at the base; Terraform modules are read whole so references between their files resolve. The review itself
 * is `reviewChanges`, shared with the App.
 */
import path from "node:path";
import { readdir } from "node:fs/promises";
import ignore from "ignore";
import type { Finding, SourceFile } from "../types.ts";
import { inputFormatOf } from "../extract/index.ts";
import type { Config } from "../core/config.ts";
import { decodeSource, readSource } from "../sources/fs.ts";
import { changedFiles, commitReader, gitRoot, mergeBase, readAtCommit, resolveRef, type ChangedFile } from "../sources/git.ts";
import { treeReader } from "../sources/scan-root.ts";
import { mapLimit } from "../util/map-limit.ts";
import { reviewChanges, type ChangeReview } from "../core/compare-changes.ts";

export interface ChangeScanOptions {
  paths: readonly string[];
  cwd: string;
  config: Config;
  base: string;
}

export interface ChangeScan extends ChangeReview {
  /** Resolved base commit. */
  baseCommit: string;
  /** Changed files in scope, relative to `cwd` (both names of a renamed file). */
  changed: string[];
  /** Problems reading the changed files (too large, binary, not UTF-8). */
  readFindings: Finding[];
}

/** Sibling `.tf` files of a module directory (relative to root), for references between files. */
async function moduleSiblings(root: string, dir: string): Promise<string[]> {
  try {
    const entries = await readdir(path.join(root, dir), { withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith(".tf")).map((e) => path.posix.join(dir, e.name));
  } catch {
    return [];
  }
}

export async function runChangeScan(options: ChangeScanOptions): Promise<ChangeScan> {
  const { cwd, config } = options;
  const root = await gitRoot(cwd);
  const baseCommit = await mergeBase(root, await resolveRef(root, options.base));
  const toCwd = (rootRel: string) => path.relative(cwd, path.join(root, rootRel)).split(path.sep).join("/");
  const scopes = (options.paths.length > 0 ? options.paths : ["."]).map((p) => path.resolve(cwd, p));
  const ignored = config.ignorePaths.length ? ignore().add(config.ignorePaths) : undefined;
  const inScope = (file: ChangedFile) => {
    const abs = path.join(root, file.path);
    const rel = toCwd(file.path);
    if (ignored && !rel.startsWith("..") && ignored.ignores(rel)) return false;
    return scopes.some((scope) => abs === scope || abs.startsWith(scope + path.sep));
  };
  const changed = (await changedFiles(root, baseCommit)).filter(inScope);

  // Head: the changed files, plus the other .tf files of every changed Terraform module; likewise at the base.
  const headPaths = new Set(changed.filter((f) => f.status !== "deleted").map((f) => f.path));
  const basePaths = new Set(changed.filter((f) => f.status !== "added").map((f) => f.basePath));
  for (const file of changed) {
    if (inputFormatOf(file.path) !== "terraform") continue;
    for (const sibling of await moduleSiblings(root, path.posix.dirname(file.path))) headPaths.add(sibling);
    if (file.status !== "added") {
      // The base module's other files are, by and large, today's unchanged siblings.
      for (const sibling of await moduleSiblings(root, path.posix.dirname(file.basePath))) {
        if (!changed.some((c) => c.path === sibling && c.status === "added")) basePaths.add(sibling);
      }
    }
  }
  const changedHead = new Set(changed.filter((f) => f.status !== "deleted").map((f) => toCwd(f.path)));

  const readFindings: Finding[] = [];
  const headFiles: SourceFile[] = [];
  const headList = [...headPaths];
  for (const [index, outcome] of (await mapLimit(headList, 16, (p) => readSource(path.join(root, p), toCwd(p)))).entries()) {
    if (outcome.ok) headFiles.push(outcome.file);
    else if (changedHead.has(toCwd(headList[index]!))) readFindings.push(outcome.finding);
  }
  const baseFiles: SourceFile[] = [];
  for (const p of basePaths) {
    const bytes = await readAtCommit(root, baseCommit, p);
    if (!bytes) continue;
    const outcome = decodeSource(toCwd(p), bytes);
    if (outcome.ok) baseFiles.push(outcome.file);
  }

  const relChanged = changed.map((f) => ({ ...f, path: toCwd(f.path), basePath: toCwd(f.basePath) }));
  const toRoot = (cwdRel: string): string | undefined => {
    const rel = path.relative(root, path.resolve(cwd, cwdRel)).split(path.sep).join("/");
    return rel.startsWith("..") || path.isAbsolute(rel) ? undefined : rel;
  };
  const review = await reviewChanges({
    changed: relChanged,
    headFiles,
    baseFiles,
    config,
    readFile: treeReader(cwd, [root]),
    readBaseFile: commitReader(root, baseCommit, toRoot),
  });
  return {
    ...review,
    baseCommit,
    changed: [...new Set(relChanged.flatMap((f) => (f.status === "added" ? [f.path] : f.status === "deleted" ? [f.basePath] : [f.path, f.basePath])))].sort(),
    readFindings,
  };
}

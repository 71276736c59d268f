/**
 * `scan --base REF`: which files changed since the merge base of REF and HEAD and their text now and at the base,
 * read through the git {@link ChangeReader} by `readChange` (the same gathering as the App's), then the one
 * pipeline (`core/analyze.ts`) comparing each policy with its base version; the caller renders the report.
 */
import path from "node:path";
import ignore from "ignore";
import type { ChangedPath } from "../types.ts";
import type { AccessAnalyzerRunner } from "../access-analyzer/types.ts";
import type { Config } from "../core/config.ts";
import { analyze } from "../core/analyze.ts";
import type { ScanReport } from "../report/types.ts";
import { readChange } from "../sources/change.ts";
import { gitChangeReader, gitRoot, mergeBase, resolveRef } from "../sources/git.ts";
import { VERSION } from "../version.ts";

export interface ChangeScanOptions {
  paths: readonly string[];
  cwd: string;
  config: Config;
  base: string;
  /** Runs IAM Access Analyzer's checks on the added and changed policies; omitted, they are not run. */
  accessAnalyzer?: AccessAnalyzerRunner;
}

/** Files read at once from the work tree and git. */
const READ_CONCURRENCY = 16;

export async function runChangeScan(options: ChangeScanOptions): Promise<ScanReport> {
  const { cwd, config } = options;
  const root = await gitRoot(cwd);
  const baseCommit = await mergeBase(root, await resolveRef(root, options.base));
  const toCwd = (rootRel: string) => path.relative(cwd, path.join(root, rootRel)).split(path.sep).join("/");
  const toRoot = (cwdRel: string): string | undefined => {
    const rel = path.relative(root, path.resolve(cwd, cwdRel)).split(path.sep).join("/");
    return rel.startsWith("..") || path.isAbsolute(rel) ? undefined : rel;
  };
  const scopes = (options.paths.length > 0 ? options.paths : ["."]).map((p) => path.resolve(cwd, p));
  const ignored = config.ignorePaths.length ? ignore().add(config.ignorePaths) : undefined;
  const inScope = (file: ChangedPath) => {
    const abs = path.join(root, file.path);
    const rel = toCwd(file.path);
    if (ignored && !rel.startsWith("..") && ignored.ignores(rel)) return false;
    return scopes.some((scope) => abs === scope || abs.startsWith(scope + path.sep));
  };

  const reader = gitChangeReader({ root, baseCommit });
  const changed = (await reader.list()).filter(inScope);
  const sources = await readChange(reader, changed, { concurrency: READ_CONCURRENCY, toReport: toCwd, toRepo: toRoot });
  const relChanged = changed.map((f) => ({ ...f, path: toCwd(f.path), basePath: toCwd(f.basePath) }));
  const analysis = await analyze({
    files: sources.headFiles,
    readFile: sources.readFile,
    base: { changed: relChanged, files: sources.baseFiles, readFile: sources.readBaseFile },
    config,
    readFindings: sources.readFindings,
    ...(options.accessAnalyzer ? { accessAnalyzer: options.accessAnalyzer } : {}),
  });
  const changedPaths = [
    ...new Set(relChanged.flatMap((f) => (f.status === "added" ? [f.path] : f.status === "deleted" ? [f.basePath] : [f.path, f.basePath]))),
  ].sort();
  return {
    version: VERSION,
    files: changedPaths.length,
    policies: analysis.policies,
    findings: analysis.findings,
    suppressed: analysis.suppressed,
    base: { ref: options.base, commit: baseCommit, changedFiles: changedPaths.length },
    accessChanges: analysis.accessChanges ?? [],
    ...(analysis.accessAnalyzer
      ? { accessAnalyzer: { ...analysis.accessAnalyzer.checks, complete: analysis.accessAnalyzer.complete } }
      : {}),
  };
}

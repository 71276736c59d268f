/**
 * The CLI scan's analysis step, shared by the in-process path and the worker (issue #12): the analysis options
 * are rebuilt from plain data (config, working directory, scan roots) so the same call runs on either side.
 */
import type { SourceFile } from "../types.ts";
import type { Config } from "../core/config.ts";
import { kindResolver } from "../core/config.ts";
import { analyze, type Analysis } from "../core/analyze-files.ts";
import { treeReader } from "../sources/scan-root.ts";

export interface ScanAnalysisInput {
  sources: SourceFile[];
  cwd: string;
  /** Where `file()` may read (see `scanRoots`). */
  roots: string[];
  config: Config;
}

export function analyzeScan(input: ScanAnalysisInput): Promise<Analysis> {
  const { config } = input;
  return analyze(input.sources, {
    kindFor: kindResolver(config),
    readFile: treeReader(input.cwd, input.roots),
    ruleSeverities: config.rules,
    sensitiveActions: config.sensitiveActions,
    suppressions: config.suppressions,
  });
}

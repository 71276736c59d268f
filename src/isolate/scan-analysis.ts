/**
 * The CLI scan's analysis step, shared by the in-process path and the worker (issue #12): the one pipeline
 * (`core/analyze.ts`, issue #9) with its inputs rebuilt from plain data (config, working directory, scan roots), so
 * the same call runs on either side.
 */
import type { Finding, SourceFile } from "../types.ts";
import type { Config } from "../core/config.ts";
import { analyze, type AnalysisResult } from "../core/analyze.ts";
import type { AccessAnalyzerRunner } from "../access-analyzer/types.ts";
import { treeReader } from "../sources/scan-root.ts";

export interface ScanAnalysisInput {
  sources: SourceFile[];
  cwd: string;
  /** Where `file()` may read (see `scanRoots`). */
  roots: string[];
  config: Config;
  /** Problems reading the files, reported as findings. */
  readFindings?: Finding[];
  /** Files named on the command line (report paths): read whatever their extension. */
  named?: string[];
}

export function analyzeScan(input: ScanAnalysisInput, accessAnalyzer?: AccessAnalyzerRunner): Promise<AnalysisResult> {
  return analyze({
    files: input.sources,
    readFile: treeReader(input.cwd, input.roots),
    config: input.config,
    readFindings: input.readFindings ?? [],
    ...(input.named ? { named: input.named } : {}),
    ...(accessAnalyzer ? { accessAnalyzer } : {}),
  });
}

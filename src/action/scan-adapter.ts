/**
 * The one call from the Action into the analysis: the CLI's own tree scan or `--base` scan, then Access Analyzer
 * with the CLI's suppression and merge steps. Kept to one function so that it can be swapped for the shared core
 * pipeline (issue #9) in one place.
 */
import { addAccessAnalyzer, changeReport, fullReport } from "../cli/scan-report.ts";
import type { Config } from "../core/config.ts";
import type { ScanReport } from "../report/types.ts";

export interface ActionScanOptions {
  cwd: string;
  paths: readonly string[];
  config: Config;
  /** Compare with this commit (only changed files); undefined: the whole tree. */
  base?: string;
  /** Run Access Analyzer (the input, or the config's `accessAnalyzer.enabled`). */
  accessAnalyzer: boolean;
}

export interface ActionScan {
  report: ScanReport;
  /** False when Access Analyzer was asked for and not every check ran. */
  complete: boolean;
}

export async function scanForAction(options: ActionScanOptions): Promise<ActionScan> {
  const { cwd, config } = options;
  const paths = [...options.paths];
  const { report, items } = options.base === undefined ? await fullReport(paths, cwd, config) : await changeReport(paths, cwd, config, options.base);
  const complete = options.accessAnalyzer ? await addAccessAnalyzer(report, items, config) : true;
  return { report, complete };
}

/**
 * The one call from the Action into the analysis: the CLI's own scan (the one pipeline of issue #9, a tree scan or
 * a `--base` scan, Access Analyzer included when asked for).
 */
import { scanReport } from "../cli/scan-report.ts";
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
  const report = await scanReport(options);
  return { report, complete: report.accessAnalyzer?.complete !== false && report.notAnalysed === undefined };
}

import type { Finding, PolicyDocument } from "../types.ts";
import type { SuppressedFinding } from "../core/suppressions.ts";
import type { AccessChangeEntry } from "../new-access/types.ts";
import type { AccessAnalyzerChecks } from "../access-analyzer/types.ts";

/** Everything a renderer needs about one scan. */
export interface ScanReport {
  version: string;
  /** How many files were scanned. */
  files: number;
  policies: readonly PolicyDocument[];
  findings: readonly Finding[];
  /** Suppressed findings with their reasons (listed, never dropped). */
  suppressed: readonly SuppressedFinding[];
  /** With `--base`: the base compared with, and what each changed policy grants or no longer grants. */
  base?: { ref: string; commit: string; changedFiles: number };
  accessChanges?: readonly AccessChangeEntry[];
  /** With Access Analyzer: requests sent per check, and whether every check ran. */
  accessAnalyzer?: AccessAnalyzerChecks & { complete: boolean };
  /** Why the analysis could not finish (never rendered as a finding count: the run is incomplete, exit 2). */
  notAnalysed?: string;
}

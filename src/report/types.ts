import type { Finding, PolicyDocument } from "../types.ts";
import type { SuppressedFinding } from "../analyzers/suppressions.ts";

/** Everything a renderer needs about one scan. */
export interface ScanReport {
  version: string;
  /** How many files were scanned. */
  files: number;
  policies: readonly PolicyDocument[];
  findings: readonly Finding[];
  /** Suppressed findings with their reasons (listed, never dropped). */
  suppressed: readonly SuppressedFinding[];
}

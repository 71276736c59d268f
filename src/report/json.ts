/**
 * JSON output, the contract in DESIGN.md: `{ version, files, policies, findings }`.
 */
import type { Finding, PolicyKind } from "../types.ts";
import type { ScanReport } from "./types.ts";
import type { AccessChangesJson } from "../new-access/types.ts";
import { accessChangesJson } from "./access-changes.ts";
import { maskCredentials } from "../util/mask.ts";

export interface JsonPolicy {
  file: string;
  line: number;
  endLine: number;
  kind: PolicyKind;
  origin: string;
  resourceType?: string;
}

export interface JsonReport {
  version: string;
  files: number;
  policies: JsonPolicy[];
  findings: readonly Finding[];
  suppressed: ScanReport["suppressed"];
  /** With `--base` only. */
  base?: ScanReport["base"];
  accessChanges?: AccessChangesJson["policies"];
  accessAnalyzer?: ScanReport["accessAnalyzer"];
}

export function toJsonReport(report: ScanReport): JsonReport {
  return {
    version: report.version,
    files: report.files,
    policies: report.policies.map((p) => ({
      file: p.file,
      line: p.range.line,
      endLine: p.range.endLine,
      kind: p.kind,
      origin: p.origin,
      ...(p.resourceType ? { resourceType: p.resourceType } : {}),
    })),
    findings: report.findings,
    suppressed: report.suppressed,
    ...(report.base ? { base: report.base } : {}),
    ...(report.accessChanges ? { accessChanges: accessChangesJson(report.accessChanges).policies } : {}),
    ...(report.accessAnalyzer ? { accessAnalyzer: report.accessAnalyzer } : {}),
  };
}

export function renderJson(report: ScanReport): string {
  // The last line of defence (issue #12): no credential leaves in any field, file names and access changes too.
  return maskCredentials(`${JSON.stringify(toJsonReport(report), null, 2)}\n`);
}

/**
 * SARIF 2.1.0 output with rule metadata, in the subset GitHub code scanning accepts: relative URIs against
 * %SRCROOT%, rule tags and `security-severity`, and partial fingerprints so alerts track across commits.
 */
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { Finding, Severity } from "../types.ts";
import { describeRule } from "../rules/catalog.ts";
import { TOOL_NAME } from "../version.ts";
import type { ScanReport } from "./types.ts";
import { maskCredentials } from "../util/mask.ts";

/** GitHub maps these to critical/high (≥ 7), medium (≥ 4) and low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: "8.0", warning: "5.5", note: "2.0" };

function encodePath(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

export function toSarif(report: ScanReport): Log {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const indexOf = (finding: Finding): number => {
    let index = ruleIndex.get(finding.ruleId);
    if (index === undefined) {
      const d = describeRule(finding.ruleId, { category: finding.category, severity: finding.severity });
      index = rules.length;
      ruleIndex.set(finding.ruleId, index);
      rules.push({
        id: d.id,
        name: d.id.replace(/(^|[-/])([a-z])/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, ""),
        shortDescription: { text: d.description },
        ...(finding.docsUrl && /^https:/.test(finding.docsUrl) ? { helpUri: finding.docsUrl } : {}),
        defaultConfiguration: { level: d.severity },
        properties: { tags: ["security", d.category], "security-severity": SECURITY_SEVERITY[d.severity], precision: "high" },
      });
    }
    return index;
  };

  const toResult = (f: Finding): Result => ({
    ruleId: f.ruleId,
    ruleIndex: indexOf(f),
    level: f.severity,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodePath(f.file), uriBaseId: "%SRCROOT%" },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    partialFingerprints: { "iamPolicyReview/v1": f.fingerprint },
    properties: { category: f.category, source: f.source, ...(f.origin ? { policy: f.origin } : {}) },
  });
  const results: Result[] = [
    ...report.findings.map(toResult),
    ...report.suppressed.map((f) => ({
      ...toResult(f),
      suppressions: [
        {
          kind: f.suppression.source === "config" ? ("external" as const) : ("inSource" as const),
          justification: f.suppression.expires ? `${f.suppression.reason} (until ${f.suppression.expires})` : f.suppression.reason,
        },
      ],
    })),
  ];

  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, semanticVersion: report.version, version: report.version, rules } },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

export function renderSarif(report: ScanReport): string {
  // The last line of defence (issue #12): no credential leaves in any field, file names (URIs) too.
  return maskCredentials(`${JSON.stringify(toSarif(report), null, 2)}\n`);
}

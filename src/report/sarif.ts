/**
 * SARIF 2.1.0 output with rule metadata, in the subset GitHub code scanning accepts and shows (issue #14): relative
 * URIs against %SRCROOT%; for every rule a `help.markdown` (rationale and compliant example, what the Security tab
 * shows), a `helpUri` when the rule's page has an absolute address, tags and `security-severity`; for every result
 * `partialFingerprints` from our fingerprints, so alerts follow the code across commits, and `fixes` where the
 * finding has a suggested change. Texts are masked like every other report.
 */
import type { Fix, Log, ReportingDescriptor, Result } from "sarif";
import type { Finding, Severity } from "../types.ts";
import { describeRule } from "../rules/catalog.ts";
import { docsUrlOf } from "../rules/docs-url.ts";
import { TOOL_NAME } from "../version.ts";
import { maskSecrets } from "./review.ts";
import { ruleDocsUrl, ruleHelpMarkdown, type RuleHelpOptions } from "./rule-help.ts";
import type { ScanReport } from "./types.ts";
import { maskCredentials } from "../util/mask.ts";

/** GitHub maps these to critical/high (≥ 7), medium (≥ 4) and low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: "8.0", warning: "5.5", note: "2.0" };

/** The key of our fingerprint in `partialFingerprints`; a new version would start new alerts. */
export const FINGERPRINT_KEY = "iamPolicyReview/v1";

export interface SarifOptions extends RuleHelpOptions {
  /** The tool's home page (`tool.driver.informationUri`); default: the repository named in package.json. */
  informationUri?: string;
}

function encodePath(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

/** The repository's address from the absolute docs URL (`https://github.com/o/r/blob/main/docs/...`), if any. */
function packageRepositoryUrl(): string | undefined {
  return docsUrlOf("x").match(/^(https:\/\/github\.com\/[^/]+\/[^/]+)\//)?.[1];
}

/** `no-admin-access` → `NoAdminAccess`, `access-analyzer/PASS_ROLE` → `AccessAnalyzerPASSROLE`. */
function pascalName(id: string): string {
  return id.replace(/(^|[-/])([a-z])/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "");
}

/** Markdown to plain text, roughly: `help.text` is required next to `help.markdown`. */
function plainTextOf(markdown: string): string {
  return markdown
    .replace(/^#{1,6} /gm, "")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, "$1: $2");
}

function fixesOf(f: Finding): Fix[] | undefined {
  if (!f.fix) return undefined;
  return [
    {
      description: { text: maskSecrets(f.fix.description) },
      artifactChanges: [
        {
          artifactLocation: { uri: encodePath(f.file), uriBaseId: "%SRCROOT%" },
          // A region of whole lines without columns: the lines' text, without their final newline (as `replacement`).
          replacements: [
            { deletedRegion: { startLine: f.fix.line, endLine: f.fix.endLine }, insertedContent: { text: maskSecrets(f.fix.replacement) } },
          ],
        },
      ],
    },
  ];
}

export function toSarif(report: ScanReport, options: SarifOptions = {}): Log {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const indexOf = (finding: Finding): number => {
    let index = ruleIndex.get(finding.ruleId);
    if (index === undefined) {
      const d = describeRule(finding.ruleId, { category: finding.category, severity: finding.severity });
      const helpUri =
        ruleDocsUrl(d.id, options) ?? (finding.docsUrl && /^https:\/\/\S+$/.test(finding.docsUrl) ? finding.docsUrl : undefined);
      const markdown =
        ruleHelpMarkdown(d.id, options) ?? [d.description, ...(helpUri ? ["", `[More about \`${d.id}\`](${helpUri})`] : [])].join("\n");
      index = rules.length;
      ruleIndex.set(finding.ruleId, index);
      rules.push({
        id: d.id,
        name: pascalName(d.id),
        shortDescription: { text: d.description },
        fullDescription: { text: d.description },
        help: { text: plainTextOf(markdown), markdown },
        ...(helpUri ? { helpUri } : {}),
        defaultConfiguration: { level: d.severity },
        properties: { tags: ["security", d.category], "security-severity": SECURITY_SEVERITY[d.severity], precision: "high" },
      });
    }
    return index;
  };

  const toResult = (f: Finding): Result => {
    const fixes = fixesOf(f);
    return {
      ruleId: f.ruleId,
      ruleIndex: indexOf(f),
      level: f.severity,
      message: { text: maskSecrets(f.message) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodePath(f.file), uriBaseId: "%SRCROOT%" },
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
          },
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
      ...(fixes ? { fixes } : {}),
      properties: { category: f.category, source: f.source, ...(f.origin ? { policy: maskSecrets(f.origin) } : {}) },
    };
  };
  const results: Result[] = [
    ...report.findings.map(toResult),
    ...report.suppressed.map((f) => ({
      ...toResult(f),
      suppressions: [
        {
          kind: f.suppression.source === "config" ? ("external" as const) : ("inSource" as const),
          justification: maskSecrets(
            f.suppression.expires ? `${f.suppression.reason} (until ${f.suppression.expires})` : f.suppression.reason,
          ),
        },
      ],
    })),
  ];

  const informationUri = options.informationUri ?? packageRepositoryUrl();
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            semanticVersion: report.version,
            version: report.version,
            ...(informationUri ? { informationUri } : {}),
            rules,
          },
        },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

export function renderSarif(report: ScanReport, options: SarifOptions = {}): string {
  // The last line of defence (issue #12): no credential leaves in any field, file names (URIs) too.
  return maskCredentials(`${JSON.stringify(toSarif(report, options), null, 2)}\n`);
}

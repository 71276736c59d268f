/**
 * Text output for a person: grouped by file, the policies found (kind, line, origin) and then the findings
 * (line:column, severity, message, rule). Colour only when asked (the CLI asks on a TTY without NO_COLOR).
 */
import { styleText } from "node:util";
import type { Finding, PolicyDocument, Severity } from "../types.ts";
import { countBySeverity, plural } from "./summary.ts";
import type { ScanReport } from "./types.ts";
import { renderAccessChanges } from "./access-changes.ts";
import { maskCredentials } from "../util/mask.ts";

type Style = Parameters<typeof styleText>[0];

const SEVERITY_STYLE: Record<Severity, Style> = { error: "red", warning: "yellow", note: "blue" };

export interface TextOptions {
  color: boolean;
}

export function renderText(report: ScanReport, options: TextOptions): string {
  const paint = (style: Style, text: string): string => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const byFile = new Map<string, { policies: PolicyDocument[]; findings: Finding[] }>();
  const entry = (file: string) => {
    let e = byFile.get(file);
    if (!e) byFile.set(file, (e = { policies: [], findings: [] }));
    return e;
  };
  for (const policy of report.policies) entry(policy.file).policies.push(policy);
  for (const finding of report.findings) entry(finding.file).findings.push(finding);

  const lines: string[] = [];
  for (const file of [...byFile.keys()].sort()) {
    const { policies, findings } = byFile.get(file)!;
    lines.push(paint("bold", file));
    for (const p of policies) {
      lines.push(`  ${paint("dim", `line ${String(p.range.line).padEnd(6)}`)}${p.kind.padEnd(10)}${p.origin}`);
    }
    for (const f of findings) {
      const where = `${f.line}:${f.column}`.padEnd(11);
      lines.push(`  ${where}${paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(9))}${f.message}  ${paint("dim", f.ruleId)}`);
    }
    lines.push("");
  }
  if (report.accessChanges) {
    const section = renderAccessChanges(report.accessChanges);
    lines.push(section || "Access changes: none (no policy grants more or less than at the base).", "");
  }
  if (report.accessAnalyzer) {
    const aa = report.accessAnalyzer;
    const calls = aa.validatePolicy + aa.checkNoNewAccess + aa.checkAccessNotGranted + aa.checkNoPublicAccess;
    lines.push(
      aa.complete
        ? `Access Analyzer: ${plural(calls, "request")} (ValidatePolicy ${aa.validatePolicy}, CheckNoNewAccess ${aa.checkNoNewAccess}, CheckAccessNotGranted ${aa.checkAccessNotGranted}, CheckNoPublicAccess ${aa.checkNoPublicAccess}).`
        : paint(
            "yellow",
            `Access Analyzer: INCOMPLETE — ${aa.failed} failed and ${aa.skipped} skipped of ${calls + aa.skipped} checks; see the access-analyzer notes.`,
          ),
      "",
    );
  }
  if (report.suppressed.length > 0) {
    lines.push(paint("bold", `Suppressed (${report.suppressed.length})`));
    for (const f of report.suppressed) {
      const until = f.suppression.expires ? `, until ${f.suppression.expires}` : "";
      lines.push(
        `  ${f.file}:${f.line}:${f.column}  ${f.ruleId}  ${paint("dim", `${f.suppression.reason} (${f.suppression.source}${until})`)}`,
      );
    }
    lines.push("");
  }
  const counts = countBySeverity(report.findings);
  const scope = report.base ? ` changed since ${report.base.ref} (${report.base.commit.slice(0, 12)})` : "";
  const summary =
    `Scanned ${plural(report.files, "file")}${scope}: ${plural(report.policies.length, "policy", "policies")}, ` +
    `${plural(report.findings.length, "finding")} (${plural(counts.error, "error")}, ${plural(counts.warning, "warning")}, ${plural(counts.note, "note")})` +
    (report.suppressed.length > 0 ? `, ${report.suppressed.length} suppressed.` : ".");
  lines.push(counts.error > 0 ? paint("red", summary) : summary);
  // The last line of defence (issue #12): no credential leaves in any line, file names and access changes too.
  return maskCredentials(`${lines.join("\n")}\n`);
}

/**
 * The engine: source files in, policies and findings out. Pure: the callers (CLI, App) do the I/O.
 */
import type { Finding, IacFact, PolicyDocument, Severity, SourceFile } from "../types.ts";
import { compareSeverity } from "../findings.ts";
import { extractFiles, type ExtractOptions } from "../extract/index.ts";
import { runRules } from "../rules/run-rules.ts";
import { RULES } from "../rules/index.ts";
import type { Rule } from "../rules/define-rule.ts";
import { applySuppressions, type SuppressedFinding } from "./suppressions.ts";
import type { SuppressionEntry } from "./config.ts";
import { DEFAULT_SENSITIVE_ACTIONS } from "../data/sensitive-actions.ts";
import { foldSameToken } from "./fold-findings.ts";
import { maskFindings } from "../util/mask.ts";
import { insideFiles } from "../extract/inside-files.ts";

export interface AnalyzeOptions extends ExtractOptions {
  /** The rules to run (default: all local rules). */
  rules?: readonly Rule[];
  /** Per rule id: "off" or a severity replacing the default. */
  ruleSeverities?: Readonly<Record<string, Severity | "off">>;
  sensitiveActions?: readonly string[];
  suppressions?: readonly SuppressionEntry[];
  /** Today as YYYY-MM-DD (UTC), for suppression expiry; defaults to the clock. */
  today?: string;
}

export interface Analysis {
  policies: PolicyDocument[];
  facts: IacFact[];
  /** Sorted by file, line, column and rule. */
  findings: Finding[];
  /** Findings a suppression covers, with its reason: counted and listed, never dropped. */
  suppressed: SuppressedFinding[];
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareSeverity(a.severity, b.severity) ||
    a.ruleId.localeCompare(b.ruleId)
  );
}

/** Finds every policy and IaC fact in the files and reports what is wrong with them. */
export async function analyzeFiles(files: readonly SourceFile[], options: AnalyzeOptions = {}): Promise<Analysis> {
  const extracted = await extractFiles(files, options);
  const policies = dropDuplicateDocuments(extracted.policies).sort(
    (a, b) => a.file.localeCompare(b.file) || a.range.line - b.range.line || a.origin.localeCompare(b.origin),
  );
  const severities = options.ruleSeverities ?? {};
  const ruleFindings = runRules(
    options.rules ?? RULES,
    { policies, facts: extracted.facts, files },
    {
      severityOf: (rule) => severities[rule.id] ?? rule.severity,
      sensitiveActions: options.sensitiveActions ?? DEFAULT_SENSITIVE_ACTIONS,
    },
  );
  // `rules: { unparsed-input: ... }` in the config applies to the extractors' findings too (and the level of
  // valid-policy-structure to the JSON the extractor rejects as AWS would, issue #12).
  const inputFindings = maskFindings(extracted.findings).flatMap((f) => {
    const level = Object.hasOwn(severities, f.ruleId) ? severities[f.ruleId] : undefined;
    return level === undefined ? [f] : level === "off" ? [] : [{ ...f, severity: level }];
  });
  const { findings, suppressed } = applySuppressions(insideFiles([...inputFindings, ...ruleFindings], files), {
    files,
    policies,
    entries: options.suppressions ?? [],
    today: options.today ?? new Date().toISOString().slice(0, 10),
  });
  return {
    policies,
    facts: extracted.facts,
    findings: foldSameToken(findings).sort(compareFindings),
    suppressed: suppressed.sort(compareFindings),
  };
}

/**
 * A JSON file read by Terraform's `file("...")` is also found on its own; keep the copy that knows where the
 * policy is used (its kind and attachments come from the Terraform), not the bare JSON one.
 */
function dropDuplicateDocuments(policies: readonly PolicyDocument[]): PolicyDocument[] {
  const key = (p: PolicyDocument) => `${p.file}\u0000${p.range.line}:${p.range.column}`;
  const fromIac = new Set(policies.filter((p) => p.format !== "json").map(key));
  return policies.filter((p) => p.format !== "json" || !fromIac.has(key(p)));
}

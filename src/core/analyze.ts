/**
 * The one pipeline (issue #9), shared by every front door: sources in (and base sources when comparing), the whole
 * result out. The CLI and the App only gather input, call {@link analyze}, and render.
 *
 *  1. the local analysis: extract, every rule, `unparsed-input` and per-rule severities, suppressions — of all the
 *     files, or, for a change, of the changed files with each policy paired with its base version and the local
 *     new-access diff;
 *  2. the problems the edge had reading the inputs (too large, binary, not UTF-8) join the findings;
 *  3. IAM Access Analyzer through the injected runner, when given: its findings and notes go through the same
 *     suppressions, and are merged with the local findings they agree with;
 *  4. sorted findings, the suppressed ones, the policies, the access changes and whether the analysis is complete.
 *
 * Pure apart from the injected Access Analyzer runner and the lazy loading of the extractors.
 */
import type { ChangedPath, FileRead, Finding, PolicyDocument, SourceFile } from "../types.ts";
import type { AccessAnalyzerChecks, AccessAnalyzerItem, AccessAnalyzerRunner } from "../access-analyzer/types.ts";
import type { AccessChangeEntry } from "../new-access/types.ts";
import { analyzeFiles, compareFindings } from "./analyze-files.ts";
import { compareChanges } from "./compare-changes.ts";
import { kindResolver, type Config } from "./config.ts";
import { mergeAccessAnalyzerFindings } from "./merge-findings.ts";
import { applySuppressions, type SuppressedFinding } from "./suppressions.ts";

/** A change to compare: what changed, and the base versions of the files (under their base paths). */
export interface BaseInput {
  changed: readonly ChangedPath[];
  files: readonly SourceFile[];
  /** Reads files of the base tree for Terraform `file("...")`. */
  readFile?: (path: string) => FileRead;
}

export interface AnalyzeInput {
  /** The files to analyse; for a change, the head versions of the changed files plus context (module siblings). */
  files: readonly SourceFile[];
  /** Reads other files of the tree for Terraform `file("...")`; the caller decides what may be read. */
  readFile?: (path: string) => FileRead;
  /** When given, only the changed files are reported, and each policy is compared with its base version. */
  base?: BaseInput;
  config: Config;
  /** Problems the edge had reading inputs, reported as findings. */
  readFindings?: readonly Finding[];
  /** Files named on the command line (report paths): read whatever their extension (issue #11). */
  named?: readonly string[];
  /** Runs IAM Access Analyzer's checks; omitted, they are not run. */
  accessAnalyzer?: AccessAnalyzerRunner;
  /** YYYY-MM-DD, for suppression expiry; default today (UTC). */
  today?: string;
}

export interface AccessAnalyzerSummary {
  checks: AccessAnalyzerChecks;
  /** Whether every applicable check ran and answered. */
  complete: boolean;
}

export interface AnalysisResult {
  /** Policies in the reported files, sorted by file and position. */
  policies: PolicyDocument[];
  /** Sorted by file, line, column, severity and rule. */
  findings: Finding[];
  /** Findings a suppression covers, with its reason: counted and listed, never dropped. */
  suppressed: SuppressedFinding[];
  /** With a base: what each added, changed or removed policy grants or no longer grants. */
  accessChanges?: AccessChangeEntry[];
  /** When Access Analyzer ran. */
  accessAnalyzer?: AccessAnalyzerSummary;
  /** Whether everything asked for was analysed (every Access Analyzer check ran, and the analysis finished). */
  complete: boolean;
  /** Why nothing was analysed, when the analysis itself could not finish (the CLI's heap-capped worker). */
  notAnalysed?: string;
}

/** Analyses the sources (or a change) and returns everything the reports need. */
export async function analyze(input: AnalyzeInput): Promise<AnalysisResult> {
  const { config } = input;
  const today = input.today ?? new Date().toISOString().slice(0, 10);

  // 1. The local analysis, and what Access Analyzer would be sent.
  let local: { policies: PolicyDocument[]; findings: Finding[]; suppressed: SuppressedFinding[]; accessChanges?: AccessChangeEntry[] };
  let items: AccessAnalyzerItem[];
  if (input.base) {
    const review = await compareChanges({
      changed: input.base.changed,
      headFiles: input.files,
      baseFiles: input.base.files,
      config,
      today,
      ...(input.readFile ? { readFile: input.readFile } : {}),
      ...(input.base.readFile ? { readBaseFile: input.base.readFile } : {}),
    });
    local = review;
    items = review.accessAnalyzerItems;
  } else {
    const named = new Set(input.named ?? []);
    const analysis = await analyzeFiles(input.files, {
      kindFor: kindResolver(config),
      ...(input.readFile ? { readFile: input.readFile } : {}),
      ...(named.size > 0 ? { named: (path: string) => named.has(path) } : {}),
      ruleSeverities: config.rules,
      sensitiveActions: config.sensitiveActions,
      suppressions: config.suppressions,
      today,
    });
    local = analysis;
    items = analysis.policies.map((after) => ({ after }));
  }

  // 2. Problems reading the inputs.
  let findings = [...(input.readFindings ?? []), ...local.findings].sort(compareFindings);
  let suppressed = local.suppressed;

  // 3. Access Analyzer, with the same suppressions, merged with the local findings it agrees with.
  let accessAnalyzer: AccessAnalyzerSummary | undefined;
  if (input.accessAnalyzer) {
    const result = await input.accessAnalyzer.analyze(items);
    const remote = applySuppressions([...result.findings, ...result.notes], {
      files: [],
      policies: local.policies,
      entries: config.suppressions,
      today,
    });
    findings = mergeAccessAnalyzerFindings(findings, remote.findings).sort(compareFindings);
    suppressed = [...suppressed, ...remote.suppressed];
    accessAnalyzer = { checks: result.checks, complete: result.complete };
  }

  return {
    policies: local.policies,
    findings,
    suppressed,
    ...(local.accessChanges ? { accessChanges: local.accessChanges } : {}),
    ...(accessAnalyzer ? { accessAnalyzer } : {}),
    complete: accessAnalyzer?.complete ?? true,
  };
}

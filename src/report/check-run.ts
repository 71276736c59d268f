/**
 * The check run's output for one analysis (issue #6): conclusion, title, Markdown summary and text, and one
 * annotation per finding, inside GitHub's limits. Pure: the handler creates and updates the run, sending the
 * annotations in {@link batches} of 50.
 *
 * Conclusion, in this order:
 * - `failure` when any finding is at or above `failOn`, even when the analysis was incomplete: a real problem
 *   found is worth failing for, and the incompleteness is still the first thing the summary says;
 * - when the analysis was incomplete, never `success` (issue #13): the config's `incomplete` conclusion, else
 *   `failure` when files that look like IaC were not analysed (a reason in `incomplete`, skipped IaC files, a
 *   truncated file list) and `neutral` when only Access Analyzer was unavailable or annotations were not sent
 *   (a required check passes on `neutral`, so only what cannot hide a policy may end there);
 * - `success` otherwise.
 *
 * GitHub counts the summary, the text and annotation messages in bytes: the limits here are bytes.
 */
import type { Finding, Severity } from "../types.ts";
import { CATEGORIES } from "../types.ts";
import { failsAt, type FailOn } from "../core/config.ts";
import type { SuppressedFinding } from "../core/suppressions.ts";
import type { AccessChangeEntry, AccessDelta } from "../new-access/types.ts";
import type { AccessAnalyzerChecks } from "../access-analyzer/types.ts";
import type { AccessLevel } from "../iam/index.ts";
import { countBySeverity, plural } from "./summary.ts";
import { compareForReport, DEFAULT_MAX_COMMENTS, escapeMarkdown, maskSecrets, truncateText } from "./review.ts";

/** GitHub's limit for a check run's `output.summary` and `output.text`, in bytes (UTF-8). */
export const MAX_SUMMARY_CHARS = 65_535;

/** GitHub's limit of annotations per create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** Limits of one annotation (GitHub: title 255 characters, message and raw_details 64 KB, counted in bytes). */
const MAX_TITLE_CHARS = 255;
export const MAX_MESSAGE_BYTES = 64_000;

/**
 * Rows and characters per summary section before "… and N more", so that one long section cannot push the
 * others out: together they stay well under {@link MAX_SUMMARY_CHARS}, and the final cut is only a safety net.
 */
const MAX_TABLE_ROWS = 100;
const BUDGET = { accessChanges: 24_000, suppressed: 16_000, skipped: 8_000 } as const;
/** Incompleteness reasons shown at the top (each one cell long). */
const MAX_REASONS = 10;
/** Characters per table cell. */
const MAX_CELL_CHARS = 400;
/** Actions listed per access level in an "Access changes" cell. */
const MAX_ACTIONS_PER_LEVEL = 5;

export type Conclusion = "success" | "failure" | "neutral" | "cancelled";

/** UTF-8 length, as GitHub counts its limits. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** Shortens text to at most `maxBytes` UTF-8 bytes, ending with "…" (never inside a character). */
export function truncateBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  const room = Math.max(0, maxBytes - 3); // "…" is 3 bytes
  let out = Buffer.from(text, "utf8").subarray(0, room).toString("utf8");
  // A cut inside a multi-byte character decodes to U+FFFD: drop it.
  out = out.replace(/\uFFFD$/, "");
  const code = out.charCodeAt(out.length - 1);
  if (code >= 0xd800 && code <= 0xdbff) out = out.slice(0, -1);
  return `${out}…`;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  /** Only when `start_line === end_line` (GitHub ignores or rejects columns across lines). */
  start_column?: number;
  end_column?: number;
  annotation_level: "failure" | "warning" | "notice";
  title: string;
  message: string;
  raw_details?: string;
}

export interface CheckRunInput {
  findings: readonly Finding[];
  suppressed: readonly SuppressedFinding[];
  accessChanges?: readonly AccessChangeEntry[];
  accessAnalyzer?: { enabled: boolean; complete: boolean; checks?: AccessAnalyzerChecks; reason?: string };
  /** IaC and policy files that were not analysed, with why (too large, unreadable): the analysis is incomplete. */
  skipped: ReadonlyArray<{ path: string; reason: string }>;
  /** Files skipped that do not look like IaC (lockfiles, binaries, symbolic links): listed, never incomplete. */
  otherSkipped?: ReadonlyArray<{ path: string; reason: string }>;
  /** The config's conclusion for an incomplete analysis; default by cause (see the module comment). */
  incompleteConclusion?: "failure" | "neutral";
  /** Findings that could not be sent as annotations (GitHub refused them, or the time budget ran out). */
  unsentAnnotations?: number;
  /** The pull request's file list was cut off: `listed` files were seen, of `total` when known. */
  truncated?: { listed: number; total?: number };
  /** Why the analysis is incomplete, one sentence each, e.g. "time budget of 60 s exceeded". */
  incomplete: readonly string[];
  failOn: FailOn;
  /** New inline comments posted with this analysis's review. */
  inlineCount: number;
  /** Findings on changed lines left out of the review by the comment cap. */
  overflowCount: number;
  /** The review's comment cap, for the summary; default {@link DEFAULT_MAX_COMMENTS}. */
  maxComments?: number;
  policiesCount: number;
  filesCount: number;
}

export interface CheckRunOutput {
  conclusion: Conclusion;
  title: string;
  summary: string;
  /** Every finding as a table (the check run's "text"), when there is any. */
  text?: string;
  annotations: Annotation[];
}

const LEVEL: Readonly<Record<Severity, Annotation["annotation_level"]>> = { error: "failure", warning: "warning", note: "notice" };
const SEVERITY_ORDER = ["error", "warning", "note"] as const;
/** Most powerful access first. */
const LEVEL_ORDER: readonly AccessLevel[] = ["Permissions management", "Tagging", "Write", "Read", "List"];

/** Splits items into consecutive groups of at most `size` (GitHub takes 50 annotations per request). */
export function batches<T>(items: readonly T[], size = ANNOTATIONS_PER_REQUEST): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`Bug: batch size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Plain text for an annotation field (annotations are not Markdown): masked and within `max` characters. */
function plainText(text: string, max: number): string {
  return truncateText(maskSecrets(text), max);
}

/** The same within `max` bytes (GitHub counts message and raw_details in bytes). */
function plainBytes(text: string, max: number): string {
  return truncateBytes(maskSecrets(text), max);
}

/** One annotation per finding, most severe first. */
export function annotationsOf(findings: readonly Finding[]): Annotation[] {
  return [...findings].sort(compareForReport).map((f): Annotation => {
    const start = Math.max(1, f.line);
    const end = Math.max(start, f.endLine);
    // Our endColumn is exclusive (SARIF); GitHub's end_column is the last column of the annotation.
    const columns = start === end && f.column >= 1 ? { start_column: f.column, end_column: Math.max(f.column, f.endColumn - 1) } : {};
    const annotation: Annotation = {
      path: f.file,
      start_line: start,
      end_line: end,
      ...columns,
      annotation_level: LEVEL[f.severity],
      // Access Analyzer's findings say so through their rule id: `access-analyzer/<issue code>`.
      title: plainText(f.ruleId, MAX_TITLE_CHARS),
      message: plainBytes(f.message, MAX_MESSAGE_BYTES),
    };
    if (f.fix) {
      const lines = f.fix.line === f.fix.endLine ? `line ${f.fix.line}` : `lines ${f.fix.line}-${f.fix.endLine}`;
      annotation.raw_details = plainText(
        `Suggested fix (replace ${lines}): ${f.fix.description}\n\n${f.fix.replacement}`,
        MAX_MESSAGE_BYTES,
      );
    }
    return annotation;
  });
}

function severityCounts(findings: readonly Finding[]): string {
  const counts = countBySeverity(findings);
  return SEVERITY_ORDER.filter((s) => counts[s] > 0)
    .map((s) => plural(counts[s], s))
    .join(", ");
}

/** Why files that may hold IaC were not analysed. */
function iacReasons(input: CheckRunInput): string[] {
  const reasons = [...input.incomplete];
  if (input.skipped.length > 0) reasons.push(`${plural(input.skipped.length, "file")} that may hold IaC not analysed (listed below)`);
  if (input.truncated) {
    const of = input.truncated.total !== undefined ? `${input.truncated.total} files` : `more than ${input.truncated.listed} files`;
    reasons.push(`the change has ${of} and only the first ${input.truncated.listed} were analysed`);
  }
  return reasons;
}

/** Why the report is incomplete though every file was analysed (Access Analyzer, annotations). */
function softReasons(input: CheckRunInput): string[] {
  const reasons: string[] = [];
  const aa = input.accessAnalyzer;
  if (aa?.enabled && !aa.complete) {
    const detail =
      aa.checks && aa.checks.failed + aa.checks.skipped > 0 ? ` (${aa.checks.failed} failed, ${aa.checks.skipped} skipped)` : "";
    reasons.push(aa.reason ?? `Access Analyzer checks did not all run${detail}`);
  }
  const unsent = input.unsentAnnotations ?? 0;
  if (unsent > 0)
    reasons.push(`${plural(unsent, "finding")} could not be sent as annotations (the Findings table below lists every finding)`);
  return reasons;
}

const tidy = (reasons: readonly string[]): string[] => [...new Set(reasons.map((r) => r.trim().replace(/\.+$/, "")).filter(Boolean))];

/** Why the analysis is incomplete, in the order given, each once. */
export function incompleteReasons(input: CheckRunInput): string[] {
  return tidy([...iacReasons(input), ...softReasons(input)]);
}

/** The conclusion (see the module comment for the order). */
export function conclusionOf(input: CheckRunInput): Conclusion {
  if (input.findings.some((f) => failsAt(f.severity, input.failOn))) return "failure";
  if (tidy(iacReasons(input)).length > 0) return input.incompleteConclusion ?? "failure";
  if (tidy(softReasons(input)).length > 0) return input.incompleteConclusion ?? "neutral";
  return "success";
}

function titleOf(input: CheckRunInput, conclusion: Conclusion, reasons: readonly string[]): string {
  const scope =
    input.policiesCount > 0
      ? ` in ${plural(input.policiesCount, "policy", "policies")}`
      : input.filesCount > 0
        ? ` in ${plural(input.filesCount, "file")}`
        : "";
  let title: string;
  const failing = input.findings.some((f) => failsAt(f.severity, input.failOn));
  if (!failing && reasons.length > 0) {
    title = `Incomplete: ${truncateText(reasons[0] ?? "analysis incomplete", 160)}${reasons.length > 1 ? ` (+${reasons.length - 1} more)` : ""}`;
  } else if (input.findings.length === 0) {
    title = "No IAM findings";
  } else {
    title = `${severityCounts(input.findings)}${scope}${failing && reasons.length > 0 ? " (incomplete)" : ""}`;
  }
  return plainText(title.replace(/\s+/g, " "), MAX_TITLE_CHARS);
}

/** A table cell: escaped, one line, bounded. */
function cell(text: string): string {
  return escapeMarkdown(truncateText(maskSecrets(text).replace(/\s+/g, " ").trim(), MAX_CELL_CHARS)) || "—";
}

/** Lines of at most {@link MAX_TABLE_ROWS} items and `budget` characters; the rest are counted in a last line. */
function limited(lines: readonly string[], budget: number, what: string, whatPlural: string): string[] {
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (out.length >= MAX_TABLE_ROWS || used + line.length + 1 > budget) break;
    out.push(line);
    used += line.length + 1;
  }
  if (lines.length > out.length)
    out.push("", `… and ${plural(lines.length - out.length, `more ${what}`, `more ${whatPlural}`)}, not shown.`);
  return out;
}

/** A Markdown table (see {@link limited}). */
function table(header: readonly string[], rows: readonly string[][], budget: number, what: string, whatPlural = `${what}s`): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => " --- |").join("")}`,
    ...limited(
      rows.map((r) => `| ${r.join(" | ")} |`),
      budget,
      what,
      whatPlural,
    ),
  ];
}

function categoryTable(findings: readonly Finding[]): string[] {
  const rows = CATEGORIES.flatMap((category) => {
    const of = findings.filter((f) => f.category === category);
    if (of.length === 0) return [];
    const counts = countBySeverity(of);
    return [[`\`${category}\``, String(counts.error), String(counts.warning), String(counts.note), String(of.length)]];
  });
  return table(["Category", "Errors", "Warnings", "Notes", "Total"], rows, MAX_SUMMARY_CHARS, "category", "categories");
}

/** "Write: s3:PutObject, s3:DeleteObject; Read (may): …" — actions by access level, most powerful first. */
function deltasCell(deltas: readonly AccessDelta[]): string {
  if (deltas.length === 0) return "—";
  const groups = new Map<string, Set<string>>();
  const sorted = [...deltas].sort((a, b) => LEVEL_ORDER.indexOf(a.accessLevel) - LEVEL_ORDER.indexOf(b.accessLevel));
  for (const d of sorted) {
    const tags = [
      d.deny ? "Deny" : "",
      d.conditionsDropped ? "conditions dropped" : "",
      d.conditionsAdded ? "conditions added" : "",
      d.uncertain ? "may" : "",
    ].filter(Boolean);
    const key = `${d.accessLevel}${tags.length > 0 ? ` (${tags.join(", ")})` : ""}`;
    let actions = groups.get(key);
    if (!actions) groups.set(key, (actions = new Set()));
    for (const a of d.actions) actions.add(a);
  }
  const parts = [...groups].map(([key, actions]) => {
    const list = [...actions];
    const more = list.length > MAX_ACTIONS_PER_LEVEL ? `, +${list.length - MAX_ACTIONS_PER_LEVEL} more` : "";
    return `${key}: ${list.slice(0, MAX_ACTIONS_PER_LEVEL).join(", ")}${more}`;
  });
  return parts.join("; ");
}

function accessChangesSection(changes: readonly AccessChangeEntry[]): string[] {
  const rows = changes
    .filter(({ change }) => change.added.length > 0 || change.removed.length > 0)
    .map(({ policy, change, status }) => [
      cell(`${policy.file}:${policy.range.line} ${policy.origin === policy.file ? "" : policy.origin}`),
      status,
      cell(deltasCell(change.added)),
      cell(deltasCell(change.removed)),
    ]);
  if (rows.length === 0) return ["### Access changes", "", "No changed policy grants more or less access than at the base."];
  return ["### Access changes", "", ...table(["Policy", "Status", "Added", "Removed"], rows, BUDGET.accessChanges, "policy", "policies")];
}

function accessAnalyzerLine(aa: NonNullable<CheckRunInput["accessAnalyzer"]>): string {
  if (!aa.enabled) {
    const why = aa.reason ? ` (${escapeMarkdown(maskSecrets(aa.reason))})` : "";
    return `**Access Analyzer**: off${why}. Enable it with \`accessAnalyzer: { enabled: true }\` in \`.github/iam-policy-review.yml\`.`;
  }
  const c = aa.checks;
  const requests = c
    ? `${plural(c.validatePolicy + c.checkNoNewAccess + c.checkAccessNotGranted + c.checkNoPublicAccess, "request")} (ValidatePolicy ${c.validatePolicy}, CheckNoNewAccess ${c.checkNoNewAccess}, CheckAccessNotGranted ${c.checkAccessNotGranted}, CheckNoPublicAccess ${c.checkNoPublicAccess})`
    : "";
  if (aa.complete) return `**Access Analyzer**: ${requests || "no request needed"}.`;
  const why = aa.reason ? ` ${escapeMarkdown(maskSecrets(aa.reason))}.` : "";
  const counts = c ? ` ${c.failed} failed and ${c.skipped} skipped; ${requests || "no request"} sent.` : "";
  return `**Access Analyzer**: **incomplete**.${why}${counts} The \`access-analyzer/unavailable\` notes say what to fix.`;
}

function suppressedSection(suppressed: readonly SuppressedFinding[]): string[] {
  const rows = suppressed.map((f) => [
    `\`${f.ruleId.replace(/`/g, "")}\``,
    cell(`${f.file}:${f.line}`),
    cell(`${f.suppression.reason} (${f.suppression.source})`),
    f.suppression.expires ? cell(f.suppression.expires) : "—",
  ]);
  return [
    `### Suppressed findings (${suppressed.length})`,
    "",
    ...table(["Rule", "Location", "Reason", "Expires"], rows, BUDGET.suppressed, "suppressed finding"),
  ];
}

function skippedSection(skipped: CheckRunInput["skipped"]): string[] {
  const items = skipped.map((s) => `- ${cell(s.path)}: ${cell(s.reason)}`);
  return [`### Skipped files (${skipped.length})`, "", ...limited(items, BUDGET.skipped, "file", "files")];
}

function otherSkippedSection(skipped: NonNullable<CheckRunInput["otherSkipped"]>): string[] {
  const items = skipped.map((s) => `- ${cell(s.path)}: ${cell(s.reason)}`);
  return [
    `### Not analysed, not IaC (${skipped.length})`,
    "",
    "These files do not look like a policy or a template (lockfiles, binaries, links), so skipping them leaves the analysis complete.",
    "",
    ...limited(items, BUDGET.skipped, "file", "files"),
  ];
}

/** Joins Markdown lines, cutting at a line boundary with a note when the result would exceed the limit. */
export function fit(lines: readonly string[], note: string, maxBytes = MAX_SUMMARY_CHARS): string {
  const full = lines.join("\n");
  if (byteLength(full) <= maxBytes) return full;
  const tail = `\n\n${note}`;
  const head = truncateBytes(full, maxBytes - byteLength(tail)).slice(0, -1); // without its "…"
  const cut = head.lastIndexOf("\n");
  return `${cut > 0 ? head.slice(0, cut) : head}${tail}`;
}

function summaryOf(input: CheckRunInput, conclusion: Conclusion, reasons: readonly string[]): string {
  const out: string[] = [];
  if (reasons.length > 0) {
    const failing = input.findings.some((f) => failsAt(f.severity, input.failOn));
    const what = failing
      ? "The findings below fail this check regardless; the parts not analysed may hold more."
      : "Nothing found so far fails this check, but it cannot pass until a complete analysis: fix the cause and re-run this check.";
    const shown = reasons.slice(0, MAX_REASONS).map(cell);
    if (reasons.length > shown.length) shown.push(`and ${reasons.length - shown.length} more`);
    out.push(`> **Incomplete analysis**: ${shown.join("; ")}.`, `> ${what}`, "");
  }

  const { findings } = input;
  const failing = findings.filter((f) => failsAt(f.severity, input.failOn)).length;
  const threshold = input.failOn === "never" ? "`failOn: never`: no finding fails the check" : `failing at \`${input.failOn}\` and above`;
  const verdict =
    failing > 0
      ? `**Failed**: ${plural(failing, "finding")} at or above \`${input.failOn}\`.`
      : conclusion === "success"
        ? `**Passed**: nothing at or above \`${input.failOn}\`${input.failOn === "never" ? " (never fails)" : ""}.`
        : "**Not passed**: the analysis is incomplete.";
  const counts = findings.length > 0 ? `${plural(findings.length, "finding")} (${severityCounts(findings)})` : "No findings";
  const suppressed = input.suppressed.length > 0 ? `, ${input.suppressed.length} suppressed` : "";
  out.push(
    verdict,
    "",
    `${counts}${suppressed} in ${plural(input.policiesCount, "policy", "policies")} across ${plural(input.filesCount, "file")} (${threshold}).`,
  );
  if (findings.length > 0) {
    out.push("", ...categoryTable(findings), "");
    const overflow =
      input.overflowCount > 0
        ? ` ${plural(input.overflowCount, "more finding")} on changed lines went over the limit of ${input.maxComments ?? DEFAULT_MAX_COMMENTS} inline comments per review.`
        : "";
    out.push(
      `**Inline**: ${plural(input.inlineCount, "new review comment")} on changed lines.${overflow} Every finding, including those outside the diff, is an annotation on this check run and listed below.`,
    );
  }
  if (input.accessChanges) out.push("", ...accessChangesSection(input.accessChanges));
  if (input.accessAnalyzer) out.push("", accessAnalyzerLine(input.accessAnalyzer));
  if (input.suppressed.length > 0) out.push("", ...suppressedSection(input.suppressed));
  if (input.skipped.length > 0) out.push("", ...skippedSection(input.skipped));
  if (input.otherSkipped?.length) out.push("", ...otherSkippedSection(input.otherSkipped));
  return fit(
    out,
    `_Summary truncated at GitHub's limit of ${MAX_SUMMARY_CHARS} bytes. Every finding is still an annotation on this check run._`,
  );
}

function findingsText(findings: readonly Finding[]): string | undefined {
  if (findings.length === 0) return undefined;
  const rows = [...findings]
    .sort(compareForReport)
    .map((f) => [f.severity, `\`${f.ruleId.replace(/`/g, "")}\``, cell(`${f.file}:${f.line}`), cell(f.message)]);
  const lines = [
    "### Findings",
    "",
    `| Severity | Rule | Location | Message |`,
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
  return fit(
    lines,
    `_List truncated at GitHub's limit of ${MAX_SUMMARY_CHARS} bytes; the annotations of this check run hold every finding._`,
  );
}

/** Renders the completed check run of one analysis. Every text is masked; summary and text stay within GitHub's limits. */
export function renderCheckRun(input: CheckRunInput): CheckRunOutput {
  const conclusion = conclusionOf(input);
  const reasons = incompleteReasons(input);
  const text = findingsText(input.findings);
  return {
    conclusion,
    title: titleOf(input, conclusion, reasons),
    summary: summaryOf(input, conclusion, reasons),
    ...(text !== undefined ? { text } : {}),
    annotations: annotationsOf(input.findings),
  };
}

/** What GitHub is sent to conclude a run. */
export interface CheckRunOutputBody {
  title: string;
  summary: string;
  text?: string;
  annotations?: Annotation[];
}

/** Bytes the summary of a trimmed output keeps (GitHub refused the full one). */
const TRIMMED_SUMMARY_BYTES = 16_000;

/**
 * The output to retry a conclusion GitHub refused (422: a limit we did not foresee, an annotation it would not
 * take): no text, no annotations, the summary cut short and saying so. Never `success`: the findings were not all
 * delivered, so a success becomes `incomplete` (default `neutral`).
 */
export function trimmedOutput(
  conclusion: Conclusion,
  output: CheckRunOutputBody,
  findings: number,
  incompleteConclusion?: "failure" | "neutral",
): { conclusion: Conclusion; output: CheckRunOutputBody } {
  const note = `_GitHub refused the full report, so it was trimmed: ${plural(findings, "finding")} could not be sent as annotations. Re-run this check, or run \`iam-policy-review scan\` locally, to see them._`;
  const summary = fit([note, "", output.summary], "_Summary trimmed._", TRIMMED_SUMMARY_BYTES);
  const title =
    conclusion === "success" && findings > 0 ? `Incomplete: ${plural(findings, "finding")} not sent as annotations` : output.title;
  return {
    conclusion: conclusion === "success" && findings > 0 ? (incompleteConclusion ?? "neutral") : conclusion,
    output: { title: truncateText(title, MAX_TITLE_CHARS), summary },
  };
}

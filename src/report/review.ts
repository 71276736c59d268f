/**
 * The pull request review of one analysis (issue #6): inline comments on changed lines, each with the rule's
 * link, a `suggestion` block when the finding has a fix, and a hidden fingerprint so that a new push, a re-run
 * or a redelivered webhook never posts the same comment twice. Pure: the handler lists the PR's files and our
 * earlier comments, posts the review (event COMMENT) and edits the comments this marks as resolved.
 */
import type { Finding, FindingFix, Severity } from "../types.ts";
import { commentableLines, type CommentableLines } from "./diff-lines.ts";
import { countBySeverity, plural } from "./summary.ts";

/** GitHub's limit for a comment or review body, in characters. */
export const MAX_COMMENT_CHARS = 65_536;

/** Inline comments per review; the rest are annotations on the check run only. */
export const DEFAULT_MAX_COMMENTS = 30;

/** The check run's name, which the review body points to. */
export const CHECK_RUN_NAME = "IAM Policy Review";

/** One of our earlier review comments on the pull request. */
export interface ExistingComment {
  id: number;
  path: string;
  /** Null for a comment GitHub shows as outdated. */
  line?: number | null;
  body: string;
}

export interface ReviewInput {
  findings: readonly Finding[];
  /** Path → `patch` from `pulls.listFiles`, for the files of the pull request only (undefined: no patch). */
  patches: ReadonlyMap<string, string | undefined>;
  headSha: string;
  /** Our earlier review comments on the pull request (any body without our marker is ignored). */
  existing: readonly ExistingComment[];
  /** Default {@link DEFAULT_MAX_COMMENTS}. */
  maxComments?: number;
  /**
   * Whether every file and check was analysed. When false (time budget hit, files skipped, Access Analyzer
   * down), a finding that is missing may just not have been looked for, so no comment is marked resolved.
   * Default true.
   */
  complete?: boolean;
  /**
   * Whether the finding of this earlier comment would have been found again if it were still there: its file was
   * analysed (completeness is judged per file, so a skipped binary elsewhere does not keep every thread open).
   * Default: always.
   */
  resolvable?: (comment: ExistingComment) => boolean;
  /**
   * Whether a `new-access` finding that is not on the lines of another finding gets its own inline comment;
   * otherwise it lives in the check run's Access changes table only. Default: always.
   */
  newAccessInline?: (finding: Finding) => boolean;
  /** Rule links and the collapsed "why" of each rule. */
  style?: CommentStyle;
  /** Link to the check run, for the review body. */
  checkRunUrl?: string;
}

export interface ReviewComment {
  path: string;
  line: number;
  side: "RIGHT";
  start_line?: number;
  start_side?: "RIGHT";
  body: string;
}

export interface Review {
  /** New inline comments, most severe first. May be empty when only `resolved` has work: post a review only when it is not. */
  comments: ReviewComment[];
  /** Findings on changed lines that did not get a comment because of the cap. */
  overflow: Finding[];
  /** Findings with no commentable line (outside the hunks, no patch, file not in the pull request). */
  offDiff: Finding[];
  /** `new-access` findings on lines no other finding is on, left to the check run's Access changes table. */
  summaryOnly: Finding[];
  /** Earlier comments whose finding is gone, with the body to replace theirs. */
  resolved: Array<{ id: number; body: string }>;
  /** The review's own body. */
  body: string;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, note: 2 };

const MARKER_PREFIX = "<!-- iam-policy-review:fingerprint=";
const ACTIVE_MARKER = /<!-- iam-policy-review:fingerprint=([^\s>]+) -->/;
const ACTIVE_MARKERS = /<!-- iam-policy-review:fingerprint=([^\s>]+) -->/g;
const RESOLVED_MARKER = /<!-- iam-policy-review:resolved fingerprint=[^\s>]+ sha=[^\s>]+ -->/;

/** A fingerprint as it can appear in a marker (fingerprints are hex; anything else is dropped). */
const markable = (fingerprint: string): string => fingerprint.replace(/[^A-Za-z0-9._:/-]/g, "");

/** The hidden marker that ends each of our inline comments. */
export function fingerprintMarker(fingerprint: string): string {
  return `${MARKER_PREFIX}${markable(fingerprint)} -->`;
}

/** The (first) fingerprint of one of our open comments; undefined for other comments and for those already resolved. */
export function fingerprintOfComment(body: string): string | undefined {
  if (RESOLVED_MARKER.test(body)) return undefined;
  return ACTIVE_MARKER.exec(body)?.[1];
}

/** Every fingerprint of one of our open comments (a comment holds every finding on its lines); none when resolved. */
export function fingerprintsOfComment(body: string): string[] {
  if (RESOLVED_MARKER.test(body)) return [];
  return [...body.matchAll(ACTIVE_MARKERS)].map((m) => m[1]!);
}

// ---------------------------------------------------------------------------------------------------------
// Masking and escaping, shared with the check run.

/** Between a credential's name and its value (as in the `no-hardcoded-aws-keys` rule, plus backticks). */
const SEPARATOR = String.raw`(?:\\?["'\x60]|[\]>])?[ \t]{0,8}(?:=>|:=|[:=,>])?[ \t]{0,8}(?:\\?["'\x60]|<)?(?<![A-Za-z0-9/+])`;
const KEY_ID = /(?<![A-Za-z0-9/+])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g;
const NAMED_SECRET = new RegExp(
  String.raw`((?<![A-Za-z0-9])(?:aws[_.-]?)?secret[_.-]?(?:access[_.-]?)?key${SEPARATOR})([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
  "gi",
);
const NAMED_TOKEN = new RegExp(
  String.raw`((?<![A-Za-z0-9])(?:aws[_.-]?)?(?:session|security)[_.-]?token${SEPARATOR})([A-Za-z0-9/+]{100,}=*)`,
  "gi",
);
const SECRET_CANDIDATE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

const mask = (value: string): string => `${value.slice(0, 4)}…`;

/**
 * Defensive masking of anything that looks like an AWS credential, applied to every body and annotation we send
 * (the rules already mask what they quote; this catches what a message, an origin or a suggestion might carry):
 * access key ids (AKIA/ASIA/ABIA/ACCA…), secret access keys and session tokens after their usual names, and,
 * when the text holds a key id, any 40-character mixed-case base64 run (an unnamed secret next to its key id).
 * Each becomes its first four characters and "…".
 */
export function maskSecrets(text: string): string {
  const hasKeyId = KEY_ID.test(text);
  KEY_ID.lastIndex = 0;
  let out = text
    .replace(NAMED_TOKEN, (_, name: string, value: string) => `${name}${mask(value)}`)
    .replace(NAMED_SECRET, (_, name: string, value: string) => `${name}${mask(value)}`);
  if (hasKeyId) {
    out = out.replace(SECRET_CANDIDATE, (value) =>
      /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9/+]/.test(value) ? mask(value) : value,
    );
  }
  return out.replace(KEY_ID, mask);
}

/**
 * Escapes text (a finding's message, a path) for GitHub Markdown so that it shows as written: emphasis and code
 * characters, links, table pipes, HTML (a message must not open a comment or forge a fingerprint marker) and
 * @-mentions (a Sid must not notify a team). Newlines become spaces (one-line contexts: table cells, titles).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/[\\`*_[\]|~]/g, "\\$&")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(?=[A-Za-z0-9])/g, "@\u200b");
}

/** Shortens text to at most `max` characters, ending with "…". */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return "…".slice(0, Math.max(max, 0));
  // Never end between the two halves of a surrogate pair.
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

/** A code fence longer than any backtick run in the content (a replacement may itself contain ```). */
function fenceFor(content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

// ---------------------------------------------------------------------------------------------------------
// Placement

interface Placement {
  start: number;
  end: number;
  /** Whether the range is exactly the fix's lines, so a suggestion block may replace them. */
  suggestion: boolean;
}

/** Whether `start`..`end` lies inside one hunk (so every line is commentable and GitHub accepts the range). */
function inOneHunk(lines: CommentableLines, start: number, end: number): boolean {
  return start <= end && lines.hunks.some((h) => h.start <= start && end <= h.end);
}

/**
 * Where a finding's comment goes: the fix's lines when they are all commentable (so the suggestion replaces
 * exactly the commented lines), else the finding's range when it is all commentable, else the first commentable
 * line of the range, else nowhere.
 */
function placementOf(finding: Finding, lines: CommentableLines): Placement | undefined {
  const fix = finding.fix;
  if (fix && inOneHunk(lines, fix.line, fix.endLine)) return { start: fix.line, end: fix.endLine, suggestion: true };
  const start = finding.line;
  const end = Math.max(finding.endLine, finding.line);
  if (inOneHunk(lines, start, end)) return { start, end, suggestion: false };
  for (const hunk of lines.hunks) {
    if (hunk.end < start || hunk.start > end) continue;
    const first = Math.max(hunk.start, start);
    return { start: first, end: first, suggestion: false };
  }
  return undefined;
}

/** Most severe first, then by file, line, column and rule: the order of comments and annotations. */
export function compareForReport(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}

// ---------------------------------------------------------------------------------------------------------
// Bodies

/** One finding of a comment, as placed on the diff. */
interface Placed {
  finding: Finding;
  at: Placement;
}

/** How a comment links rules and explains them. */
export interface CommentStyle {
  /** Link of a rule's docs page (`docsUrl` config); default: the finding's own `docsUrl` when it is absolute https. */
  docsUrl?: (ruleId: string) => string | undefined;
  /** The collapsed "learn more" text of a rule (the same text as SARIF's `help.markdown`); none: no `<details>`. */
  help?: (ruleId: string) => string | undefined;
}

/** `base` + the rule's page: `{rule}` in `base` is replaced by the id, else `<base>/<id>.md`. Undefined unless https. */
export function ruleDocsUrl(base: string | undefined, ruleId: string): string | undefined {
  if (!base || ruleId.includes("/")) return undefined;
  const url = base.includes("{rule}") ? base.replaceAll("{rule}", ruleId) : `${base.replace(/\/+$/, "")}/${ruleId}.md`;
  return /^https:\/\/[^\s()<>]+$/.test(url) ? url : undefined;
}

function linkOf(finding: Finding, style: CommentStyle): string {
  const id = `\`${finding.ruleId.replace(/`/g, "")}\``;
  const url =
    style.docsUrl?.(finding.ruleId) ?? (finding.docsUrl && /^https:\/\/[^\s()<>]+$/.test(finding.docsUrl) ? finding.docsUrl : undefined);
  return url ? `[${id}](${url})` : id;
}

/** "[`rule`](link) · `category`", the category left out when it says the same as the rule id. */
function metaOf(finding: Finding, style: CommentStyle): string {
  const meta = [linkOf(finding, style)];
  if (finding.category !== finding.ruleId) meta.push(`\`${finding.category}\``);
  if (finding.source === "access-analyzer") meta.push("reported by IAM Access Analyzer");
  return meta.join(" · ");
}

/** Two fixes conflict when their lines overlap (unless they are the same edit). */
function sameFix(a: FindingFix, b: FindingFix): boolean {
  return a.line === b.line && a.endLine === b.endLine && a.replacement === b.replacement;
}

/**
 * The suggestion of a comment over `start`..`end`: every fix that can be applied from the diff, merged when their
 * lines do not overlap (else the most severe one's alone). The lines between fixes come from the patch; when one
 * of them is not in it, only a fix covering exactly the comment's lines can be suggested.
 */
function suggestionOf(
  members: readonly Placed[],
  start: number,
  end: number,
  lines: CommentableLines | undefined,
): { replacement: string; fixes: FindingFix[] } | undefined {
  const applicable: FindingFix[] = [];
  for (const m of members) {
    const fix = m.finding.fix;
    if (!fix || !m.at.suggestion || fix.line < start || fix.endLine > end) continue;
    if (!applicable.some((f) => sameFix(f, fix))) applicable.push(fix);
  }
  if (applicable.length === 0) return undefined;
  const sorted = [...applicable].sort((a, b) => a.line - b.line);
  const conflict = sorted.some((f, i) => i > 0 && f.line <= sorted[i - 1]!.endLine);
  const fixes = conflict ? [applicable[0]!] : sorted;
  const out: string[] = [];
  for (let line = start; line <= end;) {
    const fix = fixes.find((f) => f.line === line);
    if (fix) {
      if (fix.replacement !== "") out.push(fix.replacement);
      line = fix.endLine + 1;
      continue;
    }
    const text = lines?.text.get(line);
    if (text === undefined) {
      const only = fixes[0]!;
      return fixes.length === 1 && only.line === start && only.endLine === end ? { replacement: only.replacement, fixes } : undefined;
    }
    out.push(text);
    line++;
  }
  return { replacement: out.join("\n"), fixes };
}

function detailsOf(ruleIds: readonly string[], style: CommentStyle): string[] {
  const out: string[] = [];
  for (const id of ruleIds) {
    const help = style.help?.(id);
    if (help === undefined) continue;
    out.push(
      "",
      `<details><summary>Why <code>${id.replace(/[<>&"]/g, "")}</code> matters, with a compliant example</summary>`,
      "",
      maskSecrets(help),
      "",
      "</details>",
    );
  }
  return out;
}

/**
 * The Markdown body of one inline comment on the lines `start`..`end`: every finding there, most severe first,
 * one line each (severity, message, rule); one `suggestion` block when their fixes apply from the diff and do not
 * conflict (else the most severe one's); each rule's "why" and compliant example, collapsed; and one hidden
 * fingerprint marker per finding. Masked, escaped, and at most {@link MAX_COMMENT_CHARS}: the `<details>` go
 * first, then the suggestion, then the messages are shortened.
 */
function groupBody(
  members: readonly Placed[],
  start: number,
  end: number,
  lines: CommentableLines | undefined,
  style: CommentStyle,
): string {
  const findings = members.map((m) => m.finding);
  const single = findings.length === 1;
  const messages = findings.map((f) => escapeMarkdown(maskSecrets(f.message)));
  const headOf = (msgs: readonly string[]): string[] =>
    single
      ? [`**${findings[0]!.severity}** · ${msgs[0]}`, "", metaOf(findings[0]!, style)]
      : [
          `**${plural(findings.length, "finding")} on ${start === end ? "this line" : "these lines"}**`,
          "",
          ...findings.map((f, i) => `- **${f.severity}** · ${msgs[i]} — ${metaOf(f, style)}`),
        ];

  let fixPart: string[] = [];
  const suggestion = suggestionOf(members, start, end, lines);
  if (suggestion) {
    const replacement = maskSecrets(suggestion.replacement);
    const fence = fenceFor(replacement);
    const description = suggestion.fixes.map((f) => escapeMarkdown(maskSecrets(f.description))).join(" ");
    fixPart = ["", `Suggested fix: ${description}`, `${fence}suggestion`, ...(replacement === "" ? [] : [replacement]), fence];
  } else {
    const fix = findings.find((f) => f.fix)?.fix;
    if (fix) {
      const replacement = maskSecrets(fix.replacement);
      const fence = fenceFor(replacement);
      const where = fix.line === fix.endLine ? `line ${fix.line}` : `lines ${fix.line}–${fix.endLine}`;
      fixPart = [
        "",
        `Suggested fix for ${where} (not all of them are in this diff, so it cannot be applied from here): ${escapeMarkdown(maskSecrets(fix.description))}`,
        fence,
        replacement,
        fence,
      ];
    }
  }
  let details = detailsOf([...new Set(findings.map((f) => f.ruleId))], style);
  const markers = ["", ...findings.map((f) => fingerprintMarker(f.fingerprint))];
  const assemble = (msgs: readonly string[]) => [...headOf(msgs), ...fixPart, ...details, ...markers].join("\n");

  let body = assemble(messages);
  if (body.length > MAX_COMMENT_CHARS && details.length > 0) {
    details = [];
    body = assemble(messages);
  }
  if (body.length > MAX_COMMENT_CHARS && fixPart.length > 0) {
    const descriptions = findings.flatMap((f) => (f.fix ? [f.fix.description] : [])).join(" ");
    fixPart = [
      "",
      `Suggested fix: ${escapeMarkdown(truncateText(maskSecrets(descriptions), 1000))} (the replacement is too long to show here).`,
    ];
    body = assemble(messages);
  }
  if (body.length > MAX_COMMENT_CHARS) {
    const room = Math.max(
      1,
      Math.floor((MAX_COMMENT_CHARS - (body.length - messages.reduce((n, m) => n + m.length, 0))) / messages.length),
    );
    body = assemble(messages.map((m) => truncateEscaped(m, room)));
  }
  return body;
}

/**
 * The Markdown body of an inline comment for one finding (see {@link buildReview} for comments that hold several).
 * `suggestion`: the comment covers exactly the fix's lines, so the fix is a ```suggestion block.
 */
export function commentBody(finding: Finding, suggestion: boolean, style: CommentStyle = {}): string {
  const start = suggestion && finding.fix ? finding.fix.line : finding.line;
  const end = suggestion && finding.fix ? finding.fix.endLine : Math.max(finding.line, finding.endLine);
  return groupBody([{ finding, at: { start, end, suggestion } }], start, end, undefined, style);
}

/** Shortens escaped Markdown without ending inside an escape (`\*`, `&lt;`). */
function truncateEscaped(text: string, max: number): string {
  return truncateText(text, max).replace(/(?:\\|&[a-z]{0,3})…$/, "…");
}

/** The body that replaces an earlier comment whose finding is gone: the original, collapsed and inert. */
export function resolvedBody(original: string, fingerprint: string, headSha: string): string {
  const inert = original
    .replace(ACTIVE_MARKERS, "")
    // A suggestion left in an edited comment could still be committed; show it as plain code instead.
    .replace(/^(`{3,})suggestion\s*$/gm, "$1text")
    .trimEnd();
  const sha = headSha.replace(/[^0-9a-f]/gi, "");
  const head = [
    `✅ **Fixed in ${sha}**: IAM Policy Review no longer reports ${fingerprintsOfComment(original).length > 1 ? "these findings" : "this finding"}.`,
    "",
    "<details><summary>Original comment</summary>",
    "",
  ];
  const end = ["", "</details>", "", `<!-- iam-policy-review:resolved fingerprint=${markable(fingerprint)} sha=${sha} -->`];
  const room = MAX_COMMENT_CHARS - [...head, ...end].join("\n").length - 2;
  return [...head, truncateText(inert, room), ...end].join("\n");
}

function severityList(findings: readonly Finding[]): string {
  const counts = countBySeverity(findings);
  const parts = (["error", "warning", "note"] as const).filter((s) => counts[s] > 0).map((s) => plural(counts[s], s));
  return parts.join(", ");
}

function reviewBody(
  findings: readonly Finding[],
  commentCount: number,
  overflow: number,
  offDiff: number,
  summaryOnly: number,
  max: number,
  checkRunUrl: string | undefined,
): string {
  const check = checkRunUrl && /^https:\/\/[^\s()<>]+$/.test(checkRunUrl) ? `[${CHECK_RUN_NAME}](${checkRunUrl})` : `"${CHECK_RUN_NAME}"`;
  const lines: string[] = [];
  if (findings.length > 0) {
    const where = commentCount === findings.length ? "" : ` in ${plural(commentCount, "comment")}`;
    lines.push(`**IAM Policy Review**: ${plural(findings.length, "new finding")} on changed lines${where} (${severityList(findings)}).`);
  } else {
    lines.push("**IAM Policy Review**: no new findings on changed lines.");
  }
  const notInline: string[] = [];
  if (overflow > 0) notInline.push(`${overflow} over the limit of ${max} inline comments per review`);
  if (offDiff > 0) notInline.push(`${offDiff} outside the diff`);
  if (summaryOnly > 0) notInline.push(`${plural(summaryOnly, "new-access finding")} in the check run's Access changes table`);
  const where = `The ${check} check run lists every finding, the access changes and the suppressed findings.`;
  const total = overflow + offDiff + summaryOnly;
  lines.push("", notInline.length > 0 ? `${plural(total, "finding")} not commented inline (${notInline.join(", ")}). ${where}` : where);
  return maskSecrets(lines.join("\n"));
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Builds the review for one analysis. Each finding whose fingerprint is not in an earlier comment (nor earlier in
 * `findings`) is placed on RIGHT lines inside its file's hunks; the most severe get a comment, up to
 * `maxComments`. Earlier comments whose fingerprint no finding has are returned in `resolved` (unless the
 * analysis was incomplete). Undefined when there is nothing to post and nothing to resolve (a redelivery).
 */
export function buildReview(input: ReviewInput): Review | undefined {
  const max = input.maxComments ?? DEFAULT_MAX_COMMENTS;
  const style = input.style ?? {};
  const posted = new Set<string>();
  for (const comment of input.existing) for (const fp of fingerprintsOfComment(comment.body)) posted.add(fp);

  const linesByPath = new Map<string, CommentableLines>();
  const linesOf = (path: string): CommentableLines | undefined => {
    if (!input.patches.has(path)) return undefined;
    let lines = linesByPath.get(path);
    if (!lines) linesByPath.set(path, (lines = commentableLines(input.patches.get(path))));
    return lines;
  };

  const placed: Placed[] = [];
  const offDiff: Finding[] = [];
  const seen = new Set<string>();
  for (const finding of [...input.findings].sort(compareForReport)) {
    const fp = markable(finding.fingerprint);
    if (posted.has(fp) || seen.has(fp)) continue;
    seen.add(fp);
    const lines = linesOf(finding.file);
    const at = lines && placementOf(finding, lines);
    if (at) placed.push({ finding, at });
    else offDiff.push(finding);
  }

  // One comment per place: findings whose lines overlap share one comment. New access folds into the comment of
  // another finding on its statement; alone, it is a comment of its own only when `newAccessInline` says so.
  const isNewAccess = (p: Placed) => p.finding.ruleId === "new-access";
  const groups = mergeOverlapping(placed.filter((p) => !isNewAccess(p)));
  const standalone: Placed[] = [];
  const summaryOnly: Finding[] = [];
  for (const item of placed.filter(isNewAccess)) {
    const { finding } = item;
    const from = Math.min(finding.line, item.at.start);
    const to = Math.max(finding.endLine, finding.line, item.at.end);
    // The narrowest comment on its lines (a statement's, rather than a whole document's).
    const host = groups
      .filter((g) => g.file === finding.file && g.start <= to && from <= g.end)
      .sort((a, b) => a.end - a.start - (b.end - b.start))[0];
    if (host) host.members.push(item);
    else if (input.newAccessInline?.(finding) ?? true) standalone.push(item);
    else summaryOnly.push(finding);
  }
  groups.push(...mergeOverlapping(standalone));
  // Most severe first; at the same severity the rule that says what is wrong before the new-access diff.
  const rank = (p: Placed) => SEVERITY_RANK[p.finding.severity] * 2 + (isNewAccess(p) ? 1 : 0);
  for (const g of groups) g.members.sort((a, b) => rank(a) - rank(b) || compareForReport(a.finding, b.finding));
  groups.sort((a, b) => compareForReport(a.members[0]!.finding, b.members[0]!.finding));

  const chosen = groups.slice(0, Math.max(0, max));
  const overflow = groups.slice(chosen.length).flatMap((g) => g.members.map((m) => m.finding));
  const comments = chosen.map(({ file, start, end, members }): ReviewComment => ({
    path: file,
    line: end,
    side: "RIGHT",
    ...(start < end ? { start_line: start, start_side: "RIGHT" as const } : {}),
    body: groupBody(members, start, end, linesOf(file), style),
  }));

  const resolved: Review["resolved"] = [];
  if (input.complete !== false) {
    const current = new Set(input.findings.map((f) => markable(f.fingerprint)));
    for (const comment of input.existing) {
      const fps = fingerprintsOfComment(comment.body);
      if (fps.length === 0 || fps.some((fp) => current.has(fp))) continue;
      if (input.resolvable && !input.resolvable(comment)) continue;
      resolved.push({ id: comment.id, body: resolvedBody(comment.body, fps[0]!, input.headSha) });
    }
  }

  if (comments.length === 0 && resolved.length === 0) return undefined;
  return {
    comments,
    overflow,
    offDiff,
    summaryOnly,
    resolved,
    body: reviewBody(
      chosen.flatMap((g) => g.members.map((m) => m.finding)),
      chosen.length,
      overflow.length,
      offDiff.length,
      summaryOnly.length,
      max,
      input.checkRunUrl,
    ),
  };
}

interface Group {
  file: string;
  start: number;
  end: number;
  members: Placed[];
}

/**
 * A finding on more lines than this (a whole document: its size, a missing Version) keeps a comment of its own
 * rather than gathering every finding inside it into one long comment.
 */
const MAX_SHARED_SPAN = 12;

/**
 * Groups placed findings whose line ranges overlap (in the same file); overlapping ranges lie in the same hunk.
 * Findings wider than {@link MAX_SHARED_SPAN} lines share a comment only with findings on exactly their lines.
 */
function mergeOverlapping(items: readonly Placed[]): Group[] {
  const wide = (p: Placed) => p.at.end - p.at.start + 1 > MAX_SHARED_SPAN;
  const groups: Group[] = [];
  for (const item of items.filter(wide)) {
    const same = groups.find((g) => g.file === item.finding.file && g.start === item.at.start && g.end === item.at.end);
    if (same) same.members.push(item);
    else groups.push({ file: item.finding.file, start: item.at.start, end: item.at.end, members: [item] });
  }
  return [...groups, ...mergeNarrow(items.filter((p) => !wide(p)))];
}

function mergeNarrow(items: readonly Placed[]): Group[] {
  const byFile = new Map<string, Placed[]>();
  for (const item of items) {
    const list = byFile.get(item.finding.file);
    if (list) list.push(item);
    else byFile.set(item.finding.file, [item]);
  }
  const groups: Group[] = [];
  for (const [file, list] of byFile) {
    const sorted = [...list].sort((a, b) => a.at.start - b.at.start || a.at.end - b.at.end);
    let current: Group | undefined;
    for (const item of sorted) {
      if (current && item.at.start <= current.end) {
        current.members.push(item);
        current.end = Math.max(current.end, item.at.end);
      } else {
        current = { file, start: item.at.start, end: item.at.end, members: [item] };
        groups.push(current);
      }
    }
  }
  return groups;
}

/**
 * The pull request review of one analysis (issue #6): inline comments on changed lines, each with the rule's
 * link, a `suggestion` block when the finding has a fix, and a hidden fingerprint so that a new push, a re-run
 * or a redelivered webhook never posts the same comment twice. Pure: the handler lists the PR's files and our
 * earlier comments, posts the review (event COMMENT) and edits the comments this marks as resolved.
 */
import type { Finding, Severity } from "../types.ts";
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
  /** Earlier comments whose finding is gone, with the body to replace theirs. */
  resolved: Array<{ id: number; body: string }>;
  /** The review's own body. */
  body: string;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, note: 2 };

const MARKER_PREFIX = "<!-- iam-policy-review:fingerprint=";
const ACTIVE_MARKER = /<!-- iam-policy-review:fingerprint=([^\s>]+) -->/;
const RESOLVED_MARKER = /<!-- iam-policy-review:resolved fingerprint=[^\s>]+ sha=[^\s>]+ -->/;

/** A fingerprint as it can appear in a marker (fingerprints are hex; anything else is dropped). */
const markable = (fingerprint: string): string => fingerprint.replace(/[^A-Za-z0-9._:/-]/g, "");

/** The hidden marker that ends each of our inline comments. */
export function fingerprintMarker(fingerprint: string): string {
  return `${MARKER_PREFIX}${markable(fingerprint)} -->`;
}

/** The fingerprint of one of our open comments; undefined for other comments and for those already resolved. */
export function fingerprintOfComment(body: string): string | undefined {
  if (RESOLVED_MARKER.test(body)) return undefined;
  return ACTIVE_MARKER.exec(body)?.[1];
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
const NAMED_TOKEN = new RegExp(String.raw`((?<![A-Za-z0-9])(?:aws[_.-]?)?(?:session|security)[_.-]?token${SEPARATOR})([A-Za-z0-9/+]{100,}=*)`, "gi");
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
    out = out.replace(SECRET_CANDIDATE, (value) => (/[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9/+]/.test(value) ? mask(value) : value));
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

/** The rule id, linked to its docs when the link is absolute https (a relative link would be broken on GitHub). */
function ruleLink(finding: Finding): string {
  const id = `\`${finding.ruleId.replace(/`/g, "")}\``;
  return finding.docsUrl && /^https:\/\/[^\s()<>]+$/.test(finding.docsUrl) ? `[${id}](${finding.docsUrl})` : id;
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

/**
 * The Markdown body of one inline comment. `suggestion`: the comment covers exactly the fix's lines, so the fix
 * is a ```suggestion block; otherwise the fix is shown as text with the lines it is for. Masked, escaped, and at
 * most {@link MAX_COMMENT_CHARS} (a long suggestion is dropped first, then the message is shortened).
 */
export function commentBody(finding: Finding, suggestion: boolean): string {
  const message = escapeMarkdown(maskSecrets(finding.message));
  const meta = [ruleLink(finding), `\`${finding.category}\``];
  if (finding.source === "access-analyzer") meta.push("reported by IAM Access Analyzer");
  const head = (text: string) => `**${finding.severity}** · ${text}`;
  const tail = ["", meta.join(" · ")];
  const fix = finding.fix;
  let fixPart: string[] = [];
  if (fix) {
    const replacement = maskSecrets(fix.replacement);
    const fence = fenceFor(replacement);
    const description = escapeMarkdown(maskSecrets(fix.description));
    const lines = fix.line === fix.endLine ? `line ${fix.line}` : `lines ${fix.line}–${fix.endLine}`;
    fixPart = suggestion
      ? ["", `Suggested fix: ${description}`, `${fence}suggestion`, ...(replacement === "" ? [] : [replacement]), fence]
      : ["", `Suggested fix for ${lines} (not all of them are in this diff, so it cannot be applied from here): ${description}`, fence, replacement, fence];
  }
  const marker = ["", fingerprintMarker(finding.fingerprint)];
  const assemble = (msg: string) => [head(msg), ...tail, ...fixPart, ...marker].join("\n");

  let body = assemble(message);
  if (body.length > MAX_COMMENT_CHARS && fix) {
    fixPart = ["", `Suggested fix: ${escapeMarkdown(truncateText(maskSecrets(fix.description), 1000))} (the replacement is too long to show here).`];
    body = assemble(message);
  }
  if (body.length > MAX_COMMENT_CHARS) {
    const room = MAX_COMMENT_CHARS - (body.length - message.length);
    body = assemble(truncateEscaped(message, room));
  }
  return body;
}

/** Shortens escaped Markdown without ending inside an escape (`\*`, `&lt;`). */
function truncateEscaped(text: string, max: number): string {
  return truncateText(text, max).replace(/(?:\\|&[a-z]{0,3})…$/, "…");
}

/** The body that replaces an earlier comment whose finding is gone: the original, collapsed and inert. */
export function resolvedBody(original: string, fingerprint: string, headSha: string): string {
  const inert = original
    .replace(ACTIVE_MARKER, "")
    // A suggestion left in an edited comment could still be committed; show it as plain code instead.
    .replace(/^(`{3,})suggestion\s*$/gm, "$1text")
    .trimEnd();
  const sha = headSha.replace(/[^0-9a-f]/gi, "");
  const head = [`✅ **Fixed in ${sha}**: IAM Policy Review no longer reports this finding.`, "", "<details><summary>Original comment</summary>", ""];
  const end = ["", "</details>", "", `<!-- iam-policy-review:resolved fingerprint=${markable(fingerprint)} sha=${sha} -->`];
  const room = MAX_COMMENT_CHARS - [...head, ...end].join("\n").length - 2;
  return [...head, truncateText(inert, room), ...end].join("\n");
}

function severityList(findings: readonly Finding[]): string {
  const counts = countBySeverity(findings);
  const parts = (["error", "warning", "note"] as const).filter((s) => counts[s] > 0).map((s) => plural(counts[s], s));
  return parts.join(", ");
}

function reviewBody(comments: readonly Finding[], overflow: number, offDiff: number, max: number, checkRunUrl: string | undefined): string {
  const check = checkRunUrl && /^https:\/\/[^\s()<>]+$/.test(checkRunUrl) ? `[${CHECK_RUN_NAME}](${checkRunUrl})` : `"${CHECK_RUN_NAME}"`;
  const lines: string[] = [];
  if (comments.length > 0) {
    lines.push(`**IAM Policy Review**: ${plural(comments.length, "new finding")} on changed lines (${severityList(comments)}).`);
  } else {
    lines.push("**IAM Policy Review**: no new findings on changed lines.");
  }
  const notInline: string[] = [];
  if (overflow > 0) notInline.push(`${overflow} over the limit of ${max} inline comments per review`);
  if (offDiff > 0) notInline.push(`${offDiff} outside the diff`);
  const where = `The ${check} check run lists every finding, the access changes and the suppressed findings.`;
  lines.push("", notInline.length > 0 ? `${plural(overflow + offDiff, "finding")} not commented inline (${notInline.join(", ")}). ${where}` : where);
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
  const posted = new Set<string>();
  for (const comment of input.existing) {
    const fp = fingerprintOfComment(comment.body);
    if (fp !== undefined) posted.add(fp);
  }

  const linesByPath = new Map<string, CommentableLines>();
  const linesOf = (path: string): CommentableLines | undefined => {
    if (!input.patches.has(path)) return undefined;
    let lines = linesByPath.get(path);
    if (!lines) linesByPath.set(path, (lines = commentableLines(input.patches.get(path))));
    return lines;
  };

  const placed: Array<{ finding: Finding; at: Placement }> = [];
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

  const chosen = placed.slice(0, Math.max(0, max));
  const overflow = placed.slice(chosen.length).map((p) => p.finding);
  const comments = chosen.map(({ finding, at }): ReviewComment => ({
    path: finding.file,
    line: at.end,
    side: "RIGHT",
    ...(at.start < at.end ? { start_line: at.start, start_side: "RIGHT" as const } : {}),
    body: commentBody(finding, at.suggestion),
  }));

  const resolved: Review["resolved"] = [];
  if (input.complete !== false) {
    const current = new Set(input.findings.map((f) => markable(f.fingerprint)));
    for (const comment of input.existing) {
      const fp = fingerprintOfComment(comment.body);
      if (fp !== undefined && !current.has(fp)) resolved.push({ id: comment.id, body: resolvedBody(comment.body, fp, input.headSha) });
    }
  }

  if (comments.length === 0 && resolved.length === 0) return undefined;
  return {
    comments,
    overflow,
    offDiff,
    resolved,
    body: reviewBody(
      chosen.map((c) => c.finding),
      overflow.length,
      offDiff.length,
      max,
      input.checkRunUrl,
    ),
  };
}

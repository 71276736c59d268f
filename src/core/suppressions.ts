/**
 * Suppressions: inline comments in YAML and HCL, and config entries (the only way for JSON, which has no
 * comments). Each needs a reason and may expire; a suppressed finding is counted and listed, never dropped, and
 * an expired suppression stops working and says so.
 *
 * Inline syntax, on the line of the finding or alone on the line above the statement or policy it covers:
 *
 *     # iam-policy-review:ignore public-access,confused-deputy until 2027-01-31 -- static website, see SEC-123
 */
import type { Finding, PolicyDocument, Range, SourceFile } from "../types.ts";
import { inputFinding } from "../findings.ts";
import { statementsOf } from "../extract/document.ts";
import ignore from "ignore";
import { isCalendarDate, type SuppressionEntry } from "./config.ts";

export interface SuppressionInfo {
  reason: string;
  expires?: string;
  /** Where it was declared: `path:line` for a comment, `config` for the config file. */
  source: string;
}

export type SuppressedFinding = Finding & { suppression: SuppressionInfo };

export interface SuppressionResult {
  findings: Finding[];
  suppressed: SuppressedFinding[];
}

const DIRECTIVE = /(?:#|\/\/)\s*iam-policy-review:ignore\b(.*)$/;
const BODY = /^\s+([a-z0-9*][a-z0-9/_*-]*(?:\s*,\s*[a-z0-9*][a-z0-9/_*-]*)*)(?:\s+until\s+(\d{4}-\d{2}-\d{2}))?\s*(?:--\s*(.*))?$/i;

interface InlineSuppression {
  file: string;
  line: number;
  rules: string[];
  reason: string;
  expires?: string;
  /** Lines covered: [from, to]. */
  from: number;
  to: number;
}

/** Regions a comment above can cover: each policy document and each statement, by start line. */
function regionsByStartLine(policies: readonly PolicyDocument[], file: string): Map<number, Range[]> {
  const map = new Map<number, Range[]>();
  const add = (range: Range | undefined) => {
    if (!range) return;
    map.set(range.line, [...(map.get(range.line) ?? []), range]);
  };
  for (const doc of policies) {
    if (doc.file !== file) continue;
    add(doc.range);
    for (const ref of statementsOf(doc.json)) add(doc.positions[ref.pointer]);
  }
  return map;
}

function isCodeLine(text: string): boolean {
  const trimmed = text.trim();
  return trimmed !== "" && !trimmed.startsWith("#") && !trimmed.startsWith("//");
}

/** Whether `index` in a line is outside quoted strings (so a `#` there starts a comment, not text). */
function outsideQuotes(line: string, index: number): boolean {
  let quote = "";
  for (let i = 0; i < index; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") quote = ch;
  }
  return quote === "";
}

function parseInline(file: SourceFile, policies: readonly PolicyDocument[], notices: Finding[]): InlineSuppression[] {
  // JSON has no comments: a directive there is text inside a value, and must not silence anything.
  if (!file.text.includes("iam-policy-review:ignore") || /\.json$/i.test(file.path)) return [];
  const lines = file.text.split("\n");
  const regions = regionsByStartLine(policies, file.path);
  const out: InlineSuppression[] = [];
  lines.forEach((text, index) => {
    const match = DIRECTIVE.exec(text);
    if (!match || !outsideQuotes(text, match.index)) return;
    const line = index + 1;
    const column = match.index + 1;
    const range = { line, column, endLine: line, endColumn: text.length + 1 };
    const body = BODY.exec(match[1] ?? "");
    if (!body || (body[3]?.trim().length ?? 0) < 3 || (body[2] !== undefined && !isCalendarDate(body[2]))) {
      notices.push(
        inputFinding(
          file.path,
          range,
          "warning",
          "This suppression comment is ignored: write `iam-policy-review:ignore RULE[,RULE] [until YYYY-MM-DD] -- REASON` (a reason is required, and the date must exist).",
          `suppression:${line}`,
        ),
      );
      return;
    }
    const rules = body[1]!.split(",").map((r) => r.trim());
    const reason = body[3]!.trim();
    const trailing = isCodeLine(text.slice(0, match.index));
    let from = line;
    let to = line;
    if (!trailing) {
      // Alone on its line: covers the next code line, and the statement or policy that starts there (or on the
      // line after a `Key:` / `{` / `(` opener, as in `PolicyDocument:` or `policy = jsonencode({`).
      let next = index + 1;
      while (next < lines.length && !isCodeLine(lines[next]!)) next++;
      from = to = next + 1;
      const candidates = [...(regions.get(from) ?? [])];
      if (candidates.length === 0 && /[:{([]\s*$|<<-?\w+\s*$/.test(lines[next] ?? "")) {
        let after = next + 1;
        while (after < lines.length && !isCodeLine(lines[after]!)) after++;
        candidates.push(...(regions.get(after + 1) ?? []));
      }
      for (const region of candidates) to = Math.max(to, region.endLine);
    }
    out.push({ file: file.path, line, rules, reason, ...(body[2] ? { expires: body[2] } : {}), from, to });
  });
  return out;
}

/**
 * `*` covers every rule but `unparsed-input`: a file that could not be analysed is only silenced by naming that
 * rule explicitly, so a blanket suppression can never turn an unanalysed file into a clean pass.
 */
function ruleMatches(pattern: string, ruleId: string): boolean {
  return pattern === ruleId || (pattern === "*" && ruleId !== "unparsed-input");
}

/** The Sid of the statement that contains the finding's position, if any. */
function sidAt(policies: readonly PolicyDocument[], finding: Finding): string | undefined {
  for (const doc of policies) {
    if (doc.file !== finding.file) continue;
    for (const ref of statementsOf(doc.json)) {
      const r = doc.positions[ref.pointer];
      if (!r) continue;
      const starts = finding.line > r.line || (finding.line === r.line && finding.column >= r.column);
      const ends = finding.line < r.endLine || (finding.line === r.endLine && finding.column <= r.endColumn);
      if (starts && ends && typeof ref.statement.Sid === "string") return ref.statement.Sid;
    }
  }
  return undefined;
}

/**
 * Splits findings into those reported and those suppressed. `today` is YYYY-MM-DD (UTC); a suppression expiring
 * today still works. Problems with suppressions themselves (no reason, expired) are returned as findings.
 */
export function applySuppressions(
  findings: readonly Finding[],
  options: { files: readonly SourceFile[]; policies: readonly PolicyDocument[]; entries: readonly SuppressionEntry[]; today: string },
): SuppressionResult {
  const notices: Finding[] = [];
  const inline = options.files.flatMap((file) => parseInline(file, options.policies, notices));
  const config = options.entries.map((entry) => ({ entry, paths: ignore().add(entry.path) }));
  const expiredNoticed = new Set<string>();
  const result: SuppressionResult = { findings: [], suppressed: [] };

  const expired = (expires: string | undefined) => expires !== undefined && expires < options.today;
  const noticeExpired = (key: string, file: string, range: Range, expires: string) => {
    if (expiredNoticed.has(key)) return;
    expiredNoticed.add(key);
    notices.push(
      inputFinding(
        file,
        range,
        "note",
        `A suppression expired on ${expires} and no longer applies; review the findings it covered.`,
        `expired:${key}`,
      ),
    );
  };

  for (const finding of findings) {
    let applied: SuppressionInfo | undefined;
    for (const s of inline) {
      if (s.file !== finding.file || finding.line < s.from || finding.line > s.to) continue;
      if (!s.rules.some((r) => ruleMatches(r, finding.ruleId))) continue;
      if (expired(s.expires)) {
        noticeExpired(`${s.file}:${s.line}`, s.file, { line: s.line, column: 1, endLine: s.line, endColumn: 1 }, s.expires!);
        continue;
      }
      applied = { reason: s.reason, ...(s.expires ? { expires: s.expires } : {}), source: `${s.file}:${s.line}` };
      break;
    }
    if (!applied) {
      for (const [index, { entry, paths }] of config.entries()) {
        const inside = !finding.file.startsWith("../") && !finding.file.startsWith("/");
        if (!ruleMatches(entry.rule, finding.ruleId) || !inside || !paths.ignores(finding.file)) continue;
        if (entry.sid !== undefined && sidAt(options.policies, finding) !== entry.sid) continue;
        if (expired(entry.expires)) {
          noticeExpired(`config:${index}`, finding.file, { line: 1, column: 1, endLine: 1, endColumn: 1 }, entry.expires!);
          continue;
        }
        applied = { reason: entry.reason, ...(entry.expires ? { expires: entry.expires } : {}), source: "config" };
        break;
      }
    }
    if (applied) result.suppressed.push({ ...finding, suppression: applied });
    else result.findings.push(finding);
  }
  result.findings.push(...notices);
  return result;
}

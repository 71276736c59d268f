/**
 * Runs local rules over extracted documents and facts and turns their reports into findings: positions from the
 * document's position table, stable fingerprints, severities from the config, and fixes as whole-line
 * replacements computed from the source text. Pure.
 */
import type { Finding, FindingFix, IacFact, PolicyDocument, Range, Severity, SourceFile } from "../types.ts";
import { buildFinding } from "../findings.ts";
import { createHash, hash, type Hash } from "node:crypto";
import type { MessageFunctions, ReportDescriptor, Rule, RuleContext, RuleFix } from "./define-rule.ts";
import { pointerTokens } from "../extract/document.ts";
import { canonicalJson, rangeOf } from "../policy/pointers.ts";
import { docsUrlOf } from "./docs-url.ts";
import { bugFinding } from "../extract/boundary.ts";
import { maskCredentials, maskFinding } from "../util/mask.ts";

export interface RuleSettings {
  /** The severity a rule runs at, or "off". */
  severityOf(rule: Rule): Severity | "off";
  sensitiveActions: readonly string[];
}

export interface RuleInput {
  policies: readonly PolicyDocument[];
  facts: readonly IacFact[];
  /** Source texts, for fixes and text rules. */
  files: readonly SourceFile[];
}

/**
 * Canonical JSON of each statement, computed once per statement (issue #12: recomputing it for every report made
 * a statement with 10,000 condition keys cost seconds per finding).
 */
const canonicalStatements = new WeakMap<object, string>();

/**
 * The document's origin and the statement (or the whole document) a pointer is in, as the stable subject of a
 * fingerprint. The origin tells identical statements in different resources apart: each place gets its own
 * finding and its own review comment (issue #11).
 */
function statementSubject(doc: PolicyDocument, pointer: string): string {
  const tokens = pointerTokens(pointer);
  if (tokens[0] !== "Statement" || typeof doc.json !== "object" || doc.json === null || Array.isArray(doc.json)) {
    return `${doc.origin}\u0000${pointer}`;
  }
  const statements = doc.json.Statement;
  const index = tokens[1] !== undefined && /^\d+$/.test(tokens[1]) ? Number(tokens[1]) : undefined;
  const statement = Array.isArray(statements) ? (index !== undefined ? statements[index] : statements) : statements;
  if (typeof statement !== "object" || statement === null) return `${doc.origin}\u0000${canonicalJson(statement)}`;
  let canonical = canonicalStatements.get(statement);
  if (canonical === undefined) {
    canonical = canonicalJson(statement);
    canonicalStatements.set(statement, canonical);
  }
  return `${doc.origin}\u0000${canonical}`;
}

/**
 * `fingerprintOf(ruleId, file, subject, ...rest)` with the hash of the first three parts computed once per rule,
 * file and subject: a statement of 20,000 principals reported 20,000 times is hashed once, not 20,000 times
 * (issue #12). The digest is the same as `fingerprintOf`'s.
 */
function fingerprinter(ruleId: string): (file: string, subject: string, ...rest: string[]) => string {
  const byFile = new Map<string, Map<string, Hash>>();
  return (file, subject, ...rest) => {
    // A short subject (almost every one) is hashed in one call, without a Hash object per finding (issue #15); the
    // digest is the same, as the parts are joined by the same separators.
    if (file.length + subject.length <= SHORT_SUBJECT) {
      let text = `${ruleId}\u0000${file}\u0000${subject}\u0000`;
      for (const part of rest) text += `${part}\u0000`;
      return hash("sha256", text).slice(0, 32);
    }
    let bySubject = byFile.get(file);
    if (!bySubject) byFile.set(file, (bySubject = new Map()));
    let prefix = bySubject.get(subject);
    if (!prefix) {
      prefix = createHash("sha256").update(ruleId).update("\u0000").update(file).update("\u0000").update(subject).update("\u0000");
      bySubject.set(subject, prefix);
    }
    const copy = prefix.copy();
    for (const part of rest) copy.update(part).update("\u0000");
    return copy.digest("hex").slice(0, 32);
  };
}

/** Up to this many characters of file and subject, a fingerprint is hashed in one call. */
const SHORT_SUBJECT = 4096;

/**
 * Findings one rule lists for one file (issue #12): a file of 330,000 condition keys would otherwise build
 * 330,000 findings and their messages; the rest are counted in one note.
 */
export const MAX_FINDINGS_PER_RULE_AND_FILE = 1000;

/** How many characters of one value a message quotes (issue #12: messages quote a bounded excerpt). */
export const MAX_QUOTED_VALUE = 200;

/** Message data with every string masked and cut to a bounded excerpt (lists too, one level down). */
function boundedData(data: unknown): unknown {
  const bound = (value: unknown): unknown => {
    if (typeof value !== "string") return value;
    const masked = maskCredentials(value);
    return masked.length > MAX_QUOTED_VALUE ? `${masked.slice(0, MAX_QUOTED_VALUE - 1)}…` : masked;
  };
  if (typeof data !== "object" || data === null) return bound(data);
  if (Array.isArray(data)) return data.map(bound);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) out[key] = Array.isArray(value) ? value.map(bound) : bound(value);
  return out;
}

/**
 * Turns edits into a replacement of whole lines, as GitHub suggestions need. Returns undefined when the edits
 * overlap or fall outside the text (a rule bug that must not produce a broken suggestion).
 */
export function fixToLines(text: string, fix: RuleFix): FindingFix | undefined {
  if (fix.edits.length === 0) return undefined;
  const lines = text.split("\n");
  const edits = [...fix.edits].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  const first = edits[0]!.range.line;
  const last = Math.max(...edits.map((e) => e.range.endLine));
  if (first < 1 || last > lines.length) return undefined;
  const lineStart: number[] = [];
  let offset = 0;
  for (let i = first; i <= last; i++) {
    lineStart[i] = offset;
    offset += lines[i - 1]!.length + 1;
  }
  const original = lines.slice(first - 1, last).join("\n");
  let out = "";
  let cursor = 0;
  for (const edit of edits) {
    let start = lineStart[edit.range.line]! + edit.range.column - 1;
    let end = lineStart[edit.range.endLine]! + edit.range.endColumn - 1;
    const quote = original[start];
    if (edit.keepQuotes && end - start >= 2 && (quote === '"' || quote === "'") && original[end - 1] === quote) {
      start++;
      end--;
    }
    if (start < cursor || end < start || end > original.length) return undefined;
    out += original.slice(cursor, start) + edit.text;
    cursor = end;
  }
  out += original.slice(cursor);
  const replacement = out.replace(/\r$/, "");
  if (replacement === original) return undefined;
  return { description: fix.description, line: first, endLine: last, replacement };
}

/** Runs every enabled rule and returns the findings, de-duplicated by fingerprint, in no particular order. */
export function runRules(rules: readonly Rule[], input: RuleInput, settings: RuleSettings): Finding[] {
  const texts = new Map(input.files.map((f) => [f.path, f.text]));
  const findings = new Map<string, Finding>();
  /**
   * Findings by place and text: one problem at one place is one finding, even when two documents hold it (a local
   * module's policy and its copy with a caller's inputs, issue #11).
   */
  const places = new Set<string>();

  for (const rule of rules) {
    const severity = settings.severityOf(rule);
    if (severity === "off") continue;
    const fingerprintFor = fingerprinter(rule.id);
    /** Findings of this rule listed per file, and reports beyond the limit. */
    const listed = new Map<string, number>();
    const unlisted = new Map<string, number>();

    const contextFor = (doc: PolicyDocument | undefined): RuleContext<MessageFunctions> => ({
      sensitiveActions: settings.sensitiveActions,
      report(descriptor: ReportDescriptor<MessageFunctions>) {
        // At most MAX_FINDINGS_PER_RULE_AND_FILE are built per file; further reports are only counted, before
        // any work is spent on them (issue #12).
        const reportedFile = "pointer" in descriptor ? doc?.file : descriptor.file;
        if (reportedFile !== undefined && (listed.get(reportedFile) ?? 0) >= MAX_FINDINGS_PER_RULE_AND_FILE) {
          unlisted.set(reportedFile, (unlisted.get(reportedFile) ?? 0) + 1);
          return;
        }
        let file: string;
        let range: Range;
        let subject: string;
        let origin: string | undefined;
        if ("pointer" in descriptor) {
          if (!doc) throw new Error(`Bug: rule ${rule.id} reported a pointer outside a policy`);
          file = doc.file;
          range = rangeOf(doc, descriptor.pointer, descriptor.at);
          subject = statementSubject(doc, descriptor.pointer);
          origin = doc.origin;
        } else {
          file = descriptor.file;
          range = descriptor.range;
          origin = descriptor.origin;
          // A rule's own subject identifies the finding; the line (which moves with every edit above it) only
          // when there is nothing better, so fingerprints survive unrelated changes.
          subject = origin ?? (descriptor.subject !== undefined ? "" : `${range.line}`);
        }
        const message = rule.messages[descriptor.messageId];
        if (!message) throw new Error(`Bug: rule ${rule.id} has no message "${descriptor.messageId}"`);
        const fingerprint = fingerprintFor(file, subject, descriptor.messageId, descriptor.subject ?? "");
        if (findings.has(fingerprint)) return;
        const text = message(boundedData(descriptor.data));
        const place = `${rule.id}\u0000${file}\u0000${range.line}:${range.column}:${range.endLine}:${range.endColumn}\u0000${text}`;
        if (places.has(place)) return;
        places.add(place);
        listed.set(file, (listed.get(file) ?? 0) + 1);
        const finding = buildFinding(file, range, {
          ruleId: rule.id,
          messageId: descriptor.messageId,
          category: rule.category,
          // A rule lowers its own severity only relative to the configured one (e.g. a narrowing condition).
          severity: descriptor.severity && severity === rule.severity ? descriptor.severity : severity,
          message: text,
          source: "local",
          docsUrl: docsUrlOf(rule.id),
          fingerprint,
        });
        if (origin !== undefined) finding.origin = origin;
        const fileText = texts.get(file);
        if (descriptor.fix && fileText !== undefined) {
          const fix = fixToLines(fileText, descriptor.fix);
          if (fix) finding.fix = fix;
        }
        findings.set(fingerprint, maskFinding(finding));
      },
    });

    // The per-file boundary (issue #12): a rule that throws costs that policy or file, not the scan.
    const guarded = (file: string | undefined, range: Range | undefined, work: () => void): void => {
      try {
        work();
      } catch (error) {
        const bug = bugFinding(file ?? "", `rule ${rule.id}`, error, range);
        if (!findings.has(bug.fingerprint)) findings.set(bug.fingerprint, bug);
      }
    };
    if (rule.checkPolicy) {
      for (const doc of input.policies)
        if (!rule.kinds || rule.kinds.includes(doc.kind)) guarded(doc.file, doc.range, () => rule.checkPolicy!(doc, contextFor(doc)));
    }
    if (rule.checkPrincipal) {
      for (const [principal, docs] of byPrincipal(input.policies)) {
        guarded(docs[0]?.file, docs[0]?.range, () => rule.checkPrincipal!(principal, docs, contextFor(docs[0])));
      }
    }
    if (rule.checkFacts) {
      guarded(input.facts[0]?.file, input.facts[0]?.range, () => rule.checkFacts!(input.facts, contextFor(undefined)));
    }
    if (rule.checkText) {
      for (const file of input.files) guarded(file.path, undefined, () => rule.checkText!(file, contextFor(undefined)));
    }
    for (const [file, more] of unlisted) {
      const note: Finding = {
        file,
        line: 1,
        endLine: 1,
        column: 1,
        endColumn: 1,
        ruleId: rule.id,
        category: rule.category,
        severity: "note",
        message: `${rule.id} reported ${more.toLocaleString("en-US")} more problems in this file that are not listed (at most ${MAX_FINDINGS_PER_RULE_AND_FILE.toLocaleString("en-US")} findings per rule and file).`,
        source: "local",
        docsUrl: docsUrlOf(rule.id),
        fingerprint: fingerprintFor(file, "", "more-findings", ""),
      };
      findings.set(note.fingerprint, note);
    }
  }
  return [...findings.values()];
}

/**
 * Identity policies grouped by the principal they are attached to (a policy attached to two principals is in
 * both). A principal is scoped to its template (CloudFormation) or module directory (Terraform).
 */
export function byPrincipal(policies: readonly PolicyDocument[]): Array<[principal: string, policies: PolicyDocument[]]> {
  const groups = new Map<string, { principal: string; docs: PolicyDocument[] }>();
  for (const doc of policies) {
    if (doc.kind !== "identity") continue;
    const scope = doc.format === "terraform" ? doc.file.slice(0, Math.max(0, doc.file.lastIndexOf("/"))) : doc.file;
    for (const principal of doc.attachedTo ?? []) {
      const key = `${scope}\u0000${principal}`;
      const group = groups.get(key) ?? { principal, docs: [] };
      group.docs.push(doc);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((g) => [g.principal, g.docs]);
}

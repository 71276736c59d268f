/**
 * Runs local rules over extracted documents and facts and turns their reports into findings: positions from the
 * document's position table, stable fingerprints, severities from the config, and fixes as whole-line
 * replacements computed from the source text. Pure.
 */
import type { Finding, FindingFix, IacFact, JsonValue, PolicyDocument, Range, Severity, SourceFile } from "../types.ts";
import { fingerprintOf } from "../findings.ts";
import type { MessageFunctions, ReportDescriptor, Rule, RuleContext, RuleFix } from "./rules/define-rule.ts";
import { pointerTokens } from "../extract/document.ts";
import { docsUrlOf } from "./docs-url.ts";

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

function parentPointer(pointer: string): string {
  const slash = pointer.lastIndexOf("/");
  return slash <= 0 ? "" : pointer.slice(0, slash);
}

/** The range of a pointer, or of its nearest ancestor that has one (generated values may have none). */
export function rangeOf(doc: PolicyDocument, pointer: string, at: "value" | "key" = "value"): Range {
  if (at === "key" && doc.keys[pointer]) return doc.keys[pointer];
  for (let p = pointer; ; p = parentPointer(p)) {
    const range = doc.positions[p];
    if (range) return range;
    if (p === "") return doc.range;
  }
}

/** JSON with sorted keys, so a statement's fingerprint does not depend on key order or whitespace. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

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
  const statement = Array.isArray(statements) && tokens[1] !== undefined ? statements[Number(tokens[1])] : statements;
  return `${doc.origin}\u0000${canonicalJson(statement)}`;
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

  for (const rule of rules) {
    const severity = settings.severityOf(rule);
    if (severity === "off") continue;

    const contextFor = (doc: PolicyDocument | undefined): RuleContext<MessageFunctions> => ({
      sensitiveActions: settings.sensitiveActions,
      report(descriptor: ReportDescriptor<MessageFunctions>) {
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
        const fingerprint = fingerprintOf(rule.id, file, subject, descriptor.messageId, descriptor.subject ?? "");
        if (findings.has(fingerprint)) return;
        const finding: Finding = {
          file,
          line: range.line,
          endLine: range.endLine,
          column: range.column,
          endColumn: range.endColumn,
          ruleId: rule.id,
          messageId: descriptor.messageId,
          category: rule.category,
          // A rule lowers its own severity only relative to the configured one (e.g. a narrowing condition).
          severity: descriptor.severity && severity === rule.severity ? descriptor.severity : severity,
          message: message(descriptor.data),
          source: "local",
          docsUrl: docsUrlOf(rule.id),
          fingerprint,
        };
        if (origin !== undefined) finding.origin = origin;
        const text = texts.get(file);
        if (descriptor.fix && text !== undefined) {
          const fix = fixToLines(text, descriptor.fix);
          if (fix) finding.fix = fix;
        }
        findings.set(fingerprint, finding);
      },
    });

    if (rule.checkPolicy) {
      for (const doc of input.policies) rule.checkPolicy(doc, contextFor(doc));
    }
    if (rule.checkPrincipal) {
      for (const [principal, docs] of byPrincipal(input.policies)) rule.checkPrincipal(principal, docs, contextFor(docs[0]));
    }
    if (rule.checkFacts) rule.checkFacts(input.facts, contextFor(undefined));
    if (rule.checkText) {
      for (const file of input.files) rule.checkText(file, contextFor(undefined));
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

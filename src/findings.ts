/**
 * Helpers to build findings the same way everywhere: stable fingerprints and input problems.
 */
import { createHash } from "node:crypto";
import type { Finding, Range, Severity } from "./types.ts";

/** A stable, short fingerprint of the parts that identify a finding (never of line numbers). */
export function fingerprintOf(...parts: string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\u0000");
  return hash.digest("hex").slice(0, 32);
}

export const WHOLE_FILE: Range = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Severities from the most to the least severe. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, note: 2 };

/** Orders severities most severe first (the one severity comparator). */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

/** Where a finding is: every finding is built here, so a position is never copied field by field. */
export type FindingFields = Omit<Finding, "file" | "line" | "endLine" | "column" | "endColumn">;

/** A finding at `range` of `file`, the other fields in the caller's order (the JSON output keeps that order). */
export function buildFinding(file: string, range: Range, fields: FindingFields): Finding {
  return { file, line: range.line, endLine: range.endLine, column: range.column, endColumn: range.endColumn, ...fields };
}

/**
 * A finding about the input itself (category and rule `unparsed-input`): a file that cannot be parsed, a file
 * that was skipped, or a policy whose text is out of reach. `subject` keeps the fingerprint stable across edits.
 */
export function inputFinding(file: string, range: Range, severity: Severity, message: string, subject = message): Finding {
  return buildFinding(file, range, {
    ruleId: "unparsed-input",
    category: "unparsed-input",
    severity,
    message,
    source: "local",
    fingerprint: fingerprintOf("unparsed-input", file, subject),
  });
}

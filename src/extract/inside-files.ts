/**
 * Positions always inside the file (issue #12): every finding's range is clamped to the lines and columns of the
 * file it is about, in the one line model of `lines.ts`, so no parser's end-of-file quirk reaches a report.
 */
import type { Finding, SourceFile } from "../types.ts";
import { clampRange, lineLengths } from "./lines.ts";

/** The findings with ranges clamped into their files; a fix outside its file is dropped. */
export function insideFiles<T extends Finding>(findings: readonly T[], files: readonly SourceFile[]): T[] {
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const lengths = new Map<string, number[]>();
  return findings.map((finding) => {
    const text = texts.get(finding.file);
    if (text === undefined) return finding;
    let lines = lengths.get(finding.file);
    if (!lines) lengths.set(finding.file, (lines = lineLengths(text)));
    const clamped = clampRange(finding, lines);
    if (clamped.fix && (clamped.fix.line < 1 || clamped.fix.endLine > lines.length || clamped.fix.endLine < clamped.fix.line)) {
      const rest = { ...clamped };
      delete rest.fix;
      return rest;
    }
    return clamped;
  });
}

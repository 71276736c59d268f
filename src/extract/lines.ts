/**
 * The one line model every parser and rule shares (issue #12), git's and GitHub's: a line ends at `\n` (a `\r`
 * before it belongs to the line break, a lone `\r` is an ordinary character, as YAML and tree-sitter read it;
 * momoa's own line count, which breaks at a lone `\r`, is replaced by this one). Columns are 1-based UTF-16 code
 * units and `endColumn` is one past the last character. `clampRange` keeps any reported range inside the file.
 */
import type { Range } from "../types.ts";

/** The offset where each line starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The length of each line without its `\n` (a `\r` before it counts, as it does for every parser). */
export function lineLengths(text: string): number[] {
  const starts = lineStarts(text);
  return starts.map((start, index) => (starts[index + 1] ?? text.length + 1) - 1 - start);
}

/** Offset → 1-based line and column. */
export function positionIn(starts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}

/**
 * The range moved inside a file whose lines have these lengths: lines within 1..lines, columns within
 * 1..length + 1, and the end never before the start. A range already inside is returned as it is.
 */
export function clampRange<T extends Range>(range: T, lengths: readonly number[]): T {
  const lastLine = Math.max(1, lengths.length);
  const fitLine = (line: number): number => (Number.isFinite(line) ? Math.min(Math.max(1, Math.trunc(line)), lastLine) : 1);
  const fitColumn = (line: number, column: number): number =>
    Number.isFinite(column) ? Math.min(Math.max(1, Math.trunc(column)), (lengths[line - 1] ?? 0) + 1) : 1;
  const line = fitLine(range.line);
  const column = fitColumn(line, range.column);
  let endLine = fitLine(range.endLine);
  let endColumn = fitColumn(endLine, range.endColumn);
  if (endLine < line || (endLine === line && endColumn < column)) {
    endLine = line;
    endColumn = column;
  }
  if (line === range.line && column === range.column && endLine === range.endLine && endColumn === range.endColumn) return range;
  return { ...range, line, column, endLine, endColumn };
}

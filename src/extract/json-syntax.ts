/**
 * Says where and why a policy written as JSON text is broken, in terms a person fixes: a trailing comma is
 * pointed at itself (the parser stops on the bracket after it, often a line later).
 */
import type { Range } from "../types.ts";

/** The range and message of a JSON syntax error, with a trailing comma pointed at. `range` is in `text`'s file. */
export function describeJsonError(text: string | undefined, range: Range, message: string): { range: Range; detail: string } {
  if (text === undefined) return { range, detail: message };
  const lines = text.split("\n");
  const line = lines[range.line - 1];
  const char = line?.[range.column - 1];
  if (char !== "]" && char !== "}") return { range, detail: message };
  // Walk back over blanks to the previous character.
  let l = range.line - 1;
  let c = range.column - 2;
  for (let steps = 0; steps < 10_000; steps++) {
    while (c < 0 && l > 0) {
      l--;
      c = lines[l]!.length - 1;
    }
    if (c < 0) break;
    const previous = lines[l]![c]!;
    if (previous === ",") {
      return { range: { line: l + 1, column: c + 1, endLine: l + 1, endColumn: c + 2 }, detail: `a trailing comma before "${char}"` };
    }
    if (!/\s/.test(previous)) break;
    c--;
  }
  return { range, detail: message };
}

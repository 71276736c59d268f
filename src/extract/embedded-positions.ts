/**
 * Positions inside a policy written as JSON text in a template: a YAML literal block scalar (`PolicyDocument: |`)
 * or a one-line string without escapes. A finding then points at `"AWS": "*"` inside the text, not at the key.
 */
import type { Range } from "../types.ts";

/**
 * Maps a range in `node.value` (1-based line and column of the value itself) to the file, or undefined when the
 * value is not the file's text verbatim (escapes, folding, substitutions): every line is checked.
 */
export function embeddedPositions(fileText: string, node: { value: string; range: Range }): ((range: Range) => Range) | undefined {
  const lines = fileText.split("\n");
  const start = node.range;
  const first = lines[start.line - 1];
  if (first === undefined) return undefined;
  const head = first.slice(start.column - 1);
  const valueLines = node.value.replace(/\n$/, "").split("\n");
  if (/^\|[-+0-9]*\s*(#.*)?$/.test(head)) {
    // A literal block: the value's line i is the file's line start.line + 1 + i, less the block's indentation.
    const content = lines.slice(start.line, start.line + valueLines.length).map((l) => l.replace(/\r$/, ""));
    const sample = content.find((l) => l.trim() !== "");
    if (sample === undefined) return undefined;
    const indent = sample.length - sample.trimStart().length;
    const same = valueLines.every(
      (text, i) => (content[i] ?? "").slice(indent) === text || (text === "" && (content[i] ?? "").trim() === ""),
    );
    if (!same) return undefined;
    const at = (line: number, column: number) => ({ line: start.line + line, column: column + indent });
    return (r) => {
      const a = at(r.line, r.column);
      const b = at(r.endLine, r.endColumn);
      return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
    };
  }
  if (valueLines.length === 1 && start.line === start.endLine) {
    const quote = head[0] === '"' || head[0] === "'" ? 1 : 0;
    if (head.slice(quote, quote + node.value.length) !== node.value) return undefined;
    const offset = start.column - 1 + quote;
    return (r) => ({ line: start.line, column: r.column + offset, endLine: start.line, endColumn: r.endColumn + offset });
  }
  return undefined;
}

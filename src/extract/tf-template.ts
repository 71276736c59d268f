/**
 * Terraform string templates: decoding quoted strings and heredocs, and parsing JSON written inside them with
 * positions mapped back to the file. Each decoded UTF-16 unit remembers the source span it came from, so escapes
 * (`\"`, `$${`) and interpolations (`${var.x}`) keep exact positions.
 */
import type { Range } from "../types.ts";
import { parseJson, type ParseResult } from "./json.ts";
import type { TemplatePart } from "./tf-hcl.ts";

/** Decoded text plus, for each UTF-16 unit, the source span `[starts[i], ends[i])` it came from. */
export interface MappedText {
  text: string;
  starts: number[];
  ends: number[];
}

/** How template text is unescaped: quoted strings know backslash escapes, heredocs and template files do not. */
export type TemplateMode = "quoted" | "heredoc";

class MappedBuilder {
  private readonly chunks: string[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  push(value: string, start: number, end: number): void {
    this.chunks.push(value);
    for (let i = 0; i < value.length; i++) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  /** Appends source text one unit per unit (the common case: no escapes). */
  pushRaw(source: string, start: number, end: number): void {
    this.chunks.push(source.slice(start, end));
    for (let i = start; i < end; i++) {
      this.starts.push(i);
      this.ends.push(i + 1);
    }
  }

  append(mapped: MappedText): void {
    this.chunks.push(mapped.text);
    for (let i = 0; i < mapped.text.length; i++) {
      this.starts.push(mapped.starts[i]!);
      this.ends.push(mapped.ends[i]!);
    }
  }

  build(): MappedText {
    return { text: this.chunks.join(""), starts: this.starts, ends: this.ends };
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** Decodes the literal text `source[start, end)`: `$${` → `${`, `%%{` → `%{`, and in quoted strings backslash escapes. */
function decodeText(source: string, start: number, end: number, mode: TemplateMode, out: MappedBuilder): void {
  let run = start;
  const flush = (upTo: number): void => {
    if (upTo > run) out.pushRaw(source, run, upTo);
  };
  for (let i = start; i < end; i++) {
    const ch = source[i];
    if ((ch === "$" || ch === "%") && source[i + 1] === ch && source[i + 2] === "{") {
      flush(i);
      out.push(ch, i, i + 2);
      run = i + 2;
      i++;
    } else if (ch === "\\" && mode === "quoted" && i + 1 < end) {
      flush(i);
      const next = source[i + 1]!;
      const simple = SIMPLE_ESCAPES[next];
      if (simple !== undefined) {
        out.push(simple, i, i + 2);
        run = i + 2;
        i++;
        continue;
      }
      const digits = next === "u" ? 4 : next === "U" ? 8 : 0;
      const hex = source.slice(i + 2, i + 2 + digits);
      if (digits > 0 && hex.length === digits && /^[0-9a-fA-F]+$/.test(hex)) {
        const code = Number.parseInt(hex, 16);
        const value = code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
        out.push(value, i, i + 2 + digits);
        run = i + 2 + digits;
        i += 1 + digits;
        continue;
      }
      run = i; // an invalid escape is kept as written
    }
  }
  flush(end);
}

/** The decoded value of a template that has no interpolations, with its map. */
export function decodeTemplate(source: string, parts: readonly TemplatePart[], mode: TemplateMode): MappedText {
  const out = new MappedBuilder();
  for (const part of parts) {
    if (part.kind === "text") decodeText(source, part.start, part.end, mode, out);
    else out.pushRaw(source, part.start, part.end);
  }
  return out.build();
}

/** Marks interpolation number `index` inside JSON text; private-use characters cannot clash with real policies. */
export function markerOf(index: number): string {
  return `\ue000${index}\ue001`;
}

export const MARKER_PATTERN = /\ue000(\d+)\ue001/g;

/** Line starts as momoa counts lines (`\r\n`, `\r` and `\n` each end a line). */
function jsonLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * Parses JSON written in a template. Interpolations and directives become marker strings (inside a JSON string
 * the marker is spliced into it; elsewhere it is quoted, so `"Resource": ${jsonencode(var.arns)}` still parses);
 * the caller replaces markers using `parts[index]`. `toRange` turns source offsets into a file range.
 */
export function parseTemplateJson(
  source: string,
  parts: readonly TemplatePart[],
  mode: TemplateMode,
  toRange: (start: number, end: number) => Range,
): ParseResult {
  const out = new MappedBuilder();
  let inString = false;
  let escaped = false;
  parts.forEach((part, index) => {
    if (part.kind === "text") {
      const chunk = new MappedBuilder();
      decodeText(source, part.start, part.end, mode, chunk);
      const built = chunk.build();
      out.append(built);
      // Track whether the text so far ends inside a JSON string; one pass over each chunk keeps this linear.
      for (const ch of built.text) {
        if (escaped) escaped = false;
        else if (inString && ch === "\\") escaped = true;
        else if (ch === '"') inString = !inString;
      }
    } else {
      out.push(inString ? markerOf(index) : `"${markerOf(index)}"`, part.start, part.end);
    }
  });
  const { text, starts, ends } = out.build();
  const lineStarts = jsonLineStarts(text);
  const offsetOf = (line: number, column: number): number => Math.min(text.length, (lineStarts[line - 1] ?? text.length) + column - 1);
  const at = (range: Range): Range => {
    const from = offsetOf(range.line, range.column);
    const to = offsetOf(range.endLine, range.endColumn);
    const sourceStart = from < starts.length ? starts[from]! : (ends[ends.length - 1] ?? 0);
    const sourceEnd = to > from ? ends[to - 1]! : sourceStart;
    return toRange(sourceStart, Math.max(sourceStart, sourceEnd));
  };
  return parseJson(text, at);
}

/** The expression text of an interpolation or directive part (`${ var.x }` → `var.x`). */
export function partExpression(source: string, part: TemplatePart): string {
  const inner = source.slice(part.start + 2, part.end - 1).trim();
  return inner.replace(/^~\s*/, "").replace(/\s*~$/, "") || "unresolved";
}

/**
 * Splits the text of a template file (`templatefile(...)`) into literal text, `${...}` and `%{...}`, the way the
 * tree-sitter grammar splits an inline template. `$${` and `%%{` are escapes and stay text. Linear.
 */
export function scanTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ((ch !== "$" && ch !== "%") || text[i + 1] === undefined) continue;
    if (text[i + 1] === ch && text[i + 2] === "{") {
      i += 2;
      continue;
    }
    if (text[i + 1] !== "{") continue;
    let depth = 0;
    let quoted = false;
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text[j];
      if (quoted) {
        if (c === "\\") j++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) break;
    }
    if (j >= text.length) break; // unterminated: the rest is text
    if (i > cursor) parts.push({ kind: "text", start: cursor, end: i });
    parts.push(ch === "$" ? { kind: "interpolation", start: i, end: j + 1, expr: undefined } : { kind: "directive", start: i, end: j + 1 });
    cursor = j + 1;
    i = j;
  }
  if (cursor < text.length) parts.push({ kind: "text", start: cursor, end: text.length });
  return parts;
}

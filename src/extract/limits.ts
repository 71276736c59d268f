/**
 * Cheap guards run before any parser sees a file, so hostile input fails fast with a clear finding.
 */
import type { Range } from "../types.ts";

/** Files larger than this are skipped with a note (issue #3). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Terraform files larger than this are not parsed (issue #12): tree-sitter and the syntax tree take about 500
 * bytes of memory per byte of HCL, so a 2 MB file would push the process past 600 MB. Hand-written modules stay
 * far below it; a file this large is generated, and says so in a note.
 */
export const MAX_TERRAFORM_FILE_BYTES = 512 * 1024;

/** Flow nesting (`[`/`{`) deeper than this is refused before parsing; real policies nest < 10 levels. */
export const MAX_BRACKET_DEPTH = 200;

/** Whether the bytes look binary: a NUL byte in the first 8 KiB, as git decides. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8192);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/**
 * Finds the first place where `[`/`{` nesting exceeds `limit`, skipping double- and single-quoted strings
 * and `#` comments (JSON, YAML flow style and HCL share these), in one linear pass. Returns its position or undefined.
 */
export function excessiveNesting(text: string, limit = MAX_BRACKET_DEPTH): Range | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) {
      line++;
      lineStart = i + 1;
      quote = ""; // counting is approximate across multi-line strings; it only has to catch absurd depths
      continue;
    }
    if (quote !== "") {
      if (ch === 92 && quote === '"')
        i++; // backslash escape
      else if (text[i] === quote) quote = "";
      continue;
    }
    if (ch === 35 && (i === lineStart || text.charCodeAt(i - 1) === 32)) {
      const next = text.indexOf("\n", i);
      i = next === -1 ? text.length : next - 1; // a `#` comment (YAML, HCL)
    } else if (ch === 34 || ch === 39) {
      quote = text[i]!;
    } else if (ch === 91 || ch === 123) {
      depth++;
      if (depth > limit) {
        const column = i - lineStart + 1;
        return { line, column, endLine: line, endColumn: column + 1 };
      }
    } else if (ch === 93 || ch === 125) {
      if (depth > 0) depth--;
    }
  }
  return undefined;
}

/**
 * PyYAML, and so cfn-lint, SAM and the AWS CLI, accept a multi-line quoted scalar or flow collection whose
 * continuation lines are indented no deeper than its key (`UserData: !Sub '{` with the JSON below at column 1;
 * `Policy: {` with `"Version"` under the key). The `yaml` package follows YAML 1.2 and rejects both, so the file
 * would go unanalysed (issue #10: seven EC2 client templates hid an `iam:*` on `*`). This re-indents the
 * continuation lines of the one scalar or collection an error points at, which changes no value (folding drops
 * a continuation line's leading spaces; flow collections ignore them) and no line number: only columns on those
 * lines move.
 */

/** Error messages of the `yaml` package that this can repair. */
const QUOTE = /^Missing closing (['"])quote/;
const FLOW = /^Flow (map|sequence) in block collection must be sufficiently indented/;

/**
 * The text with the continuation lines of the scalar or flow collection the error is about indented one column
 * deeper than its key, or undefined when the error is of another kind or nothing can be repaired.
 */
export function reindentContinuation(text: string, message: string, offset: number): string | undefined {
  let open: number;
  const quote = QUOTE.exec(message)?.[1];
  if (quote !== undefined) {
    // Reported where the scalar stops being indented enough: the opening quote is the nearest one before (a
    // doubled `''` is an escaped quote inside the scalar).
    open = text.lastIndexOf(quote, offset);
    while (open > 0 && quote === "'" && text[open - 1] === "'") open = text.lastIndexOf(quote, open - 2);
    if (open < 0) return undefined;
  } else if (FLOW.test(message)) {
    // Reported at the under-indented line: the opening bracket is the nearest unmatched one before it.
    const [o, c] = message.includes("map") ? ["{", "}"] : ["[", "]"];
    let depth = 0;
    for (open = offset - 1; open >= 0; open--) {
      if (text[open] === c) depth++;
      else if (text[open] === o && depth-- === 0) break;
    }
    if (open < 0) return undefined;
  } else return undefined;
  const close = closingOf(text, open);
  if (close === undefined) return undefined;
  const lineStart = text.lastIndexOf("\n", open - 1) + 1;
  const keyIndent = /^[ \t-]*/.exec(text.slice(lineStart, open))![0].length;
  let changed = false;
  const head = text.slice(0, lineStart);
  const body = text.slice(lineStart, close + 1).split("\n");
  for (let i = 1; i < body.length; i++) {
    const indent = /^ */.exec(body[i]!)![0].length;
    if (body[i]!.trim() === "" || indent > keyIndent) continue;
    body[i] = " ".repeat(keyIndent + 1 - indent) + body[i];
    changed = true;
  }
  return changed ? head + body.join("\n") + text.slice(close + 1) : undefined;
}

/** The offset of the quote or bracket that closes the one at `open`, skipping quoted text inside brackets. */
function closingOf(text: string, open: number): number | undefined {
  const first = text[open]!;
  if (first === "'" || first === '"') return quoteEnd(text, open);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      const end = quoteEnd(text, i);
      if (end === undefined) return undefined;
      i = end;
    } else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") {
      if (--depth === 0) return i;
    }
  }
  return undefined;
}

function quoteEnd(text: string, open: number): number | undefined {
  const q = text[open]!;
  for (let i = open + 1; i < text.length; i++) {
    if (q === '"' && text[i] === "\\") i++;
    else if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return undefined;
}

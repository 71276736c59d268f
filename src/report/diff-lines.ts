/**
 * Which lines of a pull request file a review comment may target (issue #6). GitHub accepts a review comment on
 * the RIGHT (head) side only on a line inside one of the diff's hunks, added or context, and rejects the whole
 * review with 422 when one comment misses; so every inline comment is placed through this set. Pure.
 */
import { parsePatch } from "diff";

export interface CommentableLines {
  /** Head-side line numbers (1-based) inside the hunks: added and context lines. */
  right: Set<number>;
  /**
   * The head-side line range of each hunk, in patch order. A multi-line comment must start and end in the same
   * hunk (GitHub: "start_line must be part of the same hunk as the line").
   */
  hunks: Array<{ start: number; end: number }>;
  /** The head-side text of each line in {@link right} (without its line ending), to build a suggestion over them. */
  text: Map<number, string>;
}

/**
 * The RIGHT-side lines of `patch`, a unified diff as `pulls.listFiles` returns it (hunks only, starting at `@@`,
 * without `---`/`+++` headers; those are accepted too).
 *
 * An undefined or empty patch (binary file, diff too large for GitHub to include, rename without changes) has no
 * commentable line. So does a patch `diff` cannot parse: no inline comment is better than a review GitHub rejects,
 * and the finding still reaches the check run as an annotation.
 */
export function commentableLines(patch: string | undefined): CommentableLines {
  const right = new Set<number>();
  const hunks: CommentableLines["hunks"] = [];
  const text = new Map<number, string>();
  if (!patch) return { right, hunks, text };
  let parsed;
  try {
    // The hunks are parsed the same with or without file headers; CRLF files keep their "\r" in each line.
    parsed = parsePatch(patch);
  } catch {
    return { right, hunks, text };
  }
  for (const file of parsed) {
    for (const hunk of file.hunks) {
      let line = hunk.newStart;
      for (const lineText of hunk.lines) {
        const marker = lineText[0];
        if (marker === "+" || marker === " ") {
          text.set(line, lineText.slice(1).replace(/\r$/, ""));
          right.add(line++);
        }
        // "-" lines exist only on the LEFT; "\ No newline at end of file" belongs to the line before it.
      }
      if (line > hunk.newStart) hunks.push({ start: hunk.newStart, end: line - 1 });
    }
  }
  return { right, hunks, text };
}

/**
 * Placeholder tokens for values the extractors cannot resolve statically.
 *
 * A token is `{{expression}}`: readable in messages, never equal to `*`, and containing no `*` or `?`, so a
 * wildcard matcher treats it as literal text. IAM policy variables use `${...}` and are left alone.
 */

const MAX_EXPRESSION_LENGTH = 120;

/** Matches one placeholder token. */
export const PLACEHOLDER_PATTERN = /\{\{[^{}]*\}\}/g;

/** Turns a source expression into the token that stands for it in the document. */
export function placeholderToken(expression: string): string {
  let text = expression.replace(/[{}*?\r\n]+/g, " ").replace(/\s+/g, " ").trim();
  if (text.length > MAX_EXPRESSION_LENGTH) text = `${text.slice(0, MAX_EXPRESSION_LENGTH - 1)}…`;
  return `{{${text || "unresolved"}}}`;
}

/** Whether the string contains at least one placeholder token. */
export function hasPlaceholder(value: string): boolean {
  return value.includes("{{") && /\{\{[^{}]*\}\}/.test(value);
}

/** Whether the whole string is exactly one placeholder token. */
export function isPlaceholder(value: string): boolean {
  return /^\{\{[^{}]*\}\}$/.test(value);
}

/** An expression shortened for a one-line message: whitespace folded, at most `max` characters. */
export function shortExpression(expression: string, max = 80): string {
  const folded = expression.replace(/\s+/g, " ").trim();
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}

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
  let text = expression
    .replace(/[{}*?\r\n]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (text.length > MAX_EXPRESSION_LENGTH) text = `${text.slice(0, MAX_EXPRESSION_LENGTH - 1)}…`;
  return `{{${text || "unresolved"}}}`;
}

/**
 * Template placeholders authors leave in policies for a value to be filled in: `<my-corporate-cidr>`,
 * `##account##`, `%{Source.Arn}` (SAM connector profiles), `${AWS::AccountId}` or `${BucketName}` outside a
 * `!Sub` (IAM policy variables always have a colon: `${aws:username}`; `${*}`, `${?}`, `${$}` are escapes),
 * `{account_id}`, `[MAX_SIGNATURE_AGE]`, `_S3_BUCKET_ARN_`, `$ACCOUNT_ID`. None of these characters can be part
 * of an ARN, action or condition key, so they stand for a value rather than being one (issue 10).
 */
export const TEMPLATE_PLACEHOLDER_PATTERN =
  /<[A-Za-z][\w .:/-]{0,80}>|##[\w.-]{1,80}##|%\{[\w.:-]{1,80}\}|\$\{AWS::[A-Za-z]{1,40}\}|\$\{[A-Za-z_][\w.-]{0,80}\}|(?<![{$])\{[A-Za-z_][\w.-]{0,80}\}(?!\})|\[[A-Z][A-Z0-9_]{2,80}\]|(?<![A-Za-z0-9_])__?[A-Z][A-Z0-9_]{1,80}[A-Z0-9]__?(?![A-Za-z0-9_])|\$[A-Z][A-Z0-9_]{2,80}(?![\w{])/g;

/**
 * Replaces the template placeholders in a string with placeholder tokens, so every rule treats them as
 * unresolved values; `found` receives each one replaced.
 */
export function replaceTemplatePlaceholders(value: string, found: (placeholder: string, token: string) => void): string {
  // Cheap pre-check: every pattern has one of these characters.
  if (!/[<#%${[_]/.test(value)) return value;
  return value.replace(TEMPLATE_PLACEHOLDER_PATTERN, (match) => {
    const token = placeholderToken(match);
    found(match, token);
    return token;
  });
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

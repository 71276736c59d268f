/**
 * Masking of credentials in everything the tool reports (issue #12): whichever rule reports a value — an action,
 * a condition key, a file name, a suggested fix — a value that looks like an AWS credential is shown as its first
 * four characters and an ellipsis, never in full. One module, called where findings are built (the engine), where
 * Access Analyzer's findings are merged, and on every rendered CLI output as a last line of defence.
 *
 * Every pattern runs in linear time: each starts at the start of a run (a negative lookbehind) and has no nested
 * quantifier, so a run is matched once.
 */
import type { Finding } from "../types.ts";

/**
 * An access key id (user, temporary, service-specific); AWS's documented examples end in `EXAMPLE`. No word
 * boundaries: a value built by concatenation (`!Join ["", [key, "arn:..."]]`) glues a key to its neighbours.
 */
const ACCESS_KEY_ID = /(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/g;

/**
 * A run of base64 at least as long as a secret access key (40; session tokens are longer). Longer runs count too:
 * a secret followed by `/` in an ARN (`arn:aws:s3:::<secret>/*`) is one run with the slash.
 */
const BASE64_RUN = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40,}={0,2}(?![A-Za-z0-9/+=])/g;

/** Random base64 of these lengths practically always mixes upper case, lower case and digits; words and paths do not. */
function looksRandom(value: string): boolean {
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value);
}

function isExample(value: string): boolean {
  return value.endsWith("EXAMPLE") || value.endsWith("EXAMPLEKEY");
}

/** Never the credential itself: its first four characters and an ellipsis. */
function masked(value: string): string {
  return `${value.slice(0, 4)}…`;
}

/** The text with every value that looks like an AWS credential masked. */
export function maskCredentials(text: string): string {
  // Cheap pre-checks: most messages hold neither an `A..A` key id nor a long base64 run.
  let out = text;
  if (/A[KSBC][IC]A/.test(out)) out = out.replace(ACCESS_KEY_ID, (id) => (isExample(id) ? id : masked(id)));
  if (out.length >= 40) out = out.replace(BASE64_RUN, (run) => (looksRandom(run) && !isExample(run) ? masked(run) : run));
  return out;
}

/** Whether the text holds a value that `maskCredentials` would mask. */
export function containsCredential(text: string): boolean {
  return maskCredentials(text) !== text;
}

/**
 * A finding with every reported value masked: message and policy origin. A suggested fix whose text would carry
 * a credential is dropped: a suggestion must not copy a credential, and a masked one would break the code. The
 * file path stays as it is (the App posts comments at it); rendered CLI output is masked whole (`maskCredentials`).
 */
export function maskFinding<T extends Finding>(finding: T): T {
  const message = maskCredentials(finding.message);
  const origin = finding.origin === undefined ? undefined : maskCredentials(finding.origin);
  const leakyFix =
    finding.fix !== undefined && (containsCredential(finding.fix.replacement) || containsCredential(finding.fix.description));
  if (message === finding.message && origin === finding.origin && !leakyFix) return finding;
  const out: T = { ...finding, message };
  if (origin !== undefined) out.origin = origin;
  if (leakyFix) delete out.fix;
  return out;
}

/** Every finding masked (see `maskFinding`). */
export function maskFindings<T extends Finding>(findings: readonly T[]): T[] {
  return findings.map(maskFinding);
}

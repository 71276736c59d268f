/**
 * The per-file boundary (issue #12): an unexpected exception in an extractor or a rule is a bug in the tool, and
 * it must cost the scan one file (or one policy), never the whole report. The exception becomes an
 * `unparsed-input` finding that names the extractor or rule, and the scan goes on.
 */
import type { Finding, Range } from "../types.ts";
import { inputFinding, WHOLE_FILE } from "../findings.ts";
import { maskCredentials } from "../util/mask.ts";

/** How much of an exception's message a finding quotes (it may echo input). */
const MAX_ERROR_EXCERPT = 120;

/** An exception's message as a short, single-line, masked excerpt. */
export function errorExcerpt(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = "unprintable exception"; // e.g. a thrown object whose toString throws
  }
  text = maskCredentials(text.replace(/[\p{Cc}\s]+/gu, " ").trim());
  return text.length > MAX_ERROR_EXCERPT ? `${text.slice(0, MAX_ERROR_EXCERPT - 1)}…` : text;
}

/** The finding for a bug met while `component` (e.g. "the CloudFormation extractor", "rule valid-action") read a file. */
export function bugFinding(file: string, component: string, error: unknown, range: Range = WHOLE_FILE): Finding {
  const message =
    `${capitalise(component)} failed on this file (${errorExcerpt(error)}), so it was not fully analysed. ` +
    "This is a bug in the tool; please report it.";
  return inputFinding(file, range, "warning", message, `bug ${component}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

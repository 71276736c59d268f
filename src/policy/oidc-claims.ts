/**
 * Matching OpenID Connect trust conditions against the providers' claim tables (src/data/oidc-providers.ts):
 * the issuer a Federated principal names, its known provider, and where a `StringLike` wildcard falls in a
 * structured claim value. Pure.
 */
import { hasPlaceholder, PLACEHOLDER_PATTERN } from "../extract/placeholder.ts";
import { matchesWildcard } from "../iam/index.ts";
import { type ClaimField, OIDC_PROVIDERS, type OidcProvider } from "../data/oidc-providers.ts";

/** The issuer named by a Federated principal: the part after `oidc-provider/`, or the bare provider name. */
export function issuerOf(federated: string): string {
  // Not `[^:]*` for the account: an unresolved account (`{{AWS::AccountId}}`) contains colons.
  const match = /^arn:.*?:oidc-provider\/(.+)$/.exec(federated);
  return match ? match[1]! : federated;
}

/** The known provider an issuer belongs to; placeholders in the issuer match any text. */
export function providerOf(issuer: string): OidcProvider | undefined {
  const text = issuer.replace(/^https:\/\//i, "");
  const candidate = hasPlaceholder(text) ? text.replace(PLACEHOLDER_PATTERN, "x") : text;
  return OIDC_PROVIDERS.find((p) => p.issuer.test(candidate));
}

/**
 * Whether a condition key's issuer part is the given issuer (case-insensitively). Unresolved parts on either
 * side match anything: `{{aws_iam_openid_connect_provider.eks.url}}:sub` is taken to be about this provider.
 */
export function sameIssuer(keyIssuer: string, issuer: string): boolean {
  if (hasPlaceholder(keyIssuer)) return true;
  const pattern = issuer.replace(PLACEHOLDER_PATTERN, "*");
  return matchesWildcard(pattern, keyIssuer, { ignoreCase: true });
}

/** How a claim value constrains tokens. */
export type ClaimVerdict =
  | { kind: "pinned" }
  /** The value cannot be read (an unresolved part before the wildcard, or a format we do not know). */
  | { kind: "unknown" }
  /** A wildcard in an owner part: tokens from owners anyone can create match. */
  | { kind: "any-owner"; field: ClaimField }
  /** The whole part is a wildcard: every `field` of `within` matches. */
  | { kind: "any-in"; field: ClaimField; within: string }
  /** The part starts with a literal and ends in a wildcard: other names with that prefix match. */
  | { kind: "prefix"; field: ClaimField };

const WILDCARD = /[*?]/;

/**
 * Places the first wildcard of a `StringLike` value among the claim's fields. A value with no wildcard, or whose
 * wildcard comes after the fields that identify the workload (`repo:o/r:*` for any branch), is pinned.
 */
export function classifyClaimValue(value: string, fields: readonly ClaimField[], scope: string): ClaimVerdict {
  const wildcard = value.search(WILDCARD);
  if (wildcard === -1) return { kind: "pinned" };
  const placeholder = value.indexOf("{{");
  if (placeholder !== -1 && placeholder < wildcard && hasPlaceholder(value)) return { kind: "unknown" };

  let pos = 0;
  let previous = scope;
  const verdict = (field: ClaimField, whole: boolean): ClaimVerdict => {
    if (field.owner) return { kind: "any-owner", field };
    return whole ? { kind: "any-in", field, within: previous } : { kind: "prefix", field };
  };
  for (const [index, field] of fields.entries()) {
    for (const char of field.lead) {
      if (pos === wildcard) return verdict(field, true);
      if (value[pos] !== char) return { kind: "unknown" };
      pos++;
    }
    const start = pos;
    const endAt = field.end === "" ? -1 : value.indexOf(field.end, pos);
    const stop = endAt === -1 ? value.length : endAt;
    if (wildcard < stop) {
      const content = value.slice(start, stop);
      const whole = /^[*?]+$/.test(content);
      // `project:*:workspace:w`: the wildcard is confined to an optional part and the rest still pins.
      if (whole && field.optional && endAt !== -1 && index < fields.length - 1) {
        const rest = value.slice(endAt + field.end.length);
        return classifyClaimValue(rest, fields.slice(index + 1), previous);
      }
      return verdict(field, whole);
    }
    if (endAt === -1) return { kind: "pinned" };
    previous = value.slice(start, stop);
    pos = endAt + field.end.length;
  }
  return { kind: "pinned" };
}

/**
 * Whether a statement's conditions narrow who can use it: shared by the rules on public, cross-account and
 * service principals, so they agree on what a narrowing condition is.
 */
import type { JsonValue } from "../types.ts";
import { statementsOf, type StatementRef } from "../extract/document.ts";
import { hasPlaceholder } from "../extract/placeholder.ts";
import { hasWildcard, matchesWildcard } from "../iam/index.ts";
import { actionsOf, conditionsOf, isDeny, principalsOf, resourcesOf } from "./statements.ts";
import { operatorParts } from "./condition-operators.ts";

/**
 * What the values of a condition key must look like for the condition to narrow who can use a grant:
 * an account id, an ARN whose account is pinned, an organization id or path, an IP range, a VPC or endpoint id,
 * a principal's unique id, any non-wildcard text, or `true` (MFA present).
 */
export type NarrowingKind = "account" | "arn" | "org" | "org-path" | "ip" | "id" | "userid" | "text" | "mfa" | "service";

export interface Narrowing {
  narrowed: boolean;
  /** When not narrowed: the first condition on a narrowing key that fails to narrow, and why (for the message). */
  defeated?: { key: string; reason: string };
}

const OPERATORS: Record<NarrowingKind, readonly string[]> = {
  account: ["stringequals", "stringequalsignorecase", "stringlike"],
  org: ["stringequals", "stringequalsignorecase", "stringlike"],
  "org-path": ["stringequals", "stringequalsignorecase", "stringlike"],
  id: ["stringequals", "stringequalsignorecase", "stringlike"],
  userid: ["stringequals", "stringequalsignorecase", "stringlike"],
  text: ["stringequals", "stringequalsignorecase", "stringlike"],
  arn: ["arnequals", "arnlike", "stringequals", "stringlike"],
  ip: ["ipaddress"],
  mfa: ["bool"],
  service: ["bool"],
};

/** Operators whose values are IAM wildcards (`ArnEquals` matches wildcards too; `StringEquals` does not). */
const WILDCARD_OPERATORS = new Set(["stringlike", "arnequals", "arnlike"]);

const ONLY_WILDCARDS = /^[*?]*$/;

/** Whether an ARN pattern pins the account (or, for account-less ARNs such as S3 buckets, the resource name). */
function arnNarrows(value: string): boolean {
  if (!hasWildcard(value)) return true;
  const parts = value.split(":");
  if (parts.length < 6) return false;
  const account = parts[4]!;
  if (account !== "") return !hasWildcard(account);
  const name = parts.slice(5).join(":").split("/")[0]!;
  return name !== "" && !hasWildcard(name);
}

function valueNarrows(kind: NarrowingKind, value: string, wildcards: boolean): boolean {
  // An unresolved value is unknown: it most likely names an account or resource, and is never taken as `*`.
  if (hasPlaceholder(value)) return true;
  switch (kind) {
    case "arn":
      return wildcards ? arnNarrows(value) : value !== "";
    case "ip":
      return !["0.0.0.0/0", "::/0"].includes(value.trim());
    case "mfa":
    case "service":
      return value.toLowerCase() === "true";
    case "text":
      return wildcards ? !ONLY_WILDCARDS.test(value) : value !== "";
    case "org-path": {
      const org = value.split("/")[0]!;
      return org !== "" && !(wildcards && hasWildcard(org));
    }
    case "userid": {
      const id = value.split(":")[0]!;
      return id !== "" && !(wildcards && hasWildcard(id));
    }
    case "account":
    case "org":
    case "id":
      return value !== "" && !(wildcards && hasWildcard(value));
  }
}

/** Why an operator cannot narrow, or undefined when it can for this kind of key. */
function operatorWeakness(operator: string, kind: NarrowingKind): string | undefined {
  const parts = operatorParts(operator);
  if (parts.qualifier === "ForAllValues") return `"${operator}" is true when the request has no value for the key`;
  if (parts.ifExists) return `"${operator}" also matches requests that do not carry the key`;
  const base = parts.base.toLowerCase();
  if (base.includes("not")) return `"${operator}" allows every value it does not list`;
  if (base === "null") return `"${operator}" only tests whether the key is present`;
  if (!OPERATORS[kind].includes(base)) return `"${operator}" does not compare this key's values`;
  return undefined;
}

/**
 * Whether a statement's conditions narrow who can use it, judged by the keys `kindOf` accepts (it receives the
 * key in lower case). Conditions are ANDed, so one narrowing key suffices; the values of one key are ORed, so
 * every value must narrow. `IfExists`, `ForAllValues:` and negated operators never narrow, nor do values that
 * are wildcards where the operator evaluates them (`StringLike "*"`). `ForAnyValue:` is false when the key is
 * absent, so it narrows like the plain operator.
 */
export function conditionNarrowing(ref: StatementRef, kindOf: (lowerKey: string) => NarrowingKind | undefined): Narrowing {
  let defeated: Narrowing["defeated"];
  for (const entry of conditionsOf(ref)) {
    const kind = kindOf(entry.key.toLowerCase());
    if (!kind) continue;
    const weakness = operatorWeakness(entry.operator, kind);
    if (weakness) {
      defeated ??= { key: entry.key, reason: weakness };
      continue;
    }
    if (entry.values.length === 0) continue;
    const parts = operatorParts(entry.operator);
    const wildcards = parts.qualifier !== "ForAllValues" && !parts.ifExists && WILDCARD_OPERATORS.has(parts.base.toLowerCase());
    const wide = entry.values.find((v) => !valueNarrows(kind, v.value, wildcards));
    if (!wide) return { narrowed: true };
    defeated ??= { key: entry.key, reason: `"${wide.value}" matches requests from anyone` };
  }
  return defeated ? { narrowed: false, defeated } : { narrowed: false };
}

/**
 * Whether a condition limits which resources a grant reaches: a key `isNarrowingKey` accepts (it receives the key
 * in lower case), under an operator that fails when the key is absent (not `...IfExists`, not `ForAllValues:`,
 * which pass vacuously) and that is not negated (`StringNotEquals` excludes a few and allows the rest), with at
 * least one value that is not just `*`. A `Null` check narrows only when it requires the key (`"false"`).
 */
export function narrowsResources(ref: StatementRef, isNarrowingKey: (lowerKey: string) => boolean): boolean {
  return conditionsOf(ref).some((c) => {
    if (!isNarrowingKey(c.key.toLowerCase())) return false;
    const { base, ifExists, qualifier } = operatorParts(c.operator);
    if (ifExists || qualifier === "ForAllValues") return false;
    if (base === "Null") return c.values.some((v) => v.value === "false");
    if (/Not/.test(base)) return false;
    return c.values.some((v) => !/^\*+$/.test(v.value));
  });
}

/**
 * Whether the statement reaches only other accounts' resources: `StringNotEquals aws:ResourceAccount
 * ${aws:PrincipalAccount}` (the cross-account half of a data perimeter, as in AWS's SageMaker Studio boundary).
 * Those resources must grant the access in their own policies, so "every resource in the account" is not what
 * the statement allows (issue #10). Only the policy variable counts: a literal account id may not be the caller's.
 */
export function excludesOwnAccount(ref: StatementRef): boolean {
  return conditionsOf(ref).some((c) => {
    if (c.key.toLowerCase() !== "aws:resourceaccount") return false;
    const { base, ifExists, qualifier } = operatorParts(c.operator);
    if (ifExists || qualifier !== undefined || !/^StringNotEquals(IgnoreCase)?$/i.test(base)) return false;
    return c.values.length > 0 && c.values.every((v) => v.value.toLowerCase() === "${aws:principalaccount}");
  });
}

/**
 * The negated form of a narrowing condition, as a Deny states it: `StringNotEquals aws:PrincipalOrgID o-…`,
 * `StringNotEqualsIfExists aws:SourceVpce vpce-…`, `NotIpAddress aws:SourceIp …`, `BoolIfExists
 * aws:PrincipalIsAWSService false`. A Deny with such a condition refuses every request that does not meet the
 * positive condition; with the key absent a negated operator is true, so the Deny applies then too.
 */
function denyConditionNarrows(operator: string, key: string, values: readonly string[], kind: NarrowingKind): boolean {
  const lower = operator.toLowerCase().replace(/^foranyvalue:/, "");
  if (lower.startsWith("forallvalues:") || values.length === 0) return false;
  const base = lower.replace(/ifexists$/, "");
  if (kind === "service" || kind === "mfa") return base === "bool" && values.every((v) => v.toLowerCase() === "false");
  if (kind === "ip") return base === "notipaddress" && values.every((v) => valueNarrows("ip", v, false));
  const positive = base.replace("not", "");
  if (positive === base || !OPERATORS[kind].includes(positive)) return false;
  const wildcards = WILDCARD_OPERATORS.has(positive);
  return values.every((v) => valueNarrows(kind, v, wildcards));
}

/** Whether the Deny statement applies to every principal (no Principal element in identity-style policies). */
function denyCoversPrincipals(deny: StatementRef): boolean {
  if (deny.statement.Principal === undefined && deny.statement.NotPrincipal === undefined) return true;
  if (deny.statement.NotPrincipal !== undefined) return false;
  return principalsOf(deny).some((p) => p.value === "*" && (p.type === "*" || p.type === "AWS"));
}

/** Whether the Deny names every action the Allow grants (pattern for pattern: `*`, `s3:*`, `s3:Get*` …). */
function denyCoversActions(deny: StatementRef, allow: StatementRef): boolean {
  if (deny.statement.Action === undefined || allow.statement.Action === undefined) return false;
  const denied = actionsOf(deny).map((a) => a.value);
  const granted = actionsOf(allow);
  if (granted.length === 0 || granted.some((a) => a.unresolved)) return false;
  return granted.every((g) => denied.some((d) => d === "*" || matchesWildcard(d, g.value, { ignoreCase: true })));
}

/** Whether the Deny names every resource the Allow grants on (`*`, or a pattern covering each). */
function denyCoversResources(deny: StatementRef, allow: StatementRef): boolean {
  if (deny.statement.NotResource !== undefined) return false;
  const denied = resourcesOf(deny).map((r) => r.value);
  if (deny.statement.Resource === undefined) return allow.statement.Resource === undefined;
  if (denied.includes("*")) return true;
  const granted = resourcesOf(allow);
  if (allow.statement.NotResource !== undefined || granted.length === 0) return false;
  return granted.every((g) => denied.some((d) => d === g.value || matchesWildcard(d, g.value)));
}

/**
 * Whether an explicit Deny of the same policy takes away, from everyone who does not meet a narrowing condition,
 * all that an Allow statement grants: the private-API and data-perimeter pattern (`Allow` to `*`, then `Deny` the
 * same actions unless `aws:SourceVpce` / `aws:PrincipalOrgID` …). The Deny must cover every principal, action and
 * resource of the Allow, and every one of its conditions must be a negated narrowing condition (they are ANDed:
 * one unrelated condition, such as `aws:SecureTransport`, leaves the other requests allowed).
 */
export function denyNarrows(policy: JsonValue, allow: StatementRef, kindOf: (lowerKey: string) => NarrowingKind | undefined): boolean {
  for (const deny of statementsOf(policy)) {
    if (!isDeny(deny.statement) || deny.statement.Condition === undefined) continue;
    if (!denyCoversPrincipals(deny) || !denyCoversActions(deny, allow) || !denyCoversResources(deny, allow)) continue;
    const conditions = conditionsOf(deny);
    if (conditions.length === 0) continue;
    const allNarrow = conditions.every((c) => {
      const kind = kindOf(c.key.toLowerCase());
      return (
        kind !== undefined &&
        denyConditionNarrows(
          c.operator,
          c.key,
          c.values.map((v) => v.value),
          kind,
        )
      );
    });
    if (allNarrow) return true;
  }
  return false;
}

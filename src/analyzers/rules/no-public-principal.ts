import type { StatementRef } from "../../extract/document.ts";
import { hasPlaceholder } from "../../extract/placeholder.ts";
import { hasWildcard } from "../../iam/index.ts";
import { allowStatements, conditionsOf, principalsOf, type PrincipalEntry } from "../policy-model.ts";
import { defineRule } from "./define-rule.ts";

/**
 * What the values of a condition key must look like for the condition to narrow who can use a grant:
 * an account id, an ARN whose account is pinned, an organization id or path, an IP range, a VPC or endpoint id,
 * a principal's unique id, any non-wildcard text, or `true` (MFA present).
 */
export type NarrowingKind = "account" | "arn" | "org" | "org-path" | "ip" | "id" | "userid" | "text" | "mfa";

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
  const lower = operator.toLowerCase();
  if (lower.startsWith("forallvalues:")) return `"${operator}" is true when the request has no value for the key`;
  if (lower.endsWith("ifexists")) return `"${operator}" also matches requests that do not carry the key`;
  const base = lower.replace(/^foranyvalue:/, "");
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
    const wildcards = WILDCARD_OPERATORS.has(entry.operator.toLowerCase().replace(/^foranyvalue:/, ""));
    const wide = entry.values.find((v) => !valueNarrows(kind, v.value, wildcards));
    if (!wide) return { narrowed: true };
    defeated ??= { key: entry.key, reason: `"${wide.value}" matches requests from anyone` };
  }
  return defeated ? { narrowed: false, defeated } : { narrowed: false };
}

const NARROWING_KEYS: ReadonlyMap<string, NarrowingKind> = new Map<string, NarrowingKind>([
  ["aws:sourcearn", "arn"],
  ["aws:sourceaccount", "account"],
  ["aws:sourceowner", "account"],
  ["aws:sourceorgid", "org"],
  ["aws:sourceorgpaths", "org-path"],
  ["aws:principalorgid", "org"],
  ["aws:principalorgpaths", "org-path"],
  ["aws:principalaccount", "account"],
  ["aws:principalarn", "arn"],
  ["aws:sourcevpce", "id"],
  ["aws:sourcevpc", "id"],
  ["aws:sourcevpcarn", "arn"],
  ["aws:vpceaccount", "account"],
  ["aws:vpceorgid", "org"],
  ["aws:vpceorgpaths", "org-path"],
  ["aws:sourceip", "ip"],
  ["aws:userid", "userid"],
  ["kms:calleraccount", "account"],
  ["s3:dataaccesspointaccount", "account"],
]);

/** `"*"`, `{"AWS": "*"}`, `{"CanonicalUser": "*"}`, or an AWS principal ARN whose account is a wildcard. */
function isPublic(principal: PrincipalEntry): boolean {
  if (principal.unresolved) return false;
  if (principal.value === "*") return principal.type === "*" || principal.type === "AWS" || principal.type === "CanonicalUser";
  if (principal.type !== "AWS" || !principal.value.startsWith("arn:")) return false;
  const account = principal.value.split(":")[4];
  return account !== undefined && hasWildcard(account);
}

function display(principal: PrincipalEntry): string {
  return principal.type === "*" ? `"Principal": "${principal.value}"` : `{"${principal.type}": "${principal.value}"}`;
}

function weaknessText(narrowing: Narrowing): string {
  return narrowing.defeated ? ` (its condition on ${narrowing.defeated.key} does not limit that: ${narrowing.defeated.reason})` : "";
}

export default defineRule({
  id: "no-public-principal",
  category: "public-access",
  severity: "error",
  docs: {
    description: "Disallow resource and trust policies that allow any principal without a condition that limits who.",
    rationale:
      "A statement whose principal is `\"*\"` (or `{\"AWS\": \"*\"}`, or an ARN with a wildcard account) grants its actions " +
      "to every AWS account and, for services such as S3, to anonymous callers on the internet; in a trust policy it " +
      "lets anyone assume the role. Leaked buckets, queues and keys usually start this way. It is only safe when a " +
      "condition pins who can use it: `aws:PrincipalOrgID`, `aws:SourceArn` or `aws:SourceAccount`, `aws:SourceVpce`, " +
      "`aws:SourceIp` and the like. Conditions that are `IfExists`, `ForAllValues:`, negated (`StringNotEquals`) or " +
      "whose value is a wildcard do not limit anything and are reported too.",
    examples: {
      noncompliant: [
        {
          title: "A bucket readable by anyone",
          kind: "resource",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }],
          },
        },
        {
          title: "A role anyone can assume",
          kind: "trust",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] },
        },
      ],
      compliant: [
        {
          title: "Any principal of the organization",
          kind: "resource",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: "*",
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::reports/*",
                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html",
    ],
  },
  messages: {
    publicPrincipal: (data: { principal: string; weakness: string }) =>
      `This statement grants ${data.principal}, meaning every AWS account and anonymous callers${data.weakness}; name the principals, or add a condition such as aws:PrincipalOrgID or aws:SourceArn.`,
    publicTrust: (data: { principal: string; weakness: string }) =>
      `This trust policy lets ${data.principal} assume the role: anyone in any AWS account can get its credentials${data.weakness}; name the principals that need it.`,
    allowNotPrincipal: (data: { weakness: string }) =>
      `"Allow" with "NotPrincipal" grants every principal except the ones listed, anonymous callers included${data.weakness}; use "Principal" to name who is allowed.`,
  },
  checkPolicy(doc, context) {
    // Identity policies have no principal, SCPs none, and RCPs always say "*" to mean "every caller in scope".
    if (doc.kind !== "resource" && doc.kind !== "trust") return;
    for (const ref of allowStatements(doc)) {
      const narrowing = conditionNarrowing(ref, (key) => NARROWING_KEYS.get(key));
      if (narrowing.narrowed) continue;
      const weakness = weaknessText(narrowing);
      for (const principal of principalsOf(ref).filter(isPublic)) {
        context.report({
          messageId: doc.kind === "trust" ? "publicTrust" : "publicPrincipal",
          data: { principal: display(principal), weakness },
          pointer: principal.pointer,
          subject: principal.value,
        });
      }
      if (ref.statement.NotPrincipal !== undefined) {
        context.report({ messageId: "allowNotPrincipal", data: { weakness }, pointer: `${ref.pointer}/NotPrincipal`, at: "key" });
      }
    }
  },
});

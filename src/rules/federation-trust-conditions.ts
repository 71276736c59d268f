import type { PolicyDocument, Range, Severity } from "../types.ts";
import { isJsonObject, pointerOf, type StatementRef } from "../extract/document.ts";
import { hasPlaceholder, isPlaceholder } from "../extract/placeholder.ts";
import {
  actionsOf,
  allowStatements,
  conditionsOf,
  principalsOf,
  statementGrants,
  type ConditionEntry,
  type PrincipalEntry,
} from "../policy/statements.ts";
import type { OidcProvider, RequiredClaim } from "../data/oidc-providers.ts";
import { classifyClaimValue, issuerOf, providerOf, sameIssuer, type ClaimVerdict } from "../policy/oidc-claims.ts";
import { defineRule, type RuleFix } from "./define-rule.ts";

const PINNING_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike"]);
const SAML_AUDIENCE = "https://signin.aws.amazon.com/saml";

function baseOf(operator: string): string {
  return operator
    .toLowerCase()
    .replace(/^(foranyvalue|forallvalues):/, "")
    .replace(/ifexists$/, "");
}

function isSetOperator(operator: string): boolean {
  return /^(foranyvalue|forallvalues):/i.test(operator);
}

/** `token.actions.githubusercontent.com:sub` → issuer and claim; keys without an issuer part yield undefined. */
function splitKey(key: string): { issuer: string; claim: string } | undefined {
  const colon = key.lastIndexOf(":");
  return colon > 0 ? { issuer: key.slice(0, colon), claim: key.slice(colon + 1).toLowerCase() } : undefined;
}

/**
 * The provider a Federated principal stands for: from its ARN, or, when the ARN is an unresolved reference
 * (`aws_iam_openid_connect_provider.github.arn`), from the one known issuer the condition keys name. Nothing
 * when neither tells: a provider we cannot identify is not judged.
 */
function identify(
  principal: PrincipalEntry,
  conditions: readonly ConditionEntry[],
): { provider: OidcProvider; issuer: string } | undefined {
  if (/:saml-provider\//.test(principal.value)) return undefined;
  const issuer = issuerOf(principal.value);
  const provider = isPlaceholder(principal.value) ? undefined : providerOf(issuer);
  if (provider) return { provider, issuer };
  if (!hasPlaceholder(principal.value)) return undefined;
  const found = new Map<string, { provider: OidcProvider; issuer: string }>();
  for (const entry of conditions) {
    const split = splitKey(entry.key);
    if (!split || hasPlaceholder(split.issuer)) continue;
    const byKey = providerOf(split.issuer);
    if (byKey && sameIssuer(split.issuer, issuer)) found.set(byKey.id, { provider: byKey, issuer: split.issuer });
  }
  return found.size === 1 ? [...found.values()][0] : undefined;
}

type Rank = 0 | 1 | 2;
const RANK: Record<Severity, Rank> = { note: 1, warning: 1, error: 2 };

function severityOf(verdict: ClaimVerdict): Severity | undefined {
  switch (verdict.kind) {
    case "pinned":
    case "unknown":
      return undefined;
    case "any-owner":
      return "error";
    case "any-in":
      return verdict.field.anySeverity ?? "warning";
    case "prefix":
      return "warning";
  }
}

interface Judged {
  entry: ConditionEntry;
  /** Per value: its verdict (structured claims only). */
  verdicts: Array<{ pointer: string; value: string; verdict: ClaimVerdict }>;
  rank: Rank;
}

/** The conditions that pin one required claim, each with how well it pins; empty when none does. */
function judge(group: RequiredClaim, issuer: string, provider: OidcProvider, conditions: readonly ConditionEntry[]): Judged[] {
  const out: Judged[] = [];
  for (const entry of conditions) {
    const split = splitKey(entry.key);
    if (!split || !sameIssuer(split.issuer, issuer) || !PINNING_OPERATORS.has(baseOf(entry.operator))) continue;
    const claim = group.anyOf.find((c) => c.claim === split.claim);
    if (!claim || entry.values.length === 0) continue;
    const like = baseOf(entry.operator) === "stringlike";
    if (!claim.fields) {
      // Values are ORed: one bare wildcard makes the condition pin nothing.
      if (like && entry.values.some((v) => !v.unresolved && /^[*?]+$/.test(v.value))) continue;
      out.push({ entry, verdicts: [], rank: 0 });
      continue;
    }
    const fields = claim.fields;
    const verdicts = entry.values.map((v) => ({
      pointer: v.pointer,
      value: v.value,
      verdict: like ? classifyClaimValue(v.value, fields, provider.scope) : ({ kind: "pinned" } as const),
    }));
    const rank = verdicts.reduce<Rank>((worst, v) => {
      const severity = severityOf(v.verdict);
      return severity && RANK[severity] > worst ? RANK[severity] : worst;
    }, 0);
    out.push({ entry, verdicts, rank });
  }
  return out;
}

function sameRange(a: Range | undefined, b: Range): boolean {
  return a !== undefined && a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/**
 * For a JSON file whose `StringEquals` block already pins the audience on a line of its own: a subject pin with
 * the provider's example value, inserted on the next line at the same indent. The values in capitals are for the
 * user to fill in; until then the role can be assumed by nobody, which fails closed.
 */
function subjectFix(doc: PolicyDocument, ref: StatementRef, issuer: string, provider: OidcProvider): RuleFix | undefined {
  const condition = ref.statement.Condition;
  if (doc.format !== "json" || !provider.subjectExample || !isJsonObject(condition)) return undefined;
  const block = condition.StringEquals;
  if (!isJsonObject(block)) return undefined;
  const audience = Object.keys(block).find((key) => {
    const split = splitKey(key);
    return split?.claim === "aud" && !hasPlaceholder(split.issuer) && sameIssuer(split.issuer, issuer);
  });
  if (audience === undefined || typeof block[audience] !== "string") return undefined;
  const operatorPointer = pointerOf(pointerOf(ref.pointer, "Condition"), "StringEquals");
  const pointer = pointerOf(operatorPointer, audience);
  const key = doc.keys[pointer];
  const value = doc.positions[pointer];
  const operator = doc.keys[operatorPointer];
  if (!key || !value || !operator || sameRange(value, doc.range) || key.line !== value.endLine || key.line === operator.line)
    return undefined;
  if (Object.keys(block).some((k) => k !== audience && doc.keys[pointerOf(operatorPointer, k)]?.line === key.line)) return undefined;
  const subjectKey = `${audience.slice(0, audience.lastIndexOf(":"))}:sub`;
  const at = { line: value.endLine, column: value.endColumn, endLine: value.endLine, endColumn: value.endColumn };
  return {
    description: `Pin the subject to one ${provider.name} workload; replace the values in capitals with yours.`,
    edits: [
      { range: at, text: `,\n${" ".repeat(key.column - 1)}${JSON.stringify(subjectKey)}: ${JSON.stringify(provider.subjectExample)}` },
    ],
  };
}

export default defineRule({
  id: "federation-trust-conditions",
  category: "federation-trust",
  severity: "error",
  docs: {
    description: "Require trust policies for OIDC and SAML providers to pin the subject and audience of the tokens they accept.",
    rationale:
      "A role that trusts `token.actions.githubusercontent.com` trusts a token GitHub issues to every workflow of " +
      "every repository on GitHub; only the `sub` condition limits it to yours. The same holds for GitLab, HCP " +
      "Terraform, Bitbucket and CircleCI (each pipeline's subject), EKS clusters (every service account of the " +
      "cluster), Google (`aud`, the OAuth client) and Cognito identity pools (`aud`, the pool id). A missing subject, " +
      "a `StringLike` wildcard for the owner (`repo:*`, `repo:octo*/app`) or for the repository (`repo:octo-org/*`) " +
      "lets workloads that are not yours assume the role; roles like this have been found and used by strangers. " +
      "SAML trusts should require `SAML:aud`. Providers the policy names only through an unresolved reference are " +
      "identified by their condition keys, and not judged when those do not tell.",
    examples: {
      noncompliant: [
        {
          title: "Any GitHub repository may assume the role",
          kind: "trust",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
              },
            ],
          },
        },
      ],
      compliant: [
        {
          title: "Only the main branch of one repository",
          kind: "trust",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                  StringEquals: {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": "repo:octo-org/deploy:ref:refs/heads/main",
                  },
                },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html",
    ],
  },
  messages: {
    missingClaim: (data: { provider: string; key: string; consequence: string }) =>
      `This role trusts ${data.provider} tokens without a condition that pins ${data.key}, so ${data.consequence}.`,
    subjectAnyOwner: (data: { key: string; value: string; field: string }) =>
      `"${data.value}" in ${data.key} does not pin the ${data.field}: it also matches tokens from ${data.field} names anyone can register; write the ${data.field} out without wildcards.`,
    subjectAnyInOwner: (data: { key: string; value: string; field: string; within: string }) =>
      `"${data.value}" in ${data.key} lets every ${data.field} in ${data.within} assume this role; name the ${data.field} that needs it.`,
    subjectPrefix: (data: { key: string; value: string; field: string }) =>
      `"${data.value}" in ${data.key} also matches any other ${data.field} whose name fits the wildcard, so one created with such a name could assume this role; write the ${data.field} out in full.`,
    subjectSetOperator: (data: { operator: string; key: string }) =>
      `"${data.operator}" treats ${data.key} as a list, but the claim is a single value; use StringEquals or StringLike.`,
    samlAudience: (data: { provider: string }) =>
      `This role trusts SAML provider ${data.provider} without a condition on SAML:aud, so assertions the identity provider issued for other recipients are accepted; require SAML:aud to be ${SAML_AUDIENCE}.`,
  },
  kinds: ["trust"],
  checkPolicy(doc, context) {
    for (const ref of allowStatements(doc)) {
      const federated = principalsOf(ref).filter((p) => p.type === "Federated");
      if (federated.length === 0) continue;
      const conditions = conditionsOf(ref);

      if (statementGrants(ref, "sts:AssumeRoleWithWebIdentity")) {
        for (const principal of federated) {
          const known = identify(principal, conditions);
          if (!known) continue;
          const { provider, issuer } = known;
          provider.required.forEach((group, index) => {
            const key = `${issuer}:${group.anyOf[0]!.claim}`;
            const judged = judge(group, issuer, provider, conditions);
            for (const j of judged) {
              if (!isSetOperator(j.entry.operator) || j.verdicts.length === 0) continue;
              context.report({
                messageId: "subjectSetOperator",
                data: { operator: j.entry.operator, key: j.entry.key },
                pointer: j.entry.operatorPointer,
                at: "key",
                severity: "warning",
                subject: j.entry.key,
              });
            }
            if (judged.length === 0) {
              const fix = index === 0 && group.anyOf[0]!.claim === "sub" ? subjectFix(doc, ref, issuer, provider) : undefined;
              context.report({
                messageId: "missingClaim",
                data: { provider: provider.name, key, consequence: group.consequence },
                pointer: principal.pointer,
                severity: group.missing,
                subject: key,
                ...(fix ? { fix } : {}),
              });
              return;
            }
            // Conditions are ANDed: the tightest one decides.
            const best = judged.reduce((a, b) => (b.rank < a.rank ? b : a));
            if (best.rank === 0) return;
            for (const { pointer, value, verdict } of best.verdicts) {
              const severity = severityOf(verdict);
              if (!severity) continue;
              const where = { pointer, severity, subject: `${best.entry.key} ${value}` };
              if (verdict.kind === "any-owner") {
                context.report({ messageId: "subjectAnyOwner", data: { key: best.entry.key, value, field: verdict.field.name }, ...where });
              } else if (verdict.kind === "any-in") {
                context.report({
                  messageId: "subjectAnyInOwner",
                  data: { key: best.entry.key, value, field: verdict.field.name, within: verdict.within },
                  ...where,
                });
              } else if (verdict.kind === "prefix") {
                context.report({ messageId: "subjectPrefix", data: { key: best.entry.key, value, field: verdict.field.name }, ...where });
              }
            }
          });
        }
      }

      if (statementGrants(ref, "sts:AssumeRoleWithSAML")) {
        const actions = actionsOf(ref).map((a) => a.value.toLowerCase());
        const explicit = actions.includes("sts:assumerolewithsaml") && !actions.includes("sts:assumerolewithwebidentity");
        for (const principal of federated) {
          const saml = /:saml-provider\//.test(principal.value) || (isPlaceholder(principal.value) && explicit);
          if (!saml) continue;
          const pinned = conditions.some(
            (c) =>
              c.key.toLowerCase() === "saml:aud" &&
              PINNING_OPERATORS.has(baseOf(c.operator)) &&
              c.values.length > 0 &&
              !(baseOf(c.operator) === "stringlike" && c.values.some((v) => /^[*?]+$/.test(v.value))),
          );
          if (pinned) continue;
          context.report({
            messageId: "samlAudience",
            data: { provider: principal.value.replace(/^arn:.*?:saml-provider\//, "") },
            pointer: principal.pointer,
            severity: "warning",
            subject: principal.value,
          });
        }
      }
    }
  },
});

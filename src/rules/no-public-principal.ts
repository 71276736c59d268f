import { hasWildcard } from "../iam/index.ts";
import { allowStatements, principalsOf, type PrincipalEntry } from "../policy/statements.ts";
import { conditionNarrowing, denyNarrows, type Narrowing, type NarrowingKind } from "../policy/narrowing.ts";
import { defineRule } from "./define-rule.ts";

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
  ["aws:principalisawsservice", "service"],
  ["aws:principalservicename", "text"],
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
      'A statement whose principal is `"*"` (or `{"AWS": "*"}`, or an ARN with a wildcard account) grants its actions ' +
      "to every AWS account and, for services such as S3, to anonymous callers on the internet; in a trust policy it " +
      "lets anyone assume the role. Leaked buckets, queues and keys usually start this way. It is only safe when a " +
      "condition pins who can use it: `aws:PrincipalOrgID`, `aws:SourceArn` or `aws:SourceAccount`, `aws:SourceVpce`, " +
      "`aws:SourceIp`, `aws:PrincipalIsAWSService` and the like — or an explicit Deny in the same policy that refuses the " +
      "same actions to everyone who does not meet such a condition (the private-API and data-perimeter pattern: " +
      "`StringNotEquals aws:SourceVpce`, `StringNotEqualsIfExists aws:PrincipalOrgID`). Conditions that are `IfExists`, " +
      "`ForAllValues:`, negated (`StringNotEquals`) in the Allow itself, or whose value is a wildcard do not limit anything " +
      "and are reported too.",
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
      if (narrowing.narrowed || denyNarrows(doc.json, ref, (key) => NARROWING_KEYS.get(key))) continue;
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

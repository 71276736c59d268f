import { actionsOf, allowStatements, conditionsOn, principalsOf, type PrincipalEntry } from "../policy/statements.ts";
import type { StatementRef } from "../extract/document.ts";
import { defineRule } from "./define-rule.ts";

/** `*`, `*:*`, `sqs:*`, `S3:**`: every action, or every action of one service. */
const WILDCARD_ACTION = /^(?:\*+(?::\*+)?|([^:*?]+):\*+)$/;

/** An account's root, `arn:aws:iam::111122223333:root`, or the bare account id AWS reads as it. */
const ACCOUNT_ROOT = /^(?:arn:[^:]+:iam::(\{\{[^{}]*\}\}|[^:]+):root|(\d{12}|\{\{[^{}]*\}\}))$/;

/** A placeholder that names the deploying account: `${AWS::AccountId}`, `data.aws_caller_identity.current.account_id`. */
const OWN_ACCOUNT = /AWS::AccountId|aws_caller_identity|\baccount_id\b/i;

function accountOf(principal: PrincipalEntry): string | undefined {
  if (principal.type !== "AWS") return undefined;
  const match = ACCOUNT_ROOT.exec(principal.value);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Whether every principal is an account root: the deploying account's (a placeholder for it) when `own`, any
 * account's otherwise.
 */
function onlyAccountRoots(ref: StatementRef, own: boolean): boolean {
  const principals = principalsOf(ref);
  if (principals.length === 0) return false;
  return principals.every((principal) => {
    const account = accountOf(principal);
    if (account === undefined) return false;
    return !own || (account.startsWith("{{") && OWN_ACCOUNT.test(account));
  });
}

export default defineRule({
  id: "no-wildcard-actions-in-resource-policies",
  category: "overly-permissive",
  severity: "warning",
  docs: {
    description: "Disallow resource policies that allow every action (`*`) or every action of a service (`sqs:*`) to their principals.",
    rationale:
      'A bucket, queue, topic or key policy that allows `"Action": "sqs:*"` or `"*"` gives its principals every ' +
      "current and future action on the resource: deleting it, purging it, and rewriting the very policy that " +
      "grants the access, which makes the grant permanent. A queue that another service or account sends to needs " +
      "`sqs:SendMessage`, a reader needs the read actions; list them. The key policy's default statement, which " +
      "gives the key's own account `kms:*` through its root, is not reported, nor a statement whose principals are " +
      "all the deploying account's root (`${AWS::AccountId}`, `data.aws_caller_identity`): it grants nothing the " +
      "account's own IAM policies do not; nor a bucket statement conditioned on `s3:DataAccessPointAccount` or " +
      "`s3:DataAccessPointArn`, AWS's documented way to delegate access control to access points.",
    examples: {
      noncompliant: [
        {
          title: "Every SQS action to another account",
          kind: "resource",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::444455556666:role/producer" },
                Action: "sqs:*",
                Resource: "arn:aws:sqs:us-east-1:111122223333:orders",
              },
            ],
          },
        },
      ],
      compliant: [
        {
          title: "Only the actions the producer needs",
          kind: "resource",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::444455556666:role/producer" },
                Action: ["sqs:SendMessage", "sqs:GetQueueUrl"],
                Resource: "arn:aws:sqs:us-east-1:111122223333:orders",
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html",
      "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
    ],
  },
  messages: {
    everyAction: (data: { action: string }) =>
      `"${data.action}" in this resource policy gives its principals every action on the resource, including deleting it and rewriting this policy; list the actions they need.`,
    serviceWildcard: (data: { action: string; service: string }) =>
      `"${data.action}" in this resource policy gives its principals every ${data.service} action on the resource, including deleting it and rewriting this policy; list the actions they need.`,
  },
  kinds: ["resource"],
  checkPolicy(doc, context) {
    const keyPolicy = /^AWS::KMS::/.test(doc.resourceType ?? "");
    for (const ref of allowStatements(doc)) {
      // The deploying account's root: the grant adds nothing to what the account's IAM policies give.
      if (onlyAccountRoots(ref, true)) continue;
      // A bucket that delegates access control to its access points (AWS's documented pattern: every action to
      // every principal, on condition that the request comes through an access point of the account).
      if (conditionsOn(ref, ["s3:DataAccessPointAccount", "s3:DataAccessPointArn"]).length > 0) continue;
      // The key policy's default statement gives the key's own account `kms:*` through its root; a literal account
      // id cannot be told apart from the key's own (another account's is cross-account-trust-conditions's), and
      // `kms:*` only means something in a key policy, which a bare JSON file does not name.
      const roots = onlyAccountRoots(ref, false);
      for (const action of actionsOf(ref)) {
        if (action.unresolved) continue;
        const match = WILDCARD_ACTION.exec(action.value);
        if (!match) continue;
        const service = match[1]?.toLowerCase();
        if (roots && (service === "kms" || keyPolicy)) continue;
        context.report(
          service === undefined
            ? { messageId: "everyAction", data: { action: action.value }, pointer: action.pointer, subject: action.value }
            : { messageId: "serviceWildcard", data: { action: action.value, service }, pointer: action.pointer, subject: action.value },
        );
      }
    }
  },
});

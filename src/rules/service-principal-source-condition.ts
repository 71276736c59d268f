import type { PolicyDocument, Range } from "../types.ts";
import type { StatementRef } from "../extract/document.ts";
import { allowStatements, principalsOf, resourcesOf, type PrincipalEntry } from "../policy/statements.ts";
import { defineRule, type RuleFix } from "./define-rule.ts";
import { conditionNarrowing, type NarrowingKind } from "../policy/narrowing.ts";

/** Keys that tie a service's request to the resource or account it acts for. */
const SOURCE_KEYS: ReadonlyMap<string, NarrowingKind> = new Map<string, NarrowingKind>([
  ["aws:sourcearn", "arn"],
  ["aws:sourceaccount", "account"],
  ["aws:sourceowner", "account"],
  ["aws:sourceorgid", "org"],
  ["aws:sourceorgpaths", "org-path"],
  // Alexa skills call Lambda with the skill id as the event source token.
  ["lambda:eventsourcetoken", "text"],
]);

function sourceKind(key: string): NarrowingKind | undefined {
  // KMS key policies for CloudWatch Logs and CloudTrail pin the log group or trail through the encryption context.
  return SOURCE_KEYS.get(key) ?? (/^kms:encryptioncontext:aws:[a-z0-9-]+:arn$/.test(key) ? "arn" : undefined);
}

const ACCOUNT_IN_ARN = /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/;

function sameRange(a: Range | undefined, b: Range): boolean {
  return a !== undefined && a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/**
 * For a JSON file: a `Condition` on the one account the statement's resources live in, inserted after the
 * `Principal` value. Only when the statement has no `Condition` yet, the account is certain, and the positions are
 * those of real text (not of a policy embedded in a JSON string).
 */
function sourceAccountFix(doc: PolicyDocument, ref: StatementRef): RuleFix | undefined {
  if (doc.format !== "json" || ref.statement.Condition !== undefined) return undefined;
  const accounts = new Set(resourcesOf(ref).flatMap((r) => ACCOUNT_IN_ARN.exec(r.value)?.[1] ?? []));
  if (accounts.size !== 1) return undefined;
  const [account] = accounts;
  const principalPointer = `${ref.pointer}/Principal`;
  const key = doc.keys[principalPointer];
  const value = doc.positions[principalPointer];
  const statement = doc.positions[ref.pointer];
  if (!key || !value || !statement || sameRange(value, doc.range) || sameRange(key, doc.range)) return undefined;
  // One member per line (as formatters write it): the condition goes on a line of its own at the same indent.
  const otherLines = Object.keys(ref.statement)
    .filter((k) => k !== "Principal")
    .map((k) => doc.keys[`${ref.pointer}/${k}`]?.line);
  const ownLine = key.line > statement.line && !otherLines.includes(key.line) && !otherLines.includes(value.endLine);
  const condition = `"Condition": { "StringEquals": { "aws:SourceAccount": "${account}" } }`;
  const text = ownLine ? `,\n${" ".repeat(key.column - 1)}${condition}` : `, ${condition}`;
  const at = { line: value.endLine, column: value.endColumn, endLine: value.endLine, endColumn: value.endColumn };
  return {
    description: `Accept the service's requests only when it acts for account ${account!}, the account of this statement's resources.`,
    edits: [{ range: at, text }],
  };
}

export default defineRule({
  id: "service-principal-source-condition",
  category: "confused-deputy",
  severity: "warning",
  docs: {
    description: "Require aws:SourceArn or aws:SourceAccount when a resource policy allows an AWS service principal.",
    rationale:
      "A service principal such as `sns.amazonaws.com` or `cloudtrail.amazonaws.com` stands for the service acting " +
      "for every AWS customer. A bucket, queue, topic, key or function that allows the service without saying on " +
      "whose behalf lets any other account point its own topic, trail or bucket notification at your resource and " +
      "have the service write to it, read from it or invoke it (the cross-service confused-deputy problem). " +
      "`aws:SourceArn` (the resource the service acts for) or `aws:SourceAccount` / `aws:SourceOrgID` close that. " +
      "Role trust policies for compute services (`ec2.amazonaws.com`, `lambda.amazonaws.com`) are not resource " +
      "policies and are not checked.",
    examples: {
      noncompliant: [
        {
          title: "Any SNS topic, in any account, may send to the queue",
          kind: "resource",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "sns.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: "arn:aws:sqs:us-east-1:111122223333:orders",
              },
            ],
          },
        },
      ],
      compliant: [
        {
          title: "Only the orders topic may send to the queue",
          kind: "resource",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "sns.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: "arn:aws:sqs:us-east-1:111122223333:orders",
                Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:orders" } },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn",
    ],
  },
  messages: {
    missingSourceCondition: (data: { service: string; weakness: string }) =>
      `This statement lets ${data.service} act on behalf of any AWS account, because no aws:SourceArn or aws:SourceAccount condition names the resource or account it acts for${data.weakness}; add one to prevent the confused-deputy problem.`,
  },
  checkPolicy(doc, context) {
    if (doc.kind !== "resource") return;
    for (const ref of allowStatements(doc)) {
      const services = principalsOf(ref).filter((p: PrincipalEntry) => p.type === "Service" && !p.unresolved);
      if (services.length === 0) continue;
      const narrowing = conditionNarrowing(ref, sourceKind);
      if (narrowing.narrowed) continue;
      const weakness = narrowing.defeated ? ` (the condition on ${narrowing.defeated.key} does not: ${narrowing.defeated.reason})` : "";
      const fix = sourceAccountFix(doc, ref);
      for (const service of services) {
        context.report({
          messageId: "missingSourceCondition",
          data: { service: service.value, weakness },
          pointer: service.pointer,
          subject: service.value,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});

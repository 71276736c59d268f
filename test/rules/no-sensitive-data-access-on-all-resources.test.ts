import rule from "../../src/rules/no-sensitive-data-access-on-all-resources.ts";
import { ruleTester } from "./rule-tester.ts";

ruleTester.run(rule, {
  valid: [
    {
      name: "secrets and parameters of one application",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "ssm:GetParameter*"],
            Resource: [
              "arn:aws:secretsmanager:eu-west-1:111122223333:secret:billing/*",
              "arn:aws:ssm:eu-west-1:111122223333:parameter/billing/*",
            ],
          },
        ],
      },
    },
    {
      name: "IAM and STS actions in the sensitive list are left to the privilege rules",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["iam:PassRole", "sts:AssumeRole", "iam:Create*"], Resource: "*" }],
      },
    },
    {
      name: "* and *:* are left to no-admin-access",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*", "*:*"], Resource: "*" }] },
    },
    {
      name: "listing and describing are not reading data",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:ListBucket", "ssm:DescribeParameters", "kms:ListKeys"], Resource: "*" }],
      },
    },
    {
      name: "a deny of secret reads",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: "*" }] },
    },
    {
      name: "an SCP allow does not grant",
      kind: "scp",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*", "kms:*"], Resource: "*" }] },
    },
    {
      name: "a configured list without the action replaces the default",
      sensitiveActions: ["secretsmanager:GetSecretValue"],
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] },
    },
    {
      name: "unresolved actions do not count",
      files: [
        {
          path: "main.tf",
          text:
            'variable "action" {}\n' +
            'resource "aws_iam_policy" "p" {\n' +
            "  policy = jsonencode({\n" +
            '    Version   = "2012-10-17"\n' +
            '    Statement = [{ Effect = "Allow", Action = ["secretsmanager:${var.action}", var.action], Resource = "*" }]\n' +
            "  })\n" +
            "}\n",
        },
      ],
    },
  ],
  invalid: [
    {
      name: "issue 10: opening AppConfig sessions on * reads every configuration profile (not a write)",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"], Resource: "*" },
        ],
      },
      errors: [
        {
          messageId: "sensitiveOnAllResources",
          line: 7,
          column: 9,
          endLine: 7,
          endColumn: 46,
          severity: "warning",
          message:
            '"appconfig:StartConfigurationSession" on every resource grants it on every secret, key or data store in the account, including other workloads\'; list the ARNs it needs in Resource.',
        },
      ],
    },
    {
      name: "issue 10: reads only of other accounts' objects (aws:ResourceAccount not the caller's) are a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "s3:GetObject*",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:ResourceAccount": "${aws:PrincipalAccount}" } },
          },
        ],
      },
      errors: [
        { messageId: "sensitiveOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 32, severity: "note", suggestion: null },
      ],
    },
    {
      name: "issue 10: StringNotEqualsIfExists aws:ResourceAccount does not narrow (requests without the key pass)",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: "*",
            Condition: { StringNotEqualsIfExists: { "aws:ResourceAccount": "${aws:PrincipalAccount}" } },
          },
        ],
      },
      errors: [
        { messageId: "sensitiveOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 31, severity: "warning", suggestion: null },
      ],
    },
    {
      name: "every secret in the account",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }] },
      errors: [
        {
          messageId: "sensitiveOnAllResources",
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 48,
          severity: "warning",
          suggestion: null,
          message:
            '"secretsmanager:GetSecretValue" on every resource grants it on every secret, key or data store in the account, including other workloads\'; list the ARNs it needs in Resource.',
        },
      ],
    },
    {
      name: "a wildcard names up to three sensitive actions",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["ssm:DescribeParameters", "ssm:GetParameter*"], Resource: "*" }],
      },
      errors: [
        {
          messageId: "sensitiveOnAllResources",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 28,
          message:
            '"ssm:GetParameter*" on every resource grants ssm:GetParameter, ssm:GetParameters, ssm:GetParametersByPath and 1 more ' +
            "on every secret, key or data store in the account, including other workloads'; list the ARNs it needs in Resource.",
        },
      ],
    },
    {
      name: "kms:* limited by kms:ViaService is a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "kms:*",
            Resource: "*",
            Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
          },
        ],
      },
      errors: [
        {
          messageId: "sensitiveOnAllResources",
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 24,
          severity: "note",
          message: /grants kms:Decrypt, kms:ReEncryptFrom, kms:CreateGrant on/,
        },
      ],
    },
    {
      name: "s3:* on NotResource",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*"], NotResource: "arn:aws:s3:::audit/*" }] },
      errors: [
        {
          messageId: "sensitiveOnAllResources",
          line: 7,
          column: 9,
          endLine: 7,
          endColumn: 15,
          severity: "warning",
          message: /grants s3:GetObject, s3:GetObjectVersion on/,
        },
      ],
    },
    {
      name: "a secret resource-tag condition is a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "secretsmanager:Get*",
            Resource: "*",
            Condition: { StringEquals: { "secretsmanager:ResourceTag/app": "billing" } },
          },
        ],
      },
      errors: [{ messageId: "sensitiveOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 38, severity: "note" }],
    },
    {
      name: "one finding per action entry; IAM entries are skipped",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["dynamodb:Query", "dynamodb:GetItem", "iam:PassRole"], Resource: "*" }],
      },
      errors: [
        { messageId: "sensitiveOnAllResources", line: 7, column: 9, endLine: 7, endColumn: 25, severity: "warning" },
        { messageId: "sensitiveOnAllResources", line: 8, column: 9, endLine: 8, endColumn: 27, severity: "warning" },
      ],
    },
    {
      name: "a configured wildcard entry matches a policy wildcard",
      sensitiveActions: ["logs:GetLog*"],
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:Get*", Resource: "*" }] },
      errors: [
        { messageId: "sensitiveOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 28, message: /grants logs:GetLog\* on/ },
      ],
    },
  ],
});

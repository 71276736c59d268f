import rule from "../../src/rules/no-service-wildcard-on-all-resources.ts";
import { ruleTester } from "./rule-tester.ts";

ruleTester.run(rule, {
  valid: [
    {
      name: "a service wildcard on one bucket",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"] }] },
    },
    {
      name: "a narrower wildcard on every resource is not service-wide",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:Get*", "ec2:Describe*", "s3:*Object*"], Resource: "*" }],
      },
    },
    {
      name: "* and *:* are left to no-admin-access",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*", "*:*"], Resource: "*" }] },
    },
    {
      name: "a deny of a whole service is a guardrail",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "iam:*", Resource: "*" }] },
    },
    {
      name: "an SCP that allows a whole service does not grant",
      kind: "scp",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*", "iam:*"], Resource: "*" }] },
    },
    {
      name: "a permissions boundary that allows a whole service does not grant",
      kind: "boundary",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] },
    },
    {
      name: "an unresolved action is unknown, not a service wildcard",
      files: [
        {
          path: "main.tf",
          text:
            'variable "action" {}\n' +
            'resource "aws_iam_policy" "p" {\n' +
            "  policy = jsonencode({\n" +
            '    Version   = "2012-10-17"\n' +
            '    Statement = [{ Effect = "Allow", Action = ["${var.action}:*", var.action], Resource = "*" }]\n' +
            "  })\n" +
            "}\n",
        },
      ],
    },
  ],
  invalid: [
    {
      name: "every S3 action on every resource",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] },
      errors: [
        {
          messageId: "serviceWildcard",
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 23,
          severity: "warning",
          suggestion: null,
          message:
            '"s3:*" on every resource allows every s3 action, including future ones, on every resource in the account; list the actions and ARNs the workload uses.',
        },
      ],
    },
    {
      name: "iam:* on every resource is an error",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }] },
      errors: [{ messageId: "serviceWildcard", line: 6, column: 17, endLine: 6, endColumn: 24, severity: "error" }],
    },
    {
      name: "a single statement object with organizations:*",
      policy: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "organizations:*", Resource: "*" } },
      errors: [{ messageId: "serviceWildcard", line: 5, column: 15, endLine: 5, endColumn: 32, severity: "error" }],
    },
    {
      name: "an upper-case service wildcard in a list, on NotResource",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "SQS:*"], NotResource: "arn:aws:sqs:us-east-1:111122223333:internal" }],
      },
      errors: [
        { messageId: "serviceWildcard", line: 8, column: 9, endLine: 8, endColumn: 16, severity: "warning", message: /every sqs action/ },
      ],
    },
    {
      name: "two service wildcards in one statement are two findings; * among the resources counts",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*", "kms:*"], Resource: ["arn:aws:s3:::b", "*"] }] },
      errors: [
        { messageId: "serviceWildcard", line: 7, column: 9, endLine: 7, endColumn: 15, severity: "warning" },
        { messageId: "serviceWildcard", line: 8, column: 9, endLine: 8, endColumn: 16, severity: "error" },
      ],
    },
  ],
});

import rule from "../../src/rules/no-unscoped-pass-role.ts";
import { ruleTester } from "./rule-tester.ts";

const V = "2012-10-17";

/** Every role of the current account, with the account id unresolved. */
const TF_ACCOUNT_ROLES = [
  'data "aws_caller_identity" "current" {}',
  "",
  'resource "aws_iam_policy" "deployer" {',
  "  policy = jsonencode({",
  '    Version   = "2012-10-17"',
  '    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/*" }]',
  "  })",
  "}",
  "",
].join("\n");

/** A role ARN that is not known statically: unknown, never `*`. */
const TF_UNRESOLVED_ROLE = [
  'variable "task_role_arn" {}',
  "",
  'resource "aws_iam_policy" "deployer" {',
  "  policy = jsonencode({",
  '    Version   = "2012-10-17"',
  '    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = var.task_role_arn }]',
  "  })",
  "}",
  "",
].join("\n");

ruleTester.run(rule, {
  valid: [
    {
      name: "one named role",
      policy: {
        Version: V,
        Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/order-processor" }],
      },
    },
    {
      name: "roles under one path",
      policy: {
        Version: V,
        Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/service-role/*" }],
      },
    },
    {
      name: "* on * is left to no-admin-access",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: ["*:*"], Resource: "*" }] },
    },
    {
      name: "iam:* on other resources",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "arn:aws:iam::111122223333:user/ci" }] },
    },
    {
      name: "a deny of iam:PassRole",
      policy: { Version: V, Statement: [{ Effect: "Deny", Action: "iam:PassRole", Resource: "*" }] },
    },
    {
      name: "NotAction that excludes iam:PassRole",
      policy: { Version: V, Statement: [{ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }] },
    },
    {
      name: "an SCP is a guardrail",
      kind: "scp",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }] },
    },
    {
      name: "an unresolved role ARN is not a wildcard (Terraform variable)",
      files: [{ path: "main.tf", text: TF_UNRESOLVED_ROLE }],
    },
  ],
  invalid: [
    {
      name: "iam:PassRole on *",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }] },
      errors: [
        {
          messageId: "unscopedPassRole",
          line: 7,
          column: 19,
          endLine: 7,
          endColumn: 22,
          severity: "warning",
          suggestion: null,
          message:
            'iam:PassRole is allowed on "*", so every role in the account, administrators included, can be handed to a service that acts with it; list the roles to pass.',
        },
      ],
    },
    {
      name: "iam:* on every role of an account",
      policy: {
        Version: V,
        Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "iam:*"], Resource: "arn:aws:iam::111122223333:role/*" }],
      },
      // Issue 10: on the iam:* token, where the escalation and wildcard rules report too (one finding there).
      errors: [{ messageId: "unscopedPassRole", line: 8, column: 9, endLine: 8, endColumn: 16, severity: "warning" }],
    },
    {
      name: "iam:Pass* with a named role, every role of every account, and everything of an account",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:Pass*",
            Resource: ["arn:aws:iam::111122223333:role/app", "arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:*"],
          },
        ],
      },
      errors: [
        {
          messageId: "unscopedPassRole",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 32,
          message:
            'iam:PassRole is allowed on "arn:aws:iam::*:role/*", so every role in the account, administrators included, can be handed to a service that acts with it; list the roles to pass.',
        },
        { messageId: "unscopedPassRole", line: 10, column: 9, endLine: 10, endColumn: 38 },
      ],
    },
    {
      name: "limited by iam:PassedToService: a note",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: "*",
            Condition: { StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com"] } },
          },
        ],
      },
      errors: [
        {
          messageId: "unscopedPassRoleToService",
          line: 7,
          column: 19,
          endLine: 7,
          endColumn: 22,
          severity: "note",
          message:
            'iam:PassRole is allowed on "*" for the services named in iam:PassedToService, so every role in the account can be handed to them; list the roles to pass.',
        },
      ],
    },
    {
      name: "NotResource is as broad as *",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "iam:PassRole", NotResource: "arn:aws:iam::111122223333:role/admin" }] },
      errors: [{ messageId: "unscopedPassRole", line: 7, column: 7, endLine: 7, endColumn: 20, severity: "warning" }],
    },
    {
      name: "NotAction that does not exclude iam:PassRole",
      policy: { Version: V, Statement: [{ Effect: "Allow", NotAction: ["s3:*"], Resource: "*" }] },
      errors: [{ messageId: "unscopedPassRole", line: 9, column: 19, endLine: 9, endColumn: 22 }],
    },
    {
      name: "a single statement object",
      policy: { Version: V, Statement: { Effect: "Allow", Action: "iam:PassRole", Resource: "*" } },
      errors: [{ messageId: "unscopedPassRole", line: 6, column: 17, endLine: 6, endColumn: 20 }],
    },
    {
      name: "every role of the current account, account id unresolved (Terraform)",
      files: [{ path: "main.tf", text: TF_ACCOUNT_ROLES }],
      errors: [{ messageId: "unscopedPassRole", line: 6, column: 74, endLine: 6, endColumn: 142, severity: "warning" }],
    },
  ],
});

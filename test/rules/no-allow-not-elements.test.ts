import rule from "../../src/rules/no-allow-not-elements.ts";
import { ruleTester } from "./rule-tester.ts";

ruleTester.run(rule, {
  valid: [
    {
      name: "issue 10: NotResource excluding every VPC endpoint leaves only what CreateVpcEndpoint uses (VPCs, subnets)",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint"], NotResource: "arn:aws:ec2:*:*:vpc-endpoint/*" },
          {
            Effect: "Allow",
            Action: "ec2:CreateVpcEndpoint",
            Resource: "arn:aws:ec2:*:*:vpc-endpoint/*",
            Condition: { StringEquals: { "aws:RequestTag/AmazonElastiCacheManaged": "true" } },
          },
        ],
      },
    },
    {
      name: "issue 10: a generic module's not_actions = try(..., null) may be null, so it is not judged",
      files: [
        {
          path: "main.tf",
          text: `variable "policies" {
  type = any
}
data "aws_iam_policy_document" "this" {
  for_each = var.policies
  statement {
    actions     = try(each.value.actions, null)
    not_actions = try(each.value.not_actions, null)
    resources   = try(each.value.resources, null)
  }
}
resource "aws_iam_policy" "p" {
  for_each = var.policies
  policy   = data.aws_iam_policy_document.this[each.key].json
}
`,
        },
      ],
    },
    {
      name: "Action, Resource and Principal only",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] },
    },
    {
      name: "a Deny with NotAction is the usual guardrail pattern",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            NotAction: ["iam:ChangePassword", "iam:ListMFADevices", "sts:GetSessionToken"],
            Resource: "*",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
          },
        ],
      },
    },
    {
      name: "a Deny with NotResource and NotPrincipal in a bucket policy",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/auditor" },
            Action: "s3:*",
            NotResource: "arn:aws:s3:::test-bucket/public/*",
          },
        ],
      },
    },
    {
      name: "an SCP allow-list written with NotAction is a guardrail, not a grant",
      kind: "scp",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }] },
    },
    {
      name: "a permissions boundary with NotAction does not grant",
      kind: "boundary",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] },
    },
  ],
  invalid: [
    {
      name: "issue 10: NotResource excluding what an action only uses still grants what it acts on",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "ec2:CreateVpcEndpoint", NotResource: "arn:aws:ec2:*:*:subnet/*" }],
      },
      errors: [{ messageId: "notResource", line: 7, column: 7, endLine: 7, endColumn: 20, severity: "warning", suggestion: null }],
    },
    {
      name: "everything except IAM on every resource is an error",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] },
      errors: [
        {
          messageId: "notActionOnAllResources",
          line: 6,
          column: 7,
          endLine: 6,
          endColumn: 18,
          severity: "error",
          suggestion: null,
          message:
            'NotAction in an Allow statement on every resource grants every action of every service except "iam:*", current and future; list the allowed actions in Action instead.',
        },
      ],
    },
    {
      name: "NotAction on one resource is a warning",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", NotAction: ["s3:DeleteBucket", "s3:PutBucketPolicy"], Resource: "arn:aws:s3:::b" }],
      },
      errors: [
        {
          messageId: "notAction",
          line: 6,
          column: 7,
          endLine: 6,
          endColumn: 18,
          severity: "warning",
          message:
            'NotAction in an Allow statement grants every action except "s3:DeleteBucket", "s3:PutBucketPolicy", including those AWS adds later; list the allowed actions in Action instead.',
        },
      ],
    },
    {
      name: "NotAction in a single statement object",
      policy: { Version: "2012-10-17", Statement: { Effect: "Allow", NotAction: "s3:DeleteBucket", Resource: "arn:aws:s3:::b" } },
      errors: [{ messageId: "notAction", line: 5, column: 5, endLine: 5, endColumn: 16, severity: "warning" }],
    },
    {
      name: "NotResource in an Allow",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secrets/*" }] },
      errors: [
        {
          messageId: "notResource",
          line: 7,
          column: 7,
          endLine: 7,
          endColumn: 20,
          severity: "warning",
          message:
            'NotResource in an Allow statement grants access to every resource except "arn:aws:s3:::secrets/*", including those created later; list the allowed resources in Resource instead.',
        },
      ],
    },
    {
      name: "NotAction with NotResource: two findings, the NotAction one an error",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*", "sts:*"], NotResource: "arn:aws:s3:::audit/*" },
        ],
      },
      errors: [
        {
          messageId: "notActionOnAllResources",
          line: 6,
          column: 7,
          endLine: 6,
          endColumn: 18,
          severity: "error",
          message: /except "iam:\*", "organizations:\*", "account:\*" and 1 more, current and future/,
        },
        { messageId: "notResource", line: 12, column: 7, endLine: 12, endColumn: 20, severity: "warning" },
      ],
    },
    {
      name: "NotPrincipal in an Allow of a bucket policy",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/auditor" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::test-bucket/*",
          },
        ],
      },
      errors: [
        {
          messageId: "notPrincipal",
          line: 6,
          column: 7,
          endLine: 6,
          endColumn: 21,
          severity: "warning",
          message:
            'NotPrincipal in an Allow statement grants access to every principal except "arn:aws:iam::111122223333:role/auditor", anonymous users included; list the allowed principals in Principal instead.',
        },
      ],
    },
    {
      name: "NotPrincipal in an Allow of a trust policy",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "sts:AssumeRole" }],
      },
      errors: [{ messageId: "notPrincipal", line: 6, column: 7, endLine: 6, endColumn: 21, severity: "warning" }],
    },
  ],
});

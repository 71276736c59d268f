import rule from "../../src/rules/policy-size-limit.ts";
import { ruleTester } from "./rule-tester.ts";

// Size tests need long documents; the long lists are built here once, and every case below stays literal.
/** 66 account root ARNs: 2,283 characters in a one-statement trust policy. */
const ACCOUNTS = Array.from({ length: 66 }, (_, i) => `arn:aws:iam::${String(100000000001 + i)}:root`);
/** 80 object ARNs of 35 characters each, as HCL list items: a policy of 3,134 characters. */
const HCL_80_OBJECTS = Array.from({ length: 80 }, (_, i) => `"arn:aws:s3:::reports-${String(1000 + i)}/exports/*"`).join(", ");
/** 180 of them: 6,934 characters, over the managed-policy quota but under a role's inline quota. */
const HCL_180_OBJECTS = Array.from({ length: 180 }, (_, i) => `"arn:aws:s3:::reports-${String(1000 + i)}/exports/*"`).join(", ");
/** 150 queue ARNs: 8,391 bytes in an SQS queue policy, over its 8 KB. */
const QUEUES = Array.from({ length: 150 }, (_, i) => `arn:aws:sqs:us-east-1:111122223333:orders-queue-${String(1000 + i)}`);

/** GitHub owners allowed by an RCP's web-identity Deny: 120 make 2,4xx characters, 300 make 5,6xx. */
const owners = (n: number) => Array.from({ length: n }, (_, i) => `owner-org-${String(1000 + i)}`);
const rcpFile = (path: string, n: number) => ({
  path,
  text: JSON.stringify(
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "sts:AssumeRoleWithWebIdentity",
          Resource: "*",
          Condition: { StringNotEquals: { "token.actions.githubusercontent.com:repository_owner": owners(n) } },
        },
      ],
    },
    null,
    2,
  ),
});
/** 600 object ARNs: an endpoint policy of about 21,000 characters. */
const OBJECTS_600 = Array.from({ length: 600 }, (_, i) => `arn:aws:s3:::reports-${String(1000 + i)}/exports/*`);

const tfPolicy = (resource: string, resources: string) =>
  `${resource} {\n` +
  "  policy = jsonencode({\n" +
  '    Version   = "2012-10-17"\n' +
  `    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = [${resources}] }]\n` +
  "  })\n" +
  "}\n";

ruleTester.run(rule, {
  valid: [
    {
      name: "a small managed policy",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }] },
    },
    {
      name: "3,134 characters are fine for a managed policy (aws_iam_policy)",
      files: [{ path: "main.tf", text: tfPolicy('resource "aws_iam_policy" "reports"', HCL_80_OBJECTS) }],
    },
    {
      name: "6,934 characters are fine for a role's inline policy (aws_iam_role_policy)",
      files: [
        {
          path: "main.tf",
          text: tfPolicy('resource "aws_iam_role_policy" "reports"', HCL_180_OBJECTS).replace("{\n", '{\n  role = "app"\n'),
        },
      ],
    },
    {
      name: "a bucket policy of 2 KB",
      kind: "resource",
      resourceType: "AWS::S3::Bucket",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: ACCOUNTS }, Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }],
      },
    },
    {
      name: "issue 10: an RCP (its shape: Principal * and a Deny on Resource *) of 2,400 characters is within the RCP quota, not over a trust policy's",
      files: [rcpFile("org/deny-web-identity.json", 120)],
    },
  ],
  invalid: [
    {
      name: "issue 10: an RCP in an rcps/ folder is held to the RCP quota of 5,120",
      files: [rcpFile("rcps/deny-web-identity.json", 300)],
      errors: [
        {
          messageId: "tooLarge",
          line: 1,
          column: 1,
          endLine: 317,
          endColumn: 2,
          message: /^This resource control policy has [\d,]+ characters, over AWS's quota of 5,120/,
        },
      ],
    },
    {
      name: "issue 10: a VPC endpoint policy over 20,480 characters",
      kind: "endpoint",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: OBJECTS_600 }] },
      errors: [
        {
          messageId: "tooLarge",
          line: 1,
          column: 1,
          endLine: 612,
          endColumn: 2,
          message: /^This VPC endpoint policy has [\d,]+ characters, over AWS's quota of 20,480/,
        },
      ],
    },
    {
      name: "a trust policy over the default 2,048 characters",
      kind: "trust",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ACCOUNTS }, Action: "sts:AssumeRole" }] },
      errors: [
        {
          messageId: "tooLarge",
          line: 1,
          column: 1,
          endLine: 79,
          endColumn: 2,
          severity: "error",
          message:
            "This trust policy has 2,283 characters (not counting white space), over AWS's quota of 2,048 (the default quota; it can be raised to 4,096 through Service Quotas), so AWS rejects it; split it or use wildcards and conditions to shorten it.",
          suggestion: null,
        },
      ],
    },
    {
      name: "3,134 characters are too many for a user's inline policy (aws_iam_user_policy)",
      files: [
        {
          path: "main.tf",
          text: tfPolicy('resource "aws_iam_user_policy" "reports"', HCL_80_OBJECTS).replace("{\n", '{\n  user = "ci"\n'),
        },
      ],
      errors: [
        {
          messageId: "tooLarge",
          line: 3,
          column: 23,
          endLine: 6,
          endColumn: 4,
          message:
            "This inline policy of a user has 3,134 characters (not counting white space), over AWS's quota of 2,048 (the quota is for all of the user's inline policies together), so AWS rejects it; split it or use wildcards and conditions to shorten it.",
        },
      ],
    },
    {
      name: "6,934 characters are too many for a managed policy (aws_iam_policy)",
      files: [{ path: "main.tf", text: tfPolicy('resource "aws_iam_policy" "reports"', HCL_180_OBJECTS) }],
      errors: [
        {
          messageId: "tooLarge",
          line: 2,
          column: 23,
          endLine: 5,
          endColumn: 4,
          message:
            "This managed policy has 6,934 characters (not counting white space), over AWS's quota of 6,144, so AWS rejects it; split it or use wildcards and conditions to shorten it.",
        },
      ],
    },
    {
      name: "unresolved values are counted as 20 characters each and the size is approximate",
      files: [
        {
          path: "main.tf",
          text: tfPolicy('resource "aws_iam_user_policy" "reports"', `${HCL_80_OBJECTS}, var.extra_bucket_arn`).replace(
            "{\n",
            '{\n  user = "ci"\n',
          ),
        },
      ],
      errors: [
        {
          messageId: "tooLarge",
          line: 3,
          column: 23,
          endLine: 6,
          endColumn: 4,
          message: /^This inline policy of a user has about 3,157 characters/,
        },
      ],
    },
    {
      name: "an SQS queue policy over 8 KB",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: QUEUES }],
      },
      errors: [
        {
          messageId: "tooLarge",
          line: 1,
          column: 1,
          endLine: 164,
          endColumn: 2,
          message:
            "This SQS queue policy has 8,391 bytes, over AWS's quota of 8,192, so AWS rejects it; split it or use wildcards and conditions to shorten it.",
        },
      ],
    },
  ],
});

import rule from "../../src/rules/cross-account-trust-conditions.ts";
import { ruleTester } from "./rule-tester.ts";

const VENDOR_ROOT = "arn:aws:iam::444455556666:root";

const CFN_OWN_ACCOUNT = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub arn:aws:iam::\${AWS::AccountId}:root
            Action: sts:AssumeRole
`;

const TF_OWN_ACCOUNT = `data "aws_caller_identity" "current" {}

resource "aws_iam_role" "admin" {
  name = "admin"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:root" }
      Action    = "sts:AssumeRole"
    }]
  })
}
`;

ruleTester.run(rule, {
  valid: [
    {
      name: "issue 10: the Region's Elastic Load Balancing log-delivery account writing access logs",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::127311923021:root" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::access-logs/AWSLogs/111122223333/*",
          },
        ],
      },
    },
    {
      name: "the vendor must present the external id",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: VENDOR_ROOT },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": "customer-42" } },
          },
        ],
      },
    },
    {
      name: "only principals of the organization",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: VENDOR_ROOT },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
          },
        ],
      },
    },
    {
      name: "only one role of the account, by aws:PrincipalArn",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: VENDOR_ROOT },
            Action: "sts:AssumeRole",
            Condition: { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::444455556666:role/deployer" } },
          },
        ],
      },
    },
    {
      name: "only principals tagged for it",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: VENDOR_ROOT },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalTag/team": "platform" } },
          },
        ],
      },
    },
    {
      name: "people of another account, with MFA",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: VENDOR_ROOT },
            Action: "sts:AssumeRole",
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
          },
        ],
      },
    },
    {
      name: "the default key policy gives the key's account kms:*",
      kind: "resource",
      resourceType: "AWS::KMS::Key",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "Enable IAM User Permissions",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:root" },
            Action: "kms:*",
            Resource: "*",
          },
        ],
      },
    },
    {
      name: "the queue's own account",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "111122223333" },
            Action: "sqs:SendMessage",
            Resource: "arn:aws:sqs:us-east-1:111122223333:orders",
          },
        ],
      },
    },
    {
      name: "a named role in a bucket policy",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::444455556666:role/reader" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::reports/*",
          },
        ],
      },
    },
    {
      name: "an account from an unresolved reference is taken to be this account",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::{{AWS::AccountId}}:root" }, Action: "sts:AssumeRole" }],
      },
    },
    {
      name: "a statement that only allows session tags",
      kind: "trust",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: VENDOR_ROOT }, Action: "sts:TagSession" }] },
    },
    {
      name: "a deny for another account",
      kind: "trust",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: { AWS: VENDOR_ROOT }, Action: "sts:AssumeRole" }] },
    },
    { name: "the template's own account (CloudFormation !Sub)", files: [{ path: "template.yaml", text: CFN_OWN_ACCOUNT }] },
    { name: "the caller's own account (Terraform aws_caller_identity)", files: [{ path: "main.tf", text: TF_OWN_ACCOUNT }] },
  ],
  invalid: [
    {
      name: "a vendor's whole account may assume the role",
      kind: "trust",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: VENDOR_ROOT }, Action: "sts:AssumeRole" }] },
      errors: [
        {
          messageId: "accountRootTrust",
          line: 7,
          column: 16,
          endLine: 7,
          endColumn: 48,
          severity: "warning",
          message:
            "This trust policy lets every role and user of account 444455556666 that its IAM policies allow assume the role; require sts:ExternalId if it is a third party's account, or narrow it with aws:PrincipalArn or aws:PrincipalOrgID.",
          suggestion: null,
        },
      ],
    },
    {
      name: "a bare account id",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: ["444455556666"] }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
      },
      errors: [{ messageId: "accountRootTrust", line: 8, column: 11, endLine: 8, endColumn: 25 }],
    },
    {
      name: "a named role of another account, with no condition",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:role/integration" }, Action: "sts:AssumeRole" }],
      },
      errors: [
        {
          messageId: "crossAccountPrincipal",
          line: 7,
          column: 16,
          endLine: 7,
          endColumn: 60,
          severity: "note",
          message:
            "This trust policy lets arn:aws:iam::444455556666:role/integration assume the role with no condition; if account 444455556666 belongs to a third party, require sts:ExternalId so the role cannot be used on another customer's behalf.",
        },
      ],
    },
    {
      name: "a bucket shared with another account",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: VENDOR_ROOT }, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::reports/*" }],
      },
      errors: [
        {
          messageId: "accountRootResource",
          line: 7,
          column: 16,
          endLine: 7,
          endColumn: 48,
          severity: "warning",
          message:
            "This statement grants every principal of account 444455556666 that its IAM policies allow; name the roles that need it or narrow it with aws:PrincipalArn or aws:PrincipalOrgID.",
        },
      ],
    },
    {
      name: "an external id that is a wildcard",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: VENDOR_ROOT },
            Action: "sts:AssumeRole",
            Condition: { StringLike: { "sts:ExternalId": "*" } },
          },
        ],
      },
      errors: [{ messageId: "accountRootTrust", line: 7, column: 16, endLine: 7, endColumn: 48 }],
    },
    {
      name: "a key shared with another account next to the default statement",
      kind: "resource",
      resourceType: "AWS::KMS::Key",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" },
          { Effect: "Allow", Principal: { AWS: VENDOR_ROOT }, Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: "*" },
        ],
      },
      errors: [{ messageId: "accountRootResource", line: 15, column: 16, endLine: 15, endColumn: 48 }],
    },
    {
      name: "two accounts in one statement",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: [VENDOR_ROOT, "arn:aws:iam::777788889999:root"] }, Action: "sts:AssumeRole" }],
      },
      errors: [
        { messageId: "accountRootTrust", line: 8, column: 11, endLine: 8, endColumn: 43, message: /account 444455556666/ },
        { messageId: "accountRootTrust", line: 9, column: 11, endLine: 9, endColumn: 43, message: /account 777788889999/ },
      ],
    },
  ],
});

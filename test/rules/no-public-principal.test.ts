import rule from "../../src/rules/no-public-principal.ts";
import { ruleTester } from "./rule-tester.ts";

const BUCKET = "arn:aws:s3:::reports/*";

const CFN_LAMBDA_PERMISSION = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  PublicInvoke:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunctionUrl
      FunctionName: arn:aws:lambda:us-east-1:111122223333:function:report
      Principal: "*"
      FunctionUrlAuthType: NONE
`;

const TF_LAMBDA_PERMISSION = `resource "aws_lambda_permission" "public" {
  action        = "lambda:InvokeFunction"
  function_name = "report"
  principal     = "*"
}
`;

const TF_LAMBDA_PERMISSION_SCOPED = `resource "aws_lambda_permission" "from_topic" {
  action        = "lambda:InvokeFunction"
  function_name = "report"
  principal     = "*"
  source_arn    = "arn:aws:sns:us-east-1:111122223333:orders"
}
`;

ruleTester.run(rule, {
  valid: [
    {
      name: "issue 10: only AWS services may use it (aws:PrincipalIsAWSService)",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: BUCKET,
            Condition: { Bool: { "aws:PrincipalIsAWSService": "true" } },
          },
        ],
      },
    },
    {
      name: "issue 10: private API, a Deny of the same actions unless the VPC endpoint",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
          {
            Effect: "Deny",
            Principal: "*",
            Action: "execute-api:Invoke",
            Resource: "execute-api:/*",
            Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" } },
          },
        ],
      },
    },
    {
      name: "issue 10: data perimeter, Deny unless the organization or an AWS service",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: ["s3:GetObject", "s3:PutObject"], Resource: BUCKET },
          {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: "*",
            Condition: {
              StringNotEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
              BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
            },
          },
        ],
      },
    },
    {
      name: "any principal of the organization",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
          },
        ],
      },
    },
    {
      name: "a named account",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "s3:GetObject", Resource: BUCKET }],
      },
    },
    {
      name: "a deny for everyone is not a grant",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: BUCKET, Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
      },
    },
    {
      name: "ArnLike on aws:SourceArn with the account pinned",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sqs:SendMessage",
            Resource: "arn:aws:sqs:us-east-1:111122223333:orders",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:*" } },
          },
        ],
      },
    },
    {
      name: "ForAnyValue is false when the key is absent, so it narrows",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { "ForAnyValue:StringEquals": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"] } },
          },
        ],
      },
    },
    {
      name: "only through one VPC endpoint",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
          },
        ],
      },
    },
    {
      name: "from an office IP range",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { IpAddress: { "aws:SourceIp": ["203.0.113.0/24"] } },
          },
        ],
      },
    },
    {
      name: "through S3 access points of one account",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "*",
            Resource: ["arn:aws:s3:::reports", BUCKET],
            Condition: { StringEquals: { "s3:DataAccessPointAccount": "111122223333" } },
          },
        ],
      },
    },
    {
      name: "a KMS key usable by any caller of one account",
      kind: "resource",
      resourceType: "AWS::KMS::Key",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "kms:CallerAccount": "111122223333", "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
          },
        ],
      },
    },
    {
      name: "an unresolved principal is unknown, not public",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "{{var.reader_arn}}" }, Action: "s3:GetObject", Resource: BUCKET }],
      },
    },
    {
      name: "an unresolved organization id narrows",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { StringEquals: { "aws:PrincipalOrgID": "{{var.org_id}}" } },
          },
        ],
      },
    },
    {
      name: "a trust policy for one role",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/deployer" }, Action: "sts:AssumeRole" }],
      },
    },
    {
      name: "the full-access RCP says * for every caller in scope",
      kind: "rcp",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] },
    },
    {
      name: "a Lambda permission for anyone, narrowed by the source topic (Terraform)",
      files: [{ path: "main.tf", text: TF_LAMBDA_PERMISSION_SCOPED }],
    },
  ],
  invalid: [
    {
      name: "issue 10: a companion Deny with an unrelated condition leaves everyone else allowed",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: BUCKET },
          {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" }, Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      },
      errors: [{ messageId: "publicPrincipal", line: 6, column: 20, endLine: 6, endColumn: 23 }],
    },
    {
      name: "issue 10: a companion Deny that covers only some of the actions",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: ["s3:GetObject", "s3:PutObject"], Resource: BUCKET },
          {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
          },
        ],
      },
      errors: [{ messageId: "publicPrincipal", line: 6, column: 20, endLine: 6, endColumn: 23 }],
    },
    {
      name: "issue 10: aws:PrincipalIsAWSService false does not limit who",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { Bool: { "aws:PrincipalIsAWSService": "false" } },
          },
        ],
      },
      errors: [{ messageId: "publicPrincipal", line: 6, column: 20, endLine: 6, endColumn: 23 }],
    },
    {
      name: "a bucket readable by anyone",
      kind: "resource",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: BUCKET }] },
      errors: [
        {
          messageId: "publicPrincipal",
          line: 6,
          column: 20,
          endLine: 6,
          endColumn: 23,
          severity: "error",
          message:
            'This statement grants "Principal": "*", meaning every AWS account and anonymous callers; name the principals, or add a condition such as aws:PrincipalOrgID or aws:SourceArn.',
          suggestion: null,
        },
      ],
    },
    {
      name: "AWS * among named principals",
      kind: "resource",
      resourceType: "AWS::SNS::Topic",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: ["arn:aws:iam::111122223333:root", "*"] },
            Action: "sns:Publish",
            Resource: "arn:aws:sns:us-east-1:111122223333:t",
          },
        ],
      },
      errors: [
        { messageId: "publicPrincipal", line: 9, column: 11, endLine: 9, endColumn: 14, message: /grants \{"AWS": "\*"\}, meaning/ },
      ],
    },
    {
      name: "an ARN with a wildcard account",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::*:root" }, Action: "s3:GetObject", Resource: BUCKET }],
      },
      errors: [{ messageId: "publicPrincipal", line: 7, column: 16, endLine: 7, endColumn: 37 }],
    },
    {
      name: "a canonical user wildcard",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { CanonicalUser: "*" }, Action: "s3:GetObject", Resource: BUCKET }],
      },
      errors: [{ messageId: "publicPrincipal", line: 7, column: 26, endLine: 7, endColumn: 29 }],
    },
    {
      name: "a role anyone can assume",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "x1" } } },
        ],
      },
      errors: [
        {
          messageId: "publicTrust",
          line: 7,
          column: 16,
          endLine: 7,
          endColumn: 19,
          severity: "error",
          message:
            'This trust policy lets {"AWS": "*"} assume the role: anyone in any AWS account can get its credentials; name the principals that need it.',
        },
      ],
    },
    {
      name: "StringLike * on aws:SourceAccount does not narrow",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: BUCKET,
            Condition: { StringLike: { "aws:SourceAccount": "*" } },
          },
        ],
      },
      errors: [
        {
          messageId: "publicPrincipal",
          line: 6,
          column: 20,
          endLine: 6,
          endColumn: 23,
          message:
            'This statement grants "Principal": "*", meaning every AWS account and anonymous callers (its condition on aws:SourceAccount does not limit that: "*" matches requests from anyone); name the principals, or add a condition such as aws:PrincipalOrgID or aws:SourceArn.',
        },
      ],
    },
    {
      name: "IfExists does not narrow",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
          },
        ],
      },
      errors: [
        {
          messageId: "publicPrincipal",
          line: 6,
          column: 20,
          endLine: 6,
          endColumn: 23,
          message: /"StringEqualsIfExists" also matches requests that do not carry the key/,
        },
      ],
    },
    {
      name: "a negated operator does not narrow",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { StringNotEquals: { "aws:SourceAccount": "111122223333" } },
          },
        ],
      },
      errors: [
        { messageId: "publicPrincipal", line: 6, column: 20, endLine: 6, endColumn: 23, message: /allows every value it does not list/ },
      ],
    },
    {
      name: "ForAllValues is true without the key",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } },
          },
        ],
      },
      errors: [
        {
          messageId: "publicPrincipal",
          line: 6,
          column: 20,
          endLine: 6,
          endColumn: 23,
          message: /is true when the request has no value for the key/,
        },
      ],
    },
    {
      name: "aws:SecureTransport is not about who",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { Bool: { "aws:SecureTransport": "true" } },
          },
        ],
      },
      errors: [{ messageId: "publicPrincipal", line: 6, column: 20, endLine: 6, endColumn: 23 }],
    },
    {
      name: "every IPv4 address",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: BUCKET,
            Condition: { IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "0.0.0.0/0"] } },
          },
        ],
      },
      errors: [
        {
          messageId: "publicPrincipal",
          line: 6,
          column: 20,
          endLine: 6,
          endColumn: 23,
          message: /"0\.0\.0\.0\/0" matches requests from anyone/,
        },
      ],
    },
    {
      name: "a source ARN in any account",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sqs:SendMessage",
            Resource: "arn:aws:sqs:us-east-1:111122223333:orders",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:*:orders" } },
          },
        ],
      },
      errors: [{ messageId: "publicPrincipal", line: 7, column: 16, endLine: 7, endColumn: 19 }],
    },
    {
      name: "Allow with NotPrincipal",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "s3:GetObject", Resource: BUCKET }],
      },
      errors: [{ messageId: "allowNotPrincipal", line: 6, column: 7, endLine: 6, endColumn: 21 }],
    },
    {
      name: "a public function URL (CloudFormation Lambda permission)",
      files: [{ path: "template.yaml", text: CFN_LAMBDA_PERMISSION }],
      errors: [{ messageId: "publicPrincipal", line: 8, column: 18, endLine: 8, endColumn: 21 }],
    },
    {
      name: "a Lambda permission for anyone (Terraform)",
      files: [{ path: "main.tf", text: TF_LAMBDA_PERMISSION }],
      errors: [{ messageId: "publicPrincipal", line: 4, column: 19, endLine: 4, endColumn: 22 }],
    },
  ],
});

import rule from "../../src/rules/service-principal-source-condition.ts";
import { ruleTester } from "./rule-tester.ts";

const QUEUE = "arn:aws:sqs:us-east-1:111122223333:orders";

const CFN_LAMBDA_FROM_S3 = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  InvokeFromBucket:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Handler.Arn
      Principal: s3.amazonaws.com
`;

const CFN_LAMBDA_FROM_S3_SCOPED = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  InvokeFromBucket:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Handler.Arn
      Principal: s3.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
      SourceArn: arn:aws:s3:::uploads
`;

const TF_LAMBDA_FROM_EVENTS = `resource "aws_lambda_permission" "schedule" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.handler.function_name
  principal     = "events.amazonaws.com"
}
`;

const COMPACT = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"${QUEUE}"}]}
`;

ruleTester.run(rule, {
  valid: [
    {
      name: "only the orders topic may send",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "sns.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: QUEUE,
            Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:orders" } },
          },
        ],
      },
    },
    {
      name: "CloudTrail writes for one account",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::trail-logs/AWSLogs/111122223333/*",
            Condition: { StringEquals: { "aws:SourceAccount": "111122223333", "s3:x-amz-acl": "bucket-owner-full-control" } },
          },
        ],
      },
    },
    {
      name: "services of one organization",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "config.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::config-logs/*",
            Condition: { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } },
          },
        ],
      },
    },
    {
      name: "a key for CloudWatch Logs pinned through the encryption context",
      kind: "resource",
      resourceType: "AWS::KMS::Key",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "logs.us-east-1.amazonaws.com" },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:111122223333:log-group:*" } },
          },
        ],
      },
    },
    {
      name: "a role trust for a compute service is not a resource policy",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      },
    },
    {
      name: "a deny for a service",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Deny", Principal: { Service: "sns.amazonaws.com" }, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::reports/*" },
        ],
      },
    },
    {
      name: "an unresolved service principal is unknown",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "{{var.service}}" }, Action: "s3:PutObject", Resource: "arn:aws:s3:::reports/*" },
        ],
      },
    },
    {
      name: "an unresolved source account narrows",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::logs/*",
            Condition: { StringEquals: { "aws:SourceAccount": "{{data.aws_caller_identity.current.account_id}}" } },
          },
        ],
      },
    },
    {
      name: "a Lambda permission for S3 with the source bucket (CloudFormation)",
      files: [{ path: "template.yaml", text: CFN_LAMBDA_FROM_S3_SCOPED }],
    },
  ],
  invalid: [
    {
      name: "any SNS topic may send to the queue",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: QUEUE }],
      },
      errors: [
        {
          messageId: "missingSourceCondition",
          line: 7,
          column: 20,
          endLine: 7,
          endColumn: 39,
          severity: "warning",
          message:
            "This statement lets sns.amazonaws.com act on behalf of any AWS account, because no aws:SourceArn or aws:SourceAccount condition names the resource or account it acts for; add one to prevent the confused-deputy problem.",
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "sns.amazonaws.com"
      },
      "Condition": { "StringEquals": { "aws:SourceAccount": "111122223333" } },
      "Action": "sqs:SendMessage",
      "Resource": "arn:aws:sqs:us-east-1:111122223333:orders"
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "Principal last in the statement",
      kind: "resource",
      resourceType: "AWS::SNS::Topic",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "sns:Publish",
            Resource: "arn:aws:sns:us-east-1:111122223333:alerts",
            Principal: { Service: "events.amazonaws.com" },
          },
        ],
      },
      errors: [
        {
          messageId: "missingSourceCondition",
          line: 9,
          column: 20,
          endLine: 9,
          endColumn: 42,
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sns:Publish",
      "Resource": "arn:aws:sns:us-east-1:111122223333:alerts",
      "Principal": {
        "Service": "events.amazonaws.com"
      },
      "Condition": { "StringEquals": { "aws:SourceAccount": "111122223333" } }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "a trail bucket without a source condition has no account to suggest",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::trail-logs/*",
          },
        ],
      },
      errors: [{ messageId: "missingSourceCondition", line: 7, column: 20, endLine: 7, endColumn: 46, suggestion: null }],
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
            Principal: { Service: "sns.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: QUEUE,
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:*:orders" } },
          },
        ],
      },
      errors: [
        {
          messageId: "missingSourceCondition",
          line: 7,
          column: 20,
          endLine: 7,
          endColumn: 39,
          message: /\(the condition on aws:SourceArn does not: "arn:aws:sns:us-east-1:\*:orders" matches requests from anyone\)/,
          suggestion: null,
        },
      ],
    },
    {
      name: "IfExists on the source account",
      kind: "resource",
      resourceType: "AWS::SNS::Topic",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sns:Publish",
            Resource: "arn:aws:sns:us-east-1:111122223333:uploads",
            Condition: { StringEqualsIfExists: { "aws:SourceAccount": "111122223333" } },
          },
        ],
      },
      errors: [
        {
          messageId: "missingSourceCondition",
          line: 7,
          column: 20,
          endLine: 7,
          endColumn: 38,
          message: /"StringEqualsIfExists" also matches requests that do not carry the key/,
        },
      ],
    },
    {
      name: "two services in one statement",
      kind: "resource",
      resourceType: "AWS::KMS::Key",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: ["sns.amazonaws.com", "events.amazonaws.com"] },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
          },
        ],
      },
      errors: [
        { messageId: "missingSourceCondition", line: 8, column: 11, endLine: 8, endColumn: 30, message: /lets sns\.amazonaws\.com/ },
        { messageId: "missingSourceCondition", line: 9, column: 11, endLine: 9, endColumn: 33, message: /lets events\.amazonaws\.com/ },
      ],
    },
    {
      name: "a compact JSON policy gets the condition on the same line",
      files: [{ path: "queue-policy.json", text: COMPACT }],
      errors: [
        {
          messageId: "missingSourceCondition",
          line: 1,
          column: 79,
          endLine: 1,
          endColumn: 98,
          suggestion: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"}, "Condition": { "StringEquals": { "aws:SourceAccount": "111122223333" } },"Action":"sqs:SendMessage","Resource":"${QUEUE}"}]}
`,
        },
      ],
    },
    {
      name: "a Lambda permission for S3 without the source bucket (CloudFormation)",
      files: [{ path: "template.yaml", text: CFN_LAMBDA_FROM_S3 }],
      errors: [{ messageId: "missingSourceCondition", line: 8, column: 18, endLine: 8, endColumn: 34, suggestion: null }],
    },
    {
      name: "a Lambda permission for EventBridge without the rule (Terraform)",
      files: [{ path: "main.tf", text: TF_LAMBDA_FROM_EVENTS }],
      errors: [{ messageId: "missingSourceCondition", line: 4, column: 19, endLine: 4, endColumn: 41, suggestion: null }],
    },
  ],
});

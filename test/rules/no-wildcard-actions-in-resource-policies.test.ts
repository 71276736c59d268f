import rule from "../../src/rules/no-wildcard-actions-in-resource-policies.ts";
import { ruleTester } from "./rule-tester.ts";

const QUEUE = "arn:aws:sqs:us-east-1:111122223333:orders";

/** Issue #11: a Terraform queue policy in a heredoc, `Principal: "*"` and `Action: "*"` narrowed only by a condition. */
const TF_QUEUE_POLICY = `resource "aws_sqs_queue_policy" "q" {
  queue_url = aws_sqs_queue.q.id
  policy    = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": "*",
    "Action": "*",
    "Resource": "\${aws_sqs_queue.q.arn}",
    "Condition": { "ArnEquals": { "aws:SourceArn": "\${aws_sns_topic.t.arn}" } }
  }]
}
POLICY
}
`;

/** The deploying account's root, written the Terraform way: adds nothing to the account's own IAM policies. */
const TF_OWN_ACCOUNT = `data "aws_caller_identity" "current" {}
resource "aws_s3_bucket_policy" "b" {
  bucket = "reports"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:root" }
      Action    = "s3:*"
      Resource  = "arn:aws:s3:::reports/*"
    }]
  })
}
`;

/** The same in CloudFormation, plus a KMS key policy's default statement. */
const CFN_OWN_ACCOUNT = `Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub arn:aws:iam::\${AWS::AccountId}:root
            Action: kms:*
            Resource: "*"
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Ref AWS::AccountId
            Action: sqs:*
            Resource: !GetAtt Queue.Arn
`;

ruleTester.run(rule, {
  valid: [
    {
      name: "only the actions the producer needs",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::444455556666:role/producer" },
            Action: ["sqs:SendMessage", "sqs:Get*"],
            Resource: QUEUE,
          },
        ],
      },
    },
    {
      name: "a KMS key policy's default statement: kms:* to the account root",
      kind: "resource",
      resourceType: "AWS::KMS::Key",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" }],
      },
    },
    {
      name: "a Deny of every action is a guardrail, not a grant",
      kind: "resource",
      resourceType: "AWS::S3::Bucket",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      },
    },
    {
      name: "a bucket delegating access control to the account's access points",
      kind: "resource",
      resourceType: "AWS::S3::Bucket",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "*",
            Resource: ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
            Condition: { StringEquals: { "s3:DataAccessPointAccount": "111122223333" } },
          },
        ],
      },
    },
    {
      name: "identity policies are other rules' (no-service-wildcard-on-all-resources, no-admin-access)",
      kind: "identity",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: QUEUE }] },
    },
    { name: "the deploying account's root in Terraform (data.aws_caller_identity)", files: [{ path: "main.tf", text: TF_OWN_ACCOUNT }] },
    {
      name: "the deploying account's root in CloudFormation, and a key policy default",
      files: [{ path: "template.yaml", text: CFN_OWN_ACCOUNT }],
    },
  ],
  invalid: [
    {
      name: "every SQS action to another account's role",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:role/producer" }, Action: "sqs:*", Resource: QUEUE }],
      },
      errors: [
        {
          messageId: "serviceWildcard",
          line: 9,
          column: 17,
          endLine: 9,
          endColumn: 24,
          severity: "warning",
          message:
            '"sqs:*" in this resource policy gives its principals every sqs action on the resource, including deleting it and rewriting this policy; list the actions they need.',
        },
      ],
    },
    {
      name: "every action, in a list, to another account's role in a key policy",
      kind: "resource",
      resourceType: "AWS::KMS::Key",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:role/admin" }, Action: ["kms:Decrypt", "*"], Resource: "*" },
        ],
      },
      errors: [
        {
          messageId: "everyAction",
          line: 11,
          column: 9,
          endLine: 11,
          endColumn: 12,
          severity: "warning",
          message:
            '"*" in this resource policy gives its principals every action on the resource, including deleting it and rewriting this policy; list the actions they need.',
        },
      ],
    },
    {
      name: "issue 11: Terraform queue policy heredoc with Action * for any principal with a SourceArn condition",
      files: [{ path: "main.tf", text: TF_QUEUE_POLICY }],
      errors: [
        {
          messageId: "everyAction",
          line: 9,
          column: 15,
          endLine: 9,
          endColumn: 18,
          severity: "warning",
          message:
            '"*" in this resource policy gives its principals every action on the resource, including deleting it and rewriting this policy; list the actions they need.',
        },
      ],
    },
  ],
});

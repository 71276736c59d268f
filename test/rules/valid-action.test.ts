import rule from "../../src/rules/valid-action.ts";
import { ruleTester } from "./rule-tester.ts";

ruleTester.run(rule, {
  valid: [
    {
      name: "issue 10: a template placeholder for the action is a value to be filled in",
      kind: "endpoint",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: ["<action>", "##action##"], Resource: "<third-party-resource-arn>" }],
      },
    },
    {
      name: "existing actions in any letter case, service wildcards and a pattern that matches",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:listbucket", "S3:Get*Tagging", "sqs:*", "*"], Resource: "*" }],
      },
    },
    {
      name: "NotAction with existing actions in an SCP",
      kind: "scp",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", NotAction: ["iam:*", "sts:AssumeRole"], Resource: "*" }] },
    },
    {
      name: "a trust policy's actions",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
      },
    },
    {
      name: "unresolved actions are not checked",
      files: [
        {
          path: "main.tf",
          text:
            'resource "aws_iam_policy" "p" {\n' +
            "  policy = jsonencode({\n" +
            '    Version   = "2012-10-17"\n' +
            '    Statement = [{ Effect = "Allow", Action = ["s3:${var.verb}Object", var.action], Resource = "*" }]\n' +
            "  })\n" +
            "}\n",
        },
      ],
    },
  ],
  invalid: [
    {
      name: "issue 10: a batch API name next to the action that authorizes it is a note; without it, an error naming that action",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:DeleteMessageBatch"],
            Resource: "arn:aws:sqs:us-east-1:111122223333:orders",
          },
          { Effect: "Allow", Action: "sqs:SendMessageBatch", Resource: "arn:aws:sqs:us-east-1:111122223333:orders" },
        ],
      },
      errors: [
        {
          messageId: "batchCovered",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 33,
          severity: "note",
          message:
            '"sqs:DeleteMessageBatch" is not an action; AWS authorizes the batch API with "sqs:DeleteMessage", which this statement grants, so it is harmless and can go.',
        },
        {
          messageId: "unknownAction",
          line: 15,
          column: 17,
          endLine: 15,
          endColumn: 39,
          severity: "error",
          message: '"sqs:SendMessageBatch" is not an action of Amazon SQS ("sqs"), so IAM ignores it; did you mean "sqs:SendMessage"?',
          suggestion:
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": [\n        "sqs:ReceiveMessage",\n        "sqs:DeleteMessage",\n        "sqs:DeleteMessageBatch"\n      ],\n      "Resource": "arn:aws:sqs:us-east-1:111122223333:orders"\n    },\n    {\n      "Effect": "Allow",\n      "Action": "sqs:SendMessage",\n      "Resource": "arn:aws:sqs:us-east-1:111122223333:orders"\n    }\n  ]\n}\n',
        },
      ],
    },
    {
      name: "issue 10: SNS:Receive from the default SNS topic access policy is a note",
      kind: "resource",
      resourceType: "AWS::SNS::Topic",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:root" },
            Action: ["SNS:Publish", "SNS:Receive"],
            Resource: "arn:aws:sns:us-east-1:111122223333:t",
          },
        ],
      },
      errors: [
        {
          messageId: "generatedNoOp",
          line: 11,
          column: 9,
          endLine: 11,
          endColumn: 22,
          severity: "note",
          message: '"SNS:Receive" is not an action, so IAM ignores it; the default SNS topic access policy lists it, and it is harmless.',
        },
      ],
    },
    {
      name: "a misspelt action, with the closest action as a suggestion",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["s3:GetObjects", "s3:ListBucket"], Resource: ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"] },
        ],
      },
      errors: [
        {
          messageId: "unknownAction",
          line: 7,
          column: 9,
          endLine: 7,
          endColumn: 24,
          severity: "error",
          message: '"s3:GetObjects" is not an action of Amazon S3 ("s3"), so IAM ignores it; did you mean "s3:GetObject"?',
          suggestion:
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": [\n        "s3:GetObject",\n' +
            '        "s3:ListBucket"\n      ],\n      "Resource": [\n        "arn:aws:s3:::reports",\n        "arn:aws:s3:::reports/*"\n' +
            "      ]\n    }\n  ]\n}\n",
        },
      ],
    },
    {
      name: "an unknown service prefix in the NotAction of an SCP, with the closest prefix as a suggestion",
      kind: "scp",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", NotAction: ["s4:GetObject", "iam:*"], Resource: "*" }] },
      errors: [
        {
          messageId: "unknownService",
          line: 7,
          column: 9,
          endLine: 7,
          endColumn: 23,
          message: 'No AWS service has the prefix "s4", so "s4:GetObject" matches no action; did you mean "s3:GetObject"?',
          suggestion:
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Deny",\n      "NotAction": [\n        "s3:GetObject",\n' +
            '        "iam:*"\n      ],\n      "Resource": "*"\n    }\n  ]\n}\n',
        },
      ],
    },
    {
      name: "a misspelt action in a bucket policy",
      kind: "resource",
      resourceType: "AWS::S3::Bucket",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Sid: "Public", Effect: "Allow", Principal: "*", Action: "s3:GetObjcet", Resource: "arn:aws:s3:::site/*" }],
      },
      errors: [
        {
          messageId: "unknownAction",
          line: 8,
          column: 17,
          endLine: 8,
          endColumn: 31,
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Public",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::site/*"
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "a wildcard that matches no action, and an entry without a service prefix, in a single statement object",
      policy: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: ["s3:Gett*", "logs"], Resource: "*" } },
      errors: [
        {
          messageId: "patternMatchesNothing",
          line: 6,
          column: 7,
          endLine: 6,
          endColumn: 17,
          message: '"s3:Gett*" matches no action of Amazon S3 ("s3"), so IAM ignores it; check the spelling.',
          suggestion: null,
        },
        {
          messageId: "notServiceAction",
          line: 7,
          column: 7,
          endLine: 7,
          endColumn: 13,
          message: '"logs" is not an action: actions have the form "service:ActionName" (or "*"), so IAM matches nothing with it.',
        },
      ],
    },
    {
      name: "an unknown service and an unknown action with nothing close enough to suggest",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["foo:Bar", "s3:Frobnicate"], Resource: "*" }] },
      errors: [
        {
          messageId: "unknownService",
          line: 7,
          column: 9,
          endLine: 7,
          endColumn: 18,
          message: 'No AWS service has the prefix "foo", so "foo:Bar" matches no action.',
          suggestion: null,
        },
        {
          messageId: "unknownAction",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 24,
          message: '"s3:Frobnicate" is not an action of Amazon S3 ("s3"), so IAM ignores it.',
          suggestion: null,
        },
      ],
    },
  ],
});

import rule from "../../src/rules/valid-policy-json.ts";
import { ruleTester } from "./rule-tester.ts";

// Issue #11: malformed policy text is an invalid-policy error where the JSON breaks, not only an input note.
const HEREDOC_TRAILING_COMMA = `resource "aws_sns_topic_policy" "t" {
  arn    = "arn:aws:sns:us-east-1:111122223333:t"
  policy = <<EOT
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Principal": "*",
                "Action": ["sns:Publish",],
                "Resource": "*"}]}
EOT
}
`;

const YAML_BLOCK_MISSING_COMMA = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: |
        {"Version": "2012-10-17"
         "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                        "Principal": {"Service": "ec2.amazonaws.com"}}]}
`;

const JSON_TEMPLATE_STRING = `{
  "Resources": {
    "Queue": {
      "Type": "AWS::SQS::QueuePolicy",
      "Properties": {
        "Queues": ["q"],
        "PolicyDocument": "{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": [}"
      }
    }
  }
}
`;

ruleTester.run(rule, {
  valid: [
    {
      name: "a well-formed heredoc",
      files: [
        {
          path: "main.tf",
          text: 'resource "aws_iam_role" "r" {\n  assume_role_policy = <<EOT\n{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]}\nEOT\n}\n',
        },
      ],
    },
    {
      name: "a well-formed YAML block scalar",
      files: [
        {
          path: "template.yaml",
          text: 'Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: |\n        {"Version": "2012-10-17", "Statement": []}\n',
        },
      ],
    },
  ],
  invalid: [
    {
      name: "Terraform heredoc with a trailing comma: at the comma",
      files: [{ path: "main.tf", text: HEREDOC_TRAILING_COMMA }],
      errors: [
        {
          messageId: "syntax",
          line: 6,
          column: 41,
          endLine: 6,
          endColumn: 42,
          message:
            'The policy in aws_sns_topic_policy.t .policy is not valid JSON (a trailing comma before "]"), so AWS rejects it and nothing in it was analysed.',
        },
      ],
    },
    {
      name: "Terraform empty trust policy: on the attribute",
      files: [{ path: "main.tf", text: 'resource "aws_iam_role" "r" {\n  name               = "r"\n  assume_role_policy = ""\n}\n' }],
      errors: [
        {
          messageId: "empty",
          line: 3,
          column: 3,
          endLine: 3,
          endColumn: 26,
          message: "The policy in aws_iam_role.r .assume_role_policy is empty, so AWS rejects it.",
        },
      ],
    },
    {
      name: "CloudFormation YAML block scalar with a missing comma: inside the scalar",
      files: [{ path: "template.yaml", text: YAML_BLOCK_MISSING_COMMA }],
      errors: [{ messageId: "syntax", line: 8, column: 10, endLine: 8, endColumn: 11 }],
    },
    {
      name: "CloudFormation JSON string that does not parse: on the string",
      files: [{ path: "template.json", text: JSON_TEMPLATE_STRING }],
      errors: [{ messageId: "syntax", line: 7, column: 27, endLine: 7, endColumn: 76 }],
    },
    {
      name: "CloudFormation empty policy string",
      files: [{ path: "template.yaml", text: 'Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: ""\n' }],
      errors: [{ messageId: "empty", line: 5, column: 18, endLine: 5, endColumn: 20 }],
    },
  ],
});

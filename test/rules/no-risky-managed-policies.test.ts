import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule, { awsManagedPolicyName } from "../../src/rules/no-risky-managed-policies.ts";
import { ruleTester } from "./rule-tester.ts";

/** A role with AdministratorAccess (partition from a !Sub) and a SAM function with AWS managed policies by name. */
const CFN_SAM = [
  'AWSTemplateFormatVersion: "2010-09-09"',
  "Transform: AWS::Serverless-2016-10-31",
  "Resources:",
  "  AppRole:",
  "    Type: AWS::IAM::Role",
  "    Properties:",
  "      AssumeRolePolicyDocument:",
  '        Version: "2012-10-17"',
  "        Statement:",
  "          - Effect: Allow",
  "            Principal: { Service: lambda.amazonaws.com }",
  "            Action: sts:AssumeRole",
  "      ManagedPolicyArns:",
  "        - !Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess",
  "        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
  "  Handler:",
  "    Type: AWS::Serverless::Function",
  "    Properties:",
  "      Runtime: python3.12",
  "      Handler: app.handler",
  "      CodeUri: src/",
  "      Policies:",
  "        - PowerUserAccess",
  "        - IAMFullAccess",
  "        - AWSLambda_FullAccess",
  "        - AmazonS3ReadOnlyAccess",
  "",
].join("\n");

/** One attachment with an unresolved partition; one attachment of AdministratorAccess to two roles (one finding). */
const TF = [
  'data "aws_partition" "current" {}',
  "",
  'resource "aws_iam_role" "ops" {',
  '  name               = "ops"',
  '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })',
  "}",
  "",
  'resource "aws_iam_role" "audit" {',
  '  name               = "audit"',
  '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })',
  "}",
  "",
  'resource "aws_iam_role_policy_attachment" "iam" {',
  "  role       = aws_iam_role.ops.name",
  '  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/IAMFullAccess"',
  "}",
  "",
  'resource "aws_iam_policy_attachment" "admin" {',
  '  name       = "admin"',
  "  roles      = [aws_iam_role.ops.name, aws_iam_role.audit.name]",
  '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"',
  "}",
  "",
].join("\n");

/** A JSON template: a user with ReadOnlyAccess (no risk) and AWSCloudFormationFullAccess. */
const CFN_JSON = `${JSON.stringify(
  {
    AWSTemplateFormatVersion: "2010-09-09",
    Resources: {
      Deployer: {
        Type: "AWS::IAM::User",
        Properties: {
          ManagedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AWSCloudFormationFullAccess"],
        },
      },
    },
  },
  null,
  2,
)}\n`;

const SAFE_TF = [
  'variable "extra_policy_arn" {}',
  "",
  'resource "aws_iam_role" "app" {',
  '  name               = "app"',
  '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })',
  "  managed_policy_arns = [",
  '    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",',
  '    "arn:aws:iam::111122223333:policy/AdministratorAccess",',
  '    "arn:aws:iam::aws:policy/NoSuchPolicyName",',
  "    var.extra_policy_arn,",
  "  ]",
  "}",
  "",
].join("\n");

ruleTester.run(rule, {
  valid: [
    {
      name: "a narrow AWS policy, a customer policy named like an AWS one, an unknown name and an unresolved ARN (Terraform)",
      files: [{ path: "main.tf", text: SAFE_TF }],
    },
  ],
  invalid: [
    {
      name: "issue 10: an AWS service-role policy on the role its service assumes is a note",
      files: [
        {
          path: "main.tf",
          text: `resource "aws_iam_role_policy_attachment" "batch" {
  role       = "batch-service"
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"
}
`,
        },
      ],
      errors: [
        {
          messageId: "escalation",
          line: 3,
          column: 16,
          endLine: 3,
          endColumn: 74,
          severity: "note",
          suggestion: null,
          message: /^AWSBatchServiceRole allows the privilege-escalation path iam:PassRole \+ ec2:RunInstances/,
        },
      ],
    },
    {
      name: "CloudFormation and SAM: admin is an error, the others warnings",
      files: [{ path: "template.yaml", text: CFN_SAM }],
      errors: [
        {
          messageId: "admin",
          line: 14,
          column: 11,
          endLine: 14,
          endColumn: 73,
          severity: "error",
          suggestion: null,
          message: "AdministratorAccess grants every action on every resource (from its AWS document).",
        },
        {
          messageId: "notAction",
          line: 23,
          column: 11,
          endLine: 23,
          endColumn: 26,
          severity: "warning",
          message: /^PowerUserAccess allows every action except iam:\*, organizations:\*.* on every resource \(from its AWS document\)\.$/,
        },
        {
          messageId: "iamWrite",
          line: 24,
          column: 11,
          endLine: 24,
          endColumn: 24,
          severity: "warning",
          message:
            "IAMFullAccess allows IAM permissions management on every resource through iam:*, so its holder can grant itself more (from its AWS document).",
        },
        {
          messageId: "escalation",
          line: 25,
          column: 11,
          endLine: 25,
          endColumn: 31,
          severity: "warning",
          message:
            /^AWSLambda_FullAccess allows the privilege-escalation path iam:PassRole \+ lambda:CreateFunction \+ lambda:InvokeFunction: .*\(from its AWS document\)\.$/,
        },
      ],
    },
    {
      name: "Terraform: an unresolved partition, and one finding for an attachment to two roles",
      files: [{ path: "main.tf", text: TF }],
      errors: [
        { messageId: "iamWrite", line: 15, column: 16, endLine: 15, endColumn: 91, severity: "warning" },
        { messageId: "admin", line: 21, column: 16, endLine: 21, endColumn: 61, severity: "error" },
      ],
    },
    {
      name: "a JSON CloudFormation template",
      files: [{ path: "template.json", text: CFN_JSON }],
      errors: [
        {
          messageId: "escalation",
          line: 9,
          column: 11,
          endLine: 9,
          endColumn: 64,
          severity: "warning",
          message: /^AWSCloudFormationFullAccess allows the privilege-escalation path cloudformation:UpdateStack: /,
        },
      ],
    },
  ],
});

describe("awsManagedPolicyName", () => {
  it("reads the name from an AWS managed policy ARN in any partition, with or without a path", () => {
    assert.equal(awsManagedPolicyName("arn:aws:iam::aws:policy/AdministratorAccess"), "AdministratorAccess");
    assert.equal(awsManagedPolicyName("arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess"), "ViewOnlyAccess");
    assert.equal(
      awsManagedPolicyName("arn:{{data.aws_partition.current.partition}}:iam::aws:policy/service-role/AWSLambdaRole"),
      "AWSLambdaRole",
    );
    assert.equal(awsManagedPolicyName("arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess"), "PowerUserAccess");
  });
  it("takes a bare SAM policy name as it is", () => {
    assert.equal(awsManagedPolicyName("IAMFullAccess"), "IAMFullAccess");
  });
  it("ignores customer policies and names that are not known statically", () => {
    assert.equal(awsManagedPolicyName("arn:aws:iam::111122223333:policy/AdministratorAccess"), undefined);
    assert.equal(awsManagedPolicyName("arn:aws:iam::aws:policy/{{var.name}}"), undefined);
    assert.equal(awsManagedPolicyName("{{var.policy_arn}}"), undefined);
  });
});

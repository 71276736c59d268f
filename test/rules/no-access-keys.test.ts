import rule from "../../src/rules/no-access-keys.ts";
import { ruleTester } from "./rule-tester.ts";

const CFN_HEAD = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n';
const ADVICE = "which works from anywhere once leaked; use an IAM role, or OIDC federation for CI, for temporary credentials instead.";

ruleTester.run(rule, {
  valid: [
    {
      name: "a user without an access key",
      files: [{ path: "main.tf", text: 'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n' }],
    },
    {
      name: "an OIDC provider for CI instead of a key",
      files: [
        {
          path: "ci.tf",
          text: 'resource "aws_iam_openid_connect_provider" "github" {\n  url            = "https://token.actions.githubusercontent.com"\n  client_id_list = ["sts.amazonaws.com"]\n}\n',
        },
      ],
    },
    {
      name: "a policy that allows iam:CreateAccessKey creates no key itself",
      files: [
        {
          path: "template.yaml",
          text:
            `${CFN_HEAD}  Rotate:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: "2012-10-17"\n` +
            "        Statement:\n          - Effect: Allow\n            Action: iam:CreateAccessKey\n            Resource: arn:aws:iam::111122223333:user/ci\n",
        },
      ],
    },
  ],
  invalid: [
    {
      name: "a Terraform access key for a user of the module",
      files: [
        {
          path: "main.tf",
          text: 'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n\nresource "aws_iam_access_key" "ci" {\n  user = aws_iam_user.ci.name\n}\n',
        },
      ],
      errors: [
        {
          messageId: "accessKey",
          line: 5,
          column: 1,
          endLine: 7,
          endColumn: 2,
          severity: "error",
          suggestion: null,
          message: `aws_iam_access_key.ci creates a long-lived access key for aws_iam_user.ci, ${ADVICE}`,
        },
      ],
    },
    {
      name: "a Terraform access key for a user named by a literal",
      files: [
        { path: "keys.tf", text: 'resource "aws_iam_access_key" "legacy" {\n  user    = "legacy-bot"\n  pgp_key = "keybase:ops"\n}\n' },
      ],
      errors: [
        {
          messageId: "accessKey",
          line: 1,
          column: 1,
          endLine: 4,
          endColumn: 2,
          message: `aws_iam_access_key.legacy creates a long-lived access key for IAM user "legacy-bot", ${ADVICE}`,
        },
      ],
    },
    {
      name: "a Terraform access key for a user given by a variable",
      files: [{ path: "keys.tf", text: 'variable "user" {}\n\nresource "aws_iam_access_key" "k" {\n  user = var.user\n}\n' }],
      errors: [
        {
          messageId: "accessKey",
          line: 3,
          column: 1,
          endLine: 5,
          endColumn: 2,
          message: `aws_iam_access_key.k creates a long-lived access key for an IAM user, ${ADVICE}`,
        },
      ],
    },
    {
      name: "a CloudFormation access key for a user of the template",
      files: [
        {
          path: "template.yaml",
          text:
            `${CFN_HEAD}  Deployer:\n    Type: AWS::IAM::User\n  DeployerKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n` +
            "      UserName: !Ref Deployer\n      Status: Active\n",
        },
      ],
      errors: [
        {
          messageId: "accessKey",
          line: 5,
          column: 3,
          endLine: 9,
          endColumn: 21,
          message: `AWS::IAM::AccessKey DeployerKey creates a long-lived access key for AWS::IAM::User Deployer, ${ADVICE}`,
        },
      ],
    },
    {
      name: "two CloudFormation access keys, one finding each",
      files: [
        {
          path: "template.yaml",
          text:
            `${CFN_HEAD}  KeyA:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: alice\n` +
            "  KeyB:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: bob\n",
        },
      ],
      errors: [
        {
          messageId: "accessKey",
          line: 3,
          column: 3,
          endLine: 6,
          endColumn: 22,
          message: `AWS::IAM::AccessKey KeyA creates a long-lived access key for IAM user "alice", ${ADVICE}`,
        },
        {
          messageId: "accessKey",
          line: 7,
          column: 3,
          endLine: 10,
          endColumn: 20,
          message: `AWS::IAM::AccessKey KeyB creates a long-lived access key for IAM user "bob", ${ADVICE}`,
        },
      ],
    },
  ],
});

import rule from "../../src/rules/no-iam-users.ts";
import { ruleTester } from "./rule-tester.ts";

const CFN_HEAD = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n';

ruleTester.run(rule, {
  valid: [
    {
      name: "a role for a workload is not a user",
      files: [
        {
          path: "main.tf",
          text:
            'resource "aws_iam_role" "ci" {\n  name = "ci"\n  assume_role_policy = jsonencode({\n    Version = "2012-10-17"\n' +
            '    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]\n  })\n}\n',
        },
      ],
    },
    {
      name: "a CloudFormation group without users",
      files: [
        { path: "template.yaml", text: `${CFN_HEAD}  Admins:\n    Type: AWS::IAM::Group\n    Properties:\n      GroupName: admins\n` },
      ],
    },
    {
      name: "a policy that allows iam:CreateUser creates no user itself",
      files: [
        {
          path: "policy.json",
          text: '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*" }]\n}\n',
        },
      ],
    },
    {
      name: "reading an existing user through a data source creates none",
      files: [{ path: "main.tf", text: 'data "aws_iam_user" "legacy" {\n  user_name = "legacy"\n}\n' }],
    },
  ],
  invalid: [
    {
      name: "a Terraform user",
      files: [{ path: "main.tf", text: 'resource "aws_iam_user" "ci" {\n  name = "ci-bot"\n}\n' }],
      errors: [
        {
          messageId: "iamUser",
          line: 1,
          column: 1,
          endLine: 3,
          endColumn: 2,
          severity: "warning",
          suggestion: null,
          message:
            'IAM user "ci-bot" (aws_iam_user.ci) is an identity with long-term credentials; sign people in through IAM Identity Center or federation and give workloads IAM roles instead.',
        },
      ],
    },
    {
      name: "a Terraform user whose name is a variable is named by its address",
      files: [{ path: "main.tf", text: 'variable "user" {}\n\nresource "aws_iam_user" "deploy" {\n  name = var.user\n}\n' }],
      errors: [
        {
          messageId: "iamUser",
          line: 3,
          column: 1,
          endLine: 5,
          endColumn: 2,
          message:
            "IAM user aws_iam_user.deploy is an identity with long-term credentials; sign people in through IAM Identity Center or federation and give workloads IAM roles instead.",
        },
      ],
    },
    {
      name: "a Terraform user with a console password",
      files: [
        {
          path: "users.tf",
          text: 'resource "aws_iam_user" "alice" {\n  name = "alice"\n}\n\nresource "aws_iam_user_login_profile" "alice" {\n  user = aws_iam_user.alice.name\n}\n',
        },
      ],
      errors: [
        { messageId: "iamUser", line: 1, column: 1, endLine: 3, endColumn: 2 },
        {
          messageId: "loginProfile",
          line: 5,
          column: 1,
          endLine: 7,
          endColumn: 2,
          message:
            "aws_iam_user.alice has a console password (aws_iam_user_login_profile.alice), a long-term credential that can be phished, guessed or reused; sign people in through IAM Identity Center or federation instead.",
        },
      ],
    },
    {
      name: "a console password for a user created elsewhere, named by a literal",
      files: [{ path: "login.tf", text: 'resource "aws_iam_user_login_profile" "bob" {\n  user = "bob"\n}\n' }],
      errors: [
        {
          messageId: "loginProfile",
          line: 1,
          column: 1,
          endLine: 3,
          endColumn: 2,
          message:
            'IAM user "bob" has a console password (aws_iam_user_login_profile.bob), a long-term credential that can be phished, guessed or reused; sign people in through IAM Identity Center or federation instead.',
        },
      ],
    },
    {
      name: "a CloudFormation user with a LoginProfile",
      files: [
        {
          path: "template.yaml",
          text:
            `${CFN_HEAD}  Deployer:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: deployer\n` +
            "      LoginProfile:\n        Password: initial-Passw0rd!\n        PasswordResetRequired: true\n",
        },
      ],
      errors: [
        {
          messageId: "iamUser",
          line: 3,
          column: 3,
          endLine: 9,
          endColumn: 36,
          message:
            'IAM user "deployer" (AWS::IAM::User Deployer) is an identity with long-term credentials; sign people in through IAM Identity Center or federation and give workloads IAM roles instead.',
        },
        {
          messageId: "loginProfile",
          line: 7,
          column: 7,
          endLine: 9,
          endColumn: 36,
          message:
            "AWS::IAM::User Deployer has a console password (AWS::IAM::User Deployer .LoginProfile), a long-term credential that can be phished, guessed or reused; sign people in through IAM Identity Center or federation instead.",
        },
      ],
    },
    {
      name: "a CloudFormation user in a JSON template, without a UserName",
      files: [
        {
          path: "template.json",
          text: '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {\n    "Robot": { "Type": "AWS::IAM::User" }\n  }\n}\n',
        },
      ],
      errors: [
        {
          messageId: "iamUser",
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 42,
          message:
            "IAM user AWS::IAM::User Robot is an identity with long-term credentials; sign people in through IAM Identity Center or federation and give workloads IAM roles instead.",
        },
      ],
    },
  ],
});

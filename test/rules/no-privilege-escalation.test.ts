import rule from "../../src/rules/no-privilege-escalation.ts";
import { ruleTester } from "./rule-tester.ts";

const V = "2012-10-17";

/** A role with one inline policy (iam:PassRole) and one AWS::IAM::Policy (Lambda): the path needs both. */
const CFN_YAML = [
  'AWSTemplateFormatVersion: "2010-09-09"',
  "Resources:",
  "  DeployRole:",
  "    Type: AWS::IAM::Role",
  "    Properties:",
  "      AssumeRolePolicyDocument:",
  '        Version: "2012-10-17"',
  "        Statement:",
  "          - Effect: Allow",
  "            Principal: { Service: codebuild.amazonaws.com }",
  "            Action: sts:AssumeRole",
  "      Policies:",
  "        - PolicyName: pass-roles",
  "          PolicyDocument:",
  '            Version: "2012-10-17"',
  "            Statement:",
  "              - Effect: Allow",
  "                Action: iam:PassRole",
  '                Resource: "*"',
  "  Functions:",
  "    Type: AWS::IAM::Policy",
  "    Properties:",
  "      PolicyName: functions",
  "      Roles: [!Ref DeployRole]",
  "      PolicyDocument:",
  '        Version: "2012-10-17"',
  "        Statement:",
  "          - Effect: Allow",
  "            Action: [lambda:CreateFunction, lambda:InvokeFunction]",
  '            Resource: "*"',
  "",
].join("\n");

/** The same in a JSON template: ec2:RunInstances in one policy, iam:PassRole on every role in the other. */
const CFN_JSON = `${JSON.stringify(
  {
    AWSTemplateFormatVersion: "2010-09-09",
    Resources: {
      BuildRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          AssumeRolePolicyDocument: {
            Version: V,
            Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }],
          },
        },
      },
      Instances: {
        Type: "AWS::IAM::Policy",
        Properties: {
          PolicyName: "instances",
          Roles: [{ Ref: "BuildRole" }],
          PolicyDocument: { Version: V, Statement: [{ Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" }] },
        },
      },
      Passing: {
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
          Roles: [{ Ref: "BuildRole" }],
          PolicyDocument: {
            Version: V,
            Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/*" }],
          },
        },
      },
    },
  },
  null,
  2,
)}\n`;

/** One policy completes PassRole + RunInstances on its own; with the attached policy it also completes a Lambda path. */
const TF = [
  'resource "aws_iam_role" "build" {',
  '  name               = "build"',
  '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "codebuild.amazonaws.com" }, Action = "sts:AssumeRole" }] })',
  "}",
  "",
  'resource "aws_iam_role_policy" "instances" {',
  "  role = aws_iam_role.build.id",
  "  policy = jsonencode({",
  '    Version   = "2012-10-17"',
  '    Statement = [{ Effect = "Allow", Action = ["iam:PassRole", "ec2:RunInstances"], Resource = "*" }]',
  "  })",
  "}",
  "",
  'resource "aws_iam_policy" "functions" {',
  '  name = "functions"',
  "  policy = jsonencode({",
  '    Version   = "2012-10-17"',
  '    Statement = [{ Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }]',
  "  })",
  "}",
  "",
  'resource "aws_iam_role_policy_attachment" "functions" {',
  "  role       = aws_iam_role.build.name",
  "  policy_arn = aws_iam_policy.functions.arn",
  "}",
  "",
].join("\n");

/** Two policies of one role that do not combine: PassRole only to Lambda, and an unresolved action. */
const TF_SAFE = [
  'resource "aws_iam_role" "app" {',
  '  name               = "app"',
  '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })',
  "}",
  "",
  'resource "aws_iam_role_policy" "pass" {',
  "  role = aws_iam_role.app.id",
  "  policy = jsonencode({",
  '    Version   = "2012-10-17"',
  '    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*", Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } } }]',
  "  })",
  "}",
  "",
  'resource "aws_iam_role_policy" "instances" {',
  "  role = aws_iam_role.app.id",
  "  policy = jsonencode({",
  '    Version   = "2012-10-17"',
  '    Statement = [{ Effect = "Allow", Action = ["ec2:RunInstances", var.extra_action], Resource = "*" }]',
  "  })",
  "}",
  "",
].join("\n");

ruleTester.run(rule, {
  valid: [
    {
      name: "issue 10: PassRole limited to Service Catalog is not CloudFormation's stack-set path",
      policy: {
        Version: V,
        Statement: [
          { Effect: "Allow", Action: "cloudformation:UpdateStackSet", Resource: "*" },
          {
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: "*",
            Condition: { StringEquals: { "iam:PassedToService": "servicecatalog.amazonaws.com" } },
          },
        ],
      },
    },
    {
      name: "issue 10: attaching only a named AWS managed policy that carries no risk",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:AttachRolePolicy",
            Resource: "*",
            Condition: { ArnEquals: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" } },
          },
        ],
      },
    },
    {
      name: "issue 10: policy changes on service-linked roles are refused by IAM",
      policy: {
        Version: V,
        Statement: [
          { Effect: "Allow", Action: ["iam:AttachRolePolicy", "iam:PutRolePolicy"], Resource: "arn:aws:iam::*:role/aws-service-role/*" },
        ],
      },
    },
    {
      name: "issue 10: new versions of AWS-managed policies cannot be created",
      policy: {
        Version: V,
        Statement: [
          { Effect: "Allow", Action: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], Resource: "arn:aws:iam::aws:policy/*" },
        ],
      },
    },
    {
      name: "issue 10: every action on S3 buckets cannot run SSM commands (ssm:SendCommand requires a document)",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "*", Resource: ["arn:aws:s3:::*", "arn:aws:s3:::*/*"] }] },
    },
    {
      name: "launching instances without iam:PassRole",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: ["ec2:RunInstances", "ec2:Describe*"], Resource: "*" }] },
    },
    {
      name: "iam:PassRole limited to Lambda does not combine with ec2:RunInstances",
      policy: {
        Version: V,
        Statement: [
          { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" },
          {
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: "arn:aws:iam::111122223333:role/order-processor",
            Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
          },
        ],
      },
    },
    {
      name: "* on * is administrator access, left to no-admin-access",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    },
    {
      name: "a deny grants nothing",
      policy: { Version: V, Statement: [{ Effect: "Deny", Action: "iam:*", Resource: "*" }] },
    },
    {
      name: "an unconditional deny takes the action away",
      policy: {
        Version: V,
        Statement: [
          { Effect: "Allow", Action: ["iam:PassRole", "ec2:RunInstances"], Resource: "*" },
          { Effect: "Deny", Action: "iam:PassRole", Resource: "*" },
        ],
      },
    },
    {
      name: "iam:* on an S3 bucket grants no IAM action",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "arn:aws:s3:::artifacts/*" }] },
    },
    {
      // The tester's HCL rendering writes `${` unescaped (replaceAll treats "$$" as "$"), which Terraform rejects.
      name: "managing one's own access keys and password",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: ["iam:CreateAccessKey", "iam:UpdateLoginProfile"],
            Resource: "arn:aws:iam::111122223333:user/${aws:username}",
          },
        ],
      },
    },
    {
      name: "sts:AssumeRole on one named role",
      policy: {
        Version: V,
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/deployer" }],
      },
    },
    {
      name: "starting one named CodeBuild project",
      policy: {
        Version: V,
        Statement: [{ Effect: "Allow", Action: "codebuild:StartBuild", Resource: "arn:aws:codebuild:us-east-1:111122223333:project/app" }],
      },
    },
    {
      name: "an SCP allowing iam:* is a guardrail, not a grant",
      kind: "scp",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }] },
    },
    {
      name: "two policies of one role that do not combine (Terraform, PassRole for Lambda only, unresolved action)",
      files: [{ path: "main.tf", text: TF_SAFE }],
    },
  ],
  invalid: [
    {
      name: "issue 10: ABAC on the caller's own tag (aws:ResourceTag = ${aws:PrincipalTag/...}) is a note",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: "ssm:StartSession",
            Resource: "*",
            Condition: { StringEquals: { "ssm:resourceTag/team": "${aws:PrincipalTag/team}" } },
          },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 6, column: 17, endLine: 6, endColumn: 35, severity: "note", suggestion: null }],
    },
    {
      name: "issue 10: passing only named roles to CloudFormation is the deploy pattern: a note",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: ["arn:aws:iam::*:role/AWSControlTowerStackSetRole", "arn:aws:iam::*:role/AWSControlTowerAdmin"],
          },
          { Effect: "Allow", Action: "cloudformation:CreateStack", Resource: "*" },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 14, column: 17, endLine: 14, endColumn: 45, severity: "note" }],
    },
    {
      name: "issue 10: passing roles of a literal name prefix to CloudFormation is a note",
      policy: {
        Version: V,
        Statement: [
          { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/service-role/AmazonEC2RoleForLaunchWizard*" },
          { Effect: "Allow", Action: "cloudformation:CreateStack", Resource: "*" },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 11, column: 17, endLine: 11, endColumn: 45, severity: "note" }],
    },
    {
      name: "issue 10: passing every service role to CloudFormation stays a warning",
      policy: {
        Version: V,
        Statement: [
          { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/service-role/*" },
          { Effect: "Allow", Action: "cloudformation:CreateStack", Resource: "*" },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 11, column: 17, endLine: 11, endColumn: 45, severity: "warning" }],
    },
    {
      name: "issue 10: attaching AdministratorAccess through a pinned iam:PolicyARN is still a path (lowered)",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:AttachRolePolicy",
            Resource: "*",
            Condition: { ArnEquals: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" } },
          },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 6, column: 17, endLine: 6, endColumn: 39, severity: "warning" }],
    },
    {
      name: "issue 10: change sets only on the workload's own stacks are a note",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"],
            Resource: "arn:aws:cloudformation:us-east-1:111122223333:stack/myapp-*/*",
          },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 8, column: 9, endLine: 8, endColumn: 42, severity: "note" }],
    },
    {
      name: "issue 10: a deploy policy (update one function, pass its role to Lambda) is a note",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"],
            Resource: "arn:aws:lambda:us-east-1:111122223333:function:orders",
          },
          {
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: "arn:aws:iam::111122223333:role/orders-function",
            Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
          },
        ],
      },
      errors: [
        { messageId: "escalationPath", line: 7, column: 9, endLine: 7, endColumn: 36, severity: "note" },
        { messageId: "escalationPath", line: 8, column: 9, endLine: 8, endColumn: 45, severity: "note" },
      ],
    },
    {
      name: "iam:PassRole and ec2:RunInstances in one statement",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: ["iam:PassRole", "ec2:RunInstances"], Resource: "*" }] },
      errors: [
        {
          messageId: "escalationPath",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 27,
          severity: "error",
          suggestion: null,
          message:
            "This policy allows the privilege-escalation path iam:PassRole + ec2:RunInstances: launch an instance with a more privileged role.",
        },
      ],
    },
    {
      name: "iam:Pas* in a second statement completes the path",
      policy: {
        Version: V,
        Statement: [
          { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" },
          { Effect: "Allow", Action: "iam:Pas*", Resource: "*" },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 11, column: 17, endLine: 11, endColumn: 27, severity: "error" }],
    },
    {
      name: "iam:* completes every IAM path, reported once",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }] },
      errors: [
        {
          messageId: "escalationPaths",
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 24,
          severity: "error",
          message:
            "This policy allows the privilege-escalation path iam:CreatePolicyVersion: write a new default version of a managed policy, " +
            "granting anything to whoever holds it; and 12 more, including iam:SetDefaultPolicyVersion, iam:CreateAccessKey, " +
            "iam:CreateLoginProfile and iam:UpdateLoginProfile.",
        },
      ],
    },
    {
      name: "NotAction without IAM still allows running code as other roles",
      policy: { Version: V, Statement: [{ Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" }] },
      errors: [
        {
          messageId: "escalationPaths",
          line: 6,
          column: 7,
          endLine: 6,
          endColumn: 18,
          severity: "error",
          message:
            /^This policy allows the privilege-escalation path sts:AssumeRole: assume any role whose trust policy allows the account; and 16 more, including /,
        },
      ],
    },
    {
      name: "iam:PassRole on one named role is a warning",
      policy: {
        Version: V,
        Statement: [
          { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/app-instance" },
          { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 11, column: 17, endLine: 11, endColumn: 35, severity: "warning" }],
    },
    {
      name: "iam:PassedToService naming EC2 lowers the error to a warning",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: ["ec2:RunInstances", "iam:PassRole"],
            Resource: "*",
            Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
          },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 8, column: 9, endLine: 8, endColumn: 23, severity: "warning" }],
    },
    {
      name: "a named role limited by iam:PassedToService is a note",
      policy: {
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: "arn:aws:iam::111122223333:role/app-instance",
            Condition: { StringLike: { "iam:PassedToService": "ec2.*" } },
          },
          { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 16, column: 17, endLine: 16, endColumn: 35, severity: "note" }],
    },
    {
      name: "a single statement object, every function of an account",
      policy: {
        Version: V,
        Statement: { Effect: "Allow", Action: ["lambda:UpdateFunctionCode"], Resource: "arn:aws:lambda:us-east-1:111122223333:function:*" },
      },
      errors: [
        {
          messageId: "escalationPath",
          line: 6,
          column: 7,
          endLine: 6,
          endColumn: 34,
          severity: "error",
          message:
            "This policy allows the privilege-escalation path lambda:UpdateFunctionCode: replace an existing function's code to run with its role.",
        },
      ],
    },
    {
      name: "access keys for every user of the account",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "arn:aws:iam::111122223333:user/*" }] },
      errors: [{ messageId: "escalationPath", line: 6, column: 17, endLine: 6, endColumn: 38, severity: "error" }],
    },
    {
      name: "sts:AssumeRole on every role",
      policy: { Version: V, Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] },
      errors: [{ messageId: "escalationPath", line: 6, column: 17, endLine: 6, endColumn: 33, severity: "error" }],
    },
    {
      name: "a resource-tag condition lowers ssm:SendCommand to a warning",
      policy: {
        Version: V,
        Statement: [
          { Effect: "Allow", Action: "ssm:SendCommand", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "dev" } } },
        ],
      },
      errors: [{ messageId: "escalationPath", line: 6, column: 17, endLine: 6, endColumn: 34, severity: "warning" }],
    },
    {
      name: "a group of alternatives names the granted action",
      policy: {
        Version: V,
        Statement: [{ Effect: "Allow", Action: ["iam:PassRole", "glue:UpdateJob", "glue:CreateTrigger"], Resource: "*" }],
      },
      errors: [
        {
          messageId: "escalationPath",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 29,
          message:
            "This policy allows the privilege-escalation path iam:PassRole + glue:UpdateJob + glue:CreateTrigger: create or change a Glue job to run code with a more privileged role, and start it.",
        },
      ],
    },
    {
      name: "a CloudFormation role whose inline policy and AWS::IAM::Policy combine",
      files: [{ path: "template.yaml", text: CFN_YAML }],
      errors: [
        {
          messageId: "principalPath",
          line: 18,
          column: 25,
          endLine: 18,
          endColumn: 37,
          severity: "error",
          message:
            "AWS::IAM::Role DeployRole is allowed the privilege-escalation path iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction " +
            "by AWS::IAM::Role DeployRole .Policies[0] and AWS::IAM::Policy Functions .PolicyDocument together: " +
            "create a function with a more privileged role and invoke it.",
        },
      ],
    },
    {
      name: "a JSON CloudFormation template: AWS::IAM::Policy and AWS::IAM::ManagedPolicy of one role",
      files: [{ path: "template.json", text: CFN_JSON }],
      errors: [
        {
          messageId: "principalPath",
          line: 35,
          column: 25,
          endLine: 35,
          endColumn: 43,
          severity: "error",
          message:
            "AWS::IAM::Role BuildRole is allowed the privilege-escalation path iam:PassRole + ec2:RunInstances by AWS::IAM::Policy Instances .PolicyDocument " +
            "and AWS::IAM::ManagedPolicy Passing .PolicyDocument together: launch an instance with a more privileged role.",
        },
      ],
    },
    {
      name: "Terraform: a path complete in one policy is reported on it, the combined one on the principal",
      files: [{ path: "main.tf", text: TF }],
      errors: [
        {
          messageId: "principalPath",
          line: 10,
          column: 48,
          endLine: 10,
          endColumn: 62,
          message:
            "aws_iam_role.build is allowed the privilege-escalation path iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction by " +
            "aws_iam_role_policy.instances .policy and aws_iam_policy.functions .policy together: create a function with a more privileged role and invoke it.",
        },
        {
          messageId: "escalationPath",
          line: 10,
          column: 64,
          endLine: 10,
          endColumn: 82,
          message:
            "This policy allows the privilege-escalation path iam:PassRole + ec2:RunInstances: launch an instance with a more privileged role.",
        },
      ],
    },
  ],
});

import rule from "../../src/rules/no-write-on-all-resources.ts";
import { ruleTester } from "./rule-tester.ts";

ruleTester.run(rule, {
  valid: [
    {
      name: "issue 10: appconfig:StartConfigurationSession reads configuration: left to no-sensitive-data-access-on-all-resources",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "appconfig:StartConfigurationSession", Resource: "*" }] },
    },
    {
      name: "issue 10: RunInstances on subnets, security groups and images only says what a launch may use; the instances are the operator's",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["ec2:RunInstances", "ec2:TerminateInstances", "ec2:CreateTags"],
            Resource: "arn:aws:ec2:*:*:instance/*",
            Condition: { StringEquals: { "ec2:ManagedResourceOperator": "scaler.lambda.amazonaws.com" } },
          },
          {
            Effect: "Allow",
            Action: ["ec2:RunInstances", "ec2:CreateNetworkInterface"],
            Resource: ["arn:aws:ec2:*:*:subnet/*", "arn:aws:ec2:*:*:security-group/*"],
          },
          {
            Effect: "Allow",
            Action: "ec2:RunInstances",
            Resource: "arn:aws:ec2:*::image/*",
            Condition: { Bool: { "ec2:Public": "true" } },
          },
        ],
      },
    },
    {
      name: "issue 10: what AWS's own execution-role policies grant on * (Lambda logs and VPC interfaces, SSM agent)",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: [
              "logs:CreateLogGroup",
              "logs:CreateLogStream",
              "logs:PutLogEvents",
              "ec2:CreateNetworkInterface",
              "ec2:DeleteNetworkInterface",
            ],
            Resource: "*",
          },
          { Effect: "Allow", Action: ["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel"], Resource: "*" },
        ],
      },
    },
    {
      name: "issue 10: a service-linked role for one named service, tags only while creating",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:CreateServiceLinkedRole",
            Resource: "*",
            Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
          },
          { Effect: "Allow", Action: "ec2:CreateTags", Resource: "*", Condition: { StringEquals: { "ec2:CreateAction": "RunInstances" } } },
        ],
      },
    },
    {
      name: "issue 10: actions that read permissions are not writes (glue:ListEntities, quicksight:Describe*Permissions)",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["glue:ListEntities", "quicksight:DescribeDashboardPermissions"], Resource: "*" }],
      },
    },
    {
      name: "iam:PassRole on * is left to no-unscoped-pass-role",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }] },
    },
    {
      name: "kms:Decrypt on * is left to no-sensitive-data-access-on-all-resources (one grant, one finding)",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Decrypt", "s3:GetObject"], Resource: "*" }] },
    },
    {
      name: "writing objects in one bucket",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::b/*" }],
      },
    },
    {
      name: "actions that only accept * (peers' most common false positive)",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: [
              "ec2:DescribeInstances",
              "s3:ListAllMyBuckets",
              "ecr:GetAuthorizationToken",
              "sts:GetCallerIdentity",
              "xray:PutTraceSegments",
              "xray:PutTelemetryRecords",
            ],
            Resource: "*",
          },
        ],
      },
    },
    {
      name: "read and list wildcards on every resource",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:Get*", "s3:List*", "ec2:Describe*"], Resource: "*" }] },
    },
    {
      name: "*, *:* and service wildcards are left to other rules",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*", "*:*", "s3:*", "dynamodb:**"], Resource: "*" }] },
    },
    {
      name: "a deny of writes on every resource",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["s3:PutObject", "iam:PutRolePolicy"], Resource: "*" }] },
    },
    {
      name: "an SCP allow of writes does not grant",
      kind: "scp",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutBucketPolicy", Resource: "*" }] },
    },
    {
      name: "a resource policy is scoped to its resource",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/producer" }, Action: "sqs:SendMessage", Resource: "*" },
        ],
      },
    },
    {
      name: "an unknown action grants nothing we can name",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutNothing", "nosuchservice:Put*"], Resource: "*" }] },
    },
    {
      name: "unresolved actions and conditions do not crash or count",
      files: [
        {
          path: "main.tf",
          text:
            'variable "action" {}\nvariable "team" {}\n' +
            'resource "aws_iam_policy" "p" {\n' +
            "  policy = jsonencode({\n" +
            '    Version   = "2012-10-17"\n' +
            '    Statement = [{ Effect = "Allow", Action = ["s3:${var.action}", var.action], Resource = "*",\n' +
            '      Condition = { StringEquals = { "aws:ResourceTag/team" = var.team } } }]\n' +
            "  })\n" +
            "}\n",
        },
      ],
    },
  ],
  invalid: [
    {
      name: "issue 10: events:PutRule only for one event source and detail type is a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "events:PutRule",
            Resource: "*",
            Condition: {
              StringEquals: { "events:detail-type": "Security Hub Findings - Imported" },
              "ForAllValues:StringEquals": { "events:source": ["aws.securityhub"] },
            },
          },
        ],
      },
      errors: [{ messageId: "writeOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 33, severity: "note", suggestion: null }],
    },
    {
      name: "issue 10: delegated administrators only for one service principal is a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["organizations:RegisterDelegatedAdministrator", "organizations:DeregisterDelegatedAdministrator"],
            Resource: "*",
            Condition: { StringEquals: { "organizations:ServicePrincipal": ["fms.amazonaws.com"] } },
          },
        ],
      },
      errors: [{ messageId: "writeOnAllResources", line: 7, column: 9, endLine: 7, endColumn: 55, severity: "note", suggestion: null }],
    },
    {
      name: "issue 10: a source identity equal to the caller's own tag is a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "sts:SetSourceIdentity",
            Resource: "*",
            Condition: { StringLike: { "sts:SourceIdentity": "${aws:PrincipalTag/datazone:userId}" } },
          },
        ],
      },
      errors: [{ messageId: "writeOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 40, severity: "note", suggestion: null }],
    },
    {
      name: "issue 10: Deadline Cloud membership changes only for owners of the job are a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["deadline:AssociateMemberToJob", "deadline:DisassociateMemberFromJob"],
            Resource: "*",
            Condition: { "ForAnyValue:StringEquals": { "deadline:JobMembershipLevels": ["OWNER"] } },
          },
        ],
      },
      errors: [
        { messageId: "permissionsOnAllResources", line: 7, column: 9, endLine: 7, endColumn: 40, severity: "note", suggestion: null },
      ],
    },
    {
      name: "issue 10: writes only to other accounts' resources (aws:ResourceAccount not the caller's) are a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:ResourceAccount": "${aws:PrincipalAccount}" } },
          },
        ],
      },
      errors: [{ messageId: "writeOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 31, severity: "note", suggestion: null }],
    },
    {
      name: "issue 10: StringNotEquals aws:ResourceAccount on a literal account is not known to exclude the caller's",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:ResourceAccount": "111122223333" } },
          },
        ],
      },
      errors: [{ messageId: "writeOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 31, severity: "warning", suggestion: null }],
    },
    {
      name: "issue 10: a whole-type wildcard of the action's own type still is every resource, and the message quotes that one",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["ec2:RunInstances", "ec2:TerminateInstances"],
            Resource: ["arn:aws:ec2:*:*:subnet/*", "arn:aws:ec2:*:*:instance/*"],
          },
        ],
      },
      errors: [
        {
          messageId: "writeOnAllResources",
          line: 7,
          column: 9,
          endLine: 7,
          endColumn: 27,
          severity: "warning",
          message:
            '"ec2:RunInstances" on every resource of its type ("arn:aws:ec2:*:*:instance/*") allows write operations (ec2:RunInstances, ec2:TerminateInstances) on resources the workload may not own; list their ARNs in Resource.',
        },
      ],
    },
    {
      name: "issue 10: * is judged whatever the action's primary type (RunInstances on * writes every instance)",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" }] },
      errors: [{ messageId: "writeOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 35, severity: "warning", suggestion: null }],
    },
    {
      name: "issue 10: only through AWS Backup (aws:CalledVia) lowers the finding to a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "dynamodb:DeleteBackup",
            Resource: "*",
            Condition: { "ForAnyValue:StringEquals": { "aws:CalledVia": "backup.amazonaws.com" } },
          },
        ],
      },
      errors: [{ messageId: "writeOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 40, severity: "note", suggestion: null }],
    },
    {
      name: "issue 10: the permissions-management error is on the action that grants it, and names it",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["ec2:AttachNetworkInterface", "ec2:CreateNetworkInterfacePermission"], Resource: "*" }],
      },
      errors: [
        {
          messageId: "permissionsOnAllResources",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 47,
          severity: "error",
          message:
            '"ec2:CreateNetworkInterfacePermission" on every resource lets the holder change who can access resources the workload may not own (ec2:CreateNetworkInterfacePermission, ec2:AttachNetworkInterface); list their ARNs in Resource.',
        },
      ],
    },
    {
      name: "issue 11: a whole-type wildcard is every resource of its type",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::*/*" }] },
      errors: [
        {
          messageId: "writeOnAllResources",
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 34,
          severity: "warning",
          message:
            '"s3:DeleteObject" on every resource of its type ("arn:aws:s3:::*/*") allows write operations on resources the workload may not own; list their ARNs in Resource.',
        },
      ],
    },
    {
      name: "writing objects in every bucket",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }] },
      errors: [
        {
          messageId: "writeOnAllResources",
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 31,
          severity: "warning",
          suggestion: null,
          message:
            '"s3:PutObject" on every resource allows write operations on resources the workload may not own; list their ARNs in Resource.',
        },
      ],
    },
    {
      name: "changing every bucket policy is an error",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutBucketPolicy"], Resource: "*" }] },
      errors: [
        {
          messageId: "permissionsOnAllResources",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 29,
          severity: "error",
          message:
            '"s3:PutBucketPolicy" on every resource lets the holder change who can access resources the workload may not own; list their ARNs in Resource.',
        },
      ],
    },
    {
      name: "a wildcard names up to three actions, permissions management first",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:Put*", Resource: "*" }] },
      errors: [
        {
          messageId: "permissionsOnAllResources",
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 26,
          severity: "error",
          message:
            '"s3:Put*" on every resource lets the holder change who can access resources the workload may not own ' +
            "(s3:PutAccessGrantsInstanceResourcePolicy, s3:PutAccessPointPolicy, s3:PutAccessPointPolicyForObjectLambda and 34 more); " +
            "list their ARNs in Resource.",
        },
      ],
    },
    {
      name: "wildcard-only actions in the same list are skipped, scopable ones reported in one finding per statement",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["ec2:DescribeInstances", "logs:DeleteLogGroup", "logs:DeleteLogStream", "xray:PutTraceSegments"],
            Resource: "*",
          },
        ],
      },
      errors: [
        {
          messageId: "writeOnAllResources",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 30,
          severity: "warning",
          message:
            '"logs:DeleteLogGroup" on every resource allows write operations (logs:DeleteLogGroup, logs:DeleteLogStream) on resources the workload may not own; list their ARNs in Resource.',
        },
      ],
    },
    {
      name: "a resource-tag condition lowers the finding to a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["ec2:StartInstances", "ec2:StopInstances"],
            Resource: "*",
            Condition: { StringEquals: { "aws:ResourceTag/team": "billing" } },
          },
        ],
      },
      errors: [{ messageId: "writeOnAllResources", line: 7, column: 9, endLine: 7, endColumn: 29, severity: "note" }],
    },
    {
      name: "a network condition does not narrow the resources",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "sqs:SendMessage", Resource: "*", Condition: { StringEquals: { "aws:SourceVpc": "vpc-1a2b3c4d" } } },
        ],
      },
      errors: [{ messageId: "writeOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 34, severity: "warning" }],
    },
    {
      name: "an IfExists resource-tag condition passes when the tag is absent, so it does not narrow",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:PutRolePolicy",
            Resource: "*",
            Condition: { StringEqualsIfExists: { "aws:ResourceTag/team": "billing" } },
          },
        ],
      },
      errors: [{ messageId: "permissionsOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 36, severity: "error" }],
    },
    {
      name: "a combined Tagging and Write action on NotResource",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "ec2:CreateTags", NotResource: "arn:aws:ec2:*:*:instance/i-0abc" }],
      },
      errors: [{ messageId: "writeOnAllResources", line: 6, column: 17, endLine: 6, endColumn: 33, severity: "warning" }],
    },
  ],
});

import rule from "../../src/rules/valid-policy-structure.ts";
import { ruleTester } from "./rule-tester.ts";

ruleTester.run(rule, {
  valid: [
    {
      name: "issue 10: an RCP denying web identity federation has a Resource (its shape makes it an RCP, not a trust policy)",
      files: [
        {
          path: "Limit-access-to-trusted-OIDC-identity-providers/deny-github.json",
          text: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Deny",
                Principal: "*",
                Action: "sts:AssumeRoleWithWebIdentity",
                Resource: "*",
                Condition: { StringNotEquals: { "token.actions.githubusercontent.com:repository_owner": "my-org" } },
              },
            ],
          }),
        },
      ],
    },
    {
      name: "issue 10: an RCP with Principal * and Resource *",
      kind: "rcp",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Principal: "*",
            Action: "sts:AssumeRoleWithWebIdentity",
            Resource: "*",
            Condition: { Null: { "token.actions.githubusercontent.com:sub": "true" } },
          },
        ],
      },
    },
    {
      name: "issue 10: a VPC endpoint policy names Principal *",
      kind: "endpoint",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::amazonlinux-2-repos-us-east-1/*" }],
      },
    },
    {
      name: "issue 10: a generic statement with Action and NotAction, Resource and NotResource each from an input that may be null",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "{{statement.value.effect}}",
            Action: "{{try(statement.value.actions, null)}}",
            NotAction: "{{try(statement.value.not_actions, null)}}",
            Resource: "{{try(statement.value.resources, null)}}",
            NotResource: "{{try(statement.value.not_resources, null)}}",
          },
        ],
      },
    },
    {
      name: "a generic statement (every element from a module input) is not judged missing or misplaced (a JSON file cannot say it is a trust policy)",
      kind: "trust",
      formats: ["cloudformation", "terraform"],
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "{{statement.value.effect}}", Action: "{{statement.value.actions}}", Resource: "{{statement.value.resources}}" },
        ],
      },
    },
    {
      name: "an identity policy with every required element",
      policy: {
        Version: "2012-10-17",
        Id: "Reports",
        Statement: [{ Sid: "ReadReports1", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }],
      },
    },
    {
      name: "a trust policy needs no Resource",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      },
    },
    {
      name: "an ECR repository policy needs no Resource",
      kind: "resource",
      resourceType: "AWS::ECR::Repository",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "pull-from-ci",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:role/ci" },
            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          },
        ],
      },
    },
    {
      name: "an RCP that denies with Principal *, and the RCPFullAWSAccess allow",
      kind: "rcp",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
          {
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:*", "sqs:*"],
            Resource: "*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      },
    },
    {
      name: "an SCP guardrail with NotAction",
      kind: "scp",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyOutsideEu",
            Effect: "Deny",
            NotAction: ["iam:*", "sts:*"],
            Resource: "*",
            Condition: { StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } },
          },
        ],
      },
    },
    {
      name: "a Terraform policy document gets its Version from the provider's default",
      files: [
        {
          path: "main.tf",
          text:
            'data "aws_iam_policy_document" "p" {\n' +
            "  statement {\n" +
            '    actions   = ["s3:GetObject"]\n' +
            '    resources = ["arn:aws:s3:::reports/*"]\n' +
            "  }\n" +
            "}\n",
        },
      ],
    },
  ],
  invalid: [
    {
      name: "issue 10: a VPC endpoint policy must name a Principal (a JSON file in an endpoint folder without one is not taken for an endpoint policy)",
      kind: "endpoint",
      formats: ["cloudformation", "terraform"],
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }] },
      errors: [
        {
          messageId: "missingPrincipal",
          line: 4,
          column: 5,
          endLine: 8,
          endColumn: 6,
          message: "This statement has no Principal, which VPC endpoint policies require to say whom they apply to, so AWS rejects it.",
        },
      ],
    },
    {
      name: "issue 10: an Allow without Resource in an RCP is reported once, as an Allow",
      kind: "rcp",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Principal: "*",
            Action: "sts:AssumeRoleWithWebIdentity",
            Resource: "*",
            Condition: { Null: { "token.actions.githubusercontent.com:sub": "true" } },
          },
          {
            Effect: "Allow",
            Principal: "*",
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { "accounts.google.com:aud": "my-app" } },
          },
        ],
      },
      errors: [{ messageId: "rcpAllow", line: 16, column: 17, endLine: 16, endColumn: 24 }],
    },
    {
      name: "no Version",
      policy: { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }] },
      errors: [
        {
          messageId: "missingVersion",
          line: 2,
          column: 3,
          endLine: 2,
          endColumn: 14,
          severity: "note",
          message: 'This policy has no Version, so it is read as the old 2008-10-17 language; add "Version": "2012-10-17".',
        },
      ],
    },
    {
      name: "no Version with a policy variable",
      policy: { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::home/${aws:username}/*" }] },
      errors: [
        {
          messageId: "missingVersionWithVariables",
          line: 2,
          column: 3,
          endLine: 2,
          endColumn: 14,
          severity: "error",
          message:
            'This policy uses policy variables but has no Version, so they are compared as literal text ("${aws:username}" itself); add "Version": "2012-10-17".',
        },
      ],
    },
    {
      name: "issue 10: the old 2008-10-17 Version without policy variables means the same, so it is a note",
      policy: { Version: "2008-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }] },
      errors: [
        {
          messageId: "oldVersion",
          line: 2,
          column: 14,
          endLine: 2,
          endColumn: 26,
          severity: "note",
          suggestion:
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "s3:GetObject",\n' +
            '      "Resource": "arn:aws:s3:::reports/*"\n    }\n  ]\n}\n',
        },
      ],
    },
    {
      name: "the old 2008-10-17 Version with a policy variable",
      policy: {
        Version: "2008-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::home/${aws:username}/*" }],
      },
      errors: [
        {
          messageId: "oldVersionWithVariables",
          line: 2,
          column: 14,
          endLine: 2,
          endColumn: 26,
          severity: "error",
          message:
            'This policy uses policy variables, which Version 2008-10-17 compares as literal text ("${aws:username}" itself); use "2012-10-17".',
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::home/\${aws:username}/*"
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "an invalid Version and an Effect in the wrong case",
      policy: { Version: "2012-10-18", Statement: [{ Effect: "allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }] },
      errors: [
        {
          messageId: "invalidVersion",
          line: 2,
          column: 14,
          endLine: 2,
          endColumn: 26,
          message: '"2012-10-18" is not a policy language version (only "2012-10-17" and "2008-10-17" exist), so AWS rejects the policy.',
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::reports/*"
    }
  ]
}
`,
        },
        {
          messageId: "invalidEffect",
          line: 5,
          column: 17,
          endLine: 5,
          endColumn: 24,
          message: '"allow" is not an Effect: it must be exactly "Allow" or "Deny" (case-sensitive), so AWS rejects the policy.',
          suggestion:
            '{\n  "Version": "2012-10-18",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "s3:GetObject",\n' +
            '      "Resource": "arn:aws:s3:::reports/*"\n    }\n  ]\n}\n',
        },
      ],
    },
    {
      name: "misspelt elements are reported once, with a rename, and not also as missing",
      policy: { version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resourse: "arn:aws:s3:::reports/*" }] },
      errors: [
        {
          messageId: "unknownTopLevelKey",
          line: 2,
          column: 3,
          endLine: 2,
          endColumn: 12,
          message: '"version" is not a policy element (Version, Id, Statement), so AWS rejects the policy; did you mean "Version"?',
          suggestion:
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "s3:GetObject",\n' +
            '      "Resourse": "arn:aws:s3:::reports/*"\n    }\n  ]\n}\n',
        },
        {
          messageId: "unknownStatementKey",
          line: 7,
          column: 7,
          endLine: 7,
          endColumn: 17,
          message: '"Resourse" is not a statement element, so AWS rejects the policy; did you mean "Resource"?',
          suggestion:
            '{\n  "version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "s3:GetObject",\n' +
            '      "Resource": "arn:aws:s3:::reports/*"\n    }\n  ]\n}\n',
        },
      ],
    },
    {
      name: "missing and conflicting elements, and a statement that is not an object",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Action: "s3:GetObject", NotAction: "s3:PutObject", Resource: "arn:aws:s3:::reports/*", NotResource: "arn:aws:s3:::logs/*" },
          { Effect: "Deny" },
          "oops",
        ],
      },
      errors: [
        {
          messageId: "missingEffect",
          line: 4,
          column: 5,
          endLine: 9,
          endColumn: 6,
          message: 'This statement has no Effect, so AWS rejects it; add "Effect": "Allow" or "Deny".',
        },
        { messageId: "actionAndNotAction", line: 6, column: 7, endLine: 6, endColumn: 18 },
        { messageId: "resourceAndNotResource", line: 8, column: 7, endLine: 8, endColumn: 20 },
        {
          messageId: "missingAction",
          line: 10,
          column: 5,
          endLine: 12,
          endColumn: 6,
          message: "This statement has neither Action nor NotAction, so AWS rejects it.",
        },
        {
          messageId: "missingResource",
          line: 10,
          column: 5,
          endLine: 12,
          endColumn: 6,
          message: "This statement has neither Resource nor NotResource, which identity policies require, so AWS rejects it.",
        },
        { messageId: "statementNotObject", line: 13, column: 5, endLine: 13, endColumn: 11 },
      ],
    },
    {
      name: "a duplicate Sid, and a statement without Principal in a resource policy",
      kind: "resource",
      resourceType: "AWS::S3::Bucket",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Sid: "Read-Reports", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" },
          {
            Sid: "Read-Reports",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:root" },
            Action: "s3:ListBucket",
            Resource: "arn:aws:s3:::reports",
          },
        ],
      },
      errors: [
        {
          messageId: "missingPrincipal",
          line: 4,
          column: 5,
          endLine: 9,
          endColumn: 6,
          message: "This statement has no Principal, which resource policies require to say whom they apply to, so AWS rejects it.",
        },
        {
          messageId: "duplicateSid",
          line: 11,
          column: 14,
          endLine: 11,
          endColumn: 28,
          message: 'Sid "Read-Reports" is already used by an earlier statement; Sids must be unique within a policy, so AWS rejects it.',
        },
      ],
    },
    {
      name: "a Sid with a hyphen in a permissions boundary",
      kind: "boundary",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Sid: "read-reports", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }],
      },
      errors: [{ messageId: "sidCharacters", line: 5, column: 14, endLine: 5, endColumn: 28, severity: "warning" }],
    },
    {
      name: "a Principal in an SCP",
      kind: "scp",
      policy: { Version: "2012-10-17", Statement: [{ Sid: "DenyLeaks", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }] },
      errors: [
        {
          messageId: "principalNotAllowed",
          line: 7,
          column: 7,
          endLine: 7,
          endColumn: 18,
          message:
            "Principal is not allowed in service control policies: they apply to the principals they are attached to, so AWS rejects it.",
        },
      ],
    },
    {
      name: "a Resource in a trust policy",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole", Resource: "*" }],
      },
      errors: [{ messageId: "resourceInTrust", line: 10, column: 7, endLine: 10, endColumn: 17 }],
    },
    {
      name: "an RCP that allows, names principals, uses NotPrincipal and NotAction, an unsupported service, and has no Version",
      kind: "rcp",
      policy: {
        Statement: [
          { Effect: "Allow", Principal: { AWS: "*" }, Action: ["s3:GetObject", "ec2:RunInstances"], Resource: "*" },
          { Effect: "Deny", Principal: "*", NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" }, NotAction: "s3:*", Resource: "*" },
        ],
      },
      errors: [
        { messageId: "rcpVersion", line: 2, column: 3, endLine: 2, endColumn: 14 },
        {
          messageId: "rcpAllow",
          line: 4,
          column: 17,
          endLine: 4,
          endColumn: 24,
          message:
            'Resource control policies only deny: "Allow" is accepted only in the managed RCPFullAWSAccess statement (Principal, Action and Resource "*", no Condition).',
        },
        { messageId: "rcpPrincipal", line: 5, column: 7, endLine: 5, endColumn: 18 },
        {
          messageId: "rcpUnsupportedService",
          line: 10,
          column: 9,
          endLine: 10,
          endColumn: 27,
          message: 'Resource control policies do not apply to the "ec2" service, so "ec2:RunInstances" has no effect in this one.',
        },
        { messageId: "rcpNotElement", line: 17, column: 7, endLine: 17, endColumn: 21 },
        { messageId: "rcpNotElement", line: 20, column: 7, endLine: 20, endColumn: 18 },
      ],
    },
  ],
});

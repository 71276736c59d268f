import rule from "../../src/rules/no-defense-evasion.ts";
import { ruleTester } from "./rule-tester.ts";

ruleTester.run(rule, {
  valid: [
    {
      name: "reading CloudTrail and GuardDuty state",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["cloudtrail:Describe*", "cloudtrail:Get*", "cloudtrail:LookupEvents", "guardduty:List*"],
            Resource: "*",
          },
        ],
      },
    },
    {
      name: "writing logs to the function's own log group",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/billing:*",
          },
        ],
      },
    },
    {
      name: "* and *:* are left to no-admin-access",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*", "*:*"], Resource: "*" }] },
    },
    {
      name: "NotAction is left to no-allow-not-elements",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] },
    },
    {
      name: "a deny of defense evasion in an identity policy",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Deny", Action: ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], Resource: "*" }],
      },
    },
    {
      name: "an SCP that denies defense evasion is good practice",
      kind: "scp",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "*", Resource: "*" },
          {
            Effect: "Deny",
            Action: ["cloudtrail:StopLogging", "guardduty:DeleteDetector", "organizations:LeaveOrganization"],
            Resource: "*",
          },
        ],
      },
    },
    {
      name: "an SCP allow of CloudTrail is not a grant",
      kind: "scp",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "cloudtrail:*", Resource: "*" }] },
    },
    {
      name: "actions on resources they cannot apply to grant nothing",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["logs:*", "organizations:LeaveOrganization"], Resource: "arn:aws:s3:::build-cache/*" }],
      },
    },
    {
      name: "unresolved actions do not count",
      files: [
        {
          path: "main.tf",
          text:
            'variable "action" {}\n' +
            'resource "aws_iam_policy" "p" {\n' +
            "  policy = jsonencode({\n" +
            '    Version   = "2012-10-17"\n' +
            '    Statement = [{ Effect = "Allow", Action = ["cloudtrail:${var.action}", var.action], Resource = "*" }]\n' +
            "  })\n" +
            "}\n",
        },
      ],
    },
  ],
  invalid: [
    {
      name: "issue 10: every SNS topic in the statement does not make its log groups every log group",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["sns:Publish", "logs:DeleteLogGroup"],
            Resource: ["arn:aws:sns:*:*:*", "arn:aws:logs:*:*:log-group:ApplicationWizard*"],
          },
        ],
      },
      errors: [
        {
          messageId: "defenseEvasion",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 30,
          severity: "note",
          message:
            '"logs:DeleteLogGroup" allows turning off or erasing security logging or detection on the listed resources, which lets an intruder act unseen; remove it or move it to a dedicated security role.',
        },
      ],
    },
    {
      name: "issue 10: every log group named next to an SNS wildcard is quoted as the scope",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["sns:Publish", "logs:DeleteLogGroup"],
            Resource: ["arn:aws:sns:*:*:*", "arn:aws:logs:*:*:log-group:*:*:*"],
          },
        ],
      },
      errors: [
        {
          messageId: "defenseEvasion",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 30,
          severity: "error",
          message:
            '"logs:DeleteLogGroup" allows turning off or erasing security logging or detection on every resource of its type ("arn:aws:logs:*:*:log-group:*:*:*"), which lets an intruder act unseen; remove it or move it to a dedicated security role.',
        },
      ],
    },
    {
      name: "every CloudTrail action on every trail",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "cloudtrail:*", Resource: "*" }] },
      errors: [
        {
          messageId: "defenseEvasion",
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 31,
          severity: "error",
          suggestion: null,
          message:
            '"cloudtrail:*" allows turning off or erasing security logging or detection (cloudtrail:StopLogging, cloudtrail:DeleteTrail, ' +
            "cloudtrail:UpdateTrail and 4 more) on every resource, which lets an intruder act unseen; remove it or move it to a dedicated security role.",
        },
      ],
    },
    {
      name: "stopping one named trail is a note (issue 10: the workload's own trail)",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["cloudtrail:GetTrailStatus", "cloudtrail:StopLogging"],
            Resource: "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail",
          },
        ],
      },
      errors: [
        {
          messageId: "defenseEvasion",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 33,
          severity: "note",
          message:
            '"cloudtrail:StopLogging" allows turning off or erasing security logging or detection on the listed resources, which lets an intruder act unseen; remove it or move it to a dedicated security role.',
        },
      ],
    },
    {
      name: "a Delete wildcard on GuardDuty",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "guardduty:Delete*", Resource: "*" }] },
      errors: [
        {
          messageId: "defenseEvasion",
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 36,
          severity: "error",
          message: /\(guardduty:DeleteDetector, guardduty:DeleteMembers, guardduty:DeletePublishingDestination\) on every resource/,
        },
      ],
    },
    {
      name: "a Delete wildcard across services",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*:Delete*", Resource: "*" }] },
      errors: [
        {
          messageId: "defenseEvasion",
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 28,
          severity: "error",
          message: /\(cloudtrail:DeleteTrail, cloudtrail:DeleteEventDataStore, guardduty:DeleteDetector and \d+ more\)/,
        },
      ],
    },
    {
      name: "only actions that apply to a listed resource are named",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "ec2:DeleteFlowLogs"],
            Resource: ["arn:aws:logs:eu-west-1:111122223333:log-group:/app/*", "arn:aws:s3:::b"],
          },
        ],
      },
      errors: [{ messageId: "defenseEvasion", line: 8, column: 9, endLine: 8, endColumn: 30, severity: "note" }],
    },
    {
      name: "leaving the organization on NotResource",
      policy: {
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Action: "organizations:LeaveOrganization", NotResource: "arn:aws:s3:::b" },
      },
      errors: [{ messageId: "defenseEvasion", line: 5, column: 15, endLine: 5, endColumn: 48, severity: "error" }],
    },
  ],
});

import rule from "../../src/rules/mfa-condition.ts";
import { ruleTester } from "./rule-tester.ts";

const TF_POLICY_DOCUMENT = `data "aws_iam_policy_document" "require_mfa" {
  statement {
    effect      = "Deny"
    not_actions = ["iam:ChangePassword"]
    resources   = ["*"]
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["false"]
    }
  }
}
`;

ruleTester.run(rule, {
  valid: [
    {
      name: "deny without MFA, access keys included",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            NotAction: "iam:ChangePassword",
            Resource: "*",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
          },
        ],
      },
    },
    {
      name: "allow only with MFA",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "ec2:StopInstances", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } },
        ],
      },
    },
    {
      name: "allow only with MFA in the last hour",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "ec2:StopInstances",
            Resource: "*",
            Condition: { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } },
          },
        ],
      },
    },
    {
      name: "deny old or missing MFA",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Action: "ec2:TerminateInstances",
            Resource: "*",
            Condition: { NumericGreaterThanIfExists: { "aws:MultiFactorAuthAge": "3600" } },
          },
        ],
      },
    },
    {
      name: "Null false in an allow requires the key",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "ec2:StopInstances", Resource: "*", Condition: { Null: { "aws:MultiFactorAuthPresent": "false" } } },
        ],
      },
    },
    {
      name: "a deny of MFA sessions is not an MFA requirement",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }],
      },
    },
  ],
  invalid: [
    {
      // Issue #11: the inverted requirement.
      name: "an allow only when MFA is absent",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "ec2:StopInstances", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } },
        ],
      },
      errors: [
        {
          messageId: "allowWithoutMfa",
          line: 10,
          column: 41,
          endLine: 10,
          endColumn: 48,
          message:
            '"Bool" on aws:MultiFactorAuthPresent with "false" in an Allow grants only to sessions without MFA, the opposite of requiring it; use "Bool" with "true".',
        },
      ],
    },
    {
      name: "a deny with Bool false misses access keys",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            NotAction: "iam:ChangePassword",
            Resource: "*",
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
          },
        ],
      },
      errors: [
        {
          messageId: "denyWithoutIfExists",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 15,
          severity: "warning",
          message:
            '"Bool" on aws:MultiFactorAuthPresent in a Deny is false for requests signed with long-term access keys, which carry no MFA information, so they are not denied; use "BoolIfExists".',
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Deny",
      "NotAction": "iam:ChangePassword",
      "Resource": "*",
      "Condition": {
        "BoolIfExists": {
          "aws:MultiFactorAuthPresent": "false"
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "an allow with BoolIfExists true lets access keys in",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:root" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::reports/*",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": true } },
          },
        ],
      },
      errors: [
        {
          messageId: "allowIfExists",
          line: 12,
          column: 9,
          endLine: 12,
          endColumn: 23,
          message:
            '"BoolIfExists" on aws:MultiFactorAuthPresent in an Allow is true for requests without MFA information (long-term access keys), so it does not require MFA; use "Bool".',
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::111122223333:root"
      },
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::reports/*",
      "Condition": {
        "Bool": {
          "aws:MultiFactorAuthPresent": true
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "an allow for old MFA sessions",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "ec2:StopInstances",
            Resource: "*",
            Condition: { NumericGreaterThan: { "aws:MultiFactorAuthAge": "3600" } },
          },
        ],
      },
      errors: [
        {
          messageId: "allowAgeInverted",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 29,
          message:
            '"NumericGreaterThan" on aws:MultiFactorAuthAge in an Allow accepts sessions whose MFA is older than the limit, the opposite of an MFA age check; use "NumericLessThan".',
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "ec2:StopInstances",
      "Resource": "*",
      "Condition": {
        "NumericLessThan": {
          "aws:MultiFactorAuthAge": "3600"
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "an allow with IfExists on the MFA age",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "ec2:StopInstances",
            Resource: "*",
            Condition: { NumericLessThanEqualsIfExists: { "aws:MultiFactorAuthAge": "3600" } },
          },
        ],
      },
      errors: [
        {
          messageId: "allowIfExists",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 40,
          message: /use "NumericLessThanEquals"/,
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "ec2:StopInstances",
      "Resource": "*",
      "Condition": {
        "NumericLessThanEquals": {
          "aws:MultiFactorAuthAge": "3600"
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "a deny of recent MFA",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Action: "ec2:TerminateInstances",
            Resource: "*",
            Condition: { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } },
          },
        ],
      },
      errors: [
        {
          messageId: "denyAgeInverted",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 26,
          message:
            '"NumericLessThan" on aws:MultiFactorAuthAge in a Deny denies sessions with recent MFA and lets old ones through; use "NumericGreaterThanIfExists".',
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": "ec2:TerminateInstances",
      "Resource": "*",
      "Condition": {
        "NumericGreaterThanIfExists": {
          "aws:MultiFactorAuthAge": "3600"
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "a deny of old MFA that misses access keys",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Action: "ec2:TerminateInstances",
            Resource: "*",
            Condition: { NumericGreaterThan: { "aws:MultiFactorAuthAge": "3600" } },
          },
        ],
      },
      errors: [
        {
          messageId: "denyWithoutIfExists",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 29,
          message: /use "NumericGreaterThanIfExists"/,
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": "ec2:TerminateInstances",
      "Resource": "*",
      "Condition": {
        "NumericGreaterThanIfExists": {
          "aws:MultiFactorAuthAge": "3600"
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "operator names in another case",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { bool: { "aws:multifactorauthpresent": "False" } } }],
      },
      errors: [
        {
          messageId: "denyWithoutIfExists",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 15,
          message: /^"bool" on aws:multifactorauthpresent/,
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": "s3:*",
      "Resource": "*",
      "Condition": {
        "BoolIfExists": {
          "aws:multifactorauthpresent": "False"
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "no rename when the operator holds other keys too",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Action: "s3:*",
            Resource: "*",
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "false", "aws:SecureTransport": "false" } },
          },
        ],
      },
      errors: [{ messageId: "denyWithoutIfExists", line: 9, column: 9, endLine: 9, endColumn: 15, suggestion: null }],
    },
    {
      name: "no rename when BoolIfExists is already there",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Action: "s3:*",
            Resource: "*",
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" }, BoolIfExists: { "aws:ViaAWSService": "false" } },
          },
        ],
      },
      errors: [{ messageId: "denyWithoutIfExists", line: 9, column: 9, endLine: 9, endColumn: 15, suggestion: null }],
    },
    {
      name: "a Terraform policy document: the operator is the test value",
      files: [{ path: "main.tf", text: TF_POLICY_DOCUMENT }],
      errors: [
        {
          messageId: "denyWithoutIfExists",
          line: 7,
          column: 18,
          endLine: 7,
          endColumn: 24,
          suggestion: TF_POLICY_DOCUMENT.replace('test     = "Bool"', 'test     = "BoolIfExists"'),
        },
      ],
    },
  ],
});

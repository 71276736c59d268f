import rule from "../../src/rules/valid-condition.ts";
import { ruleTester } from "./rule-tester.ts";

ruleTester.run(rule, {
  valid: [
    {
      name: "issue 10: template placeholders are values to be filled in, not invalid values or unknown keys",
      kind: "scp",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Action: "*",
            Resource: "*",
            Condition: {
              NotIpAddressIfExists: { "aws:SourceIp": "<my-corporate-cidr>" },
              StringNotEqualsIfExists: { "aws:SourceVpc": "##vpc_id##", "<OIDC_provider_name_1>:sub": "<tenant>" },
              NumericGreaterThan: { "s3:signatureAge": "[MAX_SIGNATURE_AGE_IN_MILLISECONDS]" },
            },
          },
        ],
      },
    },
    {
      name: "operators that suit their keys, with values of the right type",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: "arn:aws:s3:::reports",
            Condition: {
              StringLike: { "s3:prefix": ["home/${aws:username}/*"] },
              IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"] },
              NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
              "ForAllValues:StringEquals": { "aws:TagKeys": ["team", "env"] },
              DateGreaterThan: { "aws:CurrentTime": "2026-01-31T12:00:00Z", "aws:TokenIssueTime": "1700000000" },
              Bool: { "aws:SecureTransport": true },
              Null: { "aws:ResourceTag/team": "false" },
              ArnLike: { "aws:SourceVpcArn": "arn:aws:ec2:*:111122223333:vpc/*" },
              NumericGreaterThan: { "aws:EpochTime": 1700000000 },
            },
          },
        ],
      },
    },
    {
      name: "a key of another service that the statement's actions document (iam:ResourceTag on sts:AssumeRole)",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: "arn:aws:iam::111122223333:role/deploy",
            Condition: { StringEquals: { "iam:ResourceTag/team": "web", "sts:ExternalId": "a1b2c3" } },
          },
        ],
      },
    },
    {
      name: "service keys are not judged against NotAction",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Deny", NotAction: "s3:*", Resource: "*", Condition: { StringNotEquals: { "ec2:Region": "eu-west-1" } } }],
      },
    },
    {
      name: "identity-provider keys (OIDC host names, Cognito, SAML) are never judged",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
              StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/app:*" },
            },
          },
          {
            Effect: "Allow",
            Principal: { Federated: "cognito-identity.amazonaws.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } },
          },
          {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::111122223333:saml-provider/corp" },
            Action: "sts:AssumeRoleWithSAML",
            Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
          },
        ],
      },
    },
    {
      name: "services' own String keys are not type-checked (the data types some numeric keys as String)",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Action: "glacier:DeleteArchive",
            Resource: "*",
            Condition: { NumericLessThan: { "glacier:ArchiveAgeInDays": "365" } },
          },
        ],
      },
    },
    {
      name: "unresolved condition values are not checked",
      files: [
        {
          path: "main.tf",
          text:
            'data "aws_iam_policy_document" "p" {\n' +
            "  statement {\n" +
            '    actions   = ["s3:GetObject"]\n' +
            '    resources = ["*"]\n' +
            "    condition {\n" +
            '      test     = "IpAddress"\n' +
            '      variable = "aws:SourceIp"\n' +
            "      values   = [var.office_cidr]\n" +
            "    }\n" +
            "  }\n" +
            "}\n",
        },
      ],
    },
  ],
  invalid: [
    {
      name: "issue 10: an undocumented aws: key (AWS's own SSO policy uses aws:PrincipalOrgMasterAccountId) is a note",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "organizations:DescribeOrganization",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:PrincipalOrgMasterAccountId": "111122223333" } },
          },
        ],
      },
      errors: [
        {
          messageId: "undocumentedGlobalKey",
          line: 10,
          column: 11,
          endLine: 10,
          endColumn: 44,
          severity: "note",
          message:
            '"aws:PrincipalOrgMasterAccountId" is not one of AWS\'s documented global condition keys; unless AWS sets it anyway (some of its own policies use undocumented keys), it is absent from every request and the condition does not test what it seems to.',
        },
      ],
    },
    {
      name: "a misspelt operator, with the closest operator as a suggestion",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::reports/*",
            Condition: { StringEqual: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
          },
        ],
      },
      errors: [
        {
          messageId: "unknownOperator",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 22,
          severity: "error",
          message: '"StringEqual" is not a condition operator, so IAM rejects the policy; did you mean "StringEquals"?',
          suggestion:
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "s3:GetObject",\n' +
            '      "Resource": "arn:aws:s3:::reports/*",\n      "Condition": {\n        "StringEquals": {\n' +
            '          "aws:SourceVpce": "vpce-1a2b3c4d"\n        }\n      }\n    }\n  ]\n}\n',
        },
      ],
    },
    {
      name: "Null takes neither a set qualifier nor IfExists",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "ec2:*",
            Resource: "*",
            Condition: { "ForAnyValue:NullIfExists": { "aws:ResourceTag/team": "true" } },
          },
        ],
      },
      errors: [
        {
          messageId: "unknownOperator",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 35,
          message: '"ForAnyValue:NullIfExists" is not a condition operator, so IAM rejects the policy; did you mean "Null"?',
          suggestion:
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "ec2:*",\n' +
            '      "Resource": "*",\n      "Condition": {\n        "Null": {\n          "aws:ResourceTag/team": "true"\n        }\n' +
            "      }\n    }\n  ]\n}\n",
        },
      ],
    },
    {
      name: "unknown keys: a misspelt global key in a Deny, an unknown service key, an unknown prefix, a key without prefix, a key of another service",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransports": "false" } } },
          {
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: "*",
            Condition: { StringEquals: { "s3:prefixx": "a", "foo:bar": "x", SourceIp: "x", "ec2:InstanceType": "t3.micro" } },
          },
        ],
      },
      errors: [
        {
          messageId: "unknownGlobalKey",
          line: 10,
          column: 11,
          endLine: 10,
          endColumn: 33,
          severity: "error",
          message:
            '"aws:SecureTransports" is not a global condition key (did you mean "aws:SecureTransport"?), so it is absent from every request and the condition does not test what it seems to.',
        },
        {
          messageId: "unknownServiceKey",
          line: 20,
          column: 11,
          endLine: 20,
          endColumn: 23,
          message:
            '"s3:prefixx" is not a condition key of the "s3" service, so it is absent from every request and the condition does not test what it seems to.',
        },
        {
          messageId: "unknownPrefix",
          line: 21,
          column: 11,
          endLine: 21,
          endColumn: 20,
          message: 'No AWS service has the prefix "foo", so the condition key "foo:bar" is absent from every request.',
        },
        {
          messageId: "malformedKey",
          line: 22,
          column: 11,
          endLine: 22,
          endColumn: 21,
          message: '"SourceIp" is not a condition key: keys have the form "prefix:name", so it is absent from every request.',
        },
        {
          messageId: "keyHasNoEffect",
          line: 23,
          column: 11,
          endLine: 23,
          endColumn: 29,
          severity: "warning",
          message:
            '"ec2:InstanceType" is a condition key of "ec2", which none of this statement\'s actions (s3) belong to, so it is absent from their requests and the condition does not test what it seems to.',
        },
      ],
    },
    {
      name: "issue 10: StringEquals on a Bool key with true/false works (IAM compares the text), so it is a note",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { StringEquals: { "aws:SecureTransport": "false" } } }],
      },
      errors: [
        {
          messageId: "boolAsText",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 23,
          severity: "note",
          message:
            '"StringEquals" compares the Bool key "aws:SecureTransport" as text; that works for "true" and "false", but "Bool" says what is meant.',
        },
      ],
    },
    {
      name: "operators that do not suit their keys, and ForAllValues on a single-valued key",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "ec2:*",
            Resource: "*",
            Condition: {
              StringEquals: { "aws:SecureTransport": "yes" },
              DateLessThan: { "aws:MultiFactorAuthAge": "3600" },
              "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
            },
          },
        ],
      },
      errors: [
        {
          messageId: "operatorTypeMismatch",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 23,
          severity: "warning",
          message:
            '"StringEquals" does not suit "aws:SecureTransport", whose values are of type Bool; use an operator of that type so the comparison means what it says.',
        },
        { messageId: "operatorTypeMismatch", line: 12, column: 9, endLine: 12, endColumn: 23, severity: "warning" },
        {
          messageId: "setOperatorOnSingleValuedKey",
          line: 15,
          column: 9,
          endLine: 15,
          endColumn: 36,
          severity: "warning",
          message:
            '"ForAllValues:StringEquals" is for multivalued keys but "aws:PrincipalOrgID" has a single value, and ForAllValues also matches when the key is absent; use the operator without the set qualifier.',
        },
      ],
    },
    {
      name: "values that cannot be of the operator's type",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "ec2:*",
            Resource: "*",
            Condition: {
              Bool: { "aws:MultiFactorAuthPresent": "yes" },
              IpAddress: { "aws:SourceIp": ["10.0.0/8", "10.1.0.0/16"] },
              DateLessThan: { "aws:CurrentTime": "2026-13-01" },
              NumericLessThan: { "aws:MultiFactorAuthAge": "one hour" },
              Null: { "aws:ResourceTag/team": "maybe" },
            },
          },
        ],
      },
      errors: [
        {
          messageId: "invalidValue",
          line: 10,
          column: 41,
          endLine: 10,
          endColumn: 46,
          severity: "error",
          message: '"yes" is not a valid value for "Bool", which expects "true" or "false", so the condition never matches as intended.',
        },
        { messageId: "invalidValue", line: 14, column: 13, endLine: 14, endColumn: 23 },
        { messageId: "invalidValue", line: 19, column: 30, endLine: 19, endColumn: 42 },
        { messageId: "invalidValue", line: 22, column: 37, endLine: 22, endColumn: 47 },
        {
          messageId: "invalidValue",
          line: 25,
          column: 35,
          endLine: 25,
          endColumn: 42,
          message:
            '"maybe" is not a valid value for "Null", which expects "true" (the key is absent) or "false" (the key is present), so the condition never matches as intended.',
        },
      ],
    },
  ],
});

import rule from "../../src/rules/no-secret-outputs.ts";
import { ruleTester } from "./rule-tester.ts";

const CFN_HEAD = 'AWSTemplateFormatVersion: "2010-09-09"\n';
const CFN_KEY = "Resources:\n  CiKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: ci\n";
const TF_KEY = 'resource "aws_iam_access_key" "ci" {\n  user = "ci"\n}\n\n';
const ADVICE = "hand the secret over through Secrets Manager or SSM Parameter Store instead.";

ruleTester.run(rule, {
  valid: [
    {
      name: "the access key id is not a secret",
      files: [{ path: "template.yaml", text: `${CFN_HEAD}${CFN_KEY}Outputs:\n  KeyId:\n    Value: !Ref CiKey\n` }],
    },
    {
      name: "a Terraform output marked sensitive",
      files: [{ path: "main.tf", text: `${TF_KEY}output "secret" {\n  value     = aws_iam_access_key.ci.secret\n  sensitive = true\n}\n` }],
    },
    {
      name: "a Terraform output of the PGP-encrypted secret",
      files: [{ path: "main.tf", text: `${TF_KEY}output "secret" {\n  value = aws_iam_access_key.ci.encrypted_secret\n}\n` }],
    },
    {
      name: "a Terraform output of the key id",
      files: [{ path: "main.tf", text: `${TF_KEY}output "key_id" {\n  value = aws_iam_access_key.ci.id\n}\n` }],
    },
    {
      name: "a CloudFormation output of a parameter without NoEcho",
      files: [
        {
          path: "template.yaml",
          text: `${CFN_HEAD}Parameters:\n  Stage:\n    Type: String\n${CFN_KEY}Outputs:\n  Stage:\n    Value: !Ref Stage\n`,
        },
      ],
    },
  ],
  invalid: [
    {
      name: "a CloudFormation output of a secret access key",
      files: [{ path: "template.yaml", text: `${CFN_HEAD}${CFN_KEY}Outputs:\n  SecretKey:\n    Value: !GetAtt CiKey.SecretAccessKey\n` }],
      errors: [
        {
          messageId: "secretOutput",
          line: 9,
          column: 12,
          endLine: 9,
          endColumn: 41,
          severity: "error",
          suggestion: null,
          message: `Output "SecretKey" exposes \`!GetAtt CiKey.SecretAccessKey\`, which anyone allowed to describe the stack can read; ${ADVICE}`,
        },
      ],
    },
    {
      name: "a CloudFormation output joining a secret and a NoEcho parameter, one finding each",
      files: [
        {
          path: "template.yaml",
          text:
            `${CFN_HEAD}Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\n${CFN_KEY}Outputs:\n  Credentials:\n` +
            '    Value: !Join [":", [!GetAtt CiKey.SecretAccessKey, !Ref DbPassword]]\n',
        },
      ],
      errors: [
        {
          messageId: "secretOutput",
          line: 13,
          column: 25,
          endLine: 13,
          endColumn: 54,
          message: `Output "Credentials" exposes \`!GetAtt CiKey.SecretAccessKey\`, which anyone allowed to describe the stack can read; ${ADVICE}`,
        },
        {
          messageId: "secretOutput",
          line: 13,
          column: 56,
          endLine: 13,
          endColumn: 71,
          message: `Output "Credentials" exposes \`!Ref DbPassword\`, which anyone allowed to describe the stack can read; ${ADVICE}`,
        },
      ],
    },
    {
      name: "a CloudFormation output of a Secrets Manager dynamic reference",
      files: [
        {
          path: "template.yaml",
          text: `${CFN_HEAD}${CFN_KEY}Outputs:\n  DbPassword:\n    Value: "{{resolve:secretsmanager:prod/db:SecretString:password}}"\n`,
        },
      ],
      errors: [
        {
          messageId: "secretOutput",
          line: 9,
          column: 12,
          endLine: 9,
          endColumn: 70,
          message: `Output "DbPassword" exposes \`{{resolve:secretsmanager:prod/db:SecretString:password}}\`, which anyone allowed to describe the stack can read; ${ADVICE}`,
        },
      ],
    },
    {
      name: "a Terraform output of a secret access key",
      files: [{ path: "main.tf", text: `${TF_KEY}output "secret" {\n  value = aws_iam_access_key.ci.secret\n}\n` }],
      errors: [
        {
          messageId: "secretOutput",
          line: 6,
          column: 11,
          endLine: 6,
          endColumn: 39,
          message: `Output "secret" exposes \`aws_iam_access_key.ci.secret\`, which anyone who sees the plan output or the state can read; ${ADVICE}`,
        },
      ],
    },
    {
      name: "a Terraform output of a console password, through a conditional",
      files: [
        {
          path: "main.tf",
          text:
            'variable "enabled" {\n  default = true\n}\n\nresource "aws_iam_user_login_profile" "u" {\n  user = "u"\n}\n\n' +
            'output "password" {\n  value = var.enabled ? aws_iam_user_login_profile.u.password : ""\n}\n',
        },
      ],
      errors: [
        {
          messageId: "secretOutput",
          line: 10,
          column: 11,
          endLine: 10,
          endColumn: 67,
          message: `Output "password" exposes \`aws_iam_user_login_profile.u.password\`, which anyone who sees the plan output or the state can read; ${ADVICE}`,
        },
      ],
    },
    {
      name: "a Terraform output of a literal secret, named like one",
      files: [{ path: "outputs.tf", text: 'output "aws_secret" {\n  value = "q8Vz3Lm0Rk2Tj7Yb5Nc1Xw9Pd4Hs6Ga/Fe+Uo0Ki"\n}\n' }],
      errors: [
        {
          messageId: "secretOutput",
          line: 2,
          column: 11,
          endLine: 2,
          endColumn: 53,
          message: `Output "aws_secret" exposes a literal secret string, which anyone who sees the plan output or the state can read; ${ADVICE}`,
        },
      ],
    },
  ],
});

import rule from "../../src/rules/no-plaintext-secrets.ts";
import { ruleTester } from "./rule-tester.ts";

// Issue #11: plaintext secrets outside policies (cfn_nag's login profile templates, trivy's user data examples).
// Every value here is made up.
ruleTester.run(rule, {
  valid: [
    {
      name: "a dynamic reference and a NoEcho parameter without a default",
      files: [
        {
          path: "template.yaml",
          text:
            "Parameters:\n  Pw:\n    Type: String\n    NoEcho: true\nResources:\n  A:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: '{{resolve:secretsmanager:ops}}'\n" +
            "  B:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: !Ref Pw\n",
        },
      ],
    },
    {
      name: "user data that reads its secret at run time",
      files: [
        {
          path: "main.tf",
          text: 'resource "aws_instance" "a" {\n  ami       = "ami-0abc"\n  user_data = <<EOF\nexport DATABASE_PASSWORD=$(aws ssm get-parameter --name db --with-decryption)\nexport TOKEN="$TOKEN_FROM_ENV"\nEOF\n}\nresource "aws_db_instance" "d" {\n  password = var.db_password\n}\n',
        },
      ],
    },
  ],
  invalid: [
    {
      name: "CloudFormation LoginProfile.Password literal",
      files: [
        {
          path: "template.yaml",
          text: "Resources:\n  Ops:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: Winter2025!x\n",
        },
      ],
      errors: [
        {
          messageId: "plaintextValue",
          line: 6,
          column: 19,
          endLine: 6,
          endColumn: 31,
          message:
            "LoginProfile.Password of AWS::IAM::User Ops is written in plain text, readable by anyone who can read the repository; resolve it from Secrets Manager or SSM Parameter Store at deploy time.",
        },
      ],
    },
    {
      name: "CloudFormation parameter default used as the password: on the default",
      files: [
        {
          path: "template.yaml",
          text: "Parameters:\n  Pw:\n    Type: String\n    NoEcho: true\n    Default: Winter2025!x\nResources:\n  Ops:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: !Ref Pw\n",
        },
      ],
      errors: [{ messageId: "plaintextValue", line: 5, column: 14, endLine: 5, endColumn: 26, message: /\(the Default of parameter Pw\)/ }],
    },
    {
      name: "CloudFormation UserData in Fn::Base64 of a block scalar: on the assignment",
      files: [
        {
          path: "template.yaml",
          text: "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-0abc\n      UserData:\n        Fn::Base64: |\n          #!/bin/bash\n          export DATABASE_PASSWORD=hunter2hunter2\n",
        },
      ],
      errors: [{ messageId: "secretInScript", line: 9, column: 18, endLine: 9, endColumn: 50 }],
    },
    {
      name: "Terraform user_data heredoc with AWS's example keys (still keys in user data)",
      files: [
        {
          path: "main.tf",
          text: 'resource "aws_launch_template" "t" {\n  user_data = <<EOF\n    export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n  EOF\n}\n',
        },
      ],
      errors: [
        {
          messageId: "secretInScript",
          line: 3,
          column: 12,
          endLine: 3,
          endColumn: 74,
          message: /sets AWS_SECRET_ACCESS_KEY to a literal value/,
        },
      ],
    },
    {
      name: "Terraform database password literal",
      files: [{ path: "main.tf", text: 'resource "aws_db_instance" "d" {\n  password = "hunter2hunter2"\n}\n' }],
      errors: [{ messageId: "plaintextValue", line: 2, column: 14, endLine: 2, endColumn: 30 }],
    },
  ],
});

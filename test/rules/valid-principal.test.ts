import rule from "../../src/rules/valid-principal.ts";
import { ruleTester } from "./rule-tester.ts";

const trust = (principal: unknown) =>
  ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }] }) as never;
const queue = (principal: unknown) =>
  ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sqs:SendMessage", Resource: "*" }] }) as never;

// Issue #11: principals that are not principals are invalid-policy errors on the value.
ruleTester.run(rule, {
  valid: [
    {
      name: "account root, account id, role, session, service, federation",
      kind: "trust",
      policy: trust({
        AWS: [
          "arn:aws:iam::111122223333:root",
          "444455556666",
          "arn:aws:iam::111122223333:role/ci",
          "arn:aws:sts::111122223333:assumed-role/ci/s",
        ],
        Service: "ec2.amazonaws.com",
      }),
    },
    {
      name: "an OIDC provider and a web identity domain",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: {
              Federated: ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", "cognito-identity.amazonaws.com"],
            },
            Action: "sts:AssumeRoleWithWebIdentity",
          },
        ],
      } as never,
    },
    {
      name: "public principals are no-public-principal's",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: queue({ AWS: ["*", "arn:aws:iam::*:role/x"] }),
    },
    {
      name: "a CloudFront origin access identity",
      kind: "resource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::b/*",
          },
        ],
      } as never,
    },
  ],
  invalid: [
    {
      name: "an account id with 11 digits",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: queue({ AWS: "12345678901" }),
      errors: [
        {
          messageId: "invalidAws",
          line: 7,
          column: 16,
          endLine: 7,
          endColumn: 29,
          message: '"12345678901" is not an AWS principal (an account id has 12 digits, this one 11), so AWS rejects the policy.',
        },
      ],
    },
    {
      // A template placeholder such as `<ACCOUNT_ID>` is a value still to be filled in (issue 10): one note per file
      // says so (unparsed-input), not an invalid principal.
      name: "a root ARN without its account, next to a template placeholder",
      kind: "trust",
      policy: trust({ AWS: ["arn:aws:iam::root", "<ACCOUNT_ID>"] }),
      errors: [
        {
          messageId: "invalidAws",
          line: 8,
          column: 11,
          endLine: 8,
          endColumn: 30,
          message: '"arn:aws:iam::root" is not an AWS principal (the ARN has no account id), so AWS rejects the policy.',
        },
      ],
    },
    {
      name: "a string principal other than *",
      kind: "resource",
      resourceType: "AWS::SQS::Queue",
      policy: queue("ARN:01010101010:TEST:SAMPLE"),
      errors: [{ messageId: "principalString", line: 6, column: 20, endLine: 6, endColumn: 49 }],
    },
    {
      name: "an unknown principal type and a service that is not one",
      kind: "trust",
      policy: trust({ Aws: "111122223333", Service: "ec2" }),
      errors: [
        { messageId: "unknownType", line: 7, column: 9, endLine: 7, endColumn: 14 },
        { messageId: "invalidService", line: 8, column: 20, endLine: 8, endColumn: 25 },
      ],
    },
  ],
});

import rule from "../../src/rules/valid-trust-actions.ts";
import { ruleTester } from "./rule-tester.ts";

const trust = (action: unknown) =>
  ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: action }] }) as never;

// Issue #11: a trust policy with "Action": "*" (cfn_nag's iam_role_with_wildcard_action_on_trust).
ruleTester.run(rule, {
  valid: [
    { name: "sts:AssumeRole and session tags", kind: "trust", policy: trust(["sts:AssumeRole", "sts:TagSession"]) },
    // A standalone JSON file with "*" is a resource policy, so trust cases run where the place says "trust".
    {
      name: "sts:AssumeRole* only matches assume actions (trust by place)",
      kind: "trust",
      policy: trust("sts:AssumeRole*"),
      formats: ["cloudformation", "terraform"],
    },
  ],
  invalid: [
    {
      name: "every action",
      kind: "trust",
      policy: trust("*"),
      formats: ["cloudformation", "terraform"],
      errors: [{ messageId: "notTrustAction", line: 9, column: 17, endLine: 9, endColumn: 20 }],
    },
    {
      name: "sts:* and s3:GetObject",
      kind: "trust",
      policy: trust(["sts:AssumeRole", "sts:*", "s3:GetObject"]),
      formats: ["cloudformation", "terraform"],
      errors: [
        { messageId: "notTrustAction", line: 11, column: 9, endLine: 11, endColumn: 16 },
        { messageId: "notTrustAction", line: 12, column: 9, endLine: 12, endColumn: 23 },
      ],
    },
    {
      name: "every action in a JSON template's AssumeRolePolicyDocument, at the value",
      files: [
        {
          path: "role.json",
          text: '{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},\n    "Action": "*"}]}}}}}\n',
        },
      ],
      errors: [{ messageId: "notTrustAction", line: 4, column: 15, endLine: 4, endColumn: 18 }],
    },
  ],
});

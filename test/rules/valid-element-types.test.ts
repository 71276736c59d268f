import rule from "../../src/rules/valid-element-types.ts";
import { ruleTester } from "./rule-tester.ts";

// Issue #11: nested lists and mappings where IAM expects strings; an empty statement list.
ruleTester.run(rule, {
  valid: [
    {
      name: "flat lists and scalar condition values",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*", Condition: { Bool: { "aws:SecureTransport": true } } }],
      },
    },
  ],
  invalid: [
    {
      name: "a nested action list (checkov glacier fixture)",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: [["glacier:InitiateJob"], "glacier:GetJobOutput"], Resource: "*" }],
      },
      errors: [
        {
          messageId: "notString",
          line: 7,
          column: 9,
          endLine: 9,
          endColumn: 10,
          message: "Action holds a list where IAM expects a string, so AWS rejects the policy.",
        },
      ],
    },
    {
      name: "a mapping as Resource",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: { bucket: "x" } }] },
      errors: [
        {
          messageId: "notString",
          line: 7,
          column: 19,
          endLine: 9,
          endColumn: 8,
          message: "Resource holds a mapping where IAM expects a string, so AWS rejects the policy.",
        },
      ],
    },
    {
      name: "an empty statement list",
      policy: { Version: "2012-10-17", Statement: [] },
      errors: [{ messageId: "emptyStatement", line: 3, column: 16, endLine: 3, endColumn: 18 }],
    },
  ],
});

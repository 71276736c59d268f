import rule from "../../src/rules/no-admin-access.ts";
import { ruleTester } from "./rule-tester.ts";

ruleTester.run(rule, {
  valid: [
    {
      name: "scoped actions on a scoped resource",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }] },
    },
    {
      name: "every action on every S3 bucket is not administrator access",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::*" }] },
    },
    {
      name: "every action on one resource",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b/*" }] },
    },
    {
      name: "a deny of everything is not a grant",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] },
    },
    {
      name: "an SCP that allows everything is the default guardrail, not a grant",
      kind: "scp",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    },
  ],
  invalid: [
    {
      name: "issue 11: every action on arn:aws:*:*:*:* (every resource of every service)",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "arn:aws:*:*:*:*" }] },
      errors: [{ messageId: "adminAccess", line: 6, column: 17, endLine: 6, endColumn: 20, severity: "error", suggestion: null }],
    },
    {
      name: "every action on every resource",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
      errors: [{ messageId: "adminAccess", line: 6, column: 17, endLine: 6, endColumn: 20, severity: "error", suggestion: null }],
    },
    {
      name: "*:* inside an action list, on NotResource",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "*:*"], NotResource: "arn:aws:s3:::b" }] },
      errors: [
        {
          messageId: "adminAccess",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 14,
          message: 'This statement allows "*:*" on every resource: full administrator access; grant only the actions and resources needed.',
        },
      ],
    },
  ],
});

import { actionsOf, allowStatements, resourcesOf } from "../policy/statements.ts";
import { defineRule } from "./define-rule.ts";

const ALL_ACTIONS = new Set(["*", "*:*"]);
const EVERY_ARN = /^arn:[^:]*:[*?]+:[^:]*:[^:]*:[*?]+$|^arn:[^:]*:[*?]+$|^arn:\*$/;

export default defineRule({
  id: "no-admin-access",
  category: "overly-permissive",
  severity: "error",
  docs: {
    description: "Disallow statements that allow every action on every resource.",
    rationale:
      '`"Action": "*"` on `"Resource": "*"` is full administrator access: whoever holds it can do anything in the ' +
      "account, including granting themselves or others any other access and erasing the audit trail. Grant the " +
      "actions the workload needs on the resources it uses; for people, use a role with the AWS managed " +
      "`AdministratorAccess` policy behind MFA and keep it out of application policies.",
    examples: {
      noncompliant: [
        {
          title: "Every action on every resource",
          kind: "identity",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        },
      ],
      compliant: [
        {
          title: "The actions a deployment needs, on its bucket",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::deploy-artifacts/*" }],
          },
        },
      ],
    },
  },
  messages: {
    adminAccess: (data: { action: string }) =>
      `This statement allows "${data.action}" on every resource: full administrator access; grant only the actions and resources needed.`,
  },
  // Only identity policies grant access on their own; guardrails (SCP, RCP, boundary), endpoint and resource
  // policies are judged by the rules for their kind (public-access, cross-account-trust).
  kinds: ["identity"],
  checkPolicy(doc, context) {
    for (const ref of allowStatements(doc)) {
      const admin = actionsOf(ref).find((a) => ALL_ACTIONS.has(a.value));
      if (!admin) continue;
      // `arn:aws:*:*:*:*` (every resource of every service, issue #11) is `*` written longhand.
      if (ref.statement.NotResource !== undefined || resourcesOf(ref).some((r) => r.value === "*" || EVERY_ARN.test(r.value))) {
        context.report({ messageId: "adminAccess", data: { action: admin.value }, pointer: admin.pointer });
      }
    }
  },
});

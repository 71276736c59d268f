import type { StatementRef } from "../extract/document.ts";
import { pointerOf } from "../extract/document.ts";
import { isUnscopedResource } from "../policy/escalation.ts";
import {
  actionPatternMatches,
  actionsOf,
  allowStatements,
  baseOperator,
  conditionsOf,
  resourcesOf,
  elementOf,
} from "../policy/statements.ts";
import { defineRule } from "./define-rule.ts";

const PASS_ROLE = "iam:PassRole";
const ALL_ACTIONS = new Set(["*", "*:*"]);

/**
 * Whether the statement allows iam:PassRole: by name or a pattern (`iam:*`, `iam:Pass*`), or through a
 * NotAction that does not exclude it. `*` and `*:*` are left to no-admin-access and the other broad-action rules.
 */
function grantsPassRole(ref: StatementRef): boolean {
  if (ref.statement.Action !== undefined) {
    return actionsOf(ref).some((a) => !a.unresolved && !ALL_ACTIONS.has(a.value) && actionPatternMatches(a.value, PASS_ROLE));
  }
  if (ref.statement.NotAction === undefined) return false;
  const excluded = elementOf(ref, "NotAction");
  // An unresolved exclusion could be iam:PassRole itself.
  return !excluded.some((e) => e.unresolved || actionPatternMatches(e.value, PASS_ROLE));
}

/** Whether an `iam:PassedToService` condition limits which services the role can be passed to. */
function limitedToServices(ref: StatementRef): boolean {
  return conditionsOf(ref).some(
    (c) =>
      c.key.toLowerCase() === "iam:passedtoservice" &&
      ["stringequals", "stringlike", "stringequalsignorecase"].includes(baseOperator(c.operator).toLowerCase()),
  );
}

export default defineRule({
  id: "no-unscoped-pass-role",
  category: "privilege-escalation",
  severity: "warning",
  docs: {
    description: "Disallow iam:PassRole on every role of an account.",
    rationale:
      "`iam:PassRole` lets its holder hand a role to a service (EC2, Lambda, ECS, Glue, CloudFormation...), which then " +
      'acts with that role\'s permissions. Allowed on `"Resource": "*"` or a pattern such as ' +
      "`arn:aws:iam::111122223333:role/*`, it covers every role in the account, including administrator roles, so " +
      "any service that runs code becomes a way to gain them. List the roles this principal needs to pass, and add " +
      "an `iam:PassedToService` condition naming the service; with that condition the finding is only a note.",
    examples: {
      noncompliant: [
        {
          title: "Pass any role",
          kind: "identity",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }] },
        },
      ],
      compliant: [
        {
          title: "Pass one role, to Lambda only",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "arn:aws:iam::111122223333:role/order-processor",
                Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
      "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
    ],
  },
  messages: {
    unscopedPassRole: (data: { resource: string }) =>
      `iam:PassRole is allowed on ${data.resource}, so every role in the account, administrators included, can be handed to a service that acts with it; list the roles to pass.`,
    unscopedPassRoleToService: (data: { resource: string }) =>
      `iam:PassRole is allowed on ${data.resource} for the services named in iam:PassedToService, so every role in the account can be handed to them; list the roles to pass.`,
  },
  checkPolicy(doc, context) {
    // Guardrails (SCP, RCP, boundary) grant nothing; resource and trust policies cannot grant iam:PassRole usefully.
    if (doc.kind !== "identity") return;
    for (const ref of allowStatements(doc)) {
      if (!grantsPassRole(ref)) continue;
      const limited = limitedToServices(ref);
      const messageId = limited ? "unscopedPassRoleToService" : "unscopedPassRole";
      const severity = limited ? "note" : "warning";
      if (ref.statement.NotResource !== undefined) {
        context.report({
          messageId,
          data: { resource: "every resource outside NotResource" },
          pointer: pointerOf(ref.pointer, "NotResource"),
          at: "key",
          severity,
        });
        continue;
      }
      // Granted only through all of IAM (`iam:*`): that token is the cause, and the escalation and service-wildcard
      // rules report it too, so the findings fold into one there (issue #10).
      const literal = actionsOf(ref).some((a) => actionPatternMatches(a.value, PASS_ROLE) && !/^iam:\*+$/i.test(a.value));
      const pattern = ref.statement.Action !== undefined && !literal ? actionsOf(ref).find((a) => /^iam:\*+$/i.test(a.value)) : undefined;
      const unscoped = resourcesOf(ref).filter((resource) => isUnscopedResource(PASS_ROLE, resource.value));
      if (pattern && unscoped.length > 0) {
        const resource = unscoped.map((r) => `"${r.value}"`).join(" and ");
        context.report({ messageId, data: { resource }, pointer: pattern.pointer, severity, subject: resource });
        continue;
      }
      for (const resource of unscoped) {
        context.report({
          messageId,
          data: { resource: `"${resource.value}"` },
          pointer: resource.pointer,
          severity,
          subject: resource.value,
        });
      }
    }
  },
});

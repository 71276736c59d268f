import { actionsOf, allResourcesPhrase, allowStatements } from "../policy/statements.ts";
import { expandActionPattern } from "../iam/index.ts";
import { isWorkloadBaselineAction } from "../policy/workload-baseline.ts";
import { defineRule } from "./define-rule.ts";

/** `s3:*`, `S3:**`: every action of one service. `*` and `*:*` are no-admin-access's. */
const SERVICE_WILDCARD = /^([^:*?]+):\*+$/;

/** Services whose every action on every resource amounts to control over access, keys or the organization. */
const CONTROL_SERVICES = new Set(["iam", "sts", "organizations", "kms"]);

export default defineRule({
  id: "no-service-wildcard-on-all-resources",
  category: "overly-permissive",
  severity: "warning",
  docs: {
    description: "Disallow statements that allow every action of a service (`s3:*`) on every resource.",
    rationale:
      '`"Action": "s3:*"` on `"Resource": "*"` grants every current and future action of the service on every ' +
      "resource in the account: reading and deleting all data, changing bucket policies, and whatever AWS adds " +
      "next. It is rarely what a workload needs and hides what it does. For `iam:*`, `sts:*`, `organizations:*` " +
      "and `kms:*` it is close to administrator access (create users and policies, assume any role, leave the " +
      "organization, decrypt everything), so those are reported as errors. List the actions used and the ARNs " +
      "they act on.",
    examples: {
      noncompliant: [
        {
          title: "Every S3 action on every resource",
          kind: "identity",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] },
        },
      ],
      compliant: [
        {
          title: "Every S3 action, but only on one bucket and its objects",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::build-cache", "arn:aws:s3:::build-cache/*"] }],
          },
        },
      ],
    },
    references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"],
  },
  messages: {
    serviceWildcard: (data: { action: string; service: string; where: string }) =>
      `"${data.action}" on ${data.where} allows every ${data.service} action, including future ones, on every resource in the account; list the actions and ARNs the workload uses.`,
  },
  // Identity policies only: boundaries, SCPs and RCPs are guardrails where a service wildcard is the norm, and
  // resource and endpoint policies are judged by the public-access and cross-account rules.
  kinds: ["identity"],
  checkPolicy(doc, context) {
    for (const ref of allowStatements(doc)) {
      if (allResourcesPhrase(ref) === undefined) continue;
      for (const action of actionsOf(ref)) {
        if (action.unresolved) continue;
        const match = SERVICE_WILDCARD.exec(action.value);
        if (!match) continue;
        const service = match[1]!.toLowerCase();
        const where = allResourcesPhrase(ref, action.value);
        if (where === undefined) continue;
        // `ssmmessages:*`, `ec2messages:*`: every action of the service is one AWS grants on `*` itself.
        const expanded = expandActionPattern(action.value);
        if (expanded.length > 0 && expanded.every(isWorkloadBaselineAction)) continue;
        context.report({
          messageId: "serviceWildcard",
          data: { action: action.value, service, where },
          pointer: action.pointer,
          subject: action.value,
          severity: CONTROL_SERVICES.has(service) ? "error" : "warning",
        });
      }
    }
  },
});

import { statementsOf } from "../extract/document.ts";
import { hasWildcard } from "../iam/index.ts";
import { actionsOf, isAllow } from "../policy/statements.ts";
import { defineRule } from "./define-rule.ts";

/** The actions a role trust policy may allow. */
const TRUST_ACTIONS = [
  "sts:AssumeRole",
  "sts:AssumeRoleWithSAML",
  "sts:AssumeRoleWithWebIdentity",
  "sts:TagSession",
  "sts:SetSourceIdentity",
  "sts:SetContext",
];
const TRUST_ACTION = new RegExp(`^(?:${TRUST_ACTIONS.join("|")})$`, "i");

export default defineRule({
  id: "valid-trust-actions",
  category: "invalid-policy",
  severity: "error",
  docs: {
    description: "Require a role's trust policy to allow only the sts actions that assume a role.",
    rationale:
      "A trust policy says who may assume the role, so IAM accepts only `sts:AssumeRole`, " +
      "`sts:AssumeRoleWithSAML`, `sts:AssumeRoleWithWebIdentity` and the session actions `sts:TagSession`, " +
      '`sts:SetSourceIdentity` and `sts:SetContext` in it; `"Action": "*"`, `sts:*` or any other action make ' +
      "`CreateRole` and `UpdateAssumeRolePolicy` fail (`AssumeRolePolicy policy may only specify STS AssumeRole " +
      "actions`). Name the assume action the principal uses instead.",
    examples: {
      noncompliant: [
        {
          title: "Every action in a trust policy",
          file: "template.yaml",
          text:
            "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n" +
            '        Version: "2012-10-17"\n        Statement:\n          - Effect: Allow\n            Principal: {Service: ec2.amazonaws.com}\n            Action: "*"\n',
        },
      ],
      compliant: [
        {
          title: "Only sts:AssumeRole",
          kind: "trust",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
          },
        },
      ],
    },
    references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#term_trust-policy"],
  },
  messages: {
    notTrustAction: (data: { action: string }) =>
      `"${data.action}" in a trust policy: AWS accepts only sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity and the session actions (sts:TagSession, sts:SetSourceIdentity, sts:SetContext) there, so it rejects this policy.`,
  },
  checkPolicy(doc, context) {
    if (doc.kind !== "trust") return;
    for (const ref of statementsOf(doc.json)) {
      if (!isAllow(ref.statement)) continue;
      for (const action of actionsOf(ref)) {
        if (action.unresolved || TRUST_ACTION.test(action.value)) continue;
        // `sts:AssumeRole*` only matches trust actions: accepted.
        if (hasWildcard(action.value) && /^sts:AssumeRole/i.test(action.value)) continue;
        context.report({ messageId: "notTrustAction", data: { action: action.value }, pointer: action.pointer, subject: action.value });
      }
    }
  },
});

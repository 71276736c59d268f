import type { JsonObject, PolicyDocument } from "../types.ts";
import { isJsonObject, statementsOf } from "../extract/document.ts";
import { conditionsOn, isAllow, isDeny, type ConditionEntry } from "../policy/statements.ts";
import { defineRule, type RuleFix } from "./define-rule.ts";

const PRESENT = "aws:MultiFactorAuthPresent";
const AGE = "aws:MultiFactorAuthAge";

type MessageId = "denyWithoutIfExists" | "allowIfExists" | "allowAgeInverted" | "denyAgeInverted";

interface Problem {
  messageId: MessageId;
  /** The operator to write instead. */
  fixed: string;
}

/** `NumericLessThanEquals` → `LessThanEquals` and so on; undefined for operators other than Numeric*. */
function numericComparison(base: string): { less: boolean; equals: boolean } | undefined {
  const match = /^numeric(less|greater)than(equals)?$/.exec(base);
  return match ? { less: match[1] === "less", equals: match[2] !== undefined } : undefined;
}

function numeric(less: boolean, equals: boolean, ifExists: boolean): string {
  return `Numeric${less ? "Less" : "Greater"}Than${equals ? "Equals" : ""}${ifExists ? "IfExists" : ""}`;
}

/**
 * What is wrong with one MFA condition, judged by IAM's evaluation: a key that is absent (requests signed with
 * long-term access keys carry neither MFA key) makes a plain operator false and an `IfExists` operator true.
 */
function problemOf(effect: "Allow" | "Deny", entry: ConditionEntry): Problem | undefined {
  const operator = entry.operator.toLowerCase();
  if (operator.includes(":")) return undefined; // set operators on a single-valued key: out of scope here
  const ifExists = operator.endsWith("ifexists");
  const base = ifExists ? operator.slice(0, -"ifexists".length) : operator;
  const values = entry.values.map((v) => v.value.toLowerCase());
  if (entry.key.toLowerCase() === PRESENT.toLowerCase()) {
    if (base !== "bool") return undefined;
    if (effect === "Deny" && !ifExists && values.includes("false")) return { messageId: "denyWithoutIfExists", fixed: "BoolIfExists" };
    if (effect === "Allow" && ifExists && values.includes("true")) return { messageId: "allowIfExists", fixed: "Bool" };
    return undefined;
  }
  const comparison = numericComparison(base);
  if (!comparison) return undefined;
  if (effect === "Allow") {
    if (!comparison.less) return { messageId: "allowAgeInverted", fixed: numeric(true, comparison.equals, false) };
    return ifExists ? { messageId: "allowIfExists", fixed: numeric(true, comparison.equals, false) } : undefined;
  }
  if (comparison.less) return { messageId: "denyAgeInverted", fixed: numeric(false, comparison.equals, true) };
  return ifExists ? undefined : { messageId: "denyWithoutIfExists", fixed: numeric(false, comparison.equals, true) };
}

/**
 * Renames the operator key in place. Only when the operator holds this one key (renaming it changes every key
 * under it), no operator of the new name exists already (that would duplicate a key), and the key's position is
 * the operator's own text (`Bool`, `"Bool"` or `'Bool'`; Terraform's `test = "Bool"`).
 */
function renameFix(doc: PolicyDocument, condition: JsonObject, entry: ConditionEntry, fixed: string): RuleFix | undefined {
  const block = condition[entry.operator];
  if (!isJsonObject(block) || Object.keys(block).length !== 1) return undefined;
  if (Object.keys(condition).some((op) => op.toLowerCase() === fixed.toLowerCase())) return undefined;
  const range = doc.keys[entry.operatorPointer];
  if (!range || range.line !== range.endLine) return undefined;
  const width = range.endColumn - range.column;
  if (width !== entry.operator.length && width !== entry.operator.length + 2) return undefined;
  return { description: `Use ${fixed}.`, edits: [{ range, text: fixed, keepQuotes: true }] };
}

export default defineRule({
  id: "mfa-condition",
  category: "mfa",
  severity: "warning",
  docs: {
    description: "Disallow MFA conditions that let requests without MFA through.",
    rationale:
      "Requests signed with long-term access keys carry no `aws:MultiFactorAuthPresent` or `aws:MultiFactorAuthAge` " +
      "key at all. A plain operator is false when its key is absent and an `IfExists` operator is true, so the two " +
      'common ways to write an MFA rule fail silently: `Deny` with `Bool` `aws:MultiFactorAuthPresent` `"false"` never ' +
      'denies an access key (use `BoolIfExists`), and `Allow` with `BoolIfExists` `"true"` allows it (use `Bool`). ' +
      "For `aws:MultiFactorAuthAge` an `Allow` must use `NumericLessThan` (recent MFA) and a `Deny` " +
      "`NumericGreaterThanIfExists` (old or no MFA); the opposite operators invert the rule.",
    examples: {
      noncompliant: [
        {
          title: "The deny never applies to access keys",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Deny",
                NotAction: ["iam:ChangePassword", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "sts:GetSessionToken"],
                Resource: "*",
                Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
              },
            ],
          },
        },
      ],
      compliant: [
        {
          title: "Deny everything without MFA, access keys included",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Deny",
                NotAction: ["iam:ChangePassword", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "sts:GetSessionToken"],
                Resource: "*",
                Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists",
    ],
  },
  messages: {
    denyWithoutIfExists: (data: { operator: string; key: string; fixed: string }) =>
      `"${data.operator}" on ${data.key} in a Deny is false for requests signed with long-term access keys, which carry no MFA information, so they are not denied; use "${data.fixed}".`,
    allowIfExists: (data: { operator: string; key: string; fixed: string }) =>
      `"${data.operator}" on ${data.key} in an Allow is true for requests without MFA information (long-term access keys), so it does not require MFA; use "${data.fixed}".`,
    allowAgeInverted: (data: { operator: string; fixed: string }) =>
      `"${data.operator}" on aws:MultiFactorAuthAge in an Allow accepts sessions whose MFA is older than the limit, the opposite of an MFA age check; use "${data.fixed}".`,
    allowWithoutMfa: (data: { operator: string; key: string }) =>
      `"${data.operator}" on ${data.key} with "false" in an Allow grants only to sessions without MFA, the opposite of requiring it; use "Bool" with "true".`,
    denyAgeInverted: (data: { operator: string; fixed: string }) =>
      `"${data.operator}" on aws:MultiFactorAuthAge in a Deny denies sessions with recent MFA and lets old ones through; use "${data.fixed}".`,
  },
  checkPolicy(doc, context) {
    for (const ref of statementsOf(doc.json)) {
      const effect = isDeny(ref.statement) ? "Deny" : isAllow(ref.statement) ? "Allow" : undefined;
      if (!effect || !isJsonObject(ref.statement.Condition)) continue;
      const condition = ref.statement.Condition;
      for (const entry of conditionsOn(ref, [PRESENT, AGE])) {
        // Issue #11: an Allow on "MFA is absent" is an inverted requirement (a Deny on it is the usual pattern).
        const values = entry.values.map((v) => v.value.toLowerCase());
        if (
          effect === "Allow" &&
          entry.key.toLowerCase() === PRESENT.toLowerCase() &&
          /^bool(ifexists)?$/i.test(entry.operator) &&
          values.includes("false") &&
          !values.includes("true")
        ) {
          const value = entry.values.find((v) => v.value.toLowerCase() === "false")!;
          context.report({
            messageId: "allowWithoutMfa",
            data: { operator: entry.operator, key: entry.key },
            pointer: value.pointer,
            subject: `${entry.operator} ${entry.key} false`,
          });
          continue;
        }
        const problem = problemOf(effect, entry);
        if (!problem) continue;
        const fix = renameFix(doc, condition, entry, problem.fixed);
        context.report({
          messageId: problem.messageId,
          data: { operator: entry.operator, key: entry.key, fixed: problem.fixed },
          pointer: entry.operatorPointer,
          at: "key",
          subject: `${entry.operator} ${entry.key}`,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});

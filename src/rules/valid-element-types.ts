import type { JsonValue } from "../types.ts";
import { isJsonObject, pointerOf, statementsOf } from "../extract/document.ts";
import { defineRule } from "./define-rule.ts";

/** Elements whose value is a string or a list of strings. */
const STRING_LISTS = ["Action", "NotAction", "Resource", "NotResource"];

function describe(value: JsonValue): string {
  if (Array.isArray(value)) return "a list";
  if (isJsonObject(value)) return "a mapping";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

export default defineRule({
  id: "valid-element-types",
  category: "invalid-policy",
  severity: "error",
  docs: {
    description:
      "Require a non-empty Statement list and strings (or lists of strings) in Action, Resource, Principal and Condition values.",
    rationale:
      "IAM reads `Action`, `NotAction`, `Resource` and `NotResource` as a string or a flat list of strings, each " +
      "principal type in `Principal` the same way, and each condition key's values as strings, numbers or booleans. " +
      'A nested list (`[["s3:GetObject"]]`, easily produced by concatenating lists in a template) or a mapping where ' +
      "a string belongs makes AWS reject the policy, and so does a policy whose `Statement` list is empty. Values " +
      "left unresolved by the template are not judged.",
    examples: {
      noncompliant: [
        {
          title: "A nested action list",
          kind: "identity",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: [["s3:GetObject"], "s3:ListBucket"], Resource: "*" }] },
        },
        { title: "An empty statement list", kind: "identity", policy: { Version: "2012-10-17", Statement: [] } },
      ],
      compliant: [
        {
          title: "A flat action list",
          kind: "identity",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }] },
        },
      ],
    },
    references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"],
  },
  messages: {
    emptyStatement: () => "This policy's Statement list is empty, so AWS rejects the policy; add a statement or remove the policy.",
    notString: (data: { element: string; found: string }) =>
      `${data.element} holds ${data.found} where IAM expects a string, so AWS rejects the policy.`,
  },
  checkPolicy(doc, context) {
    const root = doc.json;
    if (!isJsonObject(root)) return;
    // A Terraform policy document may take its statements from source/override documents or dynamic blocks the
    // extractor could not read: an empty list there is not known to be empty (issue #10).
    const fromTerraformData = doc.format === "terraform" && doc.origin.startsWith("data.aws_iam_policy_document");
    if (Array.isArray(root.Statement) && root.Statement.length === 0 && !fromTerraformData && doc.unresolved.length === 0) {
      context.report({ messageId: "emptyStatement", data: {}, pointer: "/Statement" });
    }
    const check = (value: JsonValue | undefined, pointer: string, element: string, scalars: boolean): void => {
      if (value === undefined || typeof value === "string") return;
      if (scalars && (typeof value === "number" || typeof value === "boolean")) return;
      const items = Array.isArray(value) ? value : [value];
      items.forEach((item, index) => {
        if (typeof item === "string" || (scalars && (typeof item === "number" || typeof item === "boolean"))) return;
        const at = Array.isArray(value) ? pointerOf(pointer, index) : pointer;
        context.report({ messageId: "notString", data: { element, found: describe(item) }, pointer: at, subject: at });
      });
    };
    for (const ref of statementsOf(root)) {
      const { statement } = ref;
      for (const key of STRING_LISTS) check(statement[key], pointerOf(ref.pointer, key), key, false);
      for (const key of ["Principal", "NotPrincipal"]) {
        const principal = statement[key];
        if (!isJsonObject(principal)) continue;
        for (const type of Object.keys(principal))
          check(principal[type], pointerOf(pointerOf(ref.pointer, key), type), `${key}.${type}`, false);
      }
      const condition = statement.Condition;
      if (!isJsonObject(condition)) continue;
      for (const operator of Object.keys(condition)) {
        const block = condition[operator];
        if (!isJsonObject(block)) continue;
        for (const conditionKey of Object.keys(block)) {
          check(
            block[conditionKey],
            pointerOf(pointerOf(pointerOf(ref.pointer, "Condition"), operator), conditionKey),
            `Condition ${operator} ${conditionKey}`,
            true,
          );
        }
      }
    }
  },
});

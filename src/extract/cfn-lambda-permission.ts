/**
 * `AWS::Lambda::Permission` as the one-statement resource policy Lambda adds to the function (the conditions, the
 * service-principal decision and the document around it are shared with Terraform in lambda-permission.ts).
 */
import { buildPolicyDocument } from "./document.ts";
import { isServicePrincipal, LAMBDA_PERMISSION_CONDITIONS, lambdaPermissionDocument } from "./lambda-permission.ts";
import { member, type PEntry, type PNode } from "./positioned.ts";
import { spanOf, textOf, type CfnExtraction, type Resource } from "./cfn-extraction.ts";

/** `AWS::Lambda::Permission` as the one-statement resource policy Lambda adds to the function. */
export function lambdaPermission(extraction: CfnExtraction, resource: Resource): void {
  const props = resource.properties;
  const entry = (key: string): PEntry | undefined => member(props, key);
  const missing = ["Action", "Principal", "FunctionName"].filter((key) => (entry(key)?.value.type ?? "null") === "null");
  if (missing.length > 0) {
    extraction.finding(
      resource.entry.keyRange,
      "warning",
      `${resource.label} has no ${missing.join(", ")}, so it was not analysed.`,
      `${resource.label}:missing`,
    );
    return;
  }
  const principalEntry = entry("Principal")!;
  const principal = extraction.resolve(principalEntry.value, ["Principal"]);
  const action = extraction.resolve(entry("Action")!.value, ["Action"]);
  const resourceValue = extraction.resolve(entry("FunctionName")!.value, ["Resource"]);
  if (!principal || !action || !resourceValue) return;

  let principalNode: PNode;
  const values = principal.type === "array" ? principal.items : [principal];
  const star = values.find((value) => value.type === "string" && value.value === "*");
  if (star) principalNode = star;
  else {
    const groups = new Map<string, PNode[]>();
    for (const value of values) {
      const text = textOf(value) ?? "";
      const key = value.type === "string" && isServicePrincipal(text) ? "Service" : "AWS";
      const forKey =
        value.type === "unresolved" ? { ...value, hint: /account/i.test(value.expression) ? ("account-id" as const) : value.hint } : value;
      groups.set(key, [...(groups.get(key) ?? []), forKey]);
    }
    principalNode = {
      type: "object",
      range: principal.range,
      entries: [...groups].map(([key, items]) => ({
        key,
        keyRange: principalEntry.keyRange,
        value: items.length === 1 ? items[0]! : { type: "array" as const, items, range: principal.range },
      })),
    };
  }

  const conditions = new Map<string, PEntry[]>();
  const addCondition = (property: string, operator: string, conditionKey: string): void => {
    const source = entry(property);
    if (!source) return;
    const value = extraction.resolve(source.value, ["Condition", operator, conditionKey]);
    if (!value) return;
    conditions.set(operator, [...(conditions.get(operator) ?? []), { key: conditionKey, keyRange: source.keyRange, value }]);
  };
  for (const c of LAMBDA_PERMISSION_CONDITIONS) addCondition(c.cloudformation, c.operator, c.key);

  const at = props.range;
  const statement: PEntry[] = [
    { key: "Effect", keyRange: at, value: { type: "string", value: "Allow", range: at } },
    { key: "Principal", keyRange: principalEntry.keyRange, value: principalNode },
    { key: "Action", keyRange: entry("Action")!.keyRange, value: action },
    { key: "Resource", keyRange: entry("FunctionName")!.keyRange, value: resourceValue },
  ];
  if (conditions.size > 0) {
    const operators: PEntry[] = [...conditions].map(([operator, entries]) => ({
      key: operator,
      keyRange: entries[0]!.keyRange,
      value: { type: "object", entries, range: at },
    }));
    statement.push({ key: "Condition", keyRange: at, value: { type: "object", entries: operators, range: at } });
  }
  extraction.result.policies.push(
    buildPolicyDocument(lambdaPermissionDocument(statement, at, at), {
      file: extraction.file.path,
      format: "cloudformation",
      origin: `${resource.label} .Properties`,
      kind: "resource",
      resourceType: "AWS::Lambda::Function",
      range: spanOf(resource.entry),
    }),
  );
}

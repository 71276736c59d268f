/**
 * Terraform plan JSON (`terraform show -json plan.out`) as an input (issue #11): every policy-bearing attribute of
 * every resource in `planned_values` (root and child modules), with the values Terraform resolved. Each
 * document is read once: `resource_changes`, `prior_state` and `configuration` repeat the same documents. A
 * policy Terraform knows only after apply is a note. Positions are the plan file's (the JSON string holding the
 * policy): the plan does not say where in the `.tf` source an expression is written.
 */
import type { ExtractResult, PolicyKind, SourceFile } from "../types.ts";
import { inputFinding } from "../findings.ts";
import { buildPolicyDocument, classifyPolicy } from "./document.ts";
import { parseJson } from "./json.ts";
import { member, type PNode } from "./positioned.ts";
import { TF_POLICY_ATTRIBUTES } from "./tf-policy-attributes.ts";

/** Whether a parsed JSON file is a Terraform plan (or state) in JSON: a `format_version` and `planned_values`. */
export function isTerraformPlan(root: PNode): boolean {
  return root.type === "object" && member(root, "format_version") !== undefined && member(root, "planned_values") !== undefined;
}

interface PlanUse {
  attribute: string;
  kind: PolicyKind | "resource";
  resourceType?: string;
  /** The attribute is a list of blocks, each with the policy in `policy` (`inline_policy`). */
  nested?: string;
}

/** The policy attributes of a resource type; `tables` are terraform.ts's resource-policy and inline-policy tables. */
function usesOf(type: string, tables: PlanTables): PlanUse[] {
  const out: PlanUse[] = [];
  const resource = tables.resourcePolicies[type];
  if (resource) out.push({ attribute: resource.attribute, kind: "resource", resourceType: resource.resourceType });
  if (tables.inlinePolicies[type] || type === "aws_iam_policy") out.push({ attribute: "policy", kind: "identity" });
  const extra = TF_POLICY_ATTRIBUTES[type];
  if (extra && !extra.block)
    out.push({
      attribute: extra.attribute,
      kind: extra.kind ?? "resource",
      ...(extra.resourceType ? { resourceType: extra.resourceType } : {}),
    });
  if (type === "aws_iam_role") {
    out.push({ attribute: "assume_role_policy", kind: "trust", resourceType: "AWS::IAM::AssumeRolePolicyDocument" });
    out.push({ attribute: "inline_policy", kind: "identity", nested: "policy" });
  }
  if (type === "aws_organizations_policy") out.push({ attribute: "content", kind: "scp" });
  return out;
}

export interface PlanTables {
  resourcePolicies: Readonly<Record<string, { attribute: string; resourceType: string }>>;
  inlinePolicies: Readonly<Record<string, unknown>>;
}

function text(node: PNode | undefined): string | undefined {
  return node?.type === "string" ? node.value : undefined;
}

/** Extracts the policies of a plan's `planned_values`. */
export function extractPlan(file: SourceFile, root: PNode, tables: PlanTables): ExtractResult {
  const result: ExtractResult = { policies: [], facts: [], findings: [] };
  const unknown = afterUnknown(root);
  const configured = configuredAttributes(root);
  const visitModule = (module: PNode | undefined, depth: number): void => {
    if (!module || depth > 50) return;
    const resources = member(module, "resources")?.value;
    for (const resource of resources?.type === "array" ? resources.items : []) {
      const address = text(member(resource, "address")?.value);
      const type = text(member(resource, "type")?.value);
      if (address === undefined || type === undefined || text(member(resource, "mode")?.value) === "data") continue;
      const values = member(resource, "values")?.value;
      if (type === "aws_lambda_permission" && values) {
        const permission = lambdaPermission(values);
        if (permission) {
          const document = buildPolicyDocument(permission, {
            file: file.path,
            format: "terraform",
            origin: address,
            kind: "resource",
            resourceType: "AWS::Lambda::Function",
          });
          result.policies.push(document);
        }
      }
      for (const use of usesOf(type, tables)) {
        const value = member(values, use.attribute)?.value;
        if (use.nested) {
          const items = value?.type === "array" ? value.items : [];
          items.forEach((item, index) => emit(member(item, use.nested!)?.value, `${address} .${use.attribute}[${index}]`, use));
        } else if (value === undefined || value.type === "null") {
          // Computed attributes (aws_s3_bucket's legacy policy) are unknown when not set: only a set one matters.
          if (unknown.get(address)?.has(use.attribute) && configured.has(`${address.replace(/\[[^\]]*\]/g, "")} ${use.attribute}`)) {
            const range = member(resource, "address")!.value.range;
            result.findings.push(
              inputFinding(
                file.path,
                range,
                "note",
                `${address} .${use.attribute} was not analysed: Terraform knows it only after apply.`,
                `${address} ${use.attribute} unknown`,
              ),
            );
          }
        } else emit(value, `${address} .${use.attribute}`, use);
      }
    }
    const children = member(module, "child_modules")?.value;
    for (const child of children?.type === "array" ? children.items : []) visitModule(child, depth + 1);
  };
  const emit = (value: PNode | undefined, origin: string, use: PlanUse): void => {
    if (value?.type !== "string" || value.value.trim() === "") return;
    const parsed = parseJson(value.value, () => value.range);
    if (!parsed.ok || parsed.node.type !== "object") {
      const message = `The policy in ${origin} is not a JSON object${parsed.ok ? "" : ` (${parsed.message})`}, so it was not analysed.`;
      result.findings.push(inputFinding(file.path, value.range, "warning", message, `${origin} invalid`));
      return;
    }
    const document = buildPolicyDocument(parsed.node, {
      file: file.path,
      format: "terraform",
      origin,
      ...(use.kind === "resource" ? {} : { kind: use.kind }),
      ...(use.resourceType ? { resourceType: use.resourceType } : {}),
    });
    if (use.kind === "resource") document.kind = classifyPolicy(document.json) === "trust" ? "trust" : "resource";
    result.policies.push(document);
  };
  visitModule(member(member(root, "planned_values")?.value, "root_module")?.value, 0);
  return result;
}

/** Attributes each resource address knows only after apply (`resource_changes[].change.after_unknown`). */
function afterUnknown(root: PNode): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const changes = member(root, "resource_changes")?.value;
  for (const change of changes?.type === "array" ? changes.items : []) {
    const address = text(member(change, "address")?.value);
    const unknown = member(member(change, "change")?.value, "after_unknown")?.value;
    if (address === undefined || unknown?.type !== "object") continue;
    out.set(
      address,
      new Set(unknown.entries.filter((entry) => entry.value.type === "boolean" && entry.value.value).map((entry) => entry.key)),
    );
  }
  return out;
}

/** `address attribute` for every attribute the configuration sets (child modules' addresses with their `module.` prefix). */
function configuredAttributes(root: PNode): Set<string> {
  const out = new Set<string>();
  const visit = (module: PNode | undefined, prefix: string, depth: number): void => {
    if (!module || depth > 50) return;
    const resources = member(module, "resources")?.value;
    for (const resource of resources?.type === "array" ? resources.items : []) {
      const address = text(member(resource, "address")?.value);
      const expressions = member(resource, "expressions")?.value;
      if (address === undefined || expressions?.type !== "object") continue;
      for (const entry of expressions.entries) out.add(`${prefix}${address} ${entry.key}`);
    }
    const calls = member(module, "module_calls")?.value;
    for (const call of calls?.type === "object" ? calls.entries : [])
      visit(member(call.value, "module")?.value, `${prefix}module.${call.key}.`, depth + 1);
  };
  visit(member(member(root, "configuration")?.value, "root_module")?.value, "", 0);
  return out;
}

/** A planned `aws_lambda_permission` as the one-statement policy Lambda adds to the function. */
function lambdaPermission(values: PNode): PNode | undefined {
  const get = (key: string): PNode | undefined => {
    const value = member(values, key)?.value;
    return value?.type === "string" && value.value !== "" ? value : undefined;
  };
  const principal = get("principal");
  const action = get("action");
  const functionName = get("function_name");
  if (!principal || !action || !functionName) return undefined;
  const at = values.range;
  const entry = (key: string, value: PNode) => ({ key, keyRange: value.range, value });
  const principalType =
    principal.type === "string" && /\.amazonaws\.com(\.cn)?$|^[a-z0-9-]+\.amazon\.com$/.test(principal.value) ? "Service" : "AWS";
  const statement = [
    entry("Effect", { type: "string" as const, value: "Allow", range: at }),
    entry(
      "Principal",
      principal.type === "string" && principal.value === "*"
        ? principal
        : { type: "object" as const, range: principal.range, entries: [entry(principalType, principal)] },
    ),
    entry("Action", action),
    entry("Resource", functionName),
  ];
  const conditions: Array<[string, string, string]> = [
    ["source_arn", "ArnLike", "aws:SourceArn"],
    ["source_account", "StringEquals", "aws:SourceAccount"],
    ["principal_org_id", "StringEquals", "aws:PrincipalOrgID"],
    ["function_url_auth_type", "StringEquals", "lambda:FunctionUrlAuthType"],
  ];
  const operators = new Map<string, PNode & { type: "object" }>();
  for (const [attribute, operator, key] of conditions) {
    const value = get(attribute);
    if (!value) continue;
    const block = operators.get(operator) ?? { type: "object" as const, range: at, entries: [] };
    block.entries.push(entry(key, value));
    operators.set(operator, block);
  }
  if (operators.size > 0)
    statement.push(
      entry("Condition", {
        type: "object",
        range: at,
        entries: [...operators].map(([operator, block]) => ({ key: operator, keyRange: at, value: block })),
      }),
    );
  return {
    type: "object",
    range: at,
    entries: [
      entry("Version", { type: "string", value: "2012-10-17", range: at }),
      entry("Statement", { type: "array", range: at, items: [{ type: "object", range: at, entries: statement }] }),
    ],
  };
}

/**
 * Module arguments that carry policies (issue #11): how an argument's name says what it holds, and how a
 * terraform-aws-modules style statement object (`actions`, `resources`, `principals`, `conditions`) becomes an
 * IAM statement, and the reading of a module block's arguments into policies and managed-policy facts. Names are
 * matched, not module sources: the same conventions run through registry and local modules.
 */
import type { PolicyKind } from "../types.ts";
import type { PEntry, PNode } from "./positioned.ts";
import { lookupTable } from "./own.ts";
import type { HclAttribute, HclBlock } from "./tf-hcl.ts";
import { literalString, policySource, valueOf } from "./tf-eval.ts";
import { listItems } from "./tf-module-index.ts";
import type { TfExtraction, Use } from "./tf-extraction.ts";

export type ArgumentRole = "policy" | "policies" | "statements" | "policy-arns";

/** What a module argument holds, from its name; undefined for anything else. */
export function argumentRole(name: string): ArgumentRole | undefined {
  if (/(^|_)statements$/.test(name)) return "statements";
  if (/(^|_)policy_jsons$|(^|_)policy_documents$/.test(name)) return "policies";
  if (/(^|_)policy_arns$|(^|_)role_policies$|^policies$/.test(name)) return "policy-arns";
  if (
    /(^|_)(policy|policy_json|policy_document|assume_role_policy|trust_policy|access_policy|access_policies|resource_policy|key_policy|bucket_policy|queue_policy|topic_policy)$/.test(
      name,
    )
  ) {
    return "policy";
  }
  return undefined;
}

/** `trust` when the name says so (`assume_role_policy`, `trust_policy_json`); otherwise inferred from the document. */
export function argumentKind(name: string): PolicyKind | undefined {
  return /assume_role|trust/.test(name) ? "trust" : undefined;
}

const KEYS: Readonly<Record<string, string>> = lookupTable({
  sid: "Sid",
  effect: "Effect",
  actions: "Action",
  not_actions: "NotAction",
  resources: "Resource",
  not_resources: "NotResource",
});

function entryOf(key: string, value: PNode, keyRange = value.range): PEntry {
  return { key, keyRange, value };
}

function member(node: PNode, key: string): PEntry | undefined {
  return node.type === "object" ? node.entries.find((entry) => entry.key === key) : undefined;
}

/** `principals = [{ type = "AWS", identifiers = [...] }]` → `{"AWS": [...]}`. */
function principalsOf(node: PNode): PNode {
  const items = node.type === "array" ? node.items : [node];
  const entries: PEntry[] = [];
  for (const item of items) {
    const type = member(item, "type")?.value;
    const identifiers = member(item, "identifiers")?.value;
    if (type?.type === "string" && identifiers) entries.push(entryOf(type.value, identifiers, member(item, "type")!.keyRange));
  }
  return { type: "object", range: node.range, entries };
}

/** `conditions = [{ test, variable, values }]` → `{"test": {"variable": values}}`. */
function conditionsOf(node: PNode): PNode {
  const items = node.type === "array" ? node.items : [node];
  const operators: PEntry[] = [];
  for (const item of items) {
    const test = member(item, "test")?.value;
    const variable = member(item, "variable")?.value;
    const values = member(item, "values")?.value;
    if (test?.type !== "string" || variable?.type !== "string" || !values) continue;
    let operator = operators.find((entry) => entry.key === test.value);
    if (!operator) {
      operator = entryOf(test.value, { type: "object", range: item.range, entries: [] }, member(item, "test")!.keyRange);
      operators.push(operator);
    }
    (operator.value as PNode & { type: "object" }).entries.push(entryOf(variable.value, values, member(item, "variable")!.keyRange));
  }
  return { type: "object", range: node.range, entries: operators };
}

/** One statement object in the module convention as an IAM statement; `sid` from a map key when none is given. */
export function statementOf(node: PNode, sid?: { value: string; range: PNode["range"] }): PNode {
  if (node.type !== "object") return node;
  const entries: PEntry[] = [];
  for (const entry of node.entries) {
    const key = KEYS[entry.key];
    if (key) entries.push({ key, keyRange: entry.keyRange, value: entry.value });
    else if (entry.key === "principals" || entry.key === "not_principals") {
      entries.push({
        key: entry.key === "principals" ? "Principal" : "NotPrincipal",
        keyRange: entry.keyRange,
        value: principalsOf(entry.value),
      });
    } else if (entry.key === "conditions" || entry.key === "condition") {
      entries.push({ key: "Condition", keyRange: entry.keyRange, value: conditionsOf(entry.value) });
    }
  }
  if (!entries.some((entry) => entry.key === "Effect"))
    entries.unshift(entryOf("Effect", { type: "string", value: "Allow", range: node.range }));
  // The modules write a map key as the Sid with every character but letters and digits removed, as IAM requires.
  const cleanSid = sid?.value.replace(/[^0-9A-Za-z]/g, "");
  if (sid && cleanSid && !entries.some((entry) => entry.key === "Sid"))
    entries.unshift(entryOf("Sid", { type: "string", value: cleanSid, range: sid.range }));
  return { type: "object", range: node.range, entries };
}

/** A list or map of statement objects as a policy document; undefined when it is neither. */
export function statementsDocument(node: PNode): PNode | undefined {
  let statements: PNode[];
  if (node.type === "array") statements = node.items.map((item) => statementOf(item));
  else if (node.type === "object")
    statements = node.entries.map((entry) => statementOf(entry.value, { value: entry.key, range: entry.keyRange }));
  else return undefined;
  if (statements.length === 0 || statements.some((statement) => statement.type !== "object")) return undefined;
  return {
    type: "object",
    range: node.range,
    entries: [
      entryOf("Version", { type: "string", value: "2012-10-17", range: node.range }),
      entryOf("Statement", { type: "array", range: node.range, items: statements }),
    ],
  };
}

/**
 * Policies passed to a module (issue #11): `policy_json`, `assume_role_policy`, `policy_jsons`, statement lists
 * in the terraform-aws-modules convention, and managed policy ARNs, judged where they are written.
 */
export function moduleArguments(extractor: TfExtraction, block: HclBlock): void {
  const address = `module.${block.labels[0]!}`;
  for (const attribute of block.body.attributes) moduleArgument(extractor, address, block, attribute, `${address} .${attribute.name}`, 0);
}

/** One argument; an object argument (`eks_managed_node_groups = { x = { iam_role_policy_statements = … } }`) is searched. */
function moduleArgument(
  extractor: TfExtraction,
  address: string,
  block: HclBlock,
  attribute: HclAttribute,
  origin: string,
  depth: number,
): void {
  const role = argumentRole(attribute.name);
  if (!role && attribute.expr.kind === "object" && depth < 3) {
    for (const item of attribute.expr.items) {
      const key =
        literalString(item.key, extractor.ctx) ??
        (item.key.kind === "traversal" && item.key.steps.length === 0 ? item.key.root : undefined);
      if (key === undefined) continue;
      const nested: HclAttribute = { ...attribute, name: key, expr: item.value };
      moduleArgument(extractor, address, block, nested, `${origin}.${key}`, depth + 1);
    }
    return;
  }
  if (!role || attribute.expr.kind === "null") return;
  const kind = argumentKind(attribute.name);
  const use: Use = kind ? { kind, resourceType: "AWS::IAM::AssumeRolePolicyDocument" } : { kind: "resource", infer: true };
  if (role === "policy") {
    const source = policySource(attribute.expr, extractor.ctx, extractor.options);
    const holder: HclBlock = depth === 0 ? block : { ...block, body: { ...block.body, attributes: [attribute] } };
    // Judged by its name only, a module argument is a policy when it reads like one: a document reference, or JSON
    // with a Statement. A `policy` that is an ARN (terraform-aws-lambda) or an ECR lifecycle policy's `rules` is not
    // (issue #10: those were reported as invalid policies).
    const isDocument =
      source.kind === "document" ||
      (source.kind === "node" && source.node.type === "object" && source.node.entries.some((e) => e.key === "Statement"));
    if (isDocument) extractor.policyAttribute(address, holder, attribute.name, [use], origin);
  } else if (role === "policies") {
    listItems(attribute.expr).forEach((item, index) => {
      const source = policySource(item, extractor.ctx, extractor.options);
      if (source.kind === "node") extractor.emit(source.node, source.file, `${origin}[${index}]`, use);
      else if (source.kind === "document") extractor.uses.set(source.name, [...(extractor.uses.get(source.name) ?? []), use]);
    });
  } else if (role === "statements") {
    const value = valueOf(attribute.expr, extractor.ctx, ["Statement"]);
    const document = statementsDocument(value);
    if (document) extractor.emit(document, block.file.path, origin, use);
  } else {
    const value = valueOf(attribute.expr, extractor.ctx, []);
    const items = value.type === "array" ? value.items : value.type === "object" ? value.entries.map((entry) => entry.value) : [];
    for (const item of items) {
      if (item.type !== "string" || !item.value.startsWith("arn:")) continue;
      extractor.result.facts.push({
        type: "managed-policy-attachment",
        file: block.file.path,
        range: item.range,
        origin,
        arn: item.value,
        attachedTo: address,
      });
    }
  }
}

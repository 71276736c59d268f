/**
 * SAM constructs that stand for IAM policies (issue #11): policy templates in `Policies` (`SQSPollerPolicy`,
 * `S3ReadPolicy`, …), expanded with their parameters as SAM does, and an API's `Auth.ResourcePolicy`, as the
 * resource policy SAM generates from it. Generated parts are positioned on the entry that asked for them;
 * values taken from the template (parameters, custom statements) keep their own positions.
 */
import templateData from "../data/sam-policy-templates.json" with { type: "json" };
import type { JsonValue, Range } from "../types.ts";
import type { PEntry, PNode, PUnresolvedPart } from "./positioned.ts";
import { placeholderToken } from "./placeholder.ts";

interface TemplateTable {
  templates: Record<string, { parameters: string[]; statements: JsonValue }>;
}
const TABLE = templateData as unknown as TemplateTable;

/** A JSON value as nodes at one range, with `{"Ref": Parameter}` replaced by the given parameter values. */
function nodeOf(value: JsonValue, range: Range, parameters: ReadonlyMap<string, PNode>): PNode {
  if (value === null) return { type: "null", range };
  if (typeof value === "string") return { type: "string", value, range };
  if (typeof value === "number") return { type: "number", value, range };
  if (typeof value === "boolean") return { type: "boolean", value, range };
  if (Array.isArray(value)) return { type: "array", range, items: value.map((item) => nodeOf(item, range, parameters)) };
  const keys = Object.keys(value);
  const ref = value.Ref;
  if (keys.length === 1 && typeof ref === "string" && parameters.has(ref)) return parameters.get(ref)!;
  // `Fn::Sub` of one parameter (`arn:…:s3:::${bucketName}`): the resulting value is where that parameter is written.
  const used =
    JSON.stringify(value)
      .match(/"Ref":"([^"]+)"/g)
      ?.map((m) => m.slice(7, -1))
      .filter((name) => parameters.has(name)) ?? [];
  if (keys.length === 1 && keys[0] === "Fn::Sub" && new Set(used).size === 1) range = parameters.get(used[0]!)!.range;
  return { type: "object", range, entries: keys.map((key) => ({ key, keyRange: range, value: nodeOf(value[key]!, range, parameters) })) };
}

/**
 * API Gateway resource policies may name this API's methods as `execute-api:/stage/METHOD/path`; API Gateway
 * expands that to the ARN, which is what is analysed (region, account and API id as placeholders).
 */
export function expandExecuteApi(node: PNode, depth = 0): PNode {
  if (depth > 8) return node;
  if (node.type === "string" && node.value.startsWith("execute-api:/")) {
    const parts: PUnresolvedPart[] = [
      { token: placeholderToken("AWS::Region"), expression: "AWS::Region", hint: "string" },
      { token: placeholderToken("AWS::AccountId"), expression: "AWS::AccountId", hint: "account-id" },
      { token: placeholderToken("this API's id"), expression: "this API's id", hint: "string" },
    ];
    const value = `arn:aws:execute-api:${parts[0]!.token}:${parts[1]!.token}:${parts[2]!.token}${node.value.slice("execute-api:".length)}`;
    return { ...node, value, unresolved: [...(node.unresolved ?? []), ...parts] };
  }
  if (node.type === "array") return { ...node, items: node.items.map((item) => expandExecuteApi(item, depth + 1)) };
  if (node.type === "object") {
    return {
      ...node,
      entries: node.entries.map((entry) =>
        depth === 0 && entry.key !== "Statement"
          ? entry
          : depth > 0 && depth % 2 === 0 && entry.key !== "Resource" && entry.key !== "NotResource"
            ? entry
            : { ...entry, value: expandExecuteApi(entry.value, depth + 1) },
      ),
    };
  }
  return node;
}

export type Expansion = { ok: true; node: PNode } | { ok: false; reason: string };

/** Expands one `Policies` entry `{ TemplateName: { Param: value } }`; undefined when the name is no template. */
export function samPolicyTemplate(entry: PEntry): Expansion | undefined {
  const template = Object.hasOwn(TABLE.templates, entry.key) ? TABLE.templates[entry.key] : undefined;
  if (!template) return undefined;
  const parameters = new Map<string, PNode>();
  const given = entry.value.type === "object" ? entry.value.entries : [];
  for (const item of given) parameters.set(item.key, item.value);
  const missing = template.parameters.filter((name) => !parameters.has(name));
  if (missing.length > 0) return { ok: false, reason: `the SAM policy template ${entry.key} needs ${missing.join(", ")}` };
  const range = entry.keyRange;
  const statements = template.statements;
  return {
    ok: true,
    node: {
      type: "object",
      range: { ...range, endLine: entry.value.range.endLine, endColumn: entry.value.range.endColumn },
      entries: [
        { key: "Version", keyRange: range, value: { type: "string", value: "2012-10-17", range } },
        { key: "Statement", keyRange: range, value: nodeOf(statements, range, parameters) },
      ],
    },
  };
}

const INVOKE = "execute-api:Invoke";

/** `aws:SourceVpc` for VPC ids, `aws:SourceVpce` for endpoint ids (SAM splits the list by prefix). */
function vpcKey(list: PNode): string {
  const items = list.type === "array" ? list.items : [list];
  return items.every((item) => item.type === "string" && item.value.startsWith("vpc-")) ? "aws:SourceVpc" : "aws:SourceVpce";
}
const ALL_APIS = "execute-api:/*";

/**
 * The resource policy SAM generates from `Auth.ResourcePolicy`: `CustomStatements` as written, account allow and
 * block lists as principals, IP range and VPC (endpoint) lists as conditions, each block list an Allow for
 * everyone plus a Deny for the listed ones (as SAM does). Undefined when nothing in it makes statements.
 */
export function samApiResourcePolicy(auth: PEntry): PNode | undefined {
  if (auth.value.type !== "object") return undefined;
  const at = auth.keyRange;
  const str = (value: string, range: Range = at): PNode => ({ type: "string", value, range });
  const entry = (key: string, value: PNode, keyRange: Range = at): PEntry => ({ key, keyRange, value });
  const statement = (entries: PEntry[], range: Range): PNode => ({ type: "object", range, entries });
  const statements: PNode[] = [];
  const everyone = (range: Range) =>
    statement(
      [
        entry("Effect", str("Allow", range)),
        entry("Principal", str("*", range)),
        entry("Action", str(INVOKE, range)),
        entry("Resource", str(ALL_APIS, range)),
      ],
      range,
    );
  for (const item of auth.value.entries) {
    const range = item.value.range;
    const condition = (operator: string, key: string): PEntry =>
      entry(
        "Condition",
        {
          type: "object",
          range,
          entries: [entry(operator, { type: "object", range, entries: [entry(key, item.value, item.keyRange)] }, item.keyRange)],
        },
        item.keyRange,
      );
    switch (item.key) {
      case "CustomStatements":
        if (item.value.type === "array") statements.push(...item.value.items);
        else statements.push(item.value);
        break;
      case "AwsAccountWhitelist":
        statements.push(
          statement(
            [
              entry("Effect", str("Allow", range)),
              entry("Principal", { type: "object", range, entries: [entry("AWS", item.value, item.keyRange)] }, item.keyRange),
              entry("Action", str(INVOKE, range)),
              entry("Resource", str(ALL_APIS, range)),
            ],
            range,
          ),
        );
        break;
      case "AwsAccountBlacklist":
        statements.push(everyone(range));
        statements.push(
          statement(
            [
              entry("Effect", str("Deny", range)),
              entry("Principal", { type: "object", range, entries: [entry("AWS", item.value, item.keyRange)] }, item.keyRange),
              entry("Action", str(INVOKE, range)),
              entry("Resource", str(ALL_APIS, range)),
            ],
            range,
          ),
        );
        break;
      case "IpRangeWhitelist":
        statements.push(
          statement([...(everyone(range) as PNode & { type: "object" }).entries, condition("IpAddress", "aws:SourceIp")], range),
        );
        break;
      case "IpRangeBlacklist":
        statements.push(everyone(range));
        statements.push(
          statement(
            [
              entry("Effect", str("Deny", range)),
              entry("Principal", str("*", range)),
              entry("Action", str(INVOKE, range)),
              entry("Resource", str(ALL_APIS, range)),
              condition("IpAddress", "aws:SourceIp"),
            ],
            range,
          ),
        );
        break;
      case "SourceVpcWhitelist":
        statements.push(
          statement([...(everyone(range) as PNode & { type: "object" }).entries, condition("StringEquals", vpcKey(item.value))], range),
        );
        break;
      case "SourceVpcBlacklist":
        statements.push(everyone(range));
        statements.push(
          statement(
            [
              entry("Effect", str("Deny", range)),
              entry("Principal", str("*", range)),
              entry("Action", str(INVOKE, range)),
              entry("Resource", str(ALL_APIS, range)),
              condition("StringEquals", vpcKey(item.value)),
            ],
            range,
          ),
        );
        break;
    }
  }
  if (statements.length === 0) return undefined;
  return {
    type: "object",
    range: auth.value.range,
    entries: [entry("Version", str("2012-10-17")), entry("Statement", { type: "array", range: auth.value.range, items: statements })],
  };
}

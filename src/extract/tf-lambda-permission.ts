/**
 * Lambda permissions as the one-statement resource policies Lambda keeps: `aws_lambda_permission` on the function
 * (conditions, service-principal decision and document shared with CloudFormation in lambda-permission.ts) and
 * `aws_lambda_layer_version_permission` on the layer version.
 */
import type { Range } from "../types.ts";
import { isServicePrincipal, LAMBDA_PERMISSION_CONDITIONS, lambdaPermissionDocument } from "./lambda-permission.ts";
import type { PEntry, PNode } from "./positioned.ts";
import { rangeOf, rangeOfOffsets, type HclBlock } from "./tf-hcl.ts";
import { attributeOf, valueOf, type PolicyPath } from "./tf-eval.ts";
import type { TfExtraction } from "./tf-extraction.ts";

/** `aws_lambda_permission` as the one-statement resource policy Lambda adds to the function. */
export function lambdaPermission(extractor: TfExtraction, address: string, block: HclBlock): void {
  const range = rangeOf(block);
  const base: PolicyPath = ["Statement", 0];
  const keyword = rangeOfOffsets(block.file, block.start, block.start + block.type.length);
  const attribute = (name: string) => {
    const found = attributeOf(block, name);
    return found && found.expr.kind !== "null" ? found : undefined;
  };
  const keyRange = (name: string): Range => {
    const found = attributeOf(block, name)!;
    return rangeOfOffsets(found.file, found.nameStart, found.nameEnd);
  };
  const entries: PEntry[] = [];
  const sid = attribute("statement_id");
  if (sid) entries.push({ key: "Sid", keyRange: keyRange("statement_id"), value: valueOf(sid.expr, extractor.ctx, [...base, "Sid"]) });
  entries.push({ key: "Effect", keyRange: keyword, value: { type: "string", value: "Allow", range } });
  const principal = attribute("principal");
  if (principal) {
    const value = valueOf(principal.expr, extractor.ctx, [...base, "Principal", "AWS", 0]);
    if (value.type === "string" && value.value === "*") {
      entries.push({ key: "Principal", keyRange: keyRange("principal"), value });
    } else {
      const service = value.type === "string" && isServicePrincipal(value.value);
      const principalType = service ? "Service" : "AWS";
      const principalValue = valueOf(principal.expr, extractor.ctx, [...base, "Principal", principalType, 0]);
      entries.push({
        key: "Principal",
        keyRange: keyRange("principal"),
        value: {
          type: "object",
          range: rangeOf(principal.expr),
          entries: [{ key: principalType, keyRange: rangeOf(principal.expr), value: principalValue }],
        },
      });
    }
  }
  const action = attribute("action");
  if (action)
    entries.push({ key: "Action", keyRange: keyRange("action"), value: valueOf(action.expr, extractor.ctx, [...base, "Action", 0]) });
  const functionName = attribute("function_name");
  if (functionName)
    entries.push({
      key: "Resource",
      keyRange: keyRange("function_name"),
      value: valueOf(functionName.expr, extractor.ctx, [...base, "Resource"]),
    });
  const conditions: PEntry[] = [];
  const condition = (attributeName: string, test: string, variable: string): void => {
    const found = attribute(attributeName);
    if (!found) return;
    const value = valueOf(found.expr, extractor.ctx, [...base, "Condition", test, variable]);
    let group = conditions.find((c) => c.key === test);
    if (!group) {
      group = { key: test, keyRange: keyRange(attributeName), value: { type: "object", range: rangeOf(found), entries: [] } };
      conditions.push(group);
    }
    const object = group.value as PNode & { type: "object" };
    object.entries.push({ key: variable, keyRange: keyRange(attributeName), value });
  };
  for (const c of LAMBDA_PERMISSION_CONDITIONS) condition(c.terraform, c.operator, c.key);
  if (conditions.length > 0)
    entries.push({ key: "Condition", keyRange: conditions[0]!.keyRange, value: { type: "object", range, entries: conditions } });
  extractor.emit(lambdaPermissionDocument(entries, range, keyword), block.file.path, address, {
    kind: "resource",
    resourceType: "AWS::Lambda::Function",
  });
}

/** `aws_lambda_layer_version_permission` as the one-statement policy Lambda keeps on the layer version. */
export function layerPermission(extractor: TfExtraction, address: string, block: HclBlock): void {
  const base: PolicyPath = ["Statement", 0];
  const range = rangeOf(block);
  const keyword = rangeOfOffsets(block.file, block.start, block.start + block.type.length);
  const keyRange = (name: string): Range => {
    const found = attributeOf(block, name)!;
    return rangeOfOffsets(found.file, found.nameStart, found.nameEnd);
  };
  const principal = attributeOf(block, "principal");
  const action = attributeOf(block, "action");
  const layer = attributeOf(block, "layer_name");
  if (!principal || !action || !layer) return;
  const principalValue = valueOf(principal.expr, extractor.ctx, [...base, "Principal", "AWS", 0]);
  const entries: PEntry[] = [
    { key: "Effect", keyRange: keyword, value: { type: "string", value: "Allow", range } },
    {
      key: "Principal",
      keyRange: keyRange("principal"),
      value:
        principalValue.type === "string" && principalValue.value === "*"
          ? principalValue
          : {
              type: "object",
              range: rangeOf(principal.expr),
              entries: [{ key: "AWS", keyRange: keyRange("principal"), value: principalValue }],
            },
    },
    { key: "Action", keyRange: keyRange("action"), value: valueOf(action.expr, extractor.ctx, [...base, "Action", 0]) },
    { key: "Resource", keyRange: keyRange("layer_name"), value: valueOf(layer.expr, extractor.ctx, [...base, "Resource"]) },
  ];
  const organization = attributeOf(block, "organization_id");
  if (organization) {
    const value = valueOf(organization.expr, extractor.ctx, [...base, "Condition", "StringEquals", "aws:PrincipalOrgID"]);
    const at = keyRange("organization_id");
    entries.push({
      key: "Condition",
      keyRange: at,
      value: {
        type: "object",
        range,
        entries: [
          {
            key: "StringEquals",
            keyRange: at,
            value: { type: "object", range, entries: [{ key: "aws:PrincipalOrgID", keyRange: at, value }] },
          },
        ],
      },
    });
  }
  const node: PNode = {
    type: "object",
    range,
    entries: [
      { key: "Version", keyRange: keyword, value: { type: "string", value: "2012-10-17", range } },
      { key: "Statement", keyRange: keyword, value: { type: "array", range, items: [{ type: "object", range, entries }] } },
    ],
  };
  extractor.emit(node, block.file.path, address, { kind: "resource", resourceType: "AWS::Lambda::LayerVersion" });
}

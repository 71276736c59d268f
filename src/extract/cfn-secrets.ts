/**
 * Secrets written in a CloudFormation template (issue #11): `secret-value` facts for password properties and user
 * data, and `secret-output` facts for outputs exposing an access key secret, a NoEcho parameter or a secret's value.
 */
import type { IacFact, Range } from "../types.ts";
import { member, type PEntry, type PNode } from "./positioned.ts";
import { CFN_SECRET_PROPERTIES, valueLines } from "./secret-properties.ts";
import { describe, intrinsicOf } from "./cfn-intrinsics.ts";
import { objectEntries, staticString, type CfnExtraction } from "./cfn-extraction.ts";

/** `secret-value` facts: password properties and user data written in the template (issue #11). */
export function secretValues(extraction: CfnExtraction, entry: PEntry): void {
  const type = extraction.types.get(entry.key);
  const properties = type ? CFN_SECRET_PROPERTIES[type] : undefined;
  if (!properties) return;
  const label = `${type} ${entry.key}`;
  for (const property of properties) {
    let node: PNode | undefined = member(entry.value, "Properties")?.value;
    for (const key of property.path) node = member(node, key)?.value;
    if (!node) continue;
    let via: string | undefined;
    const intrinsic = intrinsicOf(node);
    if (intrinsic?.name === "Fn::Base64")
      node = intrinsicOf(intrinsic.argument)?.name === "Fn::Sub" ? intrinsicOf(intrinsic.argument)!.argument : intrinsic.argument;
    else if (intrinsic?.name === "Fn::Sub") node = intrinsic.argument;
    if (node.type === "array") node = node.items[0];
    const ref = intrinsicOf(node);
    if (ref?.name === "Ref" && ref.argument.type === "string") {
      const name = ref.argument.value;
      node = member(extraction.context.parameters.get(name), "Default")?.value;
      via = `the Default of parameter ${name}`;
    }
    if (node?.type !== "string") continue;
    const lines = property.whole ? [{ text: node.value, range: node.range }] : valueLines(extraction.file.text, node.range, node.value);
    const fact: IacFact = {
      type: "secret-value",
      file: extraction.file.path,
      range: node.range,
      origin: label,
      property: property.path.join("."),
      whole: property.whole,
      lines,
    };
    if (via !== undefined) fact.via = via;
    extraction.result.facts.push(fact);
  }
}

/** `secret-output` facts: outputs exposing an access key secret, a NoEcho parameter or a secret's value. */
export function outputs(extraction: CfnExtraction, root: PNode & { type: "object" }): void {
  for (const output of objectEntries(member(root, "Outputs")?.value)) {
    const value = member(output.value, "Value")?.value;
    if (!value) continue;
    for (const secret of secrets(extraction, value, 0)) {
      const fact: IacFact = {
        type: "secret-output",
        file: extraction.file.path,
        range: secret.range,
        origin: `Outputs ${output.key}`,
        name: output.key,
        expression: secret.expression,
      };
      extraction.result.facts.push(fact);
    }
  }
}

function secrets(extraction: CfnExtraction, node: PNode, depth: number): { expression: string; range: Range }[] {
  if (depth > 50) return [];
  const intrinsic = intrinsicOf(node);
  if (intrinsic?.name === "Fn::GetAtt") {
    const parts =
      intrinsic.argument.type === "array"
        ? intrinsic.argument.items.map(staticString)
        : (staticString(intrinsic.argument)?.split(".") ?? []);
    const [id, attribute] = parts;
    return id !== undefined && attribute !== undefined && secretAttribute(extraction, id, attribute)
      ? [{ expression: describe(node), range: node.range }]
      : [];
  }
  if (intrinsic?.name === "Ref") {
    const name = staticString(intrinsic.argument);
    return name !== undefined && noEcho(extraction, name) ? [{ expression: `!Ref ${name}`, range: node.range }] : [];
  }
  if (intrinsic?.name === "Fn::Sub") {
    const template = intrinsic.argument.type === "array" ? intrinsic.argument.items[0] : intrinsic.argument;
    const found: { expression: string; range: Range }[] = [];
    for (const match of staticString(template)?.matchAll(/\$\{([^}!][^}]*)\}/g) ?? []) {
      const name = match[1]!.trim();
      const [id, attribute] = name.split(".");
      if (attribute !== undefined ? secretAttribute(extraction, id!, attribute) : noEcho(extraction, name)) {
        found.push({ expression: attribute !== undefined ? `!GetAtt ${name}` : `!Ref ${name}`, range: node.range });
      }
    }
    if (intrinsic.argument.type === "array" && intrinsic.argument.items[1])
      found.push(...secrets(extraction, intrinsic.argument.items[1], depth + 1));
    return [...found, ...dynamicSecrets(template)];
  }
  if (node.type === "string") return dynamicSecrets(node);
  if (node.type === "array") return node.items.flatMap((item) => secrets(extraction, item, depth + 1));
  if (node.type === "object") return node.entries.flatMap((entry) => secrets(extraction, entry.value, depth + 1));
  return [];
}

function dynamicSecrets(node: PNode | undefined): { expression: string; range: Range }[] {
  if (node?.type !== "string") return [];
  return [...node.value.matchAll(/\{\{resolve:(?:secretsmanager|ssm-secure):[^{}]*\}\}/g)].map((match) => ({
    expression: match[0],
    range: node.range,
  }));
}

function secretAttribute(extraction: CfnExtraction, id: string, attribute: string): boolean {
  const type = extraction.types.get(id);
  return (
    (type === "AWS::IAM::AccessKey" && attribute === "SecretAccessKey") ||
    (type === "AWS::SecretsManager::Secret" && attribute.startsWith("SecretString"))
  );
}

function noEcho(extraction: CfnExtraction, name: string): boolean {
  const flag = member(extraction.context.parameters.get(name), "NoEcho")?.value;
  return (flag?.type === "boolean" && flag.value) || (flag?.type === "string" && flag.value.toLowerCase() === "true");
}

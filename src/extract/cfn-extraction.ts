/**
 * What the parts of the CloudFormation extractor share: a resource as read, how a document's kind is decided, the
 * extraction's state and operations the parts use (cloudformation.ts implements it), and small value helpers.
 */
import type { ExtractResult, PolicyKind, Range, SourceFile } from "../types.ts";
import { placeholderToken } from "./placeholder.ts";
import type { PEntry, PNode } from "./positioned.ts";
import type { TemplateContext } from "./cfn-intrinsics.ts";

/** How the kind of a document is decided: fixed, identity (config may override), or resource (trust if it grants only sts:AssumeRole*). */
export type KindRule = PolicyKind | "resource-policy";

export interface Resource {
  id: string;
  type: string;
  /** `AWS::IAM::Role BuildRole`: how documents, facts and `attachedTo` name it. */
  label: string;
  entry: PEntry;
  /** The `Properties` object (one alternative when `Properties` is an `Fn::If`). */
  properties: PNode & { type: "object" };
}

/** The state and operations of one template's extraction that its parts (SAM, Lambda permission, secrets) use. */
export interface CfnExtraction {
  readonly result: ExtractResult;
  readonly file: SourceFile;
  readonly context: TemplateContext;
  /** Resource types by logical id. */
  readonly types: ReadonlyMap<string, string>;
  finding(range: Range, severity: "warning" | "note", message: string, subject: string): void;
  property(resource: Resource, key: string): PNode | undefined;
  resolve(node: PNode | undefined, path?: readonly string[]): PNode | undefined;
  /**
   * Builds one document from a property value: an object, a JSON string, or an intrinsic resolving to either.
   * Anything else becomes an `unparsed-input` finding, never a silent skip. `property` is the origin's path
   * (`PolicyDocument`, `Policies[0]`); `what` names the property in messages when it differs.
   */
  document(
    raw: PNode | undefined,
    property: string,
    label: string,
    rule: KindRule,
    extra: { resourceType?: string; attachedTo?: string[]; what?: string },
  ): void;
}

export function staticString(node: PNode | undefined): string | undefined {
  if (node?.type === "string" && !node.unresolved) return node.value;
  return undefined;
}

/** Range of a whole resource or output: from its logical id to the end of its value. */
export function spanOf(entry: PEntry): Range {
  return {
    line: entry.keyRange.line,
    column: entry.keyRange.column,
    endLine: entry.value.range.endLine,
    endColumn: entry.value.range.endColumn,
  };
}

/** Text of a resolved string-like value, placeholders as tokens. */
export function textOf(node: PNode | undefined): string | undefined {
  if (node?.type === "string") return node.value;
  if (node?.type === "number" || node?.type === "boolean") return String(node.value);
  if (node?.type === "unresolved") return placeholderToken(node.expression);
  return undefined;
}

export function objectEntries(node: PNode | undefined): PEntry[] {
  return node?.type === "object" ? node.entries : [];
}

/**
 * A positioned value tree: the common shape every parser's output is converted to (momoa for JSON, yaml for
 * CloudFormation, tree-sitter for Terraform) before a policy document is built from it. One mechanism builds
 * `PolicyDocument.json`, `positions`, `keys` and `unresolved` for all three formats.
 */
import type { JsonValue, Range, UnresolvedHint } from "../types.ts";
import { placeholderToken } from "./placeholder.ts";
import { setOwn } from "./own.ts";

export type PNode =
  | { type: "string"; value: string; range: Range; unresolved?: PUnresolvedPart[] }
  | { type: "number"; value: number; range: Range }
  | { type: "boolean"; value: boolean; range: Range }
  | { type: "null"; range: Range }
  | { type: "array"; items: PNode[]; range: Range }
  | { type: "object"; entries: PEntry[]; range: Range }
  | { type: "unresolved"; expression: string; hint: UnresolvedHint; range: Range };

export interface PEntry {
  key: string;
  keyRange: Range;
  value: PNode;
}

/** A placeholder inside a string value (e.g. `!Sub "arn:aws:s3:::${Bucket}/*"`). */
export interface PUnresolvedPart {
  token: string;
  expression: string;
  hint: UnresolvedHint;
}

/** Thrown by converters when input nests deeper than they are willing to walk. */
export class NestingTooDeepError extends Error {
  readonly range: Range;
  constructor(range: Range, limit: number) {
    super(`nesting is deeper than ${limit} levels`);
    this.name = "NestingTooDeepError";
    this.range = range;
  }
}

/** How deep any converter walks before giving up with `NestingTooDeepError`. Real policies nest < 10 levels. */
export const MAX_NESTING = 200;

/** The object member with this key, if any (last one wins, as in JSON.parse). */
export function member(node: PNode | undefined, key: string): PEntry | undefined {
  if (node?.type !== "object") return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) {
    if (node.entries[i]!.key === key) return node.entries[i];
  }
  return undefined;
}

/** Plain JSON for a node, with placeholders as tokens. */
export function toJson(node: PNode): JsonValue {
  switch (node.type) {
    case "string":
    case "number":
    case "boolean":
      return node.value;
    case "null":
      return null;
    case "array":
      return node.items.map(toJson);
    case "object": {
      const out: Record<string, JsonValue> = {};
      for (const entry of node.entries) setOwn(out, entry.key, toJson(entry.value));
      return out;
    }
    case "unresolved":
      return placeholderToken(node.expression);
  }
}

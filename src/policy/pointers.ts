/**
 * Where things are in a positioned document: the range of a JSON pointer, and the canonical text of a value
 * (the stable part of fingerprints and of pairing). Pure.
 */
import type { JsonValue, PolicyDocument, Range } from "../types.ts";

function parentPointer(pointer: string): string {
  const slash = pointer.lastIndexOf("/");
  return slash <= 0 ? "" : pointer.slice(0, slash);
}

/** The range of a pointer, or of its nearest ancestor that has one (generated values may have none). */
export function rangeOf(doc: PolicyDocument, pointer: string, at: "value" | "key" = "value"): Range {
  if (at === "key" && doc.keys[pointer]) return doc.keys[pointer];
  for (let p = pointer; ; p = parentPointer(p)) {
    const range = doc.positions[p];
    if (range) return range;
    if (p === "") return doc.range;
  }
}

/** JSON with sorted keys, so a statement's fingerprint does not depend on key order or whitespace. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

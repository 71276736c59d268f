/**
 * Conditions in the new-access diff: canonical (operator, key, value set) entries, and whether one statement's
 * conditions imply another's. Pure.
 */
import { hasPlaceholder } from "../extract/placeholder.ts";
import { operatorParts } from "../policy/condition-operators.ts";

/** How a condition's value list combines: any value may match, none may match, or anything else (compare exactly). */
type ValueMode = "any" | "none" | "exact";

const ANY_OPERATORS = new Set([
  "stringequals",
  "stringequalsignorecase",
  "stringlike",
  "arnequals",
  "arnlike",
  "ipaddress",
  "bool",
  "null",
  "numericequals",
  "dateequals",
  "binaryequals",
]);
const NONE_OPERATORS = new Set([
  "stringnotequals",
  "stringnotequalsignorecase",
  "stringnotlike",
  "arnnotequals",
  "arnnotlike",
  "notipaddress",
  "numericnotequals",
  "datenotequals",
]);

export interface ConditionAtom {
  /** `operator\0key`, lower case. */
  id: string;
  key: string;
  values: string[];
  mode: ValueMode;
  pointer: string;
  operatorPointer: string;
}

export function valueMode(operator: string): ValueMode {
  const { base, qualifier } = operatorParts(operator.toLowerCase());
  if (qualifier === "ForAllValues") return "exact";
  if (ANY_OPERATORS.has(base)) return "any";
  if (NONE_OPERATORS.has(base) && qualifier !== "ForAnyValue") return "none";
  return "exact";
}

function valuesWithin(inner: readonly string[], outer: readonly string[], relaxed: boolean): boolean {
  const loose = relaxed && outer.some(hasPlaceholder);
  return inner.every((v) => outer.includes(v) || (relaxed && (loose || hasPlaceholder(v))));
}

/**
 * Whether every condition of the general statement holds whenever the specific statement's conditions hold:
 * each general entry has an entry with the same operator and key on the specific side whose values are the same
 * or narrower. `relaxed` lets a placeholder value equal anything.
 */
export function conditionsImplied(general: readonly ConditionAtom[], specific: readonly ConditionAtom[], relaxed: boolean): boolean {
  return general.every((g) => {
    const s = specific.find((c) => c.id === g.id);
    if (s === undefined) return false;
    switch (g.mode) {
      case "any":
        return valuesWithin(s.values, g.values, relaxed);
      case "none":
        return valuesWithin(g.values, s.values, relaxed);
      case "exact":
        return valuesWithin(s.values, g.values, relaxed) && valuesWithin(g.values, s.values, relaxed);
    }
  });
}

/**
 * The IAM condition operators: a definition of the policy language, not AWS data, so it is written out here.
 * Source: IAM User Guide, "IAM JSON policy elements: Condition operators" and "Set operators for multivalued
 * context keys". Also the small "closest name" helper the validity rules use to suggest a spelling.
 */

/** What kind of value an operator compares. */
export const OPERATOR_FAMILIES = ["String", "Numeric", "Date", "Bool", "Binary", "IpAddress", "Arn", "Null"] as const;
export type OperatorFamily = (typeof OPERATOR_FAMILIES)[number];

/** Every base operator (without `IfExists` and without a set qualifier), in AWS's spelling. */
const BASE_OPERATORS: Readonly<Record<string, OperatorFamily>> = {
  StringEquals: "String",
  StringNotEquals: "String",
  StringEqualsIgnoreCase: "String",
  StringNotEqualsIgnoreCase: "String",
  StringLike: "String",
  StringNotLike: "String",
  NumericEquals: "Numeric",
  NumericNotEquals: "Numeric",
  NumericLessThan: "Numeric",
  NumericLessThanEquals: "Numeric",
  NumericGreaterThan: "Numeric",
  NumericGreaterThanEquals: "Numeric",
  DateEquals: "Date",
  DateNotEquals: "Date",
  DateLessThan: "Date",
  DateLessThanEquals: "Date",
  DateGreaterThan: "Date",
  DateGreaterThanEquals: "Date",
  Bool: "Bool",
  BinaryEquals: "Binary",
  IpAddress: "IpAddress",
  NotIpAddress: "IpAddress",
  ArnEquals: "Arn",
  ArnLike: "Arn",
  ArnNotEquals: "Arn",
  ArnNotLike: "Arn",
  Null: "Null",
};

const BY_LOWER_NAME = new Map(Object.keys(BASE_OPERATORS).map((name) => [name.toLowerCase(), name]));

export type SetQualifier = "ForAnyValue" | "ForAllValues";

export interface ParsedOperator {
  /** The base operator in AWS's spelling, e.g. `StringLike` for `ForAnyValue:stringlikeIfExists`. */
  base: string;
  family: OperatorFamily;
  ifExists: boolean;
  qualifier?: SetQualifier;
  /** The operator in AWS's spelling, qualifier and suffix included. */
  canonical: string;
}

/**
 * Parses a condition operator such as `StringEquals`, `BoolIfExists` or `ForAllValues:StringLike`, compared
 * case-insensitively. `undefined` when it is not an operator of the IAM policy language: an unknown name,
 * `IfExists` on `Null`, or a set qualifier on `Null` (neither is documented).
 */
export function parseConditionOperator(operator: string): ParsedOperator | undefined {
  let rest = operator;
  let qualifier: SetQualifier | undefined;
  const colon = rest.indexOf(":");
  if (colon !== -1) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === "foranyvalue") qualifier = "ForAnyValue";
    else if (prefix === "forallvalues") qualifier = "ForAllValues";
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  let base = BY_LOWER_NAME.get(rest.toLowerCase());
  if (base === undefined && /IfExists$/i.test(rest)) {
    ifExists = true;
    base = BY_LOWER_NAME.get(rest.slice(0, -"IfExists".length).toLowerCase());
  }
  if (base === undefined) return undefined;
  const family = BASE_OPERATORS[base]!;
  if (family === "Null" && (ifExists || qualifier !== undefined)) return undefined;
  const canonical = `${qualifier ? `${qualifier}:` : ""}${base}${ifExists ? "IfExists" : ""}`;
  return { base, family, ifExists, canonical, ...(qualifier ? { qualifier } : {}) };
}

/** An operator taken apart as written, whether or not it is a known one (see {@link parseConditionOperator}). */
export interface OperatorParts {
  /** `ForAnyValue` or `ForAllValues` (any case in the input). */
  qualifier?: SetQualifier;
  /** The operator without qualifier and `IfExists`, as written: `stringLike` for `forAnyValue:stringLikeIfExists`. */
  base: string;
  ifExists: boolean;
}

/**
 * The one way to take an operator apart (issue #9): the set qualifier and the `IfExists` suffix, compared
 * case-insensitively, and the base as written. Never fails: rules that judge unknown operators use
 * {@link parseConditionOperator}; the others read the parts of whatever was written.
 */
export function operatorParts(operator: string): OperatorParts {
  const qualified = /^(ForAnyValue|ForAllValues):/i.exec(operator);
  const qualifier: SetQualifier | undefined = qualified
    ? qualified[1]!.toLowerCase() === "foranyvalue"
      ? "ForAnyValue"
      : "ForAllValues"
    : undefined;
  const rest = qualified ? operator.slice(qualified[0].length) : operator;
  const ifExists = /IfExists$/i.test(rest);
  return { base: ifExists ? rest.slice(0, -"IfExists".length) : rest, ifExists, ...(qualifier ? { qualifier } : {}) };
}

/** Every operator spelling without a qualifier (with and without `IfExists`), for spelling suggestions. */
export function operatorNames(): string[] {
  const names = Object.keys(BASE_OPERATORS);
  return [...names, ...names.filter((name) => name !== "Null").map((name) => `${name}IfExists`)];
}

/** Levenshtein distance, case-insensitive, giving up (returning `limit + 1`) once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > limit) return limit + 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x.charCodeAt(i - 1) === y.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[y.length]!;
}

/**
 * The one candidate closest to `value` (case-insensitively) when it is close enough to be a likely typo: at
 * most 1 edit for names up to 4 characters, 2 up to 10, 3 beyond. `undefined` when nothing is that close or
 * when two candidates tie, since a suggestion must not be a guess.
 */
export function closestName(value: string, candidates: Iterable<string>): string | undefined {
  const limit = value.length <= 4 ? 1 : value.length <= 10 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const candidate of candidates) {
    const distance = editDistance(value, candidate, bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance && best !== undefined && candidate.toLowerCase() !== best.toLowerCase()) {
      tie = true;
    }
  }
  return best !== undefined && bestDistance <= limit && !tie ? best : undefined;
}

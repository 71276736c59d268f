/**
 * Read helpers rules share: statements, their actions, resources, principals and conditions, each with the
 * JSON Pointer a finding should point at. Values that are not what IAM expects (numbers, objects) are skipped,
 * never thrown on; placeholders (unresolved values) are kept and flagged so rules can treat them as unknown.
 */
import type { JsonObject, JsonValue, PolicyDocument } from "../types.ts";
import { isJsonObject, pointerOf, statementsOf, type StatementRef } from "../extract/document.ts";
import { hasPlaceholder, isPlaceholder } from "../extract/placeholder.ts";
import { matchesWildcard } from "../iam/wildcard.ts";
import { isWholeTypeResource } from "../iam/actions.ts";
import { operatorParts } from "./condition-operators.ts";

export interface PointedString {
  value: string;
  pointer: string;
  /** The value is (or contains) an unresolved reference. */
  unresolved: boolean;
}

/** The string values of a "one or a list" element such as Action or Resource, with their pointers. */
export function stringsAt(statement: JsonObject, key: string, statementPointer: string): readonly PointedString[] {
  // Every rule reads the same elements of the same statements: parse each once per (statement, element). A
  // statement object sits at one pointer, so the element name alone is the key (the pointer is checked).
  let perStatement = STRINGS_CACHE.get(statement);
  if (!perStatement) STRINGS_CACHE.set(statement, (perStatement = new Map()));
  const cached = perStatement.get(key);
  if (cached !== undefined && cached.pointer === statementPointer) return cached.strings;
  const strings = Object.freeze(readStrings(statement, key, statementPointer));
  perStatement.set(key, { pointer: statementPointer, strings });
  return strings;
}

const STRINGS_CACHE = new WeakMap<JsonObject, Map<string, { pointer: string; strings: readonly PointedString[] }>>();

function readStrings(statement: JsonObject, key: string, statementPointer: string): PointedString[] {
  const raw = statement[key];
  const base = pointerOf(statementPointer, key);
  const one = (value: JsonValue, pointer: string): PointedString[] =>
    typeof value === "string" ? [{ value, pointer, unresolved: hasPlaceholder(value) }] : [];
  if (Array.isArray(raw)) return raw.flatMap((value, i) => one(value, pointerOf(base, i)));
  return raw === undefined ? [] : one(raw, base);
}

/** Whether the statement allows (an unresolved Effect counts as Allow: we review the worst case). */
export function isAllow(statement: JsonObject): boolean {
  const effect = statement.Effect;
  return effect === "Allow" || (typeof effect === "string" && isPlaceholder(effect));
}

export function isDeny(statement: JsonObject): boolean {
  return statement.Effect === "Deny";
}

/** Allow statements only: deny statements never produce allow-side findings. */
export function allowStatements(doc: PolicyDocument): readonly StatementRef[] {
  // Every rule asks for the same list (issue #15): filter each policy's statements once.
  const all = statementsOf(doc.json);
  let allowed = ALLOW_CACHE.get(all);
  if (!allowed) ALLOW_CACHE.set(all, (allowed = Object.freeze(all.filter(({ statement }) => isAllow(statement)))));
  return allowed;
}

const ALLOW_CACHE = new WeakMap<readonly StatementRef[], readonly StatementRef[]>();

/** What is derived once per statement and shared by every rule (issue #15), kept on the statement's ref. */
interface Derived {
  Action?: readonly PointedString[];
  NotAction?: readonly PointedString[];
  Resource?: readonly PointedString[];
  NotResource?: readonly PointedString[];
  conditions?: readonly ConditionEntry[];
  /** allResourcesPhrase per action service (`\u0000`: no action); null: scoped. */
  phrases?: Map<string, string | null>;
}

function derivedOf(ref: StatementRef): Derived {
  return (ref.derived ??= {}) as Derived;
}

/** The string values of one of a statement's action or resource elements, read once per statement. */
export function elementOf(ref: StatementRef, key: "Action" | "NotAction" | "Resource" | "NotResource"): readonly PointedString[] {
  const derived = derivedOf(ref);
  return (derived[key] ??= stringsAt(ref.statement, key, ref.pointer));
}

export function actionsOf(ref: StatementRef): readonly PointedString[] {
  return elementOf(ref, "Action");
}

export function resourcesOf(ref: StatementRef): readonly PointedString[] {
  return elementOf(ref, "Resource");
}

/** Whether an action pattern from a policy (`iam:*`, `iam:Pas*`, `*`) matches a concrete action. */
export function actionPatternMatches(pattern: string, action: string): boolean {
  return matchesWildcard(pattern, action, { ignoreCase: true });
}

/**
 * Whether the statement grants the concrete action through `Action` (wildcards included) or through
 * `NotAction` (everything not excluded).
 */
export function statementGrants(ref: StatementRef, action: string): boolean {
  if (ref.statement.Action !== undefined) return actionsOf(ref).some((a) => actionPatternMatches(a.value, action));
  if (ref.statement.NotAction !== undefined) {
    return !elementOf(ref, "NotAction").some((a) => actionPatternMatches(a.value, action));
  }
  return false;
}

/**
 * Whether a resource names every resource of its type (issue #11): `arn:aws:s3:::*`, every object of every
 * bucket, `arn:aws:secretsmanager:*:*:secret:*`, `arn:aws:dynamodb:*:*:table/*`, `arn:aws:logs:*:*:*`,
 * `arn:aws:*:*:*:*`, `arn:aws:iam::*` — whatever the region and account say, nothing narrower than the type is
 * named. A placeholder or policy variable names something specific.
 */
export function isWholeTypeWildcard(resource: string): boolean {
  // Most resources have no wildcard at all: nothing to look up then.
  if (!resource.includes("*") || hasPlaceholder(resource) || resource.includes("${")) return false;
  let whole = WHOLE_TYPE_CACHE.get(resource);
  if (whole === undefined) {
    if (WHOLE_TYPE_CACHE.size >= 4096) WHOLE_TYPE_CACHE.clear();
    WHOLE_TYPE_CACHE.set(resource, (whole = isWholeTypeResource(resource)));
  }
  return whole;
}

const WHOLE_TYPE_CACHE = new Map<string, boolean>();

/**
 * Whether the statement reaches every resource (of the types it names): a `*` resource, a whole-type wildcard
 * ({@link isWholeTypeWildcard}), or NotResource, which is as broad.
 */
export function onAllResources(ref: StatementRef): boolean {
  return allResourcesPhrase(ref) !== undefined;
}

/**
 * How a message should say "every resource" for this statement: `every resource` for `*` and NotResource,
 * `every resource of its type ("arn:aws:s3:::*")` for a whole-type wildcard (of the action's service, when an
 * action is given); undefined when it is scoped.
 */
export function allResourcesPhrase(ref: StatementRef, action?: string): string | undefined {
  // Asked by several rules, once per statement and once per action (issue #15): the answer depends only on the
  // statement and the action's service, so it is kept per statement and service.
  const service = action?.split(":")[0]?.toLowerCase();
  const derived = derivedOf(ref);
  const perRef = (derived.phrases ??= new Map());
  const key = service ?? "\u0000";
  let phrase = perRef.get(key);
  if (phrase === undefined) perRef.set(key, (phrase = resourcesPhrase(ref, service) ?? null));
  return phrase ?? undefined;
}

function resourcesPhrase(ref: StatementRef, service: string | undefined): string | undefined {
  if (ref.statement.NotResource !== undefined) return "every resource";
  const resources = resourcesOf(ref);
  if (resources.some((r) => r.value === "*")) return "every resource";
  if (!resources.some((r) => r.value.includes("*"))) return undefined;
  // With an action pattern, only a whole-type wildcard of its service (or of any service) counts for it.
  const fits = (arn: string) => {
    const of = arn.split(":")[2]?.toLowerCase() ?? "";
    return service === undefined || /[*?]/.test(service) || /^[*?]*$/.test(of) || of === service;
  };
  const whole = resources.find((r) => isWholeTypeWildcard(r.value) && fits(r.value));
  return whole ? `every resource of its type ("${whole.value}")` : undefined;
}

export interface PrincipalEntry {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for `"Principal": "*"`. */
  type: string;
  value: string;
  pointer: string;
  unresolved: boolean;
}

/** The principals of a statement (`Principal` or `NotPrincipal`). */
export function principalsOf(ref: StatementRef, key: "Principal" | "NotPrincipal" = "Principal"): PrincipalEntry[] {
  const raw = ref.statement[key];
  const base = pointerOf(ref.pointer, key);
  if (typeof raw === "string") return [{ type: "*", value: raw, pointer: base, unresolved: hasPlaceholder(raw) }];
  if (!isJsonObject(raw)) return [];
  return Object.keys(raw).flatMap((type) =>
    stringsAt(raw, type, base).map((s) => ({ type, value: s.value, pointer: s.pointer, unresolved: s.unresolved })),
  );
}

export interface ConditionEntry {
  /** As written, e.g. `StringEquals`, `ForAnyValue:StringLike`, `BoolIfExists`. */
  operator: string;
  key: string;
  values: PointedString[];
  /** Pointer of the condition key's value (the values list). */
  pointer: string;
  /** Pointer of the operator's value (the object holding the keys); its key position is the operator text. */
  operatorPointer: string;
}

/** Every (operator, key) pair of a statement's Condition block. */
export function conditionsOf(ref: StatementRef): readonly ConditionEntry[] {
  // Every rule reads the same conditions: read each statement's once (issue #12: 330,000 keys read by every rule),
  // and keep them on the ref for the next rule (issue #15).
  const derived = derivedOf(ref);
  return (derived.conditions ??= conditionsOfStatement(ref));
}

function conditionsOfStatement(ref: StatementRef): readonly ConditionEntry[] {
  let perStatement = CONDITIONS_CACHE.get(ref.statement);
  if (!perStatement) CONDITIONS_CACHE.set(ref.statement, (perStatement = new Map()));
  let cached = perStatement.get(ref.pointer);
  if (!cached) perStatement.set(ref.pointer, (cached = Object.freeze(readConditions(ref))));
  return cached;
}

const CONDITIONS_CACHE = new WeakMap<JsonObject, Map<string, readonly ConditionEntry[]>>();

function readConditions(ref: StatementRef): ConditionEntry[] {
  const condition = ref.statement.Condition;
  if (!isJsonObject(condition)) return [];
  const base = pointerOf(ref.pointer, "Condition");
  const out: ConditionEntry[] = [];
  for (const operator of Object.keys(condition)) {
    const block = condition[operator];
    if (!isJsonObject(block)) continue;
    const operatorPointer = pointerOf(base, operator);
    for (const key of Object.keys(block)) {
      const pointer = pointerOf(operatorPointer, key);
      const raw = block[key];
      const list = Array.isArray(raw) ? raw : [raw];
      const values = list.flatMap((value, i): PointedString[] => {
        const p = Array.isArray(raw) ? pointerOf(pointer, i) : pointer;
        if (typeof value === "string") return [{ value, pointer: p, unresolved: hasPlaceholder(value) }];
        if (typeof value === "boolean" || typeof value === "number") return [{ value: String(value), pointer: p, unresolved: false }];
        return [];
      });
      out.push({ operator, key, values, pointer, operatorPointer });
    }
  }
  return out;
}

/** Operator name without set qualifier and IfExists: `ForAnyValue:StringLikeIfExists` → `StringLike`. */
export function baseOperator(operator: string): string {
  return operatorParts(operator).base;
}

/** Condition entries whose key matches (case-insensitively, as IAM compares keys). */
export function conditionsOn(ref: StatementRef, keys: readonly string[]): ConditionEntry[] {
  const wanted = new Set(keys.map((k) => k.toLowerCase()));
  return conditionsOf(ref).filter((c) => wanted.has(c.key.toLowerCase()));
}

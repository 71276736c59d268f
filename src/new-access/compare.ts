/**
 * "Does this change grant new access?" (issue #5): compares two versions of one policy document and reports the
 * access the new version grants that the old one did not, the access it takes away, and one `new-access` finding
 * per statement that adds access. Pure: no I/O, no logging; iam-data lookups are cached for the process.
 *
 * Model. Every statement becomes grants: actions × resources × principals, under its conditions.
 * - Actions are concrete canonical actions from iam-data (`s3:Get*` is expanded), whole services (`s3:*`, kept
 *   compact), everything (`*`), everything except a list (`NotAction`), or opaque strings (unknown actions and
 *   unresolved placeholders).
 * - Resources and principals are kept as written (patterns); a statement without `Resource` (trust policies)
 *   has one implicit resource, the policy's own resource.
 * - Conditions are canonical (operator, key, value set) entries.
 *
 * A grant (one action on one resource for one principal) of the specific side is covered by the general side
 * when one statement of the general side has the action, a resource pattern that covers the resource
 * (`wildcardCovers`), a principal that covers the principal (the same one, everyone, or the account root for
 * principals of that account), and conditions the specific statement implies (every condition of the general
 * statement is also on the specific one, with the same operator and key, and the same or narrower values). So
 * actions may be covered by different statements, but one resource pattern is never covered by the union of
 * several (`b/a*` + `b/[^a]*` do not cover `b/*`): we err towards reporting.
 *
 * - added: Allow grants of `after` not covered by Allow grants of `before`, plus Deny grants of `before` not
 *   covered by Deny grants of `after` (a Deny removed or narrowed: `deny: true`).
 * - removed: the same the other way round (a new or wider Deny is removed access).
 * - Deny statements do not subtract from Allow statements of the same document.
 * - Placeholders (`{{expr}}`) are literal text: the same token on both sides is the same value. A grant that is
 *   new only because of an unresolved value (it would be covered if the placeholders took suitable values) is
 *   reported as `uncertain`, and its finding says "may" at a lower severity.
 */
import type { Finding, JsonObject, JsonValue, PolicyDocument, PolicyKind, Range, Severity } from "../types.ts";
import type { AccessLevel } from "../iam/index.ts";
import { actionInfo, expandActionPattern, hasWildcard, matchesWildcard, serviceExists, wildcardCovers, wildcardOverlaps } from "../iam/index.ts";
import { pointerOf, statementsOf, type StatementRef } from "../extract/document.ts";
import { hasPlaceholder, isPlaceholder, PLACEHOLDER_PATTERN } from "../extract/placeholder.ts";
import { fingerprintOf } from "../findings.ts";
import { actionsOf, baseOperator, conditionsOf, principalsOf, resourcesOf, stringsAt } from "../policy/statements.ts";
import { canonicalJson, rangeOf } from "../rules/run-rules.ts";

/** Access added or removed by a change, for one statement, access level, and product of actions × resources × principals. */
export interface AccessDelta {
  accessLevel: AccessLevel;
  /**
   * Canonical action names, sorted. `s3:*` stands for every action of the service (listed once, under the
   * service's highest access level), `*` for every action of every service, `* except a, b` for `NotAction`;
   * unknown actions and placeholders appear as written.
   */
  actions: string[];
  /** Resource patterns as written; empty for a statement without `Resource` (the policy's own resource). */
  resources: string[];
  /** Principals as written (`*` for everyone), for statements with `Principal`/`NotPrincipal`. */
  principals?: string[];
  /** In `added`: `before` granted this, but only under conditions `after` dropped or widened. */
  conditionsDropped?: boolean;
  /** In `removed`: `after` still grants this, but only under conditions it added or narrowed. */
  conditionsAdded?: boolean;
  /** A Deny: in `added`, a Deny of this was removed or narrowed; in `removed`, a Deny of this was added or widened. */
  deny?: boolean;
  /** Whether this is new (or gone) only depending on what unresolved values stand for. */
  uncertain?: boolean;
  /** JSON Pointer of the statement the delta comes from, in the document that has it (`after` for added Allow, `before` otherwise). */
  statementPointer?: string;
}

export interface AccessChange {
  added: AccessDelta[];
  removed: AccessDelta[];
  /** `new-access` findings in `after`: one per statement that adds access, and one per Deny removed. */
  findings: Finding[];
}

export type AccessChangeStatus = "added" | "changed" | "removed";

export interface AccessChangeEntry {
  /** The policy as it is after the change, or before it when it was removed. */
  policy: PolicyDocument;
  change: AccessChange;
  status: AccessChangeStatus;
}

export interface AccessChangesJson {
  policies: Array<{
    file: string;
    line: number;
    endLine: number;
    kind: PolicyKind;
    origin: string;
    status: AccessChangeStatus;
    added: AccessDelta[];
    removed: AccessDelta[];
  }>;
}

const RULE_ID = "new-access";

const RANK: Readonly<Record<AccessLevel, number>> = { List: 0, Read: 1, Write: 2, Tagging: 3, "Permissions management": 4 };
const ALL_LEVELS: readonly AccessLevel[] = ["Permissions management", "Tagging", "Write", "Read", "List"];
/** Unknown actions and placeholders: they may be anything, so they are treated as Write (and uncertain). */
const OPAQUE_LEVEL: AccessLevel = "Write";

// ---------------------------------------------------------------------------------------------------------
// Actions

interface ActionRef {
  key: string;
  name: string;
  level: AccessLevel;
  service: string;
}

const CACHE_LIMIT = 4096;
const refCache = new Map<string, readonly ActionRef[]>();

/** The concrete actions of a lower-case pattern, with their access levels. Cached. */
function refsOf(pattern: string): readonly ActionRef[] {
  let refs = refCache.get(pattern);
  if (refs === undefined) {
    refs = expandActionPattern(pattern).map((name): ActionRef => {
      const info = actionInfo(name);
      if (info === undefined) throw new Error(`Bug: expandActionPattern returned ${name}, which actionInfo does not know`);
      return { key: name.toLowerCase(), name, level: info.accessLevel, service: info.service };
    });
    if (refCache.size >= CACHE_LIMIT) refCache.clear();
    refCache.set(pattern, refs);
  }
  return refs;
}

interface ServiceSummary {
  refs: readonly ActionRef[];
  level: AccessLevel;
  levels: AccessLevel[];
}
const serviceCache = new Map<string, ServiceSummary>();

function serviceSummary(service: string): ServiceSummary {
  let summary = serviceCache.get(service);
  if (summary === undefined) {
    const refs = refsOf(`${service}:*`);
    const present = new Set(refs.map((r) => r.level));
    const levels = ALL_LEVELS.filter((l) => present.has(l));
    summary = { refs, level: levels[0] ?? OPAQUE_LEVEL, levels };
    serviceCache.set(service, summary);
  }
  return summary;
}

/** One thing a statement's Action or NotAction grants. Atoms are shared between statements: never mutate one. */
type Atom = { key: string } & (
  | { kind: "action"; ref: ActionRef }
  | { kind: "service"; service: string }
  | { kind: "all" }
  | { kind: "opaque"; name: string }
  | { kind: "not"; excluded: string[]; names: string[] }
);

/** What a statement grants, in a form cheap to test membership against. */
interface ActionSet {
  all: boolean;
  services: Set<string>;
  /** The concrete actions (lower case) of each Action value: shared per value, never merged into one big set. */
  actions: ReadonlyArray<ReadonlySet<string>>;
  /** Every Action value, lower case, for unknown actions and placeholders. */
  patterns: string[];
  /** NotAction exclusions, lower case, when the statement uses NotAction. */
  not?: string[];
  unresolved: boolean;
}

const actionAtomCache = new Map<string, Atom>();

function actionAtom(ref: ActionRef): Atom {
  let atom = actionAtomCache.get(ref.key);
  if (atom === undefined) {
    atom = { kind: "action", key: ref.key, ref };
    if (actionAtomCache.size >= 8 * CACHE_LIMIT) actionAtomCache.clear();
    actionAtomCache.set(ref.key, atom);
  }
  return atom;
}

interface ValueInfo {
  atoms: readonly Atom[];
  /** Keys of the concrete action atoms. */
  actions: ReadonlySet<string>;
}

const valueCache = new Map<string, ValueInfo>();

/** The atoms of one Action value (`s3:Get*` → its concrete actions, `s3:*` → the service). Cached. */
function valueInfo(value: string): ValueInfo {
  let info = valueCache.get(value);
  if (info === undefined) {
    const atoms = computeAtoms(value);
    info = { atoms, actions: new Set(atoms.flatMap((a) => (a.kind === "action" ? [a.key] : []))) };
    if (valueCache.size >= CACHE_LIMIT) valueCache.clear();
    valueCache.set(value, info);
  }
  return info;
}

function atomsOfValue(value: string): readonly Atom[] {
  return valueInfo(value).atoms;
}

function computeAtoms(value: string): Atom[] {
  const lower = value.toLowerCase();
  const opaque: Atom = { kind: "opaque", key: `?${lower}`, name: value };
  if (hasPlaceholder(value)) return [opaque];
  if (/^\*+(:\*+)?$/.test(lower)) return [{ kind: "all", key: "*" }];
  const colon = lower.indexOf(":");
  if (colon > 0) {
    const service = lower.slice(0, colon);
    const rest = lower.slice(colon + 1);
    if (!hasWildcard(service) && /^\*+$/.test(rest) && serviceExists(service)) return [{ kind: "service", key: `${service}:*`, service }];
  }
  if (hasWildcard(lower)) {
    const refs = refsOf(lower);
    return refs.length > 0 ? refs.map(actionAtom) : [opaque];
  }
  const info = actionInfo(lower);
  if (info === undefined) return [opaque];
  return [actionAtom({ key: lower, name: info.action, level: info.accessLevel, service: info.service })];
}

/** What a statement's Action (or NotAction) grants: shared by every statement with the same Action text. */
interface ActionPart {
  atoms: readonly Atom[];
  set: ActionSet;
  /** Action values, lower case, to tell which entries a change added. */
  values: Set<string>;
  usesNotAction: boolean;
}

const partCache = new Map<string, ActionPart>();

function stringValues(value: JsonValue | undefined): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function actionPartOf(statement: JsonObject): ActionPart {
  const usesNotAction = statement.Action === undefined && statement.NotAction !== undefined;
  const raw = usesNotAction ? statement.NotAction : statement.Action;
  const cacheKey = `${usesNotAction ? "N" : "A"}${JSON.stringify(raw ?? null)}`;
  const cached = partCache.get(cacheKey);
  if (cached !== undefined) return cached;

  const values = stringValues(raw);
  const actions: Array<ReadonlySet<string>> = [];
  const set: ActionSet = { all: false, services: new Set(), actions, patterns: [], unresolved: values.some(hasPlaceholder) };
  let atoms: readonly Atom[];
  if (usesNotAction) {
    const excluded = values.map((v) => v.toLowerCase());
    set.not = excluded;
    atoms = [{ kind: "not", key: `!${excluded.join(",")}`, excluded, names: values }];
  } else {
    const list: Atom[] = [];
    const others = new Set<string>();
    for (const value of values) {
      set.patterns.push(value.toLowerCase());
      const info = valueInfo(value);
      // An action already listed through an earlier value (`s3:GetObject` after `s3:Get*`) is skipped.
      const earlier = actions.length;
      for (const atom of info.atoms) {
        if (atom.kind === "action") {
          let seen = false;
          for (let i = 0; i < earlier && !seen; i++) seen = actions[i]!.has(atom.key);
          if (!seen) list.push(atom);
          continue;
        }
        if (others.has(atom.key)) continue;
        others.add(atom.key);
        list.push(atom);
        if (atom.kind === "all") set.all = true;
        else if (atom.kind === "service") set.services.add(atom.service);
      }
      if (info.actions.size > 0) actions.push(info.actions);
    }
    atoms = list;
  }
  const part: ActionPart = { atoms, set, values: new Set(set.patterns), usesNotAction };
  if (partCache.size >= CACHE_LIMIT) partCache.clear();
  partCache.set(cacheKey, part);
  return part;
}

function star(value: string): string {
  return hasPlaceholder(value) ? value.replace(PLACEHOLDER_PATTERN, "*") : value;
}

function setCoversRef(set: ActionSet, ref: ActionRef): boolean {
  if (set.all || set.services.has(ref.service)) return true;
  for (const keys of set.actions) if (keys.has(ref.key)) return true;
  return set.not !== undefined && !set.not.some((p) => matchesWildcard(p, ref.key));
}

/** Whether the statement's actions certainly include everything the atom stands for. */
function setCovers(set: ActionSet, atom: Atom): boolean {
  if (set.all) return true;
  switch (atom.kind) {
    case "action":
      return setCoversRef(set, atom.ref);
    case "service":
      return set.services.has(atom.service) || (set.not !== undefined && !set.not.some((p) => wildcardOverlaps(star(p), `${atom.service}:*`)));
    case "all":
      return set.not !== undefined && set.not.length === 0;
    case "opaque": {
      const name = atom.name.toLowerCase();
      if (set.patterns.some((p) => p === name || wildcardCovers(p, name))) return true;
      return set.not !== undefined && !set.not.some((p) => wildcardOverlaps(star(p), star(name)));
    }
    case "not": {
      const excluded = atom.excluded;
      return set.not !== undefined && set.not.every((p) => excluded.some((q) => wildcardCovers(q, p)));
    }
  }
}

/** Whether the statement's actions may include the atom, depending on what placeholders stand for. */
function setMayCover(set: ActionSet, atom: Atom): boolean {
  return set.unresolved || atom.kind === "opaque" || setCovers(set, atom);
}

// ---------------------------------------------------------------------------------------------------------
// Resources, principals, conditions

type ResourceAtom =
  | { kind: "value"; value: string; pointer: string; key: string }
  | { kind: "not"; excluded: string[]; pointer: string; key: string };

function resourceHasPlaceholder(r: ResourceAtom): boolean {
  return r.kind === "value" ? hasPlaceholder(r.value) : r.excluded.some(hasPlaceholder);
}

function resourceCovers(g: ResourceAtom, r: ResourceAtom): boolean {
  if (g.kind === "value") {
    if (g.value === "*") return true;
    return r.kind === "value" && (g.value === r.value || wildcardCovers(g.value, r.value));
  }
  if (r.kind === "value") return !g.excluded.some((x) => wildcardOverlaps(star(x), star(r.value)));
  return g.excluded.every((x) => r.excluded.some((y) => wildcardCovers(y, x)));
}

function resourceMayCover(g: ResourceAtom, r: ResourceAtom): boolean {
  if (resourceCovers(g, r)) return true;
  if (!resourceHasPlaceholder(g) && !resourceHasPlaceholder(r)) return false;
  return g.kind !== "value" || r.kind !== "value" || wildcardOverlaps(star(g.value), star(r.value));
}

interface PrincipalAtom {
  kind: "none" | "everyone" | "value" | "not";
  type: string;
  value: string;
  pointer: string;
  key: string;
  unresolved: boolean;
  /** AWS principals: the account they belong to, and whether they are the account itself. */
  account?: string;
  root?: boolean;
}

function principalCovers(g: PrincipalAtom, p: PrincipalAtom): boolean {
  if (g.kind === "none" || p.kind === "none") return g.kind === p.kind;
  if (g.kind === "everyone") return true;
  if (g.key === p.key) return true;
  return g.kind === "value" && g.root === true && p.kind === "value" && p.type === "AWS" && p.account === g.account;
}

function principalMayCover(g: PrincipalAtom, p: PrincipalAtom): boolean {
  return principalCovers(g, p) || (g.kind !== "none" && p.kind !== "none" && (g.unresolved || p.unresolved));
}

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
const NONE_OPERATORS = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike", "notipaddress", "numericnotequals", "datenotequals"]);

interface ConditionAtom {
  /** `operator\0key`, lower case. */
  id: string;
  key: string;
  values: string[];
  mode: ValueMode;
  pointer: string;
  operatorPointer: string;
}

function valueMode(operator: string): ValueMode {
  const lower = operator.toLowerCase();
  const base = baseOperator(lower);
  if (lower.startsWith("forallvalues:")) return "exact";
  if (ANY_OPERATORS.has(base)) return "any";
  if (NONE_OPERATORS.has(base) && !lower.startsWith("foranyvalue:")) return "none";
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
function conditionsImplied(general: readonly ConditionAtom[], specific: readonly ConditionAtom[], relaxed: boolean): boolean {
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

// ---------------------------------------------------------------------------------------------------------
// Statements

interface Compiled {
  ref: StatementRef;
  /**
   * The statement's JSON text: equal texts are the same statement (a statement whose keys were merely reordered
   * is compared grant by grant instead, with the same result). Fingerprints use `canonicalJson`.
   */
  text: string;
  sid?: string;
  effect: "Allow" | "Deny" | "unresolved";
  atoms: readonly Atom[];
  set: ActionSet;
  /** Action values, lower case, to tell which entries a change added. */
  actionValues: ReadonlySet<string>;
  usesNotAction: boolean;
  resources: ResourceAtom[];
  principals: PrincipalAtom[];
  hasPrincipal: boolean;
  conditions: ConditionAtom[];
  placeholders: boolean;
}

const ACCOUNT_ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;
const ACCOUNT_OF = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/;

function compile(ref: StatementRef, text: string): Compiled | undefined {
  const st = ref.statement;
  const rawEffect = st.Effect;
  let effect: Compiled["effect"];
  if (rawEffect === "Allow" || rawEffect === "Deny") effect = rawEffect;
  else if (typeof rawEffect === "string" && isPlaceholder(rawEffect)) effect = "unresolved";
  else return undefined;

  const actions = actionPartOf(st);

  let resources: ResourceAtom[];
  if (st.Resource !== undefined) {
    resources = resourcesOf(ref).map((r) => ({ kind: "value", value: r.value, pointer: r.pointer, key: `v${r.value}` }));
  } else if (st.NotResource !== undefined) {
    const excluded = stringsAt(st, "NotResource", ref.pointer).map((r) => r.value);
    resources = [{ kind: "not", excluded, pointer: pointerOf(ref.pointer, "NotResource"), key: `n${excluded.join("\u0000")}` }];
  } else {
    // Trust policies and other resource policies without Resource: the policy's own resource.
    resources = [{ kind: "value", value: "", pointer: ref.pointer, key: "v" }];
  }

  let principals: PrincipalAtom[];
  const hasPrincipal = st.Principal !== undefined || st.NotPrincipal !== undefined;
  if (st.Principal !== undefined) {
    principals = principalsOf(ref, "Principal").map((p): PrincipalAtom => {
      if (p.value === "*" && (p.type === "*" || p.type === "AWS")) {
        return { kind: "everyone", type: "*", value: "*", pointer: p.pointer, key: "*", unresolved: false };
      }
      const atom: PrincipalAtom = { kind: "value", type: p.type, value: p.value, pointer: p.pointer, key: `${p.type}:${p.value}`, unresolved: p.unresolved };
      if (p.type === "AWS") {
        if (/^\d{12}$/.test(p.value)) {
          atom.account = p.value;
          atom.root = true;
        } else {
          const root = ACCOUNT_ROOT.exec(p.value);
          const account = root ?? ACCOUNT_OF.exec(p.value);
          if (account) atom.account = account[1]!;
          atom.root = root !== null;
        }
      }
      return atom;
    });
  } else if (st.NotPrincipal !== undefined) {
    const values = principalsOf(ref, "NotPrincipal").map((p) => p.value);
    principals = [
      {
        kind: "not",
        type: "",
        value: `everyone except ${values.join(", ")}`,
        pointer: pointerOf(ref.pointer, "NotPrincipal"),
        key: `!${canonicalJson(st.NotPrincipal)}`,
        unresolved: values.some(hasPlaceholder),
      },
    ];
  } else {
    principals = [{ kind: "none", type: "", value: "", pointer: ref.pointer, key: "", unresolved: false }];
  }

  const conditions = conditionsOf(ref).map((c): ConditionAtom => {
    const values = [...new Set(c.values.map((v) => v.value))];
    return {
      id: `${c.operator.toLowerCase()}\u0000${c.key.toLowerCase()}`,
      key: c.key,
      values,
      mode: valueMode(c.operator),
      pointer: c.pointer,
      operatorPointer: c.operatorPointer,
    };
  });

  const compiled: Compiled = {
    ref,
    text,
    effect,
    atoms: actions.atoms,
    set: actions.set,
    actionValues: actions.values,
    usesNotAction: actions.usesNotAction,
    resources,
    principals,
    hasPrincipal,
    conditions,
    placeholders: text.includes("{{") && hasPlaceholder(text),
  };
  if (typeof st.Sid === "string" && st.Sid !== "") compiled.sid = st.Sid;
  return compiled;
}

/**
 * Compiles a document's statements. `memo` shares the work between the two versions of a policy: a statement
 * left unchanged at the same place compiles once (pointers are part of the result, so the place must match).
 */
function compileAll(doc: PolicyDocument | undefined, memo: Map<string, Compiled>): Compiled[] {
  if (doc === undefined) return [];
  return statementsOf(doc.json).flatMap((ref) => {
    const text = JSON.stringify(ref.statement);
    const key = `${ref.pointer}\u0000${text}`;
    const seen = memo.get(key);
    if (seen !== undefined) return [seen];
    const compiled = compile(ref, text);
    if (compiled === undefined) return [];
    memo.set(key, compiled);
    return [compiled];
  });
}

// ---------------------------------------------------------------------------------------------------------
// Coverage

/** An uncovered action of a cell. */
interface Grant {
  atom: Atom;
  level: AccessLevel;
  uncertain: boolean;
  /** Covered by a statement that differs only in conditions. */
  conditions: boolean;
}

/** The uncovered grants of one statement on one resource for one principal. */
interface Cell {
  stmt: Compiled;
  r: ResourceAtom;
  p: PrincipalAtom;
  grants: Grant[];
}

/** The parts of an uncovered atom that are uncovered: a whole service splits into its uncovered actions. */
function uncoveredParts(atom: Atom, certain: readonly Compiled[]): Atom[] {
  if (atom.kind !== "service" || certain.length === 0) return [atom];
  const refs = serviceSummary(atom.service).refs;
  const open = refs.filter((ref) => !certain.some((g) => setCoversRef(g.set, ref)));
  if (open.length === refs.length) return [atom];
  return open.map(actionAtom);
}

/** The grants of `specifics` that no single statement of `generals` covers (see the module comment). */
function uncoveredGrants(specifics: readonly Compiled[], generals: readonly Compiled[]): Cell[] {
  const twins = new Set(generals.map((g) => g.text));
  const cells: Cell[] = [];
  for (const s of specifics) {
    if (twins.has(s.text)) continue;
    // A statement with an unresolved Effect may be a Deny: it covers for certain only the same unresolved Effect.
    const eligible = generals.filter((g) => g.effect !== "unresolved" || (s.effect === "unresolved" && g.ref.statement.Effect === s.ref.statement.Effect));
    for (const r of s.resources) {
      const onResource = eligible.filter((g) => g.resources.some((gr) => resourceCovers(gr, r)));
      for (const p of s.principals) {
        const scoped = onResource.filter((g) => g.principals.some((gp) => principalCovers(gp, p)));
        const certain = scoped.filter((g) => conditionsImplied(g.conditions, s.conditions, false));
        let looser: Compiled[] | undefined;
        let possible: Compiled[] | undefined;
        const grants: Grant[] = [];
        for (const atom of s.atoms) {
          if (certain.some((g) => setCovers(g.set, atom))) continue;
          looser ??= scoped.filter((g) => !certain.includes(g));
          possible ??= generals.filter(
            (g) =>
              !certain.includes(g) &&
              (g.placeholders || s.placeholders) &&
              g.resources.some((gr) => resourceMayCover(gr, r)) &&
              g.principals.some((gp) => principalMayCover(gp, p)) &&
              conditionsImplied(g.conditions, s.conditions, true),
          );
          for (const part of uncoveredParts(atom, certain)) {
            grants.push({
              atom: part,
              level: levelOf(part),
              uncertain: part.kind === "opaque" || possible.some((g) => setMayCover(g.set, part)),
              conditions: looser.some((g) => setCovers(g.set, part)),
            });
          }
        }
        if (grants.length > 0) cells.push({ stmt: s, r, p, grants });
      }
    }
  }
  return cells;
}

// ---------------------------------------------------------------------------------------------------------
// Deltas

function levelOf(atom: Atom): AccessLevel {
  switch (atom.kind) {
    case "action":
      return atom.ref.level;
    case "service":
      return serviceSummary(atom.service).level;
    case "all":
    case "not":
      return "Permissions management";
    case "opaque":
      return OPAQUE_LEVEL;
  }
}

function levelsOf(atom: Atom): readonly AccessLevel[] {
  switch (atom.kind) {
    case "service":
      return serviceSummary(atom.service).levels;
    case "all":
    case "not":
      return ALL_LEVELS;
    default:
      return [levelOf(atom)];
  }
}

function nameOf(atom: Atom): string {
  switch (atom.kind) {
    case "action":
      return atom.ref.name;
    case "service":
      return `${atom.service}:*`;
    case "all":
      return "*";
    case "opaque":
      return atom.name;
    case "not":
      return `* except ${atom.names.join(", ")}`;
  }
}

/** How an atom reads in a sentence. */
function phraseOf(atom: Atom): string {
  switch (atom.kind) {
    case "service":
      return `all ${atom.service} actions`;
    case "all":
      return "all actions of every service";
    case "not":
      return `all actions except ${atom.names.join(", ")}`;
    default:
      return nameOf(atom);
  }
}

function resourceText(r: ResourceAtom): string {
  return r.kind === "value" ? r.value : `all resources except ${r.excluded.join(", ")}`;
}

function uniqueInOrder(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Groups cells into deltas: one per statement, access level and flags, each an exact product. */
function deltasOf(cells: readonly Cell[], deny: boolean, conditionsFlag: "conditionsDropped" | "conditionsAdded"): AccessDelta[] {
  interface Group {
    stmt: Compiled;
    level: AccessLevel;
    uncertain: boolean;
    conditions: boolean;
    actions: string[];
    resources: string[];
    principals: string[];
  }
  const sameFlags = (g: Group, h: { level: AccessLevel; uncertain: boolean; conditions: boolean }) =>
    g.level === h.level && g.uncertain === h.uncertain && g.conditions === h.conditions;
  // Per cell, its actions by level and flags; resources merge into a group with the same statement, principal
  // and action list; then principals merge into one with the same statement, action list and resources.
  const byOwner = new Map<string, Group[]>();
  for (const cell of cells) {
    const parts: Array<{ level: AccessLevel; uncertain: boolean; conditions: boolean; names: string[] }> = [];
    for (const grant of cell.grants) {
      const part = parts.find((q) => q.level === grant.level && q.uncertain === grant.uncertain && q.conditions === grant.conditions);
      if (part) part.names.push(nameOf(grant.atom));
      else parts.push({ level: grant.level, uncertain: grant.uncertain, conditions: grant.conditions, names: [nameOf(grant.atom)] });
    }
    const resource = cell.r.kind === "value" && cell.r.value === "" ? [] : [resourceText(cell.r)];
    const ownerKey = `${cell.stmt.ref.pointer}\u0001${cell.p.key}`;
    let owned = byOwner.get(ownerKey);
    if (!owned) byOwner.set(ownerKey, (owned = []));
    for (const part of parts) {
      const actions = part.names.sort(byCodeUnits);
      const merged = owned.find((g) => sameFlags(g, part) && sameList(g.actions, actions));
      if (merged) merged.resources.push(...resource);
      else {
        const principals = cell.stmt.hasPrincipal ? [cell.p.value] : [];
        owned.push({ stmt: cell.stmt, level: part.level, uncertain: part.uncertain, conditions: part.conditions, actions, resources: [...resource], principals });
      }
    }
  }
  const byStatement = new Map<Compiled, Group[]>();
  for (const owned of byOwner.values()) {
    for (const group of owned) {
      let list = byStatement.get(group.stmt);
      if (!list) byStatement.set(group.stmt, (list = []));
      const merged = list.find((g) => sameFlags(g, group) && sameList(g.actions, group.actions) && sameList(g.resources, group.resources));
      if (merged) merged.principals.push(...group.principals);
      else list.push(group);
    }
  }
  return [...byStatement.values()].flat().map((group): AccessDelta => {
    const delta: AccessDelta = { accessLevel: group.level, actions: group.actions, resources: uniqueInOrder(group.resources) };
    if (group.stmt.hasPrincipal) delta.principals = uniqueInOrder(group.principals);
    if (group.conditions) delta[conditionsFlag] = true;
    if (deny) delta.deny = true;
    if (group.uncertain) delta.uncertain = true;
    delta.statementPointer = group.stmt.ref.pointer;
    return delta;
  });
}

function statementIndex(pointer: string | undefined): number {
  const match = /^\/Statement(?:\/(\d+))?$/.exec(pointer ?? "");
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

function sortDeltas(deltas: AccessDelta[]): AccessDelta[] {
  return deltas.sort(
    (a, b) =>
      RANK[b.accessLevel] - RANK[a.accessLevel] ||
      Number(a.deny ?? false) - Number(b.deny ?? false) ||
      statementIndex(a.statementPointer) - statementIndex(b.statementPointer) ||
      (a.actions[0] ?? "").localeCompare(b.actions[0] ?? ""),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Findings

/** `a, b, c and 4 more`. */
function listOf(values: readonly string[], max: number): string {
  if (values.length <= max) return values.join(", ");
  return `${values.slice(0, max).join(", ")} and ${values.length - max} more`;
}

/** `Permissions management and Write`, highest first. */
function levelsText(levels: Iterable<AccessLevel>): string {
  const present = new Set(levels);
  const sorted = ALL_LEVELS.filter((l) => present.has(l));
  if (sorted.length <= 1) return sorted.join("");
  return `${sorted.slice(0, -1).join(", ")} and ${sorted.at(-1)!}`;
}

function severityOf(level: AccessLevel): Severity {
  if (level === "Permissions management") return "error";
  return level === "Write" || level === "Tagging" ? "warning" : "note";
}

const LOWER: Readonly<Record<Severity, Severity>> = { error: "warning", warning: "note", note: "note" };

interface Summary {
  may: boolean;
  severity: Severity;
  levels: string;
  actions: string;
  on: string;
}

function summarize(cells: readonly Cell[]): Summary {
  let top: AccessLevel | undefined;
  let topAny: AccessLevel = "List";
  const levels = new Set<AccessLevel>();
  // The first phrases of each level, in statement order, and how many distinct phrases there are.
  const phrases = new Set<string>();
  const firstByRank: string[][] = [[], [], [], [], []];
  for (const cell of cells) {
    for (const grant of cell.grants) {
      if (!grant.uncertain && (top === undefined || RANK[grant.level] > RANK[top])) top = grant.level;
      if (RANK[grant.level] > RANK[topAny]) topAny = grant.level;
      if (grant.atom.kind === "action" || grant.atom.kind === "opaque") levels.add(grant.level);
      else for (const level of levelsOf(grant.atom)) levels.add(level);
      const phrase = phraseOf(grant.atom);
      if (phrases.has(phrase)) continue;
      phrases.add(phrase);
      const first = firstByRank[RANK[grant.level]]!;
      if (first.length < 3) first.push(phrase);
    }
  }
  const shown = firstByRank.toReversed().flat().slice(0, 3);
  const more = phrases.size - shown.length;
  const resources = uniqueInOrder(cells.flatMap((c) => (c.r.kind === "value" && c.r.value === "" ? [] : [resourceText(c.r)])));
  return {
    may: top === undefined,
    severity: top !== undefined ? severityOf(top) : LOWER[severityOf(topAny)],
    levels: levelsText(levels),
    actions: more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", "),
    on: resources.length > 0 ? ` on ${listOf(resources, 2)}` : "",
  };
}

/** Condition keys that identify the caller (so a dropped one lets more principals in, not just more requests). */
const WHO_KEYS = /^aws:(Principal|Source(Account|Arn|Owner|OrgID|OrgPaths)|CalledVia)/i;

/** Picks the statement on the other side a statement replaced: same Sid, else same index; never a statement that is unchanged. */
function counterpartOf(s: Compiled, others: readonly Compiled[], unchanged: ReadonlySet<string>): Compiled | undefined {
  const candidates = others.filter((o) => !unchanged.has(o.text));
  if (s.sid !== undefined) {
    const bySid = candidates.find((o) => o.sid === s.sid);
    if (bySid) return bySid;
  }
  return candidates.find((o) => o.ref.index === s.ref.index && o.ref.pointer === s.ref.pointer);
}

interface Cause {
  messageId: string;
  pointer: string;
  detail: string;
  message: (sum: Summary) => string;
}

function causeOf(s: Compiled, cells: readonly Cell[], cp: Compiled | undefined, wholePolicy: boolean): Cause {
  const grants = (sum: Summary) => `${sum.may ? "may grant" : "grants"} new ${sum.levels} access: ${sum.actions}${sum.on}`;
  if (wholePolicy) {
    return {
      messageId: "newPolicy",
      pointer: s.ref.pointer,
      detail: "policy",
      message: (sum) => `This new policy ${sum.may ? "may grant" : "grants"} ${sum.levels} access: ${sum.actions}${sum.on}.`,
    };
  }
  const newStatement: Cause = { messageId: "newStatement", pointer: s.ref.pointer, detail: "statement", message: (sum) => `This change ${grants(sum)}.` };
  if (cp === undefined) return newStatement;
  if (cp.effect === "Deny") {
    return {
      messageId: "effectChanged",
      pointer: pointerOf(s.ref.pointer, "Effect"),
      detail: "effect",
      message: (sum) => `This change turns a Deny into an Allow, which ${grants(sum)}.`,
    };
  }
  if (!s.usesNotAction) {
    const granted = new Set<string>();
    for (const cell of cells) {
      for (const grant of cell.grants) {
        granted.add(grant.atom.key);
        if (grant.atom.kind === "action") granted.add(`${grant.atom.ref.service}:*`);
      }
    }
    const entry = actionsOf(s.ref).find(
      (a) => !cp.actionValues.has(a.value.toLowerCase()) && atomsOfValue(a.value).some((atom) => granted.has(atom.key)),
    );
    if (entry) {
      return { messageId: "newAction", pointer: entry.pointer, detail: `action:${entry.value.toLowerCase()}`, message: (sum) => `This change ${grants(sum)}.` };
    }
  }
  const principal = s.principals.find((p) => p.kind !== "none" && !cp.principals.some((q) => q.key === p.key) && cells.some((c) => c.p === p));
  if (principal) {
    return {
      messageId: "newPrincipal",
      pointer: principal.pointer,
      detail: `principal:${principal.key}`,
      message: (sum) =>
        `This change adds the principal ${principal.value}, which ${sum.may ? "may get" : "gets"} ${sum.levels} access: ${sum.actions}${sum.on}.`,
    };
  }
  const resource = s.resources.find((r) => !cp.resources.some((q) => q.key === r.key) && cells.some((c) => c.r === r));
  if (resource) {
    const from = cp.resources.find((q) => q.kind === "value" && resource.kind === "value" && wildcardCovers(resource.value, q.value));
    if (from) {
      return {
        messageId: "widenedResource",
        pointer: resource.pointer,
        detail: `resource:${resource.key}`,
        message: (sum) =>
          `This change widens Resource from ${resourceText(from)} to ${resourceText(resource)}, which ${sum.may ? "may grant" : "grants"} new ${sum.levels} access: ${sum.actions}.`,
      };
    }
    return { messageId: "newResource", pointer: resource.pointer, detail: `resource:${resource.key}`, message: (sum) => `This change ${grants(sum)}.` };
  }
  const lost = cp.conditions.filter((c) => !conditionsImplied([c], s.conditions, false));
  const first = lost[0];
  if (first) {
    const kept = s.conditions.find((c) => c.id === first.id);
    const keys = listOf(uniqueInOrder(lost.map((c) => c.key)), 3);
    const who = lost.some((c) => WHO_KEYS.test(c.key)) ? "principals" : "requests";
    const operator = first.id.slice(0, first.id.indexOf("\u0000"));
    const sameOperator = s.conditions.find((c) => c.id.startsWith(`${operator}\u0000`));
    const pointer = kept?.pointer ?? sameOperator?.operatorPointer ?? (s.ref.statement.Condition !== undefined ? pointerOf(s.ref.pointer, "Condition") : s.ref.pointer);
    const verb = kept ? "widens" : "drops";
    return {
      messageId: kept ? "widenedCondition" : "droppedCondition",
      pointer,
      detail: `condition:${lost.map((c) => c.id).join(",")}`,
      message: (sum) =>
        `This change ${sum.may ? `may ${verb.slice(0, -1)}` : verb} the condition ${keys}, so more ${who} get ${sum.actions}${sum.on}.`,
    };
  }
  const pointer = s.usesNotAction ? pointerOf(s.ref.pointer, "NotAction") : s.ref.pointer;
  return { ...newStatement, messageId: "newAccess", pointer, detail: "other" };
}

function findingAt(doc: PolicyDocument, pointer: string, at: "value" | "key", severity: Severity, messageId: string, message: string, subject: string, detail: string): Finding {
  const range: Range = rangeOf(doc, pointer, at);
  return {
    file: doc.file,
    line: range.line,
    endLine: range.endLine,
    column: range.column,
    endColumn: range.endColumn,
    ruleId: RULE_ID,
    messageId,
    category: "new-access",
    severity,
    message,
    source: "local",
    origin: doc.origin,
    fingerprint: fingerprintOf(RULE_ID, doc.file, subject, detail),
  };
}

function groupByStatement(cells: readonly Cell[]): Map<Compiled, Cell[]> {
  const out = new Map<Compiled, Cell[]>();
  for (const cell of cells) {
    const list = out.get(cell.stmt);
    if (list) list.push(cell);
    else out.set(cell.stmt, [cell]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// API

/**
 * Compares two versions of one policy (paired by the caller, e.g. `pairPolicies`). `before` undefined means the
 * policy was added (everything it allows is new; one summary finding per statement); `after` undefined means it
 * was removed (only `removed`, no findings). Findings point into `after`. See the module comment for what
 * counts as covered.
 */
export function compareAccess(before: PolicyDocument | undefined, after: PolicyDocument | undefined): AccessChange {
  const change: AccessChange = { added: [], removed: [], findings: [] };
  if (before === undefined && after === undefined) return change;

  const memo = new Map<string, Compiled>();
  const old = compileAll(before, memo);
  const now = compileAll(after, memo);
  const allowsOf = (list: Compiled[]) => list.filter((c) => c.effect !== "Deny");
  const deniesOf = (list: Compiled[]) => list.filter((c) => c.effect === "Deny");

  const addedAllows = uncoveredGrants(allowsOf(now), allowsOf(old));
  const removedAllows = uncoveredGrants(allowsOf(old), allowsOf(now));
  // A policy added or removed as a whole: its Deny statements are not a change of access of their own.
  const twoSided = before !== undefined && after !== undefined;
  const removedDenies = twoSided ? uncoveredGrants(deniesOf(old), deniesOf(now)) : [];
  const addedDenies = twoSided ? uncoveredGrants(deniesOf(now), deniesOf(old)) : [];

  change.added = sortDeltas([...deltasOf(addedAllows, false, "conditionsDropped"), ...deltasOf(removedDenies, true, "conditionsDropped")]);
  change.removed = sortDeltas([...deltasOf(removedAllows, false, "conditionsAdded"), ...deltasOf(addedDenies, true, "conditionsAdded")]);

  if (after === undefined) return change;
  const oldTexts = new Set(old.map((c) => c.text));
  const nowTexts = new Set(now.map((c) => c.text));
  const effectFindings = new Set<Compiled>();
  for (const [s, cells] of groupByStatement(addedAllows)) {
    const cp = before === undefined ? undefined : counterpartOf(s, old, nowTexts);
    const cause = causeOf(s, cells, cp, before === undefined);
    if (cause.messageId === "effectChanged") effectFindings.add(s);
    const sum = summarize(cells);
    change.findings.push(findingAt(after, cause.pointer, "value", sum.severity, cause.messageId, cause.message(sum), canonicalJson(s.ref.statement), cause.detail));
  }
  for (const [d, cells] of groupByStatement(removedDenies)) {
    const replacement = counterpartOf(d, now, oldTexts);
    if (replacement !== undefined && effectFindings.has(replacement)) continue; // Deny → Allow: one finding says both.
    const sum = summarize(cells);
    let message: string;
    let pointer: string;
    let at: "value" | "key" = "value";
    if (replacement?.effect === "Deny") {
      pointer = replacement.ref.pointer;
      message = `This change narrows a Deny, so it ${sum.may ? "may no longer deny" : "no longer denies"} ${sum.actions}${sum.on}.`;
    } else {
      if (replacement) pointer = pointerOf(replacement.ref.pointer, "Effect");
      else {
        pointer = "/Statement";
        at = "key";
      }
      message = `This change removes a Deny of ${sum.actions}${sum.on}, so that access ${sum.may ? "may no longer be" : "is no longer"} blocked.`;
    }
    change.findings.push(findingAt(after, pointer, at, sum.severity, "denyRemoved", message, canonicalJson(d.ref.statement), "deny-removed"));
  }
  return change;
}

function deltaLine(sign: "+" | "-", delta: AccessDelta): string {
  const tags: string[] = [];
  if (delta.deny) tags.push(sign === "+" ? "Deny removed" : "new Deny");
  if (delta.conditionsDropped) tags.push("conditions dropped");
  if (delta.conditionsAdded) tags.push("conditions added");
  if (delta.uncertain) tags.push("may");
  const on = delta.resources.length > 0 ? ` on ${listOf(delta.resources, 3)}` : "";
  const to = delta.principals && delta.principals.length > 0 ? ` to ${listOf(delta.principals, 3)}` : "";
  return `${sign} ${delta.accessLevel}${tags.length > 0 ? ` (${tags.join(", ")})` : ""}: ${listOf(delta.actions, 5)}${on}${to}`;
}

const MAX_LINES_PER_POLICY = 20;

/**
 * Renders an "Access changes" section in plain text: per policy its origin and status, then `+` lines for access
 * added and `-` lines for access removed, long lists shortened with "and N more". Policies without access
 * changes are left out; the result is `""` when none has any.
 */
export function renderAccessChanges(changes: readonly AccessChangeEntry[]): string {
  const blocks: string[] = [];
  for (const { policy, change, status } of changes) {
    const lines = [...change.added.map((d) => deltaLine("+", d)), ...change.removed.map((d) => deltaLine("-", d))];
    if (lines.length === 0) continue;
    const place = `${policy.file}:${policy.range.line}`;
    const where = policy.origin.startsWith(policy.file) ? `${place}${policy.origin.slice(policy.file.length)}` : `${place} ${policy.origin}`;
    const shown = lines.length > MAX_LINES_PER_POLICY ? [...lines.slice(0, MAX_LINES_PER_POLICY - 1), `… and ${lines.length - MAX_LINES_PER_POLICY + 1} more changes`] : lines;
    blocks.push([`  ${where} (${status})`, ...shown.map((l) => `    ${l}`)].join("\n"));
  }
  return blocks.length === 0 ? "" : ["Access changes", ...blocks].join("\n");
}

/** The access changes as plain JSON data (full lists), for the CLI's JSON output. Policies without changes are left out. */
export function accessChangesJson(changes: readonly AccessChangeEntry[]): AccessChangesJson {
  return {
    policies: changes
      .filter(({ change }) => change.added.length > 0 || change.removed.length > 0)
      .map(({ policy, change, status }) => ({
        file: policy.file,
        line: policy.range.line,
        endLine: policy.range.endLine,
        kind: policy.kind,
        origin: policy.origin,
        status,
        added: change.added,
        removed: change.removed,
      })),
  };
}


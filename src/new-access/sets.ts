/**
 * The sets the new-access diff compares: a statement's actions (concrete iam-data actions, whole services,
 * everything, NotAction complements, opaque strings), resources and principals as written, with the coverage
 * tests between them. iam-data lookups are cached for the process. Pure.
 */
import type { JsonObject, JsonValue } from "../types.ts";
import type { AccessLevel } from "../iam/index.ts";
import {
  actionInfo,
  expandActionPattern,
  hasWildcard,
  matchesWildcard,
  serviceExists,
  wildcardCovers,
  wildcardOverlaps,
} from "../iam/index.ts";
import { hasPlaceholder, PLACEHOLDER_PATTERN } from "../extract/placeholder.ts";
import { boundedMemo } from "../util/memo.ts";

export const RULE_ID = "new-access";

export const RANK: Readonly<Record<AccessLevel, number>> = { List: 0, Read: 1, Write: 2, Tagging: 3, "Permissions management": 4 };
export const ALL_LEVELS: readonly AccessLevel[] = ["Permissions management", "Tagging", "Write", "Read", "List"];
/** Unknown actions and placeholders: they may be anything, so they are treated as Write (and uncertain). */
export const OPAQUE_LEVEL: AccessLevel = "Write";

// ---------------------------------------------------------------------------------------------------------
// Actions

interface ActionRef {
  key: string;
  name: string;
  level: AccessLevel;
  service: string;
}

const CACHE_LIMIT = 4096;
const refCache = boundedMemo<readonly ActionRef[]>(CACHE_LIMIT, "all");

/** The concrete actions of a lower-case pattern, with their access levels. Cached. */
function refsOf(pattern: string): readonly ActionRef[] {
  return refCache.get(pattern, () =>
    expandActionPattern(pattern).map((name): ActionRef => {
      const info = actionInfo(name);
      if (info === undefined) throw new Error(`Bug: expandActionPattern returned ${name}, which actionInfo does not know`);
      return { key: name.toLowerCase(), name, level: info.accessLevel, service: info.service };
    }),
  );
}

interface ServiceSummary {
  refs: readonly ActionRef[];
  level: AccessLevel;
  levels: AccessLevel[];
}
const serviceCache = new Map<string, ServiceSummary>();

export function serviceSummary(service: string): ServiceSummary {
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
export type Atom = { key: string } & (
  | { kind: "action"; ref: ActionRef }
  | { kind: "service"; service: string }
  | { kind: "all" }
  | { kind: "opaque"; name: string }
  | { kind: "not"; excluded: string[]; names: string[] }
);

/** What a statement grants, in a form cheap to test membership against. */
export interface ActionSet {
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

const actionAtomCache = boundedMemo<Atom>(8 * CACHE_LIMIT, "all");

export function actionAtom(ref: ActionRef): Atom {
  return actionAtomCache.get(ref.key, () => ({ kind: "action", key: ref.key, ref }));
}

interface ValueInfo {
  atoms: readonly Atom[];
  /** Keys of the concrete action atoms. */
  actions: ReadonlySet<string>;
}

const valueCache = boundedMemo<ValueInfo>(CACHE_LIMIT, "all");

/** The atoms of one Action value (`s3:Get*` → its concrete actions, `s3:*` → the service). Cached. */
function valueInfo(value: string): ValueInfo {
  return valueCache.get(value, () => {
    const atoms = computeAtoms(value);
    return { atoms, actions: new Set(atoms.flatMap((a) => (a.kind === "action" ? [a.key] : []))) };
  });
}

export function atomsOfValue(value: string): readonly Atom[] {
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

const partCache = boundedMemo<ActionPart>(CACHE_LIMIT, "all");

function stringValues(value: JsonValue | undefined): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function actionPartOf(statement: JsonObject): ActionPart {
  const usesNotAction = statement.Action === undefined && statement.NotAction !== undefined;
  const raw = usesNotAction ? statement.NotAction : statement.Action;
  const cacheKey = `${usesNotAction ? "N" : "A"}${JSON.stringify(raw ?? null)}`;
  return partCache.get(cacheKey, (): ActionPart => {
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
    return { atoms, set, values: new Set(set.patterns), usesNotAction };
  });
}

function star(value: string): string {
  return hasPlaceholder(value) ? value.replace(PLACEHOLDER_PATTERN, "*") : value;
}

export function setCoversRef(set: ActionSet, ref: ActionRef): boolean {
  if (set.all || set.services.has(ref.service)) return true;
  for (const keys of set.actions) if (keys.has(ref.key)) return true;
  return set.not !== undefined && !set.not.some((p) => matchesWildcard(p, ref.key));
}

/** Whether the statement's actions certainly include everything the atom stands for. */
export function setCovers(set: ActionSet, atom: Atom): boolean {
  if (set.all) return true;
  switch (atom.kind) {
    case "action":
      return setCoversRef(set, atom.ref);
    case "service":
      return (
        set.services.has(atom.service) || (set.not !== undefined && !set.not.some((p) => wildcardOverlaps(star(p), `${atom.service}:*`)))
      );
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
export function setMayCover(set: ActionSet, atom: Atom): boolean {
  return set.unresolved || atom.kind === "opaque" || setCovers(set, atom);
}

// ---------------------------------------------------------------------------------------------------------
// Resources, principals, conditions

export type ResourceAtom =
  { kind: "value"; value: string; pointer: string; key: string } | { kind: "not"; excluded: string[]; pointer: string; key: string };

function resourceHasPlaceholder(r: ResourceAtom): boolean {
  return r.kind === "value" ? hasPlaceholder(r.value) : r.excluded.some(hasPlaceholder);
}

export function resourceCovers(g: ResourceAtom, r: ResourceAtom): boolean {
  if (g.kind === "value") {
    if (g.value === "*") return true;
    return r.kind === "value" && (g.value === r.value || wildcardCovers(g.value, r.value));
  }
  if (r.kind === "value") return !g.excluded.some((x) => wildcardOverlaps(star(x), star(r.value)));
  return g.excluded.every((x) => r.excluded.some((y) => wildcardCovers(y, x)));
}

export function resourceMayCover(g: ResourceAtom, r: ResourceAtom): boolean {
  if (resourceCovers(g, r)) return true;
  if (!resourceHasPlaceholder(g) && !resourceHasPlaceholder(r)) return false;
  return g.kind !== "value" || r.kind !== "value" || wildcardOverlaps(star(g.value), star(r.value));
}

export interface PrincipalAtom {
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

export function principalCovers(g: PrincipalAtom, p: PrincipalAtom): boolean {
  if (g.kind === "none" || p.kind === "none") return g.kind === p.kind;
  if (g.kind === "everyone") return true;
  if (g.key === p.key) return true;
  return g.kind === "value" && g.root === true && p.kind === "value" && p.type === "AWS" && p.account === g.account;
}

export function principalMayCover(g: PrincipalAtom, p: PrincipalAtom): boolean {
  return principalCovers(g, p) || (g.kind !== "none" && p.kind !== "none" && (g.unresolved || p.unresolved));
}

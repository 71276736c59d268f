/**
 * The new-access diff's wording: deltas grouped per statement and access level, what caused each, and the one
 * `new-access` finding per statement that adds access. Pure.
 */
import type { Finding, PolicyDocument, Range, Severity } from "../types.ts";
import type { AccessLevel } from "../iam/index.ts";
import { wildcardCovers } from "../iam/index.ts";
import { pointerOf } from "../extract/document.ts";
import { buildFinding, fingerprintOf } from "../findings.ts";
import { actionsOf } from "../policy/statements.ts";
import { rangeOf } from "../policy/pointers.ts";
import type { AccessDelta } from "./types.ts";
import { ALL_LEVELS, type Atom, OPAQUE_LEVEL, RANK, RULE_ID, type ResourceAtom, atomsOfValue, serviceSummary } from "./sets.ts";
import { conditionsImplied } from "./conditions.ts";
import type { Cell, Compiled } from "./compile.ts";

// ---------------------------------------------------------------------------------------------------------
// Deltas

export function levelOf(atom: Atom): AccessLevel {
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
export function deltasOf(cells: readonly Cell[], deny: boolean, conditionsFlag: "conditionsDropped" | "conditionsAdded"): AccessDelta[] {
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
        owned.push({
          stmt: cell.stmt,
          level: part.level,
          uncertain: part.uncertain,
          conditions: part.conditions,
          actions,
          resources: [...resource],
          principals,
        });
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

export function sortDeltas(deltas: AccessDelta[]): AccessDelta[] {
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
export function listOf(values: readonly string[], max: number): string {
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

export function summarize(cells: readonly Cell[]): Summary {
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
export function counterpartOf(s: Compiled, others: readonly Compiled[], unchanged: ReadonlySet<string>): Compiled | undefined {
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

export function causeOf(s: Compiled, cells: readonly Cell[], cp: Compiled | undefined, wholePolicy: boolean): Cause {
  const grants = (sum: Summary) => `${sum.may ? "may grant" : "grants"} new ${sum.levels} access: ${sum.actions}${sum.on}`;
  if (wholePolicy) {
    return {
      messageId: "newPolicy",
      pointer: s.ref.pointer,
      detail: "policy",
      message: (sum) => `This new policy ${sum.may ? "may grant" : "grants"} ${sum.levels} access: ${sum.actions}${sum.on}.`,
    };
  }
  const newStatement: Cause = {
    messageId: "newStatement",
    pointer: s.ref.pointer,
    detail: "statement",
    message: (sum) => `This change ${grants(sum)}.`,
  };
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
      return {
        messageId: "newAction",
        pointer: entry.pointer,
        detail: `action:${entry.value.toLowerCase()}`,
        message: (sum) => `This change ${grants(sum)}.`,
      };
    }
  }
  const principal = s.principals.find(
    (p) => p.kind !== "none" && !cp.principals.some((q) => q.key === p.key) && cells.some((c) => c.p === p),
  );
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
    return {
      messageId: "newResource",
      pointer: resource.pointer,
      detail: `resource:${resource.key}`,
      message: (sum) => `This change ${grants(sum)}.`,
    };
  }
  const lost = cp.conditions.filter((c) => !conditionsImplied([c], s.conditions, false));
  const first = lost[0];
  if (first) {
    const kept = s.conditions.find((c) => c.id === first.id);
    const keys = listOf(uniqueInOrder(lost.map((c) => c.key)), 3);
    const who = lost.some((c) => WHO_KEYS.test(c.key)) ? "principals" : "requests";
    const operator = first.id.slice(0, first.id.indexOf("\u0000"));
    const sameOperator = s.conditions.find((c) => c.id.startsWith(`${operator}\u0000`));
    const pointer =
      kept?.pointer ??
      sameOperator?.operatorPointer ??
      (s.ref.statement.Condition !== undefined ? pointerOf(s.ref.pointer, "Condition") : s.ref.pointer);
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

export function findingAt(
  doc: PolicyDocument,
  pointer: string,
  at: "value" | "key",
  severity: Severity,
  messageId: string,
  message: string,
  subject: string,
  detail: string,
): Finding {
  const range: Range = rangeOf(doc, pointer, at);
  return buildFinding(doc.file, range, {
    ruleId: RULE_ID,
    messageId,
    category: "new-access",
    severity,
    message,
    source: "local",
    origin: doc.origin,
    fingerprint: fingerprintOf(RULE_ID, doc.file, subject, detail),
  });
}

export function groupByStatement(cells: readonly Cell[]): Map<Compiled, Cell[]> {
  const out = new Map<Compiled, Cell[]>();
  for (const cell of cells) {
    const list = out.get(cell.stmt);
    if (list) list.push(cell);
    else out.set(cell.stmt, [cell]);
  }
  return out;
}

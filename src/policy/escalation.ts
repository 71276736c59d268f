/**
 * The matcher of privilege-escalation paths (the table is src/data/escalation-paths.ts): finds the complete paths
 * in a policy or in the policies of one principal, and drops a complete path when a shorter complete path is at
 * least as broad.
 */
import type { JsonValue } from "../types.ts";
import { pointerOf, statementsOf, type StatementRef } from "../extract/document.ts";
import { PLACEHOLDER_PATTERN } from "../extract/placeholder.ts";
import { actionUsableOn, actionInfo, arnMatchesResourceType, hasWildcard, matchesWildcard, wildcardCovers } from "../iam/index.ts";
import {
  actionPatternMatches,
  actionsOf,
  baseOperator,
  conditionsOf,
  elementOf,
  isAllow,
  isDeny,
  resourcesOf,
  type PointedString,
} from "./statements.ts";
import managedPolicyRisks from "../data/managed-policy-risks.json" with { type: "json" };
import { ESCALATION_PATHS, type EscalationPath } from "../data/escalation-paths.ts";
import { boundedMemo, type Memo } from "../util/memo.ts";

// --- the matcher ------------------------------------------------------------------------------------------------

/** Every action of the table, and the same grouped by lower-case service prefix. */
const TABLE_ACTIONS: readonly string[] = [...new Set(ESCALATION_PATHS.flatMap((p) => p.requires.flat()))];
const ACTIONS_BY_SERVICE = new Map<string, string[]>();
for (const action of TABLE_ACTIONS) {
  const service = action.slice(0, action.indexOf(":")).toLowerCase();
  ACTIONS_BY_SERVICE.set(service, [...(ACTIONS_BY_SERVICE.get(service) ?? []), action]);
}

/** Every distinct action the table names (canonical case). */
export function escalationActions(): readonly string[] {
  return TABLE_ACTIONS;
}

/**
 * How broadly a statement grants an action: on every resource of a type, on resources matched by a pattern, on
 * named resources only (no wildcard: one function, one role), or on the caller itself (`${aws:username}`).
 */
export type GrantBreadth = "unscoped" | "scoped" | "named" | "self";

/** One table action granted by one Allow statement. */
export interface PathGrant {
  /** The table action, canonical case (`iam:PassRole`). */
  action: string;
  /** Index of the statement in the policy. */
  statementIndex: number;
  /** Pointer of the Action entry that grants it, or of `NotAction` (then `at` is `"key"`). */
  pointer: string;
  at: "value" | "key";
  breadth: GrantBreadth;
  /**
   * For `iam:PassRole`: the service principals each `iam:PassedToService` condition (StringEquals/StringLike)
   * allows, one list per condition; `"unknown"` when a value is unresolved; absent without such a condition.
   */
  passedToService?: readonly (readonly string[])[] | "unknown";
  /**
   * The statement has a condition that limits what the action can touch (see {@link isNarrowed}); `"abac"` when
   * it is attribute-based access control: resources whose tag equals the caller's own tag (`${aws:PrincipalTag/…}`).
   */
  narrowed?: true | "abac";
  /**
   * For `iam:PassRole` not on every role: every role it may pass is named, or fixed by a literal name prefix
   * (`role/service-role/AmazonEC2RoleForLaunchWizard*`), i.e. the workload's own roles.
   */
  ownRoles?: true;
}

export interface PolicyGrants {
  /** In document order. */
  grants: PathGrant[];
  /** Table actions an unconditional Deny on every resource takes away. */
  denied: ReadonlySet<string>;
  /** The policy allows `*` (or `*:*`) on every resource: full administrator access. */
  admin: boolean;
}

const ALL_ACTIONS = new Set(["*", "*:*"]);

/** Table actions a resolved action pattern (`iam:*`, `*`, `iam:Pas*`) matches; cheap for unrelated services. */
function tableActionsMatching(pattern: string): readonly string[] {
  return remember(matchingCache, pattern, () => {
    const colon = pattern.indexOf(":");
    const service = colon === -1 ? "" : pattern.slice(0, colon);
    const candidates = colon !== -1 && !/[*?]/.test(service) ? (ACTIONS_BY_SERVICE.get(service.toLowerCase()) ?? []) : TABLE_ACTIONS;
    return candidates.filter((action) => actionPatternMatches(pattern, action));
  });
}

/** The table actions a statement grants through Action or NotAction, each with its pointer; none if unknown. */
function statementActions(
  ref: StatementRef,
  skipAdminOnEveryResource: boolean,
): Array<{ action: string; pointer: string; at: "value" | "key" }> {
  const out: Array<{ action: string; pointer: string; at: "value" | "key" }> = [];
  if (ref.statement.Action !== undefined) {
    const seen = new Set<string>();
    for (const entry of actionsOf(ref)) {
      if (entry.unresolved) continue;
      if (skipAdminOnEveryResource && ALL_ACTIONS.has(entry.value)) continue;
      for (const action of tableActionsMatching(entry.value)) {
        if (seen.has(action)) continue;
        seen.add(action);
        out.push({ action, pointer: entry.pointer, at: "value" });
      }
    }
  } else if (ref.statement.NotAction !== undefined) {
    const excluded = elementOf(ref, "NotAction");
    // An unresolved exclusion could exclude anything: grant nothing rather than guess.
    if (excluded.some((e) => e.unresolved)) return out;
    const pointer = pointerOf(ref.pointer, "NotAction");
    for (const action of TABLE_ACTIONS) {
      if (!excluded.some((e) => actionPatternMatches(e.value, action))) out.push({ action, pointer, at: "key" });
    }
  }
  return out;
}

const CACHE_LIMIT = 8192;
const acceptCache = boundedMemo<boolean>(CACHE_LIMIT);
const unscopedCache = boundedMemo<boolean>(CACHE_LIMIT);
/** Table actions per action pattern: a policy repeating `*` in 20,000 statements matches the table once (issue #12). */
const matchingCache = boundedMemo<readonly string[]>(CACHE_LIMIT);

function remember<T>(cache: Memo<T>, key: string, compute: () => T): T {
  return cache.get(key, compute);
}

/** The services in the ARN formats of each action's resource types (the index of issue #12); undefined: unknown action. */
const arnServicesCache = new Map<string, ReadonlySet<string> | undefined>();

function arnServicesOf(action: string): ReadonlySet<string> | undefined {
  if (arnServicesCache.has(action)) return arnServicesCache.get(action);
  const info = actionInfo(action);
  const services = info
    ? new Set(info.resourceTypes.flatMap((type) => type.arnFormats.map((format) => format.split(":")[2] ?? "")))
    : undefined;
  arnServicesCache.set(action, services);
  return services;
}

/** The service field of an ARN when it is literal text (no wildcard, placeholder or variable), else undefined. */
function literalArnService(resource: string): string | undefined {
  if (!resource.startsWith("arn:")) return undefined;
  const service = resource.split(":", 3)[2];
  return service !== undefined && /^[a-z0-9-]+$/.test(service) ? service : undefined;
}

/**
 * Whether a policy resource can name something the action acts on (unknown actions: yes). A resource of a
 * literal service only needs matching against the actions whose resource types live in that service, so a
 * policy of many resources is not matched against every ARN format of the table (issue #12).
 */
function accepts(action: string, resource: string): boolean {
  if (resource === "*") return true;
  const service = literalArnService(resource);
  const services = service === undefined ? undefined : arnServicesOf(action);
  if (services !== undefined && !services.has(service!)) return false;
  return remember(acceptCache, `${action}\u0000${resource}`, () => actionUsableOn(action, resource) ?? true);
}

/** The resource part of an ARN (after the fifth colon), with policy variables and placeholders made opaque. */
function resourcePart(resource: string): { part: string; complete: boolean } {
  const opaque = resource.replace(PLACEHOLDER_PATTERN, "_").replace(/\$\{[^}]*\}/g, "_");
  const parts = opaque.split(":");
  if (parts.length < 6) return { part: parts.at(-1) ?? "", complete: false };
  return { part: parts.slice(5).join(":"), complete: true };
}

/**
 * Whether a policy resource names every resource of some type the action acts on: `*`, `arn:aws:iam::*:role/*`,
 * `arn:aws:iam::111122223333:*`, `arn:aws:lambda:*:*:function:*`. A resource with a placeholder or policy
 * variable in its resource part is specific (unknown is never `*`).
 */
export function isUnscopedResource(action: string, resource: string): boolean {
  if (resource === "*") return true;
  return remember(unscopedCache, `${action}\u0000${resource}`, () => {
    const { part, complete } = resourcePart(resource);
    // `arn:aws:iam::*` — a star that swallows the rest of the ARN.
    if (!complete) return resource.startsWith("arn:") && part.endsWith("*");
    const info = actionInfo(action);
    if (!info) return part === "*";
    if (info.wildcardOnly) return true;
    return info.resourceTypes.some((type) =>
      type.arnFormats.some((format) => {
        if (!arnMatchesResourceType(resource, format)) return false;
        const formatPart = format.split(":").slice(5).join(":");
        const prefix = formatPart.slice(0, Math.max(0, formatPart.indexOf("${")));
        return wildcardCovers(part, `${prefix}*`);
      }),
    );
  });
}

const SELF = /\$\{aws:(username|userid)\}/i;

/** How broadly a statement with these resources (undefined: NotResource) grants the action; undefined: not at all. */
function breadthOf(action: string, resources: readonly PointedString[] | undefined): GrantBreadth | undefined {
  if (resources === undefined) return "unscoped";
  const applicable = resources.filter((r) => accepts(action, r.value) && !unexploitable(action, r.value));
  if (applicable.length === 0) return undefined;
  if (applicable.some((r) => isUnscopedResource(action, r.value))) return "unscoped";
  if (applicable.every((r) => SELF.test(r.value))) return "self";
  if (applicable.every((r) => !r.unresolved && !hasWildcard(r.value))) return "named";
  return "scoped";
}

/** AWS-managed policies (`arn:aws:iam::aws:policy/…`): nobody but AWS can add or choose their versions. */
const AWS_MANAGED_POLICY = /^arn:[^:]+:iam::aws:policy\//;
/** Service-linked roles: IAM refuses to change their policies or trust (only the service may). */
const SERVICE_LINKED_ROLE = /^arn:[^:]+:iam::[^:]*:role\/aws-service-role\//;

/**
 * Resources an escalation step cannot use, whatever the grant says (issue #10): policy versions of AWS-managed
 * policies, and changes to service-linked roles (passing one stays possible and is judged as usual).
 */
function unexploitable(action: string, resource: string): boolean {
  if (!action.startsWith("iam:")) return false;
  if (/PolicyVersion$/.test(action)) return AWS_MANAGED_POLICY.test(resource);
  return action !== "iam:PassRole" && SERVICE_LINKED_ROLE.test(resource);
}

/**
 * Whether every role resource is named or starts its name with literal text (not `role/*`, not
 * `role/service-role/*`). Resources of other types (`instance-profile/…` in the same statement) are not roles.
 */
function passesOwnRoles(resources: readonly PointedString[]): boolean {
  let roles = 0;
  for (const r of resources) {
    if (!accepts("iam:PassRole", r.value)) continue;
    if (r.unresolved) return false;
    const part = r.value.split(":").slice(5).join(":");
    if (!part.startsWith("role/")) {
      // `arn:aws:iam::*:*`, `…:ro*`: could be any role.
      if ("role/".startsWith(part.split(/[*?]/)[0]!)) return false;
      continue;
    }
    roles += 1;
    if (!/^[\w+=,.@-]/.test(part.slice(part.lastIndexOf("/") + 1))) return false;
  }
  return roles > 0;
}

const POSITIVE_STRING = new Set(["stringequals", "stringlike", "stringequalsignorecase"]);

function passedToServiceOf(ref: StatementRef): PathGrant["passedToService"] {
  const entries = conditionsOf(ref).filter(
    (c) => c.key.toLowerCase() === "iam:passedtoservice" && POSITIVE_STRING.has(baseOperator(c.operator).toLowerCase()),
  );
  if (entries.length === 0) return undefined;
  if (entries.some((c) => c.values.some((v) => v.unresolved))) return "unknown";
  return entries.map((c) => c.values.map((v) => v.value));
}

/**
 * Condition keys that limit which resources or policies an action can touch: resource tags
 * (`aws:ResourceTag/team`, `ec2:ResourceTag/env`), `iam:PolicyARN` (which policies may be attached) and
 * `iam:PermissionsBoundary` (roles and users must carry a boundary, the delegated-administration pattern).
 */
const NARROWING_KEY = /(^|:)(ResourceTag\/.+|PolicyARN|PermissionsBoundary)$/i;

/** Whether the statement has a condition on a key that limits what its actions can touch. */
export function isNarrowed(ref: StatementRef): boolean {
  return conditionsOf(ref).some((c) => NARROWING_KEY.test(c.key));
}

/**
 * Attribute-based access control: a resource-tag condition whose every value is the caller's own tag
 * (`aws:ResourceTag/team` = `${aws:PrincipalTag/team}`), so the action reaches only the caller's own resources.
 */
function isAbac(ref: StatementRef): boolean {
  return conditionsOf(ref).some(
    (c) =>
      /(^|:)ResourceTag\//i.test(c.key) && c.values.length > 0 && c.values.every((v) => /^\$\{aws:PrincipalTag\/[^}]+\}$/i.test(v.value)),
  );
}

function deniedBy(ref: StatementRef): string[] {
  if (ref.statement.Condition !== undefined || ref.statement.NotResource !== undefined) return [];
  if (!resourcesOf(ref).some((r) => r.value === "*")) return [];
  return statementActions(ref, false).map((a) => a.action);
}

const ATTACH_ACTION = /^iam:Attach(Role|User|Group)Policy$/;
const POSITIVE_ARN_OPERATORS = new Set(["arnequals", "arnlike", "stringequals", "stringlike"]);
const AWS_MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const RISKY_MANAGED_POLICIES: ReadonlySet<string> = new Set(Object.keys(managedPolicyRisks.policies));

/**
 * Whether an `iam:PolicyARN` condition limits what may be attached to named AWS managed policies that carry no
 * risk (judged from their documents: `src/data/managed-policy-risks.json`), e.g. `AmazonS3ReadOnlyAccess`:
 * attaching those escalates nothing (issue #10). A wildcard, a customer policy or a risky one keeps the path.
 */
function attachesOnlyRiskFreePolicies(ref: StatementRef): boolean {
  const entries = conditionsOf(ref).filter((c) => c.key.toLowerCase() === "iam:policyarn");
  return entries.some(
    (c) =>
      POSITIVE_ARN_OPERATORS.has(baseOperator(c.operator).toLowerCase()) &&
      !/IfExists$|^ForAllValues:/i.test(c.operator) &&
      c.values.length > 0 &&
      c.values.every((v) => {
        const name = AWS_MANAGED_POLICY_ARN.exec(v.value)?.[1];
        return name !== undefined && !v.unresolved && !RISKY_MANAGED_POLICIES.has(name);
      }),
  );
}

const grantsCache = new WeakMap<object, PolicyGrants>();

/**
 * The table actions a policy grants, statement by statement. `*` and `*:*` on every resource are skipped (that
 * is administrator access, reported on its own) and flagged in `admin`. Unresolved values never grant.
 * Memoized per policy object: the result is shared, do not mutate it.
 */
export function policyGrants(policy: JsonValue): PolicyGrants {
  const cacheable = typeof policy === "object" && policy !== null;
  const cached = cacheable ? grantsCache.get(policy) : undefined;
  if (cached) return cached;
  const grants: PathGrant[] = [];
  const denied = new Set<string>();
  let admin = false;
  for (const ref of statementsOf(policy)) {
    if (isDeny(ref.statement)) {
      for (const action of deniedBy(ref)) denied.add(action);
      continue;
    }
    if (!isAllow(ref.statement)) continue;
    const resources = ref.statement.NotResource !== undefined ? undefined : resourcesOf(ref);
    const everyResource = resources === undefined || resources.some((r) => r.value === "*");
    if (everyResource && actionsOf(ref).some((a) => ALL_ACTIONS.has(a.value))) admin = true;
    let passedToService: PathGrant["passedToService"] | null = null;
    const narrowed = ref.statement.Condition !== undefined && isNarrowed(ref);
    const abac = narrowed && isAbac(ref);
    const safeAttach = ref.statement.Condition !== undefined && attachesOnlyRiskFreePolicies(ref);
    for (const { action, pointer, at } of statementActions(ref, everyResource)) {
      if (safeAttach && ATTACH_ACTION.test(action)) continue;
      const breadth = breadthOf(action, resources);
      if (breadth === undefined) continue;
      const grant: PathGrant = { action, statementIndex: ref.index, pointer, at, breadth };
      if (narrowed) grant.narrowed = abac ? "abac" : true;
      if (action === "iam:PassRole" && breadth !== "unscoped" && resources !== undefined && passesOwnRoles(resources))
        grant.ownRoles = true;
      if (action === "iam:PassRole") {
        if (passedToService === null) passedToService = passedToServiceOf(ref);
        if (passedToService !== undefined) grant.passedToService = passedToService;
      }
      grants.push(grant);
    }
  }
  const result: PolicyGrants = { grants, denied, admin };
  if (cacheable) grantsCache.set(policy, result);
  return result;
}

const pathsCache = new WeakMap<PolicyGrants, ReadonlyArray<PathMatch>>();

/** The complete paths of one policy on its own (memoized like {@link policyGrants}). */
export function policyPaths(policy: JsonValue): ReadonlyArray<PathMatch> {
  const grants = policyGrants(policy);
  let paths = pathsCache.get(grants);
  if (!paths) {
    paths = completePaths(grants.grants, grants.denied);
    pathsCache.set(grants, paths);
  }
  return paths;
}

/** Severity level of a match: 2 error, 1 warning, 0 note. */
export type PathLevel = 0 | 1 | 2;

export interface PathMatch<G extends PathGrant = PathGrant> {
  path: EscalationPath;
  /** The grant chosen for each group: the broadest, the first in the given order among equals. */
  chosen: G[];
  /**
   * 2 when every group is granted on `*` or a whole-type pattern, 1 when some group only on specific
   * resources; a grant counts one lower when the PassRole grant is limited by `iam:PassedToService`, and one
   * lower when its statement has a narrowing condition (resource tags, `iam:PolicyARN`,
   * `iam:PermissionsBoundary`). Never below 0.
   */
  level: PathLevel;
}

function passedToAllows(entries: readonly (readonly string[])[], services: readonly string[]): boolean {
  return services.some((service) => entries.every((values) => values.some((v) => matchesWildcard(v, service, { ignoreCase: true }))));
}

/** The level a grant contributes to a path, or undefined when it does not count for it. */
function grantLevel(path: EscalationPath, grant: PathGrant): number | undefined {
  let level: number;
  if (grant.breadth === "unscoped") level = 2;
  else if (path.scoped === "ignore" || (grant.breadth === "self" && path.scoped === "unless-self")) return undefined;
  else level = 1;
  if (grant.action === "iam:PassRole" && grant.passedToService !== undefined) {
    if (grant.passedToService !== "unknown" && path.passedTo && !passedToAllows(grant.passedToService, path.passedTo)) return undefined;
    level -= 1;
  }
  // ABAC on the caller's own tag is the workload's own resources: a note at most (issue #10).
  if (grant.narrowed === "abac") level = 0;
  else if (grant.narrowed) level -= 1;
  return Math.max(level, 0);
}

const groupKey = (group: readonly string[]): string => [...group].sort().join(",");

/** For each path, the shorter paths whose every group is one of its groups. */
const SHORTER_PATHS: ReadonlyMap<string, readonly string[]> = new Map(
  ESCALATION_PATHS.map((path) => {
    const own = new Set(path.requires.map(groupKey));
    const shorter = ESCALATION_PATHS.filter((other) => other !== path && other.requires.every((g) => own.has(groupKey(g))));
    return [path.id, shorter.map((p) => p.id)];
  }),
);

/**
 * The complete paths among the grants (which may come from several policies), in table order. A path is
 * dropped when a shorter complete path it contains is at least as broad.
 */
export function completePaths<G extends PathGrant>(grants: readonly G[], denied: ReadonlySet<string> = new Set()): PathMatch<G>[] {
  const byAction = new Map<string, G[]>();
  for (const grant of grants) {
    if (denied.has(grant.action)) continue;
    // Appended in place: copying the list per grant made 20,000 statements quadratic (issue #12).
    const list = byAction.get(grant.action);
    if (list) list.push(grant);
    else byAction.set(grant.action, [grant]);
  }
  const matches = new Map<string, PathMatch<G>>();
  const passesNamedRole = (byAction.get("iam:PassRole") ?? []).some((g) => g.breadth === "named");
  for (const path of ESCALATION_PATHS) {
    const chosen: G[] = [];
    let level = 2;
    for (const group of path.requires) {
      let best: { grant: G; level: number } | undefined;
      for (const action of group) {
        for (const grant of byAction.get(action) ?? []) {
          const l = grantLevel(path, grant);
          if (l !== undefined && (best === undefined || l > best.level)) best = { grant, level: l };
        }
      }
      if (!best) break;
      chosen.push(best.grant);
      level = Math.min(level, best.level);
    }
    // Passing one named role to one named resource (a deploy policy: update this function, pass the role it runs
    // as) gives that resource nothing it could not have: a note at most. Changing a named role's own policies stays
    // a path (attach a policy to it, then use it).
    // The same for a step on a named resource (update this function) by a principal that may already pass named
    // roles: it gains the role it could pass anyway.
    const usesResource = chosen.every((g) => !g.action.startsWith("iam:"));
    // Using an existing resource's role (update a function, execute a change set) only on the workload's own,
    // named or prefixed resources (`function:orders`, `stack/myapp-*`): a note (issue #10). On every resource of
    // the type it stays a warning or an error.
    if (usesResource && !chosen.some((g) => g.breadth === "unscoped")) level = Math.min(level, 0);
    if (
      chosen.every((g) => g.breadth === "named") &&
      (chosen.some((g) => g.action === "iam:PassRole") || (usesResource && passesNamedRole))
    )
      level = 0;
    // CloudFormation runs a stack with the caller's own rights when no role is passed; passing only the workload's
    // own roles (named, or a literal name prefix) adds what the deployer's stack role can do, the usual deploy
    // policy (issue #10: Control Tower's and Launch Wizard's managed policies). A note; PassRole on every role
    // keeps the path.
    if (path.passedTo?.includes("cloudformation.amazonaws.com") && chosen.some((g) => g.action === "iam:PassRole" && g.ownRoles)) level = 0;
    if (chosen.length === path.requires.length) matches.set(path.id, { path, chosen, level: level as PathLevel });
  }
  return [...matches.values()].filter((m) => !(SHORTER_PATHS.get(m.path.id) ?? []).some((id) => (matches.get(id)?.level ?? -1) >= m.level));
}

/** `iam:PassRole + ec2:RunInstances`: the granted action of each group. */
export function pathName(match: PathMatch): string {
  return match.chosen.map((g) => g.action).join(" + ");
}

/** `error`, `warning` or `note` for a level. */
export function levelSeverity(level: PathLevel): "error" | "warning" | "note" {
  return level === 2 ? "error" : level === 1 ? "warning" : "note";
}

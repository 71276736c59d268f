/**
 * Builds `PolicyDocument`s from positioned nodes, and the small policy-shape helpers every stage shares.
 */
import type { JsonObject, JsonValue, PolicyDocument, PolicyKind, Range, SourceFormat, Unresolved } from "../types.ts";
import { member, type PNode } from "./positioned.ts";
import { placeholderToken, replaceTemplatePlaceholders } from "./placeholder.ts";
import { readIamDataFile } from "../iam-data.ts";
import { setOwn } from "./own.ts";

/** Appends one reference token to a JSON Pointer (RFC 6901 escaping). */
export function pointerOf(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}/${key}`;
  // Most keys need no escaping; this runs for every value of every document.
  if (!key.includes("~") && !key.includes("/")) return `${parent}/${key}`;
  return `${parent}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
}

/** Splits a JSON Pointer into its reference tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** `/Statement/0/Condition/Bool/aws:MultiFactorAuthPresent` → `Statement[0].Condition.Bool["aws:MultiFactorAuthPresent"]`. */
export function displayPath(pointer: string): string {
  let out = "";
  for (const token of pointerTokens(pointer)) {
    if (/^\d+$/.test(token)) out += `[${token}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(token)) out += out === "" ? token : `.${token}`;
    else out += `[${JSON.stringify(token)}]`;
  }
  return out;
}

export interface DocumentMeta {
  file: string;
  format: SourceFormat;
  origin: string;
  /** The kind implied by where the document is used; when absent it is inferred from the document. */
  kind?: PolicyKind;
  resourceType?: string;
  attachedTo?: string[];
  /** Range of the whole document; defaults to the node's range. */
  range?: Range;
}

/** Builds the document, its positions, key positions and unresolved values from a positioned node. */
export function buildPolicyDocument(node: PNode, meta: DocumentMeta): PolicyDocument {
  const positions: Record<string, Range> = {};
  const keys: Record<string, Range> = {};
  const unresolved: Unresolved[] = [];

  /**
   * Template placeholders the author left (`<my-cidr>`) become unresolved values, like the extractor's own;
   * `pointerFor` gives the pointer of the value they are in (for a key, its value's pointer with the new key).
   */
  const templated = (text: string, pointerFor: (replaced: string) => string): string => {
    const found: Array<{ expression: string; token: string }> = [];
    const replaced = replaceTemplatePlaceholders(text, (expression, token) => found.push({ expression, token }));
    for (const { expression, token } of found)
      unresolved.push({ pointer: pointerFor(replaced), token, expression, hint: "unknown", template: true });
    return replaced;
  };

  const walk = (current: PNode, pointer: string): JsonValue => {
    positions[pointer] = current.range;
    switch (current.type) {
      case "string":
        for (const part of current.unresolved ?? []) {
          unresolved.push({ pointer, token: part.token, expression: part.expression, hint: part.hint });
        }
        return templated(current.value, () => pointer);
      case "number":
      case "boolean":
        return current.value;
      case "null":
        return null;
      case "array":
        return current.items.map((item, index) => walk(item, pointerOf(pointer, index)));
      case "object": {
        const out: JsonObject = {};
        for (const entry of current.entries) {
          const key = templated(entry.key, (replaced) => pointerOf(pointer, replaced));
          const child = pointerOf(pointer, key);
          keys[child] = entry.keyRange;
          setOwn(out, key, walk(entry.value, child));
        }
        return out;
      }
      case "unresolved": {
        const token = placeholderToken(current.expression);
        unresolved.push({ pointer, token, expression: current.expression, hint: current.hint });
        return token;
      }
    }
  };

  const json = walk(node, "");
  const document: PolicyDocument = {
    file: meta.file,
    format: meta.format,
    range: meta.range ?? node.range,
    kind: meta.kind ?? classifyPolicy(json),
    origin: meta.origin,
    json,
    positions,
    keys,
    unresolved,
  };
  if (meta.resourceType !== undefined) document.resourceType = meta.resourceType;
  if (meta.attachedTo !== undefined && meta.attachedTo.length > 0) document.attachedTo = [...meta.attachedTo];
  return document;
}

/**
 * A value as message text: a string as it is, anything else as JSON (never `String(value)`, which throws on an
 * object with a non-callable `toString` member, issue #12).
 */
export function displayValue(value: JsonValue | undefined): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "undefined";
  return JSON.stringify(value);
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value that IAM accepts as "one or a list" (Action, Resource, principal ids, condition values) as a list. */
export function asList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export interface StatementRef {
  statement: JsonObject;
  /** JSON Pointer of the statement: `/Statement/0`, or `/Statement` when the policy has a single statement object. */
  pointer: string;
  index: number;
  /**
   * What the policy layer derives from the statement (its element strings, how it reaches every resource), filled
   * on first use and shared by every rule: one property read instead of a WeakMap lookup per question (issue #15).
   */
  derived?: object;
}

/** The statements of a policy, whether `Statement` is a list or a single object. Non-objects are skipped. */
export function statementsOf(policy: JsonValue): readonly StatementRef[] {
  if (!isJsonObject(policy)) return [];
  // Every rule walks the same statements: build the list once per policy object (documents are not mutated).
  const cached = STATEMENTS_CACHE.get(policy);
  if (cached !== undefined && cached.raw === policy.Statement) return cached.refs;
  const raw = policy.Statement;
  const out: StatementRef[] = [];
  if (isJsonObject(raw)) out.push({ statement: raw, pointer: "/Statement", index: 0 });
  else if (Array.isArray(raw)) {
    raw.forEach((statement, index) => {
      if (isJsonObject(statement)) out.push({ statement, pointer: `/Statement/${index}`, index });
    });
  }
  const refs = Object.freeze(out);
  STATEMENTS_CACHE.set(policy, { raw, refs });
  return refs;
}

const STATEMENTS_CACHE = new WeakMap<JsonObject, { raw: JsonValue | undefined; refs: readonly StatementRef[] }>();

const TRUST_ACTION = /^sts:(AssumeRole|AssumeRoleWithSAML|AssumeRoleWithWebIdentity|TagSession|SetSourceIdentity|SetContext)$/i;

/**
 * The kind a path says its policies are, from a folder or file name (`scps/`, `service_control_policies/`,
 * `rcp/`, `vpc-endpoint-policies/`, `deny-leave.scp.json`): how collections of SCPs, RCPs and endpoint policies
 * are laid out. Configured `kinds` take precedence (issue 10).
 */
export function kindFromPath(path: string): PolicyKind | undefined {
  const parts = path.toLowerCase().split("/");
  const name = parts.pop() ?? "";
  const dirs = parts.reverse();
  const test = (pattern: RegExp): boolean => dirs.some((dir) => pattern.test(dir)) || pattern.test(name.replace(/\.[a-z]+$/, ""));
  // Separators around the short names, so `scpi/` or `rcpt.json` do not count.
  if (test(/(^|[-_. ])(scps?|service[-_ ]?control[-_ ]?polic(y|ies))([-_. ]|$)/)) return "scp";
  if (test(/(^|[-_. ])(rcps?|resource[-_ ]?control[-_ ]?polic(y|ies))([-_. ]|$)/)) return "rcp";
  if (test(/(^|[-_. ])((vpc[-_ ]?)?endpoint[-_ ]?polic(y|ies)|vpce[-_ ]?polic(y|ies))([-_. ]|$)/)) return "endpoint";
  return undefined;
}

/**
 * Whether a document fits the kind its path suggests: a folder name is a hint, and collections keep other
 * policies next to their SCPs and RCPs (a data-perimeter repository's `resource_control_policies/` holds SNS
 * topic policies for a service RCPs do not cover). An SCP names no principal; an RCP names one in every
 * statement and only actions of services RCPs cover; an endpoint policy names one in every statement.
 */
export function fitsPathKind(kind: PolicyKind, policy: JsonValue): boolean {
  const refs = statementsOf(policy);
  const withPrincipal = ({ statement }: StatementRef) => statement.Principal !== undefined || statement.NotPrincipal !== undefined;
  switch (kind) {
    case "scp":
      return !refs.some(withPrincipal);
    case "rcp":
      return (
        refs.every(withPrincipal) &&
        refs.every(({ statement }) =>
          asList(statement.Action).every(
            (a) => typeof a !== "string" || !a.includes(":") || rcpSupportsService(a.slice(0, a.indexOf(":"))),
          ),
        )
      );
    case "endpoint":
      return refs.every(withPrincipal);
    default:
      return true;
  }
}

/** Services RCPs apply to, from iam-data (read once). */
let rcpServices: ReadonlySet<string> | undefined;
export function rcpSupportsService(service: string): boolean {
  rcpServices ??= new Set(readIamDataFile<string[]>("data/rcpSupportedServices.json").map((s) => s.toLowerCase()));
  return rcpServices.has(service.toLowerCase());
}

const isStar = (value: JsonValue | undefined): boolean => value === "*" || (Array.isArray(value) && value.length === 1 && value[0] === "*");

/**
 * The shape of a resource control policy: every statement is for `"Principal": "*"` on actions of services RCPs
 * support, and a `Deny` covers `"Resource": "*"`, which no trust policy (no Resource at all) and no bucket
 * policy (its own bucket only) can have. An `Allow` that grants on a resource (`Resource` other than the
 * RCPFullAWSAccess `*`) makes it a resource policy with a companion Deny instead.
 */
function looksLikeRcp(refs: readonly StatementRef[]): boolean {
  if (refs.length === 0) return false;
  const starPrincipal = (p: JsonValue | undefined) => isStar(p) || (isJsonObject(p) && Object.keys(p).length === 1 && isStar(p.AWS));
  const rcpActions = (a: JsonValue | undefined) => {
    const list = asList(a);
    return (
      list.length > 0 &&
      list.every((x) => typeof x === "string" && (x === "*" || (x.includes(":") && rcpSupportsService(x.slice(0, x.indexOf(":"))))))
    );
  };
  return (
    refs.every(
      ({ statement }) => starPrincipal(statement.Principal) && statement.NotPrincipal === undefined && rcpActions(statement.Action),
    ) &&
    refs.some(({ statement }) => statement.Effect === "Deny" && asList(statement.Resource).includes("*")) &&
    refs.every(
      ({ statement }) =>
        statement.Effect !== "Allow" ||
        isStar(statement.Resource) ||
        (statement.Resource === undefined && statement.NotResource === undefined),
    )
  );
}

/**
 * Infers the kind of a standalone document: the shape of an RCP (`looksLikeRcp`) makes it one; otherwise a
 * statement with `Principal`/`NotPrincipal` makes it a resource policy, and a trust policy when every such
 * statement only grants `sts:AssumeRole*` (and session tagging). SCPs, boundaries and endpoint policies cannot
 * be told from the text; callers pass those kinds explicitly (from the resource or the path).
 */
export function classifyPolicy(policy: JsonValue): PolicyKind {
  if (looksLikeRcp(statementsOf(policy))) return "rcp";
  const withPrincipal = statementsOf(policy).filter(
    ({ statement }) => statement.Principal !== undefined || statement.NotPrincipal !== undefined,
  );
  if (withPrincipal.length === 0) return "identity";
  const trust = withPrincipal.every(({ statement }) => {
    const actions = asList(statement.Action);
    return actions.length > 0 && actions.every((action) => typeof action === "string" && TRUST_ACTION.test(action));
  });
  return trust ? "trust" : "resource";
}

const STATEMENT_KEYS = new Set([
  "Effect",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Principal",
  "NotPrincipal",
  "Condition",
  "Sid",
]);

/**
 * Whether a node has the shape of an IAM policy: a `Statement` that is an object or a list of objects using
 * statement keys, or an empty statement list next to a policy `Version`.
 */
export function looksLikePolicy(node: PNode): boolean {
  const statement = member(node, "Statement")?.value;
  if (statement === undefined) return false;
  const isStatement = (item: PNode): boolean => item.type === "object" && item.entries.some((entry) => STATEMENT_KEYS.has(entry.key));
  if (statement.type === "object") return isStatement(statement);
  if (statement.type === "array") {
    if (statement.items.some(isStatement)) return true;
    const version = member(node, "Version")?.value;
    return statement.items.length === 0 && version?.type === "string" && /^20(12-10-17|08-10-17)$/.test(version.value);
  }
  return false;
}

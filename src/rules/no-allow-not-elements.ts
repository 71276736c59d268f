import { pointerOf } from "../extract/document.ts";
import { actionsOf, allowStatements, isWholeTypeWildcard, onAllResources, principalsOf, stringsAt } from "../policy/statements.ts";
import type { StatementRef } from "../extract/document.ts";
import { actionInfo, expandActionPattern } from "../iam/index.ts";
import { primaryTypesOf, sameType } from "../iam/primary-types.ts";
import { isPlaceholder } from "../extract/placeholder.ts";
import type { JsonValue } from "../types.ts";
import { defineRule } from "./define-rule.ts";

/** `"a", "b", "c" and 4 more`, or "the listed ones" when there is nothing readable to name. */
function listOf(values: readonly string[]): string {
  if (values.length === 0) return "the listed ones";
  const shown = values
    .slice(0, 3)
    .map((v) => `"${v}"`)
    .join(", ");
  return values.length > 3 ? `${shown} and ${values.length - 3} more` : shown;
}

/**
 * Whether NotResource excludes every resource type the statement's actions act on, leaving only the ones they
 * use: `ec2:CreateVpcEndpoint` with NotResource `…:vpc-endpoint/*` allows choosing any VPC, subnet or security
 * group, while the endpoint itself needs another statement (the AWS managed-policy pattern that pairs it with a
 * conditioned one; issue #10). Judged like a whole-type wildcard in Resource (see `primaryTypesOf`).
 */
function excludesWhatItActsOn(ref: StatementRef): boolean {
  if (ref.statement.Action === undefined) return false;
  const excluded = stringsAt(ref.statement, "NotResource", ref.pointer).filter((r) => !r.unresolved && isWholeTypeWildcard(r.value));
  const actions = actionsOf(ref);
  if (excluded.length === 0 || actions.length === 0 || actions.some((a) => a.unresolved)) return false;
  return actions.every((pattern) => {
    const expanded = expandActionPattern(pattern.value);
    return (
      expanded.length > 0 &&
      expanded.every((action) => {
        const info = actionInfo(action);
        if (!info || info.resourceTypes.length === 0) return false;
        const covers = (r: string, f: string) => {
          const service = r.split(":")[2] ?? "";
          return (service === "*" || service === f.split(":")[2]) && sameType(r, f);
        };
        return primaryTypesOf(info).every((t) => excluded.some((r) => t.arnFormats.some((f) => covers(r.value, f))));
      })
    );
  });
}

export default defineRule({
  id: "no-allow-not-elements",
  category: "overly-permissive",
  severity: "warning",
  docs: {
    description: "Disallow `NotAction`, `NotResource` and `NotPrincipal` in statements that allow access.",
    rationale:
      "An Allow statement with `NotAction` grants every action except the listed ones, including every action " +
      'of every service AWS adds later; with `"Resource": "*"` it is administrator access minus a few ' +
      "exceptions and is reported as an error. `NotResource` in an Allow grants access to every resource except " +
      "the listed ones, and `NotPrincipal` in an Allow grants access to everyone except the listed principals, " +
      "anonymous users included. Each reads as a restriction but is a broad grant: list what is allowed instead. " +
      '`NotAction` and `NotResource` in a Deny statement ("deny everything except ...") are a sound guardrail ' +
      "pattern and are never reported, nor are SCPs, RCPs and permissions boundaries, which cannot grant.",
    examples: {
      noncompliant: [
        {
          title: "Everything except IAM, on every resource",
          kind: "identity",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] },
        },
      ],
      compliant: [
        {
          title: "Deny everything except the listed read actions when MFA is missing",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::reports/*" },
              {
                Effect: "Deny",
                NotAction: ["iam:ListMFADevices", "sts:GetSessionToken"],
                Resource: "*",
                Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html",
    ],
  },
  messages: {
    notActionOnAllResources: (data: { except: string }) =>
      `NotAction in an Allow statement on every resource grants every action of every service except ${data.except}, current and future; list the allowed actions in Action instead.`,
    notAction: (data: { except: string }) =>
      `NotAction in an Allow statement grants every action except ${data.except}, including those AWS adds later; list the allowed actions in Action instead.`,
    notResource: (data: { except: string }) =>
      `NotResource in an Allow statement grants access to every resource except ${data.except}, including those created later; list the allowed resources in Resource instead.`,
    notPrincipal: (data: { except: string }) =>
      `NotPrincipal in an Allow statement grants access to every principal except ${data.except}, anonymous users included; list the allowed principals in Principal instead.`,
  },
  // Kinds whose Allow statements grant access; SCPs, RCPs, boundaries and endpoint policies only limit it.
  kinds: ["identity", "resource", "trust"],
  checkPolicy(doc, context) {
    // A wholly unresolved element (`try(each.value.not_actions, null)` in a generic module) may well be null, and
    // then it is not there at all (issue #10): only elements known to be present are reported.
    const present = (value: JsonValue | undefined): boolean => value !== undefined && !(typeof value === "string" && isPlaceholder(value));
    for (const ref of allowStatements(doc)) {
      const { statement, pointer } = ref;
      if (present(statement.NotAction)) {
        const all = onAllResources(ref);
        context.report({
          messageId: all ? "notActionOnAllResources" : "notAction",
          data: { except: listOf(stringsAt(statement, "NotAction", pointer).map((s) => s.value)) },
          pointer: pointerOf(pointer, "NotAction"),
          at: "key",
          severity: all ? "error" : "warning",
        });
      }
      if (present(statement.NotResource) && !excludesWhatItActsOn(ref)) {
        context.report({
          messageId: "notResource",
          data: { except: listOf(stringsAt(statement, "NotResource", pointer).map((s) => s.value)) },
          pointer: pointerOf(pointer, "NotResource"),
          at: "key",
        });
      }
      if (present(statement.NotPrincipal)) {
        context.report({
          messageId: "notPrincipal",
          data: { except: listOf(principalsOf(ref, "NotPrincipal").map((p) => p.value)) },
          pointer: pointerOf(pointer, "NotPrincipal"),
          at: "key",
        });
      }
    }
  },
});

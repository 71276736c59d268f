import { actionAcceptsResource, actionInfo, matchesWildcard } from "../iam/index.ts";
import { isPlaceholder } from "../extract/placeholder.ts";
import { DEFENSE_EVASION_ACTIONS } from "../data/defense-evasion-actions.ts";
import { actionsOf, allResourcesPhrase, allowStatements, resourcesOf } from "../policy/statements.ts";
import { defineRule } from "./define-rule.ts";

/** `*` and `*:*` are no-admin-access's. */
const ALL_ACTIONS = /^\*+(:\*+)?$/;

interface Candidate {
  readonly action: string;
  readonly lower: string;
}

/** The list with lower-case names, grouped by service so a pattern is compared only with its own service's. */
const CANDIDATES: readonly Candidate[] = DEFENSE_EVASION_ACTIONS.map((action) => ({ action, lower: action.toLowerCase() }));
const BY_SERVICE = Map.groupBy(CANDIDATES, (c) => c.lower.split(":")[0]!);

/** The candidates a lower-case policy pattern may match: its service's, or all when the service is a pattern. */
function candidatesFor(pattern: string): readonly Candidate[] {
  const service = pattern.split(":")[0]!;
  return /[*?]/.test(service) ? CANDIDATES : (BY_SERVICE.get(service) ?? []);
}

const MATCHED_LIMIT = 4096;
/** The table actions each lower-case pattern matches, in table order (issue #15: IAM vocabularies repeat heavily). */
const matchedCache = new Map<string, readonly string[]>();

function matchedActions(pattern: string): readonly string[] {
  let matched = matchedCache.get(pattern);
  if (matched === undefined) {
    matched = candidatesFor(pattern)
      .filter((c) => matchesWildcard(pattern, c.lower))
      .map((c) => c.action);
    if (matchedCache.size >= MATCHED_LIMIT) matchedCache.clear();
    matchedCache.set(pattern, matched);
  }
  return matched;
}

/**
 * Per listed action, the service segments of the ARNs it can act on (`logs` for `logs:DeleteLogGroup`), or
 * `undefined` for a wildcard-only action. Built once from iam-data for the fixed list above.
 */
let arnServices: Map<string, ReadonlySet<string> | undefined> | undefined;

function arnServicesOf(action: string): ReadonlySet<string> | undefined {
  arnServices ??= new Map(
    DEFENSE_EVASION_ACTIONS.map((a) => {
      const info = actionInfo(a);
      if (!info || info.wildcardOnly) return [a, undefined];
      const services = info.resourceTypes.flatMap((type) => type.arnFormats.map((format) => format.split(":")[2] ?? ""));
      return [a, new Set(services)];
    }),
  );
  return arnServices.get(action);
}

/** `arn:aws:logs:...` → `logs`, when the service segment is written out (no wildcard, variable or placeholder). */
const LITERAL_ARN_SERVICE = /^arn:[^:]*:([a-z0-9-]+):/;

/**
 * Whether `action` can apply to the policy resource. A written-out ARN of another service cannot, and no ARN can
 * stand for the `*` a wildcard-only action needs; this cheap test settles almost every case, and the exact
 * resource-type match (`actionAcceptsResource`) is kept for the rest (patterns, partly unresolved or odd values). An ARN
 * of the right service is assumed to apply: the finding is then at most a warning.
 */
function mayApply(action: string, resource: string): boolean {
  // An unresolved resource is unknown: it may name anything (the same answer actionAcceptsResource gives).
  if (isPlaceholder(resource)) return true;
  const literal = LITERAL_ARN_SERVICE.exec(resource);
  if (literal) {
    const services = arnServicesOf(action);
    return services !== undefined && services.has(literal[1]!);
  }
  return actionAcceptsResource(action, resource) !== false;
}

/** `a, b, c and 4 more`. */
function listOf(actions: readonly string[]): string {
  const shown = actions.slice(0, 3).join(", ");
  return actions.length > 3 ? `${shown} and ${actions.length - 3} more` : shown;
}

/** The granted actions in parentheses, unless the entry is that one action. */
function detail(data: { action: string; actions: string }): string {
  return data.action.toLowerCase() === data.actions.toLowerCase() ? "" : ` (${data.actions})`;
}

export default defineRule({
  id: "no-defense-evasion",
  category: "defense-evasion",
  severity: "error",
  docs: {
    description: "Disallow statements that allow turning off or erasing security logging, detection and guardrails.",
    rationale:
      "An attacker who gets hold of a role that may stop CloudTrail, delete a GuardDuty detector, stop the AWS " +
      "Config recorder, delete flow logs or log groups, or leave the organization can act unseen and then erase " +
      "the evidence (MITRE ATT&CK T1562.001, T1562.008, T1666). Workloads almost never need these actions; " +
      "security teams need them on their own trails and detectors only, from a dedicated role. Reported as an " +
      "error on every resource (or every resource of a type, such as `log-group:*`) and as a note when the " +
      "resources are named or matched by a narrower pattern (the workload's own trail or log groups). The actions are matched through " +
      "wildcards (`cloudtrail:*`, `guardduty:Delete*`); `*` itself is left to no-admin-access, and `NotAction` to " +
      "no-allow-not-elements. Denying these actions in an SCP is good practice and never reported.",
    examples: {
      noncompliant: [
        {
          title: "Every CloudTrail action on every trail",
          kind: "identity",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "cloudtrail:*", Resource: "*" }] },
        },
      ],
      compliant: [
        {
          title: "Reading trail status and creating log streams",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"], Resource: "*" },
              {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/billing:*",
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://attack.mitre.org/techniques/T1562/008/",
      "https://attack.mitre.org/techniques/T1562/001/",
      "https://stratus-red-team.cloud/attack-techniques/list/",
    ],
  },
  messages: {
    defenseEvasion: (data: { action: string; actions: string; where: string }) =>
      `"${data.action}" allows turning off or erasing security logging or detection${detail(data)} on ${data.where}, which lets an intruder act unseen; remove it or move it to a dedicated security role.`,
  },
  checkPolicy(doc, context) {
    // Identity policies only: an SCP or RCP Allow is not a grant, and an SCP Deny of these actions is the
    // recommended guardrail.
    if (doc.kind !== "identity") return;
    for (const ref of allowStatements(doc)) {
      const resources = resourcesOf(ref);
      for (const action of actionsOf(ref)) {
        if (action.unresolved || ALL_ACTIONS.test(action.value)) continue;
        // Every resource of the action's own service: a whole-type wildcard of another service in the same
        // statement (`arn:aws:sns:*:*:*` next to named log groups) says nothing about the log groups (issue #10).
        const everything = allResourcesPhrase(ref, action.value);
        const all = everything !== undefined;
        let matched = matchedActions(action.value.toLowerCase());
        // On named resources, keep only the actions one of them can apply to: `logs:*` on a bucket ARN grants
        // nothing here, and a wildcard-only action such as organizations:LeaveOrganization needs `*`.
        if (!all) matched = matched.filter((a) => resources.some((r) => mayApply(a, r.value)));
        if (matched.length === 0) continue;
        context.report({
          messageId: "defenseEvasion",
          data: { action: action.value, actions: listOf(matched), where: everything ?? "the listed resources" },
          pointer: action.pointer,
          subject: action.value,
          // On the workload's own named trail or log groups it is housekeeping more often than evasion (issue #10).
          severity: all ? "error" : "note",
        });
      }
    }
  },
});

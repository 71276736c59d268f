import type { StatementRef } from "../extract/document.ts";
import { actionInfo, wildcardOverlaps } from "../iam/index.ts";
import { actionsOf, allResourcesPhrase, allowStatements } from "../policy/statements.ts";
import { excludesOwnAccount, narrowsResources } from "../policy/narrowing.ts";
import { isWorkloadBaselineAction } from "../policy/workload-baseline.ts";
import { defineRule } from "./define-rule.ts";

/** `*` and `*:*` are no-admin-access's. */
const ALL_ACTIONS = /^\*+(:\*+)?$/;

/** Privilege rules cover IAM and STS (passing roles, creating keys, assuming roles); this rule is about data. */
const PRIVILEGE_SERVICES = /^(iam|sts):/i;

/** Condition keys that limit which keys, secrets, objects or items a request may reach. */
const NARROWING_KEYS = new Set([
  "aws:resourceaccount",
  "aws:resourceorgid",
  "aws:resourceorgpaths",
  // Only through a named AWS service (CloudFormation, AWS Backup), which authorises the caller again (issue #10).
  "aws:calledvia",
  "aws:calledviafirst",
  "aws:calledvialast",
  "kms:viaservice",
  "s3:prefix",
  "dynamodb:leadingkeys",
  "secretsmanager:secretid",
]);
const NARROWING_KEY_PATTERN = /^[^:]+:(resourcetag|existingobjecttag)\/|^kms:encryptioncontext:/;

/** Whether the statement's conditions limit the resources it reaches (see `narrowsResources`). */
function hasNarrowingCondition(ref: StatementRef): boolean {
  return narrowsResources(ref, (key) => NARROWING_KEYS.has(key) || NARROWING_KEY_PATTERN.test(key)) || excludesOwnAccount(ref);
}

interface Candidate {
  /** As configured, for the message. */
  readonly action: string;
  readonly lower: string;
}

/** The judged actions grouped by service prefix, so a pattern is compared only with its own service's. */
interface Candidates {
  readonly byService: ReadonlyMap<string, readonly Candidate[]>;
  /** Every candidate, for policy patterns with a wildcard in the service part (`*:Get*`). */
  readonly all: readonly Candidate[];
}

/** Memo per configured list (one list per run), so each policy does not filter and group it again. */
const candidateCache = new WeakMap<readonly string[], Candidates>();

/**
 * The sensitive actions this rule judges: the configured list without IAM and STS, and without actions that
 * support no resource type (only `*` can grant those, so `*` is no finding). Entries may be patterns.
 */
function candidatesOf(sensitive: readonly string[]): Candidates {
  let candidates = candidateCache.get(sensitive);
  if (!candidates) {
    const all = sensitive
      // Pulling images on `*` is what AWS's own ECS task execution policy grants (see workload-baseline.ts).
      .filter(
        (action) => !PRIVILEGE_SERVICES.test(action) && actionInfo(action)?.wildcardOnly !== true && !isWorkloadBaselineAction(action),
      )
      .map((action) => ({ action, lower: action.toLowerCase() }));
    const byService = new Map<string, Candidate[]>();
    for (const candidate of all) {
      const service = candidate.lower.split(":")[0]!;
      byService.set(service, [...(byService.get(service) ?? []), candidate]);
    }
    candidates = { byService, all };
    candidateCache.set(sensitive, candidates);
  }
  return candidates;
}

/** The candidates a lower-case policy pattern may overlap: its service's, or all when the service is a pattern. */
function candidatesFor(pattern: string, candidates: Candidates): readonly Candidate[] {
  const service = pattern.split(":")[0]!;
  if (/[*?]/.test(service)) return candidates.all;
  // Configured entries with a wildcard in their service part (the config schema forbids them) match nothing here.
  return candidates.byService.get(service) ?? [];
}

/** The granted actions, or "it" when the entry is that one action. */
function granted(data: { action: string; actions: string }): string {
  return data.action.toLowerCase() === data.actions.toLowerCase() ? "it" : data.actions;
}

/** `a, b, c and 4 more`. */
function listOf(actions: readonly string[]): string {
  const shown = actions.slice(0, 3).join(", ");
  return actions.length > 3 ? `${shown} and ${actions.length - 3} more` : shown;
}

export default defineRule({
  id: "no-sensitive-data-access-on-all-resources",
  category: "sensitive-data-access",
  severity: "warning",
  docs: {
    description: "Disallow statements that allow reading secrets, keys or data on every resource.",
    rationale:
      "Actions such as `secretsmanager:GetSecretValue`, `ssm:GetParameter`, `kms:Decrypt` and `s3:GetObject` on " +
      '`"Resource": "*"` reach every secret, parameter, key and object in the account, including those of other ' +
      "workloads and ones created later: one compromised function then leaks everything. The actions come from " +
      "the configured `sensitiveActions` list (IAM and STS actions there are left to the privilege-escalation " +
      "rules) and are matched through wildcards such as `secretsmanager:Get*` or `s3:*`. A condition that limits " +
      "what is reached (`kms:ViaService`, `aws:ResourceTag/...`, `secretsmanager:ResourceTag/...`, `s3:prefix`) " +
      "lowers the finding to a note.",
    examples: {
      noncompliant: [
        {
          title: "Every secret in the account",
          kind: "identity",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }] },
        },
      ],
      compliant: [
        {
          title: "The service's own secrets and parameters",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue", "ssm:GetParameter"],
                Resource: [
                  "arn:aws:secretsmanager:eu-west-1:111122223333:secret:billing/*",
                  "arn:aws:ssm:eu-west-1:111122223333:parameter/billing/*",
                ],
              },
            ],
          },
        },
      ],
    },
    references: ["https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html"],
  },
  messages: {
    sensitiveOnAllResources: (data: { action: string; actions: string; where: string }) =>
      `"${data.action}" on ${data.where} grants ${granted(data)} on every secret, key or data store in the account, including other workloads'; list the ARNs it needs in Resource.`,
  },
  checkPolicy(doc, context) {
    // Identity policies only: resource policies are scoped to their resource, and guardrails do not grant.
    if (doc.kind !== "identity") return;
    let sensitive: Candidates | undefined;
    for (const ref of allowStatements(doc)) {
      if (allResourcesPhrase(ref) === undefined) continue;
      let narrowed: boolean | undefined;
      for (const action of actionsOf(ref)) {
        if (action.unresolved || ALL_ACTIONS.test(action.value)) continue;
        const where = allResourcesPhrase(ref, action.value);
        if (where === undefined) continue;
        sensitive ??= candidatesOf(context.sensitiveActions);
        // A short list of sensitive actions against each pattern: no expansion of the policy's wildcards.
        const pattern = action.value.toLowerCase();
        const matched = candidatesFor(pattern, sensitive)
          .filter((c) => wildcardOverlaps(pattern, c.lower))
          .map((c) => c.action);
        if (matched.length === 0) continue;
        narrowed ??= hasNarrowingCondition(ref);
        context.report({
          messageId: "sensitiveOnAllResources",
          data: { action: action.value, actions: listOf(matched), where },
          pointer: action.pointer,
          subject: action.value,
          ...(narrowed ? { severity: "note" as const } : {}),
        });
      }
    }
  },
});

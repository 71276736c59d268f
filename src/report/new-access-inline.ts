/**
 * Which `new-access` findings deserve an inline comment of their own (issue #13). Every statement of a new policy
 * adds access, so commenting on each buries the findings that matter; by default only access that hands out
 * access (the Permissions management level: iam:PassRole, iam:AttachRolePolicy, kms:CreateGrant, …) or one of
 * the configured sensitive actions is commented alone. The rest stays in the check run's Access changes table,
 * and a `new-access` finding on a statement that has another comment is folded into that comment anyway. Pure.
 */
import type { Finding } from "../types.ts";
import type { NewAccessComments } from "../core/config.ts";
import type { AccessChangeEntry, AccessDelta } from "../new-access/types.ts";
import { rangeOf } from "../policy/pointers.ts";
import { matchesWildcard } from "../iam/index.ts";

function deltaIsSensitive(delta: AccessDelta, sensitiveActions: readonly string[]): boolean {
  if (delta.accessLevel === "Permissions management") return true;
  return delta.actions.some((action) => {
    const lower = action.toLowerCase();
    // `*`, `* except …` and unresolved placeholders may stand for any action.
    if (lower === "*" || lower.startsWith("* except") || lower.includes("{{")) return true;
    const service = lower.endsWith(":*") ? lower.slice(0, -1) : undefined;
    return sensitiveActions.some((s) => (service ? s.toLowerCase().startsWith(service) : matchesWildcard(s, lower, { ignoreCase: true })));
  });
}

/**
 * The `newAccessInline` predicate of `buildReview` for one analysis: a `new-access` finding is inline-worthy when
 * the access its statement adds (the added deltas of the policy whose statement holds the finding's line) is
 * sensitive, per `mode`.
 */
export function newAccessInline(
  accessChanges: readonly AccessChangeEntry[],
  options: { mode: NewAccessComments; sensitiveActions: readonly string[] },
): (finding: Finding) => boolean {
  if (options.mode === "all") return () => true;
  if (options.mode === "none") return () => false;
  return (finding) => {
    for (const { policy, change } of accessChanges) {
      if (policy.file !== finding.file || policy.range.line > finding.line || policy.range.endLine < finding.line) continue;
      for (const delta of change.added) {
        // A removed Deny points into the base version: judged by its actions alone.
        if (delta.statementPointer === undefined || delta.deny) {
          if (deltaIsSensitive(delta, options.sensitiveActions)) return true;
          continue;
        }
        const range = rangeOf(policy, delta.statementPointer);
        if (range.line <= finding.line && finding.line <= range.endLine && deltaIsSensitive(delta, options.sensitiveActions)) return true;
      }
    }
    return false;
  };
}

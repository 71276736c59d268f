/**
 * What AWS's own workload execution-role policies grant on `"*"` (writing logs, Lambda's VPC network interfaces,
 * the SSM agent's channel, pulling container images): `src/data/workload-baseline-actions.json`, derived from the
 * AWS managed policies by `scripts/derive-managed-policies.ts`. Granting these on `*` is how AWS grants them, so
 * the least-privilege rules do not report it (issue #10).
 */
import baseline from "../data/workload-baseline-actions.json" with { type: "json" };

const ACTIONS: ReadonlySet<string> = new Set(baseline.actions.map((a) => a.toLowerCase()));

/** Whether AWS's workload execution-role policies grant this action (canonical or any case) on `"*"`. */
export function isWorkloadBaselineAction(action: string): boolean {
  return ACTIONS.has(action.toLowerCase());
}

/** The managed policies the baseline is derived from, for rule docs. */
export const BASELINE_POLICIES: readonly string[] = baseline.policies;

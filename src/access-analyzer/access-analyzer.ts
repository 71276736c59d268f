/**
 * The Access Analyzer runner: plans the calls (plan.ts, pure), executes each unique call once with bounded
 * concurrency (executor.ts, the only AWS caller), maps the answers to findings (map-findings.ts, pure) and turns
 * failures into one note per cause.
 *
 * IAM Access Analyzer at the edge of the analysis (issue #5): policy validation (ValidatePolicy) and the custom
 * policy checks CheckNoNewAccess, CheckAccessNotGranted and CheckNoPublicAccess, turned into findings positioned on
 * the source line of the original JSON, CloudFormation or Terraform policy.
 *
 * It never throws for an AWS or network failure: a call that
 * still fails after the SDK's retries becomes one `access-analyzer/unavailable` note per cause, and the result says
 * `complete: false`. It never logs, and no note carries policy text, request bodies or credentials.
 */
import { createHash } from "node:crypto";
import { AccessAnalyzerClient } from "@aws-sdk/client-accessanalyzer";
import type { Finding, JsonValue, PolicyDocument } from "../types.ts";
import { canonicalJson } from "../policy/pointers.ts";
import { hasWildcard } from "../iam/wildcard.ts";
import {
  MAX_ACTIONS_PER_CHECK,
  type AccessAnalyzerChecks,
  type AccessAnalyzerItem,
  type AccessAnalyzerOptions,
  type AccessAnalyzerResult,
  type AccessAnalyzerRunner,
} from "./types.ts";
import { planChecks } from "./plan.ts";
import {
  accessAnalyzerClientConfig,
  createLimiter,
  execute,
  type Answer,
  type Call,
  type Cause,
  type Operation,
  type Outcome,
} from "./executor.ts";
import { listOf, noteFinding } from "./map-findings.ts";

// ---------------------------------------------------------------------------------------------------------------
// The runner

interface FailureGroup {
  cause: Cause;
  docs: PolicyDocument[];
  ops: Map<Operation, number>;
}

function canonicalCall(call: Call): string {
  return createHash("sha256")
    .update(call.op)
    .update("\u0000")
    .update(canonicalJson(call.input as unknown as JsonValue))
    .digest("hex");
}

function policies(count: number): string {
  return count === 1 ? "1 policy" : `${count} policies`;
}

/**
 * Creates the runner. Without `options.client` one client is built for the runner's lifetime; the SDK resolves its
 * credentials and Region from the environment on the first call, so a missing credential surfaces as a note, not
 * here. Identical requests are de-duplicated within one `analyze` call.
 */
export function createAccessAnalyzer(options: AccessAnalyzerOptions): AccessAnalyzerRunner {
  const client = options.client ?? new AccessAnalyzerClient(accessAnalyzerClientConfig(options.region));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const unique = [...new Set(options.sensitiveActions.map((a) => a.trim()).filter((a) => a !== ""))];
  const dropped = unique.filter(hasWildcard);
  const exact = unique.filter((a) => !hasWildcard(a));
  const chunks: string[][] = [];
  for (let i = 0; i < exact.length; i += MAX_ACTIONS_PER_CHECK) chunks.push(exact.slice(i, i + MAX_ACTIONS_PER_CHECK));

  return {
    async analyze(items: readonly AccessAnalyzerItem[]): Promise<AccessAnalyzerResult> {
      const limit = createLimiter(concurrency);
      const calls = new Map<string, Promise<Outcome>>();
      const checks: AccessAnalyzerChecks = {
        validatePolicy: 0,
        checkNoNewAccess: 0,
        checkAccessNotGranted: 0,
        checkNoPublicAccess: 0,
        failed: 0,
        skipped: 0,
      };
      const counter: Record<Operation, keyof AccessAnalyzerChecks> = {
        ValidatePolicy: "validatePolicy",
        CheckNoNewAccess: "checkNoNewAccess",
        CheckAccessNotGranted: "checkAccessNotGranted",
        CheckNoPublicAccess: "checkNoPublicAccess",
      };
      const findings = new Map<string, Finding>();
      const notes: Finding[] = [];
      const failures = new Map<string, FailureGroup>();
      const pending: Array<Promise<void>> = [];

      /** Sends a call once per identical request; every document that needs it shares the answer. */
      const request = (call: Call): Promise<Outcome> => {
        const key = canonicalCall(call);
        let outcome = calls.get(key);
        if (!outcome) {
          checks[counter[call.op]]++;
          outcome = limit(() => execute(client, call)).then((result) => {
            if (!result.ok) checks.failed++;
            return result;
          });
          calls.set(key, outcome);
        }
        return outcome;
      };

      const run = (doc: PolicyDocument, call: Call, onAnswer: (answer: Answer) => Finding[]): void => {
        pending.push(
          request(call).then((outcome) => {
            if (outcome.ok) {
              for (const finding of onAnswer(outcome.answer))
                if (!findings.has(finding.fingerprint)) findings.set(finding.fingerprint, finding);
              return;
            }
            const group = failures.get(outcome.cause.key) ?? { cause: outcome.cause, docs: [], ops: new Map<Operation, number>() };
            if (!group.docs.includes(doc)) group.docs.push(doc);
            group.ops.set(call.op, (group.ops.get(call.op) ?? 0) + 1);
            failures.set(outcome.cause.key, group);
          }),
        );
      };

      const plan = planChecks(items, chunks);
      checks.skipped += plan.skipped;
      notes.push(...plan.notes);
      const firstAccessCheckDoc = plan.firstAccessCheckDoc;
      for (const { doc, call, onAnswer } of plan.calls) run(doc, call, onAnswer);

      await Promise.all(pending);

      if (dropped.length > 0 && firstAccessCheckDoc) {
        notes.push(
          noteFinding(
            firstAccessCheckDoc,
            "access-analyzer/sensitive-action-wildcards",
            `CheckAccessNotGranted did not look for ${dropped.length} sensitive action pattern${dropped.length === 1 ? "" : "s"} with wildcards (${listOf(dropped)}), because the API accepts exact action names only; list the exact actions in sensitiveActions to have them checked.`,
            `wildcards\u0000${dropped.join(",")}`,
          ),
        );
      }

      for (const group of failures.values()) {
        const first = group.docs[0]!;
        const where = first.origin === first.file ? first.file : `${first.origin} in ${first.file}`;
        const more = group.docs.length > 1 ? ` and ${group.docs.length - 1} more` : "";
        const ops = [...group.ops].map(([op, count]) => `${op} (${count})`).join(", ");
        notes.push(
          noteFinding(
            first,
            "access-analyzer/unavailable",
            `IAM Access Analyzer checks did not run for ${policies(group.docs.length)} (${where}${more}): ${ops}, because ${group.cause.reason}; ${group.cause.action}.`,
            group.cause.key,
          ),
        );
      }

      return {
        findings: [...findings.values()],
        notes,
        checks,
        complete: checks.failed === 0 && checks.skipped === 0,
      };
    },
  };
}

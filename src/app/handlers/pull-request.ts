/**
 * `pull_request` opened, synchronize, reopened and ready_for_review: analyse the pull request at its head commit.
 * Thin: picks the commits from the payload and hands over to the runner.
 */
import type { Context } from "probot";
import { runReview, type RunReviewOptions } from "../run-review.ts";

export const PULL_REQUEST_EVENTS = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
  "pull_request.ready_for_review",
] as const;

export type PullRequestEvent = (typeof PULL_REQUEST_EVENTS)[number];

/**
 * Whether draft pull requests are analysed: `IAM_POLICY_REVIEW_ANALYZE_DRAFTS=true` (the config file has no key
 * for it). Off by default: a draft cannot be merged, and `ready_for_review` starts the analysis.
 */
export function analyzeDrafts(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(?:1|true|yes)$/i.test(env.IAM_POLICY_REVIEW_ANALYZE_DRAFTS ?? "");
}

/**
 * Awaits the whole analysis (bounded by the time budget). Probot's webhook middleware answers GitHub with 202
 * "still processing" after 9 s while the handler goes on, so the 10 s delivery deadline holds either way.
 */
export async function handlePullRequest(context: Context<PullRequestEvent>, options: RunReviewOptions = {}): Promise<void> {
  const { pull_request: pr } = context.payload;
  if (pr.draft && !analyzeDrafts()) {
    context.log.info({ pr: pr.number }, "draft pull request: not analysed until ready for review");
    return;
  }
  await runReview(
    context,
    {
      pr: pr.number,
      headSha: pr.head.sha,
      baseSha: pr.base.sha,
      changedFiles: pr.changed_files,
      ...(context.payload.action === "synchronize" ? { previousSha: context.payload.before } : {}),
    },
    options,
  );
}

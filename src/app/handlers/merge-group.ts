/**
 * `merge_group` checks_requested (issue #13): a repository that requires our check and uses a merge queue needs
 * the check on the group's head commit, or nothing can merge. The group is analysed like a pull request (same
 * config, same rules), its changed files from the base…head compare; there is no pull request to comment on, so
 * the check run alone reports.
 */
import type { Context } from "probot";
import { runReview, type RunReviewOptions } from "../run-review.ts";

export async function handleMergeGroup(context: Context<"merge_group.checks_requested">, options: RunReviewOptions = {}): Promise<void> {
  const group = context.payload.merge_group;
  await runReview(context, { pr: 0, headSha: group.head_sha, baseSha: group.base_sha, mergeGroup: { headRef: group.head_ref } }, options);
}

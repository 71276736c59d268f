/**
 * `check_run.rerequested` and `check_suite.rerequested`: "Re-run" on our check analyses the pull request again at
 * the same commit, as a new check run with the same name. GitHub sends these only to the app that owns the run.
 */
import type { Context } from "probot";
import { CHECK_RUN_NAME, runReview, type RunReviewOptions } from "../run-review.ts";

/** A pull request as check payloads list it. */
interface PayloadPullRequest {
  number: number;
  base: { repo: { id: number } };
}

/**
 * The open pull requests whose head is `sha`: those in the payload (same repository), else the one our earlier
 * run on this commit names in its `external_id` (fork pull requests are not in check payloads).
 */
async function pullRequestsFor(
  context: Context<"check_run.rerequested" | "check_suite.rerequested">,
  sha: string,
  listed: readonly PayloadPullRequest[],
  externalIds: () => Promise<string[]>,
): Promise<Array<{ number: number; baseSha: string; changedFiles: number }>> {
  const repoId = context.payload.repository.id;
  let numbers = [...new Set(listed.filter((pr) => pr.base.repo.id === repoId).map((pr) => pr.number))];
  if (numbers.length === 0) numbers = [...new Set((await externalIds()).map(Number).filter((n) => Number.isInteger(n) && n > 0))];
  const found = [];
  for (const number of numbers) {
    const { data: pr } = await context.octokit.rest.pulls.get(context.repo({ pull_number: number }));
    if (pr.state !== "open") continue;
    if (pr.head.sha !== sha) {
      // The pull request moved on: its newer head has (or gets) its own run, and the diff no longer matches `sha`.
      context.log.info({ pr: number }, "re-run requested on a commit that is no longer the head; skipped");
      continue;
    }
    found.push({ number, baseSha: pr.base.sha, changedFiles: pr.changed_files });
  }
  return found;
}

async function rerun(
  context: Context<"check_run.rerequested" | "check_suite.rerequested">,
  sha: string,
  listed: readonly PayloadPullRequest[],
  externalIds: () => Promise<string[]>,
  options: RunReviewOptions,
): Promise<void> {
  const prs = await pullRequestsFor(context, sha, listed, externalIds);
  if (prs.length === 0) context.log.info({ sha }, "re-run requested, but no open pull request has this commit as its head");
  for (const pr of prs) {
    await runReview(context, { pr: pr.number, headSha: sha, baseSha: pr.baseSha, changedFiles: pr.changedFiles }, options);
  }
}

export async function handleCheckRunRerequested(context: Context<"check_run.rerequested">, options: RunReviewOptions = {}): Promise<void> {
  const run = context.payload.check_run;
  if (run.name !== CHECK_RUN_NAME) return;
  // A merge group's run names the group's base commit (issue #13): "Re-run" analyses the same base…head compare.
  const groupBase = /^merge_group:([0-9a-f]{40})$/.exec(run.external_id ?? "")?.[1];
  if (groupBase) {
    await runReview(
      context,
      { pr: 0, headSha: run.head_sha, baseSha: groupBase, mergeGroup: { headRef: run.check_suite?.head_branch ?? run.head_sha } },
      options,
    );
    return;
  }
  await rerun(context, run.head_sha, run.pull_requests, async () => (run.external_id ? [run.external_id] : []), options);
}

export async function handleCheckSuiteRerequested(
  context: Context<"check_suite.rerequested">,
  options: RunReviewOptions = {},
): Promise<void> {
  const suite = context.payload.check_suite;
  await rerun(
    context,
    suite.head_sha,
    suite.pull_requests,
    async () => {
      const { data } = await context.octokit.rest.checks.listForSuite(
        context.repo({ check_suite_id: suite.id, check_name: CHECK_RUN_NAME, filter: "latest" as const, per_page: 100 }),
      );
      return data.check_runs.flatMap((r) => (r.external_id ? [r.external_id] : []));
    },
    options,
  );
}

/**
 * The App's runner (issue #6): one analysis of one pull request at one head commit, reported as the check run
 * "IAM Policy Review" and one review. The handlers only pick the pull request; this module does the steps:
 *
 *  1. create the check run (in_progress) on the head sha, and conclude any run of ours left in_progress there by
 *     a crashed process ("interrupted");
 *  2. read the config from the default branch (invalid config → failure, with the error);
 *  3. list the changed files; none the engine reads → success "No IAM changes";
 *  4. read head and base contents (bounded concurrency), review the change (pure core), and Access Analyzer when
 *     the config enables it;
 *  5. build the review (new inline comments, comments of fixed findings to mark);
 *  6. conclude the check run first (GitHub paces writes ~1 s apart: the conclusion is what branch protection
 *     waits for), then post the one review (event COMMENT) and append the remaining annotations 50 per request.
 *
 * Never stuck: the whole analysis has a time budget, and a `finally` concludes a run that was created and not
 * concluded (with what to do), whatever was thrown. An incomplete analysis is never `success` (issue #13: by
 * default `failure` when IaC may be unanalysed). A new analysis of a commit supersedes our other in_progress runs
 * on it; on shutdown every analysis in flight concludes "Interrupted — re-run" (see in-flight.ts). A merge group
 * (`merge_group` checks_requested) is analysed the same way, its files from the base…head compare, with no review.
 */
import ignore from "ignore";
import { createBudget, TimeBudgetExceeded, type Budget } from "./time-budget.ts";
import type { Logger } from "probot";
import { accessAnalyzerOptions, type Config } from "../core/config.ts";
import { analyze } from "../core/analyze.ts";
import { analyzeInWorker } from "./analysis-worker.ts";
import type { AccessAnalyzerChecks, AccessAnalyzerOptions, AccessAnalyzerRunner } from "../access-analyzer/types.ts";
import {
  buildReview,
  CHECK_RUN_NAME,
  DEFAULT_MAX_COMMENTS,
  fingerprintOfComment,
  fingerprintsOfComment,
  ruleDocsUrl,
  type ExistingComment,
} from "../report/review.ts";
import { batches, renderCheckRun, trimmedOutput, type Annotation, type CheckRunInput, type Conclusion } from "../report/check-run.ts";
import { ruleHelpMarkdown } from "../report/rule-help.ts";
import { newAccessInline } from "../report/new-access-inline.ts";
import {
  DEFAULT_READ_CONCURRENCY,
  isCandidate,
  listPullRequestFiles,
  pullRequestReader,
  type GitHub,
  type PullRequestFile,
  type Repo,
} from "../sources/github.ts";
import { readChange } from "../sources/change.ts";
import { loadRepoConfig } from "./config.ts";
import { AnalysisStopped, inFlight, type InFlight, type InFlightRun } from "./in-flight.ts";
import { classifySkipped } from "./skipped-files.ts";
import { resolveThreads } from "./resolve-threads.ts";
import { listCompareFiles } from "./merge-group-files.ts";
import { maskFindings } from "../util/mask.ts";

export { CHECK_RUN_NAME };

/** Default time budget of one analysis, from the first GitHub request to the conclusion. */
export const DEFAULT_TIME_BUDGET_MS = 60_000;

/** How long the final update of a failed run may take (it must not wait on the exhausted budget). */
const CONCLUDE_TIMEOUT_MS = 15_000;

/**
 * A run of ours still in_progress this long after it started cannot belong to a live analysis (the budget would
 * have ended it), so it was left behind by a crashed process: `budget + STALE_GRACE_MS`.
 */
const STALE_GRACE_MS = 30_000;

/** The time budget from `IAM_POLICY_REVIEW_TIME_BUDGET_MS` (a positive integer of milliseconds), else 60 s. */
export function timeBudgetMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.IAM_POLICY_REVIEW_TIME_BUDGET_MS);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_TIME_BUDGET_MS;
}

/** The part of Probot's `Context` the runner uses. */
export interface ReviewContext {
  octokit: GitHub;
  log: Logger;
  /** The webhook delivery id (`X-GitHub-Delivery`). */
  id: string;
  repo(): Repo;
}

export interface ReviewTarget {
  /** The pull request; 0 for a merge group (no review, only the check run). */
  pr: number;
  /** Set for a merge group's check (`merge_group` checks_requested): its files are the base…head compare. */
  mergeGroup?: { headRef: string };
  headSha: string;
  baseSha: string;
  /** The pull request's `changed_files`, when the payload has it (to report a truncated file list). */
  changedFiles?: number;
  /** Other commits of the pull request whose stale runs of ours to conclude (the previous head on a push). */
  previousSha?: string;
}

export interface RunReviewOptions {
  /** Default: {@link timeBudgetMs} from the environment. */
  timeBudgetMs?: number;
  /** Builds the Access Analyzer runner; default `createAccessAnalyzer` (the AWS SDK, default credential chain). */
  createAccessAnalyzer?: (options: AccessAnalyzerOptions) => AccessAnalyzerRunner;
  /** GitHub reads in flight per analysis. Default 8. */
  readConcurrency?: number;
  /** The analyses of this process (superseding, shutdown). Default: the process-wide {@link inFlight}. */
  registry?: InFlight;
  /** Base URL of the rule pages when the repository's config names none (`IAM_POLICY_REVIEW_DOCS_URL`). */
  docsUrl?: string;
}

export interface ReviewOutcome {
  checkRunId: number;
  conclusion: Conclusion;
  title: string;
  /** GitHub refused the full report (422) and took a trimmed one: later annotation batches are not sent. */
  trimmed?: boolean;
}

/** What an error was, for the check run and the logs: HTTP status and route for GitHub errors, else its name. */
export function describeError(error: unknown): { text: string; fields: Record<string, unknown> } {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const candidate = e as { status?: unknown; request?: { method?: unknown; url?: unknown }; response?: unknown };
    if (typeof candidate.status === "number" && candidate.request && typeof candidate.request.url === "string") {
      const route = `${String(candidate.request.method)} ${new URL(candidate.request.url, "https://api.github.com").pathname}`;
      // Octokit gives network failures (no answer at all) status 500 too; only an answer has a response.
      return candidate.response
        ? { text: `GitHub answered ${candidate.status} to ${route}`, fields: { status: candidate.status, route } }
        : { text: `GitHub could not be reached for ${route}`, fields: { route, network: true } };
    }
  }
  const err = error instanceof Error ? error : new Error(String(error));
  // Our own errors and bugs carry messages we wrote (paths, never file contents); the stack is for the logs.
  return { text: `${err.name}: ${err.message}`, fields: { type: err.name, message: err.message, stack: err.stack } };
}

/** A check run's output as sent to GitHub. */
interface RunOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: Annotation[];
}

export { TimeBudgetExceeded };

/** Runs one analysis and concludes its check run on every path. */
export async function runReview(context: ReviewContext, target: ReviewTarget, options: RunReviewOptions = {}): Promise<ReviewOutcome> {
  const registry = options.registry ?? inFlight;
  const budget = createBudget(options.timeBudgetMs ?? timeBudgetMs());
  const repo = context.repo();
  const self: InFlightRun = { repo: `${repo.owner}/${repo.repo}`, headSha: target.headSha, stop: (reason) => budget.stop(reason) };
  if (registry.closing) budget.stop(new AnalysisStopped("interrupted"));
  const done = analyse(context, target, options, budget, registry, self);
  registry.track(self, done);
  return done;
}

async function analyse(
  context: ReviewContext,
  target: ReviewTarget,
  options: RunReviewOptions,
  budget: Budget,
  registry: InFlight,
  self: InFlightRun,
): Promise<ReviewOutcome> {
  const repo = context.repo();
  const octokit = context.octokit;
  const log = context.log.child({
    repo: `${repo.owner}/${repo.repo}`,
    ...(target.mergeGroup ? { mergeGroup: target.mergeGroup.headRef } : { pr: target.pr }),
    delivery: context.id,
  });
  const budgetMs = options.timeBudgetMs ?? timeBudgetMs();
  const started = Date.now();
  const request = { request: { signal: budget.signal } };

  let checkRunId: number | undefined;
  let outcome: ReviewOutcome | undefined;
  let failure: unknown;
  /** The config's `incomplete`, once read (for the conclusion of a run that stops early). */
  let incompleteConclusion: "failure" | "neutral" | undefined;

  /**
   * Completes the run (the first update of the report, or the whole of a short one). A conclusion GitHub refuses
   * (422) is sent again trimmed: no text, no annotations, a short summary, and never `success`.
   */
  const conclude = async (
    conclusion: Conclusion,
    output: RunOutput,
    signal?: AbortSignal,
    droppedIfTrimmed = output.annotations?.length ?? 0,
  ): Promise<void> => {
    const send = (c: Conclusion, o: RunOutput) =>
      octokit.rest.checks.update({
        ...repo,
        check_run_id: checkRunId!,
        status: "completed",
        conclusion: c,
        completed_at: new Date().toISOString(),
        output: o,
        request: { signal: signal ?? budget.signal },
      });
    try {
      await send(conclusion, output);
      outcome = { checkRunId: checkRunId!, conclusion, title: output.title };
    } catch (error) {
      if ((error as { status?: unknown }).status !== 422) throw error;
      log.warn({ err: describeError(error).fields }, "GitHub refused the conclusion; sending it trimmed");
      const trimmed = trimmedOutput(conclusion, output, Math.max(droppedIfTrimmed, 0), incompleteConclusion);
      await send(trimmed.conclusion, trimmed.output);
      outcome = { checkRunId: checkRunId!, conclusion: trimmed.conclusion, title: trimmed.output.title, trimmed: true };
    }
  };

  try {
    // 1. The check run first, so the pull request shows that the analysis started.
    const created = await budget.within(
      octokit.rest.checks.create({
        ...repo,
        name: CHECK_RUN_NAME,
        head_sha: target.headSha,
        status: "in_progress",
        started_at: new Date(started).toISOString(),
        external_id: target.mergeGroup ? `merge_group:${target.baseSha}` : String(target.pr),
        output: { title: "Analysing IAM changes", summary: "IAM Policy Review is analysing the IAM changes of this pull request." },
        ...request,
      }),
    );
    checkRunId = created.data.id;
    self.checkRunId = checkRunId;
    const supersededHere = registry.supersede(self);
    const appId = created.data.app?.id;
    // Our comments are the ones our App's bot user wrote; a marker alone can be forged by anyone who comments.
    const botLogin = created.data.app?.slug ? `${created.data.app.slug}[bot]` : undefined;
    const checkRunUrl = created.data.html_url ?? undefined;
    try {
      await budget.within(
        concludeOtherRuns(
          octokit,
          repo,
          {
            appId,
            ownId: checkRunId,
            skip: supersededHere,
            headSha: target.headSha,
            previousSha: target.previousSha,
            budgetMs,
            signal: budget.signal,
          },
          log,
        ),
      );
    } catch (error) {
      budget.check();
      log.warn({ err: describeError(error).fields }, "could not conclude stale check runs");
    }

    // 2. Config, from the default branch.
    const loaded = await budget.within(loadRepoConfig(octokit, repo, budget.signal));
    if (!loaded.ok) {
      log.info({ config: loaded.source }, "invalid config");
      await conclude("failure", {
        title: `Invalid configuration: ${loaded.source}`,
        summary: `${loaded.message}\n\nThe security team's configuration must be fixed before this check can pass: correct \`${loaded.source}\` on the default branch, then re-run this check.`,
      });
      return outcome!;
    }
    const config = loaded.config;
    incompleteConclusion = config.incomplete;

    // 3. The changed files, and those the engine reads.
    const listed = await budget.within(
      target.mergeGroup
        ? listCompareFiles(octokit, { ...repo, base: target.baseSha, head: target.headSha }, budget.signal)
        : listPullRequestFiles(
            octokit,
            { ...repo, pullNumber: target.pr, ...(target.changedFiles !== undefined ? { total: target.changedFiles } : {}) },
            budget.signal,
          ),
    );
    const ignored = config.ignorePaths.length > 0 ? ignore().add(config.ignorePaths) : undefined;
    const candidates = listed.files.filter((f) => (isCandidate(f.path) || isCandidate(f.basePath)) && !ignored?.ignores(f.path));
    if (candidates.length === 0 && !listed.truncated) {
      await conclude("success", {
        title: "No IAM changes",
        summary: `None of the ${listed.files.length} changed files is a policy, CloudFormation or Terraform file, or a file that may hold AWS keys.`,
      });
      log.info({ files: listed.files.length, ms: Date.now() - started }, "no IAM changes");
      return outcome!;
    }

    // 4. Contents (head, base, Terraform module siblings and file() targets, as the CLI reads them), then the one
    //    pipeline: local rules, the new-access diff and Access Analyzer when the config enables it.
    const reader = pullRequestReader(octokit, {
      ...repo,
      headSha: target.headSha,
      baseSha: target.baseSha,
      changed: candidates,
      signal: budget.signal,
    });
    const sources = await budget.within(
      readChange(reader, candidates, { concurrency: options.readConcurrency ?? DEFAULT_READ_CONCURRENCY }),
    );
    budget.check();
    const runner = config.accessAnalyzer.enabled ? await accessAnalyzerRunner(config, options.createAccessAnalyzer) : undefined;
    // Off the event loop (issue #13), except when Access Analyzer runs: its SDK client cannot cross threads.
    const review = await budget.within(
      runner
        ? analyze({
            files: sources.headFiles,
            readFile: sources.readFile,
            base: { changed: candidates, files: sources.baseFiles, readFile: sources.readBaseFile },
            config,
            readFindings: sources.readFindings,
            accessAnalyzer: runner,
          })
        : analyzeInWorker(
            {
              files: sources.headFiles,
              fileTargets: sources.fileTargets.head,
              base: { changed: candidates, files: sources.baseFiles, fileTargets: sources.fileTargets.base },
              config,
              readFindings: sources.readFindings,
            },
            budget.signal,
          ),
    );
    budget.check();
    // Every reported value that looks like a credential is masked (issue #12).
    const findings = maskFindings(review.findings);
    const { suppressed } = review;
    const accessAnalyzer: CheckRunInput["accessAnalyzer"] = review.accessAnalyzer
      ? {
          enabled: true,
          complete: review.accessAnalyzer.complete,
          checks: review.accessAnalyzer.checks,
          ...(review.accessAnalyzer.complete ? {} : { reason: accessAnalyzerReason(review.accessAnalyzer.checks) }),
        }
      : { enabled: false, complete: true };
    // Skipped files that do not look like IaC (lockfiles, binaries, links) never make the analysis incomplete.
    const skipped = await budget.within(classifySkipped(octokit, repo, sources.skipped, target.headSha, budget.signal));

    // 5. The review: new comments, and comments of fixed findings to mark (posted after the conclusion, step 6).
    // Completeness is judged per file: a comment is marked fixed when its file was analysed this time.
    const skippedPaths = new Set(sources.skipped.map((f) => f.path));
    const listedPaths = new Set(listed.files.map((f) => f.path));
    const existing = target.mergeGroup ? [] : await budget.within(listOurComments(octokit, repo, target.pr, botLogin, budget.signal));
    const patches = new Map(listed.files.map((f: PullRequestFile) => [f.path, f.patch]));
    const docsBase = config.docsUrl ?? options.docsUrl ?? process.env.IAM_POLICY_REVIEW_DOCS_URL;
    const built = target.mergeGroup
      ? undefined
      : buildReview({
          findings,
          patches,
          headSha: target.headSha,
          existing,
          maxComments: DEFAULT_MAX_COMMENTS,
          resolvable: (comment) =>
            !skippedPaths.has(comment.path) &&
            (!listed.truncated || listedPaths.has(comment.path)) &&
            (accessAnalyzer.complete || !/reported by IAM Access Analyzer/.test(comment.body)),
          newAccessInline: newAccessInline(review.accessChanges ?? [], {
            mode: config.newAccessComments ?? "sensitive",
            sensitiveActions: config.sensitiveActions,
          }),
          style: { docsUrl: (ruleId) => ruleDocsUrl(docsBase, ruleId), help: ruleHelpMarkdown },
          ...(checkRunUrl ? { checkRunUrl } : {}),
        });
    // The check run is concluded before the review is posted: it is what a branch protection rule waits for,
    // and GitHub paces writes about a second apart, so every write before it delays the merge button.
    const inlineCount = built?.comments.length ?? 0;
    const overflowCount = built?.overflow.length ?? 0;
    const postReview = async (): Promise<void> => {
      if (built && built.comments.length > 0) {
        // Another analysis of this pull request (a push and a re-run at once) may have posted meanwhile: look
        // again just before posting, and leave out what is already there.
        const now = await budget.within(listOurComments(octokit, repo, target.pr, botLogin, budget.signal));
        const posted = new Set(now.flatMap((c) => fingerprintsOfComment(c.body)));
        const comments = built.comments.filter((c) => !fingerprintsOfComment(c.body).some((fp) => posted.has(fp)));
        if (comments.length === 0) return;
        try {
          await budget.within(
            octokit.rest.pulls.createReview({
              ...repo,
              pull_number: target.pr,
              commit_id: target.headSha,
              event: "COMMENT",
              body: built.body,
              comments,
              ...request,
            }),
          );
        } catch (error) {
          // 422: a line is no longer in the diff (a push raced this analysis). The findings stay annotations.
          if ((error as { status?: unknown }).status !== 422) throw error;
          log.warn({ err: describeError(error).fields }, "GitHub refused the review; findings are annotations only");
        }
      }
      const marked: number[] = [];
      for (const resolved of built?.resolved ?? []) {
        try {
          await budget.within(
            octokit.rest.pulls.updateReviewComment({ ...repo, comment_id: resolved.id, body: resolved.body, ...request }),
          );
          marked.push(resolved.id);
        } catch (error) {
          if ((error as { status?: unknown }).status !== 404) throw error; // deleted meanwhile: nothing to mark
        }
      }
      // The threads of fixed comments are resolved too (GraphQL only), so the conversation shows them done.
      if (marked.length > 0) {
        try {
          const count = await budget.within(resolveThreads(octokit, repo, target.pr, marked, budget.signal));
          log.info({ threads: count }, "resolved the threads of fixed findings");
        } catch (error) {
          budget.check();
          log.warn(
            { err: describeError(error).fields },
            "could not resolve the threads of fixed findings; the comments say they are fixed",
          );
        }
      }
    };

    // 6. The check run: conclusion and the first 50 annotations, then the rest 50 per request.
    const checkInput: CheckRunInput = {
      findings,
      suppressed,
      accessChanges: review.accessChanges ?? [],
      accessAnalyzer,
      skipped: skipped.iac,
      otherSkipped: skipped.other,
      ...(config.incomplete ? { incompleteConclusion: config.incomplete } : {}),
      ...(listed.truncated ? { truncated: listed.truncated } : {}),
      incomplete: [],
      failOn: config.failOn,
      inlineCount,
      overflowCount,
      policiesCount: review.policies.length,
      filesCount: candidates.length,
    };
    const rendered = renderCheckRun(checkInput);
    const all = batches(rendered.annotations);
    const output = (annotations: Annotation[]) => ({
      title: rendered.title,
      summary: rendered.summary,
      ...(rendered.text !== undefined ? { text: rendered.text } : {}),
      annotations,
    });
    const tailSignal = () => AbortSignal.timeout(Math.min(CONCLUDE_TIMEOUT_MS, registry.remainingMs()));
    let sent = 0;
    /** Appends annotation batches to the run; stops at the first failure or when the analysis is stopped. */
    const append = async (list: Annotation[][]): Promise<boolean> => {
      for (const annotations of list) {
        if (budget.signal.aborted) {
          log.warn({ sent, total: rendered.annotations.length }, "time budget spent: remaining annotations not sent");
          return false;
        }
        try {
          await octokit.rest.checks.update({
            ...repo,
            check_run_id: checkRunId!,
            output: output(annotations),
            request: { signal: tailSignal() },
          });
          sent += annotations.length;
        } catch (error) {
          log.warn({ err: describeError(error).fields, sent, total: rendered.annotations.length }, "could not add annotations");
          return false;
        }
      }
      return true;
    };
    const postReviewSafely = async (): Promise<void> => {
      try {
        await postReview();
      } catch (error) {
        // The check run carries every finding; a failed review is a degraded report, never a reason to change the
        // conclusion.
        log.warn({ err: describeError(error).fields }, "could not post the review; the findings are in the check run");
      }
    };
    if (rendered.conclusion === "success" && all.length > 1) {
      // Success only once every annotation is in: the batches first, the conclusion with the last one.
      const ok = await append(all.slice(0, -1));
      if (ok) {
        await conclude("success", output(all.at(-1)!), undefined, rendered.annotations.length - sent);
        if (!outcome!.trimmed) sent += all.at(-1)!.length;
      }
      if (outcome !== undefined) await postReviewSafely();
    } else {
      // The conclusion first (GitHub paces writes; it is what branch protection waits for), then the rest.
      const [first = [], ...rest] = all;
      await conclude(rendered.conclusion, output(first), undefined, rendered.annotations.length);
      if (!outcome!.trimmed) sent += first.length;
      await postReviewSafely();
      if (!outcome!.trimmed) await append(rest);
    }
    const unsent = rendered.annotations.length - sent;
    if (unsent > 0 && !outcome?.trimmed) {
      // Counted in the summary, and never success (the conclusion is recomputed with the count).
      const partial = renderCheckRun({ ...checkInput, unsentAnnotations: unsent });
      const body = { title: partial.title, summary: partial.summary, ...(partial.text !== undefined ? { text: partial.text } : {}) };
      if (outcome === undefined) {
        await conclude(partial.conclusion, body, tailSignal(), 0);
        await postReviewSafely();
      } else {
        try {
          await conclude(partial.conclusion, body, tailSignal(), 0);
        } catch (error) {
          log.warn({ err: describeError(error).fields, unsent }, "could not record the unsent annotations in the summary");
        }
      }
    }
    log.info(
      {
        files: listed.files.length,
        candidates: candidates.length,
        policies: review.policies.length,
        findings: findings.length,
        inline: inlineCount,
        resolved: built?.resolved.length ?? 0,
        conclusion: rendered.conclusion,
        ms: Date.now() - started,
      },
      "analysis done",
    );
    return outcome!;
  } catch (error) {
    failure = error;
  } finally {
    budget.dispose();
    if (checkRunId !== undefined && outcome === undefined) {
      const reason: unknown = budget.signal.aborted ? budget.signal.reason : undefined;
      const stopped = reason instanceof AnalysisStopped ? reason : undefined;
      const overBudget = reason instanceof TimeBudgetExceeded;
      const described = describeError(failure);
      const what = target.mergeGroup ? "this merge group" : "this pull request";
      let conclusion: Conclusion = incompleteConclusion ?? "failure";
      let output: RunOutput;
      if (stopped?.kind === "interrupted") {
        conclusion = "cancelled";
        output = {
          title: "Interrupted — re-run",
          summary: `The app was shut down (a deploy or a scale-down) before this analysis finished, so nothing is concluded about ${what}. Re-run this check.`,
        };
      } else if (stopped?.kind === "superseded") {
        conclusion = "cancelled";
        output = {
          title: "Superseded",
          summary: "A newer analysis of this commit replaced this run; see the latest IAM Policy Review check run.",
        };
      } else if (overBudget) {
        output = {
          title: "Incomplete: time budget exceeded",
          summary: `The analysis did not finish within ${Math.round(budgetMs / 1000)} s, so nothing is concluded about ${what} (an incomplete analysis never passes). Re-run the check; if it keeps timing out, raise \`IAM_POLICY_REVIEW_TIME_BUDGET_MS\` for the app or see the app logs for delivery ${context.id}.`,
        };
      } else {
        output = {
          title: "Analysis failed",
          summary: `The analysis stopped before finishing (${described.text}), so nothing is concluded about ${what} (an incomplete analysis never passes). Re-run the check; if it keeps failing, see the app logs for delivery ${context.id}.`,
        };
      }
      if (stopped) log.info({ reason: stopped.kind, ms: Date.now() - started }, "analysis stopped");
      else if (overBudget) log.warn({ budgetMs, ms: Date.now() - started }, "time budget exceeded");
      else log.error({ err: described.fields }, "analysis failed");
      try {
        await conclude(conclusion, output, AbortSignal.timeout(Math.min(CONCLUDE_TIMEOUT_MS, registry.remainingMs())));
      } catch (error) {
        // Left in_progress: the next analysis of this commit concludes it as superseded.
        log.error({ err: describeError(error).fields }, "could not conclude the check run");
      }
    } else if (checkRunId === undefined && failure !== undefined) {
      log.error({ err: describeError(failure).fields }, "could not create the check run");
    }
  }
  // Reported on the check run: the delivery succeeded. Not reported (no run, or GitHub refused the conclusion): the
  // delivery fails, so GitHub records it and it can be redelivered.
  if (outcome) return outcome;
  throw failure;
}

/**
 * Concludes our other in_progress runs: on the head commit every one ("Superseded": this analysis replaces it,
 * whichever process ran it), on the previous head only those older than any live analysis could be (left behind
 * by a crashed process). `skip`: runs this process has already stopped (their runners conclude them).
 */
async function concludeOtherRuns(
  octokit: GitHub,
  repo: Repo,
  options: {
    appId: number | undefined;
    ownId: number;
    skip: readonly number[];
    headSha: string;
    previousSha: string | undefined;
    budgetMs: number;
    signal: AbortSignal;
  },
  log: Logger,
): Promise<void> {
  if (options.appId === undefined) return;
  const cutoff = Date.now() - options.budgetMs - STALE_GRACE_MS;
  const refs = [
    { ref: options.headSha, superseded: true },
    ...(options.previousSha && options.previousSha !== options.headSha ? [{ ref: options.previousSha, superseded: false }] : []),
  ];
  for (const { ref, superseded } of refs) {
    const { data } = await octokit.rest.checks.listForRef({
      ...repo,
      ref,
      check_name: CHECK_RUN_NAME,
      status: "in_progress",
      filter: "all",
      per_page: 100,
      request: { signal: options.signal },
    });
    for (const run of data.check_runs) {
      if (run.id === options.ownId || options.skip.includes(run.id) || run.app?.id !== options.appId || run.status === "completed")
        continue;
      if (!superseded && run.started_at && Date.parse(run.started_at) > cutoff) continue; // possibly a live analysis
      await octokit.rest.checks.update({
        ...repo,
        check_run_id: run.id,
        status: "completed",
        conclusion: "cancelled",
        completed_at: new Date().toISOString(),
        output: superseded
          ? {
              title: "Superseded",
              summary: "Superseded: a newer analysis of this commit replaced this run; see the latest IAM Policy Review check run.",
            }
          : {
              title: "Interrupted",
              summary: "Interrupted: a previous analysis stopped before finishing; the analysis of the new head replaces it.",
            },
        request: { signal: options.signal },
      });
      log.info({ checkRun: run.id, superseded }, superseded ? "concluded a superseded check run" : "concluded an interrupted check run");
    }
  }
}

/** Our earlier inline comments on the pull request: by a bot, carrying our fingerprint marker. */
async function listOurComments(
  octokit: GitHub,
  repo: Repo,
  pr: number,
  botLogin: string | undefined,
  signal: AbortSignal,
): Promise<ExistingComment[]> {
  const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, {
    ...repo,
    pull_number: pr,
    per_page: 100,
    request: { signal },
  });
  return comments
    .filter(
      (c) => c.user?.type === "Bot" && (botLogin === undefined || c.user.login === botLogin) && fingerprintOfComment(c.body) !== undefined,
    )
    .map((c) => ({ id: c.id, path: c.path, line: c.line ?? null, body: c.body }));
}

/** The Access Analyzer runner for the config; the default one is loaded only when enabled (the AWS SDK is a large share of the App's memory). */
async function accessAnalyzerRunner(config: Config, create: RunReviewOptions["createAccessAnalyzer"]): Promise<AccessAnalyzerRunner> {
  const factory = create ?? (await import("../access-analyzer/access-analyzer.ts")).createAccessAnalyzer;
  return factory(accessAnalyzerOptions(config));
}

function accessAnalyzerReason(checks: AccessAnalyzerChecks): string {
  if (checks.failed > 0) {
    return `IAM Access Analyzer did not answer ${checks.failed} of its checks (unreachable, throttled or refused after retries); the access-analyzer/unavailable notes say what to fix`;
  }
  return `IAM Access Analyzer skipped ${checks.skipped} checks (policies too large or unresolvable)`;
}

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
 * concluded (neutral, with what to do), whatever was thrown. An incomplete analysis is never `success`.
 */
import ignore from "ignore";
import type { Logger } from "probot";
import type { Config } from "../core/config.ts";
import { reviewChanges } from "../core/compare-changes.ts";
import { compareFindings } from "../core/analyze-files.ts";
import { mergeAccessAnalyzerFindings } from "../core/merge-findings.ts";
import { applySuppressions } from "../core/suppressions.ts";
import type { AccessAnalyzerChecks, AccessAnalyzerOptions, AccessAnalyzerRunner } from "../access-analyzer/types.ts";
import type { Finding } from "../types.ts";
import { buildReview, CHECK_RUN_NAME, DEFAULT_MAX_COMMENTS, fingerprintOfComment, type ExistingComment } from "../report/review.ts";
import { batches, renderCheckRun, type Annotation, type CheckRunInput, type Conclusion } from "../report/check-run.ts";
import { isCandidate, listPullRequestFiles, readSources, type GitHub, type PullRequestFile, type Repo } from "../sources/github.ts";
import { loadRepoConfig } from "./config.ts";
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
  pr: number;
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
}

export interface ReviewOutcome {
  checkRunId: number;
  conclusion: Conclusion;
  title: string;
}

/** The error a run ends with when its time budget is spent. */
export class TimeBudgetExceeded extends Error {
  readonly budgetMs: number;
  constructor(budgetMs: number) {
    super(`The analysis exceeded its time budget of ${budgetMs} ms.`);
    this.name = "TimeBudgetExceeded";
    this.budgetMs = budgetMs;
  }
}

interface Budget {
  signal: AbortSignal;
  /** Rejects with {@link TimeBudgetExceeded} as soon as the budget is spent, whatever `work` does. */
  within<T>(work: Promise<T>): Promise<T>;
  /** Throws when the budget is spent (between steps that cannot be interrupted, such as the pure review). */
  check(): void;
  dispose(): void;
}

function createBudget(ms: number): Budget {
  const controller = new AbortController();
  let reject: (error: Error) => void = () => undefined;
  const expired = new Promise<never>((_, rej) => (reject = rej));
  expired.catch(() => undefined); // observed through `within`; never an unhandled rejection
  const timer = setTimeout(() => {
    const error = new TimeBudgetExceeded(ms);
    controller.abort(error);
    reject(error);
  }, ms);
  return {
    signal: controller.signal,
    within: (work) => Promise.race([work, expired]),
    check() {
      if (controller.signal.aborted) throw controller.signal.reason as Error;
    },
    dispose: () => clearTimeout(timer),
  };
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

/** Runs one analysis and concludes its check run on every path. */
export async function runReview(context: ReviewContext, target: ReviewTarget, options: RunReviewOptions = {}): Promise<ReviewOutcome> {
  const repo = context.repo();
  const octokit = context.octokit;
  const log = context.log.child({ repo: `${repo.owner}/${repo.repo}`, pr: target.pr, delivery: context.id });
  const budgetMs = options.timeBudgetMs ?? timeBudgetMs();
  const budget = createBudget(budgetMs);
  const started = Date.now();
  const request = { request: { signal: budget.signal } };

  let checkRunId: number | undefined;
  let outcome: ReviewOutcome | undefined;
  let failure: unknown;

  /** Completes the run (the first update of the report, or the whole of a short one). */
  const conclude = async (conclusion: ReviewOutcome["conclusion"], output: RunOutput, signal?: AbortSignal): Promise<void> => {
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: checkRunId!,
      status: "completed",
      conclusion,
      completed_at: new Date().toISOString(),
      output,
      request: { signal: signal ?? budget.signal },
    });
    outcome = { checkRunId: checkRunId!, conclusion, title: output.title };
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
        external_id: String(target.pr),
        output: { title: "Analysing IAM changes", summary: "IAM Policy Review is analysing the IAM changes of this pull request." },
        ...request,
      }),
    );
    checkRunId = created.data.id;
    const appId = created.data.app?.id;
    // Our comments are the ones our App's bot user wrote; a marker alone can be forged by anyone who comments.
    const botLogin = created.data.app?.slug ? `${created.data.app.slug}[bot]` : undefined;
    const checkRunUrl = created.data.html_url ?? undefined;
    try {
      await budget.within(concludeStaleRuns(octokit, repo, { appId, ownId: checkRunId, shas: [target.headSha, target.previousSha], budgetMs, signal: budget.signal }, log));
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

    // 3. The changed files, and those the engine reads.
    const listed = await budget.within(
      listPullRequestFiles(octokit, { ...repo, pullNumber: target.pr, ...(target.changedFiles !== undefined ? { total: target.changedFiles } : {}) }, budget.signal),
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

    // 4. Contents, the review and Access Analyzer.
    const sources = await budget.within(
      readSources(octokit, {
        ...repo,
        headSha: target.headSha,
        baseSha: target.baseSha,
        changed: candidates,
        ...(options.readConcurrency ? { concurrency: options.readConcurrency } : {}),
        signal: budget.signal,
      }),
    );
    budget.check();
    const review = await reviewChanges({ changed: candidates, headFiles: sources.headFiles, baseFiles: sources.baseFiles, config });
    budget.check();
    let findings: Finding[] = maskFindings([...sources.readFindings, ...review.findings]).sort(compareFindings);
    let suppressed = review.suppressed;
    let accessAnalyzer: CheckRunInput["accessAnalyzer"] = { enabled: false, complete: true };
    if (config.accessAnalyzer.enabled) {
      const result = await budget.within(runAccessAnalyzer(config, review, options.createAccessAnalyzer));
      findings = mergeAccessAnalyzerFindings(findings, result.findings).sort(compareFindings);
      suppressed = [...suppressed, ...result.suppressed];
      accessAnalyzer = {
        enabled: true,
        complete: result.complete,
        checks: result.checks,
        ...(result.complete ? {} : { reason: accessAnalyzerReason(result.checks) }),
      };
    }
    const complete = accessAnalyzer.complete && sources.skipped.length === 0 && !listed.truncated;

    // 5. The review: new comments, and comments of fixed findings to mark (posted after the conclusion, step 6).
    const existing = await budget.within(listOurComments(octokit, repo, target.pr, botLogin, budget.signal));
    const patches = new Map(listed.files.map((f: PullRequestFile) => [f.path, f.patch]));
    const built = buildReview({
      findings,
      patches,
      headSha: target.headSha,
      existing,
      maxComments: DEFAULT_MAX_COMMENTS,
      complete,
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
        const posted = new Set(now.map((c) => fingerprintOfComment(c.body)));
        const comments = built.comments.filter((c) => !posted.has(fingerprintOfComment(c.body)));
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
      for (const resolved of built?.resolved ?? []) {
        try {
          await budget.within(octokit.rest.pulls.updateReviewComment({ ...repo, comment_id: resolved.id, body: resolved.body, ...request }));
        } catch (error) {
          if ((error as { status?: unknown }).status !== 404) throw error; // deleted meanwhile: nothing to mark
        }
      }
    };

    // 6. The check run: conclusion and the first 50 annotations, then the rest 50 per request.
    const rendered = renderCheckRun({
      findings,
      suppressed,
      accessChanges: review.accessChanges,
      accessAnalyzer,
      skipped: sources.skipped,
      ...(listed.truncated ? { truncated: listed.truncated } : {}),
      incomplete: [],
      failOn: config.failOn,
      inlineCount,
      overflowCount,
      policiesCount: review.policies.length,
      filesCount: candidates.length,
    });
    const [first = [], ...rest] = batches(rendered.annotations);
    const output = (annotations: Annotation[]) => ({
      title: rendered.title,
      summary: rendered.summary,
      ...(rendered.text !== undefined ? { text: rendered.text } : {}),
      annotations,
    });
    await conclude(rendered.conclusion, output(first));
    try {
      await postReview();
    } catch (error) {
      // The check run already carries every finding as an annotation; a failed review is a degraded report,
      // never a reason to change the conclusion.
      log.warn({ err: describeError(error).fields }, "could not post the review; the findings are in the check run");
    }
    for (const [index, annotations] of rest.entries()) {
      if (budget.signal.aborted) {
        // The run is concluded with the first 50; the time budget bounds the rest too.
        log.warn({ sent: index + 1, batches: rest.length + 1 }, "time budget spent: remaining annotations not sent");
        break;
      }
      try {
        await octokit.rest.checks.update({ ...repo, check_run_id: checkRunId, output: output(annotations), request: { signal: AbortSignal.timeout(CONCLUDE_TIMEOUT_MS) } });
      } catch (error) {
        // The run is concluded; missing annotations are a degraded report, not a stuck check.
        log.warn({ err: describeError(error).fields, batch: index + 2, batches: rest.length + 1 }, "could not add annotations");
        break;
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
      const overBudget = budget.signal.aborted;
      const described = describeError(failure);
      const output = overBudget
        ? {
            title: "Incomplete: time budget exceeded",
            summary: `The analysis did not finish within ${Math.round(budgetMs / 1000)} s, so nothing is concluded about this pull request (an incomplete analysis never passes). Re-run the check; if it keeps timing out, raise \`IAM_POLICY_REVIEW_TIME_BUDGET_MS\` for the app or see the app logs for delivery ${context.id}.`,
          }
        : {
            title: "Analysis failed",
            summary: `The analysis stopped before finishing (${described.text}), so nothing is concluded about this pull request. Re-run the check; if it keeps failing, see the app logs for delivery ${context.id}.`,
          };
      if (overBudget) log.warn({ budgetMs, ms: Date.now() - started }, "time budget exceeded");
      else log.error({ err: described.fields }, "analysis failed");
      try {
        await conclude("neutral", output, AbortSignal.timeout(CONCLUDE_TIMEOUT_MS));
      } catch (error) {
        // Left in_progress: the next event for this commit concludes it as interrupted.
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

/** Concludes runs of ours on these commits that are still in_progress long after any live analysis would have ended. */
async function concludeStaleRuns(
  octokit: GitHub,
  repo: Repo,
  options: { appId: number | undefined; ownId: number; shas: Array<string | undefined>; budgetMs: number; signal: AbortSignal },
  log: Logger,
): Promise<void> {
  if (options.appId === undefined) return;
  const cutoff = Date.now() - options.budgetMs - STALE_GRACE_MS;
  for (const ref of new Set(options.shas.filter((s): s is string => typeof s === "string" && s !== ""))) {
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
      if (run.id === options.ownId || run.app?.id !== options.appId || run.status === "completed") continue;
      if (run.started_at && Date.parse(run.started_at) > cutoff) continue; // possibly a live analysis
      await octokit.rest.checks.update({
        ...repo,
        check_run_id: run.id,
        status: "completed",
        conclusion: "neutral",
        completed_at: new Date().toISOString(),
        output: {
          title: "Interrupted",
          summary: "Interrupted: a previous analysis stopped before finishing; this run replaces it.",
        },
        request: { signal: options.signal },
      });
      log.info({ checkRun: run.id }, "concluded an interrupted check run");
    }
  }
}

/** Our earlier inline comments on the pull request: by a bot, carrying our fingerprint marker. */
async function listOurComments(octokit: GitHub, repo: Repo, pr: number, botLogin: string | undefined, signal: AbortSignal): Promise<ExistingComment[]> {
  const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, { ...repo, pull_number: pr, per_page: 100, request: { signal } });
  return comments
    .filter((c) => c.user?.type === "Bot" && (botLogin === undefined || c.user.login === botLogin) && fingerprintOfComment(c.body) !== undefined)
    .map((c) => ({ id: c.id, path: c.path, line: c.line ?? null, body: c.body }));
}

interface AccessAnalyzerOutcome {
  findings: Finding[];
  suppressed: ReturnType<typeof applySuppressions>["suppressed"];
  checks: AccessAnalyzerChecks;
  complete: boolean;
}

/** Access Analyzer on the added and changed policies, with the config's suppressions (as the CLI does). */
async function runAccessAnalyzer(
  config: Config,
  review: Awaited<ReturnType<typeof reviewChanges>>,
  create: RunReviewOptions["createAccessAnalyzer"],
): Promise<AccessAnalyzerOutcome> {
  // Loaded only when enabled: the AWS SDK is a large share of the App's memory.
  const factory = create ?? (await import("../access-analyzer/access-analyzer.ts")).createAccessAnalyzer;
  const runner = factory({
    sensitiveActions: config.sensitiveActions,
    concurrency: config.accessAnalyzer.concurrency,
    ...(config.accessAnalyzer.region ? { region: config.accessAnalyzer.region } : {}),
  });
  const result = await runner.analyze(review.accessAnalyzerItems);
  const { findings, suppressed } = applySuppressions([...result.findings, ...result.notes], {
    files: [],
    policies: review.policies,
    entries: config.suppressions,
    today: new Date().toISOString().slice(0, 10),
  });
  return { findings, suppressed, checks: result.checks, complete: result.complete };
}

function accessAnalyzerReason(checks: AccessAnalyzerChecks): string {
  if (checks.failed > 0) {
    return `IAM Access Analyzer did not answer ${checks.failed} of its checks (unreachable, throttled or refused after retries); the access-analyzer/unavailable notes say what to fix`;
  }
  return `IAM Access Analyzer skipped ${checks.skipped} checks (policies too large or unresolvable)`;
}

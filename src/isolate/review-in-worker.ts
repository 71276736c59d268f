/**
 * Analysis where an out-of-memory cannot take down the server (issue #12): the App's review runs in a worker
 * thread whose V8 heap is capped with `resourceLimits`. When one pull request's files exhaust it, only that worker
 * dies; the review comes back with an `unparsed-input` warning on each changed file (so the check is incomplete,
 * never success) and the server keeps serving other pull requests.
 *
 * Budgets (src/extract/budget.ts, the Terraform size and parse-work caps) keep real input far below the cap;
 * the cap is the fixed bound for whatever input the budgets do not foresee.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ChangeComparison as ChangeReview, ChangeInput } from "../core/compare-changes.ts";
import { inputFinding, WHOLE_FILE } from "../findings.ts";

/** The heap one review may use, in MB (V8's old generation; the young generation adds its own few MB). */
export const ANALYSIS_HEAP_MB = 512;

export interface IsolationLimits {
  /** V8 old-generation cap in MB (default `ANALYSIS_HEAP_MB`). */
  maxHeapMb?: number;
}

/** The input without functions: it is copied into the worker (structured clone). */
export type IsolatedChangeInput = Omit<ChangeInput, "readFile" | "readBaseFile">;

/** The worker module next to this one, in the same form (TypeScript sources in development, JavaScript in dist/). */
function workerUrl(): URL {
  const extension = extname(fileURLToPath(import.meta.url));
  return new URL(`./review-worker${extension}`, import.meta.url);
}

/**
 * `compareChanges` in a worker thread with a capped heap. Resolves with the review, or — when the worker runs out
 * of memory or fails — with a review that has no policies and one `unparsed-input` warning per changed file
 * saying why. Never rejects for a problem of the input.
 */
export function reviewChangesIsolated(input: IsolatedChangeInput, limits: IsolationLimits = {}): Promise<ChangeReview> {
  const maxHeapMb = limits.maxHeapMb ?? ANALYSIS_HEAP_MB;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (review: ChangeReview): void => {
      if (settled) return;
      settled = true;
      resolve(review);
    };
    const worker = new Worker(workerUrl(), {
      workerData: input,
      // The parent's flags are inherited, except one that only applies to its own entry (`node --input-type=module -e`).
      ...(process.execArgv.some((flag) => flag.startsWith("--input-type"))
        ? { execArgv: process.execArgv.filter((flag) => !flag.startsWith("--input-type")) }
        : {}),
      // A small young generation: V8 would grow it to ~100 MB under a large file's burst of allocations.
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      // The worker must not write to the server's output (it never logs; this keeps a stray trace out too).
      stdout: true,
      stderr: true,
    });
    worker.once("message", (review: ChangeReview) => {
      settle(review);
      void worker.terminate();
    });
    worker.once("error", (error: Error & { code?: string }) => {
      const reason =
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `the analysis reached its memory limit (${maxHeapMb} MB)`
          : `the analysis failed (${error.name}); this is a bug in the tool, please report it`;
      settle(failedReview(input, reason));
    });
    worker.once("exit", (code) => settle(failedReview(input, `the analysis stopped unexpectedly (exit code ${code})`)));
  });
}

/** A review of nothing, with one warning per changed file saying why it was not analysed. */
function failedReview(input: IsolatedChangeInput, reason: string): ChangeReview {
  const files = [...new Set(input.changed.map((f) => (f.status === "deleted" ? f.basePath : f.path)))];
  return {
    policies: [],
    findings: files.map((file) => inputFinding(file, WHOLE_FILE, "warning", `This file was not analysed: ${reason}.`, "isolation")),
    suppressed: [],
    pairs: [],
    accessChanges: [],
    accessAnalyzerItems: [],
  };
}

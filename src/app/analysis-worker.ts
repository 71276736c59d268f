/**
 * The review of a change, off the event loop (issue #13). Parsing a 4.6 MB JSON file and running every rule on it
 * took ~19 s on the main thread, so the webhook was answered after GitHub's 10 s deadline and nothing else (other
 * deliveries, the health endpoint) was served meanwhile. `analyzeInWorker` runs the one pipeline (`core/analyze.ts`)
 * in a worker thread and hands back its result; the main thread only waits.
 *
 * A pool of long-lived workers (`IAM_POLICY_REVIEW_WORKERS`, default 1; 0 runs in-thread) loads the engine once
 * each (~70 MB of RSS per worker; the server warms them up at start, so the first webhook does not pay for it). A job whose caller gives up (time budget, shutdown) terminates its worker: the work it was
 * doing is no longer wanted, and a fresh worker replaces it on the next job. Input and output are plain data
 * (structured clone): the files Terraform's `file()` reads travel as maps, and an analysis that calls IAM Access
 * Analyzer (an SDK client cannot cross threads) runs in-thread.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { AnalysisResult, AnalyzeInput } from "../core/analyze.ts";
import type { ChangedPath, Finding, SourceFile } from "../types.ts";
import type { Config } from "../core/config.ts";

/** An analysis as plain data: `AnalyzeInput` with the `file()` targets as maps and no Access Analyzer runner. */
export interface WorkerJobInput {
  files: readonly SourceFile[];
  fileTargets?: ReadonlyMap<string, string>;
  base?: { changed: readonly ChangedPath[]; files: readonly SourceFile[]; fileTargets?: ReadonlyMap<string, string> };
  config: Config;
  readFindings?: readonly Finding[];
}

/** The pipeline's input from the plain job (functions rebuilt from the maps). */
export function toAnalyzeInput(job: WorkerJobInput): AnalyzeInput {
  const { fileTargets, base, ...rest } = job;
  return {
    ...rest,
    ...(fileTargets ? { readFile: (path: string) => fileTargets.get(path) } : {}),
    ...(base
      ? {
          base: {
            changed: base.changed,
            files: base.files,
            ...(base.fileTargets ? { readFile: (path: string) => base.fileTargets!.get(path) } : {}),
          },
        }
      : {}),
  };
}

/** Loaded where the analysis runs (in the worker; in the main thread only without workers). */
const loadAnalyze = async () => (await import("../core/analyze.ts")).analyze;

type Job = { id: number; input: WorkerJobInput };
type Answer =
  { id: number; ok: true; result: AnalysisResult } | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

const ROLE = "iam-policy-review:analysis";

/** The V8 heap one analysis worker may use, in MB (issue #12: no pull request can exhaust the server's memory). */
export const ANALYSIS_HEAP_MB = 512;

// Worker side: answer each job with the result or the error.
if (!isMainThread && (workerData as { role?: string } | undefined)?.role === ROLE && parentPort) {
  const port = parentPort;
  port.on("message", (job: Job) => {
    loadAnalyze()
      .then((analyze) => analyze(toAnalyzeInput(job.input)))
      .then(
        (result) => port.postMessage({ id: job.id, ok: true, result } satisfies Answer),
        (error: unknown) => {
          const e = error instanceof Error ? error : new Error(String(error));
          port.postMessage({
            id: job.id,
            ok: false,
            error: { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) },
          } satisfies Answer);
        },
      );
  });
}

/** Workers in the pool: `IAM_POLICY_REVIEW_WORKERS` (0: in-thread), default 1. */
export function workerCount(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.IAM_POLICY_REVIEW_WORKERS);
  if (env.IAM_POLICY_REVIEW_WORKERS !== undefined && Number.isInteger(value) && value >= 0) return Math.min(value, 16);
  return 1;
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: AnalysisResult) => void; reject: (e: Error) => void }>;
}
class Pool {
  readonly #slots: Array<Slot | undefined>;
  #next = 0;
  #ids = 0;
  constructor(size: number) {
    this.#slots = Array.from({ length: size }, () => undefined);
  }

  #spawn(index: number): Slot {
    // A capped heap (issue #12): a pull request whose files exhaust it costs that worker and that analysis (the check
    // concludes it could not be analysed), never the server.
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { role: ROLE },
      resourceLimits: { maxOldGenerationSizeMb: ANALYSIS_HEAP_MB, maxYoungGenerationSizeMb: 16 },
    });
    worker.unref(); // an idle pool never keeps the process alive
    const slot: Slot = { worker, pending: new Map() };
    const failAll = (error: Error) => {
      for (const job of slot.pending.values()) job.reject(error);
      slot.pending.clear();
      if (this.#slots[index] === slot) this.#slots[index] = undefined;
    };
    worker.on("message", (answer: Answer) => {
      const job = slot.pending.get(answer.id);
      if (!job) return;
      slot.pending.delete(answer.id);
      if (answer.ok) job.resolve(answer.result);
      else job.reject(Object.assign(new Error(answer.error.message), { name: answer.error.name, stack: answer.error.stack }));
    });
    worker.on("error", (error: Error & { code?: string }) =>
      failAll(
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? new Error(`The analysis reached its memory limit (${ANALYSIS_HEAP_MB} MB).`, { cause: error })
          : new Error("The analysis worker crashed.", { cause: error }),
      ),
    );
    worker.on("exit", (code) => failAll(new Error(`The analysis worker exited (code ${code}).`)));
    this.#slots[index] = slot;
    return slot;
  }

  run(input: WorkerJobInput, signal?: AbortSignal): Promise<AnalysisResult> {
    const index = this.#next++ % this.#slots.length;
    const slot = this.#slots[index] ?? this.#spawn(index);
    const id = ++this.#ids;
    return new Promise<AnalysisResult>((resolve, reject) => {
      const onAbort = () => {
        slot.pending.delete(id);
        reject(signal!.reason instanceof Error ? signal!.reason : new Error("The analysis was stopped."));
        // The worker is busy with work nobody wants any more: replace it, unless it also holds another analysis's
        // job (that one must not fail for this one's budget; the wasted work then just runs out).
        if (slot.pending.size === 0) void slot.worker.terminate();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      const finish = () => {
        signal?.removeEventListener("abort", onAbort);
        if (slot.pending.size === 0) slot.worker.unref();
      };
      slot.pending.set(id, {
        resolve: (result) => {
          finish();
          resolve(result);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      });
      slot.worker.ref(); // busy: keep the process alive until the answer
      slot.worker.postMessage({ id, input } satisfies Job);
    });
  }
}

let pool: Pool | undefined;

/**
 * The one pipeline (`core/analyze.ts`) in a worker thread (see the module comment). Rejects with `signal`'s
 * reason when it aborts.
 */
export async function analyzeInWorker(input: WorkerJobInput, signal?: AbortSignal): Promise<AnalysisResult> {
  const size = workerCount();
  if (size === 0) return (await loadAnalyze())(toAnalyzeInput(input));
  pool ??= new Pool(size);
  return pool.run(input, signal);
}

/**
 * Starts the workers and has each load the engine (rules, IAM data, parsers) by analysing one small policy of each
 * format, so the first webhook is not slowed by it. For the server at start; resolves when every worker is ready.
 */
export async function warmUpWorkers(config: Config): Promise<void> {
  const size = workerCount();
  if (size === 0) return;
  // One file of each format, so the YAML parser and the Terraform grammar (WebAssembly) are loaded too.
  const files = [
    { path: "warm-up.json", text: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' },
    {
      path: "warm-up.yaml",
      text: "Resources:\n  R:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: !Sub 'arn:aws:s3:::${AWS::StackName}/*'\n",
    },
    {
      path: "warm-up/main.tf",
      text: 'data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ["s3:GetObject"]\n    resources = ["*"]\n  }\n}\n',
    },
  ];
  const input: WorkerJobInput = {
    files,
    base: { changed: files.map((f) => ({ path: f.path, basePath: f.path, status: "added" as const })), files: [] },
    config,
  };
  await Promise.all(Array.from({ length: size }, () => analyzeInWorker(input)));
}

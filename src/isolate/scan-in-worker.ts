/**
 * A fixed memory bound for the CLI (issue #12). A scan whose files add up to more than `ISOLATE_ABOVE_BYTES` is
 * analysed in a worker thread with a capped heap and a small young generation (V8 would otherwise grow the young
 * generation to ~100 MB under one large file's burst of allocations). An analysis over the cap costs a warning on
 * each file, never the process. Small scans stay in-process: starting a worker costs a cold start, which matters
 * for pre-commit hooks and editors.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { AnalysisResult } from "../core/analyze.ts";
import { inputFinding, WHOLE_FILE } from "../findings.ts";
import { analyzeScan, type ScanAnalysisInput } from "./scan-analysis.ts";

/** Scans of more source text than this (UTF-16 code units) run in the worker. */
export const ISOLATE_ABOVE_CHARS = 1024 * 1024;

/** The heap a CLI analysis may use, in MB. */
export const SCAN_HEAP_MB = 1536;

/** The worker module next to this one, in the same form (sources, compiled modules, or the CLI bundle). */
function workerUrl(): URL {
  return new URL(`./scan-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
}

/** Analyses the scan in-process when it is small, else in a heap-capped worker. Never rejects for the input. */
export function analyzeScanBounded(
  input: ScanAnalysisInput,
  limits: { maxHeapMb?: number; isolateAboveChars?: number } = {},
): Promise<AnalysisResult> {
  const size = input.sources.reduce((total, file) => total + file.text.length, 0);
  if (size <= (limits.isolateAboveChars ?? ISOLATE_ABOVE_CHARS)) return analyzeScan(input);
  const maxHeapMb = limits.maxHeapMb ?? SCAN_HEAP_MB;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (analysis: AnalysisResult): void => {
      if (settled) return;
      settled = true;
      resolve(analysis);
    };
    const worker = new Worker(workerUrl(), {
      workerData: input,
      ...(process.execArgv.some((flag) => flag.startsWith("--input-type"))
        ? { execArgv: process.execArgv.filter((flag) => !flag.startsWith("--input-type")) }
        : {}),
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    });
    worker.once("message", (analysis: AnalysisResult) => {
      settle(analysis);
      void worker.terminate();
    });
    worker.once("error", (error: Error & { code?: string }) => {
      const reason =
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `the analysis reached its memory limit (${maxHeapMb} MB)`
          : `the analysis failed (${error.name}); this is a bug in the tool, please report it`;
      settle(failed(input, reason));
    });
    worker.once("exit", (code) => settle(failed(input, `the analysis stopped unexpectedly (exit code ${code})`)));
  });
}

function failed(input: ScanAnalysisInput, reason: string): AnalysisResult {
  return {
    notAnalysed: `the analysis could not finish: ${reason}`,
    policies: [],
    findings: [
      ...(input.readFindings ?? []),
      ...input.sources.map((file) => inputFinding(file.path, WHOLE_FILE, "warning", `This file was not analysed: ${reason}.`, "isolation")),
    ],
    suppressed: [],
    complete: false,
  };
}

/**
 * Issue #12: the App's analysis runs where an out-of-memory cannot take down the server — a worker thread with a
 * capped heap. Over the cap, the changed files get a warning saying so (never a silent pass) and this process
 * carries on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { reviewChangesIsolated } from "../../src/isolate/review-in-worker.ts";
import { DEFAULT_CONFIG } from "../../src/core/config.ts";

const config = structuredClone(DEFAULT_CONFIG);

test("a review in the worker returns the same findings as in-process", async () => {
  const text = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }, null, 2);
  const review = await reviewChangesIsolated({
    changed: [{ path: "admin.json", basePath: "admin.json", status: "added" }],
    headFiles: [{ path: "admin.json", text }],
    baseFiles: [],
    config,
  });
  assert.equal(review.policies.length, 1);
  assert.ok(review.findings.some((f) => f.ruleId === "no-admin-access" && f.line === 6));
});

test("a review that exhausts the worker's heap cap becomes a warning on each changed file, and this process goes on", async () => {
  // 40,000 statements need far more than a 16 MB heap; the cap, not the machine, decides.
  const statements = Array.from({ length: 40_000 }, (_, i) => ({
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::b${i}/*`,
  }));
  const text = JSON.stringify({ Version: "2012-10-17", Statement: statements });
  const review = await reviewChangesIsolated(
    {
      changed: [{ path: "big.json", basePath: "big.json", status: "added" }],
      headFiles: [{ path: "big.json", text }],
      baseFiles: [],
      config,
    },
    { maxHeapMb: 16 },
  );
  assert.deepEqual(
    review.findings.map((f) => [f.file, f.ruleId, f.severity, f.message]),
    [["big.json", "unparsed-input", "warning", "This file was not analysed: the analysis reached its memory limit (16 MB)."]],
  );
  assert.equal(review.policies.length, 0);
  // The server process is alive and can run the next review.
  const next = await reviewChangesIsolated({ changed: [], headFiles: [], baseFiles: [], config });
  assert.deepEqual(next.findings, []);
});

test("the CLI analyses a large scan in a heap-capped worker: same findings as in-process, and a warning per file over the cap", async () => {
  const { analyzeScanBounded } = await import("../../src/isolate/scan-in-worker.ts");
  const text = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }, null, 2);
  const input = { sources: [{ path: "admin.json", text }], cwd: process.cwd(), roots: [process.cwd()], config };
  const inProcess = await analyzeScanBounded(input);
  const inWorker = await analyzeScanBounded(input, { isolateAboveChars: 0 });
  assert.deepEqual(inWorker.findings, inProcess.findings);
  assert.ok(inWorker.findings.some((f) => f.ruleId === "no-admin-access"));

  const statements = Array.from({ length: 40_000 }, (_, i) => ({
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::b${i}/*`,
  }));
  const big = {
    ...input,
    sources: [
      { path: "big.json", text: JSON.stringify({ Statement: statements }) },
      { path: "admin.json", text },
    ],
  };
  const capped = await analyzeScanBounded(big, { isolateAboveChars: 0, maxHeapMb: 16 });
  assert.deepEqual(
    capped.findings.map((f) => `${f.file} ${f.severity} ${f.message}`),
    [
      "big.json warning This file was not analysed: the analysis reached its memory limit (16 MB).",
      "admin.json warning This file was not analysed: the analysis reached its memory limit (16 MB).",
    ],
  );
  // Incomplete, never a pass: the CLI exits 2 on it.
  assert.equal(capped.complete, false);
  assert.equal(capped.notAnalysed, "the analysis could not finish: the analysis reached its memory limit (16 MB)");
  assert.equal(inWorker.complete, true);
});

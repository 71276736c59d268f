/**
 * The worker side of `analyzeScanIsolated` (issue #12): analyses the scan it is sent and posts the analysis back.
 * Runs only inside a worker thread started with resource limits.
 */
import { parentPort, workerData } from "node:worker_threads";
import { analyzeScan, type ScanAnalysisInput } from "./scan-analysis.ts";

parentPort!.postMessage(await analyzeScan(workerData as ScanAnalysisInput));

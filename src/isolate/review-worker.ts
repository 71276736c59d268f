/**
 * The worker side of `reviewChangesIsolated` (issue #12): runs `compareChanges` on the input it is sent and posts
 * the review back. Runs only inside a worker thread started with resource limits.
 */
import { parentPort, workerData } from "node:worker_threads";
import { compareChanges, type ChangeInput } from "../core/compare-changes.ts";

const input = workerData as ChangeInput;
const review = await compareChanges(input);
parentPort!.postMessage(review);

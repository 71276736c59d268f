/**
 * The App's event wiring (issue #6): each webhook event to its handler. No logic here; see src/app/run-review.ts.
 */
import type { Probot } from "probot";
import { handlePullRequest, PULL_REQUEST_EVENTS } from "./handlers/pull-request.ts";
import { handleCheckRunRerequested, handleCheckSuiteRerequested } from "./handlers/check-rerun.ts";
import { handleMergeGroup } from "./handlers/merge-group.ts";
import type { RunReviewOptions } from "./run-review.ts";

/** The App with runner options (tests and the server pass the registry of analyses in flight). */
export function createApp(options: RunReviewOptions = {}): (app: Probot) => void {
  return (app) => {
    app.on([...PULL_REQUEST_EVENTS], (context) => handlePullRequest(context, options));
    app.on("check_run.rerequested", (context) => handleCheckRunRerequested(context, options));
    app.on("check_suite.rerequested", (context) => handleCheckSuiteRerequested(context, options));
    app.on("merge_group.checks_requested", (context) => handleMergeGroup(context, options));
  };
}

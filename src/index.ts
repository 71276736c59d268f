/**
 * The GitHub App (issue #6): wires webhook events to their handlers. No logic here; see src/app/run-review.ts.
 */
import type { Probot } from "probot";
import { handlePullRequest, PULL_REQUEST_EVENTS } from "./app/handlers/pull-request.ts";
import { handleCheckRunRerequested, handleCheckSuiteRerequested } from "./app/handlers/check-rerun.ts";

export default (app: Probot): void => {
  app.on([...PULL_REQUEST_EVENTS], (context) => handlePullRequest(context));
  app.on("check_run.rerequested", (context) => handleCheckRunRerequested(context));
  app.on("check_suite.rerequested", (context) => handleCheckSuiteRerequested(context));
};

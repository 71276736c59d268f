/**
 * The GitHub App (issue #6): the Probot entry. The wiring is src/app/create-app.ts; the work, src/app/run-review.ts.
 */
import { createApp } from "./app/create-app.ts";

export { createApp };
export default createApp();

/**
 * Production entry (`npm start`, the Docker image): Probot's standard server and environment (APP_ID, PRIVATE_KEY
 * or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL, GHE_HOST/GHE_PROTOCOL), with the App's redacting
 * logger. `probot run ./dist/index.js` works too, but logs with Probot's default logger, which has no redaction.
 */
import { run } from "probot";
import app from "../index.ts";
import { createLog } from "./log.ts";

await run(app, { log: createLog() });

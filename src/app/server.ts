/**
 * Production entry (`npm start`, the Docker image): the App's HTTP server (see http-server.ts) with Probot's
 * standard environment (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL,
 * GHE_HOST/GHE_PROTOCOL) and the App's redacting logger. Refuses to start without a webhook secret (issue #13).
 *
 * Signals: Node installs no default handler for SIGTERM, and as PID 1 in a container (the Docker image runs
 * `node` directly) the kernel ignores a signal nobody handles; the handler below is what makes `docker stop` and a
 * Kubernetes scale-down stop the App cleanly, concluding the analyses in flight within the grace period.
 */
import { startupProblems, shutdownGraceMs } from "./startup.ts";

const problems = startupProblems(process.env);
if (problems.length > 0) {
  process.stderr.write(`IAM Policy Review cannot start:\n${problems.map((p) => `- ${p}`).join("\n")}\n`);
  process.exit(1);
}

const { createProbot } = await import("probot");
const { createLog } = await import("./log.ts");
const { inFlight } = await import("./in-flight.ts");
const { createAppServer, shutdownOnSignals } = await import("./http-server.ts");

const { warmUpWorkers } = await import("./analysis-worker.ts");
const { DEFAULT_CONFIG } = await import("../core/config.ts");

const log = createLog();
// The analysis workers load the engine before the first webhook (it would otherwise pay ~1–3 s for it).
await warmUpWorkers(structuredClone(DEFAULT_CONFIG));
const probot = createProbot({ overrides: { log } });
const app = await createAppServer({ probot, registry: inFlight, log });
shutdownOnSignals(process, app, { graceMs: shutdownGraceMs(), exit: (code) => process.exit(code), log });
const port = Number(process.env.PORT ?? 3000);
const address = await app.listen(Number.isInteger(port) ? port : 3000, process.env.HOST ?? "localhost");
log.info({ port: address.port, host: address.address }, "listening; webhooks at /api/github/webhooks, health at /health");

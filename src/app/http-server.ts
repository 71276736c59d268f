/**
 * The App's HTTP server (issue #13): Probot's webhook middleware, plus
 * - `GET /health`: 200 while accepting webhooks, 503 once shutting down (Docker HEALTHCHECK, load balancers). The
 *   analysis runs off the event loop (see analysis-worker.ts), so this answers during an analysis;
 * - `GET /ping`: Probot's "PONG";
 * - graceful shutdown: stop accepting connections, answer webhooks still arriving with 503 (GitHub records the
 *   delivery as failed, so it can be redelivered), stop every analysis in flight and wait, within the grace
 *   period, until each has concluded its check run "Interrupted — re-run".
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, type Probot } from "probot";
import type { Logger } from "probot";
import { createApp } from "./create-app.ts";
import type { InFlight } from "./in-flight.ts";
import type { RunReviewOptions } from "./run-review.ts";

export interface AppServer {
  server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting webhooks and concludes the analyses in flight; resolves with how many did not finish in time. */
  shutdown(graceMs: number): Promise<number>;
}

export async function createAppServer(options: {
  probot: Probot;
  registry: InFlight;
  log: Logger;
  runOptions?: RunReviewOptions;
}): Promise<AppServer> {
  const { registry, log } = options;
  const middleware = await createNodeMiddleware(createApp({ ...options.runOptions, registry }), { probot: options.probot });
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/health") {
      if (registry.closing) return json(res, 503, { status: "shutting down" });
      return json(res, 200, { status: "ok", analyses: registry.size });
    }
    if (req.method === "GET" && path === "/ping") return res.writeHead(200, { "content-type": "text/plain" }).end("PONG");
    if (registry.closing) {
      // Not handled: GitHub marks the delivery failed, and it can be redelivered to a running instance.
      return json(res, 503, { error: "The app is shutting down; redeliver this webhook." }, { connection: "close", "retry-after": "5" });
    }
    void middleware(req, res, () => json(res, 404, { error: "Not found" }));
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    async shutdown(graceMs) {
      log.info({ analyses: registry.size, graceMs }, "shutting down: no new webhooks, concluding the analyses in flight");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const left = await registry.shutdown(graceMs);
      // The deliveries of the stopped analyses finish writing their answers; then nothing is left to wait for.
      // Connections that fall idle (keep-alive) are closed as they do.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(registry.remainingMs(), 100))))]);
      clearTimeout(timer);
      clearInterval(idle);
      server.closeAllConnections();
      await closed;
      if (left > 0) log.error({ left }, "analyses still running at the end of the grace period");
      else log.info("every analysis in flight concluded");
      return left;
    },
  };
}

/**
 * Shuts the server down on the first `SIGTERM` or `SIGINT` from `signals` (the process, or a test's emitter),
 * then calls `exit` (0 when every analysis concluded in time, else 1). A second signal exits at once.
 */
export function shutdownOnSignals(
  signals: NodeJS.EventEmitter,
  app: Pick<AppServer, "shutdown">,
  options: { graceMs: number; exit: (code: number) => void; log: Logger },
): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) {
      options.log.warn({ signal }, "second signal: exiting now");
      options.exit(1);
      return;
    }
    stopping = true;
    options.log.info({ signal }, "signal received");
    app.shutdown(options.graceMs).then(
      (left) => options.exit(left > 0 ? 1 : 0),
      (error: unknown) => {
        options.log.error({ err: error }, "shutdown failed");
        options.exit(1);
      },
    );
  };
  signals.on("SIGTERM", () => onSignal("SIGTERM"));
  signals.on("SIGINT", () => onSignal("SIGINT"));
}

/**
 * The App's logger: pino, JSON lines, level from `LOG_LEVEL`, with redaction so that no log line carries a webhook
 * payload, a request or response body (file contents, policy text, review comments), a token or a signature
 * (issue #6). Probot logs every event at debug (`Webhook received`, with the payload), every GitHub request at
 * debug (with its body) and errors with the event attached; these paths cover all three.
 */
import { pino, type DestinationStream, type Logger } from "pino";

/** Paths removed from every log line (after serialization). */
export const REDACT_PATHS: readonly string[] = [
  // Probot's "Webhook received" line: `{ event: { id, name, payload } }`.
  "event.payload",
  // Octokit's request logging spreads the request body into the line: checks (output), reviews (body, comments).
  "body",
  "output",
  "comments",
  "content",
  // pino-http's request line (Probot's server).
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-hub-signature"]',
  'req.headers["x-hub-signature-256"]',
  "res.headers",
];

const CENSOR = "[redacted]";

interface LoggableError {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  status?: unknown;
  request?: { method?: unknown; url?: unknown };
  event?: { id?: unknown; name?: unknown };
  errors?: unknown;
}

/**
 * Errors are reduced to what helps to debug and cannot leak: type, message, stack, HTTP status and route, and the
 * event's id and name. An Octokit `RequestError` also holds the request (with its body) and the response (with
 * file contents), and @octokit/webhooks attaches the whole event (payload) to errors; none of those is logged.
 */
export function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value; // our own fields, already safe (see describeError)
  const e = value as LoggableError;
  const out: Record<string, unknown> = { type: e.name, message: e.message, stack: e.stack };
  if (typeof e.status === "number") out.status = e.status;
  if (e.request && typeof e.request.url === "string") {
    out.route = `${String(e.request.method)} ${new URL(e.request.url, "https://api.github.com").pathname}`;
  }
  if (e.event && typeof e.event === "object") out.event = { id: e.event.id, name: e.event.name };
  if (Array.isArray(e.errors)) out.errors = e.errors.map(serializeError);
  return out;
}

export interface LogOptions {
  level?: string;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
}

/** The logger to hand to Probot (`run(app, { log })`, or `new Probot({ log })`). */
export function createLog(options: LogOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  return pino(
    {
      name: "probot",
      level,
      redact: { paths: [...REDACT_PATHS], censor: CENSOR },
      serializers: { err: serializeError },
    },
    options.destination ?? pino.destination(1),
  );
}

/**
 * Test support for the App: a real Probot instance with the App loaded, webhook payloads from
 * @octokit/webhooks-examples, and GitHub faked at the HTTP layer with nock (no network).
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import { Writable } from "node:stream";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import app from "../../src/index.ts";
import { createLog } from "../../src/app/log.ts";

export const API = "https://api.github.com";
export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const PR = 7;
export const INSTALLATION = 1;
export const APP_ID = 1;
export const CHECK_RUN_ID = 42;
export const HEAD = "3f1f8c0a1b2c3d4e5f60718293a4b5c6d7e8f901";
export const BASE = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d";
export const BEFORE = "0a0b0c0d0e0f1a1b1c1d1e1f2a2b2c2d2e2f3a3b";
export const TOKEN = "ghs_TestInstallationToken0123456789abcdef";
export const REPO_PATH = `/repos/${OWNER}/${REPO}`;

const require = createRequire(import.meta.url);
const definitions = require("@octokit/webhooks-examples") as WebhookDefinition[];

/** The fields of example payloads the tests read or override (the rest is kept as is). */
interface Loose {
  [key: string]: unknown;
}
export interface PullRequestPayload extends Loose {
  action: string;
  number: number;
  installation: { id: number; node_id: string };
  repository: Loose & { id: number };
  pull_request: Loose & {
    number: number;
    draft: boolean;
    state: string;
    title: string;
    body: string | null;
    changed_files: number;
    head: Loose & { sha: string };
    base: Loose & { sha: string };
  };
  before?: string;
  after?: string;
}
export interface CheckRunPayload extends Loose {
  installation: { id: number; node_id: string };
  repository: Loose & { id: number };
  check_run: Loose & { name: string; head_sha: string; pull_requests: unknown[] };
}
export interface CheckSuitePayload extends Loose {
  installation: { id: number; node_id: string };
  repository: Loose & { id: number };
  check_suite: Loose & { id: number; head_sha: string; pull_requests: unknown[] };
}

/** A deep copy of the first example of `name` with `action` that has an installation. */
export function example<T extends Loose>(name: string, action: string): T {
  const definition = definitions.find((d) => d.name === name);
  const found = definition?.examples.find((e) => (e as { action?: string }).action === action && "installation" in e && e.installation);
  assert.ok(found, `no example ${name}.${action} with an installation`);
  return structuredClone(found) as unknown as T;
}

/** A pull_request payload for PR {@link PR} of the test repository at {@link HEAD}/{@link BASE}. */
export function pullRequestPayload(action = "opened", overrides: { draft?: boolean; changedFiles?: number } = {}): PullRequestPayload {
  const payload = example<PullRequestPayload>(
    "pull_request",
    action === "synchronize" || action === "ready_for_review" || action === "reopened" ? action : "opened",
  );
  payload.action = action;
  payload.number = PR;
  payload.installation = { id: INSTALLATION, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  payload.pull_request.number = PR;
  payload.pull_request.draft = overrides.draft ?? false;
  payload.pull_request.state = "open";
  payload.pull_request.head.sha = HEAD;
  payload.pull_request.base.sha = BASE;
  payload.pull_request.changed_files = overrides.changedFiles ?? 1;
  if (action === "synchronize") {
    payload.before = BEFORE;
    payload.after = HEAD;
  }
  return payload;
}

let privateKey: string | undefined;

/** One RSA key per test process, generated at test time (never a key in the repository). */
export function testPrivateKey(): string {
  privateKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  }).privateKey;
  return privateKey;
}

/** Collects log lines written by pino. */
export class LogCapture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  get lines(): Array<Record<string, unknown>> {
    return this.text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/**
 * Probot's Octokit without retries and without write pacing. A plain `ProbotOctokit.defaults({ throttle: { enabled:
 * false } })` does not stick: Probot passes its own `throttle` options (rate-limit callbacks) to the constructor,
 * which replace the defaults' object, so plugin-throttling stays on and spaces writes 1 s apart. A function default
 * sees those options and can switch it off.
 */
export function testOctokit(): typeof ProbotOctokit {
  return ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    retry: { enabled: false },
    throttle: { ...(options.throttle as object | undefined), enabled: false },
  }));
}

/**
 * A fresh Probot with the App loaded (a fresh token cache per test), logging everything down to trace through the
 * App's redacting logger into `logs`.
 */
export async function createTestProbot(logs = new LogCapture(), load = true): Promise<{ probot: Probot; logs: LogCapture }> {
  const probot = new Probot({
    appId: APP_ID,
    privateKey: testPrivateKey(),
    secret: "test",
    log: createLog({ level: "trace", destination: logs }),
    Octokit: testOctokit(),
  });
  if (load) await probot.load(app);
  return { probot, logs };
}

// ---------------------------------------------------------------------------------------------------------------
// Files and patches

export interface FileSpec {
  path: string;
  status: "added" | "modified" | "removed" | "renamed";
  previous?: string;
  /** Text at the head commit (absent for removed files). */
  head?: string;
  /** Text at the base commit, under `previous ?? path` (absent for added files). */
  base?: string;
  /** The patch GitHub lists; default: computed from head/base; null: none (binary or too large). */
  patch?: string | null;
}

/** The patch of an added file: one hunk of added lines. */
export function addedPatch(text: string): string {
  const lines = text.replace(/\n$/, "").split("\n");
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join("\n");
}

/**
 * One hunk covering head lines `from`..`to` (1-based) of two versions with the same line count: changed lines as
 * -/+ pairs, the others as context.
 */
export function hunkPatch(base: string, head: string, from: number, to: number): string {
  const b = base.split("\n");
  const h = head.split("\n");
  const body: string[] = [];
  for (let i = from - 1; i < to; i++) {
    if (b[i] === h[i]) body.push(` ${h[i]}`);
    else body.push(`-${b[i]}`, `+${h[i]}`);
  }
  const n = to - from + 1;
  return [`@@ -${from},${n} +${from},${n} @@`, ...body].join("\n");
}

function patchOf(file: FileSpec): string | undefined {
  if (file.patch === null) return undefined;
  if (file.patch !== undefined) return file.patch;
  if (file.status === "added" && file.head !== undefined) return addedPatch(file.head);
  if (file.status === "removed" && file.base !== undefined) {
    const lines = file.base.replace(/\n$/, "").split("\n");
    return [`@@ -1,${lines.length} +0,0 @@`, ...lines.map((l) => `-${l}`)].join("\n");
  }
  return undefined;
}

export function listedFile(file: FileSpec): Record<string, unknown> {
  const patch = patchOf(file);
  return {
    sha: "0".repeat(40),
    filename: file.path,
    status: file.status,
    additions: 1,
    deletions: 0,
    changes: 1,
    blob_url: `https://github.com/${OWNER}/${REPO}/blob/${HEAD}/${file.path}`,
    raw_url: `https://github.com/${OWNER}/${REPO}/raw/${HEAD}/${file.path}`,
    contents_url: `${API}${REPO_PATH}/contents/${file.path}?ref=${HEAD}`,
    ...(patch !== undefined ? { patch } : {}),
    ...(file.previous ? { previous_filename: file.previous } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// GitHub

/** Request bodies as the App sends them (the fields the tests read). */
export interface AnnotationBody {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string;
  title: string;
  message: string;
  raw_details?: string;
}
export interface CheckRunBody {
  name?: string;
  head_sha?: string;
  external_id?: string;
  status?: string;
  conclusion?: string;
  output: { title: string; summary: string; text?: string; annotations: AnnotationBody[] };
}
export interface CommentBody {
  path: string;
  line: number;
  side: string;
  start_line?: number;
  start_side?: string;
  body: string;
}
export interface ReviewBody {
  commit_id: string;
  event: string;
  body: string;
  comments: CommentBody[];
}

export interface Recorded {
  created: CheckRunBody[];
  updates: CheckRunBody[];
  reviews: ReviewBody[];
  commentEdits: Array<{ id: number; body: { body: string } }>;
  staleUpdates: Array<{ id: number; body: CheckRunBody }>;
  /** Review threads resolved through GraphQL (`resolveReviewThread`), by thread id. */
  resolvedThreads: string[];
  /** Check-run updates the fake refused (see `updateStatuses`). */
  refusedUpdates: CheckRunBody[];
  /** Paths read with the raw media type (files over 1 MB). */
  rawReads: string[];
  /** Every request that reached the fake, as "METHOD path". */
  requests: string[];
  /** Authorization headers seen (to check the token never reaches the logs). */
  authorizations: string[];
  /** Requests the fake never answered, as "METHOD path" (see `listFilesHangs`). */
  unanswered: string[];
}

export interface FakeOptions {
  files: FileSpec[];
  /** Text of .github/iam-policy-review.yml on the default branch (default: none, both names 404). */
  config?: string;
  /** Our earlier review comments (`pulls.listReviewComments`). */
  existingComments?: Array<Record<string, unknown>>;
  /** Check runs listed for the head commit (stale-run sweep). */
  checkRunsOnHead?: Array<Record<string, unknown>>;
  /** Whether the stale-run sweep also lists {@link BEFORE} (synchronize). */
  sweepBefore?: boolean;
  /** HTTP status for `pulls.listFiles` (default 200). */
  listFilesStatus?: number;
  /**
   * `pulls.listFiles` never answers (recorded in `unanswered`): a client that waits for it waits forever, and
   * node:test fails such a test when nothing else is left to run.
   */
  listFilesHangs?: boolean;
  /** Whether the flow is expected to post a review (an interceptor is set only then). */
  expectReview?: boolean;
  /** How many PATCHes of our check run are expected. */
  expectUpdates?: number;
  /** How many review comments are expected to be edited (resolved). */
  expectCommentEdits?: number;
  /** Whether the flow lists the files after reading the config (default true). */
  listsFiles?: boolean;
  /** Whether the flow lists the review comments (default: when it lists files). */
  listsComments?: boolean;
  /** Whether the flow reads the config and lists files (false for flows that stop earlier). */
  expectFiles?: boolean;
  /** Other files present at the head commit only (module siblings). */
  headExtra?: Record<string, string>;
  /** The pull request's review threads (GraphQL), each started by the REST comment `commentId`. */
  threads?: Array<{ id: string; isResolved: boolean; commentId: number }>;
  /** How many threads the flow is expected to resolve (default: those of our comments, when edits are expected). */
  resolves?: number;
  /** A merge group's check: files from the base…head compare, no comments, no review. */
  mergeGroup?: boolean;
  /** Status of each check-run PATCH in turn (default 200 for all), e.g. [422, 200] to refuse the first. */
  updateStatuses?: number[];
  /** Other files present at the base commit only. */
  baseExtra?: Record<string, string>;
}

/** Installation token: Probot asks for one per installation and caches it. */
export function tokenScope(): nock.Scope {
  return nock(API)
    .post(`/app/installations/${INSTALLATION}/access_tokens`)
    .reply(201, {
      token: TOKEN,
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions: { checks: "write", pull_requests: "write", contents: "read", metadata: "read" },
      repository_selection: "all",
    });
}

function contentsEntry(path: string, text: string): Record<string, unknown> {
  const content = Buffer.from(text, "utf8");
  const big = content.length > 1024 * 1024;
  return {
    type: "file",
    name: path.split("/").pop(),
    path,
    sha: "1".repeat(40),
    size: content.length,
    encoding: big ? "none" : "base64",
    content: big ? "" : content.toString("base64"),
  };
}

/**
 * Sets up GitHub for one analysis of {@link PR}. The returned scope holds every interceptor the flow must use
 * (assert `scope.isDone()`); contents reads are answered by a persisted interceptor in `contents`.
 */
export function fakeGitHub(options: FakeOptions): { scope: nock.Scope; contents: nock.Scope; recorded: Recorded } {
  const recorded: Recorded = {
    created: [],
    updates: [],
    reviews: [],
    commentEdits: [],
    staleUpdates: [],
    resolvedThreads: [],
    refusedUpdates: [],
    rawReads: [],
    requests: [],
    authorizations: [],
    unanswered: [],
  };
  // nock 15 calls reply functions with the fetch Request (and `this` is the interceptor).
  const record = (method: string, req: Request): URL => {
    const url = new URL(req.url);
    recorded.requests.push(`${method} ${decodeURIComponent(url.pathname)}`);
    const auth = req.headers.get("authorization");
    if (auth) recorded.authorizations.push(auth);
    return url;
  };
  // The tests assert the shapes; the fake only records what was sent.
  const bodyOf = async <T>(req: Request): Promise<T> => (await req.clone().json()) as T;

  const head = new Map<string, string>();
  const base = new Map<string, string>();
  for (const f of options.files) {
    if (f.head !== undefined && f.status !== "removed") head.set(f.path, f.head);
    if (f.base !== undefined && f.status !== "added") base.set(f.previous ?? f.path, f.base);
  }
  for (const [path, text] of Object.entries(options.headExtra ?? {})) head.set(path, text);
  for (const [path, text] of Object.entries(options.baseExtra ?? {})) base.set(path, text);

  const scope = tokenScope();
  scope.post(`${REPO_PATH}/check-runs`).reply(201, async (req: Request) => {
    record("POST", req);
    recorded.created.push(await bodyOf<CheckRunBody>(req));
    return {
      id: CHECK_RUN_ID,
      head_sha: HEAD,
      name: "IAM Policy Review",
      status: "in_progress",
      html_url: `https://github.com/${OWNER}/${REPO}/runs/${CHECK_RUN_ID}`,
      app: { id: APP_ID, slug: "iam-policy-review" },
    };
  });
  const sweep = [HEAD, ...(options.sweepBefore ? [BEFORE] : [])];
  for (const sha of sweep) {
    scope
      .get(`${REPO_PATH}/commits/${sha}/check-runs`)
      .query(true)
      .reply(200, (req: Request) => {
        record("GET", req);
        const runs = sha === HEAD ? (options.checkRunsOnHead ?? []) : [];
        return { total_count: runs.length, check_runs: runs };
      });
  }
  for (const run of options.checkRunsOnHead ?? []) {
    // Every other in_progress run of ours on the head commit is superseded by the new analysis.
    if (run.status !== "in_progress" || run.id === CHECK_RUN_ID || (run.app as { id?: number } | undefined)?.id !== APP_ID) continue;
    scope.patch(`${REPO_PATH}/check-runs/${String(run.id)}`).reply(200, async (req: Request) => {
      record("PATCH", req);
      recorded.staleUpdates.push({ id: Number(run.id), body: await bodyOf<CheckRunBody>(req) });
      return { id: run.id };
    });
  }

  if (options.expectFiles !== false) {
    // Config: .yml, then .yaml, on the default branch (no ref), raw.
    scope.get(`${REPO_PATH}/contents/.github%2Fiam-policy-review.yml`).reply((req: Request) => {
      record("GET", req);
      assert.equal(req.headers.get("accept"), "application/vnd.github.raw");
      return options.config === undefined
        ? [404, { message: "Not Found" }]
        : [200, options.config, { "content-type": "text/plain; charset=utf-8" }];
    });
    if (options.config === undefined)
      scope.get(`${REPO_PATH}/contents/.github%2Fiam-policy-review.yaml`).reply(404, { message: "Not Found" });
  }
  if (options.expectFiles !== false && options.listsFiles !== false && options.mergeGroup) {
    scope.get(`${REPO_PATH}/compare/${BASE}...${HEAD}`).reply((req: Request) => {
      record("GET", req);
      return [200, { status: "ahead", ahead_by: 1, behind_by: 0, total_commits: 1, commits: [], files: options.files.map(listedFile) }];
    });
  } else if (options.expectFiles !== false && options.listsFiles !== false) {
    const listFiles = scope.get(`${REPO_PATH}/pulls/${PR}/files`).query({ per_page: "100" });
    listFiles.reply((req: Request) => {
      const url = record("GET", req);
      if (options.listFilesHangs) {
        recorded.unanswered.push(`GET ${decodeURIComponent(url.pathname)}`);
        return new Promise<never>(() => {});
      }
      const status = options.listFilesStatus ?? 200;
      return status === 200 ? [200, options.files.map(listedFile)] : [status, { message: "Server Error" }];
    });
  }

  if (options.listsComments ?? (options.expectFiles !== false && options.listsFiles !== false && !options.mergeGroup)) {
    scope
      .get(`${REPO_PATH}/pulls/${PR}/comments`)
      .query(true)
      // Listed again just before a review is posted (another analysis may have posted meanwhile).
      .times(options.expectReview ? 2 : 1)
      .reply(200, (req: Request) => {
        record("GET", req);
        return options.existingComments ?? [];
      });
  }
  if (options.expectReview) {
    scope.post(`${REPO_PATH}/pulls/${PR}/reviews`).reply(200, async (req: Request) => {
      record("POST", req);
      recorded.reviews.push(await bodyOf<ReviewBody>(req));
      return { id: 1000, state: "COMMENTED" };
    });
  }
  if ((options.expectCommentEdits ?? 0) > 0) {
    scope
      .patch(/\/repos\/Codertocat\/Hello-World\/pulls\/comments\/\d+$/)
      .times(options.expectCommentEdits!)
      .reply(200, async (req: Request) => {
        const url = record("PATCH", req);
        const id = Number(url.pathname.split("/").pop());
        recorded.commentEdits.push({ id, body: await bodyOf<{ body: string }>(req) });
        return { id };
      });
  }
  if (options.threads) {
    scope
      .post("/graphql")
      .times(1 + (options.resolves ?? options.threads.filter((t) => !t.isResolved && recordedEditsWanted(options, t.commentId)).length))
      .reply(200, async (req: Request) => {
        record("POST", req);
        const { query, variables } = await bodyOf<{ query: string; variables: Record<string, unknown> }>(req);
        if (query.includes("resolveReviewThread")) {
          recorded.resolvedThreads.push(String(variables.threadId));
          return { data: { resolveReviewThread: { thread: { id: variables.threadId, isResolved: true } } } };
        }
        assert.equal(variables.pr, PR);
        const nodes = options.threads!.map((t) => ({
          id: t.id,
          isResolved: t.isResolved,
          comments: { nodes: [{ databaseId: t.commentId }] },
        }));
        return { data: { repository: { pullRequest: { reviewThreads: { pageInfo: { hasNextPage: false, endCursor: null }, nodes } } } } };
      });
  }
  const statuses = [...(options.updateStatuses ?? [])];
  scope
    .patch(`${REPO_PATH}/check-runs/${CHECK_RUN_ID}`)
    .times(options.expectUpdates ?? 1)
    .reply(async (req: Request) => {
      record("PATCH", req);
      const status = statuses.shift() ?? 200;
      const body = await bodyOf<CheckRunBody>(req);
      if (status !== 200) {
        recorded.refusedUpdates.push(body);
        return [status, { message: "Validation Failed", errors: [{ resource: "CheckRun", code: "invalid" }] }];
      }
      recorded.updates.push(body);
      return [200, { id: CHECK_RUN_ID }];
    });

  // Contents at a commit: files, directories (module siblings), 404 otherwise. Persisted: reads are concurrent.
  const contents = nock(API)
    .persist()
    .get((uri) => uri.startsWith(`${REPO_PATH}/contents`) && uri.includes("ref="))
    .reply((req: Request) => {
      const url = record("GET", req);
      const ref = url.searchParams.get("ref");
      const path = decodeURIComponent(url.pathname.slice(`${REPO_PATH}/contents`.length).replace(/^\//, ""));
      const files = ref === HEAD ? head : ref === BASE ? base : new Map<string, string>();
      const text = files.get(path);
      if (text !== undefined) {
        if (req.headers.get("accept") === "application/vnd.github.raw") {
          recorded.rawReads.push(path);
          return [200, text, { "content-type": "application/vnd.github.raw; charset=utf-8" }];
        }
        return [200, contentsEntry(path, text)];
      }
      const prefix = path === "" ? "" : `${path}/`;
      const entries = [...files.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("/"));
      if (entries.length > 0)
        return [200, entries.map((p) => ({ ...contentsEntry(p, files.get(p)!), content: undefined, encoding: undefined }))];
      return [404, { message: "Not Found" }];
    });
  return { scope, contents, recorded };
}

/** Records any request nock could not match (an unexpected GitHub call); loopback requests are the tests' own. */
export function trackUnmatched(): { unmatched: string[]; stop: () => void } {
  const unmatched: string[] = [];
  const listener = (req: Request) => {
    if (new URL(req.url).hostname !== "127.0.0.1") unmatched.push(`${req.method} ${req.url}`);
  };
  nock.emitter.on("no match", listener);
  return { unmatched, stop: () => nock.emitter.removeListener("no match", listener) };
}

/** Whether the flow is expected to mark this existing comment fixed (its thread is then resolved). */
function recordedEditsWanted(options: FakeOptions, commentId: number): boolean {
  return (
    (options.expectCommentEdits ?? 0) > 0 &&
    (options.existingComments ?? []).some(
      (c) => c.id === commentId && (c.user as { login?: string } | undefined)?.login === "iam-policy-review[bot]",
    )
  );
}

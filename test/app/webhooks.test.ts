/**
 * The webhook edge (issue #6): signatures verified over HTTP, re-runs from check_run/check_suite, drafts, and logs
 * that never carry payloads, file contents, policy text or tokens. A real Probot; GitHub faked with nock.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, it } from "node:test";
import { envPerSuite } from "../env-per-suite.ts";
import { nockPerSuite } from "../nock-per-suite.ts";
import type nock from "nock";
import { createNodeMiddleware } from "probot";
import app from "../../src/index.ts";
import {
  BASE,
  type CheckRunPayload,
  type CheckSuitePayload,
  createTestProbot,
  example,
  fakeGitHub,
  HEAD,
  LogCapture,
  PR,
  pullRequestPayload,
  REPO_PATH,
  testPrivateKey,
  TOKEN,
  trackUnmatched,
  type FileSpec,
} from "./fake-github.ts";

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PolicyTextMarkerSid",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}
`;
const KEY_ID = "AKIAZ7Q3MNBVCXZLKJHG";
const SECRET = "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";
const ENV_FILE = `AWS_ACCESS_KEY_ID=${KEY_ID}\naws_secret_access_key=${SECRET}\n`;

let unmatched: ReturnType<typeof trackUnmatched>;

/** For each suite: the local server is the one connection allowed; each test's env changes and tracking end with it. */
function isolated(): void {
  nockPerSuite({ allow: "127.0.0.1" });
  envPerSuite();
  afterEach(() => unmatched?.stop());
}

function sign(body: string, secret = "test"): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

async function listen(): Promise<{ server: Server; url: string; logs: LogCapture }> {
  const { probot, logs } = await createTestProbot(new LogCapture(), false);
  const middleware = await createNodeMiddleware(app, { probot });
  const server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/api/github/webhooks`, logs };
}

async function deliver(url: string, name: string, id: string, body: string, signature: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": name, "x-github-delivery": id, "x-hub-signature-256": signature },
    body,
  });
}

function pullRequestRef() {
  const repository = pullRequestPayload().repository;
  return {
    url: `https://api.github.com${REPO_PATH}/pulls/${PR}`,
    id: 1,
    number: PR,
    head: { ref: "changes", sha: HEAD, repo: { id: repository.id, url: `https://api.github.com${REPO_PATH}`, name: "Hello-World" } },
    base: { ref: "main", sha: BASE, repo: { id: repository.id, url: `https://api.github.com${REPO_PATH}`, name: "Hello-World" } },
  };
}

function pullsGet(scope: nock.Scope): void {
  scope
    .get(`${REPO_PATH}/pulls/${PR}`)
    .reply(200, { number: PR, state: "open", head: { sha: HEAD }, base: { sha: BASE }, changed_files: 1 });
}

const files: FileSpec[] = [{ path: "iam/admin.json", status: "added", head: POLICY }];

describe("webhook signatures", () => {
  isolated();

  it("refuses a delivery with a bad signature, without any GitHub call or payload in the logs", async () => {
    unmatched = trackUnmatched();
    const { server, url, logs } = await listen();
    try {
      const body = JSON.stringify(pullRequestPayload("opened"));
      const response = await deliver(url, "pull_request", "bad-1", body, sign(body, "not-the-secret"));
      assert.ok([400, 401].includes(response.status), `status ${response.status}`);
      assert.deepEqual(unmatched.unmatched, []);
      assert.ok(!logs.text.includes("Hello-World"), "the payload is not logged");
      assert.match(logs.text, /signature does not match/);
    } finally {
      server.close();
    }
  });

  it("accepts a signed delivery over HTTP and runs the analysis", async () => {
    unmatched = trackUnmatched();
    const { scope, recorded } = fakeGitHub({ files, expectReview: true, expectUpdates: 1 });
    const { server, url } = await listen();
    try {
      const body = JSON.stringify(pullRequestPayload("opened"));
      const response = await deliver(url, "pull_request", "good-1", body, sign(body));
      assert.equal(response.status, 200);
      assert.deepEqual(unmatched.unmatched, []);
      assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
      assert.equal(recorded.updates[0]!.conclusion, "failure");
    } finally {
      server.close();
    }
  });
});

describe("re-runs", () => {
  isolated();

  it("check_run.rerequested: a new run with the same name on the same sha", async () => {
    unmatched = trackUnmatched();
    const { scope, recorded } = fakeGitHub({ files, expectReview: true, expectUpdates: 1 });
    pullsGet(scope);
    const payload = example<CheckRunPayload>("check_run", "rerequested");
    payload.repository = pullRequestPayload().repository;
    payload.installation = { id: 1, node_id: "x" };
    payload.check_run.name = "IAM Policy Review";
    payload.check_run.head_sha = HEAD;
    payload.check_run.pull_requests = [pullRequestRef()];
    const { probot } = await createTestProbot();

    await probot.receive({ id: "rerun-1", name: "check_run", payload: payload as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.deepEqual(
      { name: recorded.created[0]!.name, head_sha: recorded.created[0]!.head_sha, status: recorded.created[0]!.status },
      { name: "IAM Policy Review", head_sha: HEAD, status: "in_progress" },
    );
    assert.equal(recorded.updates[0]!.status, "completed");
  });

  it("check_run.rerequested for another app's check name does nothing", async () => {
    unmatched = trackUnmatched();
    const payload = example<CheckRunPayload>("check_run", "rerequested");
    payload.installation = { id: 1, node_id: "x" };
    const { probot } = await createTestProbot();
    await probot.receive({ id: "rerun-2", name: "check_run", payload: payload as never });
    assert.deepEqual(unmatched.unmatched, []);
  });

  it("check_suite.rerequested of a fork pull request finds it through our run's external_id", async () => {
    unmatched = trackUnmatched();
    const { scope, recorded } = fakeGitHub({ files, expectReview: true, expectUpdates: 1 });
    pullsGet(scope);
    const payload = example<CheckSuitePayload>("check_suite", "rerequested");
    payload.repository = pullRequestPayload().repository;
    payload.installation = { id: 1, node_id: "x" };
    payload.check_suite.head_sha = HEAD;
    payload.check_suite.pull_requests = []; // fork pull requests are not listed
    scope
      .get(`${REPO_PATH}/check-suites/${payload.check_suite.id}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 12, name: "IAM Policy Review", external_id: String(PR) }] });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "rerun-3", name: "check_suite", payload: payload as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.equal(recorded.created[0]!.head_sha, HEAD);
    assert.equal(recorded.created[0]!.external_id, String(PR));
  });

  it("check_suite.rerequested with the pull request in the payload", async () => {
    unmatched = trackUnmatched();
    const { scope, recorded } = fakeGitHub({ files, expectReview: true, expectUpdates: 1 });
    pullsGet(scope);
    const payload = example<CheckSuitePayload>("check_suite", "rerequested");
    payload.repository = pullRequestPayload().repository;
    payload.installation = { id: 1, node_id: "x" };
    payload.check_suite.head_sha = HEAD;
    payload.check_suite.pull_requests = [pullRequestRef()];
    const { probot } = await createTestProbot();

    await probot.receive({ id: "rerun-4", name: "check_suite", payload: payload as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.equal(recorded.updates[0]!.status, "completed");
  });
});

describe("drafts", () => {
  isolated();

  it("skips a draft pull request (no check run) unless IAM_POLICY_REVIEW_ANALYZE_DRAFTS is set", async () => {
    unmatched = trackUnmatched();
    const { probot } = await createTestProbot();
    await probot.receive({ id: "draft-1", name: "pull_request", payload: pullRequestPayload("opened", { draft: true }) as never });
    assert.deepEqual(unmatched.unmatched, []);

    process.env.IAM_POLICY_REVIEW_ANALYZE_DRAFTS = "true";
    const { scope, recorded } = fakeGitHub({ files, expectReview: true, expectUpdates: 1 });
    const { probot: withDrafts } = await createTestProbot();
    await withDrafts.receive({ id: "draft-2", name: "pull_request", payload: pullRequestPayload("opened", { draft: true }) as never });
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.equal(recorded.created.length, 1);
  });
});

describe("logging", () => {
  isolated();

  it("never logs payloads, file contents, policy text, keys or tokens, even at trace level", async () => {
    unmatched = trackUnmatched();
    const withKeys: FileSpec[] = [...files, { path: "deploy/.env", status: "added", head: ENV_FILE }];
    const { scope, recorded } = fakeGitHub({ files: withKeys, expectReview: true, expectUpdates: 1 });
    const { probot, logs } = await createTestProbot();
    const payload = pullRequestPayload("opened", { changedFiles: 2 });
    payload.pull_request.title = "PayloadTitleMarker";
    payload.pull_request.body = "PayloadBodyMarker";

    await probot.receive({ id: "logs-1", name: "pull_request", payload: payload as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    const text = logs.text;
    assert.ok(text.length > 0);
    for (const secret of [
      "PayloadTitleMarker",
      "PayloadBodyMarker",
      "PolicyTextMarkerSid",
      Buffer.from(POLICY).toString("base64").slice(0, 40),
      KEY_ID,
      SECRET,
      TOKEN,
      testPrivateKey().split("\n")[1]!,
      "fingerprint=",
      "suggestion",
    ]) {
      assert.ok(!text.includes(secret), `the logs contain ${secret}`);
    }
    // The useful fields are there: one line per analysis with repo, pull request and delivery.
    const done = logs.lines.find((l) => l.msg === "analysis done");
    assert.deepEqual(
      { repo: done?.repo, pr: done?.pr, delivery: done?.delivery, conclusion: done?.conclusion },
      { repo: "Codertocat/Hello-World", pr: PR, delivery: "logs-1", conclusion: "failure" },
    );
    // And what GitHub receives masks the key in comments and annotations.
    const sent = JSON.stringify([recorded.reviews, recorded.updates]);
    assert.ok(sent.includes(".env"), "the key finding is reported");
    assert.ok(!sent.includes(KEY_ID) && !sent.includes(SECRET), "keys are masked in what is sent to GitHub");
  });

  it("does not log the request bodies or the event of a failed analysis", async () => {
    unmatched = trackUnmatched();
    const { scope } = fakeGitHub({ files, listFilesStatus: 500, listsComments: false, expectUpdates: 1 });
    const { probot, logs } = await createTestProbot();
    const payload = pullRequestPayload("opened");
    payload.pull_request.title = "PayloadTitleMarker";

    await probot.receive({ id: "logs-2", name: "pull_request", payload: payload as never });

    assert.ok(scope.isDone());
    assert.ok(!logs.text.includes("PayloadTitleMarker"));
    const failed = logs.lines.find((l) => l.msg === "analysis failed");
    assert.deepEqual(failed?.err, { status: 500, route: `GET ${REPO_PATH}/pulls/${PR}/files` });
  });
});

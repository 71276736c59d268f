/**
 * The App's server (issue #13): it refuses to start without a webhook secret, answers /health during an analysis,
 * and on SIGTERM stops taking webhooks and concludes the analyses in flight "Interrupted — re-run". The signal is
 * emitted in-process through the injectable `shutdownOnSignals` (no process is killed); the refusal to start runs
 * the real entry point in a child process. GitHub is faked with nock.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { after, afterEach, before, describe, it } from "node:test";
import nock from "nock";
import { createAppServer, shutdownOnSignals } from "../../src/app/http-server.ts";
import { InFlight } from "../../src/app/in-flight.ts";
import { startupProblems } from "../../src/app/startup.ts";
import { createTestProbot, fakeGitHub, pullRequestPayload, trackUnmatched, type FileSpec } from "./fake-github.ts";

let unmatched: ReturnType<typeof trackUnmatched>;
before(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterEach(() => {
  unmatched?.stop();
  nock.abortPendingRequests(); // delayed answers the analyses gave up on
  nock.cleanAll();
});
after(() => nock.enableNetConnect());

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [{ "Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*" }]
}
`;

describe("refuses to run unsafely", () => {
  it("names WEBHOOK_SECRET (and what else is missing) and says what to set", () => {
    assert.deepEqual(startupProblems({ APP_ID: "1", PRIVATE_KEY: "k", WEBHOOK_SECRET: "s" }), []);
    const [problem] = startupProblems({ APP_ID: "1", PRIVATE_KEY_PATH: "/k.pem" });
    assert.equal(
      problem,
      "WEBHOOK_SECRET is not set. Set it to the webhook secret of your GitHub App (GitHub → Settings → Developer settings → GitHub Apps → the App → Webhook secret), so that only deliveries GitHub signed are accepted.",
    );
    assert.equal(startupProblems({}).length, 3);
  });

  it("the server exits 1 without WEBHOOK_SECRET, even with NODE_ENV=production, before listening", () => {
    const entry = fileURLToPath(new URL("../../src/app/server.ts", import.meta.url));
    const env = { PATH: process.env.PATH ?? "", NODE_ENV: "production", APP_ID: "1", PRIVATE_KEY: "not-a-key", PORT: "0" };
    const result = spawnSync(process.execPath, [entry], { env, encoding: "utf8" });
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^IAM Policy Review cannot start:\n- WEBHOOK_SECRET is not set\. Set it to the webhook secret of your GitHub App/,
    );
    assert.equal(result.stdout, "");
  });
});

describe("health and shutdown", () => {
  it("answers /health during an analysis; SIGTERM refuses new webhooks and concludes the run in flight 'Interrupted — re-run'", async () => {
    unmatched = trackUnmatched();
    const files: FileSpec[] = [{ path: "iam/read.json", status: "added", head: POLICY }];
    // The file list never comes back in time: the analysis is in flight when the signal arrives.
    const { recorded } = fakeGitHub({ files, listFilesHangs: true, listsComments: false, expectUpdates: 1 });
    const { probot, logs } = await createTestProbot(undefined, false);
    const registry = new InFlight();
    const app = await createAppServer({ probot, registry, log: probot.log });
    const { port } = await app.listen(0, "127.0.0.1");
    const base = `http://127.0.0.1:${port}`;

    const body = JSON.stringify(pullRequestPayload("opened"));
    const signature = `sha256=${createHmac("sha256", "test").update(body).digest("hex")}`;
    const delivery = fetch(`${base}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "sigterm-1",
        "x-hub-signature-256": signature,
      },
      body,
    });

    // Wait (by polling /health, which must answer meanwhile) until the run exists and the analysis is in flight.
    let health: { status: string; analyses: number } | undefined;
    for (let i = 0; i < 200 && !(health?.analyses === 1 && recorded.created.length === 1); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      health = (await (await fetch(`${base}/health`)).json()) as { status: string; analyses: number };
    }
    assert.deepEqual(health, { status: "ok", analyses: 1 });

    const signals = new EventEmitter();
    const exited = new Promise<number>((resolve) => shutdownOnSignals(signals, app, { graceMs: 5_000, exit: resolve, log: probot.log }));
    signals.emit("SIGTERM");
    assert.equal(await exited, 0);

    const answer = await delivery;
    assert.equal(answer.status, 200);
    const [done] = recorded.updates;
    assert.equal(done!.status, "completed");
    assert.equal(done!.conclusion, "cancelled");
    assert.equal(done!.output.title, "Interrupted — re-run");
    assert.match(
      done!.output.summary,
      /The app was shut down \(a deploy or a scale-down\) before this analysis finished, so nothing is concluded about this pull request\. Re-run this check\./,
    );
    assert.equal(registry.size, 0);
    // No longer accepting: new connections are refused.
    await assert.rejects(fetch(`${base}/api/github/webhooks`, { method: "POST", body: "{}" }));
    assert.deepEqual(unmatched.unmatched, []);
    assert.match(logs.text, /every analysis in flight concluded/);
  });

  it("refuses an analysis that would start during shutdown (503 for webhooks on open connections)", async () => {
    const registry = new InFlight();
    await registry.shutdown(0);
    assert.equal(registry.closing, true);
    const { probot } = await createTestProbot(undefined, false);
    const app = await createAppServer({ probot, registry, log: probot.log });
    const { port } = await app.listen(0, "127.0.0.1");
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: "POST", body: "{}" });
      assert.equal(answer.status, 503);
      assert.deepEqual(await answer.json(), { error: "The app is shutting down; redeliver this webhook." });
      assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 503);
    } finally {
      await app.shutdown(0);
    }
  });
});

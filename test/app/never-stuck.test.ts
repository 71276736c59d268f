/**
 * Never stuck (issue #6): every path ends the check run with a conclusion and a message that says what to do, and
 * an incomplete analysis is never success. A real Probot, payloads from @octokit/webhooks-examples, GitHub and
 * IAM Access Analyzer faked with nock.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import nock from "nock";
import { envPerSuite } from "../env-per-suite.ts";
import { nockPerSuite } from "../nock-per-suite.ts";
import {
  CHECK_RUN_ID,
  createTestProbot,
  fakeGitHub,
  HEAD,
  pullRequestPayload,
  REPO_PATH,
  tokenScope,
  trackUnmatched,
  type FileSpec,
} from "./fake-github.ts";

const AWS_ENDPOINT = "https://access-analyzer.us-east-1.amazonaws.com";

// A narrow read policy: no local finding at `error`, so the conclusion depends on completeness.
const READ_ONLY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::my-bucket/*"
    }
  ]
}
`;

let unmatched: ReturnType<typeof trackUnmatched>;

const files: FileSpec[] = [{ path: "iam/read.json", status: "added", head: READ_ONLY }];

describe("never stuck", () => {
  nockPerSuite();
  envPerSuite({
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PROFILE: undefined,
    IAM_POLICY_REVIEW_TIME_BUDGET_MS: undefined,
  });
  afterEach(() => unmatched?.stop());

  it("fails (never passes) with what to do when GitHub fails (500 on the file list)", async () => {
    unmatched = trackUnmatched();
    const { scope, recorded } = fakeGitHub({ files, listFilesStatus: 500, listsComments: false, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-500", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    const [done] = recorded.updates;
    assert.equal(done!.status, "completed");
    assert.equal(done!.conclusion, "failure");
    assert.equal(done!.output.title, "Analysis failed");
    assert.match(done!.output.summary, /GitHub answered 500 to GET \/repos\/Codertocat\/Hello-World\/pulls\/7\/files/);
    assert.match(done!.output.summary, /Re-run the check; if it keeps failing, see the app logs for delivery delivery-500\./);
  });

  it("concludes neutral with the reason first when IAM Access Analyzer is down (503)", async () => {
    unmatched = trackUnmatched();
    const config = "accessAnalyzer:\n  enabled: true\n";
    const { scope, recorded } = fakeGitHub({ files, config, expectReview: true, expectUpdates: 1 });
    const aws = nock(AWS_ENDPOINT)
      .persist()
      .post(/^\/policy\//)
      .reply(503, "Service Unavailable");
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-aa", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.ok(aws.activeMocks().length > 0);
    const [done] = recorded.updates;
    assert.equal(done!.status, "completed");
    assert.equal(done!.conclusion, "neutral");
    assert.match(done!.output.title, /^Incomplete: IAM Access Analyzer did not answer/);
    const firstLine = (done!.output.summary as string).split("\n")[0]!;
    assert.match(firstLine, /^> \*\*Incomplete analysis\*\*: IAM Access Analyzer did not answer \d+ of its checks/);
    assert.match(done!.output.summary, /\*\*Access Analyzer\*\*: \*\*incomplete\*\*/);
    const note = done!.output.annotations.find((a) => a.title.startsWith("access-analyzer/unavailable"));
    assert.ok(note, `the outage is an annotation too: ${JSON.stringify(done!.output.annotations.map((a) => a.title))}`);
  });

  it("supersedes every other in_progress run of ours on the commit, and leaves other apps' runs alone", async () => {
    unmatched = trackUnmatched();
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const checkRunsOnHead = [
      { id: 41, name: "IAM Policy Review", status: "in_progress", started_at: hourAgo, app: { id: 1 } },
      // Another app's run with the same name: untouched. A run of ours that may still be live (another replica, a
      // redelivery after a crash): superseded all the same, so nothing of ours stays in_progress on this commit.
      { id: 40, name: "IAM Policy Review", status: "in_progress", started_at: hourAgo, app: { id: 99 } },
      { id: 39, name: "IAM Policy Review", status: "in_progress", started_at: new Date().toISOString(), app: { id: 1 } },
      { id: CHECK_RUN_ID, name: "IAM Policy Review", status: "in_progress", started_at: new Date().toISOString(), app: { id: 1 } },
    ];
    const { scope, recorded } = fakeGitHub({ files, checkRunsOnHead, expectReview: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-stale", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.deepEqual(
      recorded.staleUpdates.map((u) => ({
        id: u.id,
        status: u.body.status,
        conclusion: u.body.conclusion,
        summary: u.body.output.summary,
      })),
      [41, 39].map((id) => ({
        id,
        status: "completed",
        conclusion: "cancelled",
        summary: "Superseded: a newer analysis of this commit replaced this run; see the latest IAM Policy Review check run.",
      })),
    );
    assert.equal(recorded.updates[0]!.status, "completed");
  });

  it("stops at the time budget and fails, never success (the config may say neutral)", async () => {
    unmatched = trackUnmatched();
    process.env.IAM_POLICY_REVIEW_TIME_BUDGET_MS = "300";
    const { scope, recorded } = fakeGitHub({ files, listFilesHangs: true, listsComments: false, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-slow", name: "pull_request", payload: pullRequestPayload("opened") as never });

    // The list of files never comes: the runner concluded at the budget instead of waiting for it.
    assert.deepEqual(recorded.unanswered, [`GET ${REPO_PATH}/pulls/7/files`]);
    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    const [done] = recorded.updates;
    assert.equal(done!.status, "completed");
    assert.equal(done!.conclusion, "failure");
    assert.equal(done!.output.title, "Incomplete: time budget exceeded");
    assert.match(done!.output.summary, /Re-run the check/);
    assert.match(done!.output.summary, /IAM_POLICY_REVIEW_TIME_BUDGET_MS/);
  });

  it("fails the check with the error when the config on the default branch is invalid", async () => {
    unmatched = trackUnmatched();
    const config = "failOn: sometimes\nunknownKey: 1\n";
    // The flow stops after the config: the file list is never read.
    const { scope, recorded } = fakeGitHub({ files, config, listsFiles: false, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-config", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    const [done] = recorded.updates;
    assert.equal(done!.conclusion, "failure");
    assert.equal(done!.output.title, "Invalid configuration: .github/iam-policy-review.yml");
    assert.match(done!.output.summary, /unknown key `unknownKey`/);
    assert.match(done!.output.summary, /`failOn` must be one of error, warning, note, never/);
    assert.match(done!.output.summary, /re-run this check/);
    assert.ok(!recorded.requests.some((r) => r.endsWith("/pulls/7/files")));
  });

  it("fails the delivery (so GitHub can redeliver it) when the check run cannot even be created", async () => {
    unmatched = trackUnmatched();
    const scope = tokenScope().post(`${REPO_PATH}/check-runs`).reply(502, { message: "Bad Gateway" });
    const { probot, logs } = await createTestProbot();

    await assert.rejects(probot.receive({ id: "delivery-502", name: "pull_request", payload: pullRequestPayload("opened") as never }));

    assert.ok(scope.isDone());
    assert.deepEqual(unmatched.unmatched, []);
    const line = logs.lines.find((l) => l.msg === "could not create the check run");
    assert.deepEqual(line?.err, { status: 502, route: `POST ${REPO_PATH}/check-runs` });
    assert.equal(HEAD.length, 40);
  });
});

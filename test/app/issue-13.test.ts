/**
 * The review reviewers want and a required check that never lies (issue #13), end to end: a real Probot receives
 * payloads from @octokit/webhooks-examples; GitHub is faked at the HTTP layer with nock. Each test asserts what a
 * user sees: the comment bodies, resolved threads, check conclusions and summaries.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import nock from "nock";
import {
  addedPatch,
  API,
  BASE,
  CHECK_RUN_ID,
  type CheckRunPayload,
  createTestProbot,
  example,
  fakeGitHub,
  HEAD,
  hunkPatch,
  INSTALLATION,
  listedFile,
  PR,
  pullRequestPayload,
  REPO_PATH,
  tokenScope,
  trackUnmatched,
  type FileSpec,
} from "./fake-github.ts";
import { ruleHelpMarkdown } from "../../src/report/rule-help.ts";

let unmatched: ReturnType<typeof trackUnmatched>;
before(() => nock.disableNetConnect());
afterEach(() => {
  unmatched?.stop();
  nock.abortPendingRequests(); // delayed answers the analyses gave up on
  nock.cleanAll();
});
after(() => nock.enableNetConnect());

// A role's policy with one narrow statement; the head adds an admin statement (lines 10–15).
const ROLE_BASE = `{
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
const ROLE_ADMIN = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::my-bucket/*"
    },
    {
      "Sid": "Admin",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}
`;
const ROLE_ADMIN_PATCH = [
  "@@ -5,6 +5,12 @@",
  '       "Sid": "Read",',
  '       "Effect": "Allow",',
  '       "Action": "s3:GetObject",',
  '       "Resource": "arn:aws:s3:::my-bucket/*"',
  "+    },",
  "+    {",
  '+      "Sid": "Admin",',
  '+      "Effect": "Allow",',
  '+      "Action": "*",',
  '+      "Resource": "*"',
  "     }",
  "   ]",
].join("\n");

// A new iam:PassRole-on-* statement.
const PASS_ROLE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Pass",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "*"
    }
  ]
}
`;

// A new policy with three narrow statements that no rule flags: new access, but nothing sensitive.
const NARROW = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::my-bucket" },
    { "Sid": "Logs", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:us-east-1:111122223333:log-group:app:*" },
    { "Sid": "Put", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::my-bucket/uploads/*" }
  ]
}
`;

const marker = /<!-- iam-policy-review:fingerprint=[0-9a-f]+ -->/g;

describe("one comment per place", () => {
  it("an admin statement added to a role gets one comment: no-admin-access first, new-access folded in, each rule explained", async () => {
    unmatched = trackUnmatched();
    const files: FileSpec[] = [{ path: "iam/role.json", status: "modified", head: ROLE_ADMIN, base: ROLE_BASE, patch: ROLE_ADMIN_PATCH }];
    const config = "docsUrl: https://docs.example.com/iam-rules\n";
    const { scope, recorded } = fakeGitHub({ files, config, expectReview: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "one-place-1", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    const comments = recorded.reviews[0]!.comments;
    assert.equal(comments.length, 1, comments.map((c) => c.body).join("\n---\n"));
    const [comment] = comments;
    assert.equal(comment!.path, "iam/role.json");
    const body = comment!.body;
    const lines = body.split("\n");
    assert.match(lines[0]!, /^\*\*2 findings on (this line|these lines)\*\*$/);
    assert.match(
      lines[2]!,
      /^- \*\*error\*\* · This statement allows .* — \[`no-admin-access`\]\(https:\/\/docs\.example\.com\/iam-rules\/no-admin-access\.md\) · `overly-permissive`$/,
    );
    assert.match(
      lines[3]!,
      /^- \*\*error\*\* · This change grants new Permissions management, .* — \[`new-access`\]\(https:\/\/docs\.example\.com\/iam-rules\/new-access\.md\)$/,
    );
    // The rule id is not repeated as the category ("`new-access` · `new-access`").
    assert.ok(!body.includes("`new-access` · `new-access`"));
    // Learn more, in place: the same text as SARIF's help.markdown, collapsed.
    assert.ok(
      body.includes(
        `<details><summary>Why <code>no-admin-access</code> matters, with a compliant example</summary>\n\n${ruleHelpMarkdown("no-admin-access")}\n\n</details>`,
      ),
    );
    assert.ok(body.includes("<summary>Why <code>new-access</code> matters"));
    assert.equal(body.match(marker)?.length, 2);
    assert.match(recorded.reviews[0]!.body, /2 new findings on changed lines in 1 comment \(2 errors\)/);
  });

  it("a new iam:PassRole-on-* statement gets one comment (no-unscoped-pass-role with new-access folded in)", async () => {
    unmatched = trackUnmatched();
    const files: FileSpec[] = [{ path: "iam/pass.json", status: "added", head: PASS_ROLE }];
    const { scope, recorded } = fakeGitHub({ files, expectReview: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "one-place-2", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    const comments = recorded.reviews[0]!.comments;
    assert.equal(comments.length, 1, comments.map((c) => c.body).join("\n---\n"));
    assert.match(comments[0]!.body, /no-unscoped-pass-role/);
    assert.match(comments[0]!.body, /new-access/);
    // Without a docsUrl the rule ids are not links (a relative link would be broken on GitHub).
    assert.ok(!/\]\(docs\//.test(comments[0]!.body));
  });

  it("a new policy whose statements grant nothing sensitive gets no new-access comments: the Access changes table lists them", async () => {
    unmatched = trackUnmatched();
    const files: FileSpec[] = [{ path: "iam/narrow.json", status: "added", head: NARROW }];
    const { scope, recorded } = fakeGitHub({ files, expectReview: false, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "one-place-3", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.equal(recorded.reviews.length, 0);
    const done = recorded.updates[0]!;
    assert.equal(done.conclusion, "success");
    assert.match(done.output.summary, /### Access changes[\s\S]*iam\/narrow\.json/);
    assert.equal(done.output.annotations.filter((a) => a.title === "new-access").length, 3);
  });

  it("newAccessComments: all comments on each of them", async () => {
    unmatched = trackUnmatched();
    const files: FileSpec[] = [{ path: "iam/narrow.json", status: "added", head: NARROW }];
    const { scope, recorded } = fakeGitHub({ files, config: "newAccessComments: all\n", expectReview: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "one-place-4", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.deepEqual(recorded.reviews[0]!.comments.map((c) => c.line).sort(), [4, 5, 6]);
  });
});

describe("merge queues", () => {
  it("merge_group checks_requested: the check on the group's head sha, from the base…head compare, no review", async () => {
    unmatched = trackUnmatched();
    const files: FileSpec[] = [
      { path: "iam/admin.json", status: "added", head: ROLE_ADMIN.replace('"Action": "s3:GetObject"', '"Action": "*"') },
    ];
    const { scope, recorded } = fakeGitHub({ files, mergeGroup: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();
    const payload = example<Record<string, unknown> & { merge_group: Record<string, unknown>; installation: unknown; repository: unknown }>(
      "merge_group",
      "checks_requested",
    );
    payload.merge_group.head_sha = HEAD;
    payload.merge_group.base_sha = BASE;
    payload.installation = { id: INSTALLATION, node_id: "x" };
    payload.repository = pullRequestPayload().repository;

    await probot.receive({ id: "mq-1", name: "merge_group", payload: payload as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.equal(recorded.created[0]!.head_sha, HEAD);
    assert.equal(recorded.created[0]!.name, "IAM Policy Review");
    assert.equal(recorded.created[0]!.external_id, `merge_group:${BASE}`);
    assert.ok(recorded.requests.includes(`GET /repos/Codertocat/Hello-World/compare/${BASE}...${HEAD}`));
    assert.equal(recorded.updates[0]!.status, "completed");
    assert.equal(recorded.updates[0]!.conclusion, "failure");
    assert.equal(recorded.reviews.length, 0);
  });
});

describe("honest conclusions", () => {
  it("a 6 MB package-lock.json does not make the run incomplete: success, and the summary lists it", async () => {
    unmatched = trackUnmatched();
    const lock = `{\n  "name": "app",\n  "lockfileVersion": 3,\n  "packages": {${Array.from({ length: 60_000 }, (_, i) => `\n    "node_modules/p${i}": { "version": "1.0.${i}", "integrity": "sha512-${"a".repeat(40)}" }`).join(",")}\n  }\n}\n`;
    assert.ok(lock.length > 6_000_000, String(lock.length));
    const files: FileSpec[] = [
      { path: "package-lock.json", status: "modified", head: lock, base: "{}\n", patch: null },
      { path: "iam/read.json", status: "added", head: NARROW },
    ];
    const { scope, recorded } = fakeGitHub({ files, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "lock-1", name: "pull_request", payload: pullRequestPayload("opened", { changedFiles: 2 }) as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    const done = recorded.updates[0]!;
    assert.equal(done.conclusion, "success", done.output.title);
    assert.match(
      done.output.summary,
      /### Not analysed, not IaC \(1\)[\s\S]*package-lock\.json: Skipped: the file is 6\.\d MB, over the 5 MB limit\./,
    );
    assert.ok(!/Incomplete/.test(done.output.summary));
  });

  it("exactly 3,000 listed files of 3,000, none IaC, is complete: success", async () => {
    unmatched = trackUnmatched();
    const files: FileSpec[] = Array.from({ length: 3000 }, (_, i) => ({
      path: `src/f${i}.ts`,
      status: "added" as const,
      head: "export {};\n",
    }));
    const { scope, recorded } = fakeGitHub({ files, listsComments: false, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "3000-1", name: "pull_request", payload: pullRequestPayload("opened", { changedFiles: 3000 }) as never });

    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.equal(recorded.updates[0]!.conclusion, "success");
    assert.equal(recorded.updates[0]!.output.title, "No IAM changes");
  });

  it("a conclusion GitHub refuses (422) is sent again trimmed: the failure stands, the summary says what was dropped", async () => {
    unmatched = trackUnmatched();
    const files: FileSpec[] = [{ path: "iam/admin.json", status: "added", head: ROLE_ADMIN }];
    const { scope, recorded } = fakeGitHub({ files, expectReview: true, expectUpdates: 2, updateStatuses: [422, 200] });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "422-1", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.equal(recorded.refusedUpdates.length, 1);
    const done = recorded.updates[0]!;
    assert.equal(done.status, "completed");
    assert.equal(done.conclusion, "failure");
    assert.equal(done.output.annotations, undefined);
    assert.match(
      done.output.summary,
      /^_GitHub refused the full report, so it was trimmed: \d+ findings could not be sent as annotations\./,
    );
  });

  it("annotations that could not be sent are counted in the summary and the run is never success", async () => {
    unmatched = trackUnmatched();
    const statements = Array.from({ length: 119 }, (_, i) => ({ Sid: `S${i}`, Effect: "Allow", Action: "*", Resource: "*" }));
    const text = `${JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2)}\n`;
    const files: FileSpec[] = [{ path: "policies/many.json", status: "added", head: text, patch: addedPatch(text) }];
    // Nothing fails the check (failOn: never), so it would be success if every annotation got through.
    const config = "failOn: never\nrules:\n  new-access: off\n";
    const { scope, recorded } = fakeGitHub({ files, config, expectReview: true, expectUpdates: 3, updateStatuses: [200, 500, 200] });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "unsent-1", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    // The first batch went in without a conclusion; the second was refused; the conclusion says what is missing.
    assert.equal(recorded.updates[0]!.status, undefined);
    assert.equal(recorded.updates[0]!.output.annotations.length, 50);
    const done = recorded.updates[1]!;
    assert.equal(done.status, "completed");
    assert.equal(done.conclusion, "neutral");
    const unsent = 120 - 50;
    assert.equal(
      done.output.title,
      `Incomplete: ${unsent} findings could not be sent as annotations (the Findings table below lists every finding)`,
    );
    assert.match(
      done.output.summary,
      new RegExp(`^> \\*\\*Incomplete analysis\\*\\*: ${unsent} findings could not be sent as annotations`),
    );
  });
});

describe("fixed threads, judged per file", () => {
  it("a skipped binary elsewhere in the pull request does not stop a fixed comment from being resolved", async () => {
    unmatched = trackUnmatched();
    const fixed = ROLE_ADMIN.replace('"Action": "*"', '"Action": "s3:ListBucket"').replace(
      '"Resource": "*"',
      '"Resource": "arn:aws:s3:::my-bucket"',
    );
    const files: FileSpec[] = [
      { path: "iam/role.json", status: "modified", head: fixed, base: ROLE_ADMIN, patch: hunkPatch(ROLE_ADMIN, fixed, 10, 15) },
      { path: "assets/logo.json", status: "added", head: "\u0000\u0001binary", patch: null },
    ];
    const existing = [
      {
        id: 901,
        path: "iam/role.json",
        line: 14,
        body: "**error** · old\n\n<!-- iam-policy-review:fingerprint=00000000000000000000000000000001 -->\n<!-- iam-policy-review:fingerprint=00000000000000000000000000000002 -->",
        user: { login: "iam-policy-review[bot]", type: "Bot" },
      },
      // A comment on a file this analysis skipped stays open: its finding was not looked for.
      {
        id: 902,
        path: "assets/logo.json",
        line: 1,
        body: "**note** · old\n\n<!-- iam-policy-review:fingerprint=00000000000000000000000000000003 -->",
        user: { login: "iam-policy-review[bot]", type: "Bot" },
      },
    ];
    const threads = [
      { id: "PRRT_role", isResolved: false, commentId: 901 },
      { id: "PRRT_logo", isResolved: false, commentId: 902 },
    ];
    const { scope, recorded } = fakeGitHub({
      files,
      existingComments: existing,
      expectCommentEdits: 1,
      expectUpdates: 1,
      threads,
      resolves: 1,
    });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "fixed-1", name: "pull_request", payload: pullRequestPayload("opened", { changedFiles: 2 }) as never });

    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.deepEqual(
      recorded.commentEdits.map((e) => e.id),
      [901],
    );
    assert.match(
      recorded.commentEdits[0]!.body.body,
      new RegExp(`^✅ \\*\\*Fixed in ${HEAD}\\*\\*: IAM Policy Review no longer reports these findings\\.`),
    );
    assert.deepEqual(recorded.resolvedThreads, ["PRRT_role"]);
    assert.notEqual(recorded.updates[0]!.conclusion, "neutral");
    assert.equal(CHECK_RUN_ID, 42);
  });
});

describe("never stuck: superseding in this process", () => {
  it("a second analysis of the same commit stops the first, which concludes 'Superseded' (cancelled); the second reports", async () => {
    unmatched = trackUnmatched();
    const files: FileSpec[] = [{ path: "iam/narrow.json", status: "added", head: NARROW }];
    const updates: Array<{ id: number; body: { status?: string; conclusion?: string; output: { title: string } } }> = [];
    let nextId = 50;
    const scope = tokenScope();
    scope
      .post(`${REPO_PATH}/check-runs`)
      .times(2)
      .reply(201, () => ({ id: nextId++, head_sha: HEAD, app: { id: 1, slug: "iam-policy-review" } }));
    // No other run is listed as in_progress on GitHub: the first run is stopped in-process.
    scope.get(`${REPO_PATH}/commits/${HEAD}/check-runs`).query(true).times(2).reply(200, { total_count: 0, check_runs: [] });
    scope.get(`${REPO_PATH}/contents/.github%2Fiam-policy-review.yml`).times(2).reply(404, { message: "Not Found" });
    scope.get(`${REPO_PATH}/contents/.github%2Fiam-policy-review.yaml`).times(2).reply(404, { message: "Not Found" });
    // The first analysis waits on the file list; the second gets it at once.
    scope.get(`${REPO_PATH}/pulls/${PR}/files`).query(true).delay(60_000).reply(200, files.map(listedFile));
    scope.get(`${REPO_PATH}/pulls/${PR}/files`).query(true).reply(200, files.map(listedFile));
    scope.get(`${REPO_PATH}/pulls/${PR}/comments`).query(true).reply(200, []);
    scope
      .patch(/\/check-runs\/5[01]$/)
      .times(2)
      .reply(200, async (req: Request) => {
        updates.push({ id: Number(new URL(req.url).pathname.split("/").pop()), body: (await req.clone().json()) as never });
        return {};
      });
    const contents = nock(API)
      .persist()
      .get((uri) => uri.startsWith(`${REPO_PATH}/contents/iam`))
      .reply(200, {
        type: "file",
        path: "iam/narrow.json",
        size: NARROW.length,
        encoding: "base64",
        content: Buffer.from(NARROW).toString("base64"),
      });
    const { probot } = await createTestProbot();

    const first = probot.receive({ id: "sup-1", name: "pull_request", payload: pullRequestPayload("opened") as never });
    for (let i = 0; i < 400 && nextId === 50; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    // The first run exists and waits on GitHub; a redelivery (or a re-run) of the same commit arrives.
    await probot.receive({ id: "sup-2", name: "pull_request", payload: pullRequestPayload("reopened") as never });
    await first;
    contents.persist(false);

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    const byId = new Map(updates.map((u) => [u.id, u.body]));
    assert.deepEqual(
      { status: byId.get(50)?.status, conclusion: byId.get(50)?.conclusion, title: byId.get(50)?.output.title },
      { status: "completed", conclusion: "cancelled", title: "Superseded" },
    );
    assert.equal(byId.get(51)?.status, "completed");
    assert.equal(byId.get(51)?.conclusion, "success");
  });
});

describe("new access that matters is commented alone", () => {
  it("a new statement granting a sensitive action (secretsmanager:GetSecretValue) on one secret gets its own new-access comment", async () => {
    unmatched = trackUnmatched();
    const secret = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadTheDbPassword",
      "Effect": "Allow",
      "Action": "secretsmanager:GetSecretValue",
      "Resource": "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-password-AbCdEf"
    }
  ]
}
`;
    const files: FileSpec[] = [{ path: "iam/secret.json", status: "added", head: secret }];
    const { scope, recorded } = fakeGitHub({ files, expectReview: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "sensitive-1", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    const comments = recorded.reviews[0]!.comments;
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, /^\*\*\w+\*\* · .*secretsmanager:GetSecretValue.*\n\n`new-access`$/m);
  });
});

describe("merge queues: re-run", () => {
  it("'Re-run' on a merge group's check analyses the same base…head compare again", async () => {
    unmatched = trackUnmatched();
    const files: FileSpec[] = [{ path: "iam/narrow.json", status: "added", head: NARROW }];
    const { scope, recorded } = fakeGitHub({ files, mergeGroup: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();
    const payload = example<CheckRunPayload>("check_run", "rerequested");
    payload.repository = pullRequestPayload().repository;
    payload.installation = { id: INSTALLATION, node_id: "x" };
    payload.check_run.name = "IAM Policy Review";
    payload.check_run.head_sha = HEAD;
    payload.check_run.external_id = `merge_group:${BASE}`;
    payload.check_run.pull_requests = [];

    await probot.receive({ id: "mq-rerun-1", name: "check_run", payload: payload as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.equal(recorded.created[0]!.head_sha, HEAD);
    assert.equal(recorded.updates[0]!.conclusion, "success");
  });
});

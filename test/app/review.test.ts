/**
 * The App end to end (issue #6): a real Probot receives pull_request payloads from @octokit/webhooks-examples and
 * GitHub is faked at the HTTP layer with nock. Asserts the check run bodies, the one review (path, line, side,
 * suggestion), off-diff findings as annotations only, idempotent redelivery and the quick "No IAM changes".
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { nockPerSuite } from "../nock-per-suite.ts";
import nock from "nock";
import {
  addedPatch,
  BASE,
  createTestProbot,
  fakeGitHub,
  HEAD,
  hunkPatch,
  pullRequestPayload,
  REPO_PATH,
  trackUnmatched,
  type FileSpec,
} from "./fake-github.ts";

// Line 7 holds `"Action": "*"` of an Allow */* statement.
const ADMIN = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Admin",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}
`;

// Line 7 holds a misspelt action; valid-action suggests the fix for exactly that line.
const TYPO = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": "s3:GetObjcet",
      "Resource": "arn:aws:s3:::my-bucket/*"
    }
  ]
}
`;

// An admin statement (line 7) that this pull request does not touch; only line 13 changes (to a misspelt action).
const OFF_DIFF_BASE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Admin",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    },
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::my-bucket"
    }
  ]
}
`;
const OFF_DIFF_HEAD = OFF_DIFF_BASE.replace('"s3:ListBucket"', '"s3:ListBuckett"');

let unmatched: ReturnType<typeof trackUnmatched>;

function track(): void {
  unmatched = trackUnmatched();
}

describe("pull_request.opened", () => {
  nockPerSuite();
  afterEach(() => unmatched.stop());

  it("fails the check on an admin policy and posts one review with the comment on the changed line and a suggestion", async () => {
    track();
    const files: FileSpec[] = [
      { path: "policies/admin.json", status: "added", head: ADMIN },
      { path: "policies/typo.json", status: "added", head: TYPO },
      { path: "README.md", status: "modified", head: "# hi\n", base: "# ho\n", patch: "@@ -1 +1 @@\n-# ho\n+# hi" },
    ];
    const { scope, contents, recorded } = fakeGitHub({ files, expectReview: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-1", name: "pull_request", payload: pullRequestPayload("opened", { changedFiles: 3 }) as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);

    // The check run: created in_progress on the head sha, then completed with failure.
    assert.equal(recorded.created.length, 1);
    assert.equal(recorded.created[0]!.name, "IAM Policy Review");
    assert.equal(recorded.created[0]!.head_sha, HEAD);
    assert.equal(recorded.created[0]!.status, "in_progress");
    assert.equal(recorded.updates.length, 1);
    const done = recorded.updates[0]!;
    assert.equal(done.status, "completed");
    assert.equal(done.conclusion, "failure");
    assert.match(done.output.title, /error/);
    assert.match(done.output.summary, /\*\*Failed\*\*/);
    assert.ok(done.output.summary.length <= 65_535);
    const admin = done.output.annotations.find((a) => a.path === "policies/admin.json" && a.title === "no-admin-access")!;
    assert.deepEqual(
      { start_line: admin.start_line, end_line: admin.end_line, annotation_level: admin.annotation_level, title: admin.title },
      { start_line: 7, end_line: 7, annotation_level: "failure", title: "no-admin-access" },
    );

    // One review, event COMMENT, the comments on RIGHT lines inside the hunks.
    assert.equal(recorded.reviews.length, 1);
    const review = recorded.reviews[0]!;
    assert.equal(review.event, "COMMENT");
    assert.equal(review.commit_id, HEAD);
    const comments = review.comments;
    const adminComment = comments.find((c) => c.path === "policies/admin.json" && /no-admin-access/.test(c.body))!;
    assert.equal(adminComment.line, 7);
    assert.equal(adminComment.side, "RIGHT");
    assert.match(adminComment.body, /no-admin-access/);
    assert.match(adminComment.body, /<!-- iam-policy-review:fingerprint=[0-9a-f]+ -->/);
    const typoComment = comments.find((c) => c.path === "policies/typo.json" && /valid-action/.test(c.body))!;
    assert.equal(typoComment.line, 7);
    assert.equal(typoComment.side, "RIGHT");
    assert.match(typoComment.body, /```suggestion\n {6}"Action": "s3:GetObject",\n```/);
    assert.ok(!comments.some((c) => c.path === "README.md"));

    // Contents were read at the head commit only (both files are new).
    assert.ok(recorded.requests.some((r) => r === "GET /repos/Codertocat/Hello-World/contents/policies/admin.json"));
    assert.ok(!recorded.requests.some((r) => r.includes("README.md")));
    contents.persist(false);
  });

  it("annotates a finding outside the diff's hunks but does not comment on it", async () => {
    track();
    const files: FileSpec[] = [
      {
        path: "policies/app.json",
        status: "modified",
        head: OFF_DIFF_HEAD,
        base: OFF_DIFF_BASE,
        patch: hunkPatch(OFF_DIFF_BASE, OFF_DIFF_HEAD, 10, 16),
      },
    ];
    const { scope, recorded } = fakeGitHub({ files, expectReview: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-2", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    const done = recorded.updates[0]!;
    assert.equal(done.conclusion, "failure");
    const adminAnnotation = done.output.annotations.find((a) => a.title === "no-admin-access")!;
    assert.equal(adminAnnotation.path, "policies/app.json");
    assert.equal(adminAnnotation.start_line, 7);
    // The review holds the comment on line 13 (inside the hunk), none on line 7.
    const comments = recorded.reviews[0]!.comments;
    assert.deepEqual(
      comments.map((c) => ({ path: c.path, line: c.line, side: c.side, start_line: c.start_line })),
      [{ path: "policies/app.json", line: 13, side: "RIGHT", start_line: undefined }],
    );
    assert.match(comments[0]!.body, /valid-action/);
    assert.match(recorded.reviews[0]!.body, /1 outside the diff/);
    // The base version was read at the base sha.
    assert.ok(recorded.requests.includes("GET /repos/Codertocat/Hello-World/contents/policies/app.json"));
    assert.ok(recorded.created.length === 1 && BASE.length === 40);
  });

  it("posts nothing new when the same event is delivered again (the comments carry the fingerprints)", async () => {
    track();
    const files: FileSpec[] = [{ path: "policies/admin.json", status: "added", head: ADMIN }];
    const first = fakeGitHub({ files, expectReview: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();
    await probot.receive({ id: "delivery-3", name: "pull_request", payload: pullRequestPayload("opened") as never });
    assert.ok(first.scope.isDone());
    const posted = first.recorded.reviews[0]!.comments;
    nock.cleanAll();

    // Redelivery: GitHub now lists our comments; no review interceptor is set, so a POST would be unmatched.
    const existing = posted.map((c, i) => ({
      id: 500 + i,
      path: c.path,
      line: c.line,
      body: c.body,
      user: { login: "iam-policy-review[bot]", type: "Bot" },
    }));
    const second = fakeGitHub({ files, existingComments: existing, expectReview: false, expectUpdates: 1 });
    const { probot: again } = await createTestProbot();
    await again.receive({ id: "delivery-3", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(second.scope.isDone(), `pending: ${second.scope.pendingMocks().join(", ")}`);
    assert.equal(second.recorded.reviews.length, 0);
    assert.equal(second.recorded.commentEdits.length, 0);
    assert.equal(second.recorded.updates[0]!.conclusion, "failure");
    assert.match(second.recorded.updates[0]!.output.summary, /0 new review comments/);
  });

  it("marks an earlier comment as fixed when its finding is gone and resolves its thread (GraphQL)", async () => {
    track();
    const fixed = ADMIN.replace('"Action": "*"', '"Action": "s3:GetObject"').replace(
      '"Resource": "*"',
      '"Resource": "arn:aws:s3:::my-bucket/*"',
    );
    const files: FileSpec[] = [
      { path: "policies/admin.json", status: "modified", head: fixed, base: ADMIN, patch: hunkPatch(ADMIN, fixed, 4, 9) },
    ];
    const existing = [
      {
        id: 777,
        path: "policies/admin.json",
        line: 7,
        body: "**error** · old\n\n<!-- iam-policy-review:fingerprint=0123456789abcdef0123456789abcdef -->",
        user: { login: "iam-policy-review[bot]", type: "Bot" },
      },
      // Someone else's comment quoting our marker is not ours.
      {
        id: 778,
        path: "policies/admin.json",
        line: 7,
        body: "<!-- iam-policy-review:fingerprint=feedfeed -->",
        user: { login: "mallory", type: "User" },
      },
      // Nor another App's bot (a workflow anyone can change) writing our marker.
      {
        id: 779,
        path: "policies/admin.json",
        line: 7,
        body: "<!-- iam-policy-review:fingerprint=beefbeef -->",
        user: { login: "github-actions[bot]", type: "Bot" },
      },
    ];
    const threads = [
      { id: "PRRT_ours", isResolved: false, commentId: 777 },
      { id: "PRRT_mallory", isResolved: false, commentId: 778 },
    ];
    const { scope, recorded } = fakeGitHub({
      files,
      existingComments: existing,
      sweepBefore: true,
      expectReview: false,
      expectCommentEdits: 1,
      expectUpdates: 1,
      threads,
    });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-4", name: "pull_request", payload: pullRequestPayload("synchronize") as never });
    assert.deepEqual(recorded.resolvedThreads, ["PRRT_ours"]);

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.equal(recorded.commentEdits.length, 1);
    assert.equal(recorded.commentEdits[0]!.id, 777);
    assert.match(recorded.commentEdits[0]!.body.body, new RegExp(`Fixed in ${HEAD}`));
    assert.equal(recorded.updates[0]!.conclusion, "success");
  });

  it("concludes success without reading any file when no changed file is one the engine reads", async () => {
    track();
    const files: FileSpec[] = [
      {
        path: "src/main.go",
        status: "modified",
        head: "package main\n",
        base: "package main\n\n",
        patch: "@@ -1,2 +1 @@\n package main\n-",
      },
      { path: "docs/index.md", status: "added", head: "# Docs\n" },
    ];
    const { scope, recorded } = fakeGitHub({ files, expectUpdates: 1, listsComments: false });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-5", name: "pull_request", payload: pullRequestPayload("reopened", { changedFiles: 2 }) as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.equal(recorded.updates.length, 1);
    assert.equal(recorded.updates[0]!.status, "completed");
    assert.equal(recorded.updates[0]!.conclusion, "success");
    assert.equal(recorded.updates[0]!.output.title, "No IAM changes");
    // Only the configuration is read: no changed file, no module sibling.
    assert.deepEqual(
      recorded.requests.filter((r) => r.includes("/contents/")),
      [`GET ${REPO_PATH}/contents/.github/iam-policy-review.yml`],
    );
  });

  it("sends 120 annotations in 3 requests of at most 50, concluding with the first", async () => {
    track();
    const statements = Array.from({ length: 119 }, (_, i) => ({ Sid: `S${i}`, Effect: "Allow", Action: "*", Resource: "*" }));
    const text = `${JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2)}\n`;
    const files: FileSpec[] = [{ path: "policies/many.json", status: "added", head: text, patch: addedPatch(text) }];
    // new-access off: each statement would also be reported as new access.
    const config = "rules:\n  new-access: off\n";
    const { scope, recorded } = fakeGitHub({ files, config, expectReview: true, expectUpdates: 3 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-6", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.deepEqual(
      recorded.updates.map((u) => u.output.annotations.length),
      [50, 50, 20],
    );
    assert.equal(recorded.updates[0]!.status, "completed");
    assert.equal(recorded.updates[0]!.conclusion, "failure");
    for (const later of recorded.updates.slice(1)) {
      assert.equal(later.conclusion, undefined);
      assert.equal(later.status, undefined);
      assert.equal(later.output.title, recorded.updates[0]!.output.title);
    }
    // At most 30 inline comments; the rest are counted as overflow in the summary.
    assert.equal(recorded.reviews[0]!.comments.length, 30);
    assert.match(recorded.updates[0]!.output.summary, /went over the limit of 30 inline comments/);
  });

  it("reads the other .tf files of a changed Terraform module so references resolve", async () => {
    track();
    const main = `data "aws_iam_policy_document" "admin" {
  statement {
    actions   = local.admin_actions
    resources = ["*"]
  }
}
`;
    const files: FileSpec[] = [{ path: "infra/main.tf", status: "added", head: main }];
    // locals.tf is not part of the pull request; only the directory listing at the head commit finds it.
    const headExtra = { "infra/locals.tf": 'locals {\n  admin_actions = ["*"]\n}\n', "infra/README.md": "# infra\n" };
    const { scope, recorded } = fakeGitHub({ files, headExtra, expectReview: true, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-7", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.ok(recorded.requests.includes("GET /repos/Codertocat/Hello-World/contents/infra"));
    assert.ok(recorded.requests.includes("GET /repos/Codertocat/Hello-World/contents/infra/locals.tf"));
    assert.ok(!recorded.requests.includes("GET /repos/Codertocat/Hello-World/contents/infra/README.md"));
    const admin = recorded.updates[0]!.output.annotations.find((a) => a.title === "no-admin-access");
    assert.deepEqual({ path: admin?.path, line: admin?.start_line }, { path: "infra/main.tf", line: 3 });
  });

  it("follows Terraform file() at the head and at the base through the API, so switching a policy file shows the new access (issue #13 item 9)", async () => {
    track();
    const tf = (file: string) => `resource "aws_iam_policy" "p" {\n  policy = file("\${path.module}/${file}")\n}\n`;
    const read =
      '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" }]\n}\n';
    const files: FileSpec[] = [
      {
        path: "mod/main.tf",
        status: "modified",
        head: tf("admin.json"),
        base: tf("ok.json"),
        patch: hunkPatch(tf("ok.json"), tf("admin.json"), 1, 3),
      },
    ];
    // Neither JSON file is part of the pull request: only evaluating file() in the module finds them.
    const unchanged = { "mod/ok.json": read, "mod/admin.json": ADMIN };
    const { scope, recorded } = fakeGitHub({ files, headExtra: unchanged, baseExtra: unchanged, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-10", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.ok(recorded.requests.includes("GET /repos/Codertocat/Hello-World/contents/mod/admin.json"), "head file() target read");
    assert.ok(recorded.requests.includes("GET /repos/Codertocat/Hello-World/contents/mod/ok.json"), "base file() target read");
    const done = recorded.updates[0]!;
    assert.equal(done.conclusion, "failure");
    const titles = done.output.annotations.map((a) => `${a.path}:${a.start_line}:${a.title}`);
    assert.ok(titles.includes("mod/admin.json:7:no-admin-access"), titles.join(", "));
    // Paired with the base policy read from ok.json: the admin access is new, and nothing is "not analysed".
    assert.ok(
      titles.some((t) => t.startsWith("mod/admin.json:") && t.endsWith(":new-access")),
      titles.join(", "),
    );
    assert.ok(!titles.some((t) => t.endsWith(":unparsed-input")), titles.join(", "));
    assert.match(done.output.summary, /mod\/admin\.json/);
  });

  it("reads files over 1 MB with the raw media type and skips files over 5 MB, saying so", async () => {
    track();
    const big = ADMIN.replace('"Version": "2012-10-17",', `"Version": "2012-10-17",\n  "Padding": "${"x".repeat(1_200_000)}",`);
    const huge = `{"Version": "2012-10-17", "Statement": [], "Padding": "${"y".repeat(5_300_000)}"}\n`;
    const files: FileSpec[] = [
      { path: "policies/big.json", status: "added", head: big, patch: null },
      { path: "policies/huge.json", status: "added", head: huge, patch: null },
    ];
    const { scope, recorded } = fakeGitHub({ files, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-8", name: "pull_request", payload: pullRequestPayload("opened", { changedFiles: 2 }) as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    // big.json whole; huge.json's first 64 KiB only, to tell a policy from other data (it is one).
    assert.deepEqual(recorded.rawReads, ["policies/big.json", "policies/huge.json"]);
    const done = recorded.updates[0]!;
    // The admin statement of the big file fails the check; no patch, so no inline comment (and no review).
    assert.equal(done.conclusion, "failure");
    assert.ok(done.output.annotations.some((a) => a.path === "policies/big.json" && a.title === "no-admin-access" && a.start_line === 8));
    assert.match(done.output.summary, /^> \*\*Incomplete analysis\*\*: 1 file that may hold IaC not analysed/);
    assert.match(done.output.summary, /### Skipped files \(1\)[\s\S]*policies\/huge\.json/);
    assert.equal(recorded.reviews.length, 0);
  });

  it("compares a renamed file with its base version under the previous name", async () => {
    track();
    const widened = ADMIN.replace('"Sid": "Admin",', '"Sid": "Admin",\n      "Condition": {},');
    const RENAME_PATCH = [
      "@@ -4,3 +4,4 @@",
      "     {",
      '       "Sid": "Admin",',
      '+      "Condition": {},',
      '       "Effect": "Allow",',
    ].join("\n");
    const files: FileSpec[] = [
      { path: "iam/new-name.json", previous: "iam/old-name.json", status: "renamed", head: widened, base: ADMIN, patch: RENAME_PATCH },
    ];
    const { scope, recorded } = fakeGitHub({ files, expectReview: false, expectUpdates: 1 });
    const { probot } = await createTestProbot();

    await probot.receive({ id: "delivery-9", name: "pull_request", payload: pullRequestPayload("opened") as never });

    assert.deepEqual(unmatched.unmatched, []);
    assert.ok(scope.isDone(), `pending: ${scope.pendingMocks().join(", ")}`);
    assert.ok(recorded.requests.includes("GET /repos/Codertocat/Hello-World/contents/iam/old-name.json"), "base read under the old name");
    assert.ok(recorded.requests.includes("GET /repos/Codertocat/Hello-World/contents/iam/new-name.json"));
    const titles = recorded.updates[0]!.output.annotations.map((a) => `${a.path}:${a.title}`);
    assert.ok(titles.includes("iam/new-name.json:no-admin-access"));
    // The same access as at the base (under the old name): nothing is reported as new access.
    assert.ok(!titles.some((t) => t.endsWith(":new-access")), titles.join(", "));
  });
});

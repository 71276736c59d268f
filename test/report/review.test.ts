/**
 * The pull request review (issue #6): placement on RIGHT lines inside the hunks, suggestion blocks, fingerprints
 * against duplicates, "fixed in" for findings that are gone, the comment cap, masking and GitHub's size limit.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nockPerSuite } from "../nock-per-suite.ts";
import type { Finding } from "../../src/types.ts";
import {
  buildReview,
  commentBody,
  fingerprintOfComment,
  fingerprintsOfComment,
  maskSecrets,
  ruleDocsUrl,
  MAX_COMMENT_CHARS,
  type ReviewInput,
} from "../../src/report/review.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";
// Made-up credentials, split so that this file is not itself a finding of no-hardcoded-aws-keys.
const KEY_ID = "AKIA" + "2OGYBAH6STMMNXNN";
const SECRET = "q8Vz3Lm0Rk2Tj7Yb5Nc1" + "Xw9Pd4Hs6Ga/Fe+Uo0Ki";

/**
 * template.yml: lines 3–10 are one hunk (6 and 7 added), 21–26 another; everything else is outside the diff.
 */
const PATCH = [
  "@@ -3,7 +3,8 @@ Resources:",
  "   BuildRole:",
  "     Type: AWS::IAM::Role",
  "     Properties:",
  "-      RoleName: build",
  "+      RoleName: build-v2",
  "+      Path: /ci/",
  "       Policies:",
  "         - PolicyName: deploy",
  "           PolicyDocument:",
  "@@ -20,7 +21,6 @@ Resources:",
  "               - Effect: Allow",
  "                 Action:",
  '                   - "s3:*"',
  "-                  - s3:PutObject",
  '                 Resource: "*"',
  " Outputs:",
  "-  Arn: !GetAtt BuildRole.Arn",
  "\\ No newline at end of file",
  "+  Arn: !GetAtt BuildRole.Arn",
].join("\n");

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    file: "template.yml",
    line: 23,
    endLine: 23,
    column: 21,
    endColumn: 27,
    ruleId: "no-service-wildcard-on-all-resources",
    category: "overly-permissive",
    severity: "error",
    message: 'This statement allows "s3:*" on every resource.',
    source: "local",
    docsUrl: "https://github.com/o/r/blob/main/docs/rules/no-service-wildcard-on-all-resources.md",
    fingerprint: "fp-wildcard",
    ...overrides,
  };
}

function input(findings: Finding[], overrides: Partial<ReviewInput> = {}): ReviewInput {
  return { findings, patches: new Map([["template.yml", PATCH]]), headSha: SHA, existing: [], ...overrides };
}

describe("buildReview: placement", () => {
  nockPerSuite();

  it("comments on the finding's line, RIGHT side, with the rule link, category and fingerprint", () => {
    const review = buildReview(input([finding()]))!;
    assert.deepEqual(review.comments, [
      {
        path: "template.yml",
        line: 23,
        side: "RIGHT",
        body: [
          '**error** · This statement allows "s3:\\*" on every resource.',
          "",
          "[`no-service-wildcard-on-all-resources`](https://github.com/o/r/blob/main/docs/rules/no-service-wildcard-on-all-resources.md) · `overly-permissive`",
          "",
          "<!-- iam-policy-review:fingerprint=fp-wildcard -->",
        ].join("\n"),
      },
    ]);
    assert.deepEqual(review.offDiff, []);
    assert.equal(
      review.body,
      '**IAM Policy Review**: 1 new finding on changed lines (1 error).\n\nThe "IAM Policy Review" check run lists every finding, the access changes and the suppressed findings.',
    );
  });

  it("turns a fix on the commented lines into a suggestion block that replaces exactly them", () => {
    const fix = {
      description: "Name only the actions the role needs.",
      line: 22,
      endLine: 23,
      replacement: "                Action:\n                  - s3:GetObject",
    };
    const review = buildReview(input([finding({ line: 23, endLine: 23, fix })]))!;
    const [comment] = review.comments;
    assert.equal(comment!.start_line, 22);
    assert.equal(comment!.start_side, "RIGHT");
    assert.equal(comment!.line, 23);
    assert.equal(
      comment!.body,
      [
        '**error** · This statement allows "s3:\\*" on every resource.',
        "",
        "[`no-service-wildcard-on-all-resources`](https://github.com/o/r/blob/main/docs/rules/no-service-wildcard-on-all-resources.md) · `overly-permissive`",
        "",
        "Suggested fix: Name only the actions the role needs.",
        "```suggestion",
        "                Action:",
        "                  - s3:GetObject",
        "```",
        "",
        "<!-- iam-policy-review:fingerprint=fp-wildcard -->",
      ].join("\n"),
    );
  });

  it("uses a longer fence when the replacement contains one, and an empty suggestion to delete lines", () => {
    const withFence = commentBody(finding({ fix: { description: "d", line: 23, endLine: 23, replacement: "a ``` b" } }), true);
    assert.match(withFence, /\n````suggestion\na ``` b\n````\n/);
    const deletion = commentBody(finding({ fix: { description: "Remove the line.", line: 23, endLine: 23, replacement: "" } }), true);
    assert.match(deletion, /\nSuggested fix: Remove the line\.\n```suggestion\n```\n/);
  });

  it("spans a multi-line finding when every line is in one hunk", () => {
    const [comment] = buildReview(input([finding({ line: 21, endLine: 24 })]))!.comments;
    assert.deepEqual([comment!.start_line, comment!.line], [21, 24]);
  });

  it("falls back to the first commentable line when the range leaves the hunk", () => {
    const [comment] = buildReview(input([finding({ line: 18, endLine: 22 })]))!.comments;
    assert.equal(comment!.line, 21);
    assert.equal(comment!.start_line, undefined);
    // Two hunks are never one range: GitHub wants start_line in the same hunk as line.
    const [across] = buildReview(input([finding({ line: 9, endLine: 22 })]))!.comments;
    assert.deepEqual([across!.start_line, across!.line], [undefined, 9]);
  });

  it("moves the comment to the fix's lines when they are all commentable", () => {
    const fix = { description: "Drop the wildcard.", line: 6, endLine: 7, replacement: "      RoleName: build" };
    const [comment] = buildReview(input([finding({ line: 4, endLine: 12, fix })]))!.comments;
    assert.deepEqual([comment!.start_line, comment!.line], [6, 7]);
    assert.match(comment!.body, /```suggestion\n {6}RoleName: build\n```/);
  });

  it("shows a fix whose lines are not all in the diff as text, never as a suggestion", () => {
    const fix = { description: "Scope the resource.", line: 25, endLine: 28, replacement: "x" };
    const [comment] = buildReview(input([finding({ line: 24, endLine: 24, fix })]))!.comments;
    assert.equal(comment!.line, 24);
    assert.doesNotMatch(comment!.body, /suggestion/);
    assert.match(
      comment!.body,
      /\nSuggested fix for lines 25–28 \(not all of them are in this diff, so it cannot be applied from here\): Scope the resource\.\n```\nx\n```\n/,
    );
  });

  it("puts findings outside the hunks, in files without a patch or outside the pull request off the diff", () => {
    const outside = finding({ line: 15, endLine: 15, fingerprint: "a" });
    const binary = finding({ file: "big.json", line: 1, endLine: 1, fingerprint: "b" });
    const other = finding({ file: "elsewhere.json", line: 1, endLine: 1, fingerprint: "c" });
    const onDiff = finding({ fingerprint: "d" });
    const review = buildReview(
      input([outside, binary, other, onDiff], {
        patches: new Map([
          ["template.yml", PATCH],
          ["big.json", undefined],
        ]),
      }),
    )!;
    assert.deepEqual(
      review.comments.map((c) => c.line),
      [23],
    );
    assert.deepEqual(
      review.offDiff.map((f) => f.fingerprint),
      ["b", "c", "a"],
    );
    assert.match(
      review.body,
      /\n\n3 findings not commented inline \(3 outside the diff\)\. The "IAM Policy Review" check run lists every finding/,
    );
  });

  it("says when a finding comes from Access Analyzer, and links only absolute docs", () => {
    const body = commentBody(
      finding({ source: "access-analyzer", ruleId: "access-analyzer/PASS_ROLE_WITH_STAR_IN_RESOURCE", docsUrl: "docs/x.md" }),
      false,
    );
    assert.match(body, /\n\n`access-analyzer\/PASS_ROLE_WITH_STAR_IN_RESOURCE` · `overly-permissive` · reported by IAM Access Analyzer\n/);
  });
});

describe("buildReview: duplicates and resolution", () => {
  nockPerSuite();

  it("posts nothing on a redelivery: every fingerprint is already in a comment", () => {
    const findings = [finding(), finding({ line: 6, endLine: 6, fingerprint: "fp-role", severity: "warning" })];
    const first = buildReview(input(findings))!;
    assert.equal(first.comments.length, 2);
    const existing = first.comments.map((c, i) => ({ id: i + 1, path: c.path, line: c.line, body: c.body }));
    assert.equal(buildReview(input(findings, { existing })), undefined);
  });

  it("posts only the new finding after a push, even when the old one moved", () => {
    const existing = [{ id: 7, path: "template.yml", line: 30, body: commentBody(finding(), false) }];
    const review = buildReview(
      input([finding({ line: 24, endLine: 24 }), finding({ line: 6, endLine: 6, fingerprint: "fp-new" })], { existing }),
    )!;
    assert.deepEqual(
      review.comments.map((c) => c.line),
      [6],
    );
    assert.deepEqual(review.resolved, []);
  });

  it("does not post the same fingerprint twice within one analysis", () => {
    const review = buildReview(input([finding(), finding({ line: 24, endLine: 24 })]))!;
    assert.equal(review.comments.length, 1);
  });

  it("marks a comment whose finding is gone as fixed in the head sha, with the suggestion made inert", () => {
    const body = commentBody(finding({ fix: { description: "Narrow it.", line: 23, endLine: 23, replacement: "  - s3:GetObject" } }), true);
    const review = buildReview(input([], { existing: [{ id: 42, path: "template.yml", line: 23, body }] }))!;
    assert.deepEqual(review.comments, []);
    assert.deepEqual(review.resolved, [
      {
        id: 42,
        body: [
          `✅ **Fixed in ${SHA}**: IAM Policy Review no longer reports this finding.`,
          "",
          "<details><summary>Original comment</summary>",
          "",
          '**error** · This statement allows "s3:\\*" on every resource.',
          "",
          "[`no-service-wildcard-on-all-resources`](https://github.com/o/r/blob/main/docs/rules/no-service-wildcard-on-all-resources.md) · `overly-permissive`",
          "",
          "Suggested fix: Narrow it.",
          "```text",
          "  - s3:GetObject",
          "```",
          "",
          "</details>",
          "",
          `<!-- iam-policy-review:resolved fingerprint=fp-wildcard sha=${SHA} -->`,
        ].join("\n"),
      },
    ]);
    // A resolved comment is neither resolved again nor counted as posted: the finding may come back.
    assert.equal(fingerprintOfComment(review.resolved[0]!.body), undefined);
    assert.equal(buildReview(input([], { existing: [{ id: 42, path: "template.yml", body: review.resolved[0]!.body }] })), undefined);
    assert.equal(
      buildReview(input([finding()], { existing: [{ id: 42, path: "template.yml", body: review.resolved[0]!.body }] }))!.comments.length,
      1,
    );
  });

  it("resolves nothing when the analysis was incomplete, and ignores comments without our marker", () => {
    const existing = [
      { id: 1, path: "template.yml", line: 23, body: commentBody(finding(), false) },
      { id: 2, path: "template.yml", line: 23, body: "LGTM" },
    ];
    assert.equal(buildReview(input([], { existing, complete: false })), undefined);
    assert.deepEqual(
      buildReview(input([], { existing }))!.resolved.map((r) => r.id),
      [1],
    );
  });
});

describe("buildReview: cap", () => {
  nockPerSuite();

  it("comments on the 30 most severe findings and leaves the rest to the check run", () => {
    // One finding per file: findings on the same lines would share a comment.
    const findings: Finding[] = [];
    const patches = new Map<string, string>();
    for (let i = 0; i < 35; i++) {
      const severity = i < 20 ? "note" : i < 30 ? "warning" : "error";
      const file = `t${String(i).padStart(2, "0")}.yml`;
      patches.set(file, PATCH);
      findings.push(finding({ file, line: 23, endLine: 23, severity, fingerprint: `fp${i}` }));
    }
    const review = buildReview(input(findings, { patches }))!;
    assert.equal(review.comments.length, 30);
    assert.equal(review.overflow.length, 5);
    assert.deepEqual(
      review.overflow.map((f) => f.severity),
      ["note", "note", "note", "note", "note"],
    );
    assert.ok(review.comments.slice(0, 5).every((c) => c.body.startsWith("**error**")));
    assert.ok(review.comments.slice(5, 15).every((c) => c.body.startsWith("**warning**")));
    assert.match(
      review.body,
      /^\*\*IAM Policy Review\*\*: 30 new findings on changed lines \(5 errors, 10 warnings, 15 notes\)\.\n\n5 findings not commented inline \(5 over the limit of 30 inline comments per review\)\./,
    );
    assert.equal(buildReview(input(findings, { patches, maxComments: 2 }))!.comments.length, 2);
  });
});

describe("masking and limits", () => {
  nockPerSuite();

  it("masks access key ids, named secrets and session tokens", () => {
    assert.equal(maskSecrets(`key ${KEY_ID} here`), "key AKIA… here");
    assert.equal(maskSecrets(`aws_secret_access_key = ${SECRET}`), "aws_secret_access_key = q8Vz…");
    assert.equal(maskSecrets(`"SecretAccessKey": "${SECRET}"`), '"SecretAccessKey": "q8Vz…"');
    assert.equal(maskSecrets(`AWS_SESSION_TOKEN=${"IQoJb3JpZ2luX2VjE".repeat(8)}`), "AWS_SESSION_TOKEN=IQoJ…");
    // An unnamed secret is masked when a key id is in the same text, and left alone otherwise.
    assert.equal(maskSecrets(`${KEY_ID},${SECRET}`), "AKIA…,q8Vz…");
    assert.equal(maskSecrets(`arn:aws:s3:::${SECRET}`), `arn:aws:s3:::${SECRET}`);
  });

  it("never puts a credential into a comment, even in a suggestion", () => {
    const body = commentBody(
      finding({
        ruleId: "no-hardcoded-aws-keys",
        category: "hardcoded-secret",
        message: `This file contains the AWS access key id "${KEY_ID}".`,
        fix: { description: "Remove the key.", line: 23, endLine: 23, replacement: `aws_secret_access_key = ${SECRET}` },
      }),
      true,
    );
    assert.match(body, /^\*\*error\*\* · This file contains the AWS access key id "AKIA…"\.\n/);
    assert.match(body, /```suggestion\naws_secret_access_key = q8Vz…\n```/);
    assert.ok(!body.includes(KEY_ID.slice(4)) && !body.includes(SECRET.slice(4)));
  });

  it("escapes Markdown and HTML in messages, so a message cannot forge a marker or mention anyone", () => {
    const body = commentBody(
      finding({ message: 'Sid "<!-- iam-policy-review:fingerprint=x -->" pings @octo-org/admins with *stars* | pipes.' }),
      false,
    );
    assert.match(
      body,
      /^\*\*error\*\* · Sid "&lt;!-- iam-policy-review:fingerprint=x --&gt;" pings @\u200bocto-org\/admins with \\\*stars\\\* \\\| pipes\.\n/,
    );
    assert.equal(fingerprintOfComment(body), "fp-wildcard");
  });

  it("keeps a comment within 65,536 characters: a long suggestion goes first, then the message is shortened", () => {
    const long = "x".repeat(70_000);
    const withFix = commentBody(
      finding({ message: "Short.", fix: { description: "Replace.", line: 23, endLine: 23, replacement: long } }),
      true,
    );
    assert.ok(withFix.length <= MAX_COMMENT_CHARS);
    assert.match(withFix, /\n\nSuggested fix: Replace\. \(the replacement is too long to show here\)\.\n/);
    const longMessage = commentBody(finding({ message: "<".repeat(70_000) }), false);
    assert.ok(longMessage.length <= MAX_COMMENT_CHARS, `${longMessage.length}`);
    assert.match(longMessage, /(&lt;)+…\n\n\[`no-service/);
    assert.match(longMessage, /<!-- iam-policy-review:fingerprint=fp-wildcard -->$/);
  });
});

describe("buildReview: one comment per place (issue #13)", () => {
  const typo = (overrides: Partial<Finding> = {}): Finding =>
    finding({
      ruleId: "valid-action",
      category: "invalid-policy",
      severity: "warning",
      message: "Unknown action.",
      fingerprint: "fp-typo",
      docsUrl: undefined,
      fix: { description: "Use s3:GetObject.", line: 23, endLine: 23, replacement: "                  - s3:GetObject" },
      ...overrides,
    });

  it("merges findings on overlapping lines into one comment, most severe first, with one suggestion", () => {
    const review = buildReview(input([typo(), finding()]))!;
    assert.equal(review.comments.length, 1);
    const [comment] = review.comments;
    assert.deepEqual({ line: comment!.line, start_line: comment!.start_line }, { line: 23, start_line: undefined });
    const lines = comment!.body.split("\n");
    assert.equal(lines[0], "**2 findings on this line**");
    assert.match(
      lines[2]!,
      /^- \*\*error\*\* · This statement allows "s3:\\\*" on every resource\. — \[`no-service-wildcard-on-all-resources`\]/,
    );
    assert.match(lines[3]!, /^- \*\*warning\*\* · Unknown action\. — `valid-action` · `invalid-policy`$/);
    assert.match(comment!.body, /\nSuggested fix: Use s3:GetObject\.\n```suggestion\n {18}- s3:GetObject\n```\n/);
    assert.deepEqual(fingerprintsOfComment(comment!.body), ["fp-wildcard", "fp-typo"]);
  });

  it("merges fixes on different lines into one suggestion over the comment's lines, taking the lines between from the diff", () => {
    const second = finding({
      line: 24,
      endLine: 24,
      docsUrl: undefined,
      ruleId: "valid-resource",
      category: "invalid-policy",
      severity: "warning",
      message: "Too wide.",
      fingerprint: "fp-res",
      fix: { description: "Name the bucket.", line: 24, endLine: 24, replacement: '                Resource: "arn:aws:s3:::b"' },
    });
    const wide = finding({ line: 22, endLine: 24, fingerprint: "fp-stmt" });
    const [comment] = buildReview(input([typo(), second, wide]))!.comments;
    assert.deepEqual({ start: comment!.start_line, end: comment!.line }, { start: 22, end: 24 });
    assert.match(
      comment!.body,
      /Suggested fix: Use s3:GetObject\. Name the bucket\.\n```suggestion\n {16}Action:\n {18}- s3:GetObject\n {16}Resource: "arn:aws:s3:::b"\n```/,
    );
  });

  it("when fixes conflict (same lines, different edits), suggests the most severe one's only", () => {
    const other = typo({
      severity: "error",
      fingerprint: "fp-other",
      fix: { description: "Remove it.", line: 23, endLine: 23, replacement: "" },
    });
    const [comment] = buildReview(input([typo(), other]))!.comments;
    assert.match(comment!.body, /\nSuggested fix: Remove it\.\n```suggestion\n```\n/);
    assert.ok(!comment!.body.includes("Use s3:GetObject"));
  });

  it("folds new-access into the comment on its statement, and leaves a lone one to the summary unless it is inline-worthy", () => {
    const access = finding({
      ruleId: "new-access",
      category: "new-access",
      severity: "warning",
      message: "New access.",
      line: 21,
      endLine: 25,
      fingerprint: "fp-access",
      docsUrl: undefined,
    });
    const folded = buildReview(input([access, finding()], { newAccessInline: () => false }))!;
    assert.equal(folded.comments.length, 1);
    assert.match(folded.comments[0]!.body, /- \*\*warning\*\* · New access\. — `new-access`$/m);
    assert.equal(folded.comments[0]!.line, 23);

    assert.equal(buildReview(input([access], { newAccessInline: () => false })), undefined);
    const alone = buildReview(input([access, finding({ fingerprint: "fp-else", line: 6, endLine: 6 })], { newAccessInline: () => false }))!;
    assert.deepEqual(
      alone.summaryOnly.map((f) => f.fingerprint),
      ["fp-access"],
    );
    assert.match(alone.body, /1 finding not commented inline \(1 new-access finding in the check run's Access changes table\)/);
    assert.equal(buildReview(input([access], { newAccessInline: () => true }))!.comments.length, 1);
  });

  it("links rules to the configured docs base URL and explains each rule once in a collapsed <details>", () => {
    const [comment] = buildReview(
      input([typo(), finding()], {
        style: { docsUrl: (id) => ruleDocsUrl("https://docs.example.com/rules/{rule}.html", id), help: (id) => `Why ${id}.` },
      }),
    )!.comments;
    assert.match(comment!.body, /\[`valid-action`\]\(https:\/\/docs\.example\.com\/rules\/valid-action\.html\)/);
    assert.match(
      comment!.body,
      /<details><summary>Why <code>no-service-wildcard-on-all-resources<\/code> matters, with a compliant example<\/summary>\n\nWhy no-service-wildcard-on-all-resources\.\n\n<\/details>/,
    );
    assert.equal(comment!.body.match(/<details>/g)?.length, 2);
    assert.equal(ruleDocsUrl("http://insecure.example.com", "x"), undefined);
    assert.equal(
      ruleDocsUrl("https://github.com/o/r/blob/main/docs/rules/", "no-admin-access"),
      "https://github.com/o/r/blob/main/docs/rules/no-admin-access.md",
    );
    assert.equal(ruleDocsUrl("https://docs.example.com", "access-analyzer/X"), undefined);
  });

  it("resolves a comment only when every finding in it is gone, and only where resolvable says its file was analysed", () => {
    const body = buildReview(input([typo(), finding()]))!.comments[0]!.body;
    const existing = [{ id: 5, path: "template.yml", line: 23, body }];
    assert.equal(buildReview(input([typo()], { existing })), undefined);
    assert.deepEqual(
      buildReview(input([], { existing }))!.resolved.map((r) => r.id),
      [5],
    );
    assert.equal(buildReview(input([], { existing, resolvable: (c) => c.path !== "template.yml" })), undefined);
  });
});

/**
 * RIGHT-side commentable lines of a pull request file's patch, as `pulls.listFiles` returns it (issue #6).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nockPerSuite } from "../nock-per-suite.ts";
import { commentableLines } from "../../src/report/diff-lines.ts";

const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A CloudFormation template: a changed role name, and a removed action plus a last line that gains its newline. */
const TEMPLATE_PATCH = [
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
  "                   - s3:GetObject",
  "-                  - s3:PutObject",
  '                 Resource: "*"',
  " Outputs:",
  "-  Arn: !GetAtt BuildRole.Arn",
  "\\ No newline at end of file",
  "+  Arn: !GetAtt BuildRole.Arn",
].join("\n");

describe("commentableLines", () => {
  nockPerSuite();

  it("takes added and context lines of every hunk, not removed lines or the no-newline marker", () => {
    const lines = commentableLines(TEMPLATE_PATCH);
    assert.deepEqual(sorted(lines.right), [...range(3, 10), ...range(21, 26)]);
    assert.deepEqual(lines.hunks, [
      { start: 3, end: 10 },
      { start: 21, end: 26 },
    ]);
  });

  it("gives the same lines when the patch has file headers", () => {
    assert.deepEqual(
      sorted(commentableLines(`--- a/template.yml\n+++ b/template.yml\n${TEMPLATE_PATCH}`).right),
      sorted(commentableLines(TEMPLATE_PATCH).right),
    );
  });

  it("takes every line of a new file, ending without a newline", () => {
    const patch = '@@ -0,0 +1,4 @@\n+{\n+  "Version": "2012-10-17",\n+  "Statement": []\n+}\n\\ No newline at end of file';
    assert.deepEqual(sorted(commentableLines(patch).right), [1, 2, 3, 4]);
  });

  it("has no line for a deleted file", () => {
    assert.deepEqual(commentableLines("@@ -1,2 +0,0 @@\n-{\n-}").right.size, 0);
  });

  it("counts context lines after a removal at the top of a JSON policy", () => {
    const patch = [
      "@@ -1,6 +1,5 @@",
      " {",
      '-  "Id": "old",',
      '   "Version": "2012-10-17",',
      '   "Statement": [',
      "     {",
      '-      "Effect": "Deny",',
      '+      "Effect": "Allow",',
    ].join("\n");
    assert.deepEqual(sorted(commentableLines(patch).right), [1, 2, 3, 4, 5]);
  });

  it("keeps line numbers of files with CRLF line endings", () => {
    assert.deepEqual(sorted(commentableLines("@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+c\r\n").right), [1, 2]);
  });

  it("has no line when there is no patch (binary file, diff too large) or it cannot be parsed", () => {
    assert.equal(commentableLines(undefined).right.size, 0);
    assert.equal(commentableLines("").right.size, 0);
    assert.equal(commentableLines("Binary files a/x.zip and b/x.zip differ").right.size, 0);
    // Claims 5 new lines but has 2: GitHub would not produce it; nothing is commentable rather than a guess.
    assert.deepEqual(commentableLines("@@ -1,1 +1,5 @@\n a\n+b\n-c\n d\n e\n f\n").hunks, []);
  });
});

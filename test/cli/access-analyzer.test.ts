/**
 * `scan --access-analyzer` end to end: the CLI builds the real SDK client from the environment (region and
 * credentials as a user would set them) and Access Analyzer is faked at the HTTP layer with nock.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { envPerSuite } from "../env-per-suite.ts";
import { nockPerSuite } from "../nock-per-suite.ts";
import nock from "nock";
import { main } from "../../src/cli.ts";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const ENDPOINT = "https://access-analyzer.us-east-1.amazonaws.com";
const root = mkdtempSync(path.join(tmpdir(), "iam-policy-review-aa-"));

// Line 6 holds the Resource "*" of the PassRole statement.
const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "*"
    }
  ]
}
`;

async function run(...args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr, cwd: root, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("iam-policy-review scan --access-analyzer", () => {
  nockPerSuite();
  envPerSuite({
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PROFILE: undefined,
  });
  before(() => writeFileSync(path.join(root, "pass-role.json"), POLICY));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("adds Access Analyzer's checks, merges a finding that repeats a local one on the same line, and sends each document once", async () => {
    const bodies: Array<{ path: string; body: Record<string, unknown> }> = [];
    const scope = nock(ENDPOINT)
      .post("/policy/validation", (body) => (bodies.push({ path: "validation", body }), true))
      .query(true)
      .times(2)
      .reply(200, {
        findings: [
          {
            findingType: "SECURITY_WARNING",
            issueCode: "PASS_ROLE_WITH_STAR_IN_RESOURCE",
            findingDetails: "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive.",
            learnMoreLink: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
            locations: [
              {
                path: [{ value: "Statement" }, { index: 0 }, { value: "Resource" }],
                span: { start: { line: 1, column: 80, offset: 80 }, end: { line: 1, column: 83, offset: 83 } },
              },
            ],
          },
          {
            findingType: "SUGGESTION",
            issueCode: "EMPTY_ARRAY_ACTION",
            findingDetails: "A made-up suggestion on the Action, to show an unmatched finding is kept.",
            learnMoreLink: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
            locations: [
              {
                path: [{ value: "Statement" }, { index: 0 }, { value: "Action" }],
                span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } },
              },
            ],
          },
        ],
      })
      .post("/policy/check-access-not-granted", (body) => (bodies.push({ path: "check-access-not-granted", body }), true))
      .times(2)
      .reply(200, {
        result: "FAIL",
        message: "The policy document grants access to perform one or more of the listed actions.",
        reasons: [{ description: "One or more of the listed actions is granted.", statementIndex: 0 }],
      });

    const { code, stdout, stderr } = await run("scan", "--access-analyzer", "--format", "json");
    assert.equal(stderr, "");
    assert.ok(!scope.isDone(), "each check was called exactly once (the second interceptors are for the second run)");
    const report = JSON.parse(stdout);
    assert.deepEqual(report.accessAnalyzer, {
      validatePolicy: 1,
      checkNoNewAccess: 0,
      checkAccessNotGranted: 1,
      checkNoPublicAccess: 0,
      failed: 0,
      skipped: 0,
      complete: true,
    });
    assert.equal(bodies[0]!.body.policyType, "IDENTITY_POLICY");
    assert.deepEqual(JSON.parse(String(bodies[0]!.body.policyDocument)), JSON.parse(POLICY));

    const at = (f: { line: number; column: number; ruleId: string; source: string }) => `${f.line}:${f.column} ${f.ruleId} (${f.source})`;
    const lines = report.findings.map(at);
    assert.ok(lines.includes("7:19 no-unscoped-pass-role (local)"), lines.join("\n"));
    assert.ok(!lines.includes("7:19 access-analyzer/PASS_ROLE_WITH_STAR_IN_RESOURCE (access-analyzer)"), "merged, not shown twice");
    const merged = report.findings.find((f: { ruleId: string }) => f.ruleId === "no-unscoped-pass-role");
    assert.match(merged.message, /Access Analyzer \(PASS_ROLE_WITH_STAR_IN_RESOURCE\) reports it too\.$/);
    assert.ok(lines.includes("6:17 access-analyzer/EMPTY_ARRAY_ACTION (access-analyzer)"), lines.join("\n"));
    assert.ok(
      lines.some((l: string) => /^4:5 access-analyzer\/check-access-not-granted/.test(l)),
      lines.join("\n"),
    );
    assert.equal(code, 0, "warnings only: below the default fail-on level");
    assert.equal((await run("scan", "--access-analyzer", "--fail-on", "warning")).code, 1);
    assert.ok(scope.isDone());
  });

  it("exits 2 and says which checks did not run when Access Analyzer refuses the credentials", async () => {
    nock(ENDPOINT)
      .persist()
      .post(/^\/policy\//)
      .query(true)
      .reply(
        403,
        { message: "User is not authorized to perform: access-analyzer:ValidatePolicy" },
        { "x-amzn-errortype": "AccessDeniedException" },
      );
    const { code, stdout, stderr } = await run("scan", "--access-analyzer");
    assert.equal(code, 2);
    assert.match(stderr, /Access Analyzer checks did not all run/);
    assert.match(stdout, /Access Analyzer: INCOMPLETE/);
    assert.match(stdout, /access-analyzer\/unavailable/);
    assert.doesNotMatch(stdout + stderr, /wJalrXUtnFEMI|AKIDEXAMPLE/, "no credential in the output");
  });
});

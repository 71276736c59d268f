/**
 * The Action with `access-analyzer: true` (issue #14): credentials and region from the environment, as
 * aws-actions/configure-aws-credentials leaves them, the real SDK client, Access Analyzer faked with nock.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import nock from "nock";
import { runAction } from "../../src/action/run-action.ts";
import { git, readOutputs, runnerEnv, tempDir, writeFiles } from "./fixture.ts";

const ENDPOINT = "https://access-analyzer.us-east-1.amazonaws.com";
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const saved = { ...process.env };
const cleanup: string[] = [];

before(() => {
  nock.disableNetConnect();
  // The AWS SDK reads the process environment, where configure-aws-credentials puts them.
  process.env.AWS_REGION = "us-east-1";
  process.env.AWS_ACCESS_KEY_ID = "AKIDEXAMPLE";
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  delete process.env.AWS_PROFILE;
});
afterEach(() => nock.cleanAll());
after(() => {
  process.env = saved;
  nock.enableNetConnect();
  cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::assets/*"}]}\n';

async function run() {
  const root = tempDir("aa");
  cleanup.push(root);
  git(root, "init", "-q");
  writeFiles(root, { "iam/read.json": POLICY });
  const files = runnerEnv(root, "workflow_dispatch", {}, { "access-analyzer": "true" });
  cleanup.push(path.dirname(files.summary));
  let log = "";
  const code = await runAction({ env: files.env, stdout: { write: (text: string) => (log += text) } });
  return {
    code,
    log,
    summary: readFileSync(files.summary, "utf8"),
    outputs: readOutputs(files.output),
    sarif: readFileSync(path.join(root, "iam-policy-review.sarif"), "utf8"),
  };
}

describe("the Action with Access Analyzer", () => {
  it("adds its findings to the annotations, the summary and the SARIF file, each rule with help", async () => {
    const scope = nock(ENDPOINT)
      .post("/policy/validation")
      .query(true)
      .reply(200, {
        findings: [
          {
            findingType: "SUGGESTION",
            issueCode: "MADE_UP_SUGGESTION",
            findingDetails: "A made-up suggestion on the Action.",
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
      .post("/policy/check-access-not-granted")
      .reply(200, { result: "PASS", message: "The policy document does not grant access to perform the listed actions.", reasons: [] });
    const { code, log, summary, outputs, sarif } = await run();
    assert.ok(scope.isDone());
    assert.equal(code, 0);
    assert.match(
      log,
      /^::notice file=iam\/read\.json,line=1,.*title=access-analyzer\/MADE_UP_SUGGESTION::A made-up suggestion on the Action\./m,
    );
    assert.ok(
      summary.includes(
        "**Access Analyzer**: 2 requests (ValidatePolicy 1, CheckNoNewAccess 0, CheckAccessNotGranted 1, CheckNoPublicAccess 0).",
      ),
      summary,
    );
    assert.equal(outputs.findings, "1");
    const rule = JSON.parse(sarif).runs[0].tool.driver.rules[0];
    assert.equal(rule.id, "access-analyzer/MADE_UP_SUGGESTION");
    assert.match(rule.help.markdown, /^IAM Access Analyzer: `MADE_UP_SUGGESTION`\./);
  });

  it("when Access Analyzer refuses the credentials: exit 2, the summary says the analysis is incomplete, no credential shown", async () => {
    nock(ENDPOINT)
      .persist()
      .post(/^\/policy\//)
      .query(true)
      .reply(
        403,
        { message: "User is not authorized to perform: access-analyzer:ValidatePolicy" },
        { "x-amzn-errortype": "AccessDeniedException" },
      );
    const { code, log, summary } = await run();
    assert.equal(code, 2);
    assert.match(
      log,
      /^::error::Access Analyzer checks did not all run; see the access-analyzer\/unavailable notes\. The analysis is incomplete\.$/m,
    );
    assert.match(summary, /^## IAM Policy Review: Incomplete: /);
    assert.ok(summary.includes("**Access Analyzer**: **incomplete**."), summary);
    assert.doesNotMatch(log + summary, /wJalrXUtnFEMI|AKIDEXAMPLE/);
  });
});

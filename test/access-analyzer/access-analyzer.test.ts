/**
 * IAM Access Analyzer integration (issue #5): the real SDK client against nock at the HTTP layer, so request
 * paths, signing, JSON bodies, error parsing and the SDK's retries are the real ones. No network is used.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { envPerSuite } from "../env-per-suite.ts";
import { nockPerSuite } from "../nock-per-suite.ts";
import nock from "nock";
import { AccessAnalyzerClient } from "@aws-sdk/client-accessanalyzer";
import { AdaptiveRetryStrategy, DefaultRateLimiter } from "@smithy/core/retry";
import { createAccessAnalyzer } from "../../src/access-analyzer/access-analyzer.ts";
import { accessAnalyzerClientConfig } from "../../src/access-analyzer/executor.ts";
import { MAX_ATTEMPTS, MAX_POLICY_CHARACTERS, type AccessAnalyzerItem } from "../../src/access-analyzer/types.ts";
import { preparePolicy } from "../../src/access-analyzer/placeholders.ts";
import { extractFiles } from "../../src/extract/index.ts";
import type { Finding, PolicyDocument } from "../../src/types.ts";

const ENDPOINT = "https://access-analyzer.us-east-1.amazonaws.com";
const FIXTURES = new URL("../fixtures/access-analyzer/", import.meta.url);
const ACCESS_KEY = "AKIDEXAMPLE";
const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const ATTEMPTS = 3;

/** The real adaptive strategy with ~1 ms backoff and a rate limiter that never waits long, so retries are fast. */
function fastAdaptiveRetries(): AdaptiveRetryStrategy {
  return new AdaptiveRetryStrategy(ATTEMPTS, {
    maxAttempts: ATTEMPTS,
    backoff: { computeNextBackoffDelay: () => 1, setDelayBase: () => undefined },
    rateLimiter: new DefaultRateLimiter({ minFillRate: 10_000, minCapacity: 10_000 }),
  });
}

function testClient(credentials?: AccessAnalyzerClient["config"]["credentials"]): AccessAnalyzerClient {
  return new AccessAnalyzerClient({
    ...accessAnalyzerClientConfig("us-east-1"),
    credentials: credentials ?? { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    retryStrategy: fastAdaptiveRetries(),
  });
}

function fixture(path: string): { path: string; text: string } {
  return { path, text: readFileSync(new URL(path, FIXTURES), "utf8") };
}

async function policiesOf(...paths: string[]): Promise<PolicyDocument[]> {
  const result = await extractFiles(paths.map(fixture));
  assert.deepEqual(result.findings, []);
  return result.policies;
}

function byOrigin(policies: PolicyDocument[], origin: string): PolicyDocument {
  const doc = policies.find((p) => p.origin === origin);
  assert.ok(doc, `no policy ${origin}`);
  return doc;
}

interface Recorded {
  path: string;
  query: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

type Reply = [number, unknown] | [number, unknown, Record<string, string>];

/** One persistent interceptor for every Access Analyzer path; `answer` decides each reply from the parsed body. */
function fakeAccessAnalyzer(answer: (path: string, body: Record<string, unknown>) => Reply): Recorded[] {
  const requests: Recorded[] = [];
  nock(ENDPOINT)
    .persist()
    .post(/^\/policy\//)
    // nock 15 hands a reply function the fetch Request.
    .reply(async (request: Request) => {
      const url = new URL(request.url);
      const body = (await request.json()) as Record<string, unknown>;
      requests.push({ path: url.pathname, query: url.search, body, headers: Object.fromEntries(request.headers) });
      return answer(url.pathname, body);
    });
  return requests;
}

const PASS: Reply = [200, { result: "PASS", message: "The policy passes.", reasons: [] }];
const NO_FINDINGS: Reply = [200, { findings: [] }];

function sentPolicy(request: Recorded | undefined, key = "policyDocument"): Record<string, unknown> {
  assert.ok(request);
  const text = request.body[key];
  assert.equal(typeof text, "string");
  return JSON.parse(text as string) as Record<string, unknown>;
}

function only(findings: Finding[], ruleId: string): Finding {
  const matching = findings.filter((f) => f.ruleId === ruleId);
  assert.equal(matching.length, 1, `expected one ${ruleId}, got ${JSON.stringify(findings.map((f) => f.ruleId))}`);
  return matching[0]!;
}

function position(f: Finding): [file: string, line: number, column: number, endLine: number, endColumn: number] {
  return [f.file, f.line, f.column, f.endLine, f.endColumn];
}

const ENV_KEYS = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ACCESSANALYZER", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"];

/** For each suite: nock only, and no endpoint setting from the environment (the fakes answer the default one). */
function isolated(): void {
  nockPerSuite();
  envPerSuite(Object.fromEntries(ENV_KEYS.map((key) => [key, undefined])));
}

describe("access analyzer client configuration", () => {
  isolated();

  it("uses adaptive retries with five attempts and the default credential chain", async () => {
    assert.deepEqual(accessAnalyzerClientConfig(), { retryMode: "adaptive", maxAttempts: MAX_ATTEMPTS });
    assert.equal(MAX_ATTEMPTS, 5);
    const client = new AccessAnalyzerClient(accessAnalyzerClientConfig("eu-west-1"));
    assert.equal(await client.config.region(), "eu-west-1");
    assert.ok((await client.config.retryStrategy()) instanceof AdaptiveRetryStrategy);
    assert.equal(await client.config.maxAttempts(), 5);
    client.destroy();
  });
});

describe("ValidatePolicy", () => {
  isolated();

  it("sends a signed JSON request to /policy/validation and maps a path to the JSON source line", async () => {
    const [doc] = await policiesOf("identity.json");
    let sentText = "";
    const requests = fakeAccessAnalyzer((path, body) => {
      assert.equal(path, "/policy/validation");
      sentText = body.policyDocument as string;
      const passRole = sentText.indexOf('"iam:PassRole"');
      return [
        200,
        {
          findings: [
            {
              findingDetails: "The action s3:ListBuckets does not exist.",
              findingType: "ERROR",
              issueCode: "INVALID_ACTION",
              learnMoreLink:
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-action",
              locations: [
                {
                  path: [{ value: "Statement" }, { index: 0 }, { value: "Action" }, { index: 1 }],
                  span: { start: { line: 1, column: 90, offset: 90 }, end: { line: 1, column: 106, offset: 106 } },
                },
              ],
            },
            {
              findingDetails:
                "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources.",
              findingType: "SECURITY_WARNING",
              issueCode: "PASS_ROLE_WITH_STAR_IN_RESOURCE",
              learnMoreLink:
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource",
              locations: [
                {
                  path: [{ value: "Statement" }, { index: 1 }, { value: "Resource" }],
                  span: { start: { line: 1, column: 0, offset: 0 }, end: { line: 1, column: 3, offset: 3 } },
                },
              ],
            },
            {
              // No path: the span into the text we sent is the fallback.
              findingDetails: "Add a Sid to make this statement easier to find",
              findingType: "SUGGESTION",
              issueCode: "EMPTY_SID_VALUE",
              learnMoreLink: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
              locations: [
                {
                  path: [],
                  span: {
                    start: { line: 1, column: passRole, offset: passRole },
                    end: { line: 1, column: passRole + 14, offset: passRole + 14 },
                  },
                },
              ],
            },
            {
              findingDetails: "The Action element is a list; consider a single action.",
              findingType: "WARNING",
              issueCode: "SOME_WARNING",
              learnMoreLink: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
              locations: [
                {
                  path: [{ value: "Statement" }, { index: 0 }, { key: "Action" }],
                  span: { start: { line: 1, column: 0, offset: 0 }, end: { line: 1, column: 0, offset: 0 } },
                },
              ],
            },
          ],
        },
      ];
    });

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: [] }).analyze([{ after: doc! }]);

    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request!.headers["content-type"], "application/json");
    assert.match(
      String(request!.headers.authorization),
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/access-analyzer\/aws4_request, /,
    );
    assert.deepEqual(Object.keys(request!.body).sort(), ["policyDocument", "policyType"]);
    assert.equal(request!.body.policyType, "IDENTITY_POLICY");
    assert.deepEqual(sentPolicy(request), JSON.parse(fixture("identity.json").text));

    const invalid = only(result.findings, "access-analyzer/INVALID_ACTION");
    assert.deepEqual(position(invalid), ["identity.json", 9, 9, 9, 25]);
    assert.equal(invalid.severity, "error");
    assert.equal(invalid.category, "invalid-policy");
    assert.equal(invalid.source, "access-analyzer");
    assert.equal(invalid.message, "The action s3:ListBuckets does not exist.");
    assert.match(invalid.docsUrl!, /policy-checks-error-invalid-action$/);

    const passRole = only(result.findings, "access-analyzer/PASS_ROLE_WITH_STAR_IN_RESOURCE");
    assert.deepEqual(position(passRole), ["identity.json", 17, 19, 17, 22]);
    assert.equal(passRole.severity, "error");
    assert.equal(passRole.category, "privilege-escalation");

    const bySpan = only(result.findings, "access-analyzer/EMPTY_SID_VALUE");
    assert.deepEqual(position(bySpan), ["identity.json", 16, 17, 16, 31]);
    assert.equal(bySpan.severity, "note");
    assert.equal(bySpan.message, "Add a Sid to make this statement easier to find.");

    const atKey = only(result.findings, "access-analyzer/SOME_WARNING");
    assert.deepEqual(position(atKey), ["identity.json", 7, 7, 7, 15]);
    assert.equal(atKey.severity, "warning");

    assert.deepEqual(result.notes, []);
    assert.equal(result.complete, true);
    assert.deepEqual(result.checks, {
      validatePolicy: 1,
      checkNoNewAccess: 0,
      checkAccessNotGranted: 0,
      checkNoPublicAccess: 0,
      failed: 0,
      skipped: 0,
    });
  });

  it("follows nextToken pages", async () => {
    const [doc] = await policiesOf("identity.json");
    const finding = (issueCode: string, index: number) => ({
      findingDetails: `${issueCode} details.`,
      findingType: "WARNING",
      issueCode,
      learnMoreLink: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
      locations: [
        {
          path: [{ value: "Statement" }, { index }],
          span: { start: { line: 1, column: 0, offset: 0 }, end: { line: 1, column: 1, offset: 1 } },
        },
      ],
    });
    const scope = nock(ENDPOINT)
      .post("/policy/validation")
      .reply(200, { findings: [finding("FIRST_PAGE", 0)], nextToken: "page-2" })
      .post("/policy/validation")
      .query({ nextToken: "page-2" })
      .reply(200, { findings: [finding("SECOND_PAGE", 1)] });

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: [] }).analyze([{ after: doc! }]);

    assert.ok(scope.isDone());
    assert.deepEqual(position(only(result.findings, "access-analyzer/FIRST_PAGE")), ["identity.json", 4, 5, 12, 6]);
    assert.deepEqual(position(only(result.findings, "access-analyzer/SECOND_PAGE")), ["identity.json", 13, 5, 18, 6]);
    assert.equal(result.checks.validatePolicy, 1);
  });
});

describe("CloudFormation and Terraform positions, placeholders and resource types", () => {
  isolated();

  it("sends placeholder values, resource types and every applicable check, and maps answers to YAML lines", async () => {
    const policies = await policiesOf("stack.yaml");
    const bucket = byOrigin(policies, "AWS::S3::BucketPolicy ArtifactsPolicy .PolicyDocument");
    const trust = byOrigin(policies, "AWS::IAM::Role BuildRole .AssumeRolePolicyDocument");
    const inline = byOrigin(policies, "AWS::IAM::Role BuildRole .Policies[0]");

    const requests = fakeAccessAnalyzer((path, body) => {
      if (path === "/policy/validation") {
        const doc = JSON.parse(body.policyDocument as string) as { Statement: unknown[] };
        if (body.policyType !== "IDENTITY_POLICY") return NO_FINDINGS;
        assert.equal(doc.Statement.length, 2);
        return [
          200,
          {
            findings: [
              {
                findingDetails: "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive.",
                findingType: "SECURITY_WARNING",
                issueCode: "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                learnMoreLink: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
                locations: [
                  {
                    path: [{ value: "Statement" }, { index: 1 }, { value: "Resource" }],
                    span: { start: { line: 1, column: 0, offset: 0 }, end: { line: 1, column: 1, offset: 1 } },
                  },
                ],
              },
              {
                // About the value we made up for !Sub "${Artifacts.Arn}/*": must not be reported.
                findingDetails: "The bucket name placeholder-bucket-… does not exist.",
                findingType: "WARNING",
                issueCode: "ABOUT_OUR_PLACEHOLDER",
                learnMoreLink: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
                locations: [
                  {
                    path: [{ value: "Statement" }, { index: 0 }, { value: "Resource" }],
                    span: { start: { line: 1, column: 0, offset: 0 }, end: { line: 1, column: 1, offset: 1 } },
                  },
                ],
              },
            ],
          },
        ];
      }
      if (path === "/policy/check-no-public-access") {
        if (body.resourceType !== "AWS::S3::Bucket") return PASS;
        return [
          200,
          {
            result: "FAIL",
            message: "The resource policy grants public access for the given resource type.",
            reasons: [
              {
                description: "Public access granted in the following statement with sid: PublicRead.",
                statementIndex: 0,
                statementId: "PublicRead",
              },
            ],
          },
        ];
      }
      if (path === "/policy/check-access-not-granted") {
        if (body.policyType !== "IDENTITY_POLICY") return PASS;
        return [
          200,
          {
            result: "FAIL",
            message: "The policy document grants access to perform one or more of the listed actions.",
            reasons: [{ description: "One or more of the listed actions in the statement with index: 1.", statementIndex: 1 }],
          },
        ];
      }
      throw new Error(`unexpected path ${path}`);
    });

    const runner = createAccessAnalyzer({
      client: testClient(),
      sensitiveActions: ["s3:GetObject", "iam:PassRole", "kms:Decrypt", "s3:Get*"],
    });
    const result = await runner.analyze([{ after: bucket }, { after: trust }, { after: inline }]);

    const validate = requests.filter((r) => r.path === "/policy/validation");
    assert.deepEqual(validate.map((r) => [r.body.policyType, r.body.validatePolicyResourceType]).sort(), [
      ["IDENTITY_POLICY", undefined],
      ["RESOURCE_POLICY", "AWS::IAM::AssumeRolePolicyDocument"],
      ["RESOURCE_POLICY", "AWS::S3::Bucket"],
    ]);
    // Placeholders become values of the right shape; the same reference gets the same value everywhere.
    const bucketSent = sentPolicy(validate.find((r) => r.body.validatePolicyResourceType === "AWS::S3::Bucket"));
    assert.deepEqual(bucketSent, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "PublicRead",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::placeholder-bucket-e4fb7c23/*",
        },
      ],
    });
    const trustSent = sentPolicy(validate.find((r) => r.body.validatePolicyResourceType === "AWS::IAM::AssumeRolePolicyDocument"));
    assert.deepEqual(trustSent.Statement, [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "sts:AssumeRole" }]);
    const inlineSent = sentPolicy(validate.find((r) => r.body.policyType === "IDENTITY_POLICY"));
    assert.deepEqual((inlineSent.Statement as Array<Record<string, unknown>>)[0]!.Resource, "arn:aws:s3:::placeholder-bucket-e4fb7c23/*");
    for (const request of requests) assert.doesNotMatch(JSON.stringify(request.body), /\{\{/);

    const publicChecks = requests.filter((r) => r.path === "/policy/check-no-public-access");
    assert.deepEqual(publicChecks.map((r) => r.body.resourceType).sort(), ["AWS::IAM::AssumeRolePolicyDocument", "AWS::S3::Bucket"]);
    const notGranted = requests.filter((r) => r.path === "/policy/check-access-not-granted");
    assert.deepEqual(notGranted.map((r) => r.body.policyType).sort(), ["IDENTITY_POLICY", "RESOURCE_POLICY"]);
    for (const request of notGranted) assert.deepEqual(request.body.access, [{ actions: ["s3:GetObject", "iam:PassRole", "kms:Decrypt"] }]);

    const passRole = only(result.findings, "access-analyzer/PASS_ROLE_WITH_STAR_IN_RESOURCE");
    assert.deepEqual(position(passRole), ["stack.yaml", 47, 27, 47, 30]);
    assert.equal(passRole.origin, "AWS::IAM::Role BuildRole .Policies[0]");
    assert.equal(
      result.findings.some((f) => f.ruleId === "access-analyzer/ABOUT_OUR_PLACEHOLDER"),
      false,
    );

    const isPublic = only(result.findings, "access-analyzer/check-no-public-access");
    assert.deepEqual(position(isPublic), ["stack.yaml", 19, 13, 23, 48]);
    assert.equal(isPublic.severity, "error");
    assert.equal(isPublic.category, "public-access");
    assert.match(isPublic.message, /AWS::S3::Bucket public/);

    const sensitive = only(result.findings, "access-analyzer/check-access-not-granted");
    assert.deepEqual(position(sensitive), ["stack.yaml", 45, 17, 47, 30]);
    assert.equal(sensitive.category, "privilege-escalation");
    assert.match(sensitive.message, /iam:PassRole/);

    const wildcardNote = only(result.notes, "access-analyzer/sensitive-action-wildcards");
    assert.match(wildcardNote.message, /s3:Get\*/);
    assert.equal(wildcardNote.severity, "note");
    assert.equal(result.complete, true);
    assert.deepEqual(result.checks, {
      validatePolicy: 3,
      checkNoNewAccess: 0,
      checkAccessNotGranted: 2,
      checkNoPublicAccess: 2,
      failed: 0,
      skipped: 0,
    });
  });

  it("maps a finding to the Terraform line of a policy document built from HCL", async () => {
    const [doc] = await policiesOf("terraform/main.tf");
    const requests = fakeAccessAnalyzer(() => [
      200,
      {
        findings: [
          {
            findingDetails: "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive.",
            findingType: "SECURITY_WARNING",
            issueCode: "PASS_ROLE_WITH_STAR_IN_RESOURCE",
            learnMoreLink: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
            locations: [
              {
                path: [{ value: "Statement" }, { index: 1 }, { value: "Resource" }, { index: 0 }],
                span: { start: { line: 1, column: 0, offset: 0 }, end: { line: 1, column: 1, offset: 1 } },
              },
            ],
          },
        ],
      },
    ]);

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: [] }).analyze([{ after: doc! }]);

    assert.equal(requests.length, 1);
    assert.deepEqual((sentPolicy(requests[0]).Statement as Array<Record<string, unknown>>)[0]!.Resource, [
      "arn:aws:s3:::placeholder-bucket-765f56a2/*",
    ]);
    assert.deepEqual(position(only(result.findings, "access-analyzer/PASS_ROLE_WITH_STAR_IN_RESOURCE")), [
      "terraform/main.tf",
      17,
      18,
      17,
      21,
    ]);
  });
});

describe("CheckNoNewAccess", () => {
  isolated();

  it("compares the head with the base version and reports the statement that adds access", async () => {
    const [after] = await policiesOf("identity.json");
    const [before] = await policiesOf("identity-before.json");
    const requests = fakeAccessAnalyzer((path) => {
      if (path === "/policy/validation") return NO_FINDINGS;
      assert.equal(path, "/policy/check-no-new-access");
      return [
        200,
        {
          result: "FAIL",
          message: "The modified permissions grant new access compared to your existing policy.",
          reasons: [{ description: "New access in the statement with index: 1.", statementIndex: 1 }],
        },
      ];
    });

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: [] }).analyze([{ after: after!, before: before! }]);

    const check = requests.find((r) => r.path === "/policy/check-no-new-access");
    assert.equal(check!.body.policyType, "IDENTITY_POLICY");
    assert.deepEqual(sentPolicy(check, "newPolicyDocument"), JSON.parse(fixture("identity.json").text));
    assert.deepEqual(sentPolicy(check, "existingPolicyDocument"), JSON.parse(fixture("identity-before.json").text));
    const finding = only(result.findings, "access-analyzer/check-no-new-access");
    assert.deepEqual(position(finding), ["identity.json", 13, 5, 18, 6]);
    assert.equal(finding.category, "new-access");
    assert.equal(finding.severity, "warning");
    assert.equal(result.checks.checkNoNewAccess, 1);
  });

  it("reports nothing on PASS and does not ask when nothing changed", async () => {
    const [after] = await policiesOf("identity.json");
    const [same] = await policiesOf("identity.json");
    const [before] = await policiesOf("identity-before.json");
    const requests = fakeAccessAnalyzer((path) => (path === "/policy/validation" ? NO_FINDINGS : PASS));

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: [] }).analyze([{ after: after!, before: before! }]);
    assert.deepEqual(result.findings, []);
    assert.equal(requests.filter((r) => r.path === "/policy/check-no-new-access").length, 1);

    const unchanged = await createAccessAnalyzer({ client: testClient(), sensitiveActions: [] }).analyze([
      { after: after!, before: same! },
    ]);
    assert.equal(unchanged.checks.checkNoNewAccess, 0);
  });
});

describe("de-duplication and concurrency", () => {
  isolated();

  it("sends identical requests once and shares the answer with every document", async () => {
    const text = fixture("identity.json").text;
    const { policies } = await extractFiles([
      { path: "a/policy.json", text },
      { path: "b/policy.json", text },
    ]);
    assert.equal(policies.length, 2);
    // A single interceptor without persist(): a second identical request would find none and fail.
    const scope = nock(ENDPOINT)
      .post("/policy/validation", (body: Record<string, unknown>) => body.policyType === "IDENTITY_POLICY")
      .reply(200, {
        findings: [
          {
            findingDetails: "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive.",
            findingType: "SECURITY_WARNING",
            issueCode: "PASS_ROLE_WITH_STAR_IN_RESOURCE",
            learnMoreLink: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
            locations: [
              {
                path: [{ value: "Statement" }, { index: 1 }, { value: "Resource" }],
                span: { start: { line: 1, column: 0, offset: 0 }, end: { line: 1, column: 1, offset: 1 } },
              },
            ],
          },
        ],
      });

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: [] }).analyze(policies.map((after) => ({ after })));

    assert.ok(scope.isDone());
    assert.deepEqual(nock.pendingMocks(), []);
    assert.deepEqual(result.notes, []);
    assert.equal(result.checks.validatePolicy, 1);
    assert.deepEqual(result.findings.map((f) => [f.file, f.line]).sort(), [
      ["a/policy.json", 17],
      ["b/policy.json", 17],
    ]);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    const items: AccessAnalyzerItem[] = [];
    for (let i = 0; i < 6; i++) {
      const text = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: `s3:GetObject`, Resource: `arn:aws:s3:::bucket-${i}/*` }],
      });
      items.push(...(await extractFiles([{ path: `p${i}.json`, text }])).policies.map((after) => ({ after })));
    }
    let inFlight = 0;
    let most = 0;
    nock(ENDPOINT)
      .persist()
      .post("/policy/validation")
      .reply(async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 15));
        inFlight--;
        return [200, { findings: [] }];
      });

    const result = await createAccessAnalyzer({ client: testClient(), concurrency: 2, sensitiveActions: [] }).analyze(items);

    assert.equal(result.checks.validatePolicy, 6);
    assert.equal(most, 2);
  });
});

describe("failures", () => {
  isolated();

  it("retries a ThrottlingException (429) and uses the answer that follows", async () => {
    const [doc] = await policiesOf("identity.json");
    const scope = nock(ENDPOINT)
      .post("/policy/validation")
      .reply(429, { message: "Rate exceeded" }, { "x-amzn-errortype": "ThrottlingException" })
      .post("/policy/validation")
      .reply(200, { findings: [] });

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: [] }).analyze([{ after: doc! }]);

    assert.ok(scope.isDone());
    assert.deepEqual(result.notes, []);
    assert.equal(result.complete, true);
    assert.equal(result.checks.failed, 0);
  });

  it("turns a persisting 503 outage into one note per cause and complete: false", async () => {
    const policies = await policiesOf("stack.yaml");
    const scope = nock(ENDPOINT)
      .post(/^\/policy\//)
      .times(50)
      .reply(503, "Service Unavailable");

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: ["s3:GetObject"] }).analyze(
      policies.map((after) => ({ after })),
    );

    assert.equal(scope.pendingMocks().length, 1); // the interceptor is left with unused replies
    assert.deepEqual(result.findings, []);
    assert.equal(result.complete, false);
    const note = only(result.notes, "access-analyzer/unavailable");
    assert.equal(note.category, "unparsed-input");
    assert.equal(note.severity, "note");
    assert.equal(note.file, "stack.yaml");
    assert.match(
      note.message,
      /did not run for 3 policies \(AWS::S3::BucketPolicy ArtifactsPolicy \.PolicyDocument in stack\.yaml and 2 more\)/,
    );
    assert.match(note.message, /ValidatePolicy \(3\)/);
    assert.match(note.message, /CheckNoPublicAccess \(2\)/);
    assert.match(note.message, /CheckAccessNotGranted \(2\)/);
    assert.match(note.message, new RegExp(`kept failing after ${ATTEMPTS} attempts \\(HTTP 503\\)`));
    assert.match(note.message, /run again later/);
    assert.equal(result.checks.failed, 7);
    assert.equal(result.checks.validatePolicy, 3);
  });

  it("says to configure credentials when there are none, without sending anything", async () => {
    const [doc] = await policiesOf("identity.json");
    const client = testClient(async () => {
      throw Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    });

    const result = await createAccessAnalyzer({ client, sensitiveActions: ["s3:GetObject"] }).analyze([{ after: doc! }]);

    assert.equal(result.complete, false);
    const note = only(result.notes, "access-analyzer/unavailable");
    assert.match(
      note.message,
      /because no AWS credentials were found \(CredentialsProviderError\); configure AWS credentials allowed to call access-analyzer:ValidatePolicy/,
    );
    assert.match(note.message, /ValidatePolicy \(1\), CheckAccessNotGranted \(1\)|CheckAccessNotGranted \(1\), ValidatePolicy \(1\)/);
    assert.equal(result.checks.failed, 2);
  });

  it("reports AccessDenied as a note that names the permissions, never the credentials or the policy", async () => {
    const [doc] = await policiesOf("identity.json");
    nock(ENDPOINT)
      .post(/^\/policy\//)
      .times(2)
      .reply(
        403,
        { message: `User: arn:aws:sts::111122223333:assumed-role/ci is not authorized to perform: access-analyzer:ValidatePolicy` },
        { "x-amzn-errortype": "AccessDeniedException" },
      );

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: ["s3:GetObject"] }).analyze([{ after: doc! }]);

    assert.equal(result.complete, false);
    const note = only(result.notes, "access-analyzer/unavailable");
    assert.match(note.message, /\(AccessDeniedException, HTTP 403\); grant the identity access-analyzer:ValidatePolicy/);
    for (const secret of [ACCESS_KEY, SECRET_KEY, "s3:ListBuckets", "arn:aws:s3:::artifacts", "assumed-role"])
      assert.equal(note.message.includes(secret), false, secret);
  });

  it("says the endpoint could not be reached when the network is down", async () => {
    const [doc] = await policiesOf("identity.json");
    // No interceptor: nock refuses the connection as a network without a route would.
    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: [] }).analyze([{ after: doc! }]);

    const note = only(result.notes, "access-analyzer/unavailable");
    assert.match(
      note.message,
      /^IAM Access Analyzer checks did not run for 1 policy \(identity\.json\): ValidatePolicy \(1\), because the Access Analyzer endpoint could not be reached/,
    );
    assert.match(note.message, /check network access to access-analyzer\.<region>\.amazonaws\.com/);
    assert.equal(result.complete, false);
  });

  it("turns a request Access Analyzer rejects into a note instead of an exception", async () => {
    const [doc] = await policiesOf("identity.json");
    nock(ENDPOINT).post("/policy/validation").reply(400, { message: "Invalid policy" }, { "x-amzn-errortype": "ValidationException" });

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: [] }).analyze([{ after: doc! }]);

    const note = only(result.notes, "access-analyzer/unavailable");
    assert.match(note.message, /rejected the request \(ValidationException, HTTP 400\)/);
    assert.equal(result.complete, false);
  });

  it("does not send a document larger than the limit and says so", async () => {
    const statements = Array.from({ length: 2000 }, (_, i) => ({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::bucket-${i}/*`,
    }));
    const { policies } = await extractFiles([
      { path: "huge.json", text: JSON.stringify({ Version: "2012-10-17", Statement: statements }) },
    ]);
    assert.ok(JSON.stringify(policies[0]!.json).length > MAX_POLICY_CHARACTERS);

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: ["s3:GetObject"] }).analyze([
      { after: policies[0]! },
    ]);

    const note = only(result.notes, "access-analyzer/too-large");
    assert.equal(note.file, "huge.json");
    assert.equal(result.checks.validatePolicy, 0);
    assert.equal(result.checks.skipped, 2);
    assert.equal(result.complete, false);
  });
});

describe("policy types", () => {
  isolated();

  it("validates an SCP as SERVICE_CONTROL_POLICY and runs no custom check on it", async () => {
    const { policies } = await extractFiles([fixture("identity.json")], { kindFor: () => "scp" });
    const requests = fakeAccessAnalyzer(() => NO_FINDINGS);

    const result = await createAccessAnalyzer({ client: testClient(), sensitiveActions: ["s3:GetObject"] }).analyze([
      { after: policies[0]!, before: policies[0]! },
    ]);

    assert.deepEqual(
      requests.map((r) => [r.path, r.body.policyType]),
      [["/policy/validation", "SERVICE_CONTROL_POLICY"]],
    );
    assert.equal(result.complete, true);
  });
});

describe("preparePolicy", () => {
  isolated();

  it("serialises like JSON.stringify and maps spans, statement indices and generated values back", async () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        "{{dynamic.statement}}",
        {
          Effect: "Allow",
          Principal: "{{var.principal}}",
          Action: "sqs:SendMessage",
          Resource: "arn:aws:sqs:{{var.region}}:{{var.account_id}}:q",
        },
      ],
    });
    const [doc] = (await extractFiles([{ path: "p.json", text }])).policies;
    const prepared = preparePolicy(doc!)!;
    assert.equal(prepared.text, JSON.stringify(prepared.sent));
    assert.deepEqual(prepared.sent.Statement, [
      {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111122223333:root" },
        Action: "sqs:SendMessage",
        Resource: "arn:aws:sqs:us-east-1:111122223333:q",
      },
    ]);
    assert.equal(prepared.statementPointer(0), "/Statement/1");
    assert.equal(prepared.toOriginal("/Statement/0/Principal/AWS"), "/Statement/1/Principal");
    assert.equal(prepared.isSubstituted("/Statement/1/Principal"), true);
    assert.equal(prepared.isSubstituted("/Statement/1/Action"), false);
    assert.equal(prepared.pointerAtOffset(prepared.text.indexOf('"sqs:SendMessage"') + 1), "/Statement/0/Action");
  });
});

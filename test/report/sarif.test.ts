import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Finding } from "../../src/types.ts";
import { toSarif } from "../../src/report/sarif.ts";
import type { ScanReport } from "../../src/report/types.ts";
import { sarifErrors } from "./sarif-schema.ts";

function finding(over: Partial<Finding>): Finding {
  return {
    file: "iam/p.json",
    line: 4,
    endLine: 4,
    column: 5,
    endColumn: 20,
    ruleId: "no-admin-access",
    category: "overly-permissive",
    severity: "error",
    message: 'This statement allows "*" on every resource.',
    source: "local",
    fingerprint: "0123456789abcdef0123456789abcdef",
    ...over,
  };
}

const REPORT: ScanReport = {
  version: "1.2.3",
  files: 2,
  policies: [],
  findings: [
    finding({}),
    finding({
      file: "cfn/my template.yaml",
      line: 12,
      endLine: 13,
      ruleId: "mfa-condition",
      category: "mfa",
      severity: "warning",
      message: "Bool with aws:MultiFactorAuthPresent misses requests without MFA information.",
      fix: {
        description: "Use BoolIfExists.",
        line: 12,
        endLine: 13,
        replacement: "        BoolIfExists:\n          aws:MultiFactorAuthPresent: false",
      },
      fingerprint: "fedcba9876543210fedcba9876543210",
    }),
    finding({
      ruleId: "access-analyzer/PASS_ROLE_WITH_STAR_IN_RESOURCE",
      source: "access-analyzer",
      severity: "warning",
      category: "privilege-escalation",
      message: "Using iam:PassRole with a wildcard (*) in the resource can be overly permissive.",
      docsUrl: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#pass-role",
      fingerprint: "11111111111111111111111111111111",
    }),
    finding({
      ruleId: "new-access",
      category: "new-access",
      severity: "warning",
      message: "Grants new Write access: s3:PutObject.",
      fingerprint: "22222222222222222222222222222222",
    }),
    finding({
      ruleId: "no-hardcoded-aws-keys",
      category: "hardcoded-secret",
      message: "Key AKIAIOSFODNN7EXAMPLE is in the file.",
      fingerprint: "33333333333333333333333333333333",
    }),
  ],
  suppressed: [],
};

describe("SARIF for code scanning", () => {
  const log = toSarif(REPORT, {
    docsBase: "https://github.com/acme/iam-policy-review/blob/v1/",
    informationUri: "https://github.com/acme/iam-policy-review",
  });
  const run = log.runs[0]!;
  const rules = run.tool.driver.rules!;

  it("validates against the SARIF 2.1.0 schema", () => {
    assert.deepEqual(sarifErrors(log), []);
  });

  it("gives every rule help.markdown and help.text, tags and a security-severity", () => {
    assert.deepEqual(
      rules.map((r) => r.id),
      ["no-admin-access", "mfa-condition", "access-analyzer/PASS_ROLE_WITH_STAR_IN_RESOURCE", "new-access", "no-hardcoded-aws-keys"],
    );
    for (const rule of rules) {
      assert.ok(rule.help?.markdown && rule.help.text, rule.id);
      assert.match(String(rule.properties?.["security-severity"]), /^\d+\.\d$/, rule.id);
      assert.ok((rule.properties?.tags as string[]).includes("security"), rule.id);
    }
    assert.match(
      rules[0]!.help!.markdown!,
      /#### Compliant example\n\n\*\*The actions a deployment needs, on its bucket\*\* \(identity policy\)\n\n```json\n/,
    );
    assert.equal(rules[0]!.helpUri, "https://github.com/acme/iam-policy-review/blob/v1/docs/rules/no-admin-access.md");
    assert.equal(rules[0]!.properties!["security-severity"], "8.0");
    assert.equal(rules[1]!.properties!["security-severity"], "5.5");
  });

  it("links Access Analyzer findings to AWS's page, and new-access to its own page (a rule descriptor since issue 9)", () => {
    assert.equal(
      rules[2]!.helpUri,
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#pass-role",
    );
    assert.equal(rules[3]!.helpUri, "https://github.com/acme/iam-policy-review/blob/v1/docs/rules/new-access.md");
  });

  it("names the tool's home page", () => {
    assert.equal(run.tool.driver.informationUri, "https://github.com/acme/iam-policy-review");
    assert.equal(run.tool.driver.version, "1.2.3");
  });

  it("carries our fingerprint so alerts follow the code across commits", () => {
    assert.deepEqual(
      run.results!.map((r) => r.partialFingerprints),
      REPORT.findings.map((f) => ({ "iamPolicyReview/v1": f.fingerprint })),
    );
  });

  it("turns a suggested change into a fix of whole lines", () => {
    assert.deepEqual(run.results![1]!.fixes, [
      {
        description: { text: "Use BoolIfExists." },
        artifactChanges: [
          {
            artifactLocation: { uri: "cfn/my%20template.yaml", uriBaseId: "%SRCROOT%" },
            replacements: [
              {
                deletedRegion: { startLine: 12, endLine: 13 },
                insertedContent: { text: "        BoolIfExists:\n          aws:MultiFactorAuthPresent: false" },
              },
            ],
          },
        ],
      },
    ]);
    assert.equal(run.results![0]!.fixes, undefined);
  });

  it("masks access keys in messages", () => {
    assert.equal(run.results![4]!.message.text, "Key AKIA… is in the file.");
  });
});

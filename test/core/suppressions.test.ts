import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeFiles as analyze } from "../../src/core/analyze-files.ts";
import noPublicPrincipal from "../../src/rules/no-public-principal.ts";
import noAdminAccess from "../../src/rules/no-admin-access.ts";

const template = (comment: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: site
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
${comment}          - Sid: PublicRead
            Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: arn:aws:s3:::site/*
`;

const rules = [noPublicPrincipal, noAdminAccess];

describe("suppressions", () => {
  it("a comment above a statement suppresses its findings, with the reason listed", async () => {
    const text = template("          # iam-policy-review:ignore no-public-principal until 2027-01-31 -- public website, SEC-1\n");
    const { findings, suppressed } = await analyze([{ path: "site.yaml", text }], { rules, today: "2026-11-24" });
    assert.deepEqual(findings, []);
    assert.equal(suppressed.length, 1);
    assert.equal(suppressed[0]!.ruleId, "no-public-principal");
    assert.equal(suppressed[0]!.line, 13);
    assert.deepEqual(suppressed[0]!.suppression, { reason: "public website, SEC-1", expires: "2027-01-31", source: "site.yaml:10" });
  });

  it("an expired suppression stops working and a note says so", async () => {
    const text = template("          # iam-policy-review:ignore no-public-principal until 2026-01-31 -- public website\n");
    const { findings, suppressed } = await analyze([{ path: "site.yaml", text }], { rules, today: "2026-11-24" });
    assert.deepEqual(suppressed, []);
    assert.deepEqual(
      findings.map((f) => `${f.line} ${f.ruleId} ${f.severity}`),
      ["10 unparsed-input note", "13 no-public-principal error"],
    );
    assert.match(findings[0]!.message, /expired on 2026-01-31/);
  });

  it("a suppression without a reason is ignored and reported", async () => {
    const text = template("          # iam-policy-review:ignore no-public-principal\n");
    const { findings, suppressed } = await analyze([{ path: "site.yaml", text }], { rules, today: "2026-11-24" });
    assert.deepEqual(suppressed, []);
    assert.deepEqual(
      findings.map((f) => `${f.line} ${f.ruleId} ${f.severity}`),
      ["10 unparsed-input warning", "13 no-public-principal error"],
    );
  });

  it("a suppression for another rule does not apply", async () => {
    const text = template("          # iam-policy-review:ignore no-admin-access -- not this one\n");
    const { findings } = await analyze([{ path: "site.yaml", text }], { rules, today: "2026-11-24" });
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ["no-public-principal"],
    );
  });

  it("a trailing comment suppresses findings on its own line", async () => {
    const text = `resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] # iam-policy-review:ignore no-admin-access -- break-glass role
  })
}
`;
    const { findings, suppressed } = await analyze([{ path: "main.tf", text }], { rules, today: "2026-11-24" });
    assert.deepEqual(findings, []);
    assert.equal(suppressed[0]!.suppression.reason, "break-glass role");
  });

  it("config suppressions work for JSON, by path and Sid", async () => {
    const json = JSON.stringify(
      {
        Version: "2012-10-17",
        Statement: [
          { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" },
          { Sid: "Other", Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::site" },
        ],
      },
      null,
      2,
    );
    const entries = [{ rule: "no-public-principal", path: "policies/", sid: "PublicRead", reason: "website" }];
    const { findings, suppressed } = await analyze([{ path: "policies/site.json", text: json }], {
      rules,
      suppressions: entries,
      today: "2026-11-24",
    });
    assert.deepEqual(
      suppressed.map((f) => [f.line, f.suppression.source]),
      [[7, "config"]],
    );
    assert.deepEqual(
      findings.map((f) => f.line),
      [14],
    );
  });
});

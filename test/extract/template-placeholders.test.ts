/**
 * Issue 10, pattern 4: template placeholders authors leave in policies (`<my-corporate-cidr>`, `##account##`,
 * `_S3_BUCKET_ARN_`) are values to be filled in: unresolved for every rule, and one note per file.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeFiles as analyze } from "../../src/core/analyze-files.ts";
import { TEMPLATE_PLACEHOLDER_PATTERN } from "../../src/extract/placeholder.ts";

describe("template placeholders", () => {
  it("one note for the file, at the first placeholder, and no finding on any of them", async () => {
    const text = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Deny",',
      '      "Action": "<action>",',
      '      "Resource": "<third-party-resource-arn>",',
      '      "Condition": { "NotIpAddressIfExists": { "aws:SourceIp": "<my-corporate-cidr>" }, "StringNotEquals": { "aws:PrincipalAccount": "##account##" } }',
      "    }",
      "  ]",
      "}",
    ].join("\n");
    const { findings, policies } = await analyze([{ path: "scps/network.json", text }], { today: "2026-06-01" });
    assert.deepEqual(
      findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message}`),
      [
        '6:17 note unparsed-input This file holds template placeholders ("<action>", "<third-party-resource-arn>", "<my-corporate-cidr>" and 1 more) for values to be filled in; they were treated as unknown values, not checked.',
      ],
    );
    assert.deepEqual(
      policies[0]!.unresolved.map((u) => [u.pointer, u.expression, u.template]),
      [
        ["/Statement/0/Action", "<action>", true],
        ["/Statement/0/Resource", "<third-party-resource-arn>", true],
        ["/Statement/0/Condition/NotIpAddressIfExists/aws:SourceIp", "<my-corporate-cidr>", true],
        ["/Statement/0/Condition/StringNotEquals/aws:PrincipalAccount", "##account##", true],
      ],
    );
  });

  it("a Terraform module's placeholder replaced at apply time (_S3_BUCKET_ARN_) is neither malformed nor 'grants nothing'", async () => {
    const text = [
      'data "aws_iam_policy_document" "bucket_policy" {',
      "  statement {",
      '    actions   = ["s3:ListBucket"]',
      '    resources = ["_S3_BUCKET_ARN_"]',
      "  }",
      "}",
      "",
    ].join("\n");
    const { findings } = await analyze([{ path: "main.tf", text }], { today: "2026-06-01" });
    assert.deepEqual(
      findings.filter((f) => f.severity !== "note").map((f) => `${f.line} ${f.ruleId}`),
      [],
    );
    assert.equal(findings.filter((f) => f.message.startsWith("This file holds template placeholders")).length, 1);
  });

  const notPlaceholders = [
    "${aws:username}",
    "${aws:PrincipalTag/team}",
    "${*}",
    "arn:aws:s3:::reports-2024/*",
    "arn:aws:iam::111122223333:role/service-role/AWS_Glue_Role",
    "10.0.0.0/8",
    "s3:GetObject",
    "{{var.bucket_arn}}",
    "arn:aws:sqs:us-east-1:111122223333:MY_QUEUE",
  ];
  for (const value of notPlaceholders) {
    it(`is not a placeholder: ${value}`, () => {
      assert.deepEqual(value.match(TEMPLATE_PLACEHOLDER_PATTERN), null);
    });
  }

  const placeholders = [
    "<my-cidr>",
    "##account##",
    "%{Source.Arn}",
    "{{x}}",
    "${AWS::AccountId}",
    "${BucketName}",
    "{account_id}",
    "[MAX_AGE]",
    "_S3_BUCKET_ARN_",
    "$ACCOUNT_ID",
  ];
  for (const value of placeholders) {
    it(`is a placeholder: ${value}`, () => {
      // `{{x}}` is already the extractor's own placeholder token; every other form is rewritten into one.
      if (value === "{{x}}") assert.deepEqual(value.match(TEMPLATE_PLACEHOLDER_PATTERN), null);
      else assert.deepEqual(value.match(TEMPLATE_PLACEHOLDER_PATTERN), [value]);
    });
  }
});

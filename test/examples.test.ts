import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_CONFIG } from "../src/core/config.ts";
import { runScan } from "../src/cli/scan-tree.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("examples/mixed: a folder of JSON, CloudFormation and Terraform, scanned as a new user would", () => {
  it("lists every policy with its kind and the line it starts on", async () => {
    const report = await runScan({ paths: ["examples/mixed"], cwd: ROOT, config: DEFAULT_CONFIG });
    assert.equal(report.files, 5);
    assert.deepEqual(
      report.policies.map((p) => `${p.file}:${p.range.line} ${p.kind} ${p.origin}`),
      [
        "examples/mixed/cloudformation/app.yaml:14 trust AWS::IAM::Role AppRole .AssumeRolePolicyDocument",
        "examples/mixed/cloudformation/app.yaml:23 identity AWS::IAM::Role AppRole .Policies[0]",
        "examples/mixed/cloudformation/app.yaml:35 resource AWS::S3::BucketPolicy AppBucketPolicy .PolicyDocument",
        "examples/mixed/policies/bucket-policy.json:1 resource examples/mixed/policies/bucket-policy.json",
        "examples/mixed/policies/deploy.json:1 identity examples/mixed/policies/deploy.json",
        "examples/mixed/terraform/ci/iam.tf:1 trust data.aws_iam_policy_document.github_trust",
        "examples/mixed/terraform/ci/iam.tf:23 identity aws_iam_role_policy.ci .policy",
      ],
    );
  });

  it("positions Resource values in each format and keeps unresolved values as placeholders, never `*`", async () => {
    const report = await runScan({ paths: ["examples/mixed"], cwd: ROOT, config: DEFAULT_CONFIG });
    const byOrigin = new Map(report.policies.map((p) => [p.origin, p]));

    const cfn = byOrigin.get("AWS::IAM::Role AppRole .Policies[0]")!;
    assert.deepEqual(cfn.positions["/Statement/0/Resource"], { line: 29, column: 27, endLine: 29, endColumn: 62 });
    assert.deepEqual(cfn.json, {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::app-data/*" }],
    });

    const trust = byOrigin.get("AWS::IAM::Role AppRole .AssumeRolePolicyDocument")!;
    assert.deepEqual(
      trust.unresolved.map((u) => [u.pointer, u.expression]),
      [["/Statement/0/Principal/AWS", "!Ref TrustedAccount"]],
    );

    const tf = byOrigin.get("aws_iam_role_policy.ci .policy")!;
    assert.deepEqual(tf.positions["/Statement/1/Resource"], { line: 34, column: 20, endLine: 34, endColumn: 80 });
    assert.equal(
      (tf.json as { Statement: Array<{ Resource: string }> }).Statement[1]!.Resource,
      "arn:aws:ecr:{{var.region}}:{{var.account_id}}:repository/app",
    );

    const tfTrust = byOrigin.get("data.aws_iam_policy_document.github_trust")!;
    assert.deepEqual(tfTrust.positions["/Statement/0/Action/0"], { line: 3, column: 16, endLine: 3, endColumn: 47 });
    assert.deepEqual(tfTrust.positions["/Statement/0/Principal/Federated/0"], { line: 6, column: 22, endLine: 6, endColumn: 64 });
  });
});

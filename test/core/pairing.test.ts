import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractFiles } from "../../src/extract/index.ts";
import { pairPolicies } from "../../src/core/pairing.ts";

const policy = (action: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

const template = (roles: Record<string, string>) =>
  `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${Object.entries(roles)
    .map(
      ([id, action]) =>
        `  ${id}:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n          - Effect: Allow\n            Action: ${action}\n            Resource: "*"\n`,
    )
    .join("")}`;

describe("pairPolicies", () => {
  it("pairs CloudFormation policies by logical id, wherever they move in the template", async () => {
    const base = await extractFiles([{ path: "t.yaml", text: template({ A: "s3:GetObject", B: "sqs:SendMessage", C: "sns:Publish" }) }]);
    const head = await extractFiles([{ path: "t.yaml", text: template({ B: "sqs:SendMessage", A: "s3:PutObject", D: "kms:Decrypt" }) }]);
    const pairs = pairPolicies(head.policies, base.policies);
    assert.deepEqual(
      pairs.map((p) => `${p.status} ${(p.after ?? p.before)!.origin}`),
      [
        "unchanged AWS::IAM::ManagedPolicy B .PolicyDocument",
        "changed AWS::IAM::ManagedPolicy A .PolicyDocument",
        "added AWS::IAM::ManagedPolicy D .PolicyDocument",
        "removed AWS::IAM::ManagedPolicy C .PolicyDocument",
      ],
    );
  });

  it("follows a renamed JSON file", async () => {
    const base = await extractFiles([{ path: "old/p.json", text: policy("s3:GetObject") }]);
    const head = await extractFiles([{ path: "new/p.json", text: policy("s3:*") }]);
    const pairs = pairPolicies(head.policies, base.policies, new Map([["new/p.json", "old/p.json"]]));
    assert.deepEqual(
      pairs.map((p) => [p.status, p.after?.file, p.before?.file]),
      [["changed", "new/p.json", "old/p.json"]],
    );
  });

  it("pairs a Terraform policy that moved to another file of its module", async () => {
    const tf = (action: string) =>
      `resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "${action}", Resource = "*" }] })\n}\n`;
    const base = await extractFiles([{ path: "mod/main.tf", text: tf("s3:GetObject") }]);
    const head = await extractFiles([{ path: "mod/iam.tf", text: tf("s3:GetObject") }]);
    assert.deepEqual(
      pairPolicies(head.policies, base.policies).map((p) => p.status),
      ["unchanged"],
    );
  });
});

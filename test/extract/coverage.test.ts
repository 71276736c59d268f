/**
 * Issue #11 (coverage): every policy-bearing construct is found, with the position of the value a finding is
 * about. Each row is a small literal case of its own; the expected line is where `"*"` (the public principal)
 * or the other judged value is written.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyze } from "../../src/engine.ts";
import type { SourceFile } from "../../src/types.ts";

function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

async function scan(files: SourceFile[]) {
  return analyze(files, { today: "2026-06-01" });
}

/** A CloudFormation resource with `Principal: {AWS: "*"}` at line 9 of its policy, for one type and property path. */
function cfnPublic(type: string, path: string[]): string {
  const rows = ["Resources:", "  Subject:", `    Type: ${type}`, "    Properties:"];
  path.forEach((key, i) => rows.push(`${"  ".repeat(3 + i)}${key}:`));
  const indent = "  ".repeat(3 + path.length);
  rows.push(`${indent}Version: "2012-10-17"`, `${indent}Statement:`, `${indent}  - Effect: Allow`, `${indent}    Principal: {AWS: "*"}`, `${indent}    Action: s3:GetObject`, `${indent}    Resource: "*"`);
  return lines(...rows);
}

const CFN_TYPES: Array<[type: string, path: string[]]> = [
  ["AWS::S3Tables::TableBucketPolicy", ["ResourcePolicy"]],
  ["AWS::CodeArtifact::Domain", ["PermissionsPolicyDocument"]],
  ["AWS::CloudTrail::ResourcePolicy", ["ResourcePolicy"]],
  ["AWS::S3Express::AccessPoint", ["Policy"]],
  ["AWS::S3::MultiRegionAccessPointPolicy", ["Policy"]],
  ["AWS::ApiGateway::DomainNameV2", ["Policy"]],
  ["AWS::ApiGateway::RestApi", ["Body", "x-amazon-apigateway-policy"]],
  ["AWS::Elasticsearch::Domain", ["AccessPolicies"]],
  ["AWS::EC2::VPCEndpoint", ["PolicyDocument"]],
  ["AWS::DynamoDB::Table", ["ResourcePolicy", "PolicyDocument"]],
  ["AWS::Serverless::Api", ["DefinitionBody", "x-amazon-apigateway-policy"]],
];

describe("coverage: CloudFormation resource types with a policy property", () => {
  for (const [type, path] of CFN_TYPES) {
    it(`${type} .${path.join(".")}: read, public principal on its line`, async () => {
      const text = cfnPublic(type, path);
      const { policies, findings } = await scan([{ path: "template.yaml", text }]);
      assert.deepEqual(policies.map((p) => p.origin), [`${type} Subject .${path.join(".")}`]);
      const line = text.split("\n").findIndex((l) => l.includes('{AWS: "*"}')) + 1;
      assert.deepEqual(findings.filter((f) => f.ruleId === "no-public-principal").map((f) => f.line), [line]);
    });
  }
});

describe("coverage: SAM", () => {
  it("policy templates are expanded with their parameters; the Resource points at the parameter value", async () => {
    const text = lines(
      "Transform: AWS::Serverless-2016-10-31",
      "Resources:",
      "  Fn:",
      "    Type: AWS::Serverless::Function",
      "    Properties:",
      "      Handler: index.handler",
      "      Policies:",
      "        - SQSPollerPolicy:",
      "            QueueName: orders",
      "        - S3ReadPolicy:",
      '            BucketName: "*"',
      "        - NoSuchPolicy: {}",
    );
    const { policies, findings } = await scan([{ path: "template.yaml", text }]);
    assert.deepEqual(
      policies.map((p) => [p.origin, p.range.line, p.kind]),
      [
        ["AWS::Serverless::Function Fn .Policies[0].SQSPollerPolicy", 8, "identity"],
        ["AWS::Serverless::Function Fn .Policies[1].S3ReadPolicy", 10, "identity"],
      ],
    );
    const sqs = policies[0]!.json as { Statement: Array<{ Action: string[]; Resource: string }> };
    assert.match(sqs.Statement[0]!.Resource, /^arn:aws:sqs:\{\{.*\}\}:\{\{.*\}\}:orders$/);
    // IAM does not have sqs:DeleteMessageBatch (SAM's template lists it): left out, not reported on every use.
    assert.ok(!sqs.Statement[0]!.Action.includes("sqs:DeleteMessageBatch"));
    assert.deepEqual(findings.filter((f) => f.ruleId === "unparsed-input").map((f) => [f.line, f.message]), [
      [12, 'Policies[2] of AWS::Serverless::Function Fn was not analysed: "NoSuchPolicy" is not a SAM policy template.'],
    ]);
    // A generated value is positioned on the template entry; a value built from a parameter on the parameter.
    assert.deepEqual(policies[1]!.positions["/Statement/0/Action/0"]!.line, 10);
    assert.deepEqual(policies[1]!.positions["/Statement/0/Resource/0"]!.line, 11);
  });

  it("Auth.ResourcePolicy becomes the policy SAM generates: custom statements keep their positions", async () => {
    const text = lines(
      "Transform: AWS::Serverless-2016-10-31",
      "Resources:",
      "  Api:",
      "    Type: AWS::Serverless::Api",
      "    Properties:",
      "      StageName: prod",
      "      Auth:",
      "        ResourcePolicy:",
      "          CustomStatements:",
      "            - Effect: Allow",
      '              Principal: "*"',
      "              Action: execute-api:Invoke",
      "              Resource: execute-api:/*",
      "          IpRangeBlacklist: [10.0.0.0/8]",
    );
    const { policies, findings } = await scan([{ path: "template.yaml", text }]);
    assert.deepEqual(policies.map((p) => [p.origin, p.kind, p.resourceType]), [["AWS::Serverless::Api Api .Auth.ResourcePolicy", "resource", "AWS::ApiGateway::RestApi"]]);
    const statements = (policies[0]!.json as { Statement: Array<{ Effect: string; Resource: string }> }).Statement;
    assert.deepEqual(statements.map((s) => s.Effect), ["Allow", "Allow", "Deny"]);
    // execute-api:/* is this API's ARN, as API Gateway expands it.
    assert.match(statements[0]!.Resource, /^arn:aws:execute-api:\{\{.*\}\}:\{\{.*\}\}:\{\{.*\}\}\/\*$/);
    // The Allow SAM adds for the block list is the custom statement's twin: one finding for the document.
    assert.deepEqual(findings.filter((f) => f.ruleId === "no-public-principal").map((f) => f.line), [11]);
    assert.deepEqual(findings.filter((f) => f.ruleId === "valid-resource"), []);
  });
});

describe("coverage: every location reported", () => {
  it("three identical admin policies in one template: three findings", async () => {
    const row = (id: string) => `  ${id}: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}}}`;
    const text = lines("Resources:", row("A"), row("B"), row("C"));
    const { findings } = await scan([{ path: "template.yaml", text }]);
    const admin = findings.filter((f) => f.ruleId === "no-admin-access");
    assert.deepEqual(admin.map((f) => f.line), [2, 3, 4]);
    assert.equal(new Set(admin.map((f) => f.fingerprint)).size, 3);
  });

  it("the same Terraform address twice: a warning on the second, both policies read", async () => {
    const text = lines(
      'resource "aws_iam_policy" "p" { policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] }) }',
      'resource "aws_iam_policy" "p" { policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" }] }) }',
    );
    const { policies, findings } = await scan([{ path: "main.tf", text }]);
    assert.deepEqual(policies.map((p) => p.range.line), [1, 2]);
    assert.deepEqual(findings.filter((f) => f.ruleId === "unparsed-input").map((f) => [f.line, f.severity, f.message]), [
      [2, "warning", "aws_iam_policy.p is defined twice (also at main.tf:1), which Terraform rejects; both definitions were analysed."],
    ]);
    assert.deepEqual(findings.filter((f) => f.ruleId === "no-admin-access").map((f) => f.line), [1]);
  });
});

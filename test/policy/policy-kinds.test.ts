/**
 * Issue 10, pattern 6: guardrails and endpoint policies are recognised without configuration where the source
 * says what they are (the Organizations resource, the folder, the shape), and only the rules that mean something
 * for a kind run on it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeFiles as analyze } from "../../src/core/analyze-files.ts";
import { classifyPolicy, kindFromPath } from "../../src/extract/document.ts";
import type { JsonObject, SourceFile } from "../../src/types.ts";

const json = (value: unknown) => JSON.stringify(value, null, 2);

async function scan(files: SourceFile[]) {
  const { policies, findings } = await analyze(files, { today: "2026-06-01" });
  return {
    kinds: policies.map((p) => `${p.file} ${p.kind}`),
    findings: findings.filter((f) => f.severity !== "note").map((f) => `${f.file}:${f.line} ${f.ruleId}`),
  };
}

describe("policy kinds from the path", () => {
  const cases: Array<[string, string | undefined]> = [
    ["scp/deny-leave.json", "scp"],
    ["org/scps/deny-leave.json", "scp"],
    ["service-control-policies/deny-leave.json", "scp"],
    ["service_control_policies/deny-leave.json", "scp"],
    ["aws/service_control_policy/iam.json", "scp"],
    ["policies/deny-leave.scp.json", "scp"],
    ["network_perimeter_scp.json", "scp"],
    ["rcp/s3.json", "rcp"],
    ["rcps/s3.json", "rcp"],
    ["resource-control-policies/s3.json", "rcp"],
    ["resource_control_policies/identity_perimeter_rcp.json", "rcp"],
    ["vpc-endpoint-policies/s3.json", "endpoint"],
    ["vpc_endpoint_policies/s3_endpoint_policy.json", "endpoint"],
    ["endpoint-policies/sts.json", "endpoint"],
    ["policies/read.json", undefined],
    ["scpi/read.json", undefined],
    ["receipts/rcpt.json", undefined],
  ];
  for (const [path, kind] of cases) {
    it(`${path} → ${kind ?? "inferred from the document"}`, () => assert.equal(kindFromPath(path), kind));
  }
});

describe("policy kinds from the shape", () => {
  it("Principal * with a Deny on Resource * on RCP services is an RCP, even when it only names sts:AssumeRole*", () => {
    const rcp = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "sts:AssumeRoleWithWebIdentity",
          Resource: "*",
          Condition: { Null: { "accounts.google.com:aud": "true" } },
        },
      ],
    };
    assert.equal(classifyPolicy(rcp), "rcp");
  });
  it("a bucket policy with a TLS Deny on its own bucket stays a resource policy", () => {
    const bucket = {
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    };
    assert.equal(classifyPolicy(bucket), "resource");
  });
  it("an Allow on a resource with a companion Deny on * stays a resource policy", () => {
    const bucket: JsonObject = {
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1" } } },
      ],
    };
    assert.equal(classifyPolicy(bucket), "resource");
  });
  it("a trust policy stays a trust policy", () => {
    assert.equal(
      classifyPolicy({ Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      "trust",
    );
  });
  it("a Deny on services RCPs do not cover is not an RCP", () => {
    assert.equal(
      classifyPolicy({ Statement: [{ Effect: "Deny", Principal: "*", Action: "ec2:RunInstances", Resource: "*" }] }),
      "resource",
    );
  });
});

describe("only the rules that mean something for a kind run on it", () => {
  it("an SCP allow-list of service wildcards is normal (an SCP never grants)", async () => {
    const scp = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ec2:*", "s3:*", "iam:*"], Resource: "*" }] };
    const result = await scan([{ path: "scps/allow-list.json", text: json(scp) }]);
    assert.deepEqual(result, { kinds: ["scps/allow-list.json scp"], findings: [] });
  });

  it("an RCP guessed from its shape gets no trust-policy findings", async () => {
    const rcp = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "sts:AssumeRoleWithWebIdentity",
          Resource: "*",
          Condition: { StringNotEquals: { "token.actions.githubusercontent.com:repository_owner": "my-org" } },
        },
      ],
    };
    const result = await scan([{ path: "Limit-access-to-OIDC/GitHub-Actions.json", text: json(rcp) }]);
    assert.deepEqual(result, { kinds: ["Limit-access-to-OIDC/GitHub-Actions.json rcp"], findings: [] });
  });

  const endpointPolicy = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::amazonlinux-2-repos-us-east-1/*"] }],
  };
  it("an endpoint policy's Principal * is how it is written (JSON in an endpoint-policy folder)", async () => {
    const result = await scan([{ path: "vpc_endpoint_policies/s3.json", text: json(endpointPolicy) }]);
    assert.deepEqual(result, { kinds: ["vpc_endpoint_policies/s3.json endpoint"], findings: [] });
  });

  it("an endpoint policy's Principal * is how it is written (AWS::EC2::VPCEndpoint)", async () => {
    const text = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      "Resources:",
      "  S3Endpoint:",
      "    Type: AWS::EC2::VPCEndpoint",
      "    Properties:",
      "      ServiceName: com.amazonaws.us-east-1.s3",
      "      VpcId: vpc-1",
      "      PolicyDocument:",
      "        Statement:",
      "          - Effect: Allow",
      '            Principal: "*"',
      '            Action: "*"',
      '            Resource: "*"',
      "",
    ].join("\n");
    const result = await scan([{ path: "network.yaml", text }]);
    assert.deepEqual(result, { kinds: ["network.yaml endpoint"], findings: [] });
  });

  it("an endpoint policy's Principal * is how it is written (aws_vpc_endpoint and aws_vpc_endpoint_policy)", async () => {
    const text = [
      'resource "aws_vpc_endpoint" "s3" {',
      '  vpc_id       = "vpc-1"',
      '  service_name = "com.amazonaws.us-east-1.s3"',
      `  policy       = jsonencode(${JSON.stringify(endpointPolicy)})`,
      "}",
      'resource "aws_vpc_endpoint_policy" "sts" {',
      "  vpc_endpoint_id = aws_vpc_endpoint.s3.id",
      '  policy          = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*" }] })',
      "}",
      "",
    ].join("\n");
    const result = await scan([{ path: "main.tf", text }]);
    assert.deepEqual(result, { kinds: ["main.tf endpoint", "main.tf endpoint"], findings: [] });
  });

  it("the same Principal * in a bucket policy is still public", async () => {
    const result = await scan([{ path: "policies/bucket.json", text: json(endpointPolicy) }]);
    assert.deepEqual(result, { kinds: ["policies/bucket.json resource"], findings: ["policies/bucket.json:6 no-public-principal"] });
  });
});

describe("a folder name is a hint the document must fit", () => {
  it("an SNS topic policy kept in resource_control_policies/ is a resource policy (RCPs do not cover SNS)", async () => {
    const topic = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: ["sns:Publish", "sns:Subscribe"],
          Resource: "*",
          Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        },
      ],
    };
    const result = await scan([{ path: "resource_control_policies/service_specific_controls/sns_topic_policy.json", text: json(topic) }]);
    assert.deepEqual(result, {
      kinds: ["resource_control_policies/service_specific_controls/sns_topic_policy.json resource"],
      findings: [],
    });
  });

  it("a bucket policy kept in scps/ is not an SCP (SCPs name no principal)", async () => {
    const bucket = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }],
    };
    const result = await scan([{ path: "scps/site-bucket.json", text: json(bucket) }]);
    assert.deepEqual(result, { kinds: ["scps/site-bucket.json resource"], findings: ["scps/site-bucket.json:6 no-public-principal"] });
  });
});

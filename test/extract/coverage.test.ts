/**
 * Issue #11 (coverage): every policy-bearing construct is found, with the position of the value a finding is
 * about. Each row is a small literal case of its own; the expected line is where `"*"` (the public principal)
 * or the other judged value is written.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeFiles as analyze } from "../../src/core/analyze-files.ts";
import type { Finding, SourceFile } from "../../src/types.ts";

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
  rows.push(
    `${indent}Version: "2012-10-17"`,
    `${indent}Statement:`,
    `${indent}  - Effect: Allow`,
    `${indent}    Principal: {AWS: "*"}`,
    `${indent}    Action: s3:GetObject`,
    `${indent}    Resource: "*"`,
  );
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
  ["AWS::DynamoDB::Table", ["ResourcePolicy", "PolicyDocument"]],
  ["AWS::Serverless::Api", ["DefinitionBody", "x-amazon-apigateway-policy"]],
];

describe("coverage: CloudFormation resource types with a policy property", () => {
  for (const [type, path] of CFN_TYPES) {
    it(`${type} .${path.join(".")}: read, public principal on its line`, async () => {
      const text = cfnPublic(type, path);
      const { policies, findings } = await scan([{ path: "template.yaml", text }]);
      assert.deepEqual(
        policies.map((p) => p.origin),
        [`${type} Subject .${path.join(".")}`],
      );
      const line = text.split("\n").findIndex((l) => l.includes('{AWS: "*"}')) + 1;
      assert.deepEqual(
        findings.filter((f) => f.ruleId === "no-public-principal").map((f) => f.line),
        [line],
      );
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
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "unparsed-input").map((f) => [f.line, f.message]),
      [[12, 'Policies[2] of AWS::Serverless::Function Fn was not analysed: "NoSuchPolicy" is not a SAM policy template.']],
    );
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
    assert.deepEqual(
      policies.map((p) => [p.origin, p.kind, p.resourceType]),
      [["AWS::Serverless::Api Api .Auth.ResourcePolicy", "resource", "AWS::ApiGateway::RestApi"]],
    );
    const statements = (policies[0]!.json as { Statement: Array<{ Effect: string; Resource: string }> }).Statement;
    assert.deepEqual(
      statements.map((s) => s.Effect),
      ["Allow", "Allow", "Deny"],
    );
    // execute-api:/* is this API's ARN, as API Gateway expands it.
    assert.match(statements[0]!.Resource, /^arn:aws:execute-api:\{\{.*\}\}:\{\{.*\}\}:\{\{.*\}\}\/\*$/);
    // The Allow SAM adds for the block list is the custom statement's twin: one finding for the document.
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-public-principal").map((f) => f.line),
      [11],
    );
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "valid-resource"),
      [],
    );
  });
});

describe("coverage: every location reported", () => {
  it("three identical admin policies in one template: three findings", async () => {
    const row = (id: string) =>
      `  ${id}: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}}}`;
    const text = lines("Resources:", row("A"), row("B"), row("C"));
    const { findings } = await scan([{ path: "template.yaml", text }]);
    const admin = findings.filter((f) => f.ruleId === "no-admin-access");
    assert.deepEqual(
      admin.map((f) => f.line),
      [2, 3, 4],
    );
    assert.equal(new Set(admin.map((f) => f.fingerprint)).size, 3);
  });

  it("the same Terraform address twice: a warning on the second, both policies read", async () => {
    const text = lines(
      'resource "aws_iam_policy" "p" { policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] }) }',
      'resource "aws_iam_policy" "p" { policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" }] }) }',
    );
    const { policies, findings } = await scan([{ path: "main.tf", text }]);
    assert.deepEqual(
      policies.map((p) => p.range.line),
      [1, 2],
    );
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "unparsed-input").map((f) => [f.line, f.severity, f.message]),
      [[2, "warning", "aws_iam_policy.p is defined twice (also at main.tf:1), which Terraform rejects; both definitions were analysed."]],
    );
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-admin-access").map((f) => f.line),
      [1],
    );
  });
});

describe("coverage: Terraform resources with a policy argument", () => {
  const tfPublic = (type: string, attribute: string, block?: string): string => {
    const policy = [
      `${block ? "    " : "  "}${attribute} = jsonencode({`,
      `${block ? "    " : "  "}  Version   = "2012-10-17"`,
      `${block ? "    " : "  "}  Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "s3:GetObject", Resource = "*" }]`,
      `${block ? "    " : "  "}})`,
    ];
    return block
      ? lines(`resource "${type}" "s" {`, `  ${block} {`, ...policy, "  }", "}")
      : lines(`resource "${type}" "s" {`, ...policy, "}");
  };
  const TYPES: Array<[type: string, attribute: string, block?: string]> = [
    ["aws_kinesis_resource_policy", "policy"],
    ["aws_dynamodb_resource_policy", "policy"],
    ["aws_ses_identity_policy", "policy"],
    ["aws_elasticsearch_domain", "access_policies"],
    ["aws_opensearch_domain", "access_policies"],
    ["aws_api_gateway_rest_api", "policy"],
    ["aws_ecrpublic_repository_policy", "policy"],
    ["aws_ecr_registry_policy", "policy"],
    ["aws_s3control_bucket_policy", "policy"],
    ["aws_s3control_access_point_policy", "policy"],
    ["aws_s3control_multi_region_access_point_policy", "policy", "details"],
    ["aws_cloudwatch_event_bus_policy", "policy"],
    ["aws_schemas_registry_policy", "policy"],
    ["aws_networkfirewall_resource_policy", "policy"],
    ["aws_codebuild_resource_policy", "policy"],
    ["aws_glue_resource_policy", "policy"],
    ["aws_redshiftserverless_resource_policy", "policy"],
    ["aws_media_store_container_policy", "policy"],
    ["aws_codeartifact_domain_permissions_policy", "policy_document"],
    ["aws_s3tables_table_bucket_policy", "resource_policy"],
  ];
  for (const [type, attribute, block] of TYPES) {
    it(`${type} .${block ? `${block}.` : ""}${attribute}: read, public principal on its line`, async () => {
      const text = tfPublic(type, attribute, block);
      const { policies, findings } = await scan([{ path: "main.tf", text }]);
      assert.deepEqual(
        policies.map((p) => [p.origin, p.kind]),
        [[`${type}.s .${block ? `${block}.` : ""}${attribute}`, "resource"]],
      );
      const line = text.split("\n").findIndex((l) => l.includes('AWS = "*"')) + 1;
      assert.deepEqual(
        findings.filter((f) => f.ruleId === "no-public-principal").map((f) => f.line),
        [line],
      );
    });
  }

  it("aws_ssoadmin_permission_set_inline_policy is an identity policy; managed attachments are facts", async () => {
    const text = lines(
      'resource "aws_ssoadmin_permission_set" "admin" { name = "admin" }',
      'resource "aws_ssoadmin_permission_set_inline_policy" "admin" {',
      "  permission_set_arn = aws_ssoadmin_permission_set.admin.arn",
      '  inline_policy      = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })',
      "}",
      'resource "aws_ssoadmin_managed_policy_attachment" "admin" {',
      "  permission_set_arn = aws_ssoadmin_permission_set.admin.arn",
      '  managed_policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"',
      "}",
    );
    const { policies, facts, findings } = await scan([{ path: "main.tf", text }]);
    assert.deepEqual(
      policies.map((p) => [p.origin, p.kind]),
      [["aws_ssoadmin_permission_set_inline_policy.admin .inline_policy", "identity"]],
    );
    assert.deepEqual(
      facts
        .filter((f) => f.type === "managed-policy-attachment")
        .map((f) => [f.range.line, f.type === "managed-policy-attachment" ? [f.arn, f.attachedTo] : []]),
      [[8, ["arn:aws:iam::aws:policy/AdministratorAccess", "aws_ssoadmin_permission_set.admin"]]],
    );
    assert.ok(findings.some((f) => f.ruleId === "no-unscoped-pass-role" && f.line === 4));
    assert.ok(findings.some((f) => f.category === "managed-policy" && f.line === 8));
  });

  it("aws_lambda_layer_version_permission for everyone is public", async () => {
    const text = lines(
      'resource "aws_lambda_layer_version_permission" "p" {',
      '  layer_name     = "arn:aws:lambda:us-east-1:111122223333:layer:shared"',
      "  version_number = 1",
      '  statement_id   = "everyone"',
      '  action         = "lambda:GetLayerVersion"',
      '  principal      = "*"',
      "}",
    );
    const { policies, findings } = await scan([{ path: "main.tf", text }]);
    assert.deepEqual(
      policies.map((p) => [p.origin, p.kind, p.resourceType]),
      [["aws_lambda_layer_version_permission.p", "resource", "AWS::Lambda::LayerVersion"]],
    );
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-public-principal").map((f) => f.line),
      [6],
    );
  });
});

describe("coverage: policies passed to modules", () => {
  it("policy_json, assume_role_policy, policy_statements and managed policy ARNs are judged where written", async () => {
    const text = lines(
      'module "role" {',
      '  source      = "./modules/role"',
      '  policy_json = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })',
      "  assume_role_policy = <<EOT",
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",',
      '  "Principal": {"AWS": "*"}}]}',
      "EOT",
      "  policy_statements = [",
      '    { actions = ["s3:Get*"], resources = ["*"] }',
      "  ]",
      '  iam_role_policies = { Admin = "arn:aws:iam::aws:policy/AdministratorAccess" }',
      "  policy_jsons      = [data.aws_iam_policy_document.extra.json]",
      '  name              = "not a policy"',
      "}",
      'data "aws_iam_policy_document" "extra" {',
      "  statement {",
      '    actions   = ["iam:PassRole"]',
      '    resources = ["*"]',
      "  }",
      "}",
    );
    const { policies, findings } = await scan([{ path: "main.tf", text }]);
    assert.deepEqual(
      policies.map((p) => [p.origin, p.kind]),
      [
        ["module.role .policy_json", "identity"],
        ["module.role .assume_role_policy", "trust"],
        ["module.role .policy_statements", "identity"],
        ["data.aws_iam_policy_document.extra", "identity"],
      ],
    );
    const at = (rule: string) => findings.filter((f) => f.ruleId === rule).map((f) => f.line);
    assert.deepEqual(at("no-admin-access"), [3]);
    assert.deepEqual(at("no-public-principal"), [6]);
    assert.deepEqual(at("no-sensitive-data-access-on-all-resources"), [9]);
    assert.deepEqual(at("no-risky-managed-policies"), [11]);
    assert.deepEqual(at("no-unscoped-pass-role"), [18]);
  });
});

describe("coverage: policies nested in module object arguments", () => {
  it("iam_role_policy_statements inside a node group map", async () => {
    const text = lines(
      'module "eks" {',
      '  source = "./modules/eks"',
      "  eks_managed_node_groups = {",
      "    default = {",
      "      iam_role_policy_statements = [",
      '        { sid = "Admin", actions = ["*"], resources = ["*"] }',
      "      ]",
      "    }",
      "  }",
      "}",
    );
    const { policies, findings } = await scan([{ path: "main.tf", text }]);
    assert.deepEqual(
      policies.map((p) => [p.origin, p.kind, p.range.line]),
      [["module.eks .eks_managed_node_groups.default.iam_role_policy_statements", "identity", 5]],
    );
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-admin-access").map((f) => f.line),
      [6],
    );
  });
});

describe("coverage: Terraform plan JSON", () => {
  const admin = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: "*" } }],
  });
  const plan = lines(
    "{",
    '  "format_version": "1.2",',
    '  "planned_values": {"root_module": {',
    '    "resources": [',
    `      {"address": "aws_iam_policy.admin", "mode": "managed", "type": "aws_iam_policy", "values": {"name": "admin", "policy": ${JSON.stringify(admin)}}},`,
    '      {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "values": {"bucket": "b"}},',
    '      {"address": "aws_sqs_queue_policy.q", "mode": "managed", "type": "aws_sqs_queue_policy", "values": {"queue_url": "q"}}',
    "    ],",
    '    "child_modules": [{"address": "module.role", "resources": [',
    `      {"address": "module.role.aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "values": {"assume_role_policy": ${JSON.stringify(trust)}}}`,
    "    ]}]",
    "  }},",
    '  "resource_changes": [',
    `    {"address": "aws_iam_policy.admin", "change": {"after": {"policy": ${JSON.stringify(admin)}}, "after_unknown": {}}},`,
    '    {"address": "aws_s3_bucket.b", "change": {"after_unknown": {"policy": true}}},',
    '    {"address": "aws_sqs_queue_policy.q", "change": {"after_unknown": {"policy": true}}}',
    "  ],",
    '  "configuration": {"root_module": {"resources": [',
    '    {"address": "aws_s3_bucket.b", "expressions": {"bucket": {"constant_value": "b"}}},',
    '    {"address": "aws_sqs_queue_policy.q", "expressions": {"policy": {"references": ["data.aws_iam_policy_document.q.json"]}}}',
    "  ]}}",
    "}",
  );

  it("each document once, from planned_values, root and child modules, on its plan line", async () => {
    const { policies, findings } = await scan([{ path: "plan.json", text: plan }]);
    assert.deepEqual(
      policies.map((p) => [p.origin, p.kind, p.range.line]),
      [
        ["aws_iam_policy.admin .policy", "identity", 5],
        ["module.role.aws_iam_role.r .assume_role_policy", "trust", 10],
      ],
    );
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-admin-access").map((f) => f.line),
      [5],
    );
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-public-principal").map((f) => f.line),
      [10],
    );
    // Known only after apply: a note when the configuration sets it; aws_s3_bucket's computed policy is not set.
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "unparsed-input").map((f) => [f.line, f.message]),
      [[7, "aws_sqs_queue_policy.q .policy was not analysed: Terraform knows it only after apply."]],
    );
  });
});

describe("coverage: Terraform values", () => {
  it("variable defaults, terraform.tfvars, one(), try(), coalesce() and merge() are resolved", async () => {
    const main = lines(
      'variable "actions" {',
      '  default = ["s3:GetObject"]',
      "}",
      'variable "resource" {',
      '  default = "*"',
      "}",
      'variable "unset" {}',
      "locals {",
      '  principal = merge({ AWS = "111122223333" }, { AWS = "*" })',
      "}",
      'resource "aws_iam_policy" "p" {',
      "  policy = jsonencode({",
      '    Version   = "2012-10-17"',
      "    Statement = [{",
      '      Effect   = "Allow"',
      "      Action   = var.actions",
      "      Resource = one([var.resource])",
      "    }]",
      "  })",
      "}",
      'resource "aws_sqs_queue_policy" "q" {',
      '  queue_url = "q"',
      "  policy = jsonencode({",
      '    Version   = "2012-10-17"',
      '    Statement = [{ Effect = "Allow", Principal = local.principal, Action = coalesce(null, "", "sqs:SendMessage"), Resource = try(var.missing, "*") }]',
      "  })",
      "}",
    );
    const tfvars = lines('actions = ["iam:*"]');
    const { policies, findings } = await scan([
      { path: "main.tf", text: main },
      { path: "terraform.tfvars", text: tfvars },
    ]);
    const admin = policies.find((p) => p.origin === "aws_iam_policy.p .policy")!.json as {
      Statement: Array<{ Action: unknown; Resource: unknown }>;
    };
    // terraform.tfvars wins over the default; one() of a one-item list is the item.
    assert.deepEqual([admin.Statement[0]!.Action, admin.Statement[0]!.Resource], [["iam:*"], "*"]);
    const queue = policies.find((p) => p.origin === "aws_sqs_queue_policy.q .policy")!.json as {
      Statement: Array<Record<string, unknown>>;
    };
    assert.deepEqual(queue.Statement[0]!.Principal, { AWS: "*" });
    assert.equal(queue.Statement[0]!.Action, "sqs:SendMessage");
    assert.match(String(queue.Statement[0]!.Resource), /^\{\{.*\}\}$/, "try() of an unknown first argument stays unresolved");
    // The tfvars value is defined in another file: the finding points at the reference.
    // iam:* on * is one finding on that token (issue 10), naming the service wildcard too.
    const wildcard = (f: Finding) =>
      f.ruleId === "no-service-wildcard-on-all-resources" || f.message.includes("no-service-wildcard-on-all-resources");
    assert.deepEqual(
      findings.filter(wildcard).map((f) => [f.file, f.line, f.column]),
      [["main.tf", 16, 18]],
    );
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-public-principal").map((f) => f.line),
      [9],
    );
  });
});

describe("coverage: Terraform conditionals and count", () => {
  it("a conditional on a variable reviews both branches; a count resource is read", async () => {
    const text = lines(
      'variable "admin" {}',
      'resource "aws_iam_policy" "p" {',
      "  count  = 2",
      "  policy = jsonencode({",
      '    Version   = "2012-10-17"',
      "    Statement = [{",
      '      Effect   = "Allow"',
      '      Action   = var.admin ? "*" : "s3:GetObject"',
      '      Resource = true ? "*" : "arn:aws:s3:::b/*"',
      "    }]",
      "  })",
      "}",
    );
    const { policies, findings } = await scan([{ path: "main.tf", text }]);
    const statement = (policies[0]!.json as { Statement: Array<Record<string, unknown>> }).Statement[0]!;
    // Unknown condition: the wider branch; literal condition: its branch.
    assert.deepEqual([statement.Action, statement.Resource], ["*", "*"]);
    assert.deepEqual(policies[0]!.positions["/Statement/0/Action"], { line: 8, column: 30, endLine: 8, endColumn: 33 });
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-admin-access").map((f) => f.line),
      [8],
    );
  });
});

describe("coverage: Terraform plan JSON lambda permissions", () => {
  it("a planned aws_lambda_permission for everyone is public, on its plan line", async () => {
    const plan = lines(
      '{"format_version": "1.2", "planned_values": {"root_module": {"resources": [',
      '  {"address": "aws_lambda_permission.p", "mode": "managed", "type": "aws_lambda_permission",',
      '   "values": {"action": "lambda:InvokeFunction", "function_name": "f", "principal": "*", "source_arn": null}}',
      "]}}}",
    );
    const { policies, findings } = await scan([{ path: "plan.json", text: plan }]);
    assert.deepEqual(
      policies.map((p) => [p.origin, p.kind]),
      [["aws_lambda_permission.p", "resource"]],
    );
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-public-principal").map((f) => [f.line, f.column]),
      [[3, 85]],
    );
  });
});

describe("coverage: Terraform for expressions", () => {
  it("a for over a literal list makes one statement per item, values positioned where written", async () => {
    const text = lines(
      "locals {",
      '  services = ["iam", "s3"]',
      "}",
      'resource "aws_iam_policy" "p" {',
      "  policy = jsonencode({",
      '    Version   = "2012-10-17"',
      '    Statement = [for s in local.services : { Effect = "Allow", Action = "${s}:*", Resource = "*" }]',
      "  })",
      "}",
    );
    const { policies, findings } = await scan([{ path: "main.tf", text }]);
    const statements = (policies[0]!.json as { Statement: Array<{ Action: string }> }).Statement;
    assert.deepEqual(
      statements.map((s) => s.Action),
      ["iam:*", "s3:*"],
    );
    const wildcard = (f: Finding) =>
      f.ruleId === "no-service-wildcard-on-all-resources" || f.message.includes("no-service-wildcard-on-all-resources");
    assert.deepEqual([...new Set(findings.filter(wildcard).map((f) => f.line))], [7]);
  });
});

describe("coverage: Terraform format()", () => {
  it("format() of known values is the formatted string; unknown ones stay placeholders", async () => {
    const text = lines(
      'locals { bucket = "reports" }',
      'resource "aws_iam_policy" "p" {',
      "  policy = jsonencode({",
      '    Version   = "2012-10-17"',
      '    Statement = [{ Effect = "Allow", Action = format("%s:%s", "s3", "GetObject"), Resource = [format("arn:aws:s3:::%s/*", local.bucket), format("arn:aws:s3:::%s", var.other)] }]',
      "  })",
      "}",
    );
    const { policies } = await scan([{ path: "main.tf", text }]);
    const statement = (policies[0]!.json as { Statement: Array<{ Action: string; Resource: string[] }> }).Statement[0]!;
    assert.equal(statement.Action, "s3:GetObject");
    assert.equal(statement.Resource[0], "arn:aws:s3:::reports/*");
    assert.match(statement.Resource[1]!, /^\{\{format\(/);
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { extractTerraform } from "../../src/extract/terraform.ts";
import type { ExtractResult, IacFact, PolicyDocument, Range } from "../../src/types.ts";

type Files = Record<string, string>;

/** Joins lines, so a fixture's line numbers are its array indexes + 1 and `${...}` needs no escaping. */
function lines(...text: string[]): string {
  return `${text.join("\n")}\n`;
}

async function extract(files: Files, readable: Files = {}): Promise<ExtractResult & { text: Files }> {
  const result = await extractTerraform(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    { readFile: (path) => readable[path] },
  );
  return { ...result, text: { ...files, ...readable } };
}

function policy(result: ExtractResult, origin: string, kind?: string): PolicyDocument {
  const found = result.policies.filter((p) => p.origin === origin && (kind === undefined || p.kind === kind));
  assert.equal(
    found.length,
    1,
    `expected one policy ${origin} ${kind ?? ""}, got ${result.policies.map((p) => `${p.origin} ${p.kind}`).join("; ")}`,
  );
  return found[0]!;
}

/** The text a range covers (UTF-16 columns), first line only. */
function slice(text: string, range: Range): string {
  const line = text.split("\n")[range.line - 1] ?? "";
  const end = range.endLine === range.line ? range.endColumn - 1 : line.length;
  return line.slice(range.column - 1, end);
}

/** `line:column-endLine:endColumn text` of the value at `pointer`, the text read back from the file. */
function where(result: { text: Files }, doc: PolicyDocument, pointer: string): string {
  const range = doc.positions[pointer];
  assert.ok(range, `no position for ${pointer} in ${doc.origin}`);
  return `${range.line}:${range.column}-${range.endLine}:${range.endColumn} ${slice(result.text[doc.file]!, range)}`;
}

function keyWhere(result: { text: Files }, doc: PolicyDocument, pointer: string): string {
  const range = doc.keys[pointer];
  assert.ok(range, `no key position for ${pointer} in ${doc.origin}`);
  return `${range.line}:${range.column}-${range.endLine}:${range.endColumn} ${slice(result.text[doc.file]!, range)}`;
}

function facts<T extends IacFact["type"]>(result: ExtractResult, type: T): Extract<IacFact, { type: T }>[] {
  return result.facts.filter((fact): fact is Extract<IacFact, { type: T }> => fact.type === type);
}

/** Every string in the document, to check that no placeholder was turned into a wildcard. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

describe("terraform: aws_iam_policy_document", () => {
  it("cross-file reference: a document in data.tf used as assume_role_policy in main.tf is a trust policy", async () => {
    const result = await extract({
      "infra/data.tf": lines(
        'data "aws_iam_policy_document" "assume" {',
        "  statement {",
        '    actions = ["sts:AssumeRole"]',
        "    principals {",
        '      type        = "Service"',
        '      identifiers = ["codebuild.amazonaws.com"]',
        "    }",
        "  }",
        "}",
      ),
      "infra/main.tf": lines(
        'resource "aws_iam_role" "build" {',
        '  name               = "build"',
        "  assume_role_policy = data.aws_iam_policy_document.assume.json",
        "}",
      ),
    });
    const doc = policy(result, "data.aws_iam_policy_document.assume");
    assert.equal(doc.kind, "trust");
    assert.equal(doc.file, "infra/data.tf");
    assert.equal(doc.format, "terraform");
    assert.equal(doc.resourceType, "AWS::IAM::AssumeRolePolicyDocument");
    assert.equal(doc.attachedTo, undefined);
    assert.deepEqual(doc.json, {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { Service: ["codebuild.amazonaws.com"] } }],
    });
    assert.equal(where(result, doc, "/Statement/0"), "2:3-8:4 statement {");
    assert.equal(where(result, doc, "/Statement/0/Action/0"), '3:16-3:32 "sts:AssumeRole"');
    assert.equal(where(result, doc, "/Statement/0/Principal/Service/0"), '6:22-6:47 "codebuild.amazonaws.com"');
    assert.equal(keyWhere(result, doc, "/Statement/0/Principal/Service"), '5:21-5:30 "Service"');
    assert.deepEqual(doc.range, { line: 1, column: 1, endLine: 9, endColumn: 2 });
    assert.deepEqual(result.findings, []);
  });

  it("renders sid, effect, lists, principals and conditions with merging", async () => {
    const result = await extract({
      "policy.tf": lines(
        'data "aws_iam_policy_document" "p" {',
        '  version   = "2012-10-17"',
        '  policy_id = "doc"',
        "  statement {",
        '    sid           = "DenyOthers"',
        '    effect        = "Deny"',
        '    not_actions   = ["s3:GetObject"]',
        '    not_resources = ["arn:aws:s3:::b/*"]',
        "    principals {",
        '      type        = "AWS"',
        '      identifiers = ["arn:aws:iam::111122223333:root"]',
        "    }",
        "    principals {",
        '      type        = "AWS"',
        '      identifiers = ["444455556666"]',
        "    }",
        "    condition {",
        '      test     = "StringEquals"',
        '      variable = "aws:PrincipalTag/team"',
        '      values   = ["ops"]',
        "    }",
        "    condition {",
        '      test     = "StringEquals"',
        '      variable = "aws:PrincipalTag/team"',
        '      values   = ["dev"]',
        "    }",
        "    condition {",
        '      test     = "Bool"',
        '      variable = "aws:SecureTransport"',
        "      values   = [false]",
        "    }",
        "  }",
        "  statement {",
        '    actions   = ["s3:GetObject"]',
        '    resources = ["arn:aws:s3:::b/$${aws:username}/*", "arn:aws:s3:::b/&{aws:userid}"]',
        "    principals {",
        '      type        = "*"',
        '      identifiers = ["*"]',
        "    }",
        "  }",
        "}",
      ),
    });
    const doc = policy(result, "data.aws_iam_policy_document.p");
    assert.equal(doc.kind, "resource");
    assert.deepEqual(doc.json, {
      Version: "2012-10-17",
      Id: "doc",
      Statement: [
        {
          Sid: "DenyOthers",
          Effect: "Deny",
          NotAction: ["s3:GetObject"],
          NotResource: ["arn:aws:s3:::b/*"],
          Principal: { AWS: ["arn:aws:iam::111122223333:root", "444455556666"] },
          Condition: { StringEquals: { "aws:PrincipalTag/team": ["ops", "dev"] }, Bool: { "aws:SecureTransport": ["false"] } },
        },
        {
          Effect: "Allow",
          Action: ["s3:GetObject"],
          Resource: ["arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/${aws:userid}"],
          Principal: "*",
        },
      ],
    });
    assert.equal(where(result, doc, "/Statement/0/Effect"), '6:21-6:27 "Deny"');
    assert.equal(where(result, doc, "/Statement/0/NotResource/0"), '8:22-8:40 "arn:aws:s3:::b/*"');
    assert.equal(where(result, doc, "/Statement/0/Principal/AWS/0"), '11:22-11:54 "arn:aws:iam::111122223333:root"');
    assert.equal(where(result, doc, "/Statement/0/Principal/AWS/1"), '15:22-15:36 "444455556666"');
    assert.equal(keyWhere(result, doc, "/Statement/0/Condition/StringEquals"), '18:18-18:32 "StringEquals"');
    assert.equal(where(result, doc, "/Statement/0/Condition/StringEquals/aws:PrincipalTag~1team/1"), '25:19-25:24 "dev"');
    assert.equal(where(result, doc, "/Statement/0/Condition/Bool/aws:SecureTransport/0"), "30:19-30:24 false");
    assert.equal(where(result, doc, "/Statement/1"), "33:3-40:4 statement {");
    assert.equal(where(result, doc, "/Statement/1/Effect"), "33:3-40:4 statement {");
    assert.equal(where(result, doc, "/Statement/1/Principal"), '38:22-38:25 "*"');
    assert.equal(where(result, doc, "/Statement/1/Resource/1"), '35:55-35:85 "arn:aws:s3:::b/&{aws:userid}"');
  });

  it("dynamic statement blocks become one statement whose iterator values are unresolved", async () => {
    const result = await extract({
      "dyn.tf": lines(
        'data "aws_iam_policy_document" "d" {',
        '  dynamic "statement" {',
        "    for_each = var.statements",
        "    content {",
        "      actions   = statement.value.actions",
        '      resources = [statement.value.arn, "arn:aws:s3:::${each.key}"]',
        "    }",
        "  }",
        "}",
      ),
    });
    const doc = policy(result, "data.aws_iam_policy_document.d");
    assert.deepEqual(doc.json, {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "{{statement.value.actions}}", Resource: ["{{statement.value.arn}}", "arn:aws:s3:::{{each.key}}"] },
      ],
    });
    assert.deepEqual(
      doc.unresolved.map((u) => [u.pointer, u.expression, u.hint]),
      [
        ["/Statement/0/Action", "statement.value.actions", "list"],
        ["/Statement/0/Resource/0", "statement.value.arn", "arn"],
        ["/Statement/0/Resource/1", "each.key", "string"],
      ],
    );
    assert.equal(where(result, doc, "/Statement/0"), '2:3-8:4 dynamic "statement" {');
    assert.equal(where(result, doc, "/Statement/0/Resource/0"), "6:20-6:39 statement.value.arn");
  });

  it("a generic module's dynamic statement invents no NotAction, NotResource, Principal or Condition (terraform-aws-modules/iam)", async () => {
    const result = await extract({
      "mod/main.tf": lines(
        'data "aws_iam_policy_document" "generic" {',
        '  dynamic "statement" {',
        "    for_each = var.permissions",
        "    content {",
        "      actions       = statement.value.actions",
        "      not_actions   = statement.value.not_actions",
        "      resources     = statement.value.resources",
        "      not_resources = statement.value.not_resources",
        '      dynamic "principals" {',
        "        for_each = try(statement.value.principals, [])",
        "        content {",
        "          type        = principals.value.type",
        "          identifiers = principals.value.identifiers",
        "        }",
        "      }",
        '      dynamic "condition" {',
        "        for_each = statement.value.conditions != null ? statement.value.conditions : []",
        "        content {",
        "          test     = condition.value.test",
        "          variable = condition.value.variable",
        "          values   = condition.value.values",
        "        }",
        "      }",
        "    }",
        "  }",
        '  dynamic "statement" {',
        "    for_each = [1]",
        "    content {",
        '      actions = ["s3:GetObject"]',
        '      resources = ["*"]',
        '      dynamic "principals" {',
        '        for_each = [{ type = "AWS", identifiers = ["*"] }]',
        "        content {",
        "          type        = principals.value.type",
        "          identifiers = principals.value.identifiers",
        "        }",
        "      }",
        "    }",
        "  }",
        "}",
      ),
    });
    const doc = policy(result, "data.aws_iam_policy_document.generic");
    const [generic, known] = (doc.json as { Statement: Record<string, unknown>[] }).Statement;
    assert.deepEqual(Object.keys(generic!).sort(), ["Action", "Effect", "Resource"]);
    assert.deepEqual(
      Object.keys(known!).sort(),
      ["Action", "Effect", "Principal", "Resource"],
      "a dynamic block over a known list is kept",
    );
  });

  it("merges source and override documents per the provider (same-sid replaced in place, others appended)", async () => {
    const result = await extract({
      "docs.tf": lines(
        'data "aws_iam_policy_document" "base" {',
        "  statement {",
        '    sid       = "Read"',
        '    actions   = ["s3:GetObject"]',
        '    resources = ["*"]',
        "  }",
        "  statement {",
        '    sid       = "List"',
        '    actions   = ["s3:ListBucket"]',
        '    resources = ["*"]',
        "  }",
        "}",
        'data "aws_iam_policy_document" "extra" {',
        "  statement {",
        '    sid       = "List"',
        '    actions   = ["s3:ListAllMyBuckets"]',
        '    resources = ["*"]',
        "  }",
        "}",
        'data "aws_iam_policy_document" "merged" {',
        "  source_policy_documents   = [data.aws_iam_policy_document.base.json]",
        "  override_policy_documents = [data.aws_iam_policy_document.extra.json]",
        "  statement {",
        '    sid       = "Read"',
        '    actions   = ["s3:GetObjectVersion"]',
        '    resources = ["arn:aws:s3:::b/*"]',
        "  }",
        "  statement {",
        '    actions   = ["s3:PutObject"]',
        '    resources = ["arn:aws:s3:::b/*"]',
        "  }",
        "}",
      ),
      "other.tf": lines(
        'data "aws_iam_policy_document" "elsewhere" {',
        "  statement {",
        '    actions   = ["sqs:SendMessage"]',
        '    resources = ["*"]',
        "  }",
        "}",
        'data "aws_iam_policy_document" "uses_other_file" {',
        "  source_policy_documents = [data.aws_iam_policy_document.base.json, var.extra_json]",
        "  statement {",
        '    actions   = ["sns:Publish"]',
        '    resources = ["*"]',
        "  }",
        "}",
      ),
    });
    const merged = policy(result, "data.aws_iam_policy_document.merged");
    assert.deepEqual(
      (merged.json as { Statement: { Sid?: string; Action: string[] }[] }).Statement.map((s) => [s.Sid ?? "", s.Action[0]]),
      [
        ["Read", "s3:GetObjectVersion"],
        ["List", "s3:ListAllMyBuckets"],
        ["", "s3:PutObject"],
      ],
    );
    // Merged statements keep their own positions.
    assert.equal(where(result, merged, "/Statement/0/Action/0"), '25:18-25:39 "s3:GetObjectVersion"');
    assert.equal(where(result, merged, "/Statement/1"), "14:3-18:4 statement {");
    assert.equal(where(result, merged, "/Statement/1/Action/0"), '16:18-16:39 "s3:ListAllMyBuckets"');
    assert.equal(where(result, merged, "/Statement/2/Action/0"), '29:18-29:32 "s3:PutObject"');
    // Statements of a document in another file stay in that document only; var.extra_json is reported.
    const other = policy(result, "data.aws_iam_policy_document.uses_other_file");
    assert.deepEqual(strings((other.json as { Statement: unknown }).Statement), ["Allow", "sns:Publish", "*"]);
    const note = result.findings.find((f) => f.file === "other.tf");
    assert.equal(note?.severity, "note");
    assert.equal(note?.line, 8);
    assert.match(note?.message ?? "", /uses_other_file.*var\.extra_json/);
  });

  it("a document used as trust policy and as identity policy is emitted once per kind", async () => {
    const result = await extract({
      "main.tf": lines(
        'data "aws_iam_policy_document" "both" {',
        "  statement {",
        '    actions   = ["sts:AssumeRole"]',
        '    resources = ["*"]',
        "  }",
        "}",
        'data "aws_iam_policy_document" "unused" {',
        "  statement {",
        '    actions   = ["s3:*"]',
        '    resources = ["*"]',
        "  }",
        "}",
        'resource "aws_iam_role" "a" {',
        "  assume_role_policy = data.aws_iam_policy_document.both.json",
        "}",
        'resource "aws_iam_role_policy" "a" {',
        "  role   = aws_iam_role.a.name",
        "  policy = data.aws_iam_policy_document.both.minified_json",
        "}",
        'resource "aws_iam_user_policy" "u" {',
        '  user   = "deploy-user"',
        '  policy = "${data.aws_iam_policy_document.both.json}"',
        "}",
      ),
    });
    const kinds = result.policies.filter((p) => p.origin === "data.aws_iam_policy_document.both").map((p) => [p.kind, p.attachedTo ?? []]);
    assert.deepEqual(kinds, [
      ["trust", []],
      ["identity", ["aws_iam_role.a", "deploy-user"]],
    ]);
    assert.equal(policy(result, "data.aws_iam_policy_document.unused").kind, "identity");
  });
});

describe("terraform: JSON in resources", () => {
  it("jsonencode: identifier and string keys, positions of every value, attachment from aws_iam_role_policy_attachment", async () => {
    const result = await extract({
      "iam.tf": lines(
        'resource "aws_iam_policy" "p" {',
        "  policy = jsonencode({",
        '    Version = "2012-10-17"',
        "    Statement = [{",
        '      Effect   = "Allow"',
        '      "Action" : ["s3:GetObject", "s3:ListBucket"]',
        '      Resource = "*"',
        "    }]",
        "  })",
        "}",
        'resource "aws_iam_role_policy_attachment" "a" {',
        "  role       = aws_iam_role.build.name",
        "  policy_arn = aws_iam_policy.p.arn",
        "}",
      ),
    });
    const doc = policy(result, "aws_iam_policy.p .policy");
    assert.equal(doc.kind, "identity");
    assert.deepEqual(doc.attachedTo, ["aws_iam_role.build"]);
    assert.equal(doc.resourceType, undefined);
    assert.deepEqual(doc.json, {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }],
    });
    assert.equal(where(result, doc, "/Statement/0"), "4:18-8:6 {");
    assert.equal(where(result, doc, "/Statement/0/Action/1"), '6:35-6:50 "s3:ListBucket"');
    assert.equal(where(result, doc, "/Statement/0/Resource"), '7:18-7:21 "*"');
    assert.equal(keyWhere(result, doc, "/Statement/0/Action"), '6:7-6:15 "Action"');
    assert.equal(keyWhere(result, doc, "/Statement/0/Resource"), "7:7-7:15 Resource");
  });

  it("heredoc JSON (<<EOF): positions are file positions; $${} is a policy variable, ${} a placeholder", async () => {
    const result = await extract({
      "s3.tf": lines(
        'resource "aws_s3_bucket_policy" "b" {',
        "  bucket = aws_s3_bucket.b.id",
        "  policy = <<EOF",
        "{",
        '  "Version": "2012-10-17",',
        '  "Statement": [{',
        '    "Effect": "Allow",',
        '    "Principal": {"AWS": "${var.reader_arn}"},',
        '    "Action": ["s3:GetObject"],',
        '    "Resource": "arn:aws:s3:::${var.bucket}/home/$${aws:username}/*"',
        "  }]",
        "}",
        "EOF",
        "}",
      ),
    });
    const doc = policy(result, "aws_s3_bucket_policy.b .policy");
    assert.equal(doc.kind, "resource");
    assert.equal(doc.resourceType, "AWS::S3::Bucket");
    assert.deepEqual(doc.json, {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "{{var.reader_arn}}" },
          Action: ["s3:GetObject"],
          Resource: "arn:aws:s3:::{{var.bucket}}/home/${aws:username}/*",
        },
      ],
    });
    assert.deepEqual(
      doc.unresolved.map((u) => [u.pointer, u.expression, u.hint]),
      [
        ["/Statement/0/Principal/AWS", "var.reader_arn", "arn"],
        ["/Statement/0/Resource", "var.bucket", "string"],
      ],
    );
    assert.equal(where(result, doc, "/Statement/0"), "6:17-11:4 {");
    assert.equal(where(result, doc, "/Statement/0/Principal/AWS"), '8:26-8:45 "${var.reader_arn}"');
    assert.equal(where(result, doc, "/Statement/0/Action/0"), '9:16-9:30 "s3:GetObject"');
    assert.equal(where(result, doc, "/Statement/0/Resource"), '10:17-10:69 "arn:aws:s3:::${var.bucket}/home/$${aws:username}/*"');
    assert.deepEqual(doc.range, { line: 4, column: 1, endLine: 12, endColumn: 2 });
  });

  it("indented heredoc JSON (<<-EOF) with a whole-value interpolation keeps exact columns", async () => {
    const result = await extract({
      "sns.tf": lines(
        'resource "aws_sns_topic_policy" "t" {',
        "  arn    = aws_sns_topic.t.arn",
        "  policy = <<-POLICY",
        "    {",
        '      "Statement": [{',
        '        "Effect": "Allow",',
        '        "Principal": {"Service": "events.amazonaws.com"},',
        '        "Action": "sns:Publish",',
        '        "Resource": ${jsonencode(var.topic_arns)}',
        "      }]",
        "    }",
        "  POLICY",
        "}",
      ),
    });
    const doc = policy(result, "aws_sns_topic_policy.t .policy");
    assert.equal(doc.kind, "resource");
    assert.equal(doc.resourceType, "AWS::SNS::Topic");
    assert.deepEqual(doc.json, {
      Statement: [
        { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: "{{var.topic_arns}}" },
      ],
    });
    assert.equal(where(result, doc, "/Statement/0"), "5:21-10:8 {");
    assert.equal(where(result, doc, "/Statement/0/Principal/Service"), '7:34-7:56 "events.amazonaws.com"');
    assert.equal(where(result, doc, "/Statement/0/Action"), '8:19-8:32 "sns:Publish"');
    assert.equal(where(result, doc, "/Statement/0/Resource"), "9:21-9:50 ${jsonencode(var.topic_arns)}");
    assert.deepEqual(
      doc.unresolved.map((u) => [u.expression, u.hint]),
      [["var.topic_arns", "arn"]],
    );
  });

  it("a quoted JSON string maps positions through escapes", async () => {
    const result = await extract({
      "sqs.tf": lines(
        'resource "aws_sqs_queue_policy" "q" {',
        "  queue_url = aws_sqs_queue.q.id",
        '  policy    = "{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"sqs:SendMessage\\"}]}"',
        "}",
      ),
    });
    const doc = policy(result, "aws_sqs_queue_policy.q .policy");
    assert.equal(doc.resourceType, "AWS::SQS::Queue");
    assert.deepEqual(doc.json, { Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage" }] });
    assert.equal(where(result, doc, "/Statement/0/Principal"), '3:68-3:73 \\"*\\"');
    assert.equal(where(result, doc, "/Statement/0/Action"), '3:85-3:104 \\"sqs:SendMessage\\"');
  });

  it("file() JSON: the document is in the JSON file, named by the Terraform address", async () => {
    const result = await extract(
      {
        "mod/kms.tf": lines(
          'resource "aws_kms_key" "k" {',
          '  policy = file("${path.module}/policies/key.json")',
          "}",
          'resource "aws_ecr_repository_policy" "r" {',
          '  policy = file("policies/missing.json")',
          "}",
        ),
      },
      {
        "mod/policies/key.json": lines(
          "{",
          '  "Version": "2012-10-17",',
          '  "Statement": [',
          '    { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:root" }, "Action": "kms:*", "Resource": "*" }',
          "  ]",
          "}",
        ),
      },
    );
    const doc = policy(result, "aws_kms_key.k .policy");
    assert.equal(doc.file, "mod/policies/key.json");
    assert.equal(doc.kind, "resource");
    assert.equal(doc.resourceType, "AWS::KMS::Key");
    assert.equal(
      where(result, doc, "/Statement/0"),
      '4:5-4:120 { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:root" }, "Action": "kms:*", "Resource": "*" }',
    );
    assert.equal(where(result, doc, "/Statement/0/Principal/AWS"), '4:48-4:80 "arn:aws:iam::111122223333:root"');
    assert.equal(where(result, doc, "/Statement/0/Action"), '4:94-4:101 "kms:*"');
    const missing = result.findings.find((f) => f.line === 5);
    assert.equal(missing?.severity, "note");
    assert.equal(missing?.file, "mod/kms.tf");
    assert.equal(
      missing?.message,
      "aws_ecr_repository_policy.r .policy was not analysed: the policy comes from file mod/policies/missing.json which is not in the scanned files.",
    );
  });

  it("templatefile() JSON: template variables resolve, other interpolations become placeholders", async () => {
    const result = await extract(
      {
        "main.tf": lines(
          'resource "aws_secretsmanager_secret_policy" "s" {',
          "  secret_arn = aws_secretsmanager_secret.s.arn",
          '  policy     = templatefile("${path.module}/secret.json.tpl", { account = "111122223333", secret = aws_secretsmanager_secret.s.arn })',
          "}",
        ),
      },
      {
        "secret.json.tpl": lines(
          '{"Statement": [{"Effect": "Allow",',
          '  "Principal": {"AWS": "arn:aws:iam::${account}:root"},',
          '  "Action": "secretsmanager:GetSecretValue", "Resource": "${secret}"}]}',
        ),
      },
    );
    const doc = policy(result, "aws_secretsmanager_secret_policy.s .policy");
    assert.equal(doc.file, "secret.json.tpl");
    assert.equal(doc.resourceType, "AWS::SecretsManager::Secret");
    assert.deepEqual(doc.json, {
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111122223333:root" },
          Action: "secretsmanager:GetSecretValue",
          Resource: "{{aws_secretsmanager_secret.s.arn}}",
        },
      ],
    });
    assert.equal(where(result, doc, "/Statement/0/Principal/AWS"), '2:24-2:54 "arn:aws:iam::${account}:root"');
    assert.equal(where(result, doc, "/Statement/0/Resource"), '3:58-3:69 "${secret}"');
  });

  it("aws_iam_role: trust policy, inline_policy blocks and managed_policy_arns", async () => {
    const result = await extract({
      "role.tf": lines(
        'resource "aws_iam_role" "build" {',
        "  assume_role_policy = jsonencode({",
        '    Version   = "2012-10-17"',
        '    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${var.account_id}:root" } }]',
        "  })",
        "  inline_policy {",
        '    name   = "a"',
        '    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ecr:*", Resource = "*" }] })',
        "  }",
        "  inline_policy {",
        '    name   = "b"',
        "    policy = var.inline",
        "  }",
        '  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess", aws_iam_policy.extra.arn]',
        "}",
        'resource "aws_iam_policy" "extra" {',
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })',
        "}",
      ),
    });
    const trust = policy(result, "aws_iam_role.build .assume_role_policy");
    assert.equal(trust.kind, "trust");
    assert.equal(trust.resourceType, "AWS::IAM::AssumeRolePolicyDocument");
    assert.deepEqual(
      trust.unresolved.map((u) => [u.pointer, u.expression, u.hint]),
      [["/Statement/0/Principal/AWS", "var.account_id", "account-id"]],
    );
    assert.equal(where(result, trust, "/Statement/0/Principal/AWS"), '4:85-4:122 "arn:aws:iam::${var.account_id}:root"');
    const inline = policy(result, "aws_iam_role.build .inline_policy[0]");
    assert.equal(inline.kind, "identity");
    assert.deepEqual(inline.attachedTo, ["aws_iam_role.build"]);
    assert.equal(where(result, inline, "/Statement/0/Action"), '8:69-8:76 "ecr:*"');
    const note = result.findings.find((f) => f.line === 12);
    assert.equal(note?.message, "aws_iam_role.build .inline_policy[1] was not analysed: the policy comes from var.inline.");
    assert.deepEqual(policy(result, "aws_iam_policy.extra .policy").attachedTo, ["aws_iam_role.build"]);
    const managed = facts(result, "managed-policy-attachment");
    assert.deepEqual(
      managed.map((f) => [f.arn, f.attachedTo, f.origin, f.range.line, f.range.column]),
      [["arn:aws:iam::aws:policy/AdministratorAccess", "aws_iam_role.build", "aws_iam_role.build", 14, 26]],
    );
  });

  const attachmentCases: { name: string; resource: string[]; attachedTo: string[]; managed: [string, string][] }[] = [
    {
      name: "aws_iam_user_policy_attachment with a module policy",
      resource: [
        'resource "aws_iam_user_policy_attachment" "a" {',
        "  user       = aws_iam_user.u.name",
        "  policy_arn = aws_iam_policy.p.arn",
        "}",
      ],
      attachedTo: ["aws_iam_user.u"],
      managed: [],
    },
    {
      name: "aws_iam_policy_attachment with several principals and an AWS managed policy",
      resource: [
        'resource "aws_iam_policy_attachment" "a" {',
        "  roles      = [aws_iam_role.r.name]",
        "  groups     = [aws_iam_group.g.name]",
        '  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"',
        "}",
      ],
      attachedTo: [],
      managed: [
        ["arn:aws:iam::aws:policy/PowerUserAccess", "aws_iam_role.r"],
        ["arn:aws:iam::aws:policy/PowerUserAccess", "aws_iam_group.g"],
      ],
    },
    {
      name: "aws_iam_role_policy_attachments_exclusive with a module policy and a partition placeholder",
      resource: [
        'resource "aws_iam_role_policy_attachments_exclusive" "a" {',
        "  role_name   = aws_iam_role.r.name",
        '  policy_arns = [aws_iam_policy.p.arn, "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"]',
        "}",
      ],
      attachedTo: ["aws_iam_role.r"],
      managed: [["arn:{{data.aws_partition.current.partition}}:iam::aws:policy/ReadOnlyAccess", "aws_iam_role.r"]],
    },
  ];
  for (const { name, resource, attachedTo, managed } of attachmentCases) {
    it(`attachments: ${name}`, async () => {
      const result = await extract({
        "main.tf": lines(
          'resource "aws_iam_policy" "p" {',
          '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })',
          "}",
          ...resource,
        ),
      });
      assert.deepEqual(policy(result, "aws_iam_policy.p .policy").attachedTo ?? [], attachedTo);
      assert.deepEqual(
        facts(result, "managed-policy-attachment").map((f) => [f.arn, f.attachedTo]),
        managed,
      );
    });
  }

  it("inline user and group policies are attached to the principal they reference", async () => {
    const result = await extract({
      "users.tf": lines(
        'resource "aws_iam_user" "ci" {',
        '  name = "ci"',
        "}",
        'resource "aws_iam_user_policy" "u" {',
        '  user   = "ci"',
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })',
        "}",
        'resource "aws_iam_group_policy" "g" {',
        "  group  = aws_iam_group.devs.name",
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ec2:*", Resource = "*" }] })',
        "}",
      ),
    });
    assert.deepEqual(policy(result, "aws_iam_user_policy.u .policy").attachedTo, ["aws_iam_user.ci"]);
    assert.deepEqual(policy(result, "aws_iam_group_policy.g .policy").attachedTo, ["aws_iam_group.devs"]);
  });

  it("aws_iam_policy used as a permissions boundary is a boundary policy", async () => {
    const result = await extract({
      "b.tf": lines(
        'resource "aws_iam_policy" "boundary" {',
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })',
        "}",
        'resource "aws_iam_role" "r" {',
        "  assume_role_policy   = var.trust",
        "  permissions_boundary = aws_iam_policy.boundary.arn",
        "}",
      ),
    });
    assert.equal(policy(result, "aws_iam_policy.boundary .policy").kind, "boundary");
  });

  it("aws_lambda_permission becomes a one-statement resource policy", async () => {
    const result = await extract({
      "lambda.tf": lines(
        'resource "aws_lambda_permission" "s3" {',
        '  statement_id   = "AllowS3"',
        '  action         = "lambda:InvokeFunction"',
        "  function_name  = aws_lambda_function.f.function_name",
        '  principal      = "s3.amazonaws.com"',
        "  source_arn     = aws_s3_bucket.b.arn",
        '  source_account = "111122223333"',
        "}",
        'resource "aws_lambda_permission" "public" {',
        '  action                 = "lambda:InvokeFunctionUrl"',
        '  function_name          = "my-function"',
        '  principal              = "*"',
        '  function_url_auth_type = "NONE"',
        "}",
        'resource "aws_lambda_permission" "account" {',
        '  action        = "lambda:InvokeFunction"',
        '  function_name = "my-function"',
        '  principal     = "444455556666"',
        "}",
      ),
    });
    const s3 = policy(result, "aws_lambda_permission.s3");
    assert.equal(s3.kind, "resource");
    assert.equal(s3.resourceType, "AWS::Lambda::Function");
    assert.deepEqual(s3.json, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowS3",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "lambda:InvokeFunction",
          Resource: "{{aws_lambda_function.f.function_name}}",
          Condition: { ArnLike: { "aws:SourceArn": "{{aws_s3_bucket.b.arn}}" }, StringEquals: { "aws:SourceAccount": "111122223333" } },
        },
      ],
    });
    assert.equal(where(result, s3, "/Statement/0"), '1:1-8:2 resource "aws_lambda_permission" "s3" {');
    assert.equal(where(result, s3, "/Statement/0/Principal/Service"), '5:20-5:38 "s3.amazonaws.com"');
    assert.equal(where(result, s3, "/Statement/0/Action"), '3:20-3:43 "lambda:InvokeFunction"');
    assert.equal(where(result, s3, "/Statement/0/Resource"), "4:20-4:55 aws_lambda_function.f.function_name");
    assert.equal(where(result, s3, "/Statement/0/Condition/ArnLike/aws:SourceArn"), "6:20-6:39 aws_s3_bucket.b.arn");
    assert.deepEqual(
      s3.unresolved.map((u) => u.hint),
      ["arn", "arn"],
    );
    const open = policy(result, "aws_lambda_permission.public");
    assert.deepEqual((open.json as { Statement: { Principal: unknown; Condition: unknown }[] }).Statement[0]!.Principal, "*");
    assert.deepEqual((open.json as { Statement: { Condition: unknown }[] }).Statement[0]!.Condition, {
      StringEquals: { "lambda:FunctionUrlAuthType": "NONE" },
    });
    assert.equal(where(result, open, "/Statement/0/Principal"), '12:28-12:31 "*"');
    assert.deepEqual(
      (policy(result, "aws_lambda_permission.account").json as { Statement: { Principal: unknown }[] }).Statement[0]!.Principal,
      {
        AWS: "444455556666",
      },
    );
  });

  it("aws_organizations_policy: SCP by default, RCP by type, other policy types skipped", async () => {
    const result = await extract({
      "org.tf": lines(
        'resource "aws_organizations_policy" "scp" {',
        '  content = jsonencode({ Statement = [{ Effect = "Deny", Action = "organizations:LeaveOrganization", Resource = "*" }] })',
        "}",
        'resource "aws_organizations_policy" "rcp" {',
        '  type    = "RESOURCE_CONTROL_POLICY"',
        "  content = data.aws_iam_policy_document.rcp.json",
        "}",
        'resource "aws_organizations_policy" "tags" {',
        '  type    = "TAG_POLICY"',
        '  content = jsonencode({ tags = { Statement = { Effect = "x" } } })',
        "}",
        'resource "aws_organizations_policy" "unknown" {',
        "  type    = var.policy_type",
        '  content = jsonencode({ Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }] })',
        "}",
        'data "aws_iam_policy_document" "rcp" {',
        "  statement {",
        '    effect    = "Deny"',
        '    actions   = ["s3:*"]',
        '    resources = ["*"]',
        "    principals {",
        '      type        = "*"',
        '      identifiers = ["*"]',
        "    }",
        "  }",
        "}",
      ),
    });
    assert.equal(policy(result, "aws_organizations_policy.scp .content").kind, "scp");
    assert.equal(policy(result, "data.aws_iam_policy_document.rcp").kind, "rcp");
    assert.equal(result.policies.length, 2);
    assert.deepEqual(
      result.findings.map((f) => [f.line, f.severity, f.message]),
      [[13, "note", "aws_organizations_policy.unknown .content was not analysed: the policy type comes from var.policy_type."]],
    );
  });

  it("an unresolved policy attribute is reported, not skipped silently", async () => {
    const result = await extract({
      "main.tf": lines(
        'resource "aws_iam_policy" "from_var" {',
        "  policy = var.policy",
        "}",
        'resource "aws_iam_policy" "from_module" {',
        "  policy = module.policies.deployer_json",
        "}",
        'resource "aws_iam_policy" "missing_doc" {',
        "  policy = data.aws_iam_policy_document.nowhere.json",
        "}",
        'resource "aws_iam_policy" "broken" {',
        "  policy = <<EOF",
        '{"Statement": [}',
        "EOF",
        "}",
      ),
    });
    assert.deepEqual(result.policies, []);
    assert.deepEqual(
      result.findings.map((f) => [f.line, f.column, f.severity, f.message]),
      [
        [2, 3, "note", "aws_iam_policy.from_var .policy was not analysed: the policy comes from var.policy."],
        [5, 3, "note", "aws_iam_policy.from_module .policy was not analysed: the policy comes from module.policies.deployer_json."],
        [
          8,
          3,
          "note",
          "aws_iam_policy.missing_doc .policy was not analysed: the policy comes from data.aws_iam_policy_document.nowhere.json, which is not defined in this module.",
        ],
      ],
    );
    // Malformed JSON is an invalid-policy error (rule valid-policy-json) at the bracket that breaks it (issue #11).
    assert.deepEqual(
      result.facts.filter((f) => f.type === "invalid-policy-text").map((f) => [f.range.line, f.range.column, f.origin]),
      [[12, 16, "aws_iam_policy.broken .policy"]],
    );
  });
});

describe("terraform: placeholders and locals", () => {
  it("unresolved references become placeholders with hints and never a wildcard", async () => {
    const result = await extract({
      "main.tf": lines(
        "locals {",
        '  bucket  = "logs"',
        '  actions = ["s3:PutObject"]',
        "}",
        'data "aws_iam_policy_document" "p" {',
        "  statement {",
        "    actions   = concat(local.actions, var.more_actions)",
        '    resources = ["arn:aws:s3:::${local.bucket}/*", var.bucket_arn, aws_s3_bucket.b.arn, "${var.prefix}*"]',
        "    principals {",
        '      type        = "AWS"',
        "      identifiers = [data.aws_caller_identity.current.account_id, var.role_arn]",
        "    }",
        '    not_actions = var.count > 0 ? ["iam:*"] : []',
        "  }",
        "}",
      ),
    });
    const doc = policy(result, "data.aws_iam_policy_document.p");
    const statement = (doc.json as { Statement: Record<string, unknown>[] }).Statement[0]!;
    assert.equal(statement.Action, "{{concat(local.actions, var.more_actions)}}");
    assert.deepEqual(statement.Resource, ["arn:aws:s3:::logs/*", "{{var.bucket_arn}}", "{{aws_s3_bucket.b.arn}}", "{{var.prefix}}*"]);
    assert.deepEqual(statement.Principal, { AWS: ["{{data.aws_caller_identity.current.account_id}}", "{{var.role_arn}}"] });
    assert.equal(statement.NotAction, '{{var.count > 0 ["iam: "] : []}}');
    assert.deepEqual(
      doc.unresolved.map((u) => [u.pointer, u.expression, u.hint]).sort(),
      [
        ["/Statement/0/Action", "concat(local.actions, var.more_actions)", "list"],
        ["/Statement/0/NotAction", 'var.count > 0 ? ["iam:*"] : []', "list"],
        ["/Statement/0/Resource/1", "var.bucket_arn", "arn"],
        ["/Statement/0/Resource/2", "aws_s3_bucket.b.arn", "arn"],
        ["/Statement/0/Resource/3", "var.prefix", "string"],
        ["/Statement/0/Principal/AWS/0", "data.aws_caller_identity.current.account_id", "account-id"],
        ["/Statement/0/Principal/AWS/1", "var.role_arn", "arn"],
      ].sort(),
    );
    for (const value of strings(doc.json)) assert.notEqual(value, "*");
    assert.equal(where(result, doc, "/Statement/0/Resource/1"), "8:52-8:66 var.bucket_arn");
  });

  it("locals holding a policy resolve, in the local's own file", async () => {
    const result = await extract({
      "locals.tf": lines(
        "locals {",
        "  read_policy = jsonencode({",
        '    Statement = [{ Effect = "Allow", Action = local.read_actions, Resource = "*" }]',
        "  })",
        '  read_actions = ["s3:GetObject"]',
        "}",
      ),
      "main.tf": lines('resource "aws_iam_policy" "read" {', "  policy = local.read_policy", "}"),
    });
    const doc = policy(result, "aws_iam_policy.read .policy");
    assert.equal(doc.file, "locals.tf");
    assert.deepEqual(doc.json, { Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }] });
    assert.equal(where(result, doc, "/Statement/0/Action/0"), '5:19-5:33 "s3:GetObject"');
  });

  it("columns count UTF-16 code units after non-ASCII text", async () => {
    const result = await extract({
      "utf.tf": lines(
        'resource "aws_iam_policy" "u" {',
        '  policy = jsonencode({ Statement = [{ Sid = "é😀", Effect = "Allow", Action = "s3:*", Resource = "*" }] })',
        "}",
      ),
    });
    const doc = policy(result, "aws_iam_policy.u .policy");
    // "é" is one UTF-16 unit (two UTF-8 bytes), "😀" two units (four bytes).
    assert.equal(where(result, doc, "/Statement/0/Sid"), '2:46-2:51 "é😀"');
    assert.equal(where(result, doc, "/Statement/0/Action"), '2:80-2:86 "s3:*"');
  });
});

describe("terraform: facts", () => {
  it("users, access keys, login profiles, password policy, OIDC providers and secret outputs", async () => {
    const result = await extract({
      "facts.tf": lines(
        'resource "aws_iam_user" "ci" {',
        '  name = "ci"',
        "}",
        'resource "aws_iam_access_key" "ci" {',
        "  user = aws_iam_user.ci.name",
        "}",
        'resource "aws_iam_user_login_profile" "ci" {',
        '  user = "someone"',
        "}",
        'resource "aws_iam_account_password_policy" "strict" {',
        "  minimum_password_length        = 14",
        "  require_symbols                = true",
        "  allow_users_to_change_password = var.allow",
        "}",
        'resource "aws_iam_openid_connect_provider" "gh" {',
        '  url            = "https://token.actions.githubusercontent.com"',
        '  client_id_list = ["sts.amazonaws.com", var.extra_client]',
        "}",
        'output "secret" {',
        "  value = aws_iam_access_key.ci.secret",
        "}",
        'output "smtp" {',
        '  value = var.on ? aws_iam_access_key.ci[*].ses_smtp_password_v4 : ""',
        "}",
        'output "hidden" {',
        "  value     = aws_iam_access_key.ci.secret",
        "  sensitive = true",
        "}",
        'output "id" {',
        "  value = aws_iam_access_key.ci.id",
        "}",
      ),
    });
    assert.deepEqual(
      result.facts.map((fact) => [fact.type, fact.origin, fact.range.line]),
      [
        ["iam-user", "aws_iam_user.ci", 1],
        ["access-key", "aws_iam_access_key.ci", 4],
        ["login-profile", "aws_iam_user_login_profile.ci", 7],
        ["password-policy", "aws_iam_account_password_policy.strict", 10],
        ["oidc-provider", "aws_iam_openid_connect_provider.gh", 15],
        ["secret-output", "output.secret", 20],
        ["secret-output", "output.smtp", 23],
      ],
    );
    assert.equal(facts(result, "iam-user")[0]!.name, "ci");
    assert.equal(facts(result, "access-key")[0]!.user, "aws_iam_user.ci");
    assert.equal(facts(result, "login-profile")[0]!.user, "someone");
    assert.deepEqual(facts(result, "password-policy")[0]!.settings, {
      MinimumPasswordLength: { value: 14, range: { line: 11, column: 36, endLine: 11, endColumn: 38 } },
      RequireSymbols: { value: true, range: { line: 12, column: 36, endLine: 12, endColumn: 40 } },
      AllowUsersToChangePassword: { value: "{{var.allow}}", range: { line: 13, column: 36, endLine: 13, endColumn: 45 } },
    });
    const oidc = facts(result, "oidc-provider")[0]!;
    assert.equal(oidc.url, "https://token.actions.githubusercontent.com");
    assert.deepEqual(oidc.clientIds, ["sts.amazonaws.com", "{{var.extra_client}}"]);
    assert.deepEqual(
      facts(result, "secret-output").map((f) => [f.name, f.expression]),
      [
        ["secret", "aws_iam_access_key.ci.secret"],
        ["smtp", "aws_iam_access_key.ci[*].ses_smtp_password_v4"],
      ],
    );
  });
});

describe("terraform: hostile input", () => {
  it("a syntax error gives a warning at its line; blocks elsewhere in the file are still extracted", async () => {
    const result = await extract({
      "broken.tf": lines(
        'resource "aws_iam_policy" "ok" {',
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })',
        "}",
        'resource "aws_iam_policy" "bad" {',
        '  policy = = "x"',
        "}",
      ),
    });
    assert.deepEqual(
      result.findings.map((f) => [f.file, f.line, f.column, f.severity, f.ruleId, f.message]),
      [["broken.tf", 5, 12, "warning", "unparsed-input", "Terraform syntax error near `=`; the blocks around it were not analysed."]],
    );
    assert.deepEqual(
      result.policies.map((p) => p.origin),
      ["aws_iam_policy.ok .policy"],
    );
  });

  it("a missing closing brace is reported at the end of the file", async () => {
    const result = await extract({ "open.tf": lines('resource "aws_iam_policy" "p" {', '  policy = "{}"') });
    assert.deepEqual(
      result.findings.map((f) => [f.line, f.severity, f.message]),
      [[3, "warning", "Terraform syntax error: missing `}`; the blocks around it were not analysed."]],
    );
  });

  it("100,000 nested brackets or parentheses are refused at the 200-level cap, before parsing, with a warning", async () => {
    for (const text of ["a = " + "[".repeat(100_000), "a = " + "(".repeat(100_000) + "1" + ")".repeat(100_000)]) {
      const result = await extract({ "deep.tf": text });
      // Column 205 is the 201st bracket: the pre-scan stops there, before the parser sees the file.
      assert.deepEqual(
        result.findings.map((f) => [f.line, f.column, f.severity, f.message]),
        [[1, 205, "warning", "This file nests brackets deeper than 200 levels, so it was not analysed."]],
      );
    }
  });

  it("locals that reference each other exponentially are cut off by the evaluation budget with a warning", async () => {
    const locals = Array.from(
      { length: 15 },
      (_, i) =>
        `  l${i} = [${Array(10)
          .fill(`local.l${i + 1}`)
          .join(", ")}]`,
    );
    const result = await extract({
      "bomb.tf": lines(
        "locals {",
        ...locals,
        '  l15 = ["s3:GetObject"]',
        "}",
        'resource "aws_iam_policy" "p" {',
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = local.l0, Resource = "*" }] })',
        "}",
      ),
    });
    // 10^15 values if expanded; the budget (10,000 steps plus one per 4 characters) stops it and says so.
    assert.deepEqual(
      result.findings.map((f) => [f.severity, f.message]),
      [
        [
          "warning",
          "This Terraform module expands into too many values (locals referencing each other); some values were left unresolved.",
        ],
      ],
    );
    assert.equal(result.policies.length, 1);
  });

  it("an empty file yields nothing", async () => {
    assert.deepEqual(await extractTerraform([{ path: "empty.tf", text: "" }]), { policies: [], facts: [], findings: [] });
    assert.deepEqual(await extractTerraform([]), { policies: [], facts: [], findings: [] });
  });

  it("binary-looking garbage does not throw and is reported once", async () => {
    const garbage = Array.from({ length: 20_000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join("");
    const result = await extract({ "garbage.tf": garbage });
    assert.deepEqual(result.policies, []);
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]!.severity, "warning");
    assert.match(result.findings[0]!.message, /^Terraform syntax error near `.+`; the blocks around it were not analysed\.$/);
    assert.doesNotMatch(result.findings[0]!.message, /\p{Cc}/u);
  });
});

describe("terraform: realistic module", () => {
  const root = fileURLToPath(new URL("../fixtures/terraform/", import.meta.url));
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(`${root}${path}`, "utf8");
    } catch {
      return undefined;
    }
  };

  it("ci-deployer: every policy with its origin, kind, file and line", async () => {
    const files = readdirSync(`${root}ci-deployer`)
      .filter((name) => name.endsWith(".tf"))
      .map((name) => ({ path: `ci-deployer/${name}`, text: read(`ci-deployer/${name}`)! }));
    const result = await extractTerraform(files, { readFile: read });
    assert.deepEqual(result.policies.map((p) => [p.origin, p.kind, p.file, p.range.line, p.attachedTo ?? []]).sort(), [
      ["aws_iam_policy.ecr .policy", "identity", "ci-deployer/policies/ecr-push.json", 1, ["aws_iam_role.deployer"]],
      ["aws_iam_role.deployer .inline_policy[0]", "identity", "ci-deployer/iam.tf", 12, ["aws_iam_role.deployer"]],
      ["aws_s3_bucket_policy.artifacts .policy", "resource", "ci-deployer/s3.tf", 4, []],
      ["data.aws_iam_policy_document.deploy", "identity", "ci-deployer/policies.tf", 21, ["aws_iam_role.deployer"]],
      ["data.aws_iam_policy_document.github_trust", "trust", "ci-deployer/policies.tf", 3, []],
    ]);
    assert.deepEqual(result.facts.map((f) => [f.type, f.origin, f.file, f.range.line]).sort(), [
      ["access-key", "aws_iam_access_key.legacy", "ci-deployer/iam.tf", 48],
      ["iam-user", "aws_iam_user.legacy", "ci-deployer/iam.tf", 44],
      ["managed-policy-attachment", "aws_iam_role_policy_attachment.readonly", "ci-deployer/iam.tf", 41],
      ["oidc-provider", "aws_iam_openid_connect_provider.github", "ci-deployer/iam.tf", 1],
      ["secret-output", "output.legacy_secret", "ci-deployer/outputs.tf", 6],
    ]);
    assert.deepEqual(result.findings, []);
    const deploy = result.policies.find((p) => p.origin === "data.aws_iam_policy_document.deploy")!;
    assert.deepEqual((deploy.json as { Statement: { Resource: string[] }[] }).Statement[1]!.Resource, [
      "arn:aws:iam::123456789012:role/app-*",
    ]);
    const bucket = result.policies.find((p) => p.origin === "aws_s3_bucket_policy.artifacts .policy")!;
    assert.deepEqual(bucket.positions["/Statement/0/Principal"], { line: 10, column: 24, endLine: 10, endColumn: 27 });
  });
});

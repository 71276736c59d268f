/**
 * The rule tester (eslint's RuleTester and stylelint's per-syntax `testRule` are the models). Each policy case
 * runs through three inputs: a JSON policy file, a CloudFormation YAML template and Terraform `jsonencode`.
 * Positions are asserted exactly on the JSON rendering (`JSON.stringify(policy, null, 2)`); in the other two the
 * tester asserts the same findings point at the same text. It also checks what eslint's tester checks: unique
 * case names, no two cases with the same input and options, known message ids, filled message data, and
 * suggestions whose output is stated in the case, parses, differs from the input and no longer triggers the rule.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stringify as toYaml } from "yaml";
import { analyzeFiles as analyze } from "../../src/core/analyze-files.ts";
import type { Rule } from "../../src/rules/define-rule.ts";
import type { Finding, JsonObject, PolicyKind, Severity, SourceFile } from "../../src/types.ts";

export type Format = "json" | "cloudformation" | "terraform";
export const FORMATS: readonly Format[] = ["json", "cloudformation", "terraform"];

/** Resource types the tester can render a resource policy for. */
export type TestResourceType =
  | "AWS::S3::Bucket"
  | "AWS::SQS::Queue"
  | "AWS::SNS::Topic"
  | "AWS::KMS::Key"
  | "AWS::SecretsManager::Secret"
  | "AWS::ECR::Repository"
  | "AWS::ApiGateway::RestApi";

interface CaseBase {
  name: string;
  /** A policy, rendered in every format (default kind identity). */
  policy?: JsonObject;
  kind?: PolicyKind;
  resourceType?: TestResourceType;
  /** Whole files, run once as they are (for fact and text rules). */
  files?: SourceFile[];
  /** Restrict the formats a policy case runs in, with a reason in the case name. */
  formats?: readonly Format[];
  sensitiveActions?: string[];
}

export type ValidCase = CaseBase;

export interface ExpectedError {
  messageId: string;
  /** Position on the JSON rendering (or in `files`). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity?: Severity;
  message?: string | RegExp;
  /** For `files` cases with several files. */
  file?: string;
  /**
   * The whole JSON rendering (or file) after applying the finding's suggestion, or null when there must be none.
   * Required when the rule offers a suggestion for this finding.
   */
  suggestion?: string | null;
}

export interface InvalidCase extends CaseBase {
  errors: ExpectedError[];
}

/** HCL accepts JSON object syntax; template sequences must be escaped. */
function toHcl(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll("${", "$$$${").replaceAll("%{", "%%{").replace(/\n/g, `\n${indent}`);
}

function yamlBlock(value: unknown, indent: string): string {
  return toYaml(value, { lineWidth: 0 })
    .trimEnd()
    .split("\n")
    .map((line) => `${indent}${line}`)
    .join("\n");
}

const CFN_RESOURCE: Record<TestResourceType, { type: string; props: string; key: string }> = {
  "AWS::S3::Bucket": { type: "AWS::S3::BucketPolicy", props: "      Bucket: test-bucket\n", key: "PolicyDocument" },
  "AWS::SQS::Queue": {
    type: "AWS::SQS::QueuePolicy",
    props: "      Queues: [https://sqs.us-east-1.amazonaws.com/111122223333/q]\n",
    key: "PolicyDocument",
  },
  "AWS::SNS::Topic": {
    type: "AWS::SNS::TopicPolicy",
    props: "      Topics: [arn:aws:sns:us-east-1:111122223333:t]\n",
    key: "PolicyDocument",
  },
  "AWS::KMS::Key": { type: "AWS::KMS::Key", props: "", key: "KeyPolicy" },
  "AWS::SecretsManager::Secret": { type: "AWS::SecretsManager::ResourcePolicy", props: "      SecretId: s\n", key: "ResourcePolicy" },
  "AWS::ECR::Repository": { type: "AWS::ECR::Repository", props: "", key: "RepositoryPolicyText" },
  "AWS::ApiGateway::RestApi": { type: "AWS::ApiGateway::RestApi", props: "      Name: api\n", key: "Policy" },
};

const TF_RESOURCE: Record<TestResourceType, { type: string; props: string; attribute: string }> = {
  "AWS::S3::Bucket": { type: "aws_s3_bucket_policy", props: '  bucket = "test-bucket"\n', attribute: "policy" },
  "AWS::SQS::Queue": {
    type: "aws_sqs_queue_policy",
    props: '  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/q"\n',
    attribute: "policy",
  },
  "AWS::SNS::Topic": { type: "aws_sns_topic_policy", props: '  arn = "arn:aws:sns:us-east-1:111122223333:t"\n', attribute: "policy" },
  "AWS::KMS::Key": { type: "aws_kms_key", props: "", attribute: "policy" },
  "AWS::SecretsManager::Secret": {
    type: "aws_secretsmanager_secret_policy",
    props: '  secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:s"\n',
    attribute: "policy",
  },
  "AWS::ECR::Repository": { type: "aws_ecr_repository_policy", props: '  repository = "r"\n', attribute: "policy" },
  "AWS::ApiGateway::RestApi": { type: "aws_api_gateway_rest_api_policy", props: '  rest_api_id = "a1b2c3"\n', attribute: "policy" },
};

/** Renders a policy case as one file in the given format. */
export function render(
  policy: JsonObject,
  kind: PolicyKind,
  format: Format,
  resourceType: TestResourceType = "AWS::S3::Bucket",
): SourceFile {
  // An endpoint policy's kind comes from its folder, as in collections of them.
  if (format === "json")
    return {
      path: kind === "endpoint" ? "vpc-endpoint-policies/policy.json" : "policy.json",
      text: `${JSON.stringify(policy, null, 2)}\n`,
    };
  if (format === "cloudformation") {
    const head = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Subject:\n';
    const doc = (key: string) => `      ${key}:\n${yamlBlock(policy, "        ")}\n`;
    let body: string;
    if (kind === "trust") body = `    Type: AWS::IAM::Role\n    Properties:\n${doc("AssumeRolePolicyDocument")}`;
    else if (kind === "resource") {
      const r = CFN_RESOURCE[resourceType];
      body = `    Type: ${r.type}\n    Properties:\n${r.props}${doc(r.key)}`;
    } else if (kind === "scp" || kind === "rcp") {
      const type = kind === "scp" ? "SERVICE_CONTROL_POLICY" : "RESOURCE_CONTROL_POLICY";
      body = `    Type: AWS::Organizations::Policy\n    Properties:\n      Name: p\n      Type: ${type}\n${doc("Content")}`;
    } else if (kind === "endpoint") {
      body = `    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      ServiceName: com.amazonaws.us-east-1.s3\n      VpcId: vpc-1\n${doc("PolicyDocument")}`;
    } else body = `    Type: AWS::IAM::ManagedPolicy\n    Properties:\n${doc("PolicyDocument")}`;
    return { path: "template.yaml", text: head + body };
  }
  const encoded = (attribute: string) => `  ${attribute} = jsonencode(${toHcl(policy, "  ")})\n`;
  let text: string;
  if (kind === "trust") text = `resource "aws_iam_role" "subject" {\n  name = "subject"\n${encoded("assume_role_policy")}}\n`;
  else if (kind === "resource") {
    const r = TF_RESOURCE[resourceType];
    text = `resource "${r.type}" "subject" {\n${r.props}${encoded(r.attribute)}}\n`;
  } else if (kind === "scp" || kind === "rcp") {
    const type = kind === "scp" ? "SERVICE_CONTROL_POLICY" : "RESOURCE_CONTROL_POLICY";
    text = `resource "aws_organizations_policy" "subject" {\n  name = "p"\n  type = "${type}"\n${encoded("content")}}\n`;
  } else if (kind === "endpoint") {
    text = `resource "aws_vpc_endpoint" "subject" {\n  vpc_id = "vpc-1"\n  service_name = "com.amazonaws.us-east-1.s3"\n${encoded("policy")}}\n`;
  } else text = `resource "aws_iam_policy" "subject" {\n${encoded("policy")}}\n`;
  return { path: "main.tf", text };
}

/** Runs one rule over files, with the case's kind applied to every path. */
export async function runRule(rule: Rule, files: SourceFile[], kind: PolicyKind | undefined, testCase: CaseBase): Promise<Finding[]> {
  const options = {
    rules: [rule],
    today: "2026-06-01",
    ...(kind === "scp" || kind === "rcp" || kind === "boundary" ? { kindFor: () => kind } : {}),
    ...(testCase.sensitiveActions ? { sensitiveActions: testCase.sensitiveActions } : {}),
  };
  const { findings, policies } = await analyze(files, options);
  // The one note per file saying it holds template placeholders is not a problem with the input.
  const inputProblems = findings.filter(
    (f) => f.ruleId === "unparsed-input" && !f.message.startsWith("This file holds template placeholders"),
  );
  assert.deepEqual(
    inputProblems.map((f) => f.message),
    [],
    "the test input itself must parse",
  );
  if (testCase.policy && kind) {
    assert.ok(policies.length >= 1, "the rendered policy was extracted");
    assert.equal(policies[0]!.kind, kind, "the rendered policy has the case's kind");
  }
  return findings.filter((f) => f.ruleId === rule.id);
}

/** The text a finding points at, without surrounding quotes (so `"*"`, `'*'` and `*` compare equal). */
function pointedText(text: string, f: Finding): string | undefined {
  if (f.line !== f.endLine) return undefined;
  const line = text.split("\n")[f.line - 1] ?? "";
  return line.slice(f.column - 1, f.endColumn - 1).replace(/^["']|["']$/g, "");
}

function applyFix(text: string, f: Finding): string {
  const lines = text.split("\n");
  lines.splice(f.fix!.line - 1, f.fix!.endLine - f.fix!.line + 1, ...f.fix!.replacement.split("\n"));
  return lines.join("\n");
}

function checkMessages(rule: Rule, findings: readonly Finding[]): void {
  for (const f of findings) {
    assert.doesNotMatch(f.message, /undefined|\[object Object\]|NaN/, `message data is filled: ${f.message}`);
  }
  void rule;
}

function formatsOf(testCase: CaseBase): readonly Format[] {
  if (!testCase.policy) return ["json"];
  const kind = testCase.kind ?? "identity";
  // Terraform has no way to say "this aws_iam_policy is a permissions boundary" other than where it is used.
  const possible = kind === "boundary" ? FORMATS.filter((f) => f !== "terraform") : FORMATS;
  return testCase.formats ?? possible;
}

function filesOf(testCase: CaseBase, format: Format): SourceFile[] {
  if (testCase.policy) return [render(testCase.policy, testCase.kind ?? "identity", format, testCase.resourceType)];
  if (testCase.files) return testCase.files;
  throw new Error(`test case "${testCase.name}" has neither policy nor files`);
}

/**
 * Checks a table before it runs, throwing on the first problem: duplicate names, two cases with the same input
 * and options (whatever their names), an invalid case without errors, an unknown message id.
 */
export function checkTable(rule: Rule, tests: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  const names = [...tests.valid, ...tests.invalid].map((t) => t.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`rule ${rule.id}: duplicate test case name "${duplicate}"`);
  const seen = new Map<string, string>();
  for (const t of [...tests.valid, ...tests.invalid]) {
    const key = contentOf(t);
    const first = seen.get(key);
    if (first !== undefined) throw new Error(`rule ${rule.id}: test cases "${first}" and "${t.name}" have the same input and options`);
    seen.set(key, t.name);
  }
  for (const t of tests.invalid) {
    if (t.errors.length === 0) throw new Error(`rule ${rule.id}: invalid case "${t.name}" expects no error`);
    for (const e of t.errors) {
      if (!(e.messageId in rule.messages)) throw new Error(`rule ${rule.id}: case "${t.name}" uses unknown messageId "${e.messageId}"`);
    }
  }
}

/**
 * Each expected error states the suggestion the rule offers for its finding: its output when there is one, and
 * null (or nothing) when there is none. Findings are matched to errors by position in the list.
 */
export function checkSuggestionsStated(errors: readonly ExpectedError[], findings: readonly Finding[]): void {
  errors.forEach((e, i) => {
    const offered = findings[i]?.fix !== undefined;
    if (typeof e.suggestion === "string")
      assert.ok(offered, `error ${i + 1} ("${e.messageId}") expects a suggestion and the rule offers none`);
    else assert.ok(!offered, `error ${i + 1} ("${e.messageId}") offers a suggestion: state its output in \`suggestion\``);
  });
}

export const ruleTester = {
  run(rule: Rule, tests: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
    checkTable(rule, tests);

    describe(rule.id, () => {
      describe("valid", () => {
        for (const t of tests.valid) {
          for (const format of formatsOf(t)) {
            it(`${t.name} (${format})`, async () => {
              const findings = await runRule(rule, filesOf(t, format), t.policy ? (t.kind ?? "identity") : t.kind, t);
              assert.deepEqual(
                findings.map((f) => `${f.line}:${f.column} ${f.message}`),
                [],
              );
            });
          }
        }
      });
      describe("invalid", () => {
        for (const t of tests.invalid) {
          let reference: { text: string; findings: Finding[] } | undefined;
          for (const format of formatsOf(t)) {
            it(`${t.name} (${format})`, async () => {
              const files = filesOf(t, format);
              const kind = t.policy ? (t.kind ?? "identity") : t.kind;
              const findings = await runRule(rule, files, kind, t);
              checkMessages(rule, findings);
              const messageIds = (fs: readonly Finding[]) => fs.map((f) => messageIdOf(rule, f));
              if (format === "json") {
                const actual = findings.map((f) => ({
                  messageId: messageIdOf(rule, f),
                  line: f.line,
                  column: f.column,
                  endLine: f.endLine,
                  endColumn: f.endColumn,
                  ...(t.errors.some((e) => e.file) ? { file: f.file } : {}),
                }));
                const expected = t.errors.map((e) => ({
                  messageId: e.messageId,
                  line: e.line,
                  column: e.column,
                  endLine: e.endLine,
                  endColumn: e.endColumn,
                  ...(e.file ? { file: e.file } : {}),
                }));
                assert.deepEqual(actual, expected);
                t.errors.forEach((e, i) => {
                  const f = findings[i]!;
                  if (e.severity) assert.equal(f.severity, e.severity);
                  if (typeof e.message === "string") assert.equal(f.message, e.message);
                  else if (e.message) assert.match(f.message, e.message);
                });
                checkSuggestionsStated(t.errors, findings);
                reference = { text: files[0]!.text, findings };
              } else {
                assert.deepEqual(
                  messageIds(findings),
                  t.errors.map((e) => e.messageId),
                  `same findings in ${format}`,
                );
                if (reference) {
                  findings.forEach((f, i) => {
                    const want = pointedText(reference!.text, reference!.findings[i]!);
                    const got = pointedText(files[0]!.text, f);
                    if (want !== undefined && got !== undefined) assert.equal(got, want, `finding ${i + 1} points at the same value`);
                  });
                }
              }
              // Suggestions: the output differs, parses, and no longer triggers that message.
              for (const [i, f] of findings.entries()) {
                if (!f.fix) continue;
                const file = files.find((x) => x.path === f.file)!;
                const fixed = applyFix(file.text, f);
                assert.notEqual(fixed, file.text);
                const expected = t.errors[i]?.suggestion;
                if (format === "json" && typeof expected === "string") assert.equal(fixed, expected);
                const after = await runRule(
                  rule,
                  files.map((x) => (x === file ? { ...x, text: fixed } : x)),
                  kind,
                  t,
                );
                const id = messageIdOf(rule, f);
                assert.ok(
                  messageIds(after).filter((m) => m === id).length < messageIds(findings).filter((m) => m === id).length,
                  `the suggestion for "${id}" removes the finding`,
                );
              }
            });
          }
        }
      });
    });
  },
};

/**
 * What a case runs, whatever its name: the input (policy with its kind and resource type, or files) and the
 * options. Two cases with the same content test the same thing once (eslint's tester rejects them too).
 */
function contentOf(testCase: CaseBase): string {
  const input = testCase.policy
    ? {
        policy: testCase.policy,
        kind: testCase.kind ?? "identity",
        resourceType: testCase.kind === "resource" ? (testCase.resourceType ?? "AWS::S3::Bucket") : undefined,
      }
    : { files: testCase.files, kind: testCase.kind };
  return JSON.stringify({ ...input, sensitiveActions: testCase.sensitiveActions });
}

function messageIdOf(rule: Rule, finding: Finding): string {
  if (finding.messageId === undefined) throw new Error(`rule ${rule.id}: finding without a messageId`);
  return finding.messageId;
}

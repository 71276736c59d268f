/**
 * Benchmark: generates a corpus of policies across JSON, CloudFormation and Terraform, scans it in-process
 * (files/s, policies/s, peak RSS) and measures the CLI's cold start on one file.
 *
 *   npm run bench                   # prints the figures
 *   npm run bench -- --update-readme # also writes them into README.md between the bench markers
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { DEFAULT_CONFIG } from "../src/core/config.ts";
import { runScan } from "../src/cli/scan-tree.ts";
import { benchNewAccess } from "./new-access.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
// Outside the repository: its .gitignore would hide the corpus from the walk.
const CORPUS = path.join(os.tmpdir(), "iam-policy-review-bench-corpus");
const TARGET_POLICIES = 2000;

const SERVICES = ["s3", "dynamodb", "sqs", "sns", "kms", "logs", "lambda", "ec2", "ecr", "secretsmanager"];
const VERBS = ["Get*", "List*", "Describe*", "Put*", "Delete*", "Create*", "Update*", "Tag*"];

/** A deterministic pseudo-random generator, so every run scans the same corpus. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const rand = prng(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

function statement(i: number): Record<string, unknown> {
  const service = pick(SERVICES);
  return {
    Sid: `S${i}`,
    Effect: rand() < 0.9 ? "Allow" : "Deny",
    Action: [`${service}:${pick(VERBS)}`, `${service}:${pick(VERBS)}`],
    Resource: rand() < 0.3 ? "*" : [`arn:aws:${service}:us-east-1:111122223333:thing/${i}`, `arn:aws:${service}:us-east-1:111122223333:thing/${i}/*`],
    ...(rand() < 0.3 ? { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } } : {}),
  };
}

function policy(statements = 3): Record<string, unknown> {
  return { Version: "2012-10-17", Statement: Array.from({ length: statements }, (_, i) => statement(i)) };
}

const TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

function indentJson(value: unknown, spaces: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${" ".repeat(spaces)}`);
}

/** One CloudFormation YAML template with 5 policies: a role's trust and two inline policies, a managed policy, a bucket policy. */
function cfnTemplate(n: number): string {
  const yamlStatements = (count: number, indent: string) =>
    Array.from({ length: count }, (_, i) => {
      const s = statement(i);
      return [
        `${indent}- Sid: ${String(s.Sid)}`,
        `${indent}  Effect: ${String(s.Effect)}`,
        `${indent}  Action:`,
        ...(s.Action as string[]).map((a) => `${indent}    - "${a}"`),
        `${indent}  Resource: !Sub "arn:aws:s3:::\${BucketName}-${n}/*"`,
      ].join("\n");
    }).join("\n");
  return `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  BucketName:
    Type: String
    Default: bench-bucket
Resources:
  Role${n}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: one
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
${yamlStatements(3, "              ")}
        - PolicyName: two
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
${yamlStatements(2, "              ")}
  Managed${n}:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref Role${n}]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
${yamlStatements(3, "          ")}
  BucketPolicy${n}:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref BucketName
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::\${AWS::AccountId}:root"
            Action: s3:GetObject
            Resource: !Sub "arn:aws:s3:::\${BucketName}/*"
`;
}

/** One Terraform file with 5 policies: a policy document used as a trust policy, a jsonencode, a heredoc, and two documents. */
function terraformFile(n: number): string {
  const hclStatement = (i: number) => {
    const s = statement(i);
    return `  statement {
    sid       = "${String(s.Sid)}"
    effect    = "${String(s.Effect)}"
    actions   = ${JSON.stringify(s.Action)}
    resources = ["\${aws_s3_bucket.b${n}.arn}/*", "arn:aws:s3:::static-${n}"]
  }`;
  };
  return `data "aws_iam_policy_document" "assume${n}" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "r${n}" {
  name               = "role-${n}"
  assume_role_policy = data.aws_iam_policy_document.assume${n}.json
}

data "aws_iam_policy_document" "doc${n}" {
${[0, 1, 2].map(hclStatement).join("\n")}
}

resource "aws_iam_role_policy" "inline${n}" {
  role   = aws_iam_role.r${n}.id
  policy = data.aws_iam_policy_document.doc${n}.json
}

resource "aws_iam_policy" "enc${n}" {
  policy = jsonencode(${indentJson(policy(3), 2).replace(/"(\w+)": /g, "$1 = ")})
}

resource "aws_iam_policy" "heredoc${n}" {
  policy = <<EOF
${JSON.stringify(policy(2), null, 2)}
EOF
}

data "aws_iam_policy_document" "extra${n}" {
${[0, 1].map(hclStatement).join("\n")}
}
`;
}

function generateCorpus(): { files: number; expectedPolicies: number } {
  rmSync(CORPUS, { recursive: true, force: true });
  let files = 0;
  let policies = 0;
  const write = (rel: string, text: string) => {
    const abs = path.join(CORPUS, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    files++;
  };
  for (let i = 0; policies < TARGET_POLICIES; i++) {
    const slot = i % 3;
    if (slot === 0) {
      write(`json/policy-${i}.json`, `${JSON.stringify(i % 2 ? policy(4) : TRUST, null, 2)}\n`);
      policies += 1;
    } else if (slot === 1) {
      write(`cloudformation/stack-${i}.yaml`, cfnTemplate(i));
      policies += 5;
    } else {
      write(`terraform/module-${i}/main.tf`, terraformFile(i));
      policies += 5;
    }
  }
  return { files, expectedPolicies: policies };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const { files, expectedPolicies } = generateCorpus();
  // CLI cold starts first, while this process is small (spawning from a large parent is slower).
  const bin = path.join(ROOT, "bin", "iam-policy-review.js");
  const oneFile = path.join("json", "policy-0.json");
  const cold: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    execFileSync(process.execPath, [bin, "scan", oneFile, "--format", "json", "--fail-on", "never"], { cwd: CORPUS, stdio: "pipe" });
    cold.push(performance.now() - started);
  }
  const coldTf: number[] = [];
  const oneTf = path.join("terraform", "module-2", "main.tf");
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    execFileSync(process.execPath, [bin, "scan", oneTf, "--format", "json", "--fail-on", "never"], { cwd: CORPUS, stdio: "pipe" });
    coldTf.push(performance.now() - started);
  }
  const coldCfn: number[] = [];
  const oneCfn = path.join("cloudformation", "stack-1.yaml");
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    execFileSync(process.execPath, [bin, "scan", oneCfn, "--format", "json", "--fail-on", "never"], { cwd: CORPUS, stdio: "pipe" });
    coldCfn.push(performance.now() - started);
  }

  // Then, while nothing is cached here: the diff's cold figure includes loading the IAM data it needs.
  const diff = await benchNewAccess(1000);

  // Warm-up run (loads the WASM grammar and JIT-compiles), then measured runs.
  await runScan({ paths: ["."], cwd: CORPUS, config: DEFAULT_CONFIG });
  const runs: number[] = [];
  let found = 0;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const report = await runScan({ paths: ["."], cwd: CORPUS, config: DEFAULT_CONFIG });
    runs.push(performance.now() - started);
    found = report.policies.length;
  }
  const scanMs = median(runs);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const rows: Array<[string, string]> = [
    ["Corpus", `${files} files (JSON, CloudFormation YAML, Terraform), ${found} policies found (${expectedPolicies} generated)`],
    ["Scan, in process (median of 5, after warm-up)", `${scanMs.toFixed(0)} ms`],
    ["Files per second", `${Math.round(files / (scanMs / 1000))}`],
    ["Policies per second", `${Math.round(found / (scanMs / 1000))}`],
    ["Peak RSS", `${peakRssMb.toFixed(0)} MB`],
    ["Local new-access diff, 1,000 changed policies (first run, incl. loading IAM data)", `${diff.coldMs.toFixed(0)} ms`],
    ["Local new-access diff, 1,000 changed policies (warm, median)", `${diff.warmMs.toFixed(0)} ms`],
    ["CLI cold start + one JSON file (median of 7)", `${median(cold).toFixed(0)} ms`],
    ["CLI cold start + one CloudFormation file (median of 7)", `${median(coldCfn).toFixed(0)} ms`],
    ["CLI cold start + one Terraform file (median of 7)", `${median(coldTf).toFixed(0)} ms`],
  ];
  const env = `Node ${process.version}, ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}, ${os.cpus().length} cores, one core used`;
  const table = ["| Measure | Value |", "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${v} |`), "", env].join("\n");
  console.log(table);
  if (found !== expectedPolicies) console.log(`\nWARNING: expected ${expectedPolicies} policies, found ${found}.`);

  if (process.argv.includes("--update-readme")) {
    const readmePath = path.join(ROOT, "README.md");
    const readme = readFileSync(readmePath, "utf8");
    const updated = readme.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`);
    writeFileSync(readmePath, updated);
  }
}

await main();

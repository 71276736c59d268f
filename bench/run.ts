/**
 * Benchmark (issues #3, #15): every figure against its target, measured in one run.
 *
 * - Whole process on 2,000 generated identity policies (one JSON file each): the CLI against the floor of merely
 *   reading and `JSON.parse`-ing the same files (bench/floor.ts), run in turn, as a ratio; then the same corpus at
 *   1×, 2× and 4× to show that cost grows linearly.
 * - CLI cold start + one file (JSON, CloudFormation, Terraform).
 * - A mixed corpus (JSON, CloudFormation YAML, Terraform) scanned in process, and the local new-access diff.
 * - Real repositories given with `--repo DIR` (e.g. a clone of the AWS SAM repository): whole-process time and
 *   peak RSS, and the same at 2× and 4× (the tree scanned two and four times over) for linearity.
 *
 *   npm run bench                                # prints the figures
 *   npm run bench -- --repo ../serverless-application-model
 *   npm run bench -- --update-readme             # also writes them into README.md between the bench markers
 *
 * CPU time and peak RSS of child processes come from GNU time (`/usr/bin/time`) when the machine has it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG } from "../src/core/config.ts";
import { runScan } from "../src/cli/scan-tree.ts";
import { benchNewAccess } from "./new-access.ts";
import { commitOf, median, paired, runProcess, type ProcessRun } from "./whole-process.ts";

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
    Resource:
      rand() < 0.3
        ? "*"
        : [`arn:aws:${service}:us-east-1:111122223333:thing/${i}`, `arn:aws:${service}:us-east-1:111122223333:thing/${i}/*`],
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

/** The issue-#15 corpus: `count` identity policies of 4 statements, one JSON file each, in `dir`. */
function generateIdentityCorpus(dir: string, count: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const random = prng(7);
  const choose = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  for (let f = 0; f < count; f++) {
    const statements = Array.from({ length: 4 }, (_, i) => {
      const service = choose(SERVICES);
      return {
        Sid: `S${i}`,
        Effect: random() < 0.9 ? "Allow" : "Deny",
        Action: [`${service}:${choose(VERBS)}`, `${service}:${choose(VERBS)}`],
        Resource:
          random() < 0.3
            ? "*"
            : [`arn:aws:${service}:us-east-1:111122223333:thing/${f}`, `arn:aws:${service}:us-east-1:111122223333:thing/${f}/*`],
        ...(random() < 0.3 ? { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } } : {}),
      };
    });
    writeFileSync(path.join(dir, `policy-${f}.json`), `${JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2)}\n`);
  }
}

const BIN = path.join(ROOT, "bin", "iam-policy-review.js");
const FLOOR = path.join(ROOT, "bench", "floor.ts");
const cli = (dir: string): ProcessRun => runProcess(process.execPath, [BIN, "scan", ".", "--format", "json", "--fail-on", "never"], dir);
const floor = (dir: string): ProcessRun => runProcess(process.execPath, [FLOOR, "."], dir);
const policiesIn = (run: ProcessRun): number => (JSON.parse(run.stdout) as { policies: unknown[] }).policies.length;
const perSecond = (count: number, ms: number): string => `${Math.round(count / (ms / 1000)).toLocaleString("en-US")}/s`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (run: readonly ProcessRun[]): string =>
  run.every((r) => r.peakRssMb) ? `${median(run.map((r) => r.peakRssMb!)).toFixed(0)} MB` : "n/a";

type Row = [measure: string, value: string, target: string, met: string];
const verdict = (ok: boolean | undefined): string => (ok === undefined ? "" : ok ? "yes" : "**no**");

/** Floor ratio and linearity on the generated identity corpus. */
function wholeProcessRows(): Row[] {
  const rows: Row[] = [];
  const base = path.join(os.tmpdir(), "iam-policy-review-bench-identity");
  const sizes = [1, 2, 4];
  const perPolicyMs: number[] = [];
  for (const factor of sizes) {
    const dir = `${base}-${factor}x`;
    generateIdentityCorpus(dir, 2000 * factor);
    if (factor === 1) {
      const pairs = paired(
        () => floor(dir),
        () => cli(dir),
      );
      const found = policiesIn(pairs.b[0]!);
      const floorMs = median(pairs.a.map((r) => r.wallMs));
      const cliMs = median(pairs.b.map((r) => r.wallMs));
      rows.push([
        "Floor: read + JSON.parse 2,000 policy files, whole process (median of 5)",
        `${seconds(floorMs)} (${perSecond(2000, floorMs)})`,
        "",
        "",
      ]);
      rows.push([
        `CLI scan of the same ${found.toLocaleString("en-US")} policies, whole process (median of 5)`,
        `${seconds(cliMs)} (${perSecond(found, cliMs)}), peak RSS ${mb(pairs.b)}`,
        "",
        "",
      ]);
      rows.push([
        "CLI speed as a share of the floor (median of pairwise wall-time ratios)",
        `${(pairs.wallRatio * 100).toFixed(1)}%`,
        "≥ 25%",
        verdict(pairs.wallRatio >= 0.25),
      ]);
      if (pairs.cpuRatio !== undefined)
        rows.push(["The same from CPU time (user + system)", `${(pairs.cpuRatio * 100).toFixed(1)}%`, "", ""]);
      perPolicyMs.push(cliMs / found);
      continue;
    }
    const runs = Array.from({ length: 3 }, () => cli(dir));
    const ms = median(runs.map((r) => r.wallMs));
    const found = policiesIn(runs[0]!);
    perPolicyMs.push(ms / found);
    rows.push([
      `CLI scan, ${factor}× the corpus (${found.toLocaleString("en-US")} policies, median of 3)`,
      `${seconds(ms)} (${perSecond(found, ms)}), peak RSS ${mb(runs)}`,
      "",
      "",
    ]);
  }
  const growth = perPolicyMs[perPolicyMs.length - 1]! / perPolicyMs[0]!;
  rows.push(["Cost per policy at 4× / at 1× (1.0 = linear)", growth.toFixed(2), "≤ 1.2", verdict(growth <= 1.2)]);
  return rows;
}

/** A real repository scanned whole-process at 1×, 2× and 4× (the tree linked two and four times under one folder). */
function repositoryRows(repo: string): Row[] {
  const name = `${path.basename(path.resolve(repo))}${commitOf(repo) ? ` @ ${commitOf(repo)}` : ""}`;
  const rows: Row[] = [];
  let perPolicy1 = 0;
  for (const factor of [1, 2, 4]) {
    let dir = path.resolve(repo);
    if (factor > 1) {
      // Copies by link: the walk does not follow symbolic links, so each copy is a real folder of links' targets.
      dir = path.join(os.tmpdir(), `iam-policy-review-bench-repo-${factor}x`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < factor; i++) execFileSync("cp", ["-al", path.resolve(repo), path.join(dir, `copy-${i}`)]);
    }
    const runs = Array.from({ length: 3 }, () => cli(dir));
    const ms = median(runs.map((r) => r.wallMs));
    const found = policiesIn(runs[0]!);
    const rss = runs.every((r) => r.peakRssMb) ? median(runs.map((r) => r.peakRssMb!)) : undefined;
    if (factor === 1) {
      perPolicy1 = ms / found;
      rows.push([
        `${name}: whole-process scan (${found.toLocaleString("en-US")} policies, median of 3)`,
        seconds(ms),
        "≤ 3 s",
        verdict(ms <= 3000),
      ]);
      rows.push([
        `${name}: peak RSS`,
        rss === undefined ? "n/a" : `${rss.toFixed(0)} MB`,
        "≤ 200 MB",
        verdict(rss === undefined ? undefined : rss <= 200),
      ]);
    } else {
      rows.push([
        `${name} ×${factor} (${found.toLocaleString("en-US")} policies)`,
        `${seconds(ms)}, cost per policy ${(ms / found / perPolicy1).toFixed(2)}× the 1× figure, peak RSS ${rss === undefined ? "n/a" : `${rss.toFixed(0)} MB`}`,
        "",
        "",
      ]);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repo: { type: "string", multiple: true }, "update-readme": { type: "boolean" } } });
  const { files, expectedPolicies } = generateCorpus();
  const rows: Row[] = [];

  // CLI cold starts first, while this process is small (spawning from a large parent is slower).
  for (const [label, file] of [
    ["JSON", path.join("json", "policy-0.json")],
    ["CloudFormation", path.join("cloudformation", "stack-1.yaml")],
    ["Terraform", path.join("terraform", "module-2", "main.tf")],
  ] as const) {
    const runs = Array.from({ length: 8 }, () =>
      runProcess(process.execPath, [BIN, "scan", file, "--format", "json", "--fail-on", "never"], CORPUS),
    );
    const ms = median(runs.slice(1).map((r) => r.wallMs));
    rows.push([
      `CLI cold start + one ${label} file (median of 7 after one warm-up)`,
      `${ms.toFixed(0)} ms`,
      "≤ 250 ms",
      verdict(ms <= 250),
    ]);
  }

  rows.push(...wholeProcessRows());
  for (const repo of values.repo ?? []) rows.push(...repositoryRows(repo));

  // Then, while nothing is cached here: the diff's cold figure includes loading the IAM data it needs.
  const diff = await benchNewAccess(1000);
  rows.push([
    "Local new-access diff, 1,000 changed policies (first run, incl. loading IAM data)",
    `${diff.coldMs.toFixed(0)} ms`,
    "< 1 s",
    verdict(diff.coldMs < 1000),
  ]);
  rows.push(["Local new-access diff, 1,000 changed policies (warm, median)", `${diff.warmMs.toFixed(0)} ms`, "", ""]);

  // In process (warm-up run loads the WASM grammar and JIT-compiles), then measured runs.
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
  rows.push([
    `Mixed corpus, in process: ${files} files (JSON, CloudFormation YAML, Terraform), ${found} policies (median of 5)`,
    `${scanMs.toFixed(0)} ms (${perSecond(found, scanMs)}, ${perSecond(files, scanMs).replace("/s", " files/s")})`,
    "",
    "",
  ]);

  const env = `Node ${process.version}, ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}, ${os.cpus().length} cores; whole-process figures are wall time of one process`;
  const table = [
    "| Measure | Value | Target | Met |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    env,
  ].join("\n");
  console.log(table);
  if (found !== expectedPolicies) console.log(`\nWARNING: expected ${expectedPolicies} policies, found ${found}.`);

  if (values["update-readme"]) {
    const readmePath = path.join(ROOT, "README.md");
    const readme = readFileSync(readmePath, "utf8");
    const updated = readme.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`);
    writeFileSync(readmePath, updated);
  }
}

await main();

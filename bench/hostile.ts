/**
 * Benchmark of hostile input: the wall-clock limits the tests used to assert (issue #9). The tests now assert the
 * caps that bound this work (nesting pre-scan, alias budget, template size, evaluation budget, step counts,
 * bounded patterns); this prints how long each case takes on this machine, next to the limit the test had.
 *
 *   node bench/hostile.ts   (also run by `npm run bench`)
 */
import { performance } from "node:perf_hooks";
import rule from "../src/rules/no-hardcoded-aws-keys.ts";
import { extractFiles } from "../src/extract/index.ts";
import { arnMatchesResourceType } from "../src/iam/arn-format.ts";
import { matchesWildcard, wildcardCovers, wildcardOverlaps } from "../src/iam/wildcard.ts";

interface Case {
  name: string;
  /** The limit the test asserted before, in ms. */
  formerLimitMs: number;
  run: () => unknown;
}

const DEEP = 100_000;
const BILLION_LAUGHS = [
  'AWSTemplateFormatVersion: "2010-09-09"',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ..."bcdefghi".split("").map((name, i) => `${name}: &${name} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`),
  "Resources:\n  R:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: *i\n",
].join("\n");
const MANY_RESOURCES = `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${Array.from({ length: 5000 }, (_, i) => `  R${i}:\n    Type: AWS::SNS::Topic\n    Properties: {}\n`).join("")}`;
const LOCALS_BOMB = [
  "locals {",
  ...Array.from(
    { length: 15 },
    (_, i) =>
      `  l${i} = [${Array(10)
        .fill(`local.l${i + 1}`)
        .join(", ")}]`,
  ),
  '  l15 = ["s3:GetObject"]',
  "}",
  'resource "aws_iam_policy" "p" {',
  '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = local.l0, Resource = "*" }] })',
  "}",
].join("\n");
const KEY_ID = "AKIA" + "2OGYBAH6STMMNXNN";

const extract = (path: string, text: string) => () => extractFiles([{ path, text }]);
const keys = (text: string) => () => rule.checkText!({ path: "big.txt", text }, { sensitiveActions: [], report: () => {} });

const CASES: Case[] = [
  { name: "YAML alias bomb (billion laughs)", formerLimitMs: 1000, run: extract("bomb.yaml", BILLION_LAUGHS) },
  {
    name: "100,000-deep nesting, JSON",
    formerLimitMs: 1000,
    run: extract("deep.json", `{"Statement": ${"[".repeat(DEEP)}${"]".repeat(DEEP)}}`),
  },
  {
    name: "100,000-deep nesting, YAML",
    formerLimitMs: 1000,
    run: extract("deep.yaml", `AWSTemplateFormatVersion: "2010-09-09"\nResources: ${"[".repeat(DEEP)}${"]".repeat(DEEP)}\n`),
  },
  {
    name: "100,000-deep nesting, Terraform brackets",
    formerLimitMs: 1000,
    run: extract("deep.tf", `locals {\n  x = ${"[".repeat(DEEP)}${"]".repeat(DEEP)}\n}\n`),
  },
  {
    name: "100,000-deep nesting, Terraform parentheses",
    formerLimitMs: 1000,
    run: extract("deep.tf", `a = ${"(".repeat(DEEP)}1${")".repeat(DEEP)}`),
  },
  {
    name: "100,000-deep nesting, Terraform objects",
    formerLimitMs: 1000,
    run: extract("deep.tf", `locals {\n  x = ${"{a = ".repeat(DEEP)}1${"}".repeat(DEEP)}\n}\n`),
  },
  { name: "CloudFormation template of 5,000 resources", formerLimitMs: 1000, run: extract("many.yaml", MANY_RESOURCES) },
  { name: "Terraform locals referencing each other 10^15 times", formerLimitMs: 1000, run: extract("bomb.tf", LOCALS_BOMB) },
  {
    name: "matchesWildcard a*a*…*b vs 10,000 a's",
    formerLimitMs: 200,
    run: () => matchesWildcard("a*a*a*a*a*a*a*a*a*a*b", "a".repeat(10_000)),
  },
  {
    name: "matchesWildcard 5,000 stars vs 10,000 a's",
    formerLimitMs: 200,
    run: () => matchesWildcard(`${"*a".repeat(5_000)}b`, "a".repeat(10_000)),
  },
  {
    name: "matchesWildcard *a{1000}b vs 10,000 a's",
    formerLimitMs: 200,
    run: () => matchesWildcard(`*${"a".repeat(1_000)}b`, "a".repeat(10_000)),
  },
  {
    name: "wildcardOverlaps two 2,000-character patterns",
    formerLimitMs: 200,
    run: () => wildcardOverlaps(`${"a*".repeat(1_000)}b`, `${"*a".repeat(1_000)}c`),
  },
  {
    name: "wildcardOverlaps a pattern vs 10,000 a's",
    formerLimitMs: 200,
    run: () => wildcardOverlaps("a*a*a*a*a*a*a*a*a*a*b", "a".repeat(10_000)),
  },
  {
    name: "wildcardCovers a 10,000-character specific",
    formerLimitMs: 200,
    run: () => wildcardCovers("a*a*a*a*a*a*a*a*a*a*b", `${"a".repeat(10_000)}*`),
  },
  {
    name: "arnMatchesResourceType, 10,000-character ARN",
    formerLimitMs: 200,
    run: () => arnMatchesResourceType(`arn:aws:s3:::${"a*".repeat(5_000)}`, "arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
  },
  {
    name: "no-hardcoded-aws-keys, 4 MB base64 blob",
    formerLimitMs: 2000,
    run: keys("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODkrLw".repeat(50_000)),
  },
  {
    name: "no-hardcoded-aws-keys, 130,000 secret names",
    formerLimitMs: 2000,
    run: keys("aws_secret_access_key =        ".repeat(130_000)),
  },
  {
    name: "no-hardcoded-aws-keys, token name + 4 MB base64",
    formerLimitMs: 2000,
    run: keys(`aws_session_token=${"Ab1+".repeat(1_000_000)}`),
  },
  {
    name: "no-hardcoded-aws-keys, key id + endless 40-char runs",
    formerLimitMs: 2000,
    run: keys(`${KEY_ID}\n${"Q8vz3Lm0Rk2Tj7Yb5Nc1Xw9Pd4Hs6GaFe".repeat(100_000)}\n`),
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Times each case (median of 3 runs after one warm-up) and returns a Markdown table. */
export async function benchHostileInput(): Promise<string> {
  const rows: string[] = [];
  for (const c of CASES) {
    await c.run();
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await c.run();
      runs.push(performance.now() - started);
    }
    rows.push(`| ${c.name} | ${median(runs).toFixed(1)} ms | ${c.formerLimitMs} ms |`);
  }
  return ["| Hostile input (median of 3) | Time | Former test limit |", "| --- | --- | --- |", ...rows].join("\n");
}

if (import.meta.main) console.log(await benchHostileInput());

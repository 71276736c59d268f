/**
 * Benchmark of the new-access comparison (issue #5): generates 1,000 deterministic before/after pairs of
 * policies (5 statements each, realistic actions with wildcards such as `s3:Get*`, resource patterns,
 * conditions, Deny statements, bucket policies with principals), changes 1 to 3 statements of each pair, and
 * times `compareAccess` over all pairs: once cold (iam-data not yet loaded) and then warm (median of 5 runs).
 *
 *   node bench/new-access.ts
 *
 * Extraction is done before timing; only the comparison is measured. Target: under 1 s for 1,000 pairs.
 */
import { performance } from "node:perf_hooks";
import { compareAccess } from "../src/new-access/compare.ts";
import { extractFiles } from "../src/extract/index.ts";
import type { PolicyDocument } from "../src/types.ts";

export interface NewAccessBench {
  pairs: number;
  /** First run: includes loading iam-data for the services used and filling the expansion caches. */
  coldMs: number;
  /** CPU time of the first run (user + system), which other processes on the machine do not inflate. */
  coldCpuMs: number;
  /** Median of the next runs. */
  warmMs: number;
  pairsPerSecond: number;
  added: number;
  findings: number;
}

/** A deterministic pseudo-random generator, so every run compares the same pairs. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface ServiceProfile {
  actions: readonly string[];
  resources: (n: number) => string[];
}

const ACCOUNT = "111122223333";
const SERVICES: Readonly<Record<string, ServiceProfile>> = {
  s3: {
    actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:Get*", "s3:List*", "s3:PutObjectAcl"],
    resources: (n) => [`arn:aws:s3:::bucket-${n}`, `arn:aws:s3:::bucket-${n}/reports/*`],
  },
  dynamodb: {
    actions: [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "dynamodb:UpdateItem",
      "dynamodb:Describe*",
      "dynamodb:BatchGet*",
    ],
    resources: (n) => [
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/table-${n}`,
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/table-${n}/index/*`,
    ],
  },
  sqs: {
    actions: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:Get*"],
    resources: (n) => [`arn:aws:sqs:us-east-1:${ACCOUNT}:queue-${n}*`],
  },
  kms: {
    actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:Describe*"],
    resources: (n) => [`arn:aws:kms:us-east-1:${ACCOUNT}:key/key-${n}`],
  },
  logs: {
    actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:Describe*", "logs:Get*"],
    resources: (n) => [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/${n}:*`],
  },
  ec2: {
    actions: ["ec2:Describe*", "ec2:StartInstances", "ec2:StopInstances", "ec2:CreateTags"],
    resources: () => ["*"],
  },
  lambda: {
    actions: ["lambda:InvokeFunction", "lambda:Get*", "lambda:List*", "lambda:UpdateFunctionCode"],
    resources: (n) => [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:fn-${n}`, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fn-${n}:*`],
  },
  secretsmanager: {
    actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:List*"],
    resources: (n) => [`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/${n}-*`],
  },
  iam: {
    actions: ["iam:PassRole", "iam:Get*", "iam:List*", "iam:CreateServiceLinkedRole"],
    resources: (n) => [`arn:aws:iam::${ACCOUNT}:role/app-${n}-*`],
  },
};
const SERVICE_NAMES = Object.keys(SERVICES);

type Statement = Record<string, unknown> & { Effect: string; Action: string[]; Resource: string | string[] };

function generatePairs(count: number): Array<{ before: string; after: string }> {
  const rand = prng(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const some = <T>(items: readonly T[], n: number): T[] => [...new Set(Array.from({ length: n }, () => pick(items)))];

  const statement = (n: number, bucketPolicy: boolean): Statement => {
    const service = bucketPolicy ? "s3" : pick(SERVICE_NAMES);
    const profile = SERVICES[service]!;
    const s: Statement = {
      Sid: `S${n}`,
      Effect: rand() < 0.12 ? "Deny" : "Allow",
      Action: some(profile.actions, 1 + Math.floor(rand() * 3)),
      Resource: profile.resources(n),
    };
    if (bucketPolicy) s.Principal = { AWS: [`arn:aws:iam::${ACCOUNT}:role/reader-${n}`] };
    if (rand() < 0.3)
      s.Condition = { StringEquals: { "aws:PrincipalOrgID": "o-abc123", "aws:RequestedRegion": ["us-east-1", "eu-west-1"] } };
    return s;
  };

  const mutate = (s: Statement, n: number): Statement => {
    const out: Statement = structuredClone(s);
    switch (Math.floor(rand() * 8)) {
      case 0: // add an action
        out.Action = [...out.Action, pick(SERVICES[pick(SERVICE_NAMES)]!.actions)];
        break;
      case 1: // widen an action to its service
        out.Action = out.Action.map((a, i) => (i === 0 ? `${a.slice(0, a.indexOf(":"))}:*` : a));
        break;
      case 2: // widen a resource
        out.Resource =
          rand() < 0.5 ? "*" : (Array.isArray(out.Resource) ? out.Resource : [out.Resource]).map((r) => r.replace(/[^:/]+$/, "*"));
        break;
      case 3: // narrow a resource
        out.Resource = (Array.isArray(out.Resource) ? out.Resource : [out.Resource]).map((r) =>
          r.endsWith("*") ? `${r.slice(0, -1)}archive/*` : r,
        );
        break;
      case 4: // drop or add a condition
        if (out.Condition) delete out.Condition;
        else out.Condition = { Bool: { "aws:SecureTransport": "true" } };
        break;
      case 5: // flip the effect
        out.Effect = out.Effect === "Allow" ? "Deny" : "Allow";
        break;
      case 6: // remove an action
        out.Action = out.Action.length > 1 ? out.Action.slice(1) : [pick(SERVICES[pick(SERVICE_NAMES)]!.actions)];
        break;
      default: // add a principal, or replace the statement
        if (out.Principal) out.Principal = { AWS: [`arn:aws:iam::${ACCOUNT}:role/reader-${n}`, "444455556666"] };
        else return statement(n + 100, false);
    }
    return out;
  };

  const pairs: Array<{ before: string; after: string }> = [];
  for (let p = 0; p < count; p++) {
    const bucketPolicy = rand() < 0.2;
    const before = Array.from({ length: 5 }, (_, i) => statement(p * 10 + i, bucketPolicy));
    const after = before.map((s) => structuredClone(s));
    const changes = 1 + Math.floor(rand() * 3);
    for (let c = 0; c < changes; c++) {
      const i = Math.floor(rand() * after.length);
      after[i] = mutate(after[i]!, p * 10 + i);
    }
    if (rand() < 0.1) after.push(statement(p * 10 + 5, bucketPolicy));
    if (rand() < 0.1) after.splice(Math.floor(rand() * after.length), 1);
    const text = (statements: Statement[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);
    pairs.push({ before: text(before), after: text(after) });
  }
  return pairs;
}

async function documents(texts: readonly string[], dir: string): Promise<PolicyDocument[]> {
  const { policies } = await extractFiles(texts.map((text, i) => ({ path: `${dir}/policy-${i}.json`, text })));
  if (policies.length !== texts.length)
    throw new Error(`Bug: expected ${texts.length} policies from the generated ${dir} files, got ${policies.length}`);
  return policies;
}

/** Generates the pairs, extracts them (untimed) and times `compareAccess` over all of them. */
export async function benchNewAccess(count = 1000, warmRuns = 5): Promise<NewAccessBench> {
  const pairs = generatePairs(count);
  const before = await documents(
    pairs.map((p) => p.before),
    "before",
  );
  const after = await documents(
    pairs.map((p) => p.after),
    "after",
  );

  let added = 0;
  let findings = 0;
  let cpuMs = 0;
  const run = (): number => {
    added = 0;
    findings = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const change = compareAccess(before[i], after[i]);
      added += change.added.length;
      findings += change.findings.length;
    }
    const elapsed = performance.now() - start;
    const used = process.cpuUsage(cpu);
    cpuMs = (used.user + used.system) / 1000;
    return elapsed;
  };
  const coldMs = run();
  const coldCpuMs = cpuMs;
  const warm = Array.from({ length: warmRuns }, run).sort((a, b) => a - b);
  const warmMs = warm[Math.floor(warm.length / 2)] ?? coldMs;
  return { pairs: count, coldMs, coldCpuMs, warmMs, pairsPerSecond: count / (coldMs / 1000), added, findings };
}

if (process.argv[1] === import.meta.filename) {
  const result = await benchNewAccess();
  console.log(
    `new-access: ${result.pairs} policy pairs compared in ${result.coldMs.toFixed(0)} ms cold ` +
      `(${result.coldCpuMs.toFixed(0)} ms CPU; ${Math.round(result.pairsPerSecond)} pairs/s), ${result.warmMs.toFixed(0)} ms warm ` +
      `(${Math.round(result.pairs / (result.warmMs / 1000))} pairs/s); ${result.added} added deltas, ${result.findings} findings`,
  );
}

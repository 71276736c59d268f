/**
 * Benchmark of the GitHub App (issue #6): webhook → completed check run for a 100-file pull request (~30 IaC files),
 * with GitHub faked on loopback and no Access Analyzer. The App runs in a child process of its own, as in
 * production, so its peak RSS is the App's alone; this process is the fake GitHub and sends the deliveries.
 *
 *   npm run bench:app                 # both modes, 30 deliveries each
 *   node bench/app.ts --n 10          # fewer deliveries per mode
 *
 * Runs: both modes with the Docker image's V8 flag, and the App's own latency once more with Node's defaults.
 *
 * Modes:
 * - "probot-defaults": Probot's Octokit as in production. Its throttling plugin spaces write requests (POST, PATCH)
 *   at least 1 s apart per process, as GitHub asks of integrations ("secondary rate limits"), so an analysis that
 *   creates the run, posts a review and concludes the run cannot take less than ~2 s.
 * - "no-write-pacing": the same without that pacing: the App's own latency.
 *
 * Deliveries are sent one at a time over HTTP, signed, to the App's middleware on 127.0.0.1; the fake GitHub is a
 * node:http server on 127.0.0.1. Nothing leaves the machine.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { pino } from "pino";
import app from "../src/index.ts";
import { createLog } from "../src/app/log.ts";
import { warmUpWorkers } from "../src/app/analysis-worker.ts";
import { DEFAULT_CONFIG } from "../src/core/config.ts";

const MODES = ["probot-defaults", "no-write-pacing"] as const;
type Mode = (typeof MODES)[number];

/**
 * The V8 flag the Docker image sets (Dockerfile `NODE_OPTIONS`): a smaller young generation. Each analysis makes
 * short-lived garbage (parse trees, documents); with Node's default 16 MB semi-spaces the heap grows well past what
 * is live (~30 MB after a collection) before V8 collects, and RSS with it.
 */
const DOCKER_NODE_FLAGS = ["--max-semi-space-size=4"];

const RUNS: ReadonlyArray<{ mode: Mode; flags: readonly string[] }> = [
  { mode: "probot-defaults", flags: DOCKER_NODE_FLAGS },
  { mode: "no-write-pacing", flags: DOCKER_NODE_FLAGS },
  { mode: "no-write-pacing", flags: [] },
];

const OWNER = "bench-org";
const REPO = "infra";
const SECRET = "bench-secret";
const FILES_PER_PR = 100;
const MAX_DELIVERIES = 200;
/** A delivery that has not completed after this long is reported as a failure (bounded wait). */
const DELIVERY_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// The pull request: 100 changed files, 30 of them IaC (10 JSON policies, 10 CloudFormation, 10 Terraform in 5
// modules), half added and half modified; the rest are application files the App skips.

interface BenchFile {
  path: string;
  status: "added" | "modified";
  head: string;
  base?: string;
}

function jsonPolicy(i: number, wide: boolean): string {
  const statements = [
    {
      Sid: "Read",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:ListBucket"],
      Resource: [`arn:aws:s3:::bucket-${i}`, `arn:aws:s3:::bucket-${i}/*`],
    },
    { Sid: "Queue", Effect: "Allow", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:us-east-1:123456789012:queue-${i}` },
  ];
  if (wide) statements.push({ Sid: "Wide", Effect: "Allow", Action: "s3:*", Resource: "*" } as never);
  return `${JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2)}\n`;
}

function cfnTemplate(i: number, wide: boolean): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role${i}:
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
        - PolicyName: app-${i}
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action:
                  - dynamodb:GetItem
                  - dynamodb:PutItem
                Resource: !Sub arn:aws:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/table-${i}
${wide ? "              - Effect: Allow\n                Action: iam:PassRole\n                Resource: '*'\n" : ""}`;
}

function terraform(i: number, wide: boolean): string {
  return `data "aws_iam_policy_document" "app_${i}" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:us-east-1:123456789012:log-group:app-${i}:*"]
  }
${wide ? '  statement {\n    actions   = ["ec2:*"]\n    resources = ["*"]\n  }\n' : ""}}

resource "aws_iam_role_policy" "app_${i}" {
  name   = "app-${i}"
  role   = var.role_name
  policy = data.aws_iam_policy_document.app_${i}.json
}
`;
}

function pullRequestFiles(): BenchFile[] {
  const files: BenchFile[] = [];
  for (let i = 0; i < 10; i++) {
    const modified = i % 2 === 1;
    files.push({
      path: `policies/policy-${i}.json`,
      status: modified ? "modified" : "added",
      head: jsonPolicy(i, i % 3 === 0),
      ...(modified ? { base: jsonPolicy(i, false) } : {}),
    });
    files.push({
      path: `stacks/stack-${i}.yaml`,
      status: modified ? "modified" : "added",
      head: cfnTemplate(i, i % 4 === 0),
      ...(modified ? { base: cfnTemplate(i, false) } : {}),
    });
    files.push({
      path: `modules/m${i % 5}/policy-${i}.tf`,
      status: modified ? "modified" : "added",
      head: terraform(i, i % 5 === 0),
      ...(modified ? { base: terraform(i, false) } : {}),
    });
  }
  for (let i = 0; files.length < FILES_PER_PR; i++) {
    const ext = ["go", "ts", "md", "py", "css"][i % 5]!;
    files.push({ path: `app/src/file-${i}.${ext}`, status: "modified", head: `// file ${i}\nline\n`, base: `// file ${i}\n` });
  }
  return files;
}

function patchOf(file: BenchFile): string {
  const head = file.head.replace(/\n$/, "").split("\n");
  if (file.status === "added") return [`@@ -0,0 +1,${head.length} @@`, ...head.map((l) => `+${l}`)].join("\n");
  const base = (file.base ?? "").replace(/\n$/, "").split("\n");
  return [`@@ -1,${base.length} +1,${head.length} @@`, ...base.map((l) => `-${l}`), ...head.map((l) => `+${l}`)].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Fake GitHub on loopback

const HEAD = "a".repeat(40);
const BASE = "b".repeat(40);

interface FakeGitHub {
  server: Server;
  url: string;
  /** Resolves when the check run of `pr` is first updated with status completed. */
  completed(pr: number): Promise<number>;
  requests: number;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function startFakeGitHub(files: readonly BenchFile[]): Promise<FakeGitHub> {
  const head = new Map(files.map((f) => [f.path, f.head]));
  const base = new Map(files.filter((f) => f.base !== undefined).map((f) => [f.path, f.base!]));
  const listed = files.map((f) => ({
    filename: f.path,
    status: f.status,
    patch: patchOf(f),
    sha: "c".repeat(40),
    additions: 1,
    deletions: 0,
    changes: 1,
  }));
  const waiters = new Map<number, (at: number) => void>();
  const done = new Map<number, number>();
  const prefix = `/repos/${OWNER}/${REPO}`;
  const fake = { requests: 0 } as FakeGitHub;

  const server = createServer((req, res) => {
    void (async () => {
      fake.requests++;
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const path = url.pathname;
      const body = req.method === "GET" ? "" : await readBody(req);
      if (req.method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
        return json(res, 201, {
          token: "ghs_bench",
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          permissions: {},
          repository_selection: "all",
        });
      }
      if (req.method === "POST" && path === `${prefix}/check-runs`) {
        const pr = Number((JSON.parse(body) as { external_id: string }).external_id);
        return json(res, 201, { id: 100_000 + pr, app: { id: 1 }, html_url: `https://github.com/${OWNER}/${REPO}/runs/${100_000 + pr}` });
      }
      const checkRun = new RegExp(`^${prefix}/check-runs/(\\d+)$`).exec(path);
      if (req.method === "PATCH" && checkRun) {
        const pr = Number(checkRun[1]) - 100_000;
        if ((JSON.parse(body) as { status?: string }).status === "completed" && !done.has(pr)) {
          const at = performance.now();
          done.set(pr, at);
          waiters.get(pr)?.(at);
        }
        return json(res, 200, { id: Number(checkRun[1]) });
      }
      if (req.method === "GET" && new RegExp(`^${prefix}/commits/[0-9a-f]+/check-runs$`).test(path))
        return json(res, 200, { total_count: 0, check_runs: [] });
      if (req.method === "GET" && /\/pulls\/\d+\/files$/.test(path))
        return json(res, 200, Number(url.searchParams.get("page") ?? "1") === 1 ? listed : []);
      if (req.method === "GET" && /\/pulls\/\d+\/comments$/.test(path)) return json(res, 200, []);
      if (req.method === "POST" && /\/pulls\/\d+\/reviews$/.test(path)) return json(res, 200, { id: 1 });
      if (req.method === "GET" && path.startsWith(`${prefix}/contents`)) {
        const file = decodeURIComponent(path.slice(`${prefix}/contents`.length).replace(/^\//, ""));
        const ref = url.searchParams.get("ref");
        const tree = ref === HEAD ? head : ref === BASE ? base : new Map<string, string>();
        const text = tree.get(file);
        if (text !== undefined) {
          const content = Buffer.from(text);
          return json(res, 200, {
            type: "file",
            path: file,
            name: file.split("/").pop(),
            size: content.length,
            encoding: "base64",
            content: content.toString("base64"),
          });
        }
        const dir = file === "" ? "" : `${file}/`;
        const entries = [...tree.keys()].filter((p) => p.startsWith(dir) && !p.slice(dir.length).includes("/"));
        if (entries.length > 0)
          return json(
            res,
            200,
            entries.map((p) => ({ type: "file", path: p, name: p.split("/").pop(), size: tree.get(p)!.length })),
          );
        return json(res, 404, { message: "Not Found" });
      }
      return json(res, 404, { message: `bench fake: no route for ${req.method} ${path}` });
    })().catch((error: unknown) => json(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.server = server;
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.completed = (pr) => {
    const at = done.get(pr);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`pull request ${pr}: no completed check run after ${DELIVERY_TIMEOUT_MS} ms`)),
        DELIVERY_TIMEOUT_MS,
      );
      waiters.set(pr, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  };
  return fake;
}

// ---------------------------------------------------------------------------------------------------------------
// The App, in a child process of its own (its peak RSS is the App's alone)

async function runApp(mode: Mode, githubUrl: string): Promise<void> {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: SECRET,
    baseUrl: githubUrl,
    log: createLog({ level: "warn", destination: pino.destination(2) }),
    ...(mode === "no-write-pacing"
      ? {
          Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
            ...options,
            throttle: { ...(options.throttle as object | undefined), enabled: false },
          })),
        }
      : {}),
  });
  const middleware = await createNodeMiddleware(app, { probot });
  // As the server does at start (src/app/server.ts): the analysis workers load the engine before the first webhook.
  await warmUpWorkers(structuredClone(DEFAULT_CONFIG));
  const server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
  // The parent ends stdin when it is done: report the peak RSS and stop.
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.on("end", resolve));
  process.stdout.write(`RSS ${process.resourceUsage().maxRSS}\n`);
  server.close();
}

// ---------------------------------------------------------------------------------------------------------------
// One mode: fake GitHub here, the App in a child process, deliveries one at a time

interface ModeResult {
  mode: Mode;
  flags: readonly string[];
  deliveries: number;
  p50: number;
  p95: number;
  max: number;
  /** Slowest HTTP answer to a webhook delivery, ms (GitHub's deadline is 10 s). */
  maxAnswer: number;
  peakRssMb: number;
  githubRequests: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function pullRequestPayload(pr: number): Record<string, unknown> {
  const repository = { id: 4242, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, id: 1, type: "Organization" } };
  return {
    action: "synchronize",
    number: pr,
    before: "d".repeat(40),
    after: HEAD,
    pull_request: {
      number: pr,
      state: "open",
      draft: false,
      changed_files: FILES_PER_PR,
      head: { sha: HEAD, ref: "feature" },
      base: { sha: BASE, ref: "main" },
    },
    repository,
    installation: { id: 7 },
    sender: { login: "dev", id: 2, type: "User" },
  };
}

/** The next line the child writes that starts with `prefix`, within a bounded time. */
function lineFrom(child: ChildProcess, prefix: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`the App process did not say ${prefix} within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split("\n").find((l) => l.startsWith(`${prefix} `));
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      resolve(line.slice(prefix.length + 1));
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the App process exited (${code}) before saying ${prefix}`)));
  });
}

async function runMode(mode: Mode, flags: readonly string[], n: number): Promise<ModeResult> {
  const fake = await startFakeGitHub(pullRequestFiles());
  const child = spawn(process.execPath, [...flags, import.meta.filename, "--app", mode, "--github", fake.url], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const latencies: number[] = [];
  let maxAnswer = 0;
  let peakRssMb: number;
  try {
    const hook = `http://127.0.0.1:${await lineFrom(child, "READY")}/api/github/webhooks`;
    for (let i = 0; i < n; i++) {
      const pr = i + 1;
      const body = JSON.stringify(pullRequestPayload(pr));
      const start = performance.now();
      const answered = fetch(hook, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "pull_request",
          "x-github-delivery": `bench-${mode}-${pr}`,
          "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
        },
        body,
      }).then(async (response) => {
        await response.arrayBuffer();
        if (response.status >= 300) throw new Error(`delivery ${pr}: HTTP ${response.status}`);
        return performance.now();
      });
      const completedAt = await fake.completed(pr);
      latencies.push(completedAt - start);
      // The next delivery starts when this one's handler is done (its remaining annotations sent).
      maxAnswer = Math.max(maxAnswer, (await answered) - start);
    }
    const rss = lineFrom(child, "RSS");
    child.stdin!.end();
    peakRssMb = Number(await rss) / 1024;
  } finally {
    child.kill();
    fake.server.close();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    mode,
    flags,
    deliveries: n,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1]!,
    maxAnswer,
    peakRssMb,
    githubRequests: fake.requests,
  };
}

// ---------------------------------------------------------------------------------------------------------------

const { values } = parseArgs({
  options: { n: { type: "string", default: "30" }, app: { type: "string" }, github: { type: "string" } },
});

if (values.app !== undefined) {
  if (!(MODES as readonly string[]).includes(values.app) || !values.github?.startsWith("http://127.0.0.1:"))
    throw new Error("usage: --app MODE --github http://127.0.0.1:PORT");
  await runApp(values.app as Mode, values.github);
} else {
  const n = Math.min(MAX_DELIVERIES, Math.max(1, Number.parseInt(values.n ?? "30", 10) || 30));
  const results: ModeResult[] = [];
  for (const run of RUNS) results.push(await runMode(run.mode, run.flags, n));
  const s = (value: number) => `${(value / 1000).toFixed(2)} s`;
  console.log(
    `App benchmark: webhook → completed check run, ${FILES_PER_PR}-file pull request (30 IaC files), ${n} deliveries per mode, one at a time; GitHub faked on loopback; no Access Analyzer`,
  );
  console.log("");
  console.log("| Mode | Node flags | p50 | p95 | max | slowest webhook answer | App peak RSS | GitHub requests |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    console.log(
      `| ${r.mode} | ${r.flags.length > 0 ? r.flags.map((f) => `\`${f}\``).join(" ") : "(none)"} | ${s(r.p50)} | ${s(r.p95)} | ${s(r.max)} | ${s(r.maxAnswer)} | ${r.peakRssMb.toFixed(0)} MB | ${r.githubRequests} |`,
    );
  }
}

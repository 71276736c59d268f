/**
 * The App tried as a new user would (issue #13): the real server (`node src/app/server.ts`, as `npm start` runs
 * it) configured through its environment, pointed at a GitHub stand-in on loopback (`GHE_HOST=127.0.0.1:PORT`,
 * `GHE_PROTOCOL=http`), receiving signed webhooks over HTTP. Nothing leaves the machine.
 *
 *   node bench/app-tryout.ts
 *
 * Scenarios, each reported with what GitHub was sent:
 *  1. a pull request adding an admin statement to a role, a PassRole-on-* policy and a narrow new policy:
 *     inline comments per place;
 *  2. a merge queue's `merge_group` checks_requested: the check on the group's head commit completes;
 *  3. a 3,000-file pull request with no IaC, and one with a 6 MB package-lock.json: conclusions;
 *  4. SIGTERM (a real `kill -TERM`) while an analysis waits on GitHub: the run is concluded, none left in_progress;
 *  5. the server without WEBHOOK_SECRET: refuses to start.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("../src/app/server.ts", import.meta.url));
const OWNER = "tryout-org";
const REPO = "infra";
const SECRET = "tryout-secret";
const BASE = "b".repeat(40);
const sha = (n: number) => String(n).repeat(40).slice(0, 40);

interface File {
  path: string;
  status: "added" | "modified";
  head: string;
  base?: string;
  patch?: string;
}

const ROLE_BASE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::my-bucket/*"
    }
  ]
}
`;
const ROLE_HEAD = ROLE_BASE.replace(
  "    }\n  ]",
  '    },\n    {\n      "Sid": "Admin",\n      "Effect": "Allow",\n      "Action": "*",\n      "Resource": "*"\n    }\n  ]',
);
const ROLE_PATCH = [
  "@@ -8,3 +8,9 @@",
  '       "Resource": "arn:aws:s3:::my-bucket/*"',
  "+    },",
  "+    {",
  '+      "Sid": "Admin",',
  '+      "Effect": "Allow",',
  '+      "Action": "*",',
  '+      "Resource": "*"',
  "     }",
  "   ]",
].join("\n");
const PASS_ROLE = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "Pass",\n      "Effect": "Allow",\n      "Action": "iam:PassRole",\n      "Resource": "*"\n    }\n  ]\n}\n`;
const NARROW = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::my-bucket" },
    { "Sid": "Logs", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:us-east-1:111122223333:log-group:app:*" },
    { "Sid": "Put", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::my-bucket/uploads/*" }
  ]
}
`;
const LOCK = `{\n  "name": "app",\n  "lockfileVersion": 3,\n  "packages": {${Array.from({ length: 51_000 }, (_, i) => `\n    "node_modules/p${i}": { "version": "1.0.${i}", "integrity": "sha512-${"a".repeat(40)}" }`).join(",")}\n  }\n}\n`;

/** A 4.6 MB JSON policy (25,000 statements): it took ~19 s on the event loop before the analysis moved to workers. */
const HUGE = `${JSON.stringify({ Version: "2012-10-17", Statement: Array.from({ length: 25_000 }, (_, i) => ({ Sid: `S${i}`, Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::bucket-${i}/*` })) }, null, 2)}\n`;

const added = (path: string, head: string): File => ({
  path,
  status: "added",
  head,
  patch: [
    `@@ -0,0 +1,${head.trimEnd().split("\n").length} @@`,
    ...head
      .trimEnd()
      .split("\n")
      .map((l) => `+${l}`),
  ].join("\n"),
});

/** Pull request number → its head sha and files. */
const PRS = new Map<number, { head: string; files: File[]; slow?: boolean }>([
  [
    1,
    {
      head: sha(1),
      files: [
        { path: "iam/role.json", status: "modified", head: ROLE_HEAD, base: ROLE_BASE, patch: ROLE_PATCH },
        added("iam/pass.json", PASS_ROLE),
        added("iam/narrow.json", NARROW),
      ],
    },
  ],
  [3, { head: sha(3), files: Array.from({ length: 3000 }, (_, i) => added(`src/module-${i}.ts`, `export const x${i} = ${i};\n`)) }],
  [
    4,
    {
      head: sha(4),
      files: [{ path: "package-lock.json", status: "modified", head: LOCK, base: "{}\n" }, added("iam/narrow.json", NARROW)],
    },
  ],
  [5, { head: sha(5), files: [added("iam/narrow.json", NARROW)], slow: true }],
  [6, { head: sha(6), files: [{ path: "iam/huge.json", status: "added", head: HUGE }] }],
]);
const GROUP_HEAD = sha(2);

// ---------------------------------------------------------------------------------------------------------------
// The GitHub stand-in (REST under /api/v3, as GitHub Enterprise Server)

interface Run {
  id: number;
  head_sha: string;
  status: string;
  conclusion?: string;
  title?: string;
}
const runs: Run[] = [];
const reviews = new Map<number, Array<{ path: string; line: number; start_line?: number; body: string }>>();
const requests: string[] = [];
const slowAnswers: ServerResponse[] = [];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) }).end(text);
}
function filesAt(ref: string): Map<string, string> {
  if (ref === BASE)
    return new Map(
      [...PRS.values()].flatMap((p) => p.files.filter((f) => f.base !== undefined).map((f) => [f.path, f.base!] as [string, string])),
    );
  const pr = [...PRS.values()].find((p) => p.head === ref) ?? (ref === GROUP_HEAD ? PRS.get(1) : undefined);
  return new Map((pr?.files ?? []).map((f) => [f.path, f.head]));
}
const listed = (files: File[]) =>
  files.map((f) => ({
    filename: f.path,
    status: f.status,
    sha: "c".repeat(40),
    additions: 1,
    deletions: 0,
    changes: 1,
    ...(f.patch ? { patch: f.patch } : {}),
  }));

const github = createServer((req, res) => {
  void (async () => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/^\/api\/v3/, "");
    const body = req.method === "GET" ? "" : await readBody(req);
    requests.push(`${req.method} ${path}`);
    const prefix = `/repos/${OWNER}/${REPO}`;
    if (req.method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      return json(res, 201, {
        token: "ghs_tryout",
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: {},
        repository_selection: "all",
      });
    }
    if (req.method === "POST" && path === `${prefix}/check-runs`) {
      const input = JSON.parse(body) as { head_sha: string; status: string };
      const run: Run = { id: 1000 + runs.length, head_sha: input.head_sha, status: input.status };
      runs.push(run);
      return json(res, 201, {
        id: run.id,
        head_sha: run.head_sha,
        app: { id: 1, slug: "iam-policy-review" },
        html_url: `https://github.example/runs/${run.id}`,
      });
    }
    const patchRun = new RegExp(`^${prefix}/check-runs/(\\d+)$`).exec(path);
    if (req.method === "PATCH" && patchRun) {
      const run = runs.find((r) => r.id === Number(patchRun[1]));
      const input = JSON.parse(body) as { status?: string; conclusion?: string; output?: { title?: string } };
      if (run && input.status) run.status = input.status;
      if (run && input.conclusion) run.conclusion = input.conclusion;
      if (run && input.output?.title) run.title = input.output.title;
      return json(res, 200, { id: run?.id });
    }
    const forRef = new RegExp(`^${prefix}/commits/([0-9a-f]+)/check-runs$`).exec(path);
    if (req.method === "GET" && forRef) {
      const list = runs
        .filter((r) => r.head_sha === forRef[1] && r.status === "in_progress")
        .map((r) => ({ ...r, name: "IAM Policy Review", app: { id: 1 } }));
      return json(res, 200, { total_count: list.length, check_runs: list });
    }
    const prFiles = new RegExp(`^${prefix}/pulls/(\\d+)/files$`).exec(path);
    if (req.method === "GET" && prFiles) {
      const pr = PRS.get(Number(prFiles[1]))!;
      if (pr.slow) {
        slowAnswers.push(res); // answered only when the App has gone
        return;
      }
      const page = Number(url.searchParams.get("page") ?? "1");
      const all = listed(pr.files);
      const per = Number(url.searchParams.get("per_page") ?? "30");
      const slice = all.slice((page - 1) * per, page * per);
      const last = Math.ceil(all.length / per);
      if (page < last)
        res.setHeader(
          "link",
          `<http://${req.headers.host}/api/v3${prefix}/pulls/${prFiles[1]}/files?per_page=${per}&page=${page + 1}>; rel="next"`,
        );
      return json(res, 200, slice);
    }
    if (req.method === "GET" && path === `${prefix}/compare/${BASE}...${GROUP_HEAD}`)
      return json(res, 200, { status: "ahead", files: listed(PRS.get(1)!.files) });
    if (req.method === "GET" && /\/pulls\/\d+\/comments$/.test(path)) return json(res, 200, []);
    const review = new RegExp(`^${prefix}/pulls/(\\d+)/reviews$`).exec(path);
    if (req.method === "POST" && review) {
      reviews.set(Number(review[1]), (JSON.parse(body) as { comments: Array<{ path: string; line: number; body: string }> }).comments);
      return json(res, 200, { id: 1 });
    }
    if (req.method === "GET" && path.startsWith(`${prefix}/contents`)) {
      const file = decodeURIComponent(path.slice(`${prefix}/contents`.length).replace(/^\//, ""));
      const ref = url.searchParams.get("ref");
      if (ref === null) return json(res, 404, { message: "Not Found" }); // no config file on the default branch
      const text = filesAt(ref).get(file);
      if (text === undefined) return json(res, 404, { message: "Not Found" });
      const bytes = Buffer.from(text);
      if (req.headers.accept === "application/vnd.github.raw")
        return res.writeHead(200, { "content-type": "application/vnd.github.raw" }).end(bytes);
      const big = bytes.length > 1024 * 1024;
      return json(res, 200, {
        type: "file",
        path: file,
        name: file.split("/").pop(),
        size: bytes.length,
        encoding: big ? "none" : "base64",
        content: big ? "" : bytes.toString("base64"),
      });
    }
    return json(res, 404, { message: `stand-in: no route for ${req.method} ${path}` });
  })().catch((error: unknown) => json(res, 500, { message: String(error) }));
});
await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
const githubPort = (github.address() as AddressInfo).port;

// ---------------------------------------------------------------------------------------------------------------
// The App, as a new user starts it

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const baseEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH ?? "",
  NODE_ENV: "production",
  APP_ID: "1",
  PRIVATE_KEY: privateKey,
  GHE_HOST: `127.0.0.1:${githubPort}`,
  GHE_PROTOCOL: "http",
  HOST: "127.0.0.1",
  LOG_LEVEL: "info",
};

const refused = spawnSync(process.execPath, [SERVER], { env: { ...baseEnv, PORT: "0" }, encoding: "utf8" });
console.log(
  `5. Without WEBHOOK_SECRET: exit code ${refused.status}; stderr: ${JSON.stringify(refused.stderr.split("\n").slice(0, 2).join(" "))}`,
);

const appPort = 20_000 + Math.floor(Math.random() * 20_000);
const app: ChildProcess = spawn(process.execPath, [SERVER], {
  env: { ...baseEnv, WEBHOOK_SECRET: SECRET, PORT: String(appPort) },
  stdio: ["ignore", "pipe", "inherit"],
});
let appLog = "";
app.stdout!.on("data", (chunk: Buffer) => (appLog += chunk.toString()));
const exited = new Promise<number | null>((resolve) => app.once("exit", (code) => resolve(code)));
for (let i = 0; i < 200 && !appLog.includes('"listening'); i++) await new Promise((r) => setTimeout(r, 50));
const hook = `http://127.0.0.1:${appPort}/api/github/webhooks`;

const repository = {
  id: 4242,
  node_id: "R_1",
  name: REPO,
  full_name: `${OWNER}/${REPO}`,
  private: true,
  owner: { login: OWNER, id: 1, type: "Organization" },
};
async function deliver(name: string, id: string, payload: unknown): Promise<number> {
  const body = JSON.stringify(payload);
  const response = await fetch(hook, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": name,
      "x-github-delivery": id,
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}
const pr = (n: number) => ({
  action: "opened",
  number: n,
  pull_request: {
    number: n,
    state: "open",
    draft: false,
    changed_files: PRS.get(n)!.files.length,
    head: { sha: PRS.get(n)!.head, ref: `f${n}` },
    base: { sha: BASE, ref: "main" },
  },
  repository,
  installation: { id: 7 },
  sender: { login: "dev", id: 2, type: "User" },
});
const runOf = (head: string) => runs.filter((r) => r.head_sha === head).at(-1);

await deliver("pull_request", "try-1", pr(1));
const comments = reviews.get(1) ?? [];
console.log(`1. Pull request 1: check ${runOf(sha(1))?.conclusion} "${runOf(sha(1))?.title}"; ${comments.length} inline comments:`);
for (const c of comments)
  console.log(
    `   - ${c.path}:${c.start_line ? `${c.start_line}-` : ""}${c.line}: ${c.body
      .split("\n")
      .filter((l) => /^(- )?\*\*/.test(l))
      .join(" | ")
      .slice(0, 300)}`,
  );

const group = {
  action: "checks_requested",
  merge_group: {
    head_sha: GROUP_HEAD,
    head_ref: "refs/heads/gh-readonly-queue/main/pr-1-abc",
    base_sha: BASE,
    base_ref: "refs/heads/main",
    head_commit: { id: GROUP_HEAD, message: "Merge" },
  },
  repository,
  installation: { id: 7 },
  sender: { login: "dev", id: 2, type: "User" },
};
const groupStatus = await deliver("merge_group", "try-2", group);
console.log(
  `2. merge_group checks_requested (HTTP ${groupStatus}): run on the group's head ${runOf(GROUP_HEAD)?.status} ${runOf(GROUP_HEAD)?.conclusion} "${runOf(GROUP_HEAD)?.title}"; review posted: ${reviews.has(0)}`,
);

await deliver("pull_request", "try-3", pr(3));
console.log(`3a. 3,000 files, no IaC: ${runOf(sha(3))?.conclusion} "${runOf(sha(3))?.title}"`);
await deliver("pull_request", "try-4", pr(4));
console.log(
  `3b. 6 MB package-lock.json (${(Buffer.byteLength(LOCK) / 1e6).toFixed(1)} MB) + a narrow policy: ${runOf(sha(4))?.conclusion} "${runOf(sha(4))?.title}"`,
);

{
  const start = Date.now();
  let maxHealth = 0;
  let polls = 0;
  let finished = false;
  const delivery = deliver("pull_request", "try-6", pr(6)).then((status) => {
    finished = true;
    return { status, ms: Date.now() - start };
  });
  while (!finished) {
    const t = Date.now();
    await fetch(`http://127.0.0.1:${appPort}/health`).then((r) => r.arrayBuffer());
    maxHealth = Math.max(maxHealth, Date.now() - t);
    polls++;
    await new Promise((r) => setTimeout(r, 100));
  }
  const answered = await delivery;
  // Probot answers 202 after 9 s while the handler goes on: wait (bounded) for the conclusion.
  for (let i = 0; i < 1200 && runOf(sha(6))?.status !== "completed"; i++) await new Promise((r) => setTimeout(r, 100));
  if (process.env.TRYOUT_DEBUG)
    console.log(
      runs,
      appLog
        .split("\n")
        .filter((l) => l.includes("try-6"))
        .join("\n"),
    );
  console.log(
    `3c. ${(Buffer.byteLength(HUGE) / 1e6).toFixed(1)} MB JSON policy: webhook answered HTTP ${answered.status} after ${answered.ms} ms; check completed after ${Date.now() - start} ms: ${runOf(sha(6))?.conclusion} "${runOf(sha(6))?.title}"; /health polled ${polls} times meanwhile, slowest answer ${maxHealth} ms`,
  );
}

const slow = deliver("pull_request", "try-5", pr(5)).catch((error: unknown) => `delivery failed: ${String(error)}`);
for (let i = 0; i < 200 && !(runOf(sha(5)) && slowAnswers.length > 0); i++) await new Promise((r) => setTimeout(r, 25));
const health = await fetch(`http://127.0.0.1:${appPort}/health`).then(async (r) => `${r.status} ${await r.text()}`);
console.log(`4. During the slow analysis: /health → ${health}; run ${runOf(sha(5))?.status}`);
const signalled = Date.now();
app.kill("SIGTERM");
const code = await exited;
console.log(
  `4. After SIGTERM: server exited with code ${code} after ${Date.now() - signalled} ms; delivery answer: ${await slow}; run ${runOf(sha(5))?.status} ${runOf(sha(5))?.conclusion} "${runOf(sha(5))?.title}"`,
);
for (const res of slowAnswers) res.destroy();
const stuck = runs.filter((r) => r.status !== "completed");
console.log(
  `Runs created: ${runs.length}; left in_progress: ${stuck.length}${stuck.length ? ` (${stuck.map((r) => r.id).join(", ")})` : ""}; GitHub requests: ${requests.length}`,
);
github.close();

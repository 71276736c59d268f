/**
 * Temporary git repositories shaped like a workflow's checkout, the event payloads GitHub would write for them
 * (from @octokit/webhooks-examples, with our commits), and the environment a runner gives an action step.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import type { WebhookDefinition } from "@octokit/webhooks-examples";

const require = createRequire(import.meta.url);
const definitions = require("@octokit/webhooks-examples") as WebhookDefinition[];

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `iam-policy-review-${prefix}-`));
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

export const SAFE_POLICY = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::assets/*"}]}\n`;
export const WIDER_POLICY = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::assets/*"}]}\n`;
export const ADMIN_POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "*", "Resource": "*" }
  ]
}
`;

export interface PullRequestRepo {
  root: string;
  base: string;
  head: string;
}

/** A repository with `main` holding `baseFiles` and a checked-out `feature` branch that adds `headFiles`. */
export function pullRequestRepo(baseFiles: Record<string, string>, headFiles: Record<string, string>): PullRequestRepo {
  const root = tempDir("workspace");
  git(root, "init", "-q", "-b", "main");
  git(root, "config", "user.email", "test@example.com");
  git(root, "config", "user.name", "Test");
  git(root, "config", "commit.gpgsign", "false");
  writeFiles(root, baseFiles);
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "base");
  const base = git(root, "rev-parse", "HEAD");
  git(root, "checkout", "-q", "-b", "feature");
  writeFiles(root, headFiles);
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "change");
  return { root, base, head: git(root, "rev-parse", "HEAD") };
}

/** A deep copy of the first example payload of `name` (with `action` when given). */
export function examplePayload(name: string, action?: string): Record<string, unknown> {
  const definition = definitions.find((d) => d.name === name);
  const found = definition?.examples.find((e) => action === undefined || (e as { action?: string }).action === action);
  assert.ok(found, `no example ${name}${action ? `.${action}` : ""}`);
  return structuredClone(found) as unknown as Record<string, unknown>;
}

/** The pull_request.opened payload GitHub would send for `repo`'s feature branch. */
export function pullRequestEvent(repo: PullRequestRepo): Record<string, unknown> {
  const payload = examplePayload("pull_request", "opened") as { pull_request: { base: { sha: string }; head: { sha: string } } };
  payload.pull_request.base.sha = repo.base;
  payload.pull_request.head.sha = repo.head;
  return payload as unknown as Record<string, unknown>;
}

export interface RunnerFiles {
  env: NodeJS.ProcessEnv;
  summary: string;
  output: string;
}

/** The variables a runner sets for an action step: event, workspace, summary and output files, inputs. */
export function runnerEnv(workspace: string, eventName: string, payload: unknown, inputs: Record<string, string> = {}): RunnerFiles {
  const dir = tempDir("runner");
  const eventPath = path.join(dir, "event.json");
  writeFileSync(eventPath, JSON.stringify(payload));
  const summary = path.join(dir, "step_summary.md");
  const output = path.join(dir, "output.txt");
  writeFileSync(summary, "");
  writeFileSync(output, "");
  // action.yml's defaults, as the runner passes them, then the workflow's `with:`.
  const defaults: Record<string, string> = {
    path: ".",
    base: "",
    "fail-on": "error",
    config: "",
    "sarif-file": "iam-policy-review.sarif",
    "access-analyzer": "false",
    annotations: "true",
  };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_ACTION_REPOSITORY: "acme/iam-policy-review",
    GITHUB_ACTION_REF: "v1",
  };
  for (const [name, value] of Object.entries({ ...defaults, ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
  return { env, summary, output };
}

/** `name=value` lines of a `$GITHUB_OUTPUT` file (heredoc entries included). */
export function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = line.match(/^([^=<]+)<<(.+)$/);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      out[heredoc[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return out;
}

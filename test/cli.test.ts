import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { main } from "../src/cli.ts";

const require = createRequire(import.meta.url);

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "iam-policy-review-cli-"));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

class Capture extends Writable {
  text = "";
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(cwd: string, ...args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr, cwd, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const ADMIN = `{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }]
}
`;
const TRUST = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`;
const BROKEN = `{\n  "Statement": [\n    { "Effect": "Allow",, }\n  ]\n}\n`;

describe("iam-policy-review scan", () => {
  const root = tree({ "iam/admin.json": ADMIN, "iam/trust.json": TRUST, "iam/broken.json": BROKEN, "notes.md": "# x" });
  roots.push(root);

  it("lists every policy with its kind and line, and findings grouped by file, in text", async () => {
    const { code, stdout, stderr } = await run(root, "scan", ".");
    assert.equal(stderr, "");
    assert.equal(code, 1, "full admin access is an error, at the default fail-on level");
    assert.equal(
      stdout,
      [
        "iam/admin.json",
        "  line 1     identity  iam/admin.json",
        '  3:48       error    This statement allows "*" on every resource: full administrator access; grant only the actions and resources needed.  no-admin-access',
        "",
        "iam/broken.json",
        "  3:25       warning  This file is not valid JSON (Unexpected token Comma found), so no policy in it was analysed.  unparsed-input",
        "",
        "iam/trust.json",
        "  line 1     trust     iam/trust.json",
        "",
        "Scanned 4 files: 2 policies, 2 findings (1 error, 1 warning, 0 notes).",
        "",
      ].join("\n"),
    );
  });

  it("follows the JSON contract: version, files, policies and findings with paths relative to the working directory", async () => {
    const { code, stdout } = await run(path.join(root, "iam"), "scan", "--format", "json");
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.deepEqual(Object.keys(report), ["version", "files", "policies", "findings", "suppressed"]);
    assert.equal(report.files, 3);
    assert.deepEqual(
      report.policies,
      [
        { file: "admin.json", line: 1, endLine: 4, kind: "identity", origin: "admin.json" },
        { file: "trust.json", line: 1, endLine: 1, kind: "trust", origin: "trust.json", resourceType: undefined },
      ].map((p) => JSON.parse(JSON.stringify(p))),
    );
    assert.deepEqual(
      report.findings.map((f: { file: string; line: number; ruleId: string; severity: string }) => [f.file, f.line, f.ruleId, f.severity]),
      [
        ["admin.json", 3, "no-admin-access", "error"],
        ["broken.json", 3, "unparsed-input", "warning"],
      ],
    );
  });

  it("exits 1 when a finding is at or above --fail-on", async () => {
    const broken = tree({ "p.json": BROKEN });
    roots.push(broken);
    assert.equal((await run(broken, "scan")).code, 0, "a warning is below the default fail-on level");
    assert.equal((await run(broken, "scan", "--fail-on", "warning")).code, 1);
    assert.equal((await run(broken, "scan", "--fail-on", "note")).code, 1);
    assert.equal((await run(root, "scan", "--fail-on", "never")).code, 0);
  });

  it("writes SARIF 2.1.0 that validates against the schema, with rule metadata and regions", async () => {
    const { stdout } = await run(root, "scan", "--format", "sarif");
    const sarif = JSON.parse(stdout);
    const Ajv = require("ajv-draft-04");
    const addFormats = require("ajv-formats");
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"));
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
    const run0 = sarif.runs[0];
    assert.equal(run0.tool.driver.name, "iam-policy-review");
    assert.deepEqual(
      run0.tool.driver.rules.map((r: { id: string }) => r.id),
      ["no-admin-access", "unparsed-input"],
    );
    assert.deepEqual(run0.tool.driver.rules[1].properties.tags, ["security", "unparsed-input"]);
    assert.equal(run0.tool.driver.rules[0].properties["security-severity"], "8.0");
    assert.deepEqual(run0.tool.driver.rules[0].shortDescription, {
      text: "Disallow statements that allow every action on every resource.",
    });
    assert.equal(run0.tool.driver.rules[0].defaultConfiguration.level, "error");
    assert.deepEqual(run0.results[1].locations[0].physicalLocation, {
      artifactLocation: { uri: "iam/broken.json", uriBaseId: "%SRCROOT%" },
      region: { startLine: 3, startColumn: 25, endLine: 3, endColumn: 26 },
    });
    assert.equal(run0.results[1].level, "warning");
    assert.equal(run0.results[1].ruleIndex, 1);
    assert.match(run0.results[1].partialFingerprints["iamPolicyReview/v1"], /^[0-9a-f]{32}$/);
  });

  it("an empty folder scans zero files and succeeds", async () => {
    const empty = tree({});
    roots.push(empty);
    const { code, stdout } = await run(empty, "scan");
    assert.equal(code, 0);
    assert.equal(stdout, "Scanned 0 files: 0 policies, 0 findings (0 errors, 0 warnings, 0 notes).\n");
  });
});

describe("configuration", () => {
  it("maps paths to policy kinds (an SCP folder) from .github/iam-policy-review.yml", async () => {
    const root = tree({
      ".github/iam-policy-review.yml": "kinds:\n  scp: [org/scps/]\n",
      "org/scps/deny.json": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`,
      "iam/p.json": ADMIN,
    });
    roots.push(root);
    const { stdout } = await run(root, "scan", "--format", "json");
    const kinds = JSON.parse(stdout).policies.map((p: { file: string; kind: string }) => `${p.file}=${p.kind}`);
    assert.deepEqual(kinds, ["iam/p.json=identity", "org/scps/deny.json=scp"]);
  });

  it("applies failOn and ignorePaths from --config", async () => {
    const root = tree({ "cfg.yml": "failOn: warning\nignorePaths: [vendor/]\n", "a.json": BROKEN, "vendor/b.json": BROKEN });
    roots.push(root);
    const { code, stdout } = await run(root, "scan", "--config", "cfg.yml");
    assert.equal(code, 1);
    assert.match(stdout, /^a\.json\n/);
    assert.doesNotMatch(stdout, /vendor/);
  });

  it("names the key of a bad config and exits 2", async () => {
    const root = tree({ "cfg.yml": "failOn: sometimes\nkinds:\n  spc: [a/]\nextra: 1\n" });
    roots.push(root);
    const { code, stderr, stdout } = await run(root, "scan", "--config", "cfg.yml");
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      "iam-policy-review: cfg.yml: unknown key `extra`; `failOn` must be one of error, warning, note, never; unknown key `kinds.spc`.\n" +
        "Run 'iam-policy-review --help' for usage.\n",
    );
  });
});

describe("usage", () => {
  const cases: Array<{ name: string; args: string[]; stderr: RegExp }> = [
    { name: "unknown option", args: ["scan", "--frobnicate"], stderr: /Unknown option '--frobnicate'/ },
    { name: "bad format", args: ["scan", "--format", "xml"], stderr: /--format must be one of text, json, sarif \(got "xml"\)/ },
    { name: "bad fail-on", args: ["scan", "--fail-on", "bad"], stderr: /--fail-on must be one of error, warning, note, never/ },
    { name: "missing path", args: ["scan", "no/such/dir"], stderr: /no\/such\/dir: no such file or directory/ },
    { name: "unknown command", args: ["lint"], stderr: /unknown command "lint"/ },
    { name: "missing config", args: ["scan", "--config", "nope.yml"], stderr: /--config nope.yml: cannot read the file/ },
  ];
  for (const { name, args, stderr } of cases) {
    it(`exits 2 without a stack trace on ${name}`, async () => {
      const result = await run(tmpdir(), ...args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, stderr);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  }

  it("prints help with exit 0", async () => {
    const { code, stdout } = await run(tmpdir(), "--help");
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: iam-policy-review scan \[PATH\.\.\.\]/);
  });

  it("runs as a command through bin/ and sets the exit code", async () => {
    const root = tree({ "p.json": BROKEN });
    roots.push(root);
    const bin = path.resolve(import.meta.dirname, "../bin/iam-policy-review.js");
    const exec = promisify(execFile);
    const { stdout } = await exec(process.execPath, [bin, "scan", "--format", "json"], { cwd: root });
    assert.equal(JSON.parse(stdout).findings[0].ruleId, "unparsed-input");
    await assert.rejects(
      exec(process.execPath, [bin, "scan", "--fail-on", "warning"], { cwd: root }),
      (error: { code: number }) => error.code === 1,
    );
  });
});

/**
 * Packaging (issue #14): `npm pack` of the repository, installed the way a user installs it, gives a working
 * `iam-policy-review`; on a Node.js older than `engines` the CLI says which Node.js it needs in one line.
 *
 * The install is real and offline: `npm ci --offline --ignore-scripts` of the packed tarball in an empty project,
 * with a lockfile made of the repository's own lockfile entries for the production dependencies (npm fetched
 * those tarballs into its cache when the repository was installed; a plain `npm install <tarball>` would ask the
 * registry for package metadata, which the cache does not hold). Development dependencies are not installed, so
 * a runtime import of one fails here.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { enginesRange, nodeVersionProblem } from "../bin/node-version.js";
import { tempDir, writeFiles } from "./action/fixture.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: { node: string };
  dependencies: Record<string, string>;
};
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

describe("the Node.js version check", () => {
  it("reads a range of the form >=MAJOR.MINOR from package.json", () => {
    assert.match(enginesRange() ?? "", /^>=\d+\.\d+(\.\d+)?$/);
  });

  it("says in one sentence which Node.js is needed, only when older", () => {
    assert.equal(
      nodeVersionProblem("v20.20.2", ">=22.20"),
      "iam-policy-review needs Node.js >=22.20, and this is Node.js 20.20.2; install a newer Node.js (https://nodejs.org).",
    );
    assert.ok(nodeVersionProblem("v22.19.9", ">=22.20"));
    assert.equal(nodeVersionProblem("v22.20.0", ">=22.20"), undefined);
    assert.equal(nodeVersionProblem("v24.0.0", ">=22.20"), undefined);
    assert.equal(nodeVersionProblem("v23.0.0", ">=22.20.1"), undefined);
    assert.equal(nodeVersionProblem("v22.20.0", "^22 || ^24"), undefined, "a range of another form is not judged");
  });

  it("on the machine's Node.js 20 the bin prints that line and exits 2, no stack trace", (t) => {
    const old = "/usr/bin/node";
    const version = existsSync(old) ? spawnSync(old, ["--version"], { encoding: "utf8" }).stdout.trim() : "";
    if (!nodeVersionProblem(version, pkg.engines.node)) {
      t.skip(`needs a Node.js older than ${pkg.engines.node} at ${old} (found ${version || "none"})`);
      return;
    }
    const result = spawnSync(old, [path.join(ROOT, "bin/iam-policy-review.js"), "scan", "."], { cwd: ROOT, encoding: "utf8" });
    assert.equal(result.status, 2);
    assert.equal(result.stdout, "");
    assert.equal(result.stderr, `${nodeVersionProblem(version, pkg.engines.node)}\n`);
  });
});

describe("npm pack, installed", () => {
  const work = tempDir("pack");
  after(() => rmSync(work, { recursive: true, force: true }));
  let packed: { filename: string; files: Array<{ path: string }> };
  const project = path.join(work, "project");
  const bin = path.join(project, "node_modules", ".bin", "iam-policy-review");

  before(() => {
    // Pack a copy (npm pack runs `prepare`, the build, which must not rewrite this checkout's dist/ under other tests).
    const stage = path.join(work, "stage");
    mkdirSync(stage);
    for (const entry of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "src",
      "bin",
      "app.yml",
      "README.md",
      "LICENSE",
    ]) {
      cpSync(path.join(ROOT, entry), path.join(stage, entry), { recursive: true });
    }
    symlinkSync(path.join(ROOT, "node_modules"), path.join(stage, "node_modules"), "dir");
    const out = execFileSync(npm, ["pack", "--json", "--pack-destination", work], {
      cwd: stage,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    packed = (JSON.parse(out) as (typeof packed)[])[0]!;

    const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
    const tarball = `file:${path.join(work, packed.filename)}`;
    const packages: Record<string, unknown> = {
      "": { name: "install-test", dependencies: { [pkg.name]: tarball } },
      [`node_modules/${pkg.name}`]: {
        version: pkg.version,
        resolved: tarball,
        license: pkg.license,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
      },
    };
    for (const [key, entry] of Object.entries(lock.packages)) if (key !== "" && !entry.dev) packages[key] = entry;
    mkdirSync(project);
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "install-test", private: true, dependencies: { [pkg.name]: tarball } }),
    );
    writeFileSync(
      path.join(project, "package-lock.json"),
      JSON.stringify({ name: "install-test", lockfileVersion: 3, requires: true, packages }),
    );
    execFileSync(npm, ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
    });
  });

  it("packs the CLI bundle, the compiled App, the bin with its version check, and no sources or tests", () => {
    const files = packed.files.map((f) => f.path);
    for (const needed of [
      "package.json",
      "README.md",
      "LICENSE",
      "app.yml",
      "bin/iam-policy-review.js",
      "bin/node-version.js",
      "dist/cli/cli.js",
      "dist/app/server.js",
    ]) {
      assert.ok(files.includes(needed), `${needed} is packed`);
    }
    assert.deepEqual(
      files.filter((f) => /^(src|test|scripts|dist-action|node_modules)\//.test(f)),
      [],
    );
  });

  it("installs a working iam-policy-review: --version and a scan of JSON and Terraform", () => {
    assert.equal(execFileSync(bin, ["--version"], { encoding: "utf8" }), `${pkg.version}\n`);
    const tree = path.join(work, "tree");
    writeFiles(tree, {
      "iam/admin.json": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}\n',
      "tf/main.tf":
        'data "aws_iam_policy_document" "p" {\n  statement {\n    actions   = ["iam:PassRole"]\n    resources = ["*"]\n  }\n}\n',
    });
    const result = spawnSync(bin, ["scan", "--format", "json"], { cwd: tree, encoding: "utf8" });
    assert.equal(result.stderr, "");
    assert.equal(result.status, 1);
    const report = JSON.parse(result.stdout) as { policies: Array<{ file: string }>; findings: Array<{ file: string; ruleId: string }> };
    assert.deepEqual(
      report.policies.map((p) => p.file),
      ["iam/admin.json", "tf/main.tf"],
    );
    assert.ok(report.findings.some((f) => f.file === "iam/admin.json" && f.ruleId === "no-admin-access"));
    assert.ok(report.findings.some((f) => f.file === "tf/main.tf" && f.ruleId === "no-unscoped-pass-role"));
  });
});

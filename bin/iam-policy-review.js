#!/usr/bin/env node
// The CLI entry. `npm ci` builds (through `prepare`) a bundle of the CLI in dist/cli/ (one module instead of ~90:
// a third of a cold start is module loading), the compiled modules in dist/, and without a build the TypeScript
// sources run directly (Node >= 22.18 strips types).
import { existsSync } from "node:fs";
import module from "node:module";
import { enginesRange, nodeVersionProblem } from "./node-version.js";

// Before loading any of the CLI: on an older Node.js it would fail with a stack trace instead of saying why.
const problem = nodeVersionProblem(process.version, enginesRange());
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exitCode = 2;
} else {
  // Reuses compiled code across runs (Node's on-disk compile cache).
  module.enableCompileCache?.();

  const candidates = ["../dist/cli/cli.js", "../dist/cli.js", "../src/cli.ts"].map((p) => new URL(p, import.meta.url));
  const entry = candidates.find((url) => existsSync(url)) ?? candidates[candidates.length - 1];
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
}

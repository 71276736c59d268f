#!/usr/bin/env node
// The CLI entry: runs the compiled output (`npm ci` builds it through `prepare`), or the TypeScript sources
// directly when there is no build (Node >= 22.18 strips types), e.g. in a checkout before `npm run build`.
import { existsSync } from "node:fs";
import module from "node:module";

// Reuses compiled code across runs (Node's on-disk compile cache): a large share of a cold start.
module.enableCompileCache?.();

const compiled = new URL("../dist/cli.js", import.meta.url);
const { main } = await import(existsSync(compiled) ? compiled.href : new URL("../src/cli.ts", import.meta.url).href);
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });

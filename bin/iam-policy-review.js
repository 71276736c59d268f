#!/usr/bin/env node
// Entry point for the published CLI: runs the compiled output (built by `npm run build`, which `npm ci` runs).
import { main } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });

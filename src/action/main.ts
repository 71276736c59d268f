/**
 * The GitHub Action's entry (action.yml `runs.main` is its bundle, dist-action/index.js). Wires the process to
 * {@link runAction}; no logic here.
 */
import { runAction } from "./run-action.ts";

process.exitCode = await runAction({ env: process.env, stdout: process.stdout });

/**
 * Whole-process measurements for `npm run bench` (issue #15): a command is timed from outside, as a user runs it.
 * Wall time always; CPU time and peak RSS from `/usr/bin/time` (GNU time) when the machine has it. On a shared,
 * noisy machine the figure to quote is a ratio of two commands run in turn (A B A B …), pair by pair, and its
 * median: both sides of a pair see the same load.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";

export interface ProcessRun {
  wallMs: number;
  /** User + system CPU time, when GNU time is available. */
  cpuMs?: number;
  /** Peak resident set size of the process, when GNU time is available. */
  peakRssMb?: number;
  stdout: string;
}

const GNU_TIME = "/usr/bin/time";
const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ["-f", "%e", "true"]).status === 0;

/** Runs `command args` in `cwd` and measures it; throws when it cannot start or exits with 2 or more. */
export function runProcess(command: string, args: readonly string[], cwd: string): ProcessRun {
  const started = performance.now();
  const result = hasGnuTime
    ? spawnSync(GNU_TIME, ["-f", "@@time %U %S %M", command, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 30 })
    : spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  const wallMs = performance.now() - started;
  if (result.error) throw result.error;
  if ((result.status ?? 2) >= 2)
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status}: ${result.stderr.slice(-2000)}`);
  const run: ProcessRun = { wallMs, stdout: result.stdout };
  const timing = /@@time ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
  if (timing) {
    run.cpuMs = (Number(timing[1]) + Number(timing[2])) * 1000;
    run.peakRssMb = Number(timing[3]) / 1024;
  }
  return run;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface Paired {
  a: ProcessRun[];
  b: ProcessRun[];
  /** Median over the pairs of A's wall time / B's wall time. */
  wallRatio: number;
  /** The same for CPU time, when measured. */
  cpuRatio?: number;
}

/** Runs A and B in turn `pairs` times after one warm-up of each, and returns the median ratios A/B. */
export function paired(a: () => ProcessRun, b: () => ProcessRun, pairs = 5): Paired {
  a();
  b();
  const runs = { a: [] as ProcessRun[], b: [] as ProcessRun[] };
  for (let i = 0; i < pairs; i++) {
    runs.a.push(a());
    runs.b.push(b());
  }
  const wallRatio = median(runs.a.map((r, i) => r.wallMs / runs.b[i]!.wallMs));
  const cpu = runs.a.every((r) => r.cpuMs) && runs.b.every((r) => r.cpuMs);
  return { ...runs, wallRatio, ...(cpu ? { cpuRatio: median(runs.a.map((r, i) => r.cpuMs! / runs.b[i]!.cpuMs!)) } : {}) };
}

/** `git rev-parse HEAD` of a folder, or "" (for saying which commit of a real repository was scanned). */
export function commitOf(dir: string): string {
  try {
    return execFileSync("git", ["-C", dir, "rev-parse", "--short", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "";
  }
}

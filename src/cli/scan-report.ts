/**
 * The CLI's scan as one report, from the config to Access Analyzer: shared by `cli.ts` and the GitHub Action
 * (issue #14), so both run the very same steps, the one pipeline (`core/analyze.ts`) through a tree scan or a
 * `--base` scan (issue #9).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { accessAnalyzerOptions, CONFIG_PATHS, DEFAULT_CONFIG, parseConfig, type Config } from "../core/config.ts";
import type { AccessAnalyzerRunner } from "../access-analyzer/types.ts";
import type { ScanReport } from "../report/types.ts";
import { knownRuleIds } from "../rules/catalog.ts";
import { UsageError } from "../sources/fs.ts";
import { runScan } from "./scan-tree.ts";
import { runChangeScan } from "./scan-diff.ts";

/** Finds the config: the given file, else `.github/iam-policy-review.yml` in `cwd` or the nearest git root. */
export async function loadConfig(cwd: string, explicit: string | undefined): Promise<Config> {
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      throw new UsageError(`--config ${explicit}: cannot read the file`);
    }
    return parseConfig(text, explicit, knownRuleIds());
  }
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    for (const candidate of CONFIG_PATHS) {
      const file = path.join(dir, candidate);
      if (existsSync(file)) return parseConfig(await readFile(file, "utf8"), path.relative(cwd, file) || candidate, knownRuleIds());
    }
    if (existsSync(path.join(dir, ".git")) || path.dirname(dir) === dir) break;
  }
  return structuredClone(DEFAULT_CONFIG);
}

/** The Access Analyzer runner when it is asked for, loaded only then: the AWS SDK is a large share of a cold start. */
async function accessAnalyzerRunner(enabled: boolean, config: Config): Promise<AccessAnalyzerRunner | undefined> {
  if (!enabled) return undefined;
  const { createAccessAnalyzer } = await import("../access-analyzer/access-analyzer.ts");
  return createAccessAnalyzer(accessAnalyzerOptions(config));
}

export interface ScanReportOptions {
  paths: readonly string[];
  cwd: string;
  config: Config;
  /** Compare with this git ref (only changed files); undefined: the whole tree. */
  base?: string;
  /** Run IAM Access Analyzer's checks too. */
  accessAnalyzer: boolean;
}

/** A tree scan or a `--base` scan, with Access Analyzer when asked for; `report.accessAnalyzer.complete` says whether every check ran. */
export async function scanReport(options: ScanReportOptions): Promise<ScanReport> {
  const accessAnalyzer = await accessAnalyzerRunner(options.accessAnalyzer, options.config);
  const scope = { paths: [...options.paths], cwd: options.cwd, config: options.config, ...(accessAnalyzer ? { accessAnalyzer } : {}) };
  return options.base === undefined ? runScan(scope) : runChangeScan({ ...scope, base: options.base });
}

/**
 * The CLI's scans as reports, from the config to Access Analyzer (issue #14 moved them out of cli.ts so that the
 * GitHub Action runs the very same steps): the config file, a tree scan or a `--base` scan, and Access Analyzer
 * with the config's suppressions merged into the report.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { CONFIG_PATHS, DEFAULT_CONFIG, parseConfig, type Config } from "../core/config.ts";
import { compareFindings } from "../core/analyze-files.ts";
import { mergeAccessAnalyzerFindings } from "../core/merge-findings.ts";
import { applySuppressions } from "../core/suppressions.ts";
import type { AccessAnalyzerItem } from "../access-analyzer/types.ts";
import type { ScanReport } from "../report/types.ts";
import { RULES } from "../rules/index.ts";
import { UsageError } from "../sources/fs.ts";
import { VERSION } from "../version.ts";
import { runScan } from "./scan-tree.ts";
import { runChangeScan } from "./scan-diff.ts";

function knownRuleIds(): Set<string> {
  return new Set(["unparsed-input", "new-access", ...RULES.map((r) => r.id)]);
}

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

export interface Reported {
  report: ScanReport;
  /** What Access Analyzer would be sent: every policy, or with --base the added and changed ones with their base. */
  items: AccessAnalyzerItem[];
}

export async function fullReport(paths: string[], cwd: string, config: Config): Promise<Reported> {
  const report = await runScan({ paths, cwd, config });
  return { report, items: report.policies.map((after) => ({ after })) };
}

/**
 * Runs Access Analyzer on the items and merges its findings into the report (suppressions from the config
 * apply). Returns whether every applicable check ran.
 */
export async function addAccessAnalyzer(report: ScanReport, items: AccessAnalyzerItem[], config: Config): Promise<boolean> {
  // Loaded only when asked for: the AWS SDK is a large share of a cold start.
  const { createAccessAnalyzer } = await import("../access-analyzer/access-analyzer.ts");
  const runner = createAccessAnalyzer({
    sensitiveActions: config.sensitiveActions,
    concurrency: config.accessAnalyzer.concurrency,
    ...(config.accessAnalyzer.region ? { region: config.accessAnalyzer.region } : {}),
  });
  const result = await runner.analyze(items);
  const { findings, suppressed } = applySuppressions([...result.findings, ...result.notes], {
    files: [],
    policies: report.policies,
    entries: config.suppressions,
    today: new Date().toISOString().slice(0, 10),
  });
  report.findings = mergeAccessAnalyzerFindings(report.findings, findings).sort(compareFindings);
  report.suppressed = [...report.suppressed, ...suppressed];
  report.accessAnalyzer = { ...result.checks, complete: result.complete };
  return result.complete;
}

export async function changeReport(paths: string[], cwd: string, config: Config, base: string): Promise<Reported> {
  const scan = await runChangeScan({ paths, cwd, config, base });
  const report: ScanReport = {
    version: VERSION,
    files: scan.changed.length,
    policies: scan.policies,
    findings: [...scan.readFindings, ...scan.findings].sort(compareFindings),
    suppressed: scan.suppressed,
    base: { ref: base, commit: scan.baseCommit, changedFiles: scan.changed.length },
    accessChanges: scan.accessChanges,
  };
  return { report, items: scan.accessAnalyzerItems };
}

/**
 * Command-line entry: parses arguments and wires the scan to a renderer. No analysis logic here.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { CONFIG_PATHS, ConfigError, DEFAULT_CONFIG, FAIL_ON, failsAt, parseConfig, type Config, type FailOn } from "./core/config.ts";
import { renderJson } from "./report/json.ts";
import { renderSarif } from "./report/sarif.ts";
import { renderText } from "./report/text.ts";
import { runScan } from "./cli/scan-tree.ts";
import { runChangeScan } from "./cli/scan-diff.ts";
import { compareFindings } from "./core/analyze-files.ts";
import type { ScanReport } from "./report/types.ts";
import type { AccessAnalyzerItem } from "./access-analyzer/types.ts";
import { mergeAccessAnalyzerFindings } from "./core/merge-findings.ts";
import { applySuppressions } from "./core/suppressions.ts";
import { UsageError } from "./sources/fs.ts";
import { RULES } from "./rules/index.ts";
import { TOOL_NAME, VERSION } from "./version.ts";

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

const FORMATS = ["text", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

export const USAGE = `Usage: ${TOOL_NAME} scan [PATH...] [options]

Finds every AWS IAM policy in JSON policy files, CloudFormation templates and Terraform, and reports problems.
PATH is a file or directory (default: .); directories are walked respecting .gitignore.

Options:
  --format text|json|sarif        output format (default: text)
  --fail-on error|warning|note|never
                                  lowest severity that makes the exit code 1 (default: error, or the config's failOn)
  --config FILE                   config file (default: .github/iam-policy-review.yml if present)
  --base GIT_REF                  scan only files changed since GIT_REF (its merge base with HEAD) and show what
                                  access each changed policy adds or removes compared with its own base version
  --access-analyzer               also run IAM Access Analyzer's checks (needs AWS credentials; billed per call);
                                  with --base only changed policies are sent, each unique document once
  -h, --help                      show this help
  -v, --version                   show the version

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or internal error.
`;

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")} (got "${value}")`);
  }
  return value as T;
}

function knownRuleIds(): Set<string> {
  return new Set(["unparsed-input", "new-access", ...RULES.map((r) => r.id)]);
}

/** Finds the config: the given file, else `.github/iam-policy-review.yml` in `cwd` or the nearest git root. */
async function loadConfig(cwd: string, explicit: string | undefined): Promise<Config> {
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

interface Reported {
  report: ScanReport;
  /** What Access Analyzer would be sent: every policy, or with --base the added and changed ones with their base. */
  items: AccessAnalyzerItem[];
}

async function fullReport(paths: string[], cwd: string, config: Config): Promise<Reported> {
  const report = await runScan({ paths, cwd, config });
  return { report, items: report.policies.map((after) => ({ after })) };
}

/**
 * Runs Access Analyzer on the items and merges its findings into the report (suppressions from the config
 * apply). Returns whether every applicable check ran.
 */
async function addAccessAnalyzer(report: ScanReport, items: AccessAnalyzerItem[], config: Config): Promise<boolean> {
  // Loaded only when asked for: the AWS SDK is a large share of a cold start.
  const { createAccessAnalyzer } = await import("./access-analyzer/access-analyzer.ts");
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

async function changeReport(paths: string[], cwd: string, config: Config, base: string): Promise<Reported> {
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

/** Runs the CLI and returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const env = io.env ?? process.env;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string" },
        "fail-on": { type: "string" },
        config: { type: "string" },
        base: { type: "string" },
        "access-analyzer": { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
    if (values.version) {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const [command, ...paths] = positionals;
    if (values.help || command === undefined) {
      (values.help ? io.stdout : io.stderr).write(USAGE);
      return values.help ? 0 : 2;
    }
    if (command !== "scan") throw new UsageError(`unknown command "${command}"`);
    const format: Format = oneOf("format", values.format, FORMATS) ?? "text";
    const failOnFlag = oneOf<FailOn>("fail-on", values["fail-on"], FAIL_ON);
    const config = await loadConfig(io.cwd, values.config);
    const failOn = failOnFlag ?? config.failOn;

    const { report, items } =
      values.base === undefined ? await fullReport(paths, io.cwd, config) : await changeReport(paths, io.cwd, config, values.base);
    let incomplete = false;
    if (values["access-analyzer"] || config.accessAnalyzer.enabled) incomplete = !(await addAccessAnalyzer(report, items, config));
    const color = format === "text" && io.stdout.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
    const output = format === "json" ? renderJson(report) : format === "sarif" ? renderSarif(report) : renderText(report, { color });
    io.stdout.write(output);
    if (incomplete) {
      // Never a silent pass: checks that were asked for and did not run make the run fail as incomplete.
      io.stderr.write(`${TOOL_NAME}: Access Analyzer checks did not all run; see the access-analyzer/unavailable notes.\n`);
      return 2;
    }
    return report.findings.some((f) => failsAt(f.severity, failOn)) ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || isParseArgsError(error)) {
      io.stderr.write(`${TOOL_NAME}: ${(error as Error).message}\nRun '${TOOL_NAME} --help' for usage.\n`);
      return 2;
    }
    // A bug or an I/O failure: say so in one line; the stack only when asked for.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${TOOL_NAME}: internal error: ${message}\n`);
    if (env.IAM_POLICY_REVIEW_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 2;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

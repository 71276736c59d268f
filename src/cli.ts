/**
 * Command-line entry: parses arguments and wires the scan to a renderer. No analysis logic here.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { CONFIG_PATHS, ConfigError, DEFAULT_CONFIG, FAIL_ON, failsAt, parseConfig, type Config, type FailOn } from "./config.ts";
import { renderJson } from "./report/json.ts";
import { renderSarif } from "./report/sarif.ts";
import { renderText } from "./report/text.ts";
import { runScan } from "./scan.ts";
import { UsageError } from "./sources/fs.ts";
import { RULES } from "./analyzers/rules/index.ts";
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
  return new Set(["unparsed-input", ...RULES.map((r) => r.id)]);
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

    const report = await runScan({ paths, cwd: io.cwd, config });
    const color = format === "text" && io.stdout.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
    const output = format === "json" ? renderJson(report) : format === "sarif" ? renderSarif(report) : renderText(report, { color });
    io.stdout.write(output);
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

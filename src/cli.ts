/**
 * Command-line entry: parses arguments and wires the scan to a renderer. No analysis logic here.
 */
import { parseArgs } from "node:util";
import { ConfigError, FAIL_ON, failsAt, type FailOn } from "./core/config.ts";
import { renderJson } from "./report/json.ts";
import { renderSarif } from "./report/sarif.ts";
import { renderText } from "./report/text.ts";
import { loadConfig, scanReport } from "./cli/scan-report.ts";
import { UsageError } from "./sources/fs.ts";
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

    const accessAnalyzer = values["access-analyzer"] === true || config.accessAnalyzer.enabled;
    const report = await scanReport({
      paths,
      cwd: io.cwd,
      config,
      accessAnalyzer,
      ...(values.base === undefined ? {} : { base: values.base }),
    });
    const incomplete = report.accessAnalyzer?.complete === false;
    const color = format === "text" && io.stdout.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
    const output = format === "json" ? renderJson(report) : format === "sarif" ? renderSarif(report) : renderText(report, { color });
    io.stdout.write(output);
    if (report.notAnalysed) {
      // An analysis that could not finish is never a pass, whatever severities its warnings have (issue #12).
      io.stderr.write(`${TOOL_NAME}: ${report.notAnalysed}; the scan is incomplete.\n`);
      return 2;
    }
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

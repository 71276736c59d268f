/**
 * The GitHub Action's work (issue #14), in order:
 * 1. read the inputs and the event; the base is the input, else the event's (pull request base, merge group
 *    base, commit before a push), else none (a full scan);
 * 2. check that the base is in the checkout (a shallow checkout lacks it: say how to fix it, never scan
 *    everything or nothing instead);
 * 3. scan through the CLI's pipeline (`scanForAction`);
 * 4. report: the SARIF file, annotations (those on changed lines first; GitHub's cap per level said in the
 *    summary), the text report in the
 *    log, the job summary, the outputs;
 * 5. exit 1 at or above `fail-on`, 2 when the analysis is incomplete or could not run, else 0.
 * Never throws: every failure is an `::error::` line, a job summary and exit code 2.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { ConfigError, failsAt } from "../core/config.ts";
import { loadConfig } from "../cli/scan-report.ts";
import { annotationsOf, type Annotation, type CheckRunInput } from "../report/check-run.ts";
import { maskSecrets } from "../report/review.ts";
import { renderSarif } from "../report/sarif.ts";
import { countBySeverity } from "../report/summary.ts";
import { renderText } from "../report/text.ts";
import type { ScanReport } from "../report/types.ts";
import { UsageError } from "../sources/fs.ts";
import { TOOL_NAME } from "../version.ts";
import { baseFromEvent, type EventBase } from "./event-base.ts";
import { changedLines } from "./changed-lines.ts";
import { FULL_SCAN, InputError, readInputs, type ActionInputs } from "./inputs.ts";
import { ANNOTATIONS_PER_LEVEL, renderJobSummary, type AnnotationTally } from "./job-summary.ts";
import { scanForAction } from "./scan-adapter.ts";
import { annotationCommand, messageCommand, outputEntry, withoutCommands, type AnnotationLevel } from "./workflow-commands.ts";

const exec = promisify(execFile);

export interface ActionIo {
  env: NodeJS.ProcessEnv;
  /** The step's log. */
  stdout: { write(text: string): unknown };
}

/** A reason the Action cannot run, said as one actionable sentence. */
class ActionError extends Error {
  override name = "ActionError";
}

const LEVEL_OF: Record<Annotation["annotation_level"], AnnotationLevel> = { failure: "error", warning: "warning", notice: "notice" };

async function readEvent(env: NodeJS.ProcessEnv): Promise<unknown> {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return undefined;
  try {
    return JSON.parse(await readFile(file, "utf8")) as unknown;
  } catch (error) {
    throw new ActionError(`Cannot read the event payload at GITHUB_EVENT_PATH (${(error as Error).message.split("\n")[0]}).`, {
      cause: error,
    });
  }
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    return (await exec("git", args, { cwd, encoding: "utf8" })).stdout.trim();
  } catch {
    return undefined;
  }
}

/** Fails with how to fix it when `base` cannot be compared with in the checkout at `workspace`. */
async function checkBase(workspace: string, base: string, from: string): Promise<void> {
  if ((await git(workspace, ["rev-parse", "--is-inside-work-tree"])) !== "true") {
    throw new ActionError(
      `${workspace} is not a git checkout, so there is nothing to compare with ${from}: add an actions/checkout step (with fetch-depth: 0) before this one.`,
    );
  }
  if (base.startsWith("-") || (await git(workspace, ["cat-file", "-e", `${base}^{commit}`])) === undefined) {
    const shallow = (await git(workspace, ["rev-parse", "--is-shallow-repository"])) === "true";
    throw new ActionError(
      `The base ${base} (${from}) is not in the checkout${shallow ? ", a shallow clone" : ""}: actions/checkout fetches only one commit by default. ` +
        "Set `fetch-depth: 0` on the actions/checkout step (`with: { fetch-depth: 0 }`) so the base and the history up to it are there. " +
        "Nothing was scanned.",
    );
  }
}

function tally(annotations: readonly Annotation[], enabled: boolean): { shown: Annotation[]; tally: AnnotationTally } {
  const total: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const counts: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const shown: Annotation[] = [];
  for (const a of annotations) {
    const level = LEVEL_OF[a.annotation_level];
    total[level]++;
    if (enabled && counts[level] < ANNOTATIONS_PER_LEVEL) {
      counts[level]++;
      shown.push(a);
    }
  }
  return { shown, tally: { shown: counts, total, enabled } };
}

function annotationLines(annotations: readonly Annotation[]): string {
  return annotations
    .map((a) =>
      annotationCommand(
        LEVEL_OF[a.annotation_level],
        {
          file: a.path,
          line: a.start_line,
          endLine: a.end_line,
          ...(a.start_column !== undefined ? { col: a.start_column } : {}),
          ...(a.end_column !== undefined ? { endColumn: a.end_column } : {}),
          title: a.title,
        },
        a.message,
      ),
    )
    .join("");
}

/** True when a changed policy grants access its base version did not (or a Deny of it was removed). */
function grantsNewAccess(report: ScanReport): boolean {
  return (
    (report.accessChanges ?? []).some((entry) => entry.change.added.length > 0) ||
    report.findings.some((f) => f.ruleId === "new-access" || f.ruleId === "access-analyzer/check-no-new-access")
  );
}

/** The workspace-relative form of a path for messages: as the workflow would write it. */
function shown(workspace: string, file: string): string {
  const rel = path.relative(workspace, file).split(path.sep).join("/");
  return rel && !rel.startsWith("..") ? rel : file;
}

async function writeOutputs(env: NodeJS.ProcessEnv, outputs: Record<string, string>): Promise<void> {
  if (!env.GITHUB_OUTPUT) return;
  await appendFile(
    env.GITHUB_OUTPUT,
    Object.entries(outputs)
      .map(([name, value]) => outputEntry(name, value))
      .join(""),
  );
}

async function writeSummary(env: NodeJS.ProcessEnv, markdown: string): Promise<void> {
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, markdown);
}

async function scanAndReport(io: ActionIo, inputs: ActionInputs, workspace: string, target: EventBase): Promise<number> {
  const { env, stdout } = io;
  const scope = target.base
    ? `Compared with ${target.reason}: only changed files, each policy against its own base version.`
    : `Full scan of \`${inputs.path.replace(/`/g, "")}\`: ${target.reason}.`;
  if (target.base) await checkBase(workspace, target.base, target.reason);

  if (inputs.config !== undefined && !existsSync(path.resolve(workspace, inputs.config))) {
    throw new InputError(`Input config: there is no file ${inputs.config} in the workspace.`);
  }
  const config = await loadConfig(workspace, inputs.config);
  const accessAnalyzer = inputs.accessAnalyzer || config.accessAnalyzer.enabled;
  const { report, complete } = await scanForAction({
    cwd: workspace,
    paths: [inputs.path],
    config,
    ...(target.base ? { base: target.base } : {}),
    accessAnalyzer,
  });

  // Reports: SARIF first, so that an upload step after a failing one still finds it.
  let sarifPath: string | undefined;
  if (inputs.sarifFile) {
    sarifPath = path.resolve(workspace, inputs.sarifFile);
    const docsBase = env.GITHUB_ACTION_REPOSITORY
      ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_ACTION_REPOSITORY}/blob/${env.GITHUB_ACTION_REF || "main"}/`
      : undefined;
    const informationUri = env.GITHUB_ACTION_REPOSITORY
      ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_ACTION_REPOSITORY}`
      : undefined;
    await mkdir(path.dirname(sarifPath), { recursive: true });
    await writeFile(sarifPath, renderSarif(report, { ...(docsBase ? { docsBase } : {}), ...(informationUri ? { informationUri } : {}) }));
  }

  let ordered = annotationsOf(report.findings);
  if (report.base) {
    // GitHub shows 10 per level: those on the lines the change touched first, each group most severe first.
    const changed = await changedLines(workspace, report.base.commit);
    const onChange = (a: Annotation) => [...(changed.get(a.path) ?? [])].some((line) => line >= a.start_line && line <= a.end_line);
    ordered = [...ordered.filter(onChange), ...ordered.filter((a) => !onChange(a))];
  }
  const { shown: annotated, tally: annotationTally } = tally(ordered, inputs.annotations);
  stdout.write(annotationLines(annotated));
  stdout.write(withoutCommands(maskSecrets(renderText(report, { color: false }))));

  const checkRun: CheckRunInput = {
    findings: report.findings,
    suppressed: report.suppressed,
    ...(report.accessChanges ? { accessChanges: report.accessChanges } : {}),
    ...(accessAnalyzer
      ? {
          accessAnalyzer: {
            enabled: true,
            complete,
            ...(report.accessAnalyzer ? { checks: report.accessAnalyzer } : {}),
          },
        }
      : {}),
    skipped: [],
    incomplete: [],
    failOn: inputs.failOn,
    inlineCount: 0,
    overflowCount: 0,
    policiesCount: report.policies.length,
    filesCount: report.files,
  };
  await writeSummary(
    env,
    renderJobSummary({
      checkRun,
      scope,
      annotations: annotationTally,
      changedLinesFirst: report.base !== undefined,
      ...(sarifPath ? { sarifFile: shown(workspace, sarifPath) } : {}),
    }),
  );

  const counts = countBySeverity(report.findings);
  await writeOutputs(env, {
    findings: String(report.findings.length),
    errors: String(counts.error),
    warnings: String(counts.warning),
    "new-access": String(grantsNewAccess(report)),
    "sarif-file": sarifPath ?? "",
  });

  if (!complete) {
    stdout.write(
      messageCommand(
        "error",
        report.notAnalysed
          ? `The analysis is incomplete: ${report.notAnalysed}.`
          : "Access Analyzer checks did not all run; see the access-analyzer/unavailable notes. The analysis is incomplete.",
      ),
    );
    return 2;
  }
  return report.findings.some((f) => failsAt(f.severity, inputs.failOn)) ? 1 : 0;
}

/** Runs the Action and returns the exit code. Never throws. */
export async function runAction(io: ActionIo): Promise<number> {
  const { env, stdout } = io;
  try {
    const inputs = readInputs(env);
    const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
    const target: EventBase =
      inputs.base === FULL_SCAN
        ? { reason: "the base input is none" }
        : inputs.base
          ? { base: inputs.base, reason: `the base input ${inputs.base}` }
          : baseFromEvent(env.GITHUB_EVENT_NAME, await readEvent(env));
    return await scanAndReport(io, inputs, workspace, target);
  } catch (error) {
    const known =
      error instanceof ActionError || error instanceof InputError || error instanceof UsageError || error instanceof ConfigError;
    const message = maskSecrets(
      known ? (error as Error).message : `internal error: ${error instanceof Error ? error.message : String(error)}`,
    );
    stdout.write(messageCommand("error", `${TOOL_NAME}: ${message}`));
    try {
      await writeSummary(env, `## IAM Policy Review: not run\n\n> **Error**: ${message.replace(/\n/g, " ")}\n`);
    } catch {
      // The error above is already in the log; a summary file we cannot write must not hide it.
    }
    return 2;
  }
}

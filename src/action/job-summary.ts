/**
 * The job summary (`$GITHUB_STEP_SUMMARY`): the App's check run summary and findings table (the same Markdown,
 * from `renderCheckRun`), with the App's line about inline comments replaced by what the Action did instead:
 * annotations, within GitHub's cap per level, and the SARIF file.
 */
import { renderCheckRun, type CheckRunInput } from "../report/check-run.ts";
import { plural } from "../report/summary.ts";
import type { AnnotationLevel } from "./workflow-commands.ts";

/** GitHub shows at most this many annotations of each level (error, warning, notice) per step. */
export const ANNOTATIONS_PER_LEVEL = 10;

export interface AnnotationTally {
  /** Per level: annotations written, and findings of that level in all. */
  shown: Record<AnnotationLevel, number>;
  total: Record<AnnotationLevel, number>;
  /** False when the `annotations` input is false. */
  enabled: boolean;
}

export interface JobSummaryInput {
  checkRun: CheckRunInput;
  /** What the scan compared with, one sentence (e.g. "Compared with the pull request's base commit 1a2b3c4d5e6f."). */
  scope: string;
  annotations: AnnotationTally;
  /** Annotations on the lines the change touched came first (a compared run). */
  changedLinesFirst?: boolean;
  /** The SARIF file as the workflow names it; undefined when none was written. */
  sarifFile?: string;
}

const WORD: Record<AnnotationLevel, string> = { error: "error", warning: "warning", notice: "note" };
const LEVELS = ["error", "warning", "notice"] as const;

function annotationsLine(input: JobSummaryInput): string {
  const { annotations } = input;
  const sarif = input.sarifFile ? ` and in the SARIF file \`${input.sarifFile.replace(/`/g, "")}\`` : "";
  if (!annotations.enabled) return `**Annotations**: off (input \`annotations: false\`). Every finding is listed below${sarif}.`;
  const total = LEVELS.reduce((n, l) => n + annotations.total[l], 0);
  if (total === 0) return `**Annotations**: none (no findings).`;
  const shown = LEVELS.filter((l) => annotations.total[l] > 0).map((l) =>
    annotations.shown[l] === annotations.total[l]
      ? plural(annotations.total[l], WORD[l])
      : `${annotations.shown[l]} of ${plural(annotations.total[l], WORD[l])}`,
  );
  const hidden = LEVELS.filter((l) => annotations.total[l] > annotations.shown[l]).map((l) =>
    plural(annotations.total[l] - annotations.shown[l], WORD[l]),
  );
  const cap =
    hidden.length > 0
      ? ` GitHub shows at most ${ANNOTATIONS_PER_LEVEL} annotations of each level per step, so ${hidden.join(" and ")} ${hidden.length === 1 && !/s$/.test(hidden[0]!) ? "is" : "are"} not annotated: every finding is listed below${sarif}.`
      : ` Every finding is also listed below${sarif}.`;
  const order = input.changedLinesFirst ? "changed lines first" : "most severe first";
  return `**Annotations**: ${shown.join(", ")} on the files (${order}).${cap}`;
}

/** The job summary's Markdown. */
export function renderJobSummary(input: JobSummaryInput): string {
  const rendered = renderCheckRun(input.checkRun);
  const line = annotationsLine(input);
  // The App's summary says what it posted inline; the Action posts annotations instead.
  const lines = rendered.summary.split("\n");
  const inline = lines.findIndex((l) => l.startsWith("**Inline**"));
  if (inline >= 0) lines.splice(inline, 1, line);
  else lines.push("", line);
  return [`## IAM Policy Review: ${rendered.title}`, "", input.scope, "", ...lines, ...(rendered.text ? ["", rendered.text] : []), ""].join(
    "\n",
  );
}

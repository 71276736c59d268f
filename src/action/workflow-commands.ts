/**
 * GitHub Actions workflow commands, written as text to the step's log, and the files the runner reads
 * (`$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`). The escaping is the runner's own: `%`, CR and LF in data; also `:` and
 * `,` in properties. Escaped text cannot end a command early or start a new one.
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands
 */
import { randomUUID } from "node:crypto";

/** Escapes the data of a command (the text after `::`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a property value (`file=…,title=…`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export type AnnotationLevel = "error" | "warning" | "notice";

export interface AnnotationProperties {
  file: string;
  line: number;
  endLine: number;
  /** Only for one-line annotations (GitHub ignores columns across lines). */
  col?: number;
  endColumn?: number;
  title: string;
}

/** `::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message` */
export function annotationCommand(level: AnnotationLevel, properties: AnnotationProperties, message: string): string {
  const parts = [
    `file=${escapeProperty(properties.file)}`,
    `line=${properties.line}`,
    `endLine=${properties.endLine}`,
    ...(properties.col !== undefined ? [`col=${properties.col}`] : []),
    ...(properties.endColumn !== undefined ? [`endColumn=${properties.endColumn}`] : []),
    `title=${escapeProperty(properties.title)}`,
  ];
  return `::${level} ${parts.join(",")}::${escapeData(message)}\n`;
}

/** A message annotation without a place (`::error::…`). */
export function messageCommand(level: AnnotationLevel, message: string): string {
  return `::${level}::${escapeData(message)}\n`;
}

/**
 * Text printed between `::stop-commands::TOKEN` and `::TOKEN::` is never read as a command: for free-form output
 * (the text report), so that nothing in it can set an output or forge an annotation.
 */
export function withoutCommands(text: string, token: string = randomUUID()): string {
  return `::stop-commands::${token}\n${text.endsWith("\n") ? text : `${text}\n`}::${token}::\n`;
}

/**
 * One output in the `$GITHUB_OUTPUT` file format: `name=value` for one line, otherwise a heredoc with a delimiter
 * that does not occur in the value.
 */
export function outputEntry(name: string, value: string, delimiter: string = `ghadelimiter_${randomUUID()}`): string {
  if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
  if (value.includes(delimiter)) throw new Error(`Bug: the output delimiter ${delimiter} occurs in the value of ${name}`);
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

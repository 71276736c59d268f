/**
 * The Action's inputs, as the runner passes them: `INPUT_<NAME>` with the name upper-cased and spaces as `_`
 * (`fail-on` → `INPUT_FAIL-ON`). The runner fills in action.yml's defaults; the same defaults apply here when a
 * variable is missing, so the Action behaves the same when run by hand.
 */
import { FAIL_ON, type FailOn } from "../core/config.ts";

export interface ActionInputs {
  /** What to scan, relative to the workspace (default `.`). */
  path: string;
  /** The base to compare with; `none`: a full scan; undefined: from the event (see `baseFromEvent`). */
  base?: string;
  failOn: FailOn;
  /** Config file relative to the workspace; undefined: `.github/iam-policy-review.yml` when present. */
  config?: string;
  /** Where to write SARIF, relative to the workspace; undefined: no SARIF file (the input was set to ""). */
  sarifFile?: string;
  accessAnalyzer: boolean;
  annotations: boolean;
}

/** A wrong input value: the Action says which and stops. */
export class InputError extends Error {
  override name = "InputError";
}

export const DEFAULT_SARIF_FILE = "iam-policy-review.sarif";

/** The `base` value that asks for a full scan whatever the event (e.g. pushes to the default branch). */
export const FULL_SCAN = "none";

function raw(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`];
  return value === undefined ? undefined : value.trim();
}

/** YAML 1.2 core booleans, as @actions/core `getBooleanInput` reads them. */
function booleanInput(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined || value === "") return fallback;
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw new InputError(`Input ${name} must be true or false (got "${value}").`);
}

/** Reads and checks every input; throws {@link InputError} naming the first wrong one. */
export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const failOn = raw(env, "fail-on") || "error";
  if (!(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new InputError(`Input fail-on must be one of ${FAIL_ON.join(", ")} (got "${failOn}").`);
  }
  const base = raw(env, "base");
  const config = raw(env, "config");
  const sarifFile = raw(env, "sarif-file");
  return {
    path: raw(env, "path") || ".",
    ...(base ? { base } : {}),
    failOn: failOn as FailOn,
    ...(config ? { config } : {}),
    ...(sarifFile === undefined ? { sarifFile: DEFAULT_SARIF_FILE } : sarifFile ? { sarifFile } : {}),
    accessAnalyzer: booleanInput(env, "access-analyzer", false),
    annotations: booleanInput(env, "annotations", true),
  };
}

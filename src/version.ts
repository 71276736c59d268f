import { existsSync, readFileSync } from "node:fs";

/**
 * package.json, one level above `src/` and `dist/`, or two above the bundled CLI in `dist/cli/`.
 */
function packageJson(): URL {
  const near = new URL("../package.json", import.meta.url);
  return existsSync(near) ? near : new URL("../../package.json", import.meta.url);
}

/** The tool's version, from package.json. */
export const VERSION: string = (JSON.parse(readFileSync(packageJson(), "utf8")) as { version: string }).version;

export const TOOL_NAME = "iam-policy-review";

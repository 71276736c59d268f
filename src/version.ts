import { readFileSync } from "node:fs";

/** The tool's version, from package.json (one level above both `src/` and `dist/`). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export const TOOL_NAME = "iam-policy-review";

// The Node.js version check of the CLI entry, in plain JavaScript that any Node.js with ES modules can run: on a
// Node.js older than package.json's `engines` range the CLI says which version it needs in one line, instead of
// failing later with a stack trace (Node 20: "Map.groupBy is not a function").
import { readFileSync } from "node:fs";

/**
 * The problem with running on `version` (e.g. "v20.20.2") given an engines range of the form ">=22.20" or
 * ">=22.20.0", or undefined when it satisfies the range (or the range has another form: then nothing is checked).
 */
export function nodeVersionProblem(version, range) {
  const minimum = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(range).trim());
  const actual = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!minimum || !actual) return undefined;
  const want = [Number(minimum[1]), Number(minimum[2] ?? 0), Number(minimum[3] ?? 0)];
  const have = [Number(actual[1]), Number(actual[2]), Number(actual[3])];
  for (let i = 0; i < 3; i++) {
    if (have[i] > want[i]) return undefined;
    if (have[i] < want[i]) {
      return `iam-policy-review needs Node.js ${range.trim()}, and this is Node.js ${version.replace(/^v?/, "")}; install a newer Node.js (https://nodejs.org).`;
    }
  }
  return undefined;
}

/** The `engines.node` range of the package this file belongs to. */
export function enginesRange() {
  return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines?.node;
}

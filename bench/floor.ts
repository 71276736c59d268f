/**
 * The floor the scanner is measured against (issue #15): a process that only walks a folder, reads every file and
 * `JSON.parse`s it, and counts the policies (documents with a `Statement`). Nothing the scanner does can be cheaper
 * than this, so `npm run bench` reports the scanner's whole-process speed as a share of this one's.
 *
 *   node bench/floor.ts DIR     # prints {"files":N,"policies":N}
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = process.argv[2];
if (root === undefined) throw new Error("usage: node bench/floor.ts DIR");
let files = 0;
let policies = 0;
for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".json")) continue;
  files++;
  const value: unknown = JSON.parse(readFileSync(path.join(entry.parentPath, entry.name), "utf8"));
  if (value !== null && typeof value === "object" && "Statement" in value) policies++;
}
process.stdout.write(`${JSON.stringify({ files, policies })}\n`);

/**
 * The architecture, enforced (issue #9): every import in src/ follows the allowed-dependency matrix below, and no
 * module imports itself back through others (no cycles). Type-only imports count too: a layer that needs a type of
 * a higher layer shows a type in the wrong room.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

const SRC = path.resolve(import.meta.dirname, "../src");

/**
 * Each room and the rooms it may import (besides itself). From the bottom: the foundation (types, findings,
 * version, util), the extractors and the IAM reference data, the policy model and data tables, the analyses
 * (rules, new-access, Access Analyzer), the core pipeline, then the edges and front doors.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  foundation: [],
  extract: ["foundation"],
  iam: ["foundation", "extract"],
  data: ["foundation"],
  policy: ["foundation", "extract", "iam", "data"],
  rules: ["foundation", "extract", "iam", "data", "policy"],
  "new-access": ["foundation", "extract", "iam", "data", "policy"],
  "access-analyzer": ["foundation", "extract", "iam", "policy"],
  core: ["foundation", "extract", "iam", "data", "policy", "rules", "new-access", "access-analyzer"],
  sources: ["foundation", "extract"],
  isolate: ["foundation", "extract", "access-analyzer", "core", "sources"],
  report: ["foundation", "iam", "policy", "rules", "new-access", "access-analyzer", "core"],
  cli: ["foundation", "extract", "rules", "access-analyzer", "core", "sources", "isolate", "report"],
  app: ["foundation", "extract", "rules", "access-analyzer", "core", "sources", "isolate", "report"],
  // The GitHub Action runs the CLI's scans (src/cli/scan-report.ts) and renders with the App's check summary.
  action: ["foundation", "core", "sources", "report", "cli"],
  entry: ["foundation", "extract", "rules", "access-analyzer", "core", "sources", "isolate", "report", "cli", "app"],
};

/** The room of a file of src/ (a path relative to src/, forward slashes). */
function roomOf(file: string): string {
  if (file === "cli.ts" || file === "index.ts" || file === "app/server.ts") return "entry";
  if (!file.includes("/")) return "foundation"; // types.ts, findings.ts, version.ts
  const top = file.slice(0, file.indexOf("/"));
  return top === "util" ? "foundation" : top;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [path.relative(SRC, full).split(path.sep).join("/")] : [];
  });
}

/** The src/ files a file imports: static imports and re-exports, and dynamic `import("...")`. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), "utf8");
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers
    .filter((s) => s.startsWith("."))
    .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)))
    .filter((target) => target.endsWith(".ts"));
}

const FILES = sourceFiles(SRC);
const GRAPH = new Map(FILES.map((file) => [file, importsOf(file)]));

describe("layering", () => {
  it("knows the room of every file of src/", () => {
    for (const file of FILES) assert.ok(roomOf(file) in ALLOWED, `${file}: unknown room ${roomOf(file)}; add it to ALLOWED`);
  });

  it("no import runs back up the layers", () => {
    const violations: string[] = [];
    for (const [file, targets] of GRAPH) {
      const from = roomOf(file);
      for (const target of targets) {
        const to = roomOf(target);
        if (to !== from && !ALLOWED[from]!.includes(to)) violations.push(`${file} (${from}) imports ${target} (${to})`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it("the rooms' matrix itself has no cycle", () => {
    const visiting = new Set<string>();
    const visit = (room: string, trail: string[]): void => {
      assert.ok(!visiting.has(room), `rooms cycle: ${[...trail, room].join(" → ")}`);
      visiting.add(room);
      for (const next of ALLOWED[room]!) visit(next, [...trail, room]);
      visiting.delete(room);
    };
    for (const room of Object.keys(ALLOWED)) visit(room, []);
  });

  it("no module imports itself back through others (no cycles between files)", () => {
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "open");
      for (const target of GRAPH.get(file) ?? []) visit(target, [...trail, file]);
      state.set(file, "done");
    };
    for (const file of FILES) visit(file, []);
    assert.deepEqual(cycles, []);
  });

  it("no hand-written file of src/ is over 600 lines of code", () => {
    // Lines of code (not blank, not comments): Prettier wraps long calls over several lines, and the limit is about
    // how much code a reader holds in mind, not about line breaks.
    const codeLines = (text: string) => text.split("\n").filter((line) => !/^\s*($|\/\/|\/\*|\*)/.test(line)).length;
    const long = FILES.map((file) => ({ file, lines: codeLines(readFileSync(path.join(SRC, file), "utf8")) }))
      .filter((f) => f.lines > 600 && !GENERATED.has(f.file))
      .map((f) => `${f.file}: ${f.lines} lines`);
    assert.deepEqual(long, []);
  });
});

/**
 * Files exempt from the size limit (src/data/managed-policy-risks.json is data, and not a .ts file): none today; a
 * generated .ts file would be listed here.
 */
const GENERATED: ReadonlySet<string> = new Set<string>([]);

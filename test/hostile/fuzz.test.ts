/**
 * Issue #12: property-based tests. Each format is fuzzed through `analyze()` and every renderer with a fixed seed:
 * no exception (the per-file boundary would turn one into a "bug in the tool" finding, so there must be none),
 * every finding's position inside its file, and no credential of the input in any output, unmasked.
 *
 * `npm test` runs FUZZ_RUNS (default 2,000) cases per format; `npm run fuzz` runs 100,000.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { analyzeFiles as analyze } from "../../src/core/analyze-files.ts";
import { renderJson } from "../../src/report/json.ts";
import { renderSarif } from "../../src/report/sarif.ts";
import { renderText } from "../../src/report/text.ts";
import { containsCredential } from "../../src/util/mask.ts";
import { lineLengths } from "../../src/extract/lines.ts";
import type { Analysis } from "../../src/core/analyze-files.ts";
import { jsonFile, terraformFile, yamlFile } from "./fuzz-inputs.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 12);

/** The credentials the generators put in (access key ids and `Qz7…` secrets), as written in the input. */
function credentialsIn(text: string): string[] {
  return text.match(/AKIA[A-Z2-7]{16}|Qz7[A-Za-z0-9/+]{37}/g) ?? [];
}

function checkPositions(analysis: Analysis, path: string, text: string): void {
  const lengths = lineLengths(text);
  for (const f of [...analysis.findings, ...analysis.suppressed]) {
    assert.equal(f.file, path);
    const where = `${f.ruleId} ${f.line}:${f.column}-${f.endLine}:${f.endColumn} in a file of ${lengths.length} lines`;
    assert.ok(f.line >= 1 && f.line <= lengths.length, where);
    assert.ok(f.endLine >= f.line && f.endLine <= lengths.length, where);
    assert.ok(f.column >= 1 && f.column <= lengths[f.line - 1]! + 1, where);
    assert.ok(f.endColumn >= 1 && f.endColumn <= lengths[f.endLine - 1]! + 1, where);
    assert.ok(f.endLine > f.line || f.endColumn >= f.column, where);
    if (f.fix) assert.ok(f.fix.line >= 1 && f.fix.endLine <= lengths.length && f.fix.endLine >= f.fix.line, `fix of ${where}`);
  }
}

async function check(path: string, text: string): Promise<void> {
  const analysis = await analyze([{ path, text }], { today: "2026-01-01" });
  const bug = analysis.findings.find((f) => f.message.includes("bug in the tool"));
  assert.equal(bug?.message, undefined);
  checkPositions(analysis, path, text);
  // The findings as the App gets them: no credential in a message, origin or fix.
  assert.equal(containsCredential(JSON.stringify(analysis.findings)), false);
  const report = { version: "0", files: 1, policies: analysis.policies, findings: analysis.findings, suppressed: analysis.suppressed };
  const outputs = [renderText(report, { color: false }), renderJson(report), renderSarif(report)];
  for (const secret of credentialsIn(text)) {
    for (const output of outputs) assert.equal(output.includes(secret), false, `${secret.slice(0, 4)}… printed in full`);
  }
}

const FORMATS = [
  ["JSON policies", "policy.json", jsonFile],
  ["CloudFormation YAML templates", "template.yaml", yamlFile],
  ["Terraform modules", "main.tf", terraformFile],
] as const;

describe(`fuzzing ${RUNS} inputs per format (seed ${SEED})`, () => {
  for (const [what, path, arbitrary] of FORMATS) {
    it(`${what}: no exception, positions inside the file, no credential printed`, async () => {
      await fc.assert(
        fc.asyncProperty(arbitrary, (text) => check(path, text)),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    });
  }
});

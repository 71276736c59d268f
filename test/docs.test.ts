import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { generatedDocs } from "../scripts/generate-docs.ts";
import { ALL_RULES, REPORTED_ELSEWHERE, RULES } from "../src/rules/index.ts";
import type { RuleExample } from "../src/rules/define-rule.ts";
import { render, runRule } from "./rules/rule-tester.ts";
import { CATEGORIES } from "../src/types.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

/** The files of src/rules/ that are not rules: the rule model, the list, the runner and the catalogue. */
const RULE_MACHINERY = new Set(["index.ts", "define-rule.ts", "run-rules.ts", "catalog.ts", "docs-url.ts"]);

describe("rule files", () => {
  const files = readdirSync(path.join(ROOT, "src/rules"))
    .filter((f) => f.endsWith(".ts") && !RULE_MACHINERY.has(f) && !f.startsWith("_"))
    .map((f) => f.replace(/\.ts$/, ""));

  it("every rule module is listed in rules/index.ts (RULES or REPORTED_ELSEWHERE), once, under the id that is its file name", () => {
    assert.deepEqual([...ALL_RULES.map((r) => r.id)].sort(), files.sort());
  });

  for (const rule of ALL_RULES) {
    it(`${rule.id}: has a test table and valid metadata`, () => {
      // Rules reported elsewhere are tested where their findings are made (test/new-access/, test/extract/).
      if (!REPORTED_ELSEWHERE.includes(rule)) assert.ok(existsSync(path.join(ROOT, `test/rules/${rule.id}.test.ts`)), "test file exists");
      assert.ok((CATEGORIES as readonly string[]).includes(rule.category));
      assert.match(rule.docs.description, /^(Disallow|Require|Report|Flag|Enforce|Warn)\b.*\.$/);
      assert.ok(rule.docs.rationale.length > 80, "the rationale explains why");
      assert.ok(rule.docs.examples.noncompliant.length > 0 && rule.docs.examples.compliant.length > 0);
      for (const id of Object.keys(rule.messages)) assert.match(id, /^[a-z][a-zA-Z0-9]*$/, "message ids are camelCase");
    });
  }
});

describe("generated docs", () => {
  it("docs/rules and the README rule table are up to date (run `npm run docs`)", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const [rel, content] of generatedDocs(readme)) {
      const file = path.join(ROOT, rel);
      assert.ok(existsSync(file), `${rel} exists`);
      assert.equal(readFileSync(file, "utf8"), content, `${rel} is stale: run npm run docs`);
    }
  });
});

async function findingsFor(ruleId: string, example: RuleExample) {
  const rule = RULES.find((r) => r.id === ruleId)!;
  if ("policy" in example) {
    return runRule(rule, [render(example.policy, example.kind, "json")], example.kind, {
      name: example.title,
      policy: example.policy,
      kind: example.kind,
    });
  }
  return runRule(rule, [{ path: example.file, text: example.text }], undefined, { name: example.title });
}

describe("doc examples are executed", () => {
  for (const rule of RULES) {
    for (const example of rule.docs.examples.noncompliant) {
      it(`${rule.id}: noncompliant "${example.title}" triggers the rule`, async () => {
        assert.ok((await findingsFor(rule.id, example)).length > 0);
      });
    }
    for (const example of rule.docs.examples.compliant) {
      it(`${rule.id}: compliant "${example.title}" does not trigger the rule`, async () => {
        assert.deepEqual(
          (await findingsFor(rule.id, example)).map((f) => f.message),
          [],
        );
      });
    }
  }
});

describe("the IAM policy documented for Access Analyzer", () => {
  it("passes our own scan without a single finding, and is the one in the README", async () => {
    const { runScan } = await import("../src/cli/scan-tree.ts");
    const { DEFAULT_CONFIG } = await import("../src/core/config.ts");
    const report = await runScan({ paths: ["docs/access-analyzer-policy.json"], cwd: ROOT, config: DEFAULT_CONFIG });
    assert.equal(report.policies.length, 1);
    assert.deepEqual(report.findings, []);
    const policy = readFileSync(path.join(ROOT, "docs/access-analyzer-policy.json"), "utf8").trim();
    assert.ok(readFileSync(path.join(ROOT, "README.md"), "utf8").includes(policy), "README shows the same policy");
  });
});

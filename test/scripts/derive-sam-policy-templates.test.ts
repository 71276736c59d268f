import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DEFAULT_SOURCE, TABLE_PATH, deriveSamTemplates, readSource, serializeTable } from "../../scripts/derive-sam-policy-templates.ts";

const source = readSource();

describe("derive-sam-policy-templates", () => {
  it(
    "the committed src/data/sam-policy-templates.json is up to date (run node scripts/derive-sam-policy-templates.ts)",
    { skip: source ? false : `${DEFAULT_SOURCE} is not present: set SAM_POLICY_TEMPLATES to SAM's policy_templates.json` },
    () => {
      assert.equal(serializeTable(deriveSamTemplates(source!)), readFileSync(TABLE_PATH, "utf8"));
    },
  );

  it("keeps parameter names and statements, and names its source", () => {
    const table = deriveSamTemplates({
      Templates: {
        ZPolicy: {
          Parameters: { B: {}, A: {} },
          Definition: { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: { Ref: "A" } }] },
        },
      },
    });
    assert.deepEqual(table.templates, {
      ZPolicy: { parameters: ["A", "B"], statements: [{ Effect: "Allow", Action: "s3:GetObject", Resource: { Ref: "A" } }] },
    });
    assert.equal(table.source.license, "Apache-2.0");
    assert.match(table.source.commit, /^[0-9a-f]{40}$/);
  });

  it("the committed table has the 81 templates", () => {
    const committed = JSON.parse(readFileSync(TABLE_PATH, "utf8")) as { templates: Record<string, unknown> };
    assert.equal(Object.keys(committed.templates).length, 81);
  });
});

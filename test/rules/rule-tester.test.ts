import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule from "../../src/rules/valid-action.ts";
import { checkSuggestionsStated, checkTable, render, runRule, type InvalidCase } from "./rule-tester.ts";

const MISSPELT = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObjcet", Resource: "*" }] };
const ERROR = { messageId: "unknownAction", line: 6, column: 17, endLine: 6, endColumn: 31 };

describe("rule tester: the table itself", () => {
  it("rejects two cases with the same input and options under different names", () => {
    const invalid: InvalidCase[] = [
      { name: "a misspelt action", policy: MISSPELT, errors: [ERROR] },
      { name: "a typo in the action", policy: MISSPELT, errors: [ERROR] },
    ];
    assert.throws(() => checkTable(rule, { valid: [], invalid }), {
      message: 'rule valid-action: test cases "a misspelt action" and "a typo in the action" have the same input and options',
    });
  });

  it("counts the default kind and the same kind spelled out as the same input", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] };
    assert.throws(
      () =>
        checkTable(rule, {
          valid: [
            { name: "plain", policy },
            { name: "identity", policy, kind: "identity" },
          ],
          invalid: [],
        }),
      /same input and options/,
    );
  });

  it("accepts the same policy with other options or another kind", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] };
    checkTable(rule, {
      valid: [
        { name: "plain", policy },
        { name: "with sensitive actions", policy, sensitiveActions: ["s3:GetObject"] },
        { name: "as a boundary", policy, kind: "boundary" },
      ],
      invalid: [],
    });
  });
});

describe("rule tester: suggestions", () => {
  it("fails an error that omits the suggestion the rule offers", async () => {
    const findings = await runRule(rule, [render(MISSPELT, "identity", "json")], "identity", { name: "misspelt" });
    assert.ok(findings[0]?.fix, "the rule offers a suggestion here");
    assert.throws(() => checkSuggestionsStated([ERROR], findings), {
      message: 'error 1 ("unknownAction") offers a suggestion: state its output in `suggestion`',
    });
    assert.throws(() => checkSuggestionsStated([{ ...ERROR, suggestion: null }], findings), /offers a suggestion/);
    checkSuggestionsStated([{ ...ERROR, suggestion: "stated" }], findings);
  });

  it("fails an error that states a suggestion the rule does not offer", async () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:NoSuchThing", Resource: "*" }] };
    const findings = await runRule(rule, [render(policy, "identity", "json")], "identity", { name: "unknown" });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.fix, undefined, "nothing close enough to suggest");
    assert.throws(
      () => checkSuggestionsStated([{ ...ERROR, suggestion: "something" }], findings),
      /expects a suggestion and the rule offers none/,
    );
    checkSuggestionsStated([ERROR], findings);
  });
});

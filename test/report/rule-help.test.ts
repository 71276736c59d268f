import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ruleHelpMarkdown } from "../../src/report/rule-help.ts";
import { RULES } from "../../src/analyzers/rules/index.ts";

describe("ruleHelpMarkdown", () => {
  it("gives the rule's rationale and its first compliant example", () => {
    const help = ruleHelpMarkdown("no-admin-access")!;
    assert.match(help, /^`"Action": "\*"` on `"Resource": "\*"` is full administrator access/);
    assert.match(help, /Compliant example: \*\*The actions a deployment needs, on its bucket\*\* \(identity policy\)\n\n```json\n\{/);
    assert.match(help, /"arn:aws:s3:::deploy-artifacts\/\*"/);
  });

  it("has a text for every local rule, new-access and unparsed-input, and none for Access Analyzer ids", () => {
    for (const rule of RULES) assert.ok(ruleHelpMarkdown(rule.id), rule.id);
    assert.match(ruleHelpMarkdown("new-access")!, /grants more access than the policy's version on the base branch/);
    assert.match(ruleHelpMarkdown("unparsed-input")!, /nobody reviewed/);
    assert.equal(ruleHelpMarkdown("access-analyzer/MISSING_VERSION"), undefined);
  });
});

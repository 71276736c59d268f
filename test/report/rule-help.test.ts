import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RULES } from "../../src/rules/index.ts";
import { ruleDocsUrl, ruleHelpMarkdown } from "../../src/report/rule-help.ts";

describe("ruleHelpMarkdown", () => {
  it("gives every local rule its description, rationale and first compliant example", () => {
    for (const rule of RULES) {
      const help = ruleHelpMarkdown(rule.id);
      assert.ok(help, rule.id);
      assert.ok(help.startsWith(`${rule.docs.description}\n\n${rule.docs.rationale}`), rule.id);
      const example = rule.docs.examples.compliant[0];
      if (example) assert.ok(help.includes(`#### Compliant example\n\n**${example.title}**`), rule.id);
    }
  });

  it("renders a compliant policy example as a JSON block, and links the rule's page against a base", () => {
    assert.equal(
      ruleHelpMarkdown("no-admin-access", { docsBase: "https://github.com/acme/iam-policy-review/blob/v1/" }),
      [
        "Disallow statements that allow every action on every resource.",
        "",
        RULES.find((r) => r.id === "no-admin-access")!.docs.rationale,
        "",
        "#### Compliant example",
        "",
        "**The actions a deployment needs, on its bucket** (identity policy)",
        "",
        "```json",
        JSON.stringify(
          {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::deploy-artifacts/*" }],
          },
          null,
          2,
        ),
        "```",
        "",
        "[Documentation of `no-admin-access`](https://github.com/acme/iam-policy-review/blob/v1/docs/rules/no-admin-access.md)",
      ].join("\n"),
    );
  });

  it("leaves out a link it cannot make absolute", () => {
    assert.equal(ruleDocsUrl("no-admin-access", { docsBase: "http://insecure.example/" }), undefined);
    assert.doesNotMatch(ruleHelpMarkdown("no-admin-access")!, /\]\(docs\//);
  });

  it("explains unparsed-input, new-access and Access Analyzer findings; nothing for an unknown id", () => {
    assert.match(ruleHelpMarkdown("unparsed-input")!, /^Report files and policies that could not be read or parsed/);
    assert.match(ruleHelpMarkdown("new-access")!, /pairs every changed policy with its own version at the base/);
    assert.match(
      ruleHelpMarkdown("access-analyzer/PASS_ROLE_WITH_STAR_IN_RESOURCE")!,
      /^IAM Access Analyzer: `PASS_ROLE_WITH_STAR_IN_RESOURCE`\./,
    );
    assert.equal(ruleHelpMarkdown("no-such-rule"), undefined);
  });
});

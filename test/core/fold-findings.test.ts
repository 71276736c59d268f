import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeFiles as analyze } from "../../src/core/analyze-files.ts";

const file = (statements: unknown[]) => ({
  path: "policy.json",
  text: `${JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2)}\n`,
});
const shown = async (statements: unknown[]) =>
  (await analyze([file(statements)])).findings.map((f) => `${f.line}:${f.column}-${f.endColumn} ${f.severity} ${f.ruleId}: ${f.message}`);

describe("one problem, one finding (issue 10)", () => {
  it("iam:* on every resource: one error on the token, naming the rules it also breaks", async () => {
    assert.deepEqual(await shown([{ Effect: "Allow", Action: "iam:*", Resource: "*" }]), [
      "6:17-24 error no-privilege-escalation: This policy allows the privilege-escalation path iam:CreatePolicyVersion: write a new default version of a managed policy, granting anything to whoever holds it; and 12 more, including iam:SetDefaultPolicyVersion, iam:CreateAccessKey, iam:CreateLoginProfile and iam:UpdateLoginProfile. Also: no-service-wildcard-on-all-resources, no-unscoped-pass-role.",
    ]);
  });

  it("dynamodb:* on every resource: the sensitive-data warning wins over the service wildcard", async () => {
    const findings = await shown([{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }]);
    assert.equal(findings.length, 1);
    assert.match(
      findings[0]!,
      /^6:17-29 warning no-sensitive-data-access-on-all-resources: .* Also: no-service-wildcard-on-all-resources\.$/,
    );
  });

  it("keeps a rule's several findings on one token, and findings on other tokens", async () => {
    const findings = await shown([
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" },
      { Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
    ]);
    assert.deepEqual(
      findings.map((f) => f.split(":")[0]),
      ["12"],
    );
    assert.match(findings[0]!, /no-unscoped-pass-role/);
  });
});

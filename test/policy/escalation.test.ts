import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ESCALATION_PATHS } from "../../src/data/escalation-paths.ts";
import { completePaths, escalationActions, isUnscopedResource, pathName, policyGrants } from "../../src/policy/escalation.ts";
import { actionInfo } from "../../src/iam/index.ts";
import type { JsonObject } from "../../src/types.ts";

const V = "2012-10-17";

/** The complete paths of a policy, as `name level`. */
function paths(policy: JsonObject): string[] {
  const { grants, denied } = policyGrants(policy);
  return completePaths(grants, denied).map((m) => `${pathName(m)} ${m.level}`);
}

describe("escalation path table", () => {
  it("names only actions that exist in iam-data, in their canonical case", () => {
    for (const action of escalationActions()) {
      assert.equal(actionInfo(action)?.action, action, `${action} is a known action`);
    }
  });

  it("has unique kebab-case ids, sourced titles and no duplicate groups", () => {
    const ids = ESCALATION_PATHS.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const path of ESCALATION_PATHS) {
      assert.match(path.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.match(path.title, /^[a-z].*[^.]$/, `${path.id}: a verb phrase without a final period`);
      assert.ok(path.requires.length > 0 && path.requires.every((g) => g.length > 0));
      assert.ok(path.source.length > 0 && path.source.every((url) => url.startsWith("https://")), `${path.id} cites URLs`);
      const groups = path.requires.map((g) => [...g].sort().join(","));
      assert.equal(new Set(groups).size, groups.length, `${path.id} repeats a group`);
      for (const service of path.passedTo ?? []) assert.match(service, /^[a-z0-9.-]+\.amazonaws\.com$/);
    }
  });

  it("never repeats a path under another id", () => {
    const keys = ESCALATION_PATHS.map((p) =>
      p.requires
        .map((g) => [...g].sort().join("|"))
        .sort()
        .join(" + "),
    );
    assert.equal(new Set(keys).size, keys.length);
  });

  it("covers Rhino Security Labs' methods", () => {
    const covered = new Set(ESCALATION_PATHS.flatMap((p) => p.requires.flat()));
    for (const action of [
      "iam:CreatePolicyVersion",
      "iam:SetDefaultPolicyVersion",
      "iam:CreateAccessKey",
      "iam:CreateLoginProfile",
      "iam:UpdateLoginProfile",
      "iam:AttachUserPolicy",
      "iam:AttachGroupPolicy",
      "iam:AttachRolePolicy",
      "iam:PutUserPolicy",
      "iam:PutGroupPolicy",
      "iam:PutRolePolicy",
      "iam:AddUserToGroup",
      "iam:UpdateAssumeRolePolicy",
      "ec2:RunInstances",
      "lambda:CreateFunction",
      "lambda:InvokeFunction",
      "lambda:CreateEventSourceMapping",
      "lambda:UpdateFunctionCode",
      "glue:CreateDevEndpoint",
      "glue:UpdateDevEndpoint",
      "cloudformation:CreateStack",
      "datapipeline:CreatePipeline",
      "datapipeline:PutPipelineDefinition",
      "codestar:CreateProject",
    ]) {
      assert.ok(covered.has(action), action);
    }
  });
});

describe("policyGrants and completePaths", () => {
  it("finds a path within one statement, through a wildcard", () => {
    assert.deepEqual(paths({ Version: V, Statement: [{ Effect: "Allow", Action: ["iam:Pas*", "ec2:Run*"], Resource: "*" }] }), [
      "iam:PassRole + ec2:RunInstances 2",
    ]);
  });

  it("finds a path across statements, at warning level when one part is on a named resource", () => {
    const policy = {
      Version: V,
      Statement: [
        { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/web" },
        { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" },
      ],
    };
    assert.deepEqual(paths(policy), ["iam:PassRole + ec2:RunInstances 1"]);
  });

  it("skips * on * and flags it as administrator access", () => {
    const result = policyGrants({ Version: V, Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
    assert.deepEqual(result.grants, []);
    assert.equal(result.admin, true);
  });

  it("counts * on named resources, for the actions those resources fit", () => {
    assert.deepEqual(paths({ Version: V, Statement: [{ Effect: "Allow", Action: "*", Resource: "arn:aws:iam::111122223333:role/ci" }] }), [
      "iam:AttachRolePolicy 1",
      "iam:PutRolePolicy 1",
      "iam:UpdateAssumeRolePolicy 1",
    ]);
  });

  it("grants through NotAction, and not when an exclusion is unresolved", () => {
    assert.ok(paths({ Version: V, Statement: [{ Effect: "Allow", NotAction: "s3:*", Resource: "*" }] }).includes("iam:PutRolePolicy 2"));
    assert.deepEqual(paths({ Version: V, Statement: [{ Effect: "Allow", NotAction: ["s3:*", "{{var.excluded}}"], Resource: "*" }] }), []);
  });

  it("never treats an unresolved action as a wildcard", () => {
    assert.deepEqual(
      paths({ Version: V, Statement: [{ Effect: "Allow", Action: ["iam:PassRole", "{{var.action}}"], Resource: "*" }] }),
      [],
    );
  });

  it("drops a path whose PassRole condition names another service, and lowers one that names its service", () => {
    const passTo = (service: string): JsonObject => ({
      Version: V,
      Statement: [
        { Effect: "Allow", Action: "iam:PassRole", Resource: "*", Condition: { StringEquals: { "iam:PassedToService": service } } },
        { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" },
      ],
    });
    assert.deepEqual(paths(passTo("lambda.amazonaws.com")), []);
    assert.deepEqual(paths(passTo("ec2.amazonaws.com")), ["iam:PassRole + ec2:RunInstances 1"]);
    assert.deepEqual(paths(passTo("{{var.service}}")), ["iam:PassRole + ec2:RunInstances 1"]);
  });

  it("lowers a grant limited by iam:PermissionsBoundary (delegated administration)", () => {
    const policy = {
      Version: V,
      Statement: [
        {
          Effect: "Allow",
          Action: "iam:PutRolePolicy",
          Resource: "*",
          Condition: { StringEquals: { "iam:PermissionsBoundary": "arn:aws:iam::111122223333:policy/boundary" } },
        },
      ],
    };
    assert.deepEqual(paths(policy), ["iam:PutRolePolicy 1"]);
  });

  it("ignores one's own user for credential paths, but not for policy paths", () => {
    const self = "arn:aws:iam::111122223333:user/${aws:username}";
    assert.deepEqual(
      paths({ Version: V, Statement: [{ Effect: "Allow", Action: ["iam:CreateAccessKey", "iam:PutUserPolicy"], Resource: self }] }),
      ["iam:PutUserPolicy 1"],
    );
  });

  it("needs sts:AssumeRole and codebuild:StartBuild on every resource", () => {
    assert.deepEqual(
      paths({ Version: V, Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/*" }] }),
      ["sts:AssumeRole 2"],
    );
    assert.deepEqual(
      paths({ Version: V, Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/ci" }] }),
      [],
    );
  });

  it("drops a longer path when a shorter one it contains is complete and as broad", () => {
    assert.deepEqual(paths({ Version: V, Statement: [{ Effect: "Allow", Action: ["iam:PassRole", "codebuild:*"], Resource: "*" }] }), [
      "codebuild:StartBuild 2",
    ]);
  });

  it("takes away actions an unconditional deny on * removes", () => {
    const policy: JsonObject = {
      Version: V,
      Statement: [
        { Effect: "Allow", Action: "iam:*", Resource: "*" },
        { Effect: "Deny", NotAction: "iam:PutRolePolicy", Resource: "*" },
      ],
    };
    assert.deepEqual(paths(policy), ["iam:PutRolePolicy 2"]);
  });

  it("combines grants from several policies", () => {
    const a = policyGrants({ Version: V, Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }] });
    const b = policyGrants({
      Version: V,
      Statement: [{ Effect: "Allow", Action: ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource: "*" }],
    });
    assert.deepEqual(
      completePaths([...a.grants, ...b.grants]).map((m) => m.path.id),
      ["passrole-lambda-invoke"],
    );
  });
});

describe("isUnscopedResource", () => {
  it("accepts * and patterns that cover a whole resource type", () => {
    for (const resource of [
      "*",
      "arn:aws:iam::*:role/*",
      "arn:aws:iam::111122223333:role/*",
      "arn:aws:iam::111122223333:*",
      "arn:aws:iam::*",
      "arn:aws:iam::{{var.account}}:role/*",
    ]) {
      assert.equal(isUnscopedResource("iam:PassRole", resource), true, resource);
    }
    assert.equal(isUnscopedResource("lambda:UpdateFunctionCode", "arn:aws:lambda:*:*:function:*"), true);
  });

  it("treats named resources, paths, prefixes and unresolved ARNs as scoped", () => {
    for (const resource of [
      "arn:aws:iam::111122223333:role/app",
      "arn:aws:iam::111122223333:role/service-role/*",
      "arn:aws:iam::111122223333:role/app-*",
      "{{var.role_arn}}",
    ]) {
      assert.equal(isUnscopedResource("iam:PassRole", resource), false, resource);
    }
  });
});

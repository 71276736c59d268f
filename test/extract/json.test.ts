import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractFiles } from "../../src/extract/index.ts";
import type { Range } from "../../src/types.ts";

const at = (line: number, column: number, endLine: number, endColumn: number): Range => ({ line, column, endLine, endColumn });

async function extract(path: string, text: string, kind?: "scp" | "rcp") {
  return extractFiles([{ path, text }], kind ? { kindFor: () => kind } : {});
}

describe("JSON policy files", () => {
  it("finds a bare identity policy with positions for statements and element values", async () => {
    const text = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Sid": "Read",',
      '      "Effect": "Allow",',
      '      "Action": ["s3:GetObject", "s3:ListBucket"],',
      '      "Resource": "*"',
      "    }",
      "  ]",
      "}",
    ].join("\n");
    const { policies, findings } = await extract("policies/read.json", text);
    assert.deepEqual(findings, []);
    assert.equal(policies.length, 1);
    const [doc] = policies;
    assert.equal(doc!.kind, "identity");
    assert.equal(doc!.origin, "policies/read.json");
    assert.equal(doc!.format, "json");
    assert.deepEqual(doc!.range, at(1, 1, 11, 2));
    assert.deepEqual(doc!.positions["/Statement/0"], at(4, 5, 9, 6));
    assert.deepEqual(doc!.positions["/Statement/0/Action/0"], at(7, 18, 7, 32));
    assert.deepEqual(doc!.positions["/Statement/0/Action/1"], at(7, 34, 7, 49));
    assert.deepEqual(doc!.positions["/Statement/0/Resource"], at(8, 19, 8, 22));
    assert.deepEqual(doc!.keys["/Statement/0/Resource"], at(8, 7, 8, 17));
    assert.deepEqual(doc!.json, {
      Version: "2012-10-17",
      Statement: [{ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }],
    });
  });

  it("classifies a policy with a Principal as a resource policy and positions the principal", async () => {
    const text = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`;
    const { policies } = await extract("bucket-policy.json", text);
    assert.equal(policies[0]!.kind, "resource");
    assert.deepEqual(policies[0]!.positions["/Statement"], at(1, 37, 1, 162));
    assert.deepEqual(policies[0]!.positions["/Statement/Principal/AWS"], at(1, 74, 1, 106));
  });

  it("classifies sts:AssumeRole with a Principal as a trust policy", async () => {
    const text = `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`;
    const { policies } = await extract("trust.json", text);
    assert.equal(policies[0]!.kind, "trust");
  });

  it("uses the kind configured for the path (an SCP folder)", async () => {
    const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`;
    const { policies } = await extract("org/scps/deny-leave.json", text, "scp");
    assert.equal(policies[0]!.kind, "scp");
  });

  it("finds policies wrapped by tools: aws iam get-policy-version", async () => {
    const text = [
      "{",
      '  "PolicyVersion": {',
      '    "Document": {',
      '      "Version": "2012-10-17",',
      '      "Statement": [{ "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" }]',
      "    },",
      '    "VersionId": "v3",',
      '    "IsDefaultVersion": true',
      "  }",
      "}",
    ].join("\n");
    const { policies } = await extract("out/policy-version.json", text);
    assert.equal(policies.length, 1);
    assert.equal(policies[0]!.origin, "out/policy-version.json .PolicyVersion.Document");
    assert.deepEqual(policies[0]!.range, at(3, 17, 6, 6));
    assert.deepEqual(policies[0]!.positions["/Statement/0/Action"], at(5, 52, 5, 66));
  });

  it("finds a trust policy under AssumeRolePolicyDocument (aws iam get-role)", async () => {
    const text = `{"Role":{"RoleName":"r","AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}}}`;
    const { policies } = await extract("role.json", text);
    assert.equal(policies[0]!.kind, "trust");
    assert.equal(policies[0]!.resourceType, "AWS::IAM::AssumeRolePolicyDocument");
    assert.equal(policies[0]!.origin, "role.json .Role.AssumeRolePolicyDocument");
  });

  it("finds a policy held as a JSON string (aws s3api get-bucket-policy), positioned at the string", async () => {
    const text = `{\n  "Policy": "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"s3:GetObject\\",\\"Resource\\":\\"arn:aws:s3:::b/*\\"}]}"\n}`;
    const { policies } = await extract("bucket.json", text);
    assert.equal(policies.length, 1);
    assert.equal(policies[0]!.kind, "resource");
    assert.equal(policies[0]!.positions["/Statement/0/Principal"]!.line, 2);
    assert.equal(policies[0]!.positions["/Statement/0/Principal"]!.column, 13);
  });

  it("reads an account password policy (aws iam get-account-password-policy) as a fact", async () => {
    const text = `{\n  "PasswordPolicy": {\n    "MinimumPasswordLength": 8,\n    "RequireSymbols": false\n  }\n}`;
    const { policies, facts } = await extract("password.json", text);
    assert.deepEqual(policies, []);
    assert.equal(facts.length, 1);
    const fact = facts[0]!;
    assert.equal(fact.type, "password-policy");
    if (fact.type === "password-policy") {
      assert.deepEqual(fact.settings.MinimumPasswordLength, { value: 8, range: at(3, 30, 3, 31) });
      assert.deepEqual(fact.settings.RequireSymbols, { value: false, range: at(4, 23, 4, 28) });
    }
  });

  it("finds the policies of aws iam get-account-authorization-details under its lists", async () => {
    const statement = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`;
    const text = `{"RoleDetailList":[{"RoleName":"r","AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]},"RolePolicyList":[{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17","Statement":[${statement}]}}]}],"Policies":[{"PolicyName":"m","PolicyVersionList":[{"Document":{"Version":"2012-10-17","Statement":[${statement}]},"VersionId":"v1"}]}]}`;
    const { policies } = await extract("account.json", text);
    assert.deepEqual(
      policies.map((p) => [p.origin, p.kind]),
      [
        ["account.json .RoleDetailList[0].AssumeRolePolicyDocument", "trust"],
        ["account.json .RoleDetailList[0].RolePolicyList[0].PolicyDocument", "identity"],
        ["account.json .Policies[0].PolicyVersionList[0].Document", "identity"],
      ],
    );
  });

  it("finds the policies of a Terraform JSON plan (terraform show -json)", async () => {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] });
    const text = JSON.stringify({
      format_version: "1.2",
      planned_values: {
        root_module: { resources: [{ address: "aws_iam_policy.p", type: "aws_iam_policy", values: { name: "p", policy } }] },
      },
      resource_changes: [{ address: "aws_iam_policy.p", change: { actions: ["create"], after: { policy } } }],
    });
    const { policies } = await extract("plan.json", text);
    // Read from planned_values once per document, named by its Terraform address (issue 11), not once per copy.
    assert.deepEqual(
      policies.map((p) => p.origin),
      ["aws_iam_policy.p .policy"],
    );
  });

  it("finds a list of policies at the root", async () => {
    const text = `[{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}]`;
    const { policies } = await extract("list.json", text);
    assert.equal(policies.length, 1);
  });

  // Issue 10: copies and templates of policies inside other JSON files are not policies.
  const policyCopies: Array<[string, string]> = [
    [
      "cdk.out/tree.json",
      `{"version":"tree-0.1","tree":{"id":"App","children":{"Stack":{"children":{"Role":{"attributes":{"aws:cdk:cloudformation:type":"AWS::IAM::Role","aws:cdk:cloudformation:props":{"assumeRolePolicyDocument":{"Statement":[{"Action":"sts:AssumeRoleWithWebIdentity","Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":{"Ref":"Pool"}}}}]}}}}}}}}}`,
    ],
    [
      "cdk.out/manifest.json",
      `{"version":"36.0.0","artifacts":{"Stack":{"type":"aws:cloudformation:stack","metadata":{"/Stack/Role/Policy":[{"type":"aws:cdk:logicalId","data":{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}]}}}}`,
    ],
    [
      "botocore/data/s3/2006-03-01/examples-1.json",
      `{"version":"1.0","examples":{"PutBucketPolicy":[{"input":{"Bucket":"examplebucket","Policy":"{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"s3:*\\",\\"Resource\\":\\"*\\"}]}"},"description":"x"}]}}`,
    ],
    [
      "connector_profiles/profiles.json",
      `{"Version":"1","Permissions":{"AWS::SQS::Queue":{"AWS::Lambda::Function":{"Properties":{"AccessCategories":{"Read":{"Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage"],"Resource":["%{Source.Arn}"]}]}}}}}}}`,
    ],
  ];
  for (const [path, text] of policyCopies) {
    it(`does not read a policy copied inside another JSON file: ${path}`, async () => {
      const { policies, findings } = await extract(path, text);
      assert.deepEqual(policies, []);
      assert.deepEqual(findings, []);
    });
  }

  const notPolicies: Array<[string, string]> = [
    ["package.json", `{"name":"x","version":"1.0.0","dependencies":{}}`],
    ["tsconfig.json", `{"compilerOptions":{"strict":true}}`],
    ["array.json", `[1, 2, 3]`],
    ["scalar.json", `"just a string"`],
    ["statement-as-text.json", `{"Statement": "we will not do this"}`],
  ];
  for (const [path, text] of notPolicies) {
    it(`ignores JSON that is not a policy quietly: ${path}`, async () => {
      const { policies, findings } = await extract(path, text);
      assert.deepEqual(policies, []);
      assert.deepEqual(
        findings.map((f) => f.severity),
        path === "statement-as-text.json" ? ["warning"] : [],
      );
    });
  }
});

describe("JSON input problems", () => {
  it("reports invalid JSON that looks like a policy as a warning at the error's line and column", async () => {
    const text = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow", "Action": "s3:*" "Resource": "*" }\n  ]\n}`;
    const { policies, findings } = await extract("broken.json", text);
    assert.deepEqual(policies, []);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.ruleId, "unparsed-input");
    assert.equal(findings[0]!.category, "unparsed-input");
    assert.equal(findings[0]!.severity, "warning");
    assert.equal(findings[0]!.line, 4);
    assert.equal(findings[0]!.column, 43);
    assert.match(findings[0]!.message, /not valid JSON \(Unexpected token String found\)/);
  });

  it("reports invalid JSON without policy markers as a note", async () => {
    const { findings } = await extract("data.json", `{"a": }`);
    assert.equal(findings[0]!.severity, "note");
  });

  it("refuses 100,000-deep nesting at the 200-level cap, before parsing, naming the line", async () => {
    const text = `{"Statement": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const { findings } = await extract("deep.json", text);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.severity, "warning");
    assert.match(findings[0]!.message, /nesting is deeper than 200 levels/);
    // The pre-scan points at the 201st bracket (the object is the first level), not at a parsed node.
    assert.deepEqual([findings[0]!.line, findings[0]!.column, findings[0]!.endLine, findings[0]!.endColumn], [1, 214, 1, 215]);
  });

  it("does not count brackets inside strings as nesting", async () => {
    const text = `{"Version":"2012-10-17","Statement":[{"Sid":"${"[".repeat(500)}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`;
    const { policies, findings } = await extract("brackets.json", text);
    assert.deepEqual(findings, []);
    assert.equal(policies.length, 1);
  });
});

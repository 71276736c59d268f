import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { ExtractResult, PolicyDocument, Range } from "../../src/types.ts";
import {
  extractCloudFormation,
  isCloudFormationTemplate,
  parseYaml,
  type CloudFormationOptions,
} from "../../src/extract/cloudformation.ts";
import { parseJson } from "../../src/extract/json.ts";
import { member, toJson, type PNode } from "../../src/extract/positioned.ts";

/** Template text from rows: row N of the list is line N of the file, so expected lines can be read off the list. */
function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

function at(line: number, column: number, endLine: number, endColumn: number): Range {
  return { line, column, endLine, endColumn };
}

function parsedYaml(text: string): PNode {
  const parsed = parseYaml(text);
  assert.ok(parsed.ok, parsed.ok ? "" : `${parsed.message} at ${parsed.range.line}:${parsed.range.column}`);
  return parsed.node;
}

function fromYaml(text: string, options: CloudFormationOptions = {}): ExtractResult {
  const root = parsedYaml(text);
  assert.equal(isCloudFormationTemplate(root), true);
  return extractCloudFormation({ path: "template.yaml", text }, root, options);
}

function fromJson(text: string, options: CloudFormationOptions = {}): ExtractResult {
  const parsed = parseJson(text);
  assert.ok(parsed.ok);
  assert.equal(isCloudFormationTemplate(parsed.node), true);
  return extractCloudFormation({ path: "template.json", text }, parsed.node, options);
}

function policy(result: ExtractResult, origin: string): PolicyDocument {
  const found = result.policies.find((candidate) => candidate.origin === origin);
  assert.ok(found, `no policy ${origin}; found ${result.policies.map((p) => p.origin).join(", ")}`);
  return found;
}

function summary(result: ExtractResult): { origin: string; kind: string; resourceType?: string; attachedTo?: string[] }[] {
  return result.policies.map((p) => ({
    origin: p.origin,
    kind: p.kind,
    ...(p.resourceType ? { resourceType: p.resourceType } : {}),
    ...(p.attachedTo ? { attachedTo: p.attachedTo } : {}),
  }));
}

describe("parseYaml", () => {
  describe("turns every short-form tag into its long form, the tag as key position", () => {
    const cases: { name: string; source: string; json: unknown; endColumn: number; tagEndColumn: number }[] = [
      { name: "!Ref", source: "!Ref Bucket", json: { Ref: "Bucket" }, endColumn: 15, tagEndColumn: 8 },
      { name: "!GetAtt dotted", source: "!GetAtt Role.Arn", json: { "Fn::GetAtt": ["Role", "Arn"] }, endColumn: 20, tagEndColumn: 11 },
      { name: "!GetAtt list", source: "!GetAtt [Role, Arn]", json: { "Fn::GetAtt": ["Role", "Arn"] }, endColumn: 23, tagEndColumn: 11 },
      { name: "!Sub", source: '!Sub "a-${B}"', json: { "Fn::Sub": "a-${B}" }, endColumn: 17, tagEndColumn: 8 },
      { name: "!Join", source: '!Join [",", [a, b]]', json: { "Fn::Join": [",", ["a", "b"]] }, endColumn: 23, tagEndColumn: 9 },
      { name: "!If", source: "!If [C, a, b]", json: { "Fn::If": ["C", "a", "b"] }, endColumn: 17, tagEndColumn: 7 },
      { name: "!Select", source: "!Select [0, [a, b]]", json: { "Fn::Select": ["0", ["a", "b"]] }, endColumn: 23, tagEndColumn: 11 },
      { name: "!Split", source: '!Split [",", "a,b"]', json: { "Fn::Split": [",", "a,b"] }, endColumn: 23, tagEndColumn: 10 },
      { name: "!FindInMap", source: "!FindInMap [M, K, V]", json: { "Fn::FindInMap": ["M", "K", "V"] }, endColumn: 24, tagEndColumn: 14 },
      { name: "!ImportValue", source: "!ImportValue Shared", json: { "Fn::ImportValue": "Shared" }, endColumn: 23, tagEndColumn: 16 },
      { name: "!Base64", source: "!Base64 text", json: { "Fn::Base64": "text" }, endColumn: 16, tagEndColumn: 11 },
      { name: "!Condition", source: "!Condition IsProd", json: { Condition: "IsProd" }, endColumn: 21, tagEndColumn: 14 },
      { name: "!Equals", source: "!Equals [a, b]", json: { "Fn::Equals": ["a", "b"] }, endColumn: 18, tagEndColumn: 11 },
      {
        name: "!And",
        source: "!And [!Condition A, !Condition B]",
        json: { "Fn::And": [{ Condition: "A" }, { Condition: "B" }] },
        endColumn: 37,
        tagEndColumn: 8,
      },
      {
        name: "!Or",
        source: "!Or [!Condition A, !Condition B]",
        json: { "Fn::Or": [{ Condition: "A" }, { Condition: "B" }] },
        endColumn: 36,
        tagEndColumn: 7,
      },
      { name: "!Not", source: "!Not [!Condition A]", json: { "Fn::Not": [{ Condition: "A" }] }, endColumn: 23, tagEndColumn: 8 },
      {
        name: "!Cidr",
        source: "!Cidr [10.0.0.0/16, 4, 8]",
        json: { "Fn::Cidr": ["10.0.0.0/16", "4", "8"] },
        endColumn: 29,
        tagEndColumn: 9,
      },
      { name: "!GetAZs", source: '!GetAZs ""', json: { "Fn::GetAZs": "" }, endColumn: 14, tagEndColumn: 11 },
      {
        name: "!Transform",
        source: "!Transform {Name: AWS::Include}",
        json: { "Fn::Transform": { Name: "AWS::Include" } },
        endColumn: 35,
        tagEndColumn: 14,
      },
      { name: "!Length", source: "!Length [a, b]", json: { "Fn::Length": ["a", "b"] }, endColumn: 18, tagEndColumn: 11 },
      { name: "!ToJsonString", source: "!ToJsonString {a: b}", json: { "Fn::ToJsonString": { a: "b" } }, endColumn: 24, tagEndColumn: 17 },
    ];
    for (const { name, source, json, endColumn, tagEndColumn } of cases) {
      it(name, () => {
        const value = member(parsedYaml(`V: ${source}\n`), "V")!.value;
        assert.deepEqual(toJson(value), json);
        assert.deepEqual(value.range, at(1, 4, 1, endColumn));
        assert.equal(value.type, "object");
        if (value.type === "object") assert.deepEqual(value.entries[0]!.keyRange, at(1, 4, 1, tagEndColumn));
      });
    }
  });

  it("positions a multi-line tagged sequence from the tag to its last item", () => {
    const root = parsedYaml(lines("V: !GetAtt", "  - Role", "  - Arn"));
    const value = member(root, "V")!.value;
    assert.deepEqual(value.range, at(1, 4, 3, 8));
    assert.ok(value.type === "object");
    assert.deepEqual(value.entries[0]!.value.range, at(2, 3, 3, 8));
  });

  it("keeps plain scalars as strings except nulls and booleans", () => {
    const root = parsedYaml(
      lines("Version: 2012-10-17", "Account: 123456789012", "Ratio: 1.10", "Flag: true", "Off: False", "Empty: ~", "Quoted: 'true'"),
    );
    assert.deepEqual(toJson(root), {
      Version: "2012-10-17",
      Account: "123456789012",
      Ratio: "1.10",
      Flag: true,
      Off: false,
      Empty: null,
      Quoted: "true",
    });
  });

  it("treats an unknown tag as its untagged value", () => {
    assert.deepEqual(toJson(parsedYaml(lines("A: !Custom value", "B: !Other [x]"))), { A: "value", B: ["x"] });
  });

  it("reads only the first of several documents", () => {
    assert.deepEqual(toJson(parsedYaml(lines("a: 1", "---", "b: [", "..."))), { a: "1" });
  });

  it("expands a simple alias", () => {
    assert.deepEqual(toJson(parsedYaml(lines("base: &actions [s3:GetObject]", "copy: *actions"))), {
      base: ["s3:GetObject"],
      copy: ["s3:GetObject"],
    });
  });

  it("reads a quoted scalar whose continuation lines are under its key, as PyYAML does (issue 10)", () => {
    const parsed = parseYaml(
      lines("Resources:", "  X:", "    Properties:", "      Data: !Sub '{", '  "a": "${B}"', "}'", "      Other: 1"),
    );
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.message);
    assert.deepEqual(toJson(parsed.node), { Resources: { X: { Properties: { Data: { "Fn::Sub": '{ "a": "${B}" }' }, Other: "1" } } } });
  });

  it("reads a flow map and a flow sequence continued under their key, as PyYAML does, on the same lines (issue 10)", () => {
    const parsed = parseYaml(
      lines("Policy:", "  Statement: [{", '  "Effect": "Allow",', '  "Action": ["s3:GetObject",', '  "s3:PutObject"]', "  }]", "Other: 1"),
    );
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.message);
    assert.deepEqual(toJson(parsed.node), {
      Policy: { Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"] }] },
      Other: "1",
    });
  });

  it("still reports a quote that is never closed", () => {
    const parsed = parseYaml(lines("a: 'open", "b: 1"));
    assert.equal(parsed.ok, false);
  });

  it("reports invalid YAML with the line of the first error", () => {
    const parsed = parseYaml(lines("Resources:", "  Role:", "    Type: AWS::IAM::Role", "   Properties: {}"));
    assert.equal(parsed.ok, false);
    if (!parsed.ok) {
      assert.equal(parsed.range.line, 4);
      assert.match(parsed.message, /same column/);
    }
  });

  it("keeps the last value of a repeated key, as CloudFormation does, and says the first is ignored (issue 10)", () => {
    const parsed = parseYaml(lines("a: 1", "b: 2", "a: 3"));
    assert.ok(parsed.ok);
    assert.deepEqual(toJson(parsed.node), { a: "3", b: "2" });
    assert.deepEqual(parsed.warnings, [
      {
        range: at(3, 1, 3, 2),
        severity: "note",
        message:
          'The key "a" is given twice in one mapping; CloudFormation uses this one and ignores the value at line 1, which was not analysed.',
      },
    ]);
  });

  it("warns when the ignored value of a repeated key holds a policy (issue 10)", async () => {
    const template = lines(
      "Resources:",
      "  Policy:",
      "    Type: AWS::IAM::ManagedPolicy",
      "    Properties:",
      "      PolicyDocument:",
      "        Statement:",
      "          - Effect: Allow",
      "            Action: 'iam:*'",
      "            Resource: '*'",
      "      PolicyDocument:",
      "        Statement:",
      "          - Effect: Allow",
      "            Action: 's3:GetObject'",
      "            Resource: 'arn:aws:s3:::b/*'",
    );
    const { extractFiles } = await import("../../src/extract/index.ts");
    const { findings } = await extractFiles([{ path: "t.yaml", text: template }]);
    assert.deepEqual(
      findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.message}`),
      [
        '10:7 warning The key "PolicyDocument" is given twice in one mapping; CloudFormation uses this one and ignores the value at line 5, which was not analysed (it holds a policy statement).',
      ],
    );
  });

  it("analyses a template with a repeated key and reports the repetition on its line (issue 10)", async () => {
    const template = lines(
      "Resources:",
      "  Role:",
      "    Type: AWS::IAM::ManagedPolicy",
      "    Properties:",
      "      PolicyDocument:",
      "        Version: '2012-10-17'",
      "        Statement:",
      "          - Effect: Allow",
      "            Action: 'iam:*'",
      "            Resource: '*'",
      "      Description: first",
      "      Description: second",
    );
    const { extractFiles } = await import("../../src/extract/index.ts");
    const { findings, policies } = await extractFiles([{ path: "t.yaml", text: template }]);
    assert.equal(policies.length, 1);
    assert.deepEqual(
      findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.message}`),
      [
        '12:7 note The key "Description" is given twice in one mapping; CloudFormation uses this one and ignores the value at line 11, which was not analysed.',
      ],
    );
  });

  describe("hostile input", () => {
    // Each is refused by a cap, at the place the cap is hit: the alias budget while expanding `c` (line 3, long
    // before `i`), the nesting pre-scans at the 201st level.
    const cases: { name: string; text: string; message: RegExp; range: Range }[] = [
      {
        name: "billion laughs alias bomb",
        text: [
          'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
          ..."bcdefghi".split("").map((name, index) => {
            const previous = "abcdefgh"[index]!;
            return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]`;
          }),
        ].join("\n"),
        message: /too many YAML aliases/,
        range: at(3, 32, 3, 34),
      },
      {
        name: "100,000 nested flow sequences",
        text: "[".repeat(100_000),
        message: /nesting is deeper than 200 levels/,
        range: at(1, 201, 1, 202),
      },
      {
        name: "100,000 nested compact block sequences",
        text: `${"- ".repeat(100_000)}x\n`,
        message: /nesting is deeper than 200 levels/,
        range: at(1, 399, 1, 400),
      },
      { name: "self-referencing alias", text: "a: &x [*x]\n", message: /nesting|aliases/, range: at(1, 7, 1, 11) },
    ];
    for (const { name, text, message, range } of cases) {
      it(name, () => {
        const parsed = parseYaml(text);
        assert.equal(parsed.ok, false);
        if (!parsed.ok) {
          assert.match(parsed.message, message);
          assert.deepEqual(parsed.range, range);
        }
      });
    }
  });
});

describe("isCloudFormationTemplate", () => {
  const cases: { name: string; text: string; expected: boolean }[] = [
    { name: "format version", text: 'AWSTemplateFormatVersion: "2010-09-09"\n', expected: true },
    { name: "AWS resource", text: lines("Resources:", "  B:", "    Type: AWS::S3::Bucket"), expected: true },
    {
      name: "SAM transform",
      text: lines("Transform: AWS::Serverless-2016-10-31", "Resources:", "  F:", "    Type: AWS::Serverless::Function"),
      expected: true,
    },
    { name: "only custom resources", text: lines("Resources:", "  C:", "    Type: Custom::Thing"), expected: false },
    { name: "bare policy", text: lines("Version: 2012-10-17", "Statement: []"), expected: false },
    { name: "Kubernetes manifest", text: lines("apiVersion: v1", "kind: Pod"), expected: false },
    { name: "list", text: "- a\n", expected: false },
  ];
  for (const { name, text, expected } of cases) {
    it(name, () => assert.equal(isCloudFormationTemplate(parsedYaml(text)), expected));
  }
});

describe("extractCloudFormation", () => {
  describe("role documents and positions", () => {
    const yamlTemplate = lines(
      "Resources:",
      "  BuildRole:",
      "    Type: AWS::IAM::Role",
      "    Properties:",
      "      AssumeRolePolicyDocument:",
      '        Version: "2012-10-17"',
      "        Statement:",
      "          - Effect: Allow",
      "            Principal:",
      "              Service: codebuild.amazonaws.com",
      "            Action: sts:AssumeRole",
      "      Policies:",
      "        - PolicyName: deploy",
      "          PolicyDocument:",
      "            Version: 2012-10-17",
      "            Statement:",
      "              - Sid: Deploy",
      "                Effect: Allow",
      "                Action:",
      "                  - s3:PutObject",
      "                  - s3:GetObject",
      '                Resource: "*"',
    );
    const jsonTemplate = lines(
      "{",
      '  "Resources": {',
      '    "BuildRole": {',
      '      "Type": "AWS::IAM::Role",',
      '      "Properties": {',
      '        "AssumeRolePolicyDocument": {',
      '          "Version": "2012-10-17",',
      '          "Statement": [',
      "            {",
      '              "Effect": "Allow",',
      '              "Principal": { "Service": "codebuild.amazonaws.com" },',
      '              "Action": "sts:AssumeRole"',
      "            }",
      "          ]",
      "        },",
      '        "Policies": [',
      "          {",
      '            "PolicyName": "deploy",',
      '            "PolicyDocument": {',
      '              "Version": "2012-10-17",',
      '              "Statement": [',
      '                { "Sid": "Deploy", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "*" }',
      "              ]",
      "            }",
      "          }",
      "        ]",
      "      }",
      "    }",
      "  }",
      "}",
    );
    const cases: {
      name: string;
      result: () => ExtractResult;
      trust: Record<string, Range>;
      inline: Record<string, Range>;
      resourceKey: Range;
    }[] = [
      {
        name: "YAML",
        result: () => fromYaml(yamlTemplate),
        trust: { "": at(6, 9, 11, 35), "/Statement/0": at(8, 13, 11, 35), "/Statement/0/Principal/Service": at(10, 24, 10, 47) },
        inline: {
          "/Statement/0": at(17, 17, 22, 30),
          "/Statement/0/Action/0": at(20, 21, 20, 33),
          "/Statement/0/Action/1": at(21, 21, 21, 33),
          "/Statement/0/Resource": at(22, 27, 22, 30),
        },
        resourceKey: at(22, 17, 22, 25),
      },
      {
        name: "JSON",
        result: () => fromJson(jsonTemplate),
        trust: { "": at(6, 37, 15, 10), "/Statement/0": at(9, 13, 13, 14), "/Statement/0/Principal/Service": at(11, 41, 11, 66) },
        inline: {
          "/Statement/0": at(22, 17, 22, 116),
          "/Statement/0/Action/0": at(22, 66, 22, 80),
          "/Statement/0/Action/1": at(22, 82, 22, 96),
          "/Statement/0/Resource": at(22, 111, 22, 114),
        },
        resourceKey: at(22, 99, 22, 109),
      },
    ];
    for (const { name, result, trust, inline, resourceKey } of cases) {
      it(name, () => {
        const extracted = result();
        assert.deepEqual(summary(extracted), [
          {
            origin: "AWS::IAM::Role BuildRole .AssumeRolePolicyDocument",
            kind: "trust",
            resourceType: "AWS::IAM::AssumeRolePolicyDocument",
          },
          { origin: "AWS::IAM::Role BuildRole .Policies[0]", kind: "identity", attachedTo: ["AWS::IAM::Role BuildRole"] },
        ]);
        const trustPolicy = policy(extracted, "AWS::IAM::Role BuildRole .AssumeRolePolicyDocument");
        assert.deepEqual(trustPolicy.json, {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        for (const [pointer, range] of Object.entries(trust)) assert.deepEqual(trustPolicy.positions[pointer], range, pointer);
        const inlinePolicy = policy(extracted, "AWS::IAM::Role BuildRole .Policies[0]");
        assert.deepEqual(inlinePolicy.json, {
          Version: "2012-10-17",
          Statement: [{ Sid: "Deploy", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: "*" }],
        });
        for (const [pointer, range] of Object.entries(inline)) assert.deepEqual(inlinePolicy.positions[pointer], range, pointer);
        assert.deepEqual(inlinePolicy.keys["/Statement/0/Resource"], resourceKey);
        assert.equal(inlinePolicy.format, "cloudformation");
        assert.deepEqual(extracted.findings, []);
      });
    }
  });

  it("a parameter whose default is empty stays unresolved (an empty default means not set, not an empty bucket name)", () => {
    const result = fromYaml(
      lines(
        "Parameters:",
        "  LogsBucket:",
        "    Type: String",
        '    Default: ""',
        "Resources:",
        "  P:",
        "    Type: AWS::IAM::ManagedPolicy",
        "    Properties:",
        "      PolicyDocument:",
        '        Version: "2012-10-17"',
        "        Statement:",
        "          - Effect: Allow",
        "            Action: s3:GetObject",
        '            Resource: !Sub "arn:${AWS::Partition}:s3:::${LogsBucket}/*"',
      ),
    );
    const doc = policy(result, "AWS::IAM::ManagedPolicy P .PolicyDocument");
    assert.equal((doc.json as { Statement: Array<{ Resource: string }> }).Statement[0]!.Resource, "arn:aws:s3:::{{!Ref LogsBucket}}/*");
  });

  describe("intrinsic functions in policies", () => {
    const template = lines(
      "Parameters:",
      "  BucketName:",
      "    Type: String",
      "    Default: artifacts",
      "  TrustedAccountId:",
      "    Type: String",
      "  ExtraActions:",
      "    Type: CommaDelimitedList",
      "Conditions:",
      "  IsProd: !Equals [!Ref AWS::StackName, prod]",
      "Mappings:",
      "  Regions:",
      "    us-east-1:",
      "      Table: arn:aws:dynamodb:us-east-1:111122223333:table/orders",
      "Resources:",
      "  AppRole:",
      "    Type: AWS::IAM::Role",
      "    Properties:",
      "      AssumeRolePolicyDocument:",
      "        Statement:",
      "          - Effect: Allow",
      "            Principal:",
      "              AWS: !Ref TrustedAccountId",
      "            Action: sts:AssumeRole",
      "      Policies:",
      "        - PolicyName: app",
      "          PolicyDocument:",
      "            Statement:",
      "              - Effect: !If [IsProd, Deny, Allow]",
      "                Action: [s3:GetObject, !If [IsProd, s3:PutObject, s3:DeleteObject]]",
      '                Resource: !Sub "arn:${AWS::Partition}:s3:::${BucketName}/${AWS::AccountId}/${!aws:username}/*"',
      "              - !If",
      "                - IsProd",
      "                - Effect: Allow",
      "                  Action: !Ref ExtraActions",
      "                  Resource: !GetAtt Table.Arn",
      "                - !Ref AWS::NoValue",
      "              - Effect: Allow",
      "                Action: dynamodb:GetItem",
      "                Resource:",
      "                  - !FindInMap [Regions, us-east-1, Table]",
      '                  - !Join ["", ["arn:aws:s3:::", !Ref BucketName]]',
      '                  - !Select [1, !Split [",", "a,b,c"]]',
      "                  - !ImportValue SharedTopicArn",
      "                  - !Ref AWS::NoValue",
    );

    it("resolves what is static, keeps both Fn::If branches and placeholders the rest", () => {
      const inline = policy(fromYaml(template), "AWS::IAM::Role AppRole .Policies[0]");
      assert.deepEqual(inline.json, {
        Statement: [
          {
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: "arn:aws:s3:::artifacts/{{!Ref AWS::AccountId}}/${aws:username}/*",
          },
          { Effect: "Allow", Action: "{{!Ref ExtraActions}}", Resource: "{{!GetAtt Table.Arn}}" },
          {
            Effect: "Allow",
            Action: "dynamodb:GetItem",
            Resource: [
              "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
              "arn:aws:s3:::artifacts",
              "b",
              "{{!ImportValue SharedTopicArn}}",
            ],
          },
        ],
      });
      assert.deepEqual(inline.unresolved, [
        { pointer: "/Statement/0/Resource", token: "{{!Ref AWS::AccountId}}", expression: "!Ref AWS::AccountId", hint: "account-id" },
        { pointer: "/Statement/1/Action", token: "{{!Ref ExtraActions}}", expression: "!Ref ExtraActions", hint: "list" },
        { pointer: "/Statement/1/Resource", token: "{{!GetAtt Table.Arn}}", expression: "!GetAtt Table.Arn", hint: "arn" },
        {
          pointer: "/Statement/2/Resource/3",
          token: "{{!ImportValue SharedTopicArn}}",
          expression: "!ImportValue SharedTopicArn",
          hint: "arn",
        },
      ]);
    });

    it("positions resolved values at the branch or the call", () => {
      const inline = policy(fromYaml(template), "AWS::IAM::Role AppRole .Policies[0]");
      assert.deepEqual(inline.positions["/Statement/0/Effect"], at(29, 44, 29, 49));
      assert.deepEqual(inline.positions["/Statement/0/Action/1"], at(30, 53, 30, 65));
      assert.deepEqual(inline.positions["/Statement/0/Action/2"], at(30, 67, 30, 82));
      assert.deepEqual(inline.positions["/Statement/0/Resource"], at(31, 27, 31, 111));
      assert.deepEqual(inline.positions["/Statement/1"], at(34, 19, 36, 46));
      assert.deepEqual(inline.positions["/Statement/2/Resource/0"], at(41, 21, 41, 59));
      assert.deepEqual(inline.positions["/Statement/2/Resource/1"], at(42, 21, 42, 67));
    });

    it("leaves a principal parameter without default as an account-id placeholder, never *", () => {
      const trust = policy(fromYaml(template), "AWS::IAM::Role AppRole .AssumeRolePolicyDocument");
      assert.deepEqual(trust.json, {
        Statement: [{ Effect: "Allow", Principal: { AWS: "{{!Ref TrustedAccountId}}" }, Action: "sts:AssumeRole" }],
      });
      assert.deepEqual(trust.unresolved, [
        {
          pointer: "/Statement/0/Principal/AWS",
          token: "{{!Ref TrustedAccountId}}",
          expression: "!Ref TrustedAccountId",
          hint: "account-id",
        },
      ]);
      assert.equal(JSON.stringify(trust.json).includes("*"), false);
      assert.deepEqual(trust.positions["/Statement/0/Principal/AWS"], at(23, 20, 23, 41));
    });

    const jsonTemplate = lines(
      "{",
      '  "Parameters": { "Bucket": { "Type": "String" }, "Admin": { "Type": "String", "Default": "arn:aws:iam::111122223333:role/admin" } },',
      '  "Conditions": { "Shared": { "Fn::Equals": [{ "Ref": "AWS::Region" }, "us-east-1"] } },',
      '  "Resources": {',
      '    "Policy": {',
      '      "Type": "AWS::IAM::ManagedPolicy",',
      '      "Properties": {',
      '        "PolicyDocument": {',
      '          "Statement": [',
      '            { "Effect": "Allow", "Action": "s3:GetObject", "Resource": { "Fn::Join": ["", ["arn:aws:s3:::", { "Ref": "Bucket" }, "/*"]] } },',
      '            { "Fn::If": ["Shared", { "Effect": "Allow", "Action": "iam:PassRole", "Resource": { "Ref": "Admin" } }, { "Ref": "AWS::NoValue" }] }',
      "          ]",
      "        }",
      "      }",
      "    }",
      "  }",
      "}",
    );

    it("resolves the same functions in JSON templates", () => {
      const managed = policy(fromJson(jsonTemplate), "AWS::IAM::ManagedPolicy Policy .PolicyDocument");
      assert.deepEqual(managed.json, {
        Statement: [
          { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::{{!Ref Bucket}}/*" },
          { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/admin" },
        ],
      });
      assert.deepEqual(managed.unresolved, [
        { pointer: "/Statement/0/Resource", token: "{{!Ref Bucket}}", expression: "!Ref Bucket", hint: "string" },
      ]);
      assert.deepEqual(managed.positions["/Statement/0/Resource"], at(10, 72, 10, 138));
      assert.deepEqual(managed.positions["/Statement/1/Resource"], at(11, 95, 11, 113));
    });

    it("keeps every Fn::If alternative of whole statements and of strings built by Fn::Join, Fn::Sub and Fn::Split", () => {
      const result = fromJson(
        lines(
          "{",
          '  "Resources": {',
          '    "Policy": {',
          '      "Type": "AWS::IAM::Policy",',
          '      "Properties": {',
          '        "PolicyDocument": {',
          '          "Statement": { "Fn::If": ["C", { "Effect": "Deny", "Action": "s3:*", "Resource": "*" }, {',
          '            "Effect": "Allow",',
          '            "Action": { "Fn::Split": [",", { "Fn::Sub": ["s3:${A},s3:${B}", { "A": "GetObject", "B": { "Fn::If": ["C", "PutObject", "DeleteObject"] } }] }] },',
          '            "Resource": { "Fn::Join": ["", ["arn:aws:s3:::", { "Fn::If": ["C", "a", "b"] }, "/${aws:username}/*"]] }',
          "          }] }",
          "        }",
          "      }",
          "    }",
          "  }",
          "}",
        ),
      );
      const document = policy(result, "AWS::IAM::Policy Policy .PolicyDocument");
      assert.deepEqual(document.json, {
        Statement: [
          { Effect: "Deny", Action: "s3:*", Resource: "*" },
          {
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: ["arn:aws:s3:::a/${aws:username}/*", "arn:aws:s3:::b/${aws:username}/*"],
          },
        ],
      });
      assert.deepEqual(document.positions["/Statement/1"], at(7, 99, 11, 12));
      assert.deepEqual(document.positions["/Statement/1/Resource/1"], at(10, 25, 10, 117));
    });

    it("parses a policy written as a JSON string, keeping placeholders", () => {
      const result = fromYaml(
        lines(
          "Parameters:",
          "  Bucket:",
          "    Type: String",
          "Resources:",
          "  Reader:",
          "    Type: AWS::IAM::Policy",
          "    Properties:",
          "      PolicyName: read",
          `      PolicyDocument: !Sub '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::\${Bucket}/*"}]}'`,
        ),
      );
      const reader = policy(result, "AWS::IAM::Policy Reader .PolicyDocument");
      assert.deepEqual(reader.json, {
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::{{!Ref Bucket}}/*" }],
      });
      assert.deepEqual(reader.unresolved, [
        { pointer: "/Statement/0/Resource", token: "{{!Ref Bucket}}", expression: "!Ref Bucket", hint: "string" },
      ]);
      assert.deepEqual(reader.positions["/Statement/0/Resource"], at(9, 23, 9, 126));
    });
  });

  describe("resource policies", () => {
    const cases: { type: string; property: string; resourceType: string }[] = [
      { type: "AWS::S3::BucketPolicy", property: "PolicyDocument", resourceType: "AWS::S3::Bucket" },
      { type: "AWS::SNS::TopicPolicy", property: "PolicyDocument", resourceType: "AWS::SNS::Topic" },
      { type: "AWS::SQS::QueuePolicy", property: "PolicyDocument", resourceType: "AWS::SQS::Queue" },
      { type: "AWS::KMS::Key", property: "KeyPolicy", resourceType: "AWS::KMS::Key" },
      { type: "AWS::SecretsManager::ResourcePolicy", property: "ResourcePolicy", resourceType: "AWS::SecretsManager::Secret" },
      { type: "AWS::ECR::Repository", property: "RepositoryPolicyText", resourceType: "AWS::ECR::Repository" },
    ];
    for (const { type, property, resourceType } of cases) {
      it(type, () => {
        const result = fromYaml(
          lines(
            "Resources:",
            "  Subject:",
            `    Type: ${type}`,
            "    Properties:",
            `      ${property}:`,
            "        Statement:",
            "          - Effect: Allow",
            '            Principal: "*"',
            "            Action: svc:Get",
            '            Resource: "*"',
          ),
        );
        assert.deepEqual(summary(result), [{ origin: `${type} Subject .${property}`, kind: "resource", resourceType }]);
        assert.deepEqual(result.policies[0]!.positions["/Statement/0/Principal"], at(8, 24, 8, 27));
      });
    }
  });

  describe("Lambda permissions become one-statement resource policies", () => {
    const template = lines(
      "Resources:",
      "  InvokePermission:",
      "    Type: AWS::Lambda::Permission",
      "    Properties:",
      "      Action: lambda:InvokeFunction",
      "      FunctionName: !GetAtt Handler.Arn",
      "      Principal: s3.amazonaws.com",
      "      SourceArn: arn:aws:s3:::uploads",
      "      SourceAccount: !Ref AWS::AccountId",
      "  UrlPermission:",
      "    Type: AWS::Lambda::Permission",
      "    Properties:",
      "      Action: lambda:InvokeFunctionUrl",
      "      FunctionName: handler",
      '      Principal: "*"',
      "      FunctionUrlAuthType: NONE",
      "  AccountPermission:",
      "    Type: AWS::Lambda::Permission",
      "    Properties:",
      "      Action: lambda:InvokeFunction",
      "      FunctionName: handler",
      '      Principal: "123456789012"',
      "      PrincipalOrgID: o-abc123",
    );

    it("synthesizes principal, action, resource and conditions", () => {
      const result = fromYaml(template);
      assert.deepEqual(summary(result), [
        { origin: "AWS::Lambda::Permission InvokePermission .Properties", kind: "resource", resourceType: "AWS::Lambda::Function" },
        { origin: "AWS::Lambda::Permission UrlPermission .Properties", kind: "resource", resourceType: "AWS::Lambda::Function" },
        { origin: "AWS::Lambda::Permission AccountPermission .Properties", kind: "resource", resourceType: "AWS::Lambda::Function" },
      ]);
      assert.deepEqual(
        result.policies.map((p) => p.json),
        [
          {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "s3.amazonaws.com" },
                Action: "lambda:InvokeFunction",
                Resource: "{{!GetAtt Handler.Arn}}",
                Condition: {
                  ArnLike: { "aws:SourceArn": "arn:aws:s3:::uploads" },
                  StringEquals: { "aws:SourceAccount": "{{!Ref AWS::AccountId}}" },
                },
              },
            ],
          },
          {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: "*",
                Action: "lambda:InvokeFunctionUrl",
                Resource: "handler",
                Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } },
              },
            ],
          },
          {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "123456789012" },
                Action: "lambda:InvokeFunction",
                Resource: "handler",
                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
              },
            ],
          },
        ],
      );
      assert.deepEqual(
        result.policies[0]!.unresolved.map((u) => [u.pointer, u.hint]),
        [
          ["/Statement/0/Resource", "arn"],
          ["/Statement/0/Condition/StringEquals/aws:SourceAccount", "account-id"],
        ],
      );
    });

    it("points every element at the property it comes from", () => {
      const invoke = fromYaml(template).policies[0]!;
      assert.deepEqual(invoke.positions["/Statement/0/Principal/Service"], at(7, 18, 7, 34));
      assert.deepEqual(invoke.positions["/Statement/0/Action"], at(5, 15, 5, 36));
      assert.deepEqual(invoke.positions["/Statement/0/Resource"], at(6, 21, 6, 40));
      assert.deepEqual(invoke.positions["/Statement/0/Condition/ArnLike/aws:SourceArn"], at(8, 18, 8, 38));
      assert.deepEqual(invoke.keys["/Statement/0/Condition/ArnLike/aws:SourceArn"], at(8, 7, 8, 16));
      assert.deepEqual(invoke.range, at(2, 3, 9, 41));
    });
  });

  describe("Organizations policies", () => {
    const rcpContent =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}}]}';
    const template = lines(
      "Resources:",
      "  DenyLeave:",
      "    Type: AWS::Organizations::Policy",
      "    Properties:",
      "      Name: deny-leave",
      "      Type: SERVICE_CONTROL_POLICY",
      "      TargetIds: [r-abcd]",
      "      Content:",
      '        Version: "2012-10-17"',
      "        Statement:",
      "          - Effect: Deny",
      "            Action: organizations:LeaveOrganization",
      '            Resource: "*"',
      "  Perimeter:",
      "    Type: AWS::Organizations::Policy",
      "    Properties:",
      "      Name: perimeter",
      "      Type: RESOURCE_CONTROL_POLICY",
      `      Content: '${rcpContent}'`,
      "  Tags:",
      "    Type: AWS::Organizations::Policy",
      "    Properties:",
      "      Name: tags",
      "      Type: TAG_POLICY",
      '      Content: {"tags": {"team": {"tag_key": {"@@assign": "Team"}}}}',
    );

    it("reads SCPs and RCPs (object or JSON string) and skips other policy types", () => {
      const result = fromYaml(template);
      assert.deepEqual(summary(result), [
        { origin: "AWS::Organizations::Policy DenyLeave .Content", kind: "scp" },
        { origin: "AWS::Organizations::Policy Perimeter .Content", kind: "rcp" },
      ]);
      assert.deepEqual(result.policies[0]!.positions["/Statement/0/Action"], at(12, 21, 12, 52));
      assert.deepEqual(result.policies[1]!.json, JSON.parse(rcpContent));
      // Positions inside a one-line JSON string without escapes point at the value itself (issue #11).
      const column = 16 + 1 + rcpContent.indexOf('"s3:*"');
      assert.deepEqual(result.policies[1]!.positions["/Statement/0/Action"], at(19, column, 19, column + 6));
      assert.deepEqual(result.findings, []);
    });

    it("reads a JSON string Content in a JSON template", () => {
      const result = fromJson(
        lines(
          "{",
          '  "Resources": {',
          '    "Guard": {',
          '      "Type": "AWS::Organizations::Policy",',
          '      "Properties": {',
          '        "Type": "SERVICE_CONTROL_POLICY",',
          '        "Content": "{\\"Statement\\":[{\\"Effect\\":\\"Deny\\",\\"Action\\":\\"iam:CreateUser\\",\\"Resource\\":\\"*\\"}]}"',
          "      }",
          "    }",
          "  }",
          "}",
        ),
      );
      assert.deepEqual(summary(result), [{ origin: "AWS::Organizations::Policy Guard .Content", kind: "scp" }]);
      assert.deepEqual(result.policies[0]!.json, { Statement: [{ Effect: "Deny", Action: "iam:CreateUser", Resource: "*" }] });
      assert.deepEqual(result.policies[0]!.positions["/Statement/0/Action"], at(7, 20, 7, 110));
    });
  });

  it("reads SAM function policies: managed names and ARNs, inline statements, policy templates expanded (issue #11)", () => {
    const result = fromYaml(
      lines(
        "Transform: AWS::Serverless-2016-10-31",
        "Resources:",
        "  Api:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      Handler: index.handler",
        "      Runtime: nodejs20.x",
        "      Policies:",
        "        - AmazonS3ReadOnlyAccess",
        "        - arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
        "        - S3ReadPolicy:",
        "            BucketName: !Ref Bucket",
        "        - Statement:",
        "            - Effect: Allow",
        "              Action: sqs:SendMessage",
        "              Resource: !GetAtt Queue.Arn",
        "  Worker:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      Policies: AWSLambdaBasicExecutionRole",
      ),
    );
    assert.deepEqual(summary(result), [
      {
        origin: "AWS::Serverless::Function Api .Policies[2].S3ReadPolicy",
        kind: "identity",
        attachedTo: ["AWS::Serverless::Function Api"],
      },
      { origin: "AWS::Serverless::Function Api .Policies[3]", kind: "identity", attachedTo: ["AWS::Serverless::Function Api"] },
    ]);
    assert.deepEqual(result.policies[0]!.range, at(11, 11, 12, 36));
    assert.deepEqual(result.policies[1]!.positions["/Statement/0"], at(14, 15, 16, 42));
    assert.deepEqual(
      result.facts.map((fact) =>
        fact.type === "managed-policy-attachment" ? [fact.origin, fact.arn, fact.attachedTo, fact.range.line] : fact.type,
      ),
      [
        [
          "AWS::Serverless::Function Api .Policies[0]",
          "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
          "AWS::Serverless::Function Api",
          9,
        ],
        [
          "AWS::Serverless::Function Api .Policies[1]",
          "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
          "AWS::Serverless::Function Api",
          10,
        ],
        [
          "AWS::Serverless::Function Worker .Policies",
          "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole",
          "AWS::Serverless::Function Worker",
          20,
        ],
      ],
    );
    assert.deepEqual(result.findings, []);
  });

  it("records users, login profiles, access keys, managed policy ARNs and secret outputs as facts", () => {
    const result = fromYaml(
      lines(
        "Parameters:",
        "  DbPassword:",
        "    Type: String",
        "    NoEcho: true",
        "Resources:",
        "  Deployer:",
        "    Type: AWS::IAM::User",
        "    Properties:",
        "      UserName: deployer",
        "      LoginProfile:",
        "        Password: !Ref DbPassword",
        "      ManagedPolicyArns:",
        "        - arn:aws:iam::aws:policy/AdministratorAccess",
        "      Groups: [!Ref Admins]",
        "  DeployerKey:",
        "    Type: AWS::IAM::AccessKey",
        "    Properties:",
        "      UserName: !Ref Deployer",
        "  Admins:",
        "    Type: AWS::IAM::Group",
        "    Properties:",
        "      Policies:",
        "        - PolicyName: admin",
        "          PolicyDocument:",
        "            Statement:",
        "              - Effect: Allow",
        '                Action: "iam:*"',
        '                Resource: "*"',
        "Outputs:",
        "  SecretKey:",
        "    Value: !GetAtt DeployerKey.SecretAccessKey",
        "  Password:",
        '    Value: !Sub "password=${DbPassword}"',
        "  KeyId:",
        "    Value: !Ref DeployerKey",
      ),
    );
    assert.deepEqual(result.facts, [
      { type: "iam-user", file: "template.yaml", range: at(6, 3, 14, 28), origin: "AWS::IAM::User Deployer", name: "deployer" },
      {
        type: "managed-policy-attachment",
        file: "template.yaml",
        range: at(13, 11, 13, 54),
        origin: "AWS::IAM::User Deployer .ManagedPolicyArns[0]",
        arn: "arn:aws:iam::aws:policy/AdministratorAccess",
        attachedTo: "AWS::IAM::User Deployer",
      },
      {
        type: "login-profile",
        file: "template.yaml",
        range: at(10, 7, 11, 34),
        origin: "AWS::IAM::User Deployer .LoginProfile",
        user: "AWS::IAM::User Deployer",
      },
      {
        type: "access-key",
        file: "template.yaml",
        range: at(15, 3, 18, 30),
        origin: "AWS::IAM::AccessKey DeployerKey",
        user: "AWS::IAM::User Deployer",
      },
      {
        type: "secret-output",
        file: "template.yaml",
        range: at(31, 12, 31, 47),
        origin: "Outputs SecretKey",
        name: "SecretKey",
        expression: "!GetAtt DeployerKey.SecretAccessKey",
      },
      {
        type: "secret-output",
        file: "template.yaml",
        range: at(33, 12, 33, 41),
        origin: "Outputs Password",
        name: "Password",
        expression: "!Ref DbPassword",
      },
    ]);
    assert.deepEqual(summary(result), [
      {
        origin: "AWS::IAM::Group Admins .Policies[0]",
        kind: "identity",
        attachedTo: ["AWS::IAM::Group Admins", "AWS::IAM::User Deployer"],
      },
    ]);
  });

  it("attaches standalone and managed policies to the principals that use them", () => {
    const result = fromYaml(
      lines(
        "Resources:",
        "  BuildRole:",
        "    Type: AWS::IAM::Role",
        "    Properties:",
        "      RoleName: build",
        "      ManagedPolicyArns: [!Ref Shared]",
        "      PermissionsBoundary: !Ref Boundary",
        "  Ops:",
        "    Type: AWS::IAM::Group",
        "  Alice:",
        "    Type: AWS::IAM::User",
        "  AddAlice:",
        "    Type: AWS::IAM::UserToGroupAddition",
        "    Properties:",
        "      GroupName: !Ref Ops",
        "      Users: [!Ref Alice]",
        "  Shared:",
        "    Type: AWS::IAM::ManagedPolicy",
        "    Properties:",
        "      Groups: [!Ref Ops]",
        "      PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: '*'}]}",
        "  ByName:",
        "    Type: AWS::IAM::Policy",
        "    Properties:",
        "      Roles: [build]",
        "      PolicyDocument: {Statement: [{Effect: Allow, Action: sqs:*, Resource: '*'}]}",
        "  Inline:",
        "    Type: AWS::IAM::RolePolicy",
        "    Properties:",
        "      RoleName: !Ref BuildRole",
        "      PolicyDocument: {Statement: [{Effect: Allow, Action: sns:*, Resource: '*'}]}",
        "  Boundary:",
        "    Type: AWS::IAM::ManagedPolicy",
        "    Properties:",
        "      PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}",
      ),
    );
    assert.deepEqual(summary(result), [
      {
        origin: "AWS::IAM::ManagedPolicy Shared .PolicyDocument",
        kind: "identity",
        attachedTo: ["AWS::IAM::Role BuildRole", "AWS::IAM::Group Ops", "AWS::IAM::User Alice"],
      },
      { origin: "AWS::IAM::Policy ByName .PolicyDocument", kind: "identity", attachedTo: ["AWS::IAM::Role BuildRole"] },
      { origin: "AWS::IAM::RolePolicy Inline .PolicyDocument", kind: "identity", attachedTo: ["AWS::IAM::Role BuildRole"] },
      { origin: "AWS::IAM::ManagedPolicy Boundary .PolicyDocument", kind: "boundary" },
    ]);
    assert.deepEqual(
      result.facts.filter((fact) => fact.type === "managed-policy-attachment"),
      [],
    );
    assert.deepEqual(
      result.facts.map((fact) => fact.origin),
      ["AWS::IAM::User Alice"],
    );
  });

  it("lets the configured kind override identity documents only", () => {
    const result = fromYaml(
      lines(
        "Resources:",
        "  Limit:",
        "    Type: AWS::IAM::ManagedPolicy",
        "    Properties:",
        "      PolicyDocument: {Statement: [{Effect: Allow, Action: 's3:*', Resource: '*'}]}",
        "  Role:",
        "    Type: AWS::IAM::Role",
        "    Properties:",
        "      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}",
        "  BucketPolicy:",
        "    Type: AWS::S3::BucketPolicy",
        "    Properties:",
        "      PolicyDocument: {Statement: [{Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*'}]}",
      ),
      { kind: "boundary" },
    );
    assert.deepEqual(
      result.policies.map((p) => [p.origin, p.kind]),
      [
        ["AWS::IAM::ManagedPolicy Limit .PolicyDocument", "boundary"],
        ["AWS::IAM::Role Role .AssumeRolePolicyDocument", "trust"],
        ["AWS::S3::BucketPolicy BucketPolicy .PolicyDocument", "resource"],
      ],
    );
  });

  describe("bad input", () => {
    it("reports malformed and unresolvable documents and still extracts the rest", () => {
      const result = fromYaml(
        lines(
          "Parameters:",
          "  DocParam:",
          "    Type: String",
          "Resources:",
          "  Broken:",
          "    Type: AWS::IAM::Role",
          "    Properties: just a string",
          "  NotObject:",
          "    Type: AWS::IAM::Policy",
          "    Properties:",
          "      PolicyDocument: [a, b]",
          "  FromParam:",
          "    Type: AWS::IAM::ManagedPolicy",
          "    Properties:",
          "      PolicyDocument: !Ref DocParam",
          "  Imported:",
          "    Type: AWS::S3::BucketPolicy",
          "    Properties:",
          "      PolicyDocument: !ImportValue SharedDoc",
          "  Fine:",
          "    Type: AWS::SQS::QueuePolicy",
          "    Properties:",
          "      PolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: sns.amazonaws.com}, Action: sqs:SendMessage, Resource: '*'}]}",
        ),
      );
      assert.deepEqual(summary(result), [
        { origin: "AWS::SQS::QueuePolicy Fine .PolicyDocument", kind: "resource", resourceType: "AWS::SQS::Queue" },
      ]);
      assert.deepEqual(
        result.findings.map((finding) => [finding.ruleId, finding.severity, finding.line, finding.column, finding.message]),
        [
          ["unparsed-input", "warning", 7, 17, "Properties of AWS::IAM::Role Broken is not an object, so its policies were not analysed."],
          ["unparsed-input", "warning", 11, 23, "PolicyDocument of AWS::IAM::Policy NotObject is not an object, so it was not analysed."],
          [
            "unparsed-input",
            "note",
            15,
            23,
            "PolicyDocument of AWS::IAM::ManagedPolicy FromParam comes from an unresolved value (!Ref DocParam), so it was not analysed.",
          ],
          [
            "unparsed-input",
            "note",
            19,
            23,
            "PolicyDocument of AWS::S3::BucketPolicy Imported comes from an unresolved value (!ImportValue SharedDoc), so it was not analysed.",
          ],
        ],
      );
    });

    it("survives non-string keys and null values everywhere", () => {
      const text = lines(
        "? [a, b]",
        ": ~",
        "1: 2",
        "Parameters: ~",
        "Mappings: [1]",
        "Resources:",
        "  ~: ~",
        "  X:",
        "  Y:",
        "    Type: AWS::IAM::Role",
        "    Properties:",
        "      AssumeRolePolicyDocument: ~",
        "      Policies: [~, {PolicyName: ~, PolicyDocument: ~}, 3, {PolicyDocument: {Statement: ~}}]",
        "      ManagedPolicyArns: [~, 5, {a: b}, !Ref ~, !GetAtt ~, !Sub ~, !Join ~, !If ~, !FindInMap ~, !Select ~]",
        "  Z:",
        "    Type: AWS::IAM::User",
        "    Properties: ~",
        "  W:",
        "    Type: AWS::Lambda::Permission",
        "    Properties: {Action: ~, Principal: ~, FunctionName: ~}",
        "  V:",
        "    Type: AWS::Organizations::Policy",
        "    Properties: {Type: ~, Content: ~}",
        "  U:",
        "    Type: AWS::Serverless::Function",
        "    Properties: {Policies: [~, {}, [1], !Ref ~]}",
        "Outputs:",
        "  O: ~",
        "  P: {Value: ~}",
        "  Q: {Value: !GetAtt ~}",
      );
      const result = fromYaml(text);
      assert.deepEqual(summary(result), [{ origin: "AWS::IAM::Role Y .Policies[3]", kind: "identity", attachedTo: ["AWS::IAM::Role Y"] }]);
      assert.deepEqual(result.policies[0]!.json, { Statement: null });
      assert.deepEqual(
        result.findings.map((finding) => [finding.severity, finding.line]),
        [
          ["warning", 12],
          ["warning", 13],
          ["warning", 13],
          ["warning", 13],
          ["warning", 18],
          ["note", 23],
          // `{}` in SAM Policies names no policy template (issue #11: said, not skipped).
          ["note", 26],
        ],
      );
      assert.deepEqual(
        result.facts.map((fact) => [fact.type, fact.origin]),
        [
          ["managed-policy-attachment", "AWS::IAM::Role Y .ManagedPolicyArns[1]"],
          ["managed-policy-attachment", "AWS::IAM::Role Y .ManagedPolicyArns[3]"],
          ["managed-policy-attachment", "AWS::IAM::Role Y .ManagedPolicyArns[4]"],
          ["managed-policy-attachment", "AWS::IAM::Role Y .ManagedPolicyArns[5]"],
          ["managed-policy-attachment", "AWS::IAM::Role Y .ManagedPolicyArns[6]"],
          ["managed-policy-attachment", "AWS::IAM::Role Y .ManagedPolicyArns[7]"],
          ["managed-policy-attachment", "AWS::IAM::Role Y .ManagedPolicyArns[8]"],
          ["managed-policy-attachment", "AWS::IAM::Role Y .ManagedPolicyArns[9]"],
          ["iam-user", "AWS::IAM::User Z"],
          ["managed-policy-attachment", "AWS::Serverless::Function U .Policies[3]"],
        ],
      );
      for (const fact of result.facts) {
        if (fact.type === "managed-policy-attachment") assert.notEqual(fact.arn, "*");
      }
    });

    it("never throws on a JSON template with the wrong shapes", () => {
      const result = fromJson(
        lines(
          "{",
          '  "AWSTemplateFormatVersion": "2010-09-09",',
          '  "Resources": {',
          '    "R": { "Type": "AWS::IAM::Role", "Properties": "x" },',
          '    "S": { "Type": "AWS::IAM::Role", "Properties": { "Policies": { "PolicyDocument": 1 } } },',
          '    "B": { "Type": "AWS::S3::BucketPolicy", "Properties": { "PolicyDocument": "{not json" } },',
          '    "T": { "Type": "AWS::KMS::Key", "Properties": { "KeyPolicy": { "Statement": [{ "Effect": "Allow", "Principal": { "AWS": { "Fn::GetAtt": ["R", "Arn"] } }, "Action": "kms:*", "Resource": "*" }] } } }',
          "  },",
          '  "Outputs": [1, 2]',
          "}",
        ),
      );
      assert.deepEqual(summary(result), [{ origin: "AWS::KMS::Key T .KeyPolicy", kind: "resource", resourceType: "AWS::KMS::Key" }]);
      assert.deepEqual(
        result.policies[0]!.unresolved.map((u) => [u.pointer, u.hint]),
        [["/Statement/0/Principal/AWS", "arn"]],
      );
      assert.deepEqual(
        result.findings.map((finding) => [finding.severity, finding.line, finding.message]),
        [
          ["warning", 4, "Properties of AWS::IAM::Role R is not an object, so its policies were not analysed."],
          ["warning", 5, "PolicyDocument of AWS::IAM::Role S .Policies[0] is not an object, so it was not analysed."],
        ],
      );
      // A policy string that does not parse is an invalid-policy error (rule valid-policy-json), from this fact.
      assert.deepEqual(
        result.facts
          .filter((f) => f.type === "invalid-policy-text")
          .map((f) => [f.range.line, f.origin, f.type === "invalid-policy-text" ? f.detail : ""]),
        [[6, "AWS::S3::BucketPolicy B .PolicyDocument", "Unexpected identifier 'not' found"]],
      );
    });
  });

  describe("realistic templates", () => {
    const fixture = (name: string): string => readFileSync(new URL(`../fixtures/cloudformation/${name}`, import.meta.url), "utf8");

    it("pipeline.yaml", () => {
      const result = fromYaml(fixture("pipeline.yaml"));
      assert.deepEqual(
        result.policies.map((p) => [p.origin, p.kind, p.range.line]),
        [
          ["AWS::KMS::Key ArtifactKey .KeyPolicy", "resource", 22],
          ["AWS::S3::BucketPolicy ArtifactBucketPolicy .PolicyDocument", "resource", 49],
          ["AWS::IAM::Role BuildRole .AssumeRolePolicyDocument", "trust", 67],
          ["AWS::IAM::Role BuildRole .Policies[0]", "identity", 82],
          ["AWS::SNS::TopicPolicy NotificationsTopicPolicy .PolicyDocument", "resource", 102],
          ["AWS::Lambda::Permission WebhookPermission .Properties", "resource", 109],
        ],
      );
      assert.deepEqual(
        result.facts.map((fact) => [fact.type, fact.origin, fact.range.line]),
        [["managed-policy-attachment", "AWS::IAM::Role BuildRole .ManagedPolicyArns[0]", 78]],
      );
      assert.deepEqual(result.findings, []);
      const inline = policy(result, "AWS::IAM::Role BuildRole .Policies[0]");
      assert.deepEqual((inline.json as { Statement: unknown[] }).Statement.length, 2);
      assert.deepEqual(inline.positions["/Statement/1/Action"], at(90, 27, 90, 43));
    });

    it("ci-user.json", () => {
      const result = fromJson(fixture("ci-user.json"));
      assert.deepEqual(
        result.policies.map((p) => [p.origin, p.kind, p.range.line, p.attachedTo]),
        [
          ["AWS::IAM::Group Deployers .Policies[0]", "identity", 25, ["AWS::IAM::Group Deployers", "AWS::IAM::User CiUser"]],
          ["AWS::SQS::QueuePolicy DeployQueuePolicy .PolicyDocument", "resource", 47, undefined],
          ["AWS::IAM::ManagedPolicy ReadOnlyPolicy .PolicyDocument", "identity", 64, ["AWS::IAM::User CiUser"]],
          ["AWS::Organizations::Policy DenyLeaveOrganization .Content", "scp", 75, undefined],
        ],
      );
      assert.deepEqual(
        result.facts.map((fact) => [fact.type, fact.origin, fact.range.line]),
        [
          ["iam-user", "AWS::IAM::User CiUser", 8],
          ["access-key", "AWS::IAM::AccessKey CiAccessKey", 15],
          ["secret-output", "Outputs CiSecretAccessKey", 81],
        ],
      );
      const queue = policy(result, "AWS::SQS::QueuePolicy DeployQueuePolicy .PolicyDocument");
      assert.deepEqual(queue.json, {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:root" },
            Action: "sqs:SendMessage",
            Resource: "arn:aws:sqs:{{!Ref AWS::Region}}:{{!Ref AWS::AccountId}}:deploy-events",
          },
        ],
      });
    });
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareAccess } from "../../src/new-access/compare.ts";
import type { AccessChange } from "../../src/new-access/types.ts";
import { accessChangesJson, renderAccessChanges } from "../../src/report/access-changes.ts";
import { extractFiles } from "../../src/extract/index.ts";
import type { Finding, PolicyDocument } from "../../src/types.ts";

/** The one policy in a file, through the real extractor, so positions are the file's own. */
async function policyOf(path: string, lines: readonly string[]): Promise<PolicyDocument> {
  const { policies, findings } = await extractFiles([{ path, text: lines.join("\n") }]);
  assert.deepEqual(findings, []);
  assert.equal(policies.length, 1, `expected one policy in ${path}`);
  return policies[0]!;
}

async function compare(
  before: readonly string[] | undefined,
  after: readonly string[] | undefined,
  path = "policies/app.json",
): Promise<AccessChange> {
  return compareAccess(before && (await policyOf(path, before)), after && (await policyOf(path, after)));
}

/** Where a finding points and what it says, without the fingerprint. */
function located(finding: Finding | undefined) {
  assert.ok(finding, "expected a finding");
  const { line, column, endLine, endColumn, severity, message, ruleId, category, source, messageId } = finding;
  return { line, column, endLine, endColumn, severity, message, ruleId, category, source, messageId };
}

const at = (line: number, column: number, endLine: number, endColumn: number) => ({ line, column, endLine, endColumn });
const local = { ruleId: "new-access", category: "new-access", source: "local" } as const;

const READ_REPORTS = [
  "{",
  '  "Version": "2012-10-17",',
  '  "Statement": [',
  "    {",
  '      "Effect": "Allow",',
  '      "Action": ["s3:GetObject"],',
  '      "Resource": "arn:aws:s3:::reports/*"',
  "    }",
  "  ]",
  "}",
];

describe("compareAccess", () => {
  it("identical policies: no change, even when reformatted or keys reordered", async () => {
    assert.deepEqual(await compare(READ_REPORTS, READ_REPORTS), { added: [], removed: [], findings: [] });
    const reformatted = [
      '{"Statement": [{"Resource": "arn:aws:s3:::reports/*", "Action": "s3:GetObject", "Effect": "Allow"}], "Version": "2012-10-17"}',
    ];
    assert.deepEqual(await compare(READ_REPORTS, reformatted), { added: [], removed: [], findings: [] });
  });

  it("action added: new Write access, pointed at the new action", async () => {
    const after = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Allow",',
      '      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],',
      '      "Resource": "arn:aws:s3:::reports/*"',
      "    }",
      "  ]",
      "}",
    ];
    const change = await compare(READ_REPORTS, after);
    assert.equal(change.findings.length, 1);
    assert.deepEqual(located(change.findings[0]), {
      ...at(6, 34, 6, 48),
      ...local,
      messageId: "newAction",
      severity: "warning",
      message: "This change grants new Write access: s3:PutObject, s3:DeleteObject on arn:aws:s3:::reports/*.",
    });
    assert.deepEqual(change.added, [
      {
        accessLevel: "Write",
        actions: ["s3:DeleteObject", "s3:PutObject"],
        resources: ["arn:aws:s3:::reports/*"],
        statementPointer: "/Statement/0",
      },
    ]);
    assert.deepEqual(change.removed, []);
  });

  it("action removed: removed access only, no finding", async () => {
    const before = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Allow",',
      '      "Action": ["s3:GetObject", "s3:PutObject"],',
      '      "Resource": "arn:aws:s3:::reports/*"',
      "    }",
      "  ]",
      "}",
    ];
    const change = await compare(before, READ_REPORTS);
    assert.deepEqual(change.findings, []);
    assert.deepEqual(change.added, []);
    assert.deepEqual(change.removed, [
      { accessLevel: "Write", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::reports/*"], statementPointer: "/Statement/0" },
    ]);
  });

  it("s3:Get* → s3:*: new Permissions management, Tagging, Write and List access, nothing for the Get actions", async () => {
    const before = ['{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}'];
    const after = ['{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'];
    const change = await compare(before, after);
    assert.equal(change.findings.length, 1);
    const finding = located(change.findings[0]);
    assert.deepEqual(
      { ...finding, message: undefined },
      { ...at(1, 71, 1, 77), ...local, messageId: "newAction", severity: "error", message: undefined },
    );
    assert.match(
      finding.message,
      /^This change grants new Permissions management, Tagging, Write, Read and List access: s3:\w+, s3:\w+, s3:\w+ and \d+ more on \*\.$/,
    );

    const levels = change.added.map((d) => d.accessLevel);
    assert.deepEqual(levels, ["Permissions management", "Tagging", "Write", "Read", "List"]);
    const actionsAt = (level: string) => change.added.find((d) => d.accessLevel === level)?.actions ?? [];
    assert.ok(actionsAt("Permissions management").includes("s3:PutBucketPolicy"));
    assert.ok(actionsAt("Write").includes("s3:PutObject"));
    assert.ok(actionsAt("Write").includes("s3:DeleteBucket"));
    assert.ok(actionsAt("List").includes("s3:ListBucket"));
    assert.ok(
      change.added.every((d) => d.actions.every((a) => !a.startsWith("s3:Get"))),
      "s3:Get* was already granted",
    );
    assert.ok(change.added.every((d) => d.resources.length === 1 && d.resources[0] === "*"));
    assert.deepEqual(change.removed, []);
  });

  it("a whole service added where nothing of it was granted is summarised as s3:*", async () => {
    const before = ['{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}'];
    const after = ['{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sqs:SendMessage", "s3:*"], "Resource": "*"}]}'];
    const change = await compare(before, after);
    assert.deepEqual(change.added, [
      { accessLevel: "Permissions management", actions: ["s3:*"], resources: ["*"], statementPointer: "/Statement/0" },
    ]);
    assert.deepEqual(located(change.findings[0]), {
      ...at(1, 91, 1, 97),
      ...local,
      messageId: "newAction",
      severity: "error",
      message: "This change grants new Permissions management, Tagging, Write, Read and List access: all s3 actions on *.",
    });
  });

  it("Action * is summarised as all actions of every service", async () => {
    const before = ['{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'];
    const after = ['{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'];
    const change = await compare(before, after);
    assert.deepEqual(change.added, [
      { accessLevel: "Permissions management", actions: ["*"], resources: ["*"], statementPointer: "/Statement/0" },
    ]);
    assert.equal(
      change.findings[0]?.message,
      "This change grants new Permissions management, Tagging, Write, Read and List access: all actions of every service on *.",
    );
    assert.deepEqual(change.removed, []);
  });

  it("resource widened: pointed at the new Resource value", async () => {
    const before = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Allow",',
      '      "Action": ["s3:GetObject", "s3:PutObject"],',
      '      "Resource": "arn:aws:s3:::b/reports/*"',
      "    }",
      "  ]",
      "}",
    ];
    const after = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Allow",',
      '      "Action": ["s3:GetObject", "s3:PutObject"],',
      '      "Resource": "*"',
      "    }",
      "  ]",
      "}",
    ];
    const change = await compare(before, after);
    assert.equal(change.findings.length, 1);
    assert.deepEqual(located(change.findings[0]), {
      ...at(7, 19, 7, 22),
      ...local,
      messageId: "widenedResource",
      severity: "warning",
      message:
        "This change widens Resource from arn:aws:s3:::b/reports/* to *, which grants new Write and Read access: s3:PutObject, s3:GetObject.",
    });
    assert.deepEqual(change.added, [
      { accessLevel: "Write", actions: ["s3:PutObject"], resources: ["*"], statementPointer: "/Statement/0" },
      { accessLevel: "Read", actions: ["s3:GetObject"], resources: ["*"], statementPointer: "/Statement/0" },
    ]);
    assert.deepEqual(change.removed, []);
  });

  it("resource narrowed: removed access only", async () => {
    const before = [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}',
    ];
    const after = [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/reports/*"}]}',
    ];
    const change = await compare(before, after);
    assert.deepEqual(change.findings, []);
    assert.deepEqual(change.added, []);
    assert.deepEqual(change.removed, [
      { accessLevel: "Read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"], statementPointer: "/Statement/0" },
    ]);
  });

  it("condition dropped from a bucket policy: more principals get the action", async () => {
    const before = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Allow",',
      '      "Principal": "*",',
      '      "Action": "s3:GetObject",',
      '      "Resource": "arn:aws:s3:::b/*",',
      '      "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}',
      "    }",
      "  ]",
      "}",
    ];
    const after = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Allow",',
      '      "Principal": "*",',
      '      "Action": "s3:GetObject",',
      '      "Resource": "arn:aws:s3:::b/*"',
      "    }",
      "  ]",
      "}",
    ];
    const change = await compare(before, after, "policies/bucket.json");
    assert.equal(change.findings.length, 1);
    assert.deepEqual(located(change.findings[0]), {
      ...at(4, 5, 9, 6),
      ...local,
      messageId: "droppedCondition",
      severity: "note",
      message: "This change drops the condition aws:PrincipalOrgID, so more principals get s3:GetObject on arn:aws:s3:::b/*.",
    });
    assert.deepEqual(change.added, [
      {
        accessLevel: "Read",
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::b/*"],
        principals: ["*"],
        conditionsDropped: true,
        statementPointer: "/Statement/0",
      },
    ]);
    assert.deepEqual(change.removed, []);
  });

  it("condition value list widened: pointed at the condition's value", async () => {
    const before = [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*",',
      '  "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}',
    ];
    const after = [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*",',
      '  "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}}]}',
    ];
    const change = await compare(before, after);
    assert.deepEqual(located(change.findings[0]), {
      ...at(2, 57, 2, 83),
      ...local,
      messageId: "widenedCondition",
      severity: "warning",
      message: "This change widens the condition aws:RequestedRegion, so more requests get ec2:StopInstances on *.",
    });
    assert.equal(change.added[0]?.conditionsDropped, true);
  });

  it("condition added: removed access only", async () => {
    const before = [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}',
    ];
    const after = [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",',
      '  "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}',
    ];
    const change = await compare(before, after);
    assert.deepEqual(change.findings, []);
    assert.deepEqual(change.added, []);
    assert.deepEqual(change.removed, [
      {
        accessLevel: "Read",
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::b/*"],
        conditionsAdded: true,
        statementPointer: "/Statement/0",
      },
    ]);
  });

  it("principal added to a bucket policy: pointed at the new principal", async () => {
    const before = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Allow",',
      '      "Principal": {"AWS": ["arn:aws:iam::111122223333:role/reader"]},',
      '      "Action": "s3:GetObject",',
      '      "Resource": "arn:aws:s3:::b/*"',
      "    }",
      "  ]",
      "}",
    ];
    const after = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Allow",',
      '      "Principal": {"AWS": ["arn:aws:iam::111122223333:role/reader", "444455556666"]},',
      '      "Action": "s3:GetObject",',
      '      "Resource": "arn:aws:s3:::b/*"',
      "    }",
      "  ]",
      "}",
    ];
    const change = await compare(before, after, "policies/bucket.json");
    assert.equal(change.findings.length, 1);
    assert.deepEqual(located(change.findings[0]), {
      ...at(6, 70, 6, 84),
      ...local,
      messageId: "newPrincipal",
      severity: "note",
      message: "This change adds the principal 444455556666, which gets Read access: s3:GetObject on arn:aws:s3:::b/*.",
    });
    assert.deepEqual(change.added, [
      {
        accessLevel: "Read",
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::b/*"],
        principals: ["444455556666"],
        statementPointer: "/Statement/0",
      },
    ]);
    assert.deepEqual(change.removed, []);
  });

  it("a role of an account already trusted as a whole is not a new principal", async () => {
    const before = [
      '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}',
    ];
    const after = [
      '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}, "Action": "sts:AssumeRole"}]}',
    ];
    const change = await compare(before, after, "trust.json");
    assert.deepEqual(change.added, []);
    assert.deepEqual(change.findings, []);
    assert.deepEqual(change.removed, [
      {
        accessLevel: "Write",
        actions: ["sts:AssumeRole"],
        resources: [],
        principals: ["arn:aws:iam::111122223333:root"],
        statementPointer: "/Statement/0",
      },
    ]);
  });

  it("Deny removed: new access, pointed at the Statement key", async () => {
    const before = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},',
      '    {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}',
      "  ]",
      "}",
    ];
    const after = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}',
      "  ]",
      "}",
    ];
    const change = await compare(before, after);
    assert.equal(change.findings.length, 1);
    assert.deepEqual(located(change.findings[0]), {
      ...at(3, 3, 3, 14),
      ...local,
      messageId: "denyRemoved",
      severity: "warning",
      message: "This change removes a Deny of s3:DeleteBucket on *, so that access is no longer blocked.",
    });
    assert.deepEqual(change.added, [
      { accessLevel: "Write", actions: ["s3:DeleteBucket"], resources: ["*"], deny: true, statementPointer: "/Statement/1" },
    ]);
    assert.deepEqual(change.removed, []);
  });

  it("Deny narrowed: new access, pointed at the narrower Deny", async () => {
    const before = [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["iam:*", "organizations:*"], "Resource": "*"}]}',
    ];
    const after = ['{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["iam:*"], "Resource": "*"}]}'];
    const change = await compare(before, after);
    assert.deepEqual(located(change.findings[0]), {
      ...at(1, 41, 1, 97),
      ...local,
      messageId: "denyRemoved",
      severity: "error",
      message: "This change narrows a Deny, so it no longer denies all organizations actions on *.",
    });
    assert.deepEqual(change.added, [
      {
        accessLevel: "Permissions management",
        actions: ["organizations:*"],
        resources: ["*"],
        deny: true,
        statementPointer: "/Statement/0",
      },
    ]);
    assert.deepEqual(change.removed, []);
  });

  it("Effect Deny → Allow: one finding at the Effect, both the Allow and the removed Deny in added", async () => {
    const before = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Deny",',
      '      "Action": "s3:DeleteObject",',
      '      "Resource": "arn:aws:s3:::b/*"',
      "    }",
      "  ]",
      "}",
    ];
    const after = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Effect": "Allow",',
      '      "Action": "s3:DeleteObject",',
      '      "Resource": "arn:aws:s3:::b/*"',
      "    }",
      "  ]",
      "}",
    ];
    const change = await compare(before, after);
    assert.equal(change.findings.length, 1);
    assert.deepEqual(located(change.findings[0]), {
      ...at(5, 17, 5, 24),
      ...local,
      messageId: "effectChanged",
      severity: "warning",
      message: "This change turns a Deny into an Allow, which grants new Write access: s3:DeleteObject on arn:aws:s3:::b/*.",
    });
    assert.deepEqual(change.added, [
      { accessLevel: "Write", actions: ["s3:DeleteObject"], resources: ["arn:aws:s3:::b/*"], statementPointer: "/Statement/0" },
      { accessLevel: "Write", actions: ["s3:DeleteObject"], resources: ["arn:aws:s3:::b/*"], deny: true, statementPointer: "/Statement/0" },
    ]);
    assert.deepEqual(change.removed, []);
  });

  it("whole policy added: one summary finding per Allow statement", async () => {
    const after = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    {"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject", "s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::b/*"},',
      '    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"},',
      '    {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}',
      "  ]",
      "}",
    ];
    const change = await compare(undefined, after);
    assert.deepEqual(change.findings.map(located), [
      {
        ...at(4, 5, 4, 136),
        ...local,
        messageId: "newPolicy",
        severity: "warning",
        message:
          "This new policy grants Write, Read and List access: s3:PutObject, s3:DeleteObject, s3:GetObject and 1 more on arn:aws:s3:::b/*.",
      },
      {
        ...at(5, 5, 5, 100),
        ...local,
        messageId: "newPolicy",
        severity: "warning",
        message: "This new policy grants Write access: iam:PassRole on arn:aws:iam::111122223333:role/app.",
      },
    ]);
    assert.deepEqual(change.added, [
      {
        accessLevel: "Write",
        actions: ["s3:DeleteObject", "s3:PutObject"],
        resources: ["arn:aws:s3:::b/*"],
        statementPointer: "/Statement/0",
      },
      {
        accessLevel: "Write",
        actions: ["iam:PassRole"],
        resources: ["arn:aws:iam::111122223333:role/app"],
        statementPointer: "/Statement/1",
      },
      { accessLevel: "Read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"], statementPointer: "/Statement/0" },
      { accessLevel: "List", actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::b/*"], statementPointer: "/Statement/0" },
    ]);
    assert.deepEqual(change.removed, []);
  });

  it("whole policy removed: removed access only, no findings", async () => {
    const change = await compare(READ_REPORTS, undefined);
    assert.deepEqual(change.findings, []);
    assert.deepEqual(change.added, []);
    assert.deepEqual(change.removed, [
      { accessLevel: "Read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::reports/*"], statementPointer: "/Statement/0" },
    ]);
  });

  it("fingerprints do not depend on line numbers", async () => {
    const after = [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::reports/*"}]}',
    ];
    const first = await compare(READ_REPORTS, after);
    const shifted = await compare(READ_REPORTS, ["", "", ...after]);
    assert.equal(first.findings.length, 1);
    assert.equal(shifted.findings[0]?.line, 3);
    assert.equal(shifted.findings[0]?.fingerprint, first.findings[0]?.fingerprint);
  });
});

describe("compareAccess with unresolved values", () => {
  const template = (statements: string[]) => [
    'AWSTemplateFormatVersion: "2010-09-09"',
    "Parameters:",
    "  BucketName:",
    "    Type: String",
    "  OtherBucket:",
    "    Type: String",
    "Resources:",
    "  Policy:",
    "    Type: AWS::IAM::ManagedPolicy",
    "    Properties:",
    "      PolicyDocument:",
    '        Version: "2012-10-17"',
    "        Statement:",
    ...statements,
  ];

  it("placeholder unchanged: the same unresolved value is the same resource", async () => {
    const before = template([
      "          - Effect: Allow",
      "            Action: s3:PutObject",
      '            Resource: !Sub "arn:aws:s3:::${BucketName}/*"',
    ]);
    const after = template([
      "          - Sid: Upload",
      "            Effect: Allow",
      "            Action: s3:PutObject",
      '            Resource: !Sub "arn:aws:s3:::${BucketName}/*"',
    ]);
    assert.deepEqual(await compare(before, after, "template.yaml"), { added: [], removed: [], findings: [] });
  });

  it("placeholder unchanged, action added: certainly new access on that resource", async () => {
    const before = template([
      "          - Effect: Allow",
      "            Action: s3:GetObject",
      '            Resource: !Sub "arn:aws:s3:::${BucketName}/*"',
    ]);
    const after = template([
      "          - Effect: Allow",
      "            Action: [s3:GetObject, s3:PutObject]",
      '            Resource: !Sub "arn:aws:s3:::${BucketName}/*"',
    ]);
    const change = await compare(before, after, "template.yaml");
    assert.deepEqual(located(change.findings[0]), {
      ...at(15, 36, 15, 48),
      ...local,
      messageId: "newAction",
      severity: "warning",
      message: "This change grants new Write access: s3:PutObject on arn:aws:s3:::{{!Ref BucketName}}/*.",
    });
  });

  it("placeholder changed: may be new access, at a lower severity", async () => {
    const before = template([
      "          - Effect: Allow",
      "            Action: s3:PutObject",
      '            Resource: !Sub "arn:aws:s3:::${BucketName}/*"',
    ]);
    const after = template([
      "          - Effect: Allow",
      "            Action: s3:PutObject",
      '            Resource: !Sub "arn:aws:s3:::${OtherBucket}/*"',
    ]);
    const change = await compare(before, after, "template.yaml");
    assert.equal(change.findings.length, 1);
    assert.deepEqual(located(change.findings[0]), {
      ...at(16, 23, 16, 59),
      ...local,
      messageId: "newResource",
      severity: "note",
      message: "This change may grant new Write access: s3:PutObject on arn:aws:s3:::{{!Ref OtherBucket}}/*.",
    });
    assert.deepEqual(change.added, [
      {
        accessLevel: "Write",
        actions: ["s3:PutObject"],
        resources: ["arn:aws:s3:::{{!Ref OtherBucket}}/*"],
        uncertain: true,
        statementPointer: "/Statement/0",
      },
    ]);
    assert.deepEqual(change.removed, [
      {
        accessLevel: "Write",
        actions: ["s3:PutObject"],
        resources: ["arn:aws:s3:::{{!Ref BucketName}}/*"],
        uncertain: true,
        statementPointer: "/Statement/0",
      },
    ]);
    const policy = await policyOf("template.yaml", after);
    assert.equal(
      renderAccessChanges([{ policy, change, status: "changed" }]),
      [
        "Access changes",
        "  template.yaml:12 AWS::IAM::ManagedPolicy Policy .PolicyDocument (changed)",
        "    + Write (may): s3:PutObject on arn:aws:s3:::{{!Ref OtherBucket}}/*",
        "    - Write (may): s3:PutObject on arn:aws:s3:::{{!Ref BucketName}}/*",
      ].join("\n"),
    );
  });
});

describe("renderAccessChanges and accessChangesJson", () => {
  it("renders + and - lines per policy, shortening long lists", async () => {
    const before = await policyOf("policies/app.json", [
      '{"Version": "2012-10-17", "Statement": [',
      '  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::b/*"},',
      '  {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}',
      "]}",
    ]);
    const after = await policyOf("policies/app.json", [
      '{"Version": "2012-10-17", "Statement": [',
      '  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "s3:PutObjectTagging", "s3:RestoreObject", "s3:AbortMultipartUpload"], "Resource": "arn:aws:s3:::b/*"}',
      "]}",
    ]);
    const unchanged = await policyOf("policies/same.json", READ_REPORTS);
    const changes = [
      { policy: after, change: compareAccess(before, after), status: "changed" as const },
      { policy: unchanged, change: compareAccess(unchanged, unchanged), status: "changed" as const },
    ];
    assert.equal(
      renderAccessChanges(changes),
      [
        "Access changes",
        "  policies/app.json:1 (changed)",
        "    + Permissions management: s3:PutObjectAcl on arn:aws:s3:::b/*",
        "    + Tagging: s3:PutObjectTagging on arn:aws:s3:::b/*",
        "    + Write: s3:AbortMultipartUpload, s3:DeleteObject, s3:PutObject, s3:RestoreObject on arn:aws:s3:::b/*",
        "    + Write (Deny removed): s3:DeleteBucket on *",
        "    - List: s3:ListBucket on arn:aws:s3:::b/*",
      ].join("\n"),
    );
    assert.deepEqual(accessChangesJson(changes), {
      policies: [
        {
          file: "policies/app.json",
          line: 1,
          endLine: 3,
          kind: "identity",
          origin: "policies/app.json",
          status: "changed",
          added: changes[0]!.change.added,
          removed: changes[0]!.change.removed,
        },
      ],
    });
    assert.equal(renderAccessChanges([changes[1]!]), "");
  });

  it("truncates long action lists with and N more", async () => {
    const after = await policyOf("policies/admin.json", [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}',
    ]);
    const before = await policyOf("policies/admin.json", [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}]}',
    ]);
    const text = renderAccessChanges([{ policy: after, change: compareAccess(before, after), status: "changed" }]);
    const write = text.split("\n").find((line) => line.startsWith("    + Write: "));
    assert.match(write ?? "", /^ {4}\+ Write: iam:\w+, iam:\w+, iam:\w+, iam:\w+, iam:\w+ and \d+ more on \*$/);
  });
});

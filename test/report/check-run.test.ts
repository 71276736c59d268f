/**
 * The check run's output (issue #6): conclusion for every combination of findings and incompleteness, title,
 * summary sections, GitHub's size limits, annotations and their batches of 50, masking.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nockPerSuite } from "../nock-per-suite.ts";
import type { Finding, PolicyDocument } from "../../src/types.ts";
import type { SuppressedFinding } from "../../src/core/suppressions.ts";
import type { AccessChangeEntry } from "../../src/new-access/types.ts";
import { batches, MAX_SUMMARY_CHARS, renderCheckRun, type CheckRunInput } from "../../src/report/check-run.ts";

// Made-up credential, split so that this file is not itself a finding of no-hardcoded-aws-keys.
const KEY_ID = "AKIA" + "2OGYBAH6STMMNXNN";

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    file: "iam/deploy.json",
    line: 7,
    endLine: 7,
    column: 19,
    endColumn: 22,
    ruleId: "no-admin-access",
    category: "overly-permissive",
    severity: "error",
    message: 'This statement allows "*" on every resource: full administrator access.',
    source: "local",
    fingerprint: "fp-admin",
    ...overrides,
  };
}

function input(overrides: Partial<CheckRunInput> = {}): CheckRunInput {
  return {
    findings: [],
    suppressed: [],
    skipped: [],
    incomplete: [],
    failOn: "error",
    inlineCount: 0,
    overflowCount: 0,
    policiesCount: 3,
    filesCount: 2,
    ...overrides,
  };
}

const error = finding();
const warning = finding({
  severity: "warning",
  ruleId: "no-iam-users",
  category: "long-term-credentials",
  line: 12,
  endLine: 14,
  fingerprint: "fp-user",
});
const note = finding({
  severity: "note",
  ruleId: "valid-condition",
  category: "invalid-policy",
  line: 3,
  endLine: 3,
  fingerprint: "fp-note",
});

describe("renderCheckRun: conclusion and title", () => {
  nockPerSuite();

  it("succeeds with nothing to report", () => {
    const run = renderCheckRun(input());
    assert.deepEqual([run.conclusion, run.title], ["success", "No IAM findings"]);
    assert.equal(
      run.summary,
      "**Passed**: nothing at or above `error`.\n\nNo findings in 3 policies across 2 files (failing at `error` and above).",
    );
    assert.equal(run.text, undefined);
    assert.deepEqual(run.annotations, []);
  });

  it("succeeds when every finding is below failOn", () => {
    const run = renderCheckRun(input({ findings: [warning, note], policiesCount: 1 }));
    assert.deepEqual([run.conclusion, run.title], ["success", "1 warning, 1 note in 1 policy"]);
  });

  it("fails at or above failOn", () => {
    const run = renderCheckRun(input({ findings: [error, finding({ fingerprint: "e2" }), warning] }));
    assert.deepEqual([run.conclusion, run.title], ["failure", "2 errors, 1 warning in 3 policies"]);
    assert.match(run.summary, /^\*\*Failed\*\*: 2 findings at or above `error`\.\n/);
    assert.equal(renderCheckRun(input({ findings: [warning], failOn: "warning" })).conclusion, "failure");
    assert.equal(renderCheckRun(input({ findings: [error], failOn: "never" })).conclusion, "success");
  });

  it("is neutral, never success, when only Access Analyzer was unavailable, with the reason first", () => {
    const run = renderCheckRun(
      input({ accessAnalyzer: { enabled: true, complete: false, reason: "Access Analyzer unreachable" }, findings: [warning] }),
    );
    assert.deepEqual([run.conclusion, run.title], ["neutral", "Incomplete: Access Analyzer unreachable"]);
    assert.ok(
      run.summary.startsWith(
        "> **Incomplete analysis**: Access Analyzer unreachable.\n> Nothing found so far fails this check, but it cannot pass until a complete analysis: fix the cause and re-run this check.\n\n**Not passed**: the analysis is incomplete.\n",
      ),
      run.summary,
    );
  });

  it("fails when IaC was not analysed and is neutral when only Access Analyzer or annotations failed, unless configured (issue #13)", () => {
    const cases: Array<[Partial<CheckRunInput>, string, string]> = [
      [{ incomplete: ["time budget of 60 s exceeded"] }, "failure", "Incomplete: time budget of 60 s exceeded"],
      [
        {
          accessAnalyzer: {
            enabled: true,
            complete: false,
            checks: { validatePolicy: 2, checkNoNewAccess: 0, checkAccessNotGranted: 0, checkNoPublicAccess: 0, failed: 2, skipped: 1 },
          },
        },
        "neutral",
        "Incomplete: Access Analyzer checks did not all run (2 failed, 1 skipped)",
      ],
      [
        { skipped: [{ path: "big.json", reason: "larger than 1 MB" }] },
        "failure",
        "Incomplete: 1 file that may hold IaC not analysed (listed below)",
      ],
      [{ truncated: { listed: 3000 } }, "failure", "Incomplete: the change has more than 3000 files and only the first 3000 were analysed"],
      [
        { incomplete: ["time budget of 60 s exceeded"], truncated: { listed: 3000, total: 3400 } },
        "failure",
        "Incomplete: time budget of 60 s exceeded (+1 more)",
      ],
      [
        { unsentAnnotations: 7 },
        "neutral",
        "Incomplete: 7 findings could not be sent as annotations (the Findings table below lists every finding)",
      ],
      [
        { skipped: [{ path: "big.json", reason: "larger than 1 MB" }], incompleteConclusion: "neutral" },
        "neutral",
        "Incomplete: 1 file that may hold IaC not analysed (listed below)",
      ],
      [
        { unsentAnnotations: 1, incompleteConclusion: "failure" },
        "failure",
        "Incomplete: 1 finding could not be sent as annotations (the Findings table below lists every finding)",
      ],
      // Files that do not look like IaC are listed, and the run stays complete.
      [
        { otherSkipped: [{ path: "package-lock.json", reason: "Skipped: the file is 6.0 MB, over the 5 MB limit." }] },
        "success",
        "No IAM findings",
      ],
    ];
    for (const [overrides, conclusion, title] of cases) {
      const run = renderCheckRun(input(overrides));
      assert.deepEqual([run.conclusion, run.title], [conclusion, title], JSON.stringify(overrides));
    }
    const listed = renderCheckRun(
      input({ otherSkipped: [{ path: "package-lock.json", reason: "Skipped: the file is 6.0 MB, over the 5 MB limit." }] }),
    );
    assert.match(
      listed.summary,
      /### Not analysed, not IaC \(1\)\n\nThese files do not look like a policy or a template \(lockfiles, binaries, links\), so skipping them leaves the analysis complete\.\n\n- package-lock\.json: Skipped: the file is 6\.0 MB, over the 5 MB limit\./,
    );
  });

  it("counts limits in bytes, as GitHub does: an annotation message of 64,000 characters of 3-byte text fits in 64,000 bytes", () => {
    const wide = { ...warning, message: "€".repeat(64_000) };
    const [annotation] = renderCheckRun(input({ findings: [wide] })).annotations;
    assert.ok(Buffer.byteLength(annotation!.message) <= 64_000, String(Buffer.byteLength(annotation!.message)));
    assert.match(annotation!.message, /^€+…$/);
  });

  it("fails when a failing finding meets an incomplete analysis, with the incompleteness still first", () => {
    const run = renderCheckRun(
      input({ findings: [error], accessAnalyzer: { enabled: true, complete: false, reason: "Access Analyzer unreachable" } }),
    );
    assert.deepEqual([run.conclusion, run.title], ["failure", "1 error in 3 policies (incomplete)"]);
    assert.ok(
      run.summary.startsWith(
        "> **Incomplete analysis**: Access Analyzer unreachable.\n> The findings below fail this check regardless; the parts not analysed may hold more.\n\n**Failed**: 1 finding at or above `error`.",
      ),
    );
  });

  it("keeps the title to one short line", () => {
    const run = renderCheckRun(input({ incomplete: [`Access Analyzer unreachable:\n${"z".repeat(500)}`, "time budget of 60 s exceeded"] }));
    assert.equal(run.title, `Incomplete: Access Analyzer unreachable: ${"z".repeat(130)}… (+1 more)`);
  });

  it("does not repeat an Access Analyzer reason that is also in incomplete", () => {
    const run = renderCheckRun(
      input({
        incomplete: ["Access Analyzer unreachable"],
        accessAnalyzer: { enabled: true, complete: false, reason: "Access Analyzer unreachable" },
      }),
    );
    assert.equal(run.title, "Incomplete: Access Analyzer unreachable");
  });
});

describe("renderCheckRun: summary", () => {
  nockPerSuite();

  it("counts by severity and category and says what is inline", () => {
    const run = renderCheckRun(
      input({
        findings: [error, warning, note, finding({ fingerprint: "e2", line: 9, endLine: 9 })],
        inlineCount: 3,
        overflowCount: 1,
        suppressed: [],
      }),
    );
    assert.ok(
      run.summary.includes(
        [
          "4 findings (2 errors, 1 warning, 1 note) in 3 policies across 2 files (failing at `error` and above).",
          "",
          "| Category | Errors | Warnings | Notes | Total |",
          "| --- | --- | --- | --- | --- |",
          "| `overly-permissive` | 2 | 0 | 0 | 2 |",
          "| `invalid-policy` | 0 | 0 | 1 | 1 |",
          "| `long-term-credentials` | 0 | 1 | 0 | 1 |",
          "",
          "**Inline**: 3 new review comments on changed lines. 1 more finding on changed lines went over the limit of 30 inline comments per review. Every finding, including those outside the diff, is an annotation on this check run and listed below.",
        ].join("\n"),
      ),
      run.summary,
    );
    assert.equal(
      run.text,
      [
        "### Findings",
        "",
        "| Severity | Rule | Location | Message |",
        "| --- | --- | --- | --- |",
        '| error | `no-admin-access` | iam/deploy.json:7 | This statement allows "\\*" on every resource: full administrator access. |',
        '| error | `no-admin-access` | iam/deploy.json:9 | This statement allows "\\*" on every resource: full administrator access. |',
        '| warning | `no-iam-users` | iam/deploy.json:12 | This statement allows "\\*" on every resource: full administrator access. |',
        '| note | `valid-condition` | iam/deploy.json:3 | This statement allows "\\*" on every resource: full administrator access. |',
      ].join("\n"),
    );
  });

  it("has the access changes table, by access level", () => {
    const policy = {
      file: "iam/deploy.json",
      format: "json",
      range: { line: 1, column: 1, endLine: 20, endColumn: 2 },
      kind: "identity",
      origin: "iam/deploy.json",
      json: {},
      positions: {},
      keys: {},
      unresolved: [],
    } satisfies PolicyDocument;
    const accessChanges: AccessChangeEntry[] = [
      {
        policy,
        status: "changed",
        change: {
          added: [
            { accessLevel: "Read", actions: ["s3:GetObject"], resources: ["*"] },
            { accessLevel: "Permissions management", actions: ["iam:PassRole"], resources: ["*"], uncertain: true },
            {
              accessLevel: "Write",
              actions: [
                "s3:DeleteObject",
                "s3:PutObject",
                "s3:RestoreObject",
                "s3:ReplicateObject",
                "s3:ReplicateDelete",
                "s3:PutObjectTagging",
              ],
              resources: ["*"],
            },
          ],
          removed: [{ accessLevel: "List", actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::b"] }],
          findings: [],
        },
      },
      {
        policy: { ...policy, file: "iam/same.json", origin: "AWS::IAM::Role R" },
        status: "changed",
        change: { added: [], removed: [], findings: [] },
      },
    ];
    const run = renderCheckRun(input({ accessChanges }));
    assert.ok(
      run.summary.includes(
        [
          "### Access changes",
          "",
          "| Policy | Status | Added | Removed |",
          "| --- | --- | --- | --- |",
          "| iam/deploy.json:1 | changed | Permissions management (may): iam:PassRole; Write: s3:DeleteObject, s3:PutObject, s3:RestoreObject, s3:ReplicateObject, s3:ReplicateDelete, +1 more; Read: s3:GetObject | List: s3:ListBucket |",
        ].join("\n"),
      ),
      run.summary,
    );
    assert.ok(!run.summary.includes("same.json"));
    assert.match(
      renderCheckRun(input({ accessChanges: [] })).summary,
      /### Access changes\n\nNo changed policy grants more or less access than at the base\./,
    );
  });

  it("states what Access Analyzer did, or why it did not run", () => {
    const checks = { validatePolicy: 4, checkNoNewAccess: 3, checkAccessNotGranted: 2, checkNoPublicAccess: 1, failed: 0, skipped: 0 };
    assert.match(
      renderCheckRun(input({ accessAnalyzer: { enabled: true, complete: true, checks } })).summary,
      /\n\*\*Access Analyzer\*\*: 10 requests \(ValidatePolicy 4, CheckNoNewAccess 3, CheckAccessNotGranted 2, CheckNoPublicAccess 1\)\.$/,
    );
    assert.match(
      renderCheckRun(
        input({
          accessAnalyzer: { enabled: true, complete: false, checks: { ...checks, failed: 3 }, reason: "Access Analyzer unreachable" },
        }),
      ).summary,
      /\n\*\*Access Analyzer\*\*: \*\*incomplete\*\*\. Access Analyzer unreachable\. 3 failed and 0 skipped; 10 requests \(ValidatePolicy 4, CheckNoNewAccess 3, CheckAccessNotGranted 2, CheckNoPublicAccess 1\) sent\. The `access-analyzer\/unavailable` notes say what to fix\.$/,
    );
    assert.match(
      renderCheckRun(input({ accessAnalyzer: { enabled: false, complete: false } })).summary,
      /\n\*\*Access Analyzer\*\*: off\. Enable it with `accessAnalyzer: \{ enabled: true \}` in `\.github\/iam-policy-review\.yml`\.$/,
    );
    assert.equal(renderCheckRun(input({ accessAnalyzer: { enabled: false, complete: false } })).conclusion, "success");
  });

  it("lists suppressed findings with their reasons, and skipped files", () => {
    const suppressed: SuppressedFinding[] = [
      { ...warning, suppression: { reason: "static website, see SEC-123", expires: "2027-01-31", source: "iam/deploy.json:11" } },
      { ...note, suppression: { reason: "legacy | to be removed", source: "config" } },
    ];
    const run = renderCheckRun(input({ suppressed, skipped: [{ path: "cfn/huge.yml", reason: "larger than 1 MB (2.3 MB)" }] }));
    assert.ok(
      run.summary.includes(
        [
          "### Suppressed findings (2)",
          "",
          "| Rule | Location | Reason | Expires |",
          "| --- | --- | --- | --- |",
          "| `no-iam-users` | iam/deploy.json:12 | static website, see SEC-123 (iam/deploy.json:11) | 2027-01-31 |",
          "| `valid-condition` | iam/deploy.json:3 | legacy \\| to be removed (config) | — |",
          "",
          "### Skipped files (1)",
          "",
          "- cfn/huge.yml: larger than 1 MB (2.3 MB)",
        ].join("\n"),
      ),
      run.summary,
    );
    assert.match(run.summary, /No findings, 2 suppressed in 3 policies/);
  });

  it("stays within 65,535 characters with 5,000 findings, suppressions, skipped files and access changes", () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      finding({
        fingerprint: `fp${i}`,
        line: i + 1,
        endLine: i + 1,
        file: `policies/team-${i}/${"a-rather-long-directory-name/".repeat(10)}policy.json`,
      }),
    );
    const policy = {
      file: "p.json",
      format: "json",
      range: { line: 1, column: 1, endLine: 9, endColumn: 2 },
      kind: "identity",
      origin: "o".repeat(500),
      json: {},
      positions: {},
      keys: {},
      unresolved: [],
    } satisfies PolicyDocument;
    const actions = Array.from({ length: 50 }, (_, i) => `s3:Action${i}`);
    const run = renderCheckRun(
      input({
        findings: many,
        suppressed: many.map((f) => ({ ...f, suppression: { reason: "x".repeat(1000), source: "config" } })),
        skipped: many.map((f) => ({ path: f.file, reason: "larger than 1 MB" })),
        accessChanges: many.map((f) => ({
          policy: { ...policy, file: f.file },
          status: "changed",
          change: {
            added: [{ accessLevel: "Write", actions, resources: ["*"] }],
            removed: [{ accessLevel: "Read", actions, resources: ["*"] }],
            findings: [],
          },
        })),
        incomplete: ["time budget of 60 s exceeded.", ...Array.from({ length: 40 }, (_, i) => `reason ${i} ${"y".repeat(2000)}`)],
      }),
    );
    assert.ok(run.summary.length <= MAX_SUMMARY_CHARS, `${run.summary.length}`);
    assert.ok(run.text!.length <= MAX_SUMMARY_CHARS, `${run.text!.length}`);
    assert.match(run.summary, /^> \*\*Incomplete analysis\*\*: time budget of 60 s exceeded; reason 0 y+…; .*; and 32 more\.\n/);
    assert.match(run.summary, /\n\n… and \d+ more policies, not shown\.\n/);
    assert.match(run.summary, /\n\n… and \d+ more suppressed findings, not shown\.\n/);
    assert.match(run.summary, /\n\n… and \d+ more files, not shown\.$/);
    assert.equal(run.title, "5000 errors in 3 policies (incomplete)");
    assert.match(
      run.text!,
      /\n\n_List truncated at GitHub's limit of 65535 bytes; the annotations of this check run hold every finding\._$/,
    );
    assert.equal(run.annotations.length, 5000);
  });

  it("masks credentials in the summary, the text and the annotations", () => {
    const leaky = finding({
      message: `Found the key ${KEY_ID}.`,
      fix: { description: "Remove it.", line: 7, endLine: 7, replacement: `key = "${KEY_ID}"` },
    });
    const run = renderCheckRun(input({ findings: [leaky], skipped: [{ path: "keys.json", reason: `unreadable near ${KEY_ID}` }] }));
    const all = JSON.stringify(run);
    assert.ok(!all.includes(KEY_ID.slice(4)), all);
    assert.equal(run.annotations[0]!.message, "Found the key AKIA….");
    assert.match(run.summary, /- keys\.json: unreadable near AKIA…/);
  });
});

describe("renderCheckRun: annotations", () => {
  nockPerSuite();

  it("maps severities, puts columns only on one-line findings, and the fix in raw_details", () => {
    const fixed = finding({
      fix: { description: "Name the actions.", line: 7, endLine: 8, replacement: '      "Action": "s3:GetObject",' },
    });
    const aa = finding({
      source: "access-analyzer",
      ruleId: "access-analyzer/PASS_ROLE_WITH_STAR_IN_RESOURCE",
      severity: "note",
      fingerprint: "aa",
      line: 20,
      endLine: 20,
      column: 5,
      endColumn: 6,
    });
    const run = renderCheckRun(input({ findings: [note, warning, fixed, aa] }));
    assert.deepEqual(run.annotations, [
      {
        path: "iam/deploy.json",
        start_line: 7,
        end_line: 7,
        start_column: 19,
        end_column: 21,
        annotation_level: "failure",
        title: "no-admin-access",
        message: 'This statement allows "*" on every resource: full administrator access.',
        raw_details: 'Suggested fix (replace lines 7-8): Name the actions.\n\n      "Action": "s3:GetObject",',
      },
      {
        path: "iam/deploy.json",
        start_line: 12,
        end_line: 14,
        annotation_level: "warning",
        title: "no-iam-users",
        message: 'This statement allows "*" on every resource: full administrator access.',
      },
      {
        path: "iam/deploy.json",
        start_line: 3,
        end_line: 3,
        start_column: 19,
        end_column: 21,
        annotation_level: "notice",
        title: "valid-condition",
        message: 'This statement allows "*" on every resource: full administrator access.',
      },
      {
        path: "iam/deploy.json",
        start_line: 20,
        end_line: 20,
        start_column: 5,
        end_column: 5,
        annotation_level: "notice",
        title: "access-analyzer/PASS_ROLE_WITH_STAR_IN_RESOURCE",
        message: 'This statement allows "*" on every resource: full administrator access.',
      },
    ]);
  });

  it("sends 120 annotations in 3 requests of at most 50", () => {
    const findings = Array.from({ length: 120 }, (_, i) => finding({ fingerprint: `fp${i}`, line: i + 1, endLine: i + 1 }));
    const groups = batches(renderCheckRun(input({ findings })).annotations);
    assert.deepEqual(
      groups.map((g) => g.length),
      [50, 50, 20],
    );
    assert.deepEqual(batches([1, 2, 3], 2), [[1, 2], [3]]);
    assert.deepEqual(batches([]), []);
  });
});

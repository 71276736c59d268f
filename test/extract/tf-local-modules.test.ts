/**
 * Issue #11 gap 2: a local module (`source = "./modules/x"`) is followed with the caller's literal inputs, so a
 * policy built from `var.actions` is judged with the caller's value. Findings point at the `var.*` reference in the
 * module (a policy's positions are in one file) and the policy's origin names the call.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeFiles as analyze } from "../../src/core/analyze-files.ts";
import type { SourceFile } from "../../src/types.ts";
import { MAX_MODULE_CALLS, MAX_MODULE_DEPTH } from "../../src/extract/tf-local-modules.ts";

function lines(...rows: string[]): string {
  return `${rows.join("\n")}\n`;
}

async function scan(files: SourceFile[]) {
  return analyze(files, { today: "2026-06-01" });
}

const QUEUE_MODULE = lines(
  'variable "actions" {',
  '  default = ["sqs:SendMessage"]',
  "}",
  "",
  'data "aws_iam_policy_document" "this" {',
  "  statement {",
  "    actions   = var.actions",
  '    resources = ["*"]',
  "  }",
  "}",
  "",
  'resource "aws_iam_policy" "this" {',
  "  policy = data.aws_iam_policy_document.this.json",
  "}",
);

describe("local modules followed with the caller's literal inputs", () => {
  it("judges var.actions with the caller's value, at the reference in the module", async () => {
    const caller = lines('module "queue" {', '  source  = "./modules/q"', '  actions = ["sqs:*"]', "}");
    const { policies, findings } = await scan([
      { path: "main.tf", text: caller },
      { path: "modules/q/main.tf", text: QUEUE_MODULE },
    ]);
    assert.deepEqual(
      policies.map((p) => [p.file, p.origin]),
      [
        ["modules/q/main.tf", "data.aws_iam_policy_document.this"],
        ["modules/q/main.tf", "module.queue (main.tf:1) → data.aws_iam_policy_document.this"],
      ],
    );
    const wildcard = findings.filter((f) => f.ruleId === "no-service-wildcard-on-all-resources");
    assert.deepEqual(
      wildcard.map((f) => [f.file, f.line, f.column, f.endColumn, f.message]),
      [
        [
          "modules/q/main.tf",
          7,
          17,
          28,
          '"sqs:*" on every resource allows every sqs action, including future ones, on every resource in the account; list the actions and ARNs the workload uses.',
        ],
      ],
    );
  });

  it("reports a problem the caller's value does not change once, not again for the caller's copy", async () => {
    const module = lines(
      'variable "actions" {',
      '  default = ["sqs:SendMessage"]',
      "}",
      'data "aws_iam_policy_document" "this" {',
      "  statement {",
      "    actions   = var.actions",
      '    resources = ["*"]',
      "    principals {",
      '      type        = "Service"',
      '      identifiers = ["sns.amazonaws.com"]',
      "    }",
      "  }",
      "}",
      'resource "aws_sqs_queue_policy" "this" {',
      '  queue_url = "q"',
      "  policy    = data.aws_iam_policy_document.this.json",
      "}",
    );
    const caller = lines('module "queue" {', '  source  = "./modules/q"', '  actions = ["sqs:SendMessage", "sqs:ReceiveMessage"]', "}");
    const { policies, findings } = await scan([
      { path: "main.tf", text: caller },
      { path: "modules/q/main.tf", text: module },
    ]);
    assert.equal(policies.length, 2);
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "service-principal-source-condition").map((f) => [f.file, f.line]),
      [["modules/q/main.tf", 10]],
    );
  });

  it("adds nothing when the caller passes no literal input or the same value as the default", async () => {
    const caller = lines(
      'variable "from_outside" {}',
      'module "a" {',
      '  source  = "./modules/q"',
      "  actions = var.from_outside",
      "}",
      'module "b" {',
      '  source  = "./modules/q/"',
      '  actions = ["sqs:SendMessage"]',
      "}",
    );
    const { policies } = await scan([
      { path: "main.tf", text: caller },
      { path: "modules/q/main.tf", text: QUEUE_MODULE },
    ]);
    assert.deepEqual(
      policies.map((p) => p.origin),
      ["data.aws_iam_policy_document.this"],
    );
  });

  it("passes a literal through a module that forwards var.actions to a nested local module", async () => {
    const root = lines('module "outer" {', '  source  = "./modules/outer"', '  actions = ["iam:PassRole"]', "}");
    const outer = lines('variable "actions" {}', 'module "inner" {', '  source  = "../q"', "  actions = var.actions", "}");
    const { policies, findings } = await scan([
      { path: "main.tf", text: root },
      { path: "modules/outer/main.tf", text: outer },
      { path: "modules/q/main.tf", text: QUEUE_MODULE },
    ]);
    assert.deepEqual(
      policies.map((p) => p.origin),
      [
        "data.aws_iam_policy_document.this",
        "module.outer (main.tf:1) → module.inner (modules/outer/main.tf:2) → data.aws_iam_policy_document.this",
      ],
    );
    assert.deepEqual(
      findings.filter((f) => f.ruleId === "no-unscoped-pass-role").map((f) => [f.file, f.line, f.column]),
      [["modules/q/main.tf", 8, 18]],
    );
  });

  it(`follows at most ${MAX_MODULE_DEPTH} levels and says so at the call past the cap`, async () => {
    const chain = (dir: string, next: string) =>
      lines('variable "actions" {}', 'module "next" {', `  source  = "${next}"`, "  actions = var.actions", "}", `# ${dir}`);
    const { policies, findings } = await scan([
      { path: "main.tf", text: lines('module "l1" {', '  source  = "./l1"', '  actions = ["sqs:*"]', "}") },
      { path: "l1/main.tf", text: chain("l1", "../l2") },
      { path: "l2/main.tf", text: chain("l2", "../l3") },
      { path: "l3/main.tf", text: chain("l3", "../modules/q") },
      { path: "modules/q/main.tf", text: QUEUE_MODULE },
    ]);
    assert.equal(MAX_MODULE_DEPTH, 3);
    // main.tf → l1 → l2 are followed; l2's call into l3 would be the fourth level.
    assert.deepEqual(
      policies.map((p) => p.origin),
      ["data.aws_iam_policy_document.this"],
    );
    assert.deepEqual(
      findings.filter((f) => f.message.includes("was not followed")).map((f) => [f.file, f.line, f.severity, f.message]),
      [
        [
          "l2/main.tf",
          2,
          "note",
          "module.next was not followed into l3 with its inputs: past the limit of 3 levels of local modules; its policies were judged with the module's defaults.",
        ],
      ],
    );
  });

  it(`follows at most ${MAX_MODULE_CALLS} module calls from one directory`, async () => {
    const calls = Array.from({ length: MAX_MODULE_CALLS + 2 }, (_, i) =>
      lines(`module "q${i}" {`, '  source  = "./modules/q"', `  actions = ["sqs:Action${i}"]`, "}"),
    ).join("");
    const { policies, findings } = await scan([
      { path: "main.tf", text: calls },
      { path: "modules/q/main.tf", text: QUEUE_MODULE },
    ]);
    assert.equal(policies.length, 1 + MAX_MODULE_CALLS);
    const notes = findings.filter((f) => f.message.includes("was not followed"));
    assert.deepEqual(
      notes.map((f) => [f.file, f.line, f.severity]),
      [
        ["main.tf", 4 * MAX_MODULE_CALLS + 1, "note"],
        ["main.tf", 4 * MAX_MODULE_CALLS + 5, "note"],
      ],
    );
    assert.match(notes[0]!.message, new RegExp(`past the limit of ${MAX_MODULE_CALLS} local module calls`));
  });
});

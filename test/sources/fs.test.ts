import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { collectFiles, decodeSource, readSource, UsageError } from "../../src/sources/fs.ts";
import { inputFormatOf } from "../../src/extract/index.ts";

function tree(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(path.join(tmpdir(), "iam-policy-review-fs-"));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const accept = (file: string) => inputFormatOf(file) !== undefined;

describe("collectFiles", () => {
  it("walks directories respecting .gitignore (root and nested) and skipping dependency folders", async () => {
    const root = tree({
      ".git/HEAD": "ref: refs/heads/main\n",
      ".gitignore": "generated/\n*.local.json\n",
      "iam/policy.json": "{}",
      "iam/policy.local.json": "{}",
      "iam/sub/.gitignore": "secret.tf\n",
      "iam/sub/main.tf": "",
      "iam/sub/secret.tf": "",
      "generated/out.json": "{}",
      "node_modules/pkg/policy.json": "{}",
      ".terraform/modules/m/main.tf": "",
      "cdk.out/Stack.template.json": "{}",
      "cdk.out/asset.1234/policy.json": "{}",
      "README.md": "# not read",
      "stack.yaml": "a: 1",
    });
    roots.push(root);
    const files = await collectFiles(["."], root, { accept });
    assert.deepEqual(
      files.map((f) => path.relative(root, f)),
      ["cdk.out/Stack.template.json", "iam/policy.json", "iam/sub/main.tf", "stack.yaml"],
    );
  });

  it("applies the repository's .gitignore when scanning a subfolder", async () => {
    const root = tree({ ".git/HEAD": "", ".gitignore": "*.tmp.json\n", "infra/a.json": "{}", "infra/b.tmp.json": "{}" });
    roots.push(root);
    const files = await collectFiles(["infra"], root, { accept });
    assert.deepEqual(
      files.map((f) => path.relative(root, f)),
      ["infra/a.json"],
    );
  });

  it("reads a file named explicitly even when its extension is not one the walk picks", async () => {
    const root = tree({ "policy.txt": "{}" });
    roots.push(root);
    const files = await collectFiles(["policy.txt"], root, { accept });
    assert.deepEqual(
      files.map((f) => path.relative(root, f)),
      ["policy.txt"],
    );
  });

  it("honours ignore patterns from the config", async () => {
    const root = tree({ "examples/a.json": "{}", "prod/b.json": "{}" });
    roots.push(root);
    const files = await collectFiles(["."], root, { accept, ignorePatterns: ["examples/"] });
    assert.deepEqual(
      files.map((f) => path.relative(root, f)),
      ["prod/b.json"],
    );
  });

  it("rejects a path that does not exist as a usage error", async () => {
    await assert.rejects(collectFiles(["missing"], tmpdir(), { accept }), UsageError);
  });
});

describe("decodeSource", () => {
  it("skips binary files with a note", () => {
    const outcome = decodeSource("blob.json", new Uint8Array([0x7b, 0x00, 0x7d]));
    assert.equal(outcome.ok, false);
    if (!outcome.ok) {
      assert.equal(outcome.finding.severity, "note");
      assert.equal(outcome.finding.message, "Skipped: the file is binary.");
    }
  });

  it("skips files over 5 MB with a note giving the size", () => {
    const outcome = decodeSource("big.json", new Uint8Array(0), 6 * 1024 * 1024);
    assert.equal(outcome.ok, false);
    if (!outcome.ok) assert.equal(outcome.finding.message, "Skipped: the file is 6.0 MB, over the 5 MB limit.");
  });

  it("reports invalid UTF-8 in an IaC file as a warning, never decoding it into replacement characters", () => {
    const outcome = decodeSource("main.tf", new Uint8Array([0x61, 0xff, 0xfe, 0x62]));
    assert.equal(outcome.ok, false);
    if (!outcome.ok) {
      assert.equal(outcome.finding.severity, "warning");
      assert.equal(outcome.finding.message, "Skipped: the file is not valid UTF-8 text.");
    }
  });

  it("drops a byte-order mark so positions start at column 1", () => {
    const outcome = decodeSource("p.json", new TextEncoder().encode("\uFEFF{}"));
    assert.deepEqual(outcome, { ok: true, file: { path: "p.json", text: "{}" } });
  });

  it("reads a large file from disk without decoding it", async () => {
    const root = tree({ "big.json": new Uint8Array(5 * 1024 * 1024 + 1).fill(0x20) });
    roots.push(root);
    const outcome = await readSource(path.join(root, "big.json"), "big.json");
    assert.equal(outcome.ok, false);
  });
});

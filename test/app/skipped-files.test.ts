/**
 * Which skipped files make an analysis incomplete (issue #13): lockfiles, binaries and links never do; a file too
 * large or not UTF-8 does when its name or first bytes look like IaC or a policy.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { looksLikeIac } from "../../src/app/skipped-files.ts";

const TOO_LARGE = "Skipped: the file is 6.0 MB, over the 5 MB limit.";

describe("looksLikeIac", () => {
  it("lockfiles, binaries, links and scripts are not IaC", () => {
    assert.equal(looksLikeIac("package-lock.json", TOO_LARGE), false);
    assert.equal(looksLikeIac("web/pnpm-lock.yaml", TOO_LARGE), false);
    assert.equal(looksLikeIac("policies/logo.json", "Skipped: the file is binary."), false);
    assert.equal(looksLikeIac("policies/link.json", "not analysed: a symlink, not a regular file at the head commit"), false);
    assert.equal(looksLikeIac("deploy.sh", TOO_LARGE), false);
  });

  it("Terraform and templates too large to analyse are IaC; JSON and YAML when their first bytes say so", () => {
    assert.equal(looksLikeIac("infra/main.tf", TOO_LARGE), true);
    assert.equal(looksLikeIac("stack.template", TOO_LARGE), true);
    assert.equal(looksLikeIac("data/big.json", TOO_LARGE, '{"rows": [1, 2, 3'), false);
    assert.equal(looksLikeIac("iam/big.json", TOO_LARGE, '{\n  "Version": "2012-10-17",\n  "Statement": ['), true);
    assert.equal(
      looksLikeIac("cfn/stack.yaml", "Skipped: the file is not valid UTF-8 text.", "AWSTemplateFormatVersion: 2010-09-09\nResources:\n"),
      true,
    );
    assert.equal(looksLikeIac("cfn/values.yaml", TOO_LARGE, "replicas: 3\nimage: app\n"), false);
    // Unreadable first bytes: assume the worst.
    assert.equal(looksLikeIac("iam/big.json", TOO_LARGE), true);
  });
});

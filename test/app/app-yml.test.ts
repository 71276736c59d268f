/**
 * The App's manifest asks for the least permissions and only the events the App handles (issue #6).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";

const manifest = parse(readFileSync(new URL("../../app.yml", import.meta.url), "utf8")) as Record<string, unknown>;

describe("app.yml", () => {
  it("asks for exactly checks: write, pull_requests: write, contents: read and metadata: read", () => {
    assert.deepEqual(manifest.default_permissions, { checks: "write", pull_requests: "write", contents: "read", metadata: "read" });
  });

  it("subscribes to exactly pull_request, check_run, check_suite and merge_group", () => {
    assert.deepEqual([...(manifest.default_events as string[])].sort(), ["check_run", "check_suite", "merge_group", "pull_request"]);
  });

  it("names the App and is private by default", () => {
    assert.equal(manifest.name, "IAM Policy Review");
    assert.equal(typeof manifest.description, "string");
    assert.equal(manifest.public, false);
  });
});

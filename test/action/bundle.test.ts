/**
 * The committed Action bundle is what a fresh build gives (issue #14): GitHub runs dist-action/ as committed, so
 * a source change without `npm run build:action` would ship stale code.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { buildAction } from "../../scripts/build-action.ts";
import { tempDir } from "./fixture.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix))
    .sort()
    .flatMap((name) => {
      const rel = prefix ? `${prefix}/${name}` : name;
      return statSync(path.join(dir, rel)).isDirectory() ? filesUnder(dir, rel) : [rel];
    });
}

describe("dist-action/", () => {
  const fresh = tempDir("bundle");
  after(() => rmSync(fresh, { recursive: true, force: true }));

  it("is byte for byte a fresh build of the sources (run npm run build:action and commit when this fails)", async () => {
    await buildAction(fresh);
    const built = filesUnder(fresh).sort();
    const committed = execFileSync("git", ["ls-files", "-z", "dist-action"], { cwd: ROOT, encoding: "utf8" })
      .split("\0")
      .filter(Boolean)
      .map((f) => f.slice("dist-action/".length))
      .sort();
    assert.deepEqual(committed, built, "the files git tracks under dist-action/ are the files a build writes");
    const differing = built.filter((rel) => !readFileSync(path.join(fresh, rel)).equals(readFileSync(path.join(ROOT, "dist-action", rel))));
    assert.deepEqual(differing, []);
  });

  it("builds the same bytes twice (deterministic)", async () => {
    const again = tempDir("bundle-again");
    try {
      await buildAction(again);
      const differing = filesUnder(fresh).filter((rel) => !readFileSync(path.join(fresh, rel)).equals(readFileSync(path.join(again, rel))));
      assert.deepEqual(differing, []);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it("names node24 and the bundle in action.yml, with the inputs and outputs of the contract", () => {
    const yml = readFileSync(path.join(ROOT, "action.yml"), "utf8");
    assert.match(yml, /^runs:\n {2}using: node24\n {2}main: dist-action\/index\.js\n/m);
    const block = (name: string) => yml.slice(yml.indexOf(`\n${name}:\n`) + 1).split(/\n(?=\S)/)[0]!;
    const keys = (text: string) => [...text.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]);
    assert.deepEqual(keys(block("inputs")), ["path", "base", "fail-on", "config", "sarif-file", "access-analyzer", "annotations"]);
    assert.deepEqual(keys(block("outputs")), ["findings", "errors", "warnings", "new-access", "sarif-file"]);
  });
});

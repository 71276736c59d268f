/**
 * The analyses of one process (issue #13): a newer analysis of a commit stops the older ones on it; shutdown stops
 * them all, refuses new ones and waits for their runners within the grace period.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InFlight, type AnalysisStopped, type InFlightRun } from "../../src/app/in-flight.ts";

function run(repo: string, headSha: string, checkRunId?: number): InFlightRun & { stopped: AnalysisStopped[] } {
  const stopped: AnalysisStopped[] = [];
  return { repo, headSha, ...(checkRunId !== undefined ? { checkRunId } : {}), stopped, stop: (reason) => stopped.push(reason) };
}

describe("InFlight", () => {
  it("supersedes only the other analyses of the same commit of the same repository", () => {
    const registry = new InFlight();
    const older = run("o/r", "a".repeat(40), 1);
    const otherCommit = run("o/r", "b".repeat(40), 2);
    const otherRepo = run("o/x", "a".repeat(40), 3);
    const newer = run("o/r", "a".repeat(40), 4);
    for (const r of [older, otherCommit, otherRepo, newer]) registry.track(r, new Promise(() => undefined));
    assert.deepEqual(registry.supersede(newer), [1]);
    assert.deepEqual(
      older.stopped.map((s) => s.kind),
      ["superseded"],
    );
    assert.deepEqual(
      [otherCommit, otherRepo, newer].map((r) => r.stopped.length),
      [0, 0, 0],
    );
  });

  it("shutdown interrupts every analysis, waits for them to finish, and refuses new ones", async () => {
    const registry = new InFlight();
    let finish: () => void = () => undefined;
    const a = run("o/r", "a".repeat(40), 1);
    a.stop = (reason) => {
      a.stopped.push(reason);
      finish();
    };
    registry.track(a, new Promise<void>((resolve) => (finish = resolve)));
    assert.equal(registry.size, 1);
    assert.equal(await registry.shutdown(60_000), 0);
    assert.deepEqual(
      a.stopped.map((s) => s.kind),
      ["interrupted"],
    );
    assert.equal(registry.closing, true);
    assert.equal(registry.size, 0);
  });

  it("shutdown gives up at the end of the grace period and says how many were left", async () => {
    const registry = new InFlight();
    registry.track(run("o/r", "a".repeat(40)), new Promise(() => undefined));
    assert.equal(await registry.shutdown(0), 1);
  });
});

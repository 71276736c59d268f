/**
 * Project configuration (`.github/iam-policy-review.yml`): validated against a JSON schema, so a mistake is a
 * clear error naming the key rather than a setting that silently does nothing.
 */
import ignore from "ignore";
import type { PolicyKind, Severity } from "../types.ts";
import type { AccessAnalyzerOptions } from "../access-analyzer/types.ts";
import { POLICY_KINDS, SEVERITIES } from "../types.ts";
import { compareSeverity } from "../findings.ts";
import { DEFAULT_SENSITIVE_ACTIONS } from "../data/sensitive-actions.ts";

/** A suppression declared in the config (the only way for JSON, which has no comments); see suppressions.ts. */
export interface SuppressionEntry {
  rule: string;
  /** Gitignore-style path pattern. */
  path: string;
  /** Only findings in the statement with this Sid. */
  sid?: string;
  reason: string;
  /** YYYY-MM-DD; the suppression stops working after this day. */
  expires?: string;
}

export const FAIL_ON = ["error", "warning", "note", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface Config {
  failOn: FailOn;
  /** Gitignore-style patterns of paths never scanned. */
  ignorePaths: string[];
  /** Gitignore-style patterns mapping paths to the kind of the policies in them (SCP/RCP/boundary folders). */
  kinds: Partial<Record<PolicyKind, string[]>>;
  /** Per rule: "off" or a severity replacing the rule's default. */
  rules: Record<string, Severity | "off">;
  /** Actions that must not be granted broadly (sensitive-data rules, Access Analyzer CheckAccessNotGranted). */
  sensitiveActions: string[];
  suppressions: SuppressionEntry[];
  /** IAM Access Analyzer checks (billed per call): off unless enabled here or with `--access-analyzer`. */
  accessAnalyzer: { enabled: boolean; region?: string; concurrency: number };
  /**
   * The App: which `new-access` findings that are not on another finding's lines get an inline comment of their
   * own (`sensitive`, the default: Permissions management or sensitive actions; `all`; `none`). The others are in
   * the check run's Access changes table.
   */
  newAccessComments?: NewAccessComments;
  /** Base URL of the rule pages (`{rule}` is replaced by the rule id, else `<docsUrl>/<rule>.md`); https only. */
  docsUrl?: string;
  /**
   * The App: the conclusion of an incomplete analysis with no finding at or above `failOn`. Default: `failure`
   * when files that look like IaC were not analysed, `neutral` when only Access Analyzer (or annotations) failed.
   */
  incomplete?: IncompleteConclusion;
}

export const NEW_ACCESS_COMMENTS = ["sensitive", "all", "none"] as const;
export type NewAccessComments = (typeof NEW_ACCESS_COMMENTS)[number];
export const INCOMPLETE_CONCLUSIONS = ["failure", "neutral"] as const;
export type IncompleteConclusion = (typeof INCOMPLETE_CONCLUSIONS)[number];

export const DEFAULT_CONFIG: Config = {
  failOn: "error",
  ignorePaths: [],
  kinds: {},
  rules: {},
  sensitiveActions: [...DEFAULT_SENSITIVE_ACTIONS],
  suppressions: [],
  accessAnalyzer: { enabled: false, concurrency: 4 },
};

/** Where the App and the CLI look for the config, relative to the repository root. */
export const CONFIG_PATHS = [".github/iam-policy-review.yml", ".github/iam-policy-review.yaml"] as const;

const patternList = { type: "array", items: { type: "string", minLength: 1 } } as const;

/** The JSON schema of the config file (exported for docs and editor support). */
export const CONFIG_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "IAM Policy Review configuration",
  type: "object",
  additionalProperties: false,
  properties: {
    failOn: { enum: [...FAIL_ON], description: "Lowest severity that fails the check (default error)." },
    ignorePaths: { ...patternList, description: "Gitignore-style patterns of paths that are never scanned." },
    kinds: {
      type: "object",
      additionalProperties: false,
      description: "Gitignore-style path patterns per policy kind, e.g. `scp: [org/scps/]`.",
      properties: Object.fromEntries(POLICY_KINDS.map((kind) => [kind, patternList])),
    },
    rules: {
      type: "object",
      description: "Per rule id: off, or the severity to report it at.",
      additionalProperties: { enum: ["off", ...SEVERITIES] },
    },
    sensitiveActions: {
      type: "array",
      maxItems: 100,
      description: "Actions (wildcards allowed) that must not be granted broadly; replaces the default list.",
      items: { type: "string", pattern: "^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$" },
    },
    accessAnalyzer: {
      type: "object",
      additionalProperties: false,
      description: "IAM Access Analyzer checks: ValidatePolicy, CheckNoNewAccess, CheckAccessNotGranted, CheckNoPublicAccess.",
      properties: {
        enabled: { type: "boolean" },
        region: { type: "string", pattern: "^[a-z]{2}(-[a-z]+)+-\\d+$" },
        concurrency: { type: "integer", minimum: 1, maximum: 16 },
      },
    },
    newAccessComments: {
      enum: [...NEW_ACCESS_COMMENTS],
      description: "Which new-access findings that are on no other finding's lines get an inline comment: sensitive (default), all, none.",
    },
    docsUrl: {
      type: "string",
      pattern: "^https://[^\\s()<>]+$",
      description: "Base URL of the rule pages linked from comments: `{rule}` is replaced by the rule id, else `<docsUrl>/<rule>.md`.",
    },
    incomplete: {
      enum: [...INCOMPLETE_CONCLUSIONS],
      description:
        "Conclusion of an incomplete analysis (default failure when IaC files were not analysed, neutral when only Access Analyzer was unavailable).",
    },
    suppressions: {
      type: "array",
      description: "Findings to suppress, each with a reason and optionally an expiry date.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["rule", "path", "reason"],
        properties: {
          rule: { type: "string", minLength: 1 },
          path: { type: "string", minLength: 1 },
          sid: { type: "string", minLength: 1 },
          reason: { type: "string", minLength: 3 },
          expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
        },
      },
    },
  },
} as const;

export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** `/kinds/scp/0` → `kinds.scp[0]`. */
function keyName(instancePath: string, extra?: string): string {
  const parts = instancePath.split("/").filter(Boolean);
  if (extra) parts.push(extra);
  return parts.reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), "");
}

/**
 * Parses and validates config text. `source` names the file in error messages. Throws `ConfigError` with one
 * sentence per problem, each naming the key.
 */
export async function parseConfig(text: string, source: string, knownRules?: ReadonlySet<string>): Promise<Config> {
  let raw: unknown;
  try {
    const { parse } = await import("yaml"); // loaded only when there is a config file
    raw = parse(text, { maxAliasCount: 50, prettyErrors: true });
  } catch (error) {
    throw new ConfigError(`${source}: not valid YAML: ${(error as Error).message.split("\n")[0]}`, { cause: error });
  }
  if (raw === null || raw === undefined) return structuredClone(DEFAULT_CONFIG);
  // Loaded lazily: a scan without a config file does not pay for compiling the schema.
  const { Ajv } = await import("ajv");
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(CONFIG_SCHEMA);
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((e) => {
      if (e.keyword === "additionalProperties") {
        const extra = String((e.params as { additionalProperty: string }).additionalProperty);
        return `unknown key \`${keyName(e.instancePath, extra)}\``;
      }
      const where = keyName(e.instancePath) || "the top level";
      if (e.keyword === "required") {
        return `\`${keyName(e.instancePath, String((e.params as { missingProperty: string }).missingProperty))}\` is required`;
      }
      if (e.keyword === "enum") {
        return `\`${where}\` must be one of ${(e.params as { allowedValues: string[] }).allowedValues.join(", ")}`;
      }
      return `\`${where}\` ${e.message ?? "is invalid"}`;
    });
    throw new ConfigError(`${source}: ${problems.join("; ")}.`);
  }
  const config = raw as Partial<Config>;
  for (const [index, entry] of (config.suppressions ?? []).entries()) {
    if (entry.expires !== undefined && !isCalendarDate(entry.expires)) {
      throw new ConfigError(`${source}: \`suppressions[${index}].expires\` is not a real date (YYYY-MM-DD).`);
    }
  }
  if (knownRules) {
    const unknown = [...Object.keys(config.rules ?? {}), ...(config.suppressions ?? []).map((s) => s.rule)].filter(
      (id) => id !== "*" && !knownRules.has(id) && !id.startsWith("access-analyzer/"),
    );
    if (unknown.length > 0) {
      throw new ConfigError(`${source}: unknown rule ${[...new Set(unknown)].map((id) => `\`${id}\``).join(", ")}.`);
    }
  }
  return {
    failOn: config.failOn ?? DEFAULT_CONFIG.failOn,
    ignorePaths: config.ignorePaths ?? [],
    kinds: config.kinds ?? {},
    rules: config.rules ?? {},
    sensitiveActions: config.sensitiveActions ?? [...DEFAULT_SENSITIVE_ACTIONS],
    suppressions: config.suppressions ?? [],
    accessAnalyzer: { ...DEFAULT_CONFIG.accessAnalyzer, ...(config.accessAnalyzer ?? {}) },
    ...(config.newAccessComments ? { newAccessComments: config.newAccessComments } : {}),
    ...(config.docsUrl ? { docsUrl: config.docsUrl } : {}),
    ...(config.incomplete ? { incomplete: config.incomplete } : {}),
  };
}

/** Whether YYYY-MM-DD names a day that exists. */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** The policy kind the config assigns to a path (relative, forward slashes), if any. */
export function kindResolver(config: Config): (path: string) => PolicyKind | undefined {
  const matchers = POLICY_KINDS.flatMap((kind) => {
    const patterns = config.kinds[kind];
    return patterns?.length ? [{ kind, rules: ignore().add(patterns) }] : [];
  });
  if (matchers.length === 0) return () => undefined;
  // `ignore` only takes paths inside the root it was written for; a path above it (`../x`) matches nothing.
  return (path) => (path.startsWith("../") || path.startsWith("/") ? undefined : matchers.find((m) => m.rules.ignores(path))?.kind);
}

/** Whether a finding of this severity fails the run under `failOn`. */
export function failsAt(severity: Severity, failOn: FailOn): boolean {
  if (failOn === "never") return false;
  return compareSeverity(severity, failOn) <= 0;
}

/** The Access Analyzer runner's options from the config (the client is built by the runner). */
export function accessAnalyzerOptions(config: Config): AccessAnalyzerOptions {
  return {
    sensitiveActions: config.sensitiveActions,
    concurrency: config.accessAnalyzer.concurrency,
    ...(config.accessAnalyzer.region ? { region: config.accessAnalyzer.region } : {}),
  };
}

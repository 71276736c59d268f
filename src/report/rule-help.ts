/**
 * The help text of a rule, in Markdown: what it reports, why it matters, a compliant example and a link to the
 * rule's page. One text for every place that explains a rule at length: SARIF `help.markdown` (what the Security
 * tab shows for a code scanning alert) and the App's comment `<details>` (issue #14, issue #13). Pure.
 */
import { RULES } from "../rules/index.ts";
import type { Rule, RuleExample } from "../rules/define-rule.ts";
import { NEW_ACCESS, UNPARSED_INPUT } from "../rules/catalog.ts";
import { docsUrlOf } from "../rules/docs-url.ts";

export interface RuleHelpOptions {
  /**
   * Absolute URL that relative documentation links resolve against, e.g.
   * `https://github.com/owner/repo/blob/v1/` (the Action knows where it runs from; the package may not).
   */
  docsBase?: string;
}

const LOCAL_RULES: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));

/** The fenced code language of an example file. */
function languageOf(file: string): string {
  if (file.endsWith(".tf")) return "hcl";
  if (file.endsWith(".json")) return "json";
  return /\.ya?ml$/.test(file) ? "yaml" : "text";
}

/** A fence longer than any run of backticks in the text, so an example can never close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(longest + 1);
}

/** One documented example as Markdown: a bold title and a fenced block (shared with the generated rule pages). */
export function ruleExampleMarkdown(example: RuleExample): string {
  if ("policy" in example) {
    return [`**${example.title}** (${example.kind} policy)`, "", "```json", JSON.stringify(example.policy, null, 2), "```"].join("\n");
  }
  const text = example.text.trimEnd();
  const fence = fenceFor(text);
  return [`**${example.title}** (\`${example.file}\`)`, "", `${fence}${languageOf(example.file)}`, text, fence].join("\n");
}

/**
 * The address of the rule's page (`docs/rules/<id>.md`, only the local rules and `unparsed-input` have one),
 * absolute when it is or when `docsBase` makes it so; otherwise undefined.
 */
export function ruleDocsUrl(ruleId: string, options: RuleHelpOptions = {}): string | undefined {
  if (!LOCAL_RULES.has(ruleId) && ruleId !== UNPARSED_INPUT.id) return undefined;
  const url = docsUrlOf(ruleId);
  if (/^https:\/\//.test(url)) return url;
  if (!options.docsBase) return undefined;
  try {
    const absolute = new URL(url, options.docsBase).href;
    return absolute.startsWith("https://") ? absolute : undefined;
  } catch {
    return undefined;
  }
}

function docsLink(ruleId: string, options: RuleHelpOptions): string[] {
  const url = ruleDocsUrl(ruleId, options);
  return url ? ["", `[Documentation of \`${ruleId}\`](${url})`] : [];
}

const UNPARSED_RATIONALE =
  "A policy the tool could not read is a policy nobody reviewed. Instead of skipping it silently, the scan says " +
  "which file, which line and what is wrong: invalid JSON, YAML or HCL, input over the size or nesting limits, " +
  "binary or non-UTF-8 files, a policy whose text comes from a value the tool cannot resolve (a Terraform variable, " +
  "a module output, a `Ref` to a parameter without a default), or a suppression comment without a reason or past " +
  "its expiry date. Fix the input, or give the value a default the tool can read, so the policy is reviewed.";

const NEW_ACCESS_RATIONALE =
  "Each changed policy is compared with its own version on the base branch. The finding lists the actions, by " +
  "access level, that the change grants and the base did not (or grants with fewer conditions), so a reviewer " +
  "sees what the change really adds before it merges. If the access is intended, approve it; otherwise narrow " +
  "the actions, resources or conditions back to what the workload needs.";

const ACCESS_ANALYZER_RATIONALE =
  "Reported by AWS IAM Access Analyzer: policy validation (`ValidatePolicy`: errors, security warnings and " +
  "suggestions against IAM's grammar and best practices) or a custom policy check (`CheckNoNewAccess`, " +
  "`CheckAccessNotGranted`, `CheckNoPublicAccess`). The alert's message says what AWS found and where; its " +
  "link leads to AWS's explanation of the finding.";

const ACCESS_ANALYZER_DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

/**
 * The help of `ruleId` in Markdown: description, rationale, the first compliant example and a link to the rule's
 * page (only when that link is absolute). Covers the local rules, `unparsed-input`, `new-access` and
 * `access-analyzer/*`; undefined for an unknown id.
 */
export function ruleHelpMarkdown(ruleId: string, options: RuleHelpOptions = {}): string | undefined {
  const rule = LOCAL_RULES.get(ruleId);
  if (rule) {
    const example = rule.docs.examples.compliant[0];
    return [
      rule.docs.description,
      "",
      rule.docs.rationale,
      ...(example ? ["", "#### Compliant example", "", ruleExampleMarkdown(example)] : []),
      ...docsLink(ruleId, options),
    ].join("\n");
  }
  if (ruleId === UNPARSED_INPUT.id) return [UNPARSED_INPUT.description, "", UNPARSED_RATIONALE, ...docsLink(ruleId, options)].join("\n");
  if (ruleId === NEW_ACCESS.id) return [NEW_ACCESS.description, "", NEW_ACCESS_RATIONALE].join("\n");
  if (ruleId.startsWith("access-analyzer/")) {
    return [`IAM Access Analyzer: \`${ruleId.slice("access-analyzer/".length)}\`.`, "", ACCESS_ANALYZER_RATIONALE, "", `[IAM Access Analyzer policy check reference](${ACCESS_ANALYZER_DOCS})`].join(
      "\n",
    );
  }
  return undefined;
}

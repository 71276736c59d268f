/**
 * The help text of a rule, in Markdown: what it reports, why it matters, a compliant example and a link to the
 * rule's page. One text for every place that explains a rule at length: SARIF `help.markdown` (what the Security
 * tab shows for a code scanning alert) and the App's comment `<details>` (issue #14, issue #13). Pure.
 */
import { ALL_RULES } from "../rules/index.ts";
import type { Rule, RuleExample } from "../rules/define-rule.ts";
import { docsUrlOf } from "../rules/docs-url.ts";

export interface RuleHelpOptions {
  /**
   * Absolute URL that relative documentation links resolve against, e.g.
   * `https://github.com/owner/repo/blob/v1/` (the Action knows where it runs from; the package may not).
   */
  docsBase?: string;
}

/** Every rule with a page: the local rules and the descriptors of `new-access` and `unparsed-input` (issue #9). */
const LOCAL_RULES: ReadonlyMap<string, Rule> = new Map(ALL_RULES.map((rule) => [rule.id, rule]));

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
  if (!LOCAL_RULES.has(ruleId)) return undefined;
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
  if (ruleId.startsWith("access-analyzer/")) {
    return [
      `IAM Access Analyzer: \`${ruleId.slice("access-analyzer/".length)}\`.`,
      "",
      ACCESS_ANALYZER_RATIONALE,
      "",
      `[IAM Access Analyzer policy check reference](${ACCESS_ANALYZER_DOCS})`,
    ].join("\n");
  }
  return undefined;
}

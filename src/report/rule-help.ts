/**
 * The "learn more" text of a rule (issue #13): why the rule matters and a compliant example, both from the rule's
 * own docs (`rule.docs`, the source of docs/rules/<id>.md), plus the link to its page when that link is absolute.
 * One text for every front door: SARIF's `help.markdown` and the App's collapsed `<details>` under each inline
 * comment. Pure.
 */
import { RULES } from "../analyzers/rules/index.ts";
import type { Rule, RuleExample } from "../analyzers/rules/define-rule.ts";
import { docsUrlOf } from "../analyzers/docs-url.ts";

/** Checks that are not rule modules: their rationale is written here (docs/rules/unparsed-input.md says the same). */
const OTHER_RATIONALE: Readonly<Record<string, string>> = {
  "unparsed-input":
    "A policy the tool could not read is a policy nobody reviewed. Instead of skipping it silently, the scan says which file, which line and what is wrong, so the input can be fixed (or the file excluded with `ignorePaths`) and the policy reviewed.",
  "new-access":
    "A change that grants more access than the policy's version on the base branch deserves a second look even when no rule flags it: every new action, resource or principal is access someone can use. Check that the workload needs it, scoped to the resources it uses.",
};

/** A code block longer than any backtick run in the content. */
function fenced(lang: string, content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [`${fence}${lang}`, content, fence].join("\n");
}

function exampleMarkdown(e: RuleExample): string {
  if ("policy" in e) return [`**${e.title}** (${e.kind} policy)`, "", fenced("json", JSON.stringify(e.policy, null, 2))].join("\n");
  const lang = e.file.endsWith(".tf") ? "hcl" : e.file.endsWith(".json") ? "json" : /\.ya?ml$/.test(e.file) ? "yaml" : "text";
  return [`**${e.title}** (\`${e.file}\`)`, "", fenced(lang, e.text.trimEnd())].join("\n");
}

const BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));

/**
 * Markdown that explains `ruleId`: its rationale, its first compliant example, and a link to its docs page when
 * the docs URL is absolute https. Undefined for ids without docs (Access Analyzer's `access-analyzer/...`).
 */
export function ruleHelpMarkdown(ruleId: string): string | undefined {
  const rule = BY_ID.get(ruleId);
  const rationale = rule?.docs.rationale ?? OTHER_RATIONALE[ruleId];
  if (rationale === undefined) return undefined;
  const parts = [rationale.trim()];
  const compliant = rule?.docs.examples.compliant[0];
  if (compliant) parts.push(`Compliant example: ${exampleMarkdown(compliant)}`);
  const url = docsUrlOf(ruleId);
  if (/^https:\/\/[^\s()<>]+$/.test(url)) parts.push(`[Rule documentation](${url})`);
  return parts.join("\n\n");
}

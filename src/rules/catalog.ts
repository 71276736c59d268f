/**
 * What every rule id means, for reports (SARIF rule metadata): the local rules' own metadata, plus the checks
 * that are not rule modules (input problems, the new-access diff).
 */
import type { Category, Severity } from "../types.ts";
import { RULES } from "./index.ts";

export interface RuleDescriptor {
  id: string;
  category: Category;
  /** Default severity. */
  severity: Severity;
  /** One line, "Disallow ..." style or what the check reports. */
  description: string;
}

/** Findings about the input itself (parse errors, skipped files, unresolvable policies). */
export const UNPARSED_INPUT: RuleDescriptor = {
  id: "unparsed-input",
  category: "unparsed-input",
  severity: "warning",
  description: "Report files and policies that could not be read or parsed, so that nothing is skipped silently.",
};

/** The local new-access diff against each policy's base version (`scan --base`, the App). */
export const NEW_ACCESS: RuleDescriptor = {
  id: "new-access",
  category: "new-access",
  severity: "warning",
  description: "Report access a change adds compared with the policy's own version on the base branch.",
};

const DESCRIPTORS: ReadonlyMap<string, RuleDescriptor> = new Map(
  [
    UNPARSED_INPUT,
    NEW_ACCESS,
    ...RULES.map((rule) => ({ id: rule.id, category: rule.category, severity: rule.severity, description: rule.docs.description })),
  ].map((d) => [d.id, d]),
);

/** The descriptor of a rule id; ids from other sources (e.g. `access-analyzer/...`) get a generic one. */
export function describeRule(id: string, fallback: { category: Category; severity: Severity }): RuleDescriptor {
  return DESCRIPTORS.get(id) ?? { id, ...fallback, description: `Findings reported by ${id}.` };
}

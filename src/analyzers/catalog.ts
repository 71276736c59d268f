/**
 * What every rule id means, for reports (SARIF rule metadata, docs links). Local rules register here.
 */
import type { Category, Severity } from "../types.ts";

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

const DESCRIPTORS: readonly RuleDescriptor[] = [UNPARSED_INPUT];

/** The descriptor of a rule id; ids from other sources (e.g. `access-analyzer/...`) get a generic one. */
export function describeRule(id: string, fallback: { category: Category; severity: Severity }): RuleDescriptor {
  return DESCRIPTORS.find((d) => d.id === id) ?? { id, ...fallback, description: `Findings reported by ${id}.` };
}

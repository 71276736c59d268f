/**
 * What every rule id means, for reports (SARIF rule metadata) and the config: every rule's own metadata, the
 * local rules and those reported elsewhere (input problems, the new-access diff) alike.
 */
import type { Category, Severity } from "../types.ts";
import { ALL_RULES } from "./index.ts";

export interface RuleDescriptor {
  id: string;
  category: Category;
  /** Default severity. */
  severity: Severity;
  /** One line, "Disallow ..." style or what the check reports. */
  description: string;
}

const DESCRIPTORS: ReadonlyMap<string, RuleDescriptor> = new Map(
  ALL_RULES.map((rule) => [rule.id, { id: rule.id, category: rule.category, severity: rule.severity, description: rule.docs.description }]),
);

/** Every rule id the config may name (`rules:`), local or reported elsewhere. */
export function knownRuleIds(): Set<string> {
  return new Set(ALL_RULES.map((rule) => rule.id));
}

/** The descriptor of a rule id; ids from other sources (e.g. `access-analyzer/...`) get a generic one. */
export function describeRule(id: string, fallback: { category: Category; severity: Severity }): RuleDescriptor {
  return DESCRIPTORS.get(id) ?? { id, ...fallback, description: `Findings reported by ${id}.` };
}

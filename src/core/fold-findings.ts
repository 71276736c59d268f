/**
 * One problem, one finding (issue #10): when several local rules report the very same token (`iam:*` on `*` is an
 * escalation path, a service wildcard on every resource and an unscoped PassRole), the most severe finding stays
 * and names the others ("Also: …"), so a reviewer reads one comment with one severity per place. Pure.
 */
import type { Finding } from "../types.ts";

const SEVERITY_RANK = { error: 0, warning: 1, note: 2 } as const;

/**
 * Among findings of equal severity, the most specific wins: a named attack path before a broad grant, a broad grant
 * before a hygiene problem. Categories not listed rank after those listed, in their order of appearance.
 */
const CATEGORY_PRECEDENCE = [
  "privilege-escalation",
  "public-access",
  "cross-account-trust",
  "federation-trust",
  "confused-deputy",
  "defense-evasion",
  "sensitive-data-access",
  "overly-permissive",
  "mfa",
  "managed-policy",
  "invalid-policy",
] as const;

const categoryRank = (finding: Finding): number => {
  const index = (CATEGORY_PRECEDENCE as readonly string[]).indexOf(finding.category);
  return index === -1 ? CATEGORY_PRECEDENCE.length : index;
};

/** Findings that are never folded: input problems, the change review's own finding, Access Analyzer's. */
const foldable = (finding: Finding): boolean =>
  finding.source === "local" && finding.ruleId !== "unparsed-input" && finding.ruleId !== "new-access";

/** Folds findings that point at exactly the same range of the same file; order of the others is kept. */
export function foldSameToken(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (!foldable(finding)) continue;
    const key = `${finding.file}\u0000${finding.line}:${finding.column}:${finding.endLine}:${finding.endColumn}`;
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  const replaced = new Map<Finding, Finding | undefined>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const ranked = [...group].sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || categoryRank(a) - categoryRank(b) || a.ruleId.localeCompare(b.ruleId),
    );
    // A rule's several findings on one token are different problems (each missing setting): they all stay.
    const winner = ranked[0]!;
    const others = ranked.filter((f) => f.ruleId !== winner.ruleId);
    if (others.length === 0) continue;
    const rules = [...new Set(others.map((f) => f.ruleId))];
    const folded: Finding = { ...winner, message: `${winner.message} Also: ${rules.join(", ")}.` };
    if (!winner.fix) {
      const fix = others.find((f) => f.fix)?.fix;
      if (fix) folded.fix = fix;
    }
    for (const finding of others) replaced.set(finding, undefined);
    replaced.set(winner, folded);
  }
  if (replaced.size === 0) return [...findings];
  return findings.flatMap((f) => {
    if (!replaced.has(f)) return [f];
    const next = replaced.get(f);
    return next ? [next] : [];
  });
}

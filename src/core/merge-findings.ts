/**
 * Merges Access Analyzer's findings with the local ones: when both say the same kind of thing (same category) on
 * the same line of the same file, the local finding stays (it has our message, docs and fix) and notes that
 * Access Analyzer agrees; the Access Analyzer finding is not shown twice. Pure.
 */
import type { Finding } from "../types.ts";
import { maskFindings } from "../util/mask.ts";

export function mergeAccessAnalyzerFindings(local: readonly Finding[], remote: readonly Finding[]): Finding[] {
  const key = (f: Finding) => `${f.file}\u0000${f.line}\u0000${f.category}`;
  const byKey = new Map<string, Finding>();
  const merged = local.map((f) => ({ ...f }));
  for (const f of merged) if (f.source === "local" && !byKey.has(key(f))) byKey.set(key(f), f);
  const out: Finding[] = merged;
  // Access Analyzer's messages quote policy text; mask what looks like a credential (issue #12).
  for (const f of maskFindings(remote)) {
    const twin = f.category === "unparsed-input" ? undefined : byKey.get(key(f));
    if (!twin) {
      out.push(f);
      continue;
    }
    const code = f.ruleId.replace(/^access-analyzer\//, "");
    if (!twin.message.includes(`Access Analyzer (${code})`)) {
      twin.message = `${twin.message.replace(/\.?$/, ".")} Access Analyzer (${code}) reports it too.`;
    }
  }
  return out;
}

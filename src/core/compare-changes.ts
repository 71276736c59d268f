/**
 * Reviews a change: the policies in changed files are analysed with every rule and paired with their own base
 * version, and what each adds or removes is computed locally. Pure apart from the engine's lazy loading: the
 * callers (git for the CLI, the GitHub API for the App) read the files.
 */
import type { ChangedPath, Finding, PolicyDocument, SourceFile } from "../types.ts";
import { analyzeFiles, compareFindings } from "./analyze-files.ts";
import { extractFiles, type FileRead } from "../extract/index.ts";
import { kindResolver, type Config } from "./config.ts";
import { pairPolicies, type PolicyPair } from "./pairing.ts";
import { compareAccess } from "../new-access/compare.ts";
import type { AccessChangeEntry } from "../new-access/types.ts";
import { applySuppressions, type SuppressedFinding } from "./suppressions.ts";
import type { AccessAnalyzerItem } from "../access-analyzer/types.ts";

export interface ChangeInput {
  changed: readonly ChangedPath[];
  /** Head versions of the changed files, plus any other files needed to resolve references (Terraform modules). */
  headFiles: readonly SourceFile[];
  /** Base versions of the changed files (under their base path), plus the same kind of context files. */
  baseFiles: readonly SourceFile[];
  config: Config;
  /** YYYY-MM-DD, for suppression expiry; default today (UTC). */
  today?: string;
  /** Reads other files of the head tree for Terraform `file("...")`; the caller decides what may be read. */
  readFile?: (path: string) => FileRead;
  /** The same at the base, so a policy read through `file()` pairs with its base version. */
  readBaseFile?: (path: string) => FileRead;
}

export interface ChangeComparison {
  /** Policies in changed head files. */
  policies: PolicyDocument[];
  /** Findings in changed head files, local rules and new access, sorted. */
  findings: Finding[];
  suppressed: SuppressedFinding[];
  pairs: PolicyPair[];
  /** What each added, changed or removed policy grants or no longer grants. */
  accessChanges: AccessChangeEntry[];
  /** What Access Analyzer is sent: added and changed policies, with their base version. */
  accessAnalyzerItems: AccessAnalyzerItem[];
}

export async function compareChanges(input: ChangeInput): Promise<ChangeComparison> {
  const { config } = input;
  const today = input.today ?? new Date().toISOString().slice(0, 10);
  const changedHead = new Set(input.changed.filter((f) => f.status !== "deleted").map((f) => f.path));
  const changedBase = new Set(input.changed.filter((f) => f.status !== "added").map((f) => f.basePath));
  const renames = new Map(input.changed.filter((f) => f.path !== f.basePath).map((f) => [f.path, f.basePath]));

  const kindFor = kindResolver(config);
  const analysis = await analyzeFiles(input.headFiles, {
    kindFor,
    ...(input.readFile ? { readFile: input.readFile } : {}),
    ruleSeverities: config.rules,
    sensitiveActions: config.sensitiveActions,
    suppressions: config.suppressions,
    today,
  });
  const base = await extractFiles(input.baseFiles, { kindFor, ...(input.readBaseFile ? { readFile: input.readBaseFile } : {}) });
  // A policy a changed Terraform module reads with file() lives in its JSON file, which need not have changed
  // itself: only changed modules (and their siblings) are analysed, so such documents belong to the change.
  const throughFile = (p: PolicyDocument) => p.format === "terraform" && !p.file.endsWith(".tf");
  const policies = analysis.policies.filter((p) => changedHead.has(p.file) || throughFile(p));
  const pairs = pairPolicies(
    policies,
    base.policies.filter((p) => changedBase.has(p.file) || throughFile(p)),
    renames,
  );
  const reportedFiles = new Set([...changedHead, ...policies.filter(throughFile).map((p) => p.file)]);

  // Local new-access diff of every policy that changed, with the same suppressions as the rules' findings.
  const accessChanges: AccessChangeEntry[] = [];
  const newAccess: Finding[] = [];
  for (const pair of pairs) {
    if (pair.status === "unchanged") continue;
    const change = compareAccess(pair.before, pair.after);
    accessChanges.push({ policy: (pair.after ?? pair.before)!, change, status: pair.status });
    newAccess.push(...change.findings);
  }
  const diff = applySuppressions(newAccess, { files: input.headFiles, policies: analysis.policies, entries: config.suppressions, today });
  const level = config.rules["new-access"];
  const reported = level === "off" ? [] : diff.findings.map((f) => (level && f.ruleId === "new-access" ? { ...f, severity: level } : f));

  return {
    policies,
    findings: [...analysis.findings.filter((f) => reportedFiles.has(f.file)), ...reported].sort(compareFindings),
    suppressed: [...analysis.suppressed.filter((f) => reportedFiles.has(f.file)), ...diff.suppressed],
    pairs,
    accessChanges,
    accessAnalyzerItems: pairs.flatMap((p) =>
      p.after && (p.status === "added" || p.status === "changed") ? [{ after: p.after, ...(p.before ? { before: p.before } : {}) }] : [],
    ),
  };
}

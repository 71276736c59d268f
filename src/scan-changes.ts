/**
 * `scan --base REF`: scans only the files changed since REF (the merge base, as a pull request would) and pairs
 * each policy with its own version at the base. Terraform modules are read whole (head and base) so references
 * between their files resolve, but only findings in changed files are reported.
 */
import path from "node:path";
import type { Finding, PolicyDocument, SourceFile } from "./types.ts";
import { analyze, compareFindings } from "./engine.ts";
import { extractFiles, inputFormatOf } from "./extract/index.ts";
import { kindResolver, type Config } from "./config.ts";
import { decodeSource, readSource } from "./sources/fs.ts";
import { changedFiles, gitRoot, mergeBase, readAtCommit, resolveRef, type ChangedFile } from "./sources/git.ts";
import { pairPolicies, type PolicyPair } from "./analyzers/pairing.ts";
import { compareAccess, type AccessChangeEntry } from "./analyzers/new-access.ts";
import { applySuppressions } from "./analyzers/suppressions.ts";
import { mapLimit } from "./scan.ts";
import { readdir } from "node:fs/promises";
import ignore from "ignore";

export interface ChangeScanOptions {
  paths: readonly string[];
  cwd: string;
  config: Config;
  base: string;
}

export interface ChangeScan {
  /** Resolved base commit. */
  baseCommit: string;
  /** Changed files in scope, relative to `cwd`. */
  changed: string[];
  head: { files: SourceFile[]; policies: PolicyDocument[]; findings: Finding[]; suppressed: Awaited<ReturnType<typeof analyze>>["suppressed"] };
  pairs: PolicyPair[];
  /** What each added, changed or removed policy grants or no longer grants. */
  accessChanges: AccessChangeEntry[];
  /** Problems reading the changed files (too large, binary, not UTF-8). */
  readFindings: Finding[];
}

/** Sibling `.tf` files of a module directory (relative to root), for references between files. */
async function moduleSiblings(root: string, dir: string): Promise<string[]> {
  try {
    const entries = await readdir(path.join(root, dir), { withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith(".tf")).map((e) => path.posix.join(dir, e.name));
  } catch {
    return [];
  }
}

export async function runChangeScan(options: ChangeScanOptions): Promise<ChangeScan> {
  const { cwd, config } = options;
  const root = await gitRoot(cwd);
  const baseCommit = await mergeBase(root, await resolveRef(root, options.base));
  const toCwd = (rootRel: string) => path.relative(cwd, path.join(root, rootRel)).split(path.sep).join("/");
  const scopes = (options.paths.length > 0 ? options.paths : ["."]).map((p) => path.resolve(cwd, p));
  const ignored = config.ignorePaths.length ? ignore().add(config.ignorePaths) : undefined;
  const inScope = (file: ChangedFile) => {
    const abs = path.join(root, file.path);
    const rel = toCwd(file.path);
    if (ignored && !rel.startsWith("..") && ignored.ignores(rel)) return false;
    return scopes.some((scope) => abs === scope || abs.startsWith(scope + path.sep));
  };
  const changed = (await changedFiles(root, baseCommit)).filter(inScope);
  const renames = new Map(changed.filter((f) => f.status === "renamed").map((f) => [toCwd(f.path), toCwd(f.basePath)]));

  // Head: the changed files, plus the other .tf files of every changed Terraform module.
  const headPaths = new Set(changed.filter((f) => f.status !== "deleted").map((f) => f.path));
  const basePaths = new Set(changed.filter((f) => f.status !== "added").map((f) => f.basePath));
  for (const file of changed) {
    if (inputFormatOf(file.path) !== "terraform") continue;
    for (const sibling of await moduleSiblings(root, path.posix.dirname(file.path))) headPaths.add(sibling);
    if (file.status !== "added") {
      // The base module's other files are, by and large, today's unchanged siblings.
      for (const sibling of await moduleSiblings(root, path.posix.dirname(file.basePath))) {
        if (!changed.some((c) => c.path === sibling && c.status === "added")) basePaths.add(sibling);
      }
    }
  }
  const changedHead = new Set(changed.filter((f) => f.status !== "deleted").map((f) => toCwd(f.path)));
  const changedBase = new Set(changed.filter((f) => f.status !== "added").map((f) => toCwd(f.basePath)));

  const readFindings: Finding[] = [];
  const headFiles: SourceFile[] = [];
  for (const [index, outcome] of (await mapLimit([...headPaths], 16, (p) => readSource(path.join(root, p), toCwd(p)))).entries()) {
    if (outcome.ok) headFiles.push(outcome.file);
    else if (changedHead.has(toCwd([...headPaths][index]!))) readFindings.push(outcome.finding);
  }
  const baseFiles: SourceFile[] = [];
  for (const p of basePaths) {
    const bytes = await readAtCommit(root, baseCommit, p);
    if (!bytes) continue;
    const outcome = decodeSource(toCwd(p), bytes);
    if (outcome.ok) baseFiles.push(outcome.file);
  }

  const kindFor = kindResolver(config);
  const analysis = await analyze(headFiles, {
    kindFor,
    ruleSeverities: config.rules,
    sensitiveActions: config.sensitiveActions,
    suppressions: config.suppressions,
  });
  const base = await extractFiles(baseFiles, { kindFor });

  const headPolicies = analysis.policies.filter((p) => changedHead.has(p.file));
  const basePolicies = base.policies.filter((p) => changedBase.has(p.file));
  const pairs = pairPolicies(headPolicies, basePolicies, renames);

  // Local new-access diff of every policy that changed, with the same suppressions as the rules' findings.
  const accessChanges: AccessChangeEntry[] = [];
  const newAccess: Finding[] = [];
  for (const pair of pairs) {
    if (pair.status === "unchanged") continue;
    const change = compareAccess(pair.before, pair.after);
    accessChanges.push({ policy: (pair.after ?? pair.before)!, change, status: pair.status });
    newAccess.push(...change.findings);
  }
  const suppressedNewAccess = applySuppressions(newAccess, {
    files: headFiles,
    policies: analysis.policies,
    entries: config.suppressions,
    today: new Date().toISOString().slice(0, 10),
  });
  const severities = config.rules["new-access"];
  const reported = suppressedNewAccess.findings
    .filter((f) => f.ruleId !== "new-access" || severities !== "off")
    .map((f) => (f.ruleId === "new-access" && severities && severities !== "off" ? { ...f, severity: severities } : f));

  return {
    baseCommit,
    changed: [...new Set([...changedHead, ...changedBase])].sort(),
    head: {
      files: headFiles.filter((f) => changedHead.has(f.path)),
      policies: headPolicies,
      findings: [...analysis.findings.filter((f) => changedHead.has(f.file)), ...reported].sort(compareFindings),
      suppressed: [...analysis.suppressed.filter((f) => changedHead.has(f.file)), ...suppressedNewAccess.suppressed],
    },
    pairs,
    accessChanges,
    readFindings,
  };
}

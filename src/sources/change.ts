/**
 * One way to gather a change (issue #9): a {@link ChangeReader} lists what changed and reads files at the head and
 * at the base, with a git implementation (`scan --base`, git.ts) and a GitHub implementation (the App, github.ts).
 * {@link readChange} builds the head and base file lists from it — the changed files, the other `.tf` files of
 * every changed Terraform module, and the files Terraform's `file("...")` reads — so the CLI and the App read
 * exactly the same files.
 */
import { posix } from "node:path";
import type { ChangedPath, Finding, SourceFile } from "../types.ts";
import { extractFiles, inputFormatOf } from "../extract/index.ts";
import { mapLimit } from "../util/map-limit.ts";
import { inputFinding, WHOLE_FILE } from "../findings.ts";
import type { ReadOutcome } from "./fs.ts";

export type Side = "head" | "base";

/** Other `.tf` files read per module directory, so a huge generated module cannot fan out without bound. */
export const MAX_MODULE_SIBLINGS = 100;

/** The `.tf` files among a directory's files, sorted, at most {@link MAX_MODULE_SIBLINGS}. */
export function moduleFileList(paths: readonly string[]): string[] {
  return paths
    .filter((p) => p.toLowerCase().endsWith(".tf"))
    .sort()
    .slice(0, MAX_MODULE_SIBLINGS);
}

/** A file at one side: decoded, a finding saying why it was not (too large, binary, not UTF-8), or not there. */
export type SideOutcome = ReadOutcome | { ok: false; missing: true; reason: string };

export interface ChangeReader {
  /** The changed files, paths relative to the repository root. */
  list(): Promise<ChangedPath[]>;
  /**
   * A file's text at one side, `label` being the path findings name. `missing` only when the file is not there (or
   * not a regular file); any other failure rejects with an error that says what happened.
   */
  read(side: Side, path: string, label: string): Promise<SideOutcome>;
  /** The `.tf` files of a directory at one side (repository-relative paths); none when it does not exist. */
  moduleFiles(side: Side, dir: string): Promise<string[]>;
}

export interface ReadChangeOptions {
  /** Reads in flight. */
  concurrency: number;
  /** The path a report shows for a repository path (the CLI reports relative to its working directory). */
  toReport?: (repoPath: string) => string;
  /** The repository path of a reported path, or undefined when it is outside the repository. */
  toRepo?: (reportPath: string) => string | undefined;
}

export interface ChangeSources {
  /** Head versions of the changed files, plus the other `.tf` files of their modules (report paths). */
  headFiles: SourceFile[];
  /** Base versions (under their base path), plus the same kind of context files. */
  baseFiles: SourceFile[];
  /** Changed head files that could not be analysed, and why. */
  skipped: Array<{ path: string; reason: string }>;
  /** The same, as findings on the files. */
  readFindings: Finding[];
  /** Files Terraform's `file("...")` reads at the head (report paths); undefined for anything not read. */
  readFile: (path: string) => string | undefined;
  /** The same at the base. */
  readBaseFile: (path: string) => string | undefined;
  /** The texts behind `readFile` and `readBaseFile`, as plain data (for an analysis in a worker thread). */
  fileTargets: { head: ReadonlyMap<string, string>; base: ReadonlyMap<string, string> };
}

/**
 * Reads what the change review needs: the head version of every changed file that still exists and the base
 * version (under its base path) of every one that existed, plus, for each changed Terraform file, the other `.tf`
 * files of its directory at the same side, and the files those modules read with `file()`/`templatefile()`.
 */
export async function readChange(
  reader: ChangeReader,
  changed: readonly ChangedPath[],
  options: ReadChangeOptions,
): Promise<ChangeSources> {
  const toReport = options.toReport ?? ((p: string) => p);
  const toRepo = options.toRepo ?? inRepository;
  const changedHead = new Set(changed.filter((f) => f.status !== "deleted").map((f) => f.path));
  const changedBase = new Set(changed.filter((f) => f.status !== "added").map((f) => f.basePath));

  const listings: Array<{ side: Side; dir: string }> = [];
  const seen = new Set<string>();
  for (const file of changed) {
    for (const [side, path] of [
      ["head", file.path],
      ["base", file.basePath],
    ] as const) {
      if ((side === "head" ? file.status === "deleted" : file.status === "added") || inputFormatOf(path) !== "terraform") continue;
      const key = `${side}\u0000${posix.dirname(path)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      listings.push({ side, dir: posix.dirname(path) });
    }
  }
  const siblings = await mapLimit(listings, options.concurrency, (l) => reader.moduleFiles(l.side, l.dir));
  const siblingsOf = (side: Side) => siblings.flatMap((paths, i) => (listings[i]!.side === side ? paths : []));
  const headPaths = [...new Set([...changedHead, ...siblingsOf("head")])].sort();
  const basePaths = [...new Set([...changedBase, ...siblingsOf("base")])].sort();

  const reads = [
    ...headPaths.map((path) => ({ side: "head" as const, path })),
    ...basePaths.map((path) => ({ side: "base" as const, path })),
  ];
  const outcomes = await mapLimit(reads, options.concurrency, (r) => reader.read(r.side, r.path, toReport(r.path)));
  const result: ChangeSources = {
    headFiles: [],
    baseFiles: [],
    skipped: [],
    readFindings: [],
    readFile: () => undefined,
    readBaseFile: () => undefined,
    fileTargets: { head: new Map(), base: new Map() },
  };
  outcomes.forEach((outcome, index) => {
    const read = reads[index]!;
    if (outcome.ok) {
      (read.side === "head" ? result.headFiles : result.baseFiles).push(outcome.file);
      return;
    }
    // Only a changed head file that cannot be analysed matters to the report; siblings and base files are context.
    if (read.side !== "head" || !changedHead.has(read.path)) return;
    if ("missing" in outcome) {
      result.skipped.push({ path: toReport(read.path), reason: `not analysed: ${outcome.reason} at the head commit` });
    } else {
      result.skipped.push({ path: toReport(read.path), reason: outcome.finding.message });
      result.readFindings.push(outcome.finding);
    }
  });

  // A changed file whose head is readable but whose base is not (too large, binary, not UTF-8 there): its policies
  // are compared as if new, so say so instead of treating the base as absent.
  const headRead = new Set(result.headFiles.map((f) => f.path));
  outcomes.forEach((outcome, index) => {
    const read = reads[index]!;
    if (read.side !== "base" || outcome.ok || "missing" in outcome || !changedBase.has(read.path)) return;
    const head = changed.find((f) => f.basePath === read.path && f.status !== "deleted");
    if (!head || !headRead.has(toReport(head.path))) return;
    const why = outcome.finding.message.replace(/^Skipped: /, "").replace(/\.$/, "");
    result.readFindings.push(
      inputFinding(
        toReport(head.path),
        WHOLE_FILE,
        "warning",
        `The base version of this file could not be read (${why}), so its policies are compared with nothing: all their access counts as new.`,
        "base-unreadable",
      ),
    );
  });

  const head = await fileTargets(reader, "head", result.headFiles, options.concurrency, toRepo);
  const base = await fileTargets(reader, "base", result.baseFiles, options.concurrency, toRepo);
  result.fileTargets = { head, base };
  result.readFile = (path) => head.get(path);
  result.readBaseFile = (path) => base.get(path);
  return result;
}

/** A path inside the repository as it is, or undefined for an absolute path or one that climbs out of it. */
function inRepository(path: string): string | undefined {
  const normal = posix.normalize(path);
  return normal.startsWith("/") || normal === ".." || normal.startsWith("../") ? undefined : normal;
}

/**
 * The files the Terraform modules among `files` read with `file()`/`templatefile()`, read through the reader at
 * the same side: the modules are evaluated once with a reader that only records the paths asked for (a path can be
 * computed, e.g. from `path.module`), then those files are read. Paths outside the repository are never read.
 */
async function fileTargets(
  reader: ChangeReader,
  side: Side,
  files: readonly SourceFile[],
  concurrency: number,
  toRepo: (reportPath: string) => string | undefined,
): Promise<ReadonlyMap<string, string>> {
  const modules = files.filter((f) => inputFormatOf(f.path) === "terraform");
  if (modules.length === 0) return new Map();
  const asked = new Set<string>();
  await extractFiles(modules, {
    readFile: (path) => {
      asked.add(path);
      return undefined;
    },
  });
  const wanted = [...asked].flatMap((path) => {
    const repoPath = toRepo(path);
    return repoPath === undefined ? [] : [{ path, repoPath }];
  });
  const outcomes = await mapLimit(wanted, concurrency, (w) => reader.read(side, w.repoPath, w.path));
  const texts = new Map<string, string>();
  outcomes.forEach((outcome, index) => {
    if (outcome.ok) texts.set(wanted[index]!.path, outcome.file.text);
  });
  // Anything not read stays undefined: the extractor reports that policy as not analysed, naming the file.
  return texts;
}

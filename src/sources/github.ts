/**
 * The GitHub edge of the App (issue #6): a pull request's changed files and their text at the head and base
 * commits, read through the REST API with bounded concurrency. Terraform modules are read whole (the other `.tf`
 * files of each changed file's directory) so references between files resolve. Nothing here logs or keeps state;
 * every request carries the caller's abort signal (the analysis' time budget).
 */
import { posix } from "node:path";
import type { Context } from "probot";
import type { Finding, SourceFile } from "../types.ts";
import type { ChangedPath } from "../types.ts";
import { inputFormatOf } from "../extract/index.ts";
import { MAX_FILE_BYTES } from "../extract/limits.ts";
import { decodeSource, type ReadOutcome } from "./fs.ts";
import { mapLimit } from "../util/map-limit.ts";

/** The authenticated client of one webhook delivery. */
export type GitHub = Context["octokit"];

export interface Repo {
  owner: string;
  repo: string;
}

/** GitHub lists at most this many files of a pull request (REST `pulls.listFiles`). */
export const MAX_LISTED_FILES = 3000;

/** Other `.tf` files read per module directory, so a huge generated module cannot fan out without bound. */
export const MAX_MODULE_SIBLINGS = 100;

/** Requests in flight per analysis when reading contents. */
export const DEFAULT_READ_CONCURRENCY = 8;

/** One changed file of the pull request. */
export interface PullRequestFile extends ChangedPath {
  /** The unified diff GitHub shows (hunks only); absent for binary files and diffs too large to include. */
  patch?: string;
}

export interface ListedFiles {
  files: PullRequestFile[];
  /** Set when GitHub listed fewer files than the pull request changes (more than {@link MAX_LISTED_FILES}). */
  truncated?: { listed: number; total?: number };
}

const STATUS: Readonly<Record<string, ChangedPath["status"] | undefined>> = {
  added: "added",
  copied: "added",
  removed: "deleted",
  modified: "modified",
  changed: "modified",
  renamed: "renamed",
};

/**
 * Lists the pull request's changed files, 100 per page, up to GitHub's {@link MAX_LISTED_FILES}. `total` is the
 * pull request's `changed_files` when the caller knows it: a larger total, or a full 3,000, marks the list
 * truncated. Files GitHub reports as `unchanged` are left out.
 */
export async function listPullRequestFiles(
  octokit: GitHub,
  target: Repo & { pullNumber: number; total?: number },
  signal?: AbortSignal,
): Promise<ListedFiles> {
  const files: PullRequestFile[] = [];
  let listed = 0;
  await octokit.paginate(
    octokit.rest.pulls.listFiles,
    { owner: target.owner, repo: target.repo, pull_number: target.pullNumber, per_page: 100, ...(signal ? { request: { signal } } : {}) },
    (response, done) => {
      for (const file of response.data) {
        listed++;
        const status = STATUS[file.status];
        if (!status) continue;
        files.push({
          path: file.filename,
          basePath: status === "renamed" && file.previous_filename ? file.previous_filename : file.filename,
          status,
          ...(file.patch !== undefined ? { patch: file.patch } : {}),
        });
      }
      if (listed >= MAX_LISTED_FILES) done();
      return [];
    },
  );
  const total = target.total;
  const truncated = listed >= MAX_LISTED_FILES || (total !== undefined && total > listed);
  return { files, ...(truncated ? { truncated: { listed, ...(total !== undefined && total > listed ? { total } : {}) } } : {}) };
}

/**
 * Files besides those the engine parses that may hold a hard-coded AWS key (the `no-hardcoded-aws-keys` rule reads
 * any text file): environment files, shell and PowerShell scripts, INI/properties-style configuration, Terraform
 * variable files and AWS credential files. Other source code is not read by the App, to keep a pull request of
 * application code a quick "no IAM changes"; the CLI scans every text file.
 */
const CREDENTIAL_PRONE = /(?:^|\/)(?:\.env(?:\.[^/]*)?|[^/]+\.(?:env|sh|bash|zsh|ps1|properties|ini|cfg|conf|tfvars|hcl)|credentials)$/i;

/** Whether the App reads this changed file: a format the engine extracts, or a file that may hold a key. */
export function isCandidate(path: string): boolean {
  return inputFormatOf(path) !== undefined || CREDENTIAL_PRONE.test(path);
}

type ContentsAnswer = Awaited<ReturnType<GitHub["rest"]["repos"]["getContent"]>>["data"];

/** A file's text at a commit: the outcome of decoding it, or `missing` (not there, or not a regular file). */
export type FetchOutcome = ReadOutcome | { ok: false; missing: true; reason: string };

function requestOptions(signal: AbortSignal | undefined): { request?: { signal: AbortSignal } } {
  return signal ? { request: { signal } } : {};
}

function isNotFound(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 404;
}

/**
 * Reads one file at `ref`: base64 from `repos.getContent` up to 1 MB, the raw media type
 * (`application/vnd.github.raw`) above that, and nothing above the engine's 5 MB limit (a finding says so).
 * A path that does not exist at `ref` is `missing`; any other failure rejects.
 */
export async function fetchFile(octokit: GitHub, repo: Repo, path: string, ref: string, signal?: AbortSignal): Promise<FetchOutcome> {
  let data: ContentsAnswer;
  try {
    ({ data } = await octokit.rest.repos.getContent({ ...repo, path, ref, ...requestOptions(signal) }));
  } catch (error) {
    if (isNotFound(error)) return { ok: false, missing: true, reason: "not found" };
    throw new Error(`Could not read ${path} at ${ref.slice(0, 12)} from GitHub.`, { cause: error });
  }
  if (Array.isArray(data) || data.type !== "file") {
    return { ok: false, missing: true, reason: Array.isArray(data) ? "a directory" : `a ${data.type}, not a regular file` };
  }
  if (data.size > MAX_FILE_BYTES) return decodeSource(path, new Uint8Array(0), data.size);
  if (data.encoding === "base64" && (data.content !== "" || data.size === 0)) {
    return decodeSource(path, Buffer.from(data.content, "base64"));
  }
  // Over 1 MB the contents API leaves `content` empty (encoding "none"); the raw media type returns the bytes.
  const bytes = await readRaw(octokit, repo, path, { ref, limit: MAX_FILE_BYTES, ...(signal ? { signal } : {}) });
  if (bytes === "missing") return { ok: false, missing: true, reason: "not found" };
  if (bytes === "too-large") return decodeSource(path, new Uint8Array(0), MAX_FILE_BYTES + 1);
  return decodeSource(path, bytes);
}

/** The raw media type: the file's bytes, not JSON (works up to 100 MB, where base64 content stops at 1 MB). */
export const RAW_MEDIA_TYPE = "application/vnd.github.raw";

/**
 * Reads a file's bytes with the raw media type, at `ref` or (without one) on the default branch, reading at most
 * `limit` bytes. The body is read as bytes whatever its content type, so a `.json` file is never parsed by Octokit.
 */
export async function readRaw(
  octokit: GitHub,
  repo: Repo,
  path: string,
  options: { ref?: string; limit: number; signal?: AbortSignal },
): Promise<Uint8Array | "missing" | "too-large"> {
  let body: unknown;
  try {
    ({ data: body } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...repo,
      path,
      ...(options.ref ? { ref: options.ref } : {}),
      headers: { accept: RAW_MEDIA_TYPE },
      request: { parseSuccessResponseBody: false, ...(options.signal ? { signal: options.signal } : {}) },
    }));
  } catch (error) {
    if (isNotFound(error)) return "missing";
    throw new Error(`Could not read ${path}${options.ref ? ` at ${options.ref.slice(0, 12)}` : ""} from GitHub.`, { cause: error });
  }
  if (!(body instanceof ReadableStream)) throw new Error(`GitHub answered the raw read of ${path} without a body.`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > options.limit) {
      await reader.cancel();
      return "too-large";
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The `.tf` files of a directory at `ref` (at most {@link MAX_MODULE_SIBLINGS}); none when it does not exist. */
export async function listModuleFiles(octokit: GitHub, repo: Repo, dir: string, ref: string, signal?: AbortSignal): Promise<string[]> {
  let data: ContentsAnswer;
  try {
    ({ data } = await octokit.rest.repos.getContent({ ...repo, path: dir === "." ? "" : dir, ref, ...requestOptions(signal) }));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw new Error(`Could not list ${dir} at ${ref.slice(0, 12)} from GitHub.`, { cause: error });
  }
  if (!Array.isArray(data)) return [];
  return data
    .filter((entry) => entry.type === "file" && entry.name.toLowerCase().endsWith(".tf"))
    .map((entry) => entry.path)
    .sort()
    .slice(0, MAX_MODULE_SIBLINGS);
}

export interface ReadSourcesInput extends Repo {
  headSha: string;
  baseSha: string;
  /** The changed files the engine will review. */
  changed: readonly ChangedPath[];
  concurrency?: number;
  signal?: AbortSignal;
}

export interface ReadSources {
  headFiles: SourceFile[];
  baseFiles: SourceFile[];
  /** Changed head files that could not be analysed, and why (too large, binary, not UTF-8, not a regular file). */
  skipped: Array<{ path: string; reason: string }>;
  /** The same, as findings on the files (annotations on the check run). */
  readFindings: Finding[];
}

/**
 * Reads what `reviewChanges` needs: the head version of every changed file that still exists and the base version
 * (under its base path) of every one that existed, plus, for each changed Terraform file, the other `.tf` files of
 * its directory at the same commit. Base files that cannot be read are left out (the policy then counts as new).
 */
export async function readSources(octokit: GitHub, input: ReadSourcesInput): Promise<ReadSources> {
  const repo = { owner: input.owner, repo: input.repo };
  const concurrency = input.concurrency ?? DEFAULT_READ_CONCURRENCY;
  const changedHead = new Set(input.changed.filter((f) => f.status !== "deleted").map((f) => f.path));
  const changedBase = new Set(input.changed.filter((f) => f.status !== "added").map((f) => f.basePath));

  const headDirs = new Set<string>();
  const baseDirs = new Set<string>();
  for (const file of input.changed) {
    if (file.status !== "deleted" && inputFormatOf(file.path) === "terraform") headDirs.add(posix.dirname(file.path));
    if (file.status !== "added" && inputFormatOf(file.basePath) === "terraform") baseDirs.add(posix.dirname(file.basePath));
  }
  const listings = [
    ...[...headDirs].map((dir) => ({ side: "head" as const, dir, ref: input.headSha })),
    ...[...baseDirs].map((dir) => ({ side: "base" as const, dir, ref: input.baseSha })),
  ];
  const siblings = await mapLimit(listings, concurrency, (l) => listModuleFiles(octokit, repo, l.dir, l.ref, input.signal));
  const siblingsOf = (side: "head" | "base") => siblings.flatMap((paths, i) => (listings[i]!.side === side ? paths : []));
  const headPaths = [...new Set([...changedHead, ...siblingsOf("head")])].sort();
  const basePaths = [...new Set([...changedBase, ...siblingsOf("base")])].sort();

  const reads = [
    ...headPaths.map((path) => ({ side: "head" as const, path, ref: input.headSha })),
    ...basePaths.map((path) => ({ side: "base" as const, path, ref: input.baseSha })),
  ];
  const outcomes = await mapLimit(reads, concurrency, (read) => fetchFile(octokit, repo, read.path, read.ref, input.signal));

  const result: ReadSources = { headFiles: [], baseFiles: [], skipped: [], readFindings: [] };
  outcomes.forEach((outcome, index) => {
    const read = reads[index]!;
    if (outcome.ok) {
      (read.side === "head" ? result.headFiles : result.baseFiles).push(outcome.file);
      return;
    }
    // Only a changed head file that cannot be analysed matters to the report; siblings and base files are context.
    if (read.side !== "head" || !changedHead.has(read.path)) return;
    if ("missing" in outcome) {
      result.skipped.push({ path: read.path, reason: `not analysed: ${outcome.reason} at the head commit` });
    } else {
      result.skipped.push({ path: read.path, reason: outcome.finding.message });
      result.readFindings.push(outcome.finding);
    }
  });
  return result;
}

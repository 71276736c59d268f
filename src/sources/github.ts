/**
 * The GitHub edge of the App (issue #6): a pull request's changed files and their text at the head and base
 * commits, read through the REST API with bounded concurrency. Terraform modules are read whole (the other `.tf`
 * files of each changed file's directory) so references between files resolve. Nothing here logs or keeps state;
 * every request carries the caller's abort signal (the analysis' time budget).
 */
import type { Context } from "probot";
import type { ChangedPath } from "../types.ts";
import { inputFormatOf } from "../extract/index.ts";
import { MAX_FILE_BYTES } from "../extract/limits.ts";
import { decodeSource, type ReadOutcome } from "./fs.ts";
import { moduleFileList, type ChangeReader, type Side } from "./change.ts";

/** The authenticated client of one webhook delivery. */
export type GitHub = Context["octokit"];

export interface Repo {
  owner: string;
  repo: string;
}

/** GitHub lists at most this many files of a pull request (REST `pulls.listFiles`). */
export const MAX_LISTED_FILES = 3000;

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
 * pull request's `changed_files` when the caller knows it: a larger total marks the list truncated (without it,
 * a full 3,000 does). Files GitHub reports as `unchanged` are left out.
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
  // GitHub lists at most 3,000 files: a list that long is cut off only when the pull request has more (3,000 of
  // 3,000 is the whole change); without the total, a full list may be cut off.
  const truncated = total !== undefined ? total > listed : listed >= MAX_LISTED_FILES;
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
  return moduleFileList(data.filter((entry) => entry.type === "file").map((entry) => entry.path));
}

export interface PullRequestReaderInput extends Repo {
  headSha: string;
  baseSha: string;
  /** The changed files, as {@link listPullRequestFiles} listed them. */
  changed: readonly ChangedPath[];
  signal?: AbortSignal;
}

/**
 * The GitHub implementation of {@link ChangeReader}: a pull request's files at its head and base commits, through
 * the contents API. Findings name repository paths (the App reports those), so `label` is the path itself.
 */
export function pullRequestReader(octokit: GitHub, input: PullRequestReaderInput): ChangeReader {
  const repo = { owner: input.owner, repo: input.repo };
  const refOf = (side: Side) => (side === "head" ? input.headSha : input.baseSha);
  return {
    list: async () => [...input.changed],
    read: (side, path) => fetchFile(octokit, repo, path, refOf(side), input.signal),
    moduleFiles: (side, dir) => listModuleFiles(octokit, repo, dir, refOf(side), input.signal),
  };
}

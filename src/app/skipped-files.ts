/**
 * Which skipped files make an analysis incomplete (issue #13). The App reads every changed `.json`, YAML and
 * Terraform file, but a 6 MB `package-lock.json`, a binary that happens to end in `.json` or a symbolic link is
 * not a policy nobody reviewed: such files are listed in the summary and never make the run incomplete. A file
 * too large (or not UTF-8) to analyse counts when its name or its first 64 KiB look like IaC or a policy.
 */
import { inputFormatOf } from "../extract/index.ts";
import { RAW_MEDIA_TYPE, type GitHub, type Repo } from "../sources/github.ts";

export interface SkippedFile {
  path: string;
  reason: string;
}

/** Bytes of a skipped file read to tell a policy or template from other data. */
export const PREFIX_BYTES = 64 * 1024;

/** Lockfiles and other generated manifests: never IaC, however large. */
const NOT_IAC_NAMES =
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.ya?ml|yarn\.lock|composer\.lock|Pipfile\.lock|poetry\.lock|Gemfile\.lock|Cargo\.lock|packages\.lock\.json|project\.assets\.json|deno\.lock|bun\.lock|flake\.lock|[^/]*\.lock\.json|[^/]*\.min\.json|[^/]*\.map\.json|composer\.json|package\.json|tsconfig[^/]*\.json)$/i;

/** What marks IaC or a policy in the first bytes of a JSON or YAML file. */
const IAC_MARKERS =
  /"?(?:Statement|AWSTemplateFormatVersion|Resources|Transform)"?\s*:|AWS::[A-Za-z0-9]+::|"(?:resource|data|module|provider)"\s*:\s*\{|"Version"\s*:\s*"2012-10-17"/;

/** Whether the reason is one the file's content decides (too large, not UTF-8), rather than what the file is. */
function contentUnknown(reason: string): boolean {
  return /over the 5 MB limit|not valid UTF-8/i.test(reason);
}

/**
 * Whether a skipped file looks like IaC or a policy, from its path, why it was skipped and (for a JSON or YAML
 * file too large or not UTF-8) its first bytes. Pure.
 */
export function looksLikeIac(path: string, reason: string, prefix?: string): boolean {
  const format = inputFormatOf(path);
  if (format === undefined || NOT_IAC_NAMES.test(path)) return false; // credential-prone scripts, lockfiles
  // A binary file, a symbolic link or a submodule holds no policy text (a link's target is analysed on its own).
  if (!contentUnknown(reason)) return false;
  if (format === "terraform" || /\.(?:template|cfn)$/i.test(path)) return true;
  if (prefix === undefined) return true; // not readable: assume the worst
  return IAC_MARKERS.test(prefix);
}

/** Reads at most {@link PREFIX_BYTES} of a file at `ref` (raw), as text; undefined when that fails. */
async function readPrefix(octokit: GitHub, repo: Repo, path: string, ref: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const { data: body } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...repo,
      path,
      ref,
      headers: { accept: RAW_MEDIA_TYPE },
      request: { parseSuccessResponseBody: false, ...(signal ? { signal } : {}) },
    });
    if (!(body instanceof ReadableStream)) return undefined;
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (size < PREFIX_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    await reader.cancel().catch(() => undefined);
    // Lenient decoding: a marker is ASCII whatever the rest of the file is.
    return new TextDecoder("utf-8").decode(Buffer.concat(chunks).subarray(0, PREFIX_BYTES));
  } catch (error) {
    if (signal?.aborted) throw error;
    return undefined;
  }
}

/** Splits skipped files into those that make the analysis incomplete and the others. */
export async function classifySkipped(
  octokit: GitHub,
  repo: Repo,
  skipped: readonly SkippedFile[],
  headSha: string,
  signal?: AbortSignal,
): Promise<{ iac: SkippedFile[]; other: SkippedFile[] }> {
  const iac: SkippedFile[] = [];
  const other: SkippedFile[] = [];
  for (const file of skipped) {
    const format = inputFormatOf(file.path);
    const needsPrefix = format === "json" || (format === "yaml" && !/\.(?:template|cfn)$/i.test(file.path));
    const prefix =
      needsPrefix && contentUnknown(file.reason) && !NOT_IAC_NAMES.test(file.path)
        ? await readPrefix(octokit, repo, file.path, headSha, signal)
        : undefined;
    (looksLikeIac(file.path, file.reason, prefix) ? iac : other).push(file);
  }
  return { iac, other };
}

/**
 * The files of a merge group (issue #13): GitHub's compare of the group's base and head commits
 * (`GET /repos/{owner}/{repo}/compare/{base}...{head}`), which lists at most {@link MAX_COMPARE_FILES} files.
 * A larger comparison is marked truncated (the analysis is then incomplete, never success).
 */
import type { GitHub, ListedFiles, PullRequestFile, Repo } from "../sources/github.ts";

/** GitHub lists at most this many files of a comparison. */
export const MAX_COMPARE_FILES = 300;

const STATUS: Readonly<Record<string, PullRequestFile["status"] | undefined>> = {
  added: "added",
  copied: "added",
  removed: "deleted",
  modified: "modified",
  changed: "modified",
  renamed: "renamed",
};

export async function listCompareFiles(
  octokit: GitHub,
  target: Repo & { base: string; head: string },
  signal?: AbortSignal,
): Promise<ListedFiles> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    owner: target.owner,
    repo: target.repo,
    basehead: `${target.base}...${target.head}`,
    ...(signal ? { request: { signal } } : {}),
  });
  const listed = data.files ?? [];
  const files: PullRequestFile[] = [];
  for (const file of listed) {
    const status = STATUS[file.status];
    if (!status) continue;
    files.push({
      path: file.filename,
      basePath: status === "renamed" && file.previous_filename ? file.previous_filename : file.filename,
      status,
      ...(file.patch !== undefined ? { patch: file.patch } : {}),
    });
  }
  // GitHub does not say how many files a comparison has beyond the ones it lists: a full list may be cut off.
  return { files, ...(listed.length >= MAX_COMPARE_FILES ? { truncated: { listed: listed.length } } : {}) };
}

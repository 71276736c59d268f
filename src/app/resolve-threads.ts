/**
 * Resolves the review threads of comments whose findings are fixed (issue #13): GitHub's REST API cannot resolve
 * a thread, GraphQL can (`resolveReviewThread`). The threads are listed once per analysis (100 per page, at most
 * {@link MAX_THREAD_PAGES} pages) and matched to our comments by their REST id (`databaseId`).
 */
import type { GitHub, Repo } from "../sources/github.ts";

/** Pages of 100 threads read per analysis; a pull request with more threads has its oldest ones resolved first. */
const MAX_THREAD_PAGES = 10;

const THREADS_QUERY = `query($owner: String!, $repo: String!, $pr: Int!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $pr) {
      reviewThreads(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
      }
    }
  }
}`;

const RESOLVE_MUTATION = `mutation($threadId: ID!) {
  resolveReviewThread(input: { threadId: $threadId }) { thread { id isResolved } }
}`;

interface ThreadsAnswer {
  repository: {
    pullRequest: {
      reviewThreads: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: Array<{ id: string; isResolved: boolean; comments: { nodes: Array<{ databaseId: number | null }> } }>;
      };
    } | null;
  } | null;
}

/**
 * Resolves the unresolved threads that our comments `commentIds` start. Returns how many were resolved. GitHub
 * failures reject (the caller logs them: the comments are already marked fixed).
 */
export async function resolveThreads(
  octokit: GitHub,
  repo: Repo,
  pr: number,
  commentIds: readonly number[],
  signal?: AbortSignal,
): Promise<number> {
  if (commentIds.length === 0) return 0;
  const wanted = new Set(commentIds);
  const threads: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_THREAD_PAGES && wanted.size > 0; page++) {
    const answer: ThreadsAnswer = await octokit.graphql<ThreadsAnswer>(THREADS_QUERY, {
      owner: repo.owner,
      repo: repo.repo,
      pr,
      cursor,
      ...(signal ? { request: { signal } } : {}),
    });
    const list = answer.repository?.pullRequest?.reviewThreads;
    if (!list) break;
    for (const thread of list.nodes) {
      const first = thread.comments.nodes[0]?.databaseId;
      if (first == null || !wanted.has(first)) continue;
      wanted.delete(first);
      if (!thread.isResolved) threads.push(thread.id);
    }
    if (!list.pageInfo.hasNextPage) break;
    cursor = list.pageInfo.endCursor;
  }
  for (const threadId of threads) {
    await octokit.graphql(RESOLVE_MUTATION, { threadId, ...(signal ? { request: { signal } } : {}) });
  }
  return threads.length;
}

/**
 * What a workflow run compares with, from its event (`GITHUB_EVENT_NAME`, the payload at `GITHUB_EVENT_PATH`):
 * the pull request's base commit, the merge group's base, the commit before a push, or nothing (a full scan).
 */

export interface EventBase {
  /** The commit to compare with; undefined: scan everything. */
  base?: string;
  /** Why, one sentence for the job summary. */
  reason: string;
}

const ZERO_SHA = /^0+$/;

function stringAt(payload: unknown, ...keys: string[]): string | undefined {
  let value: unknown = payload;
  for (const key of keys) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The base of an event. Pure: the caller reads the payload file. */
export function baseFromEvent(eventName: string | undefined, payload: unknown): EventBase {
  switch (eventName) {
    case "pull_request":
    case "pull_request_target": {
      const base = stringAt(payload, "pull_request", "base", "sha");
      return base
        ? { base, reason: `the pull request's base commit ${base.slice(0, 12)}` }
        : { reason: `the ${eventName} event has no pull_request.base.sha; scanning everything` };
    }
    case "merge_group": {
      const base = stringAt(payload, "merge_group", "base_sha");
      return base
        ? { base, reason: `the merge group's base commit ${base.slice(0, 12)}` }
        : { reason: "the merge_group event has no base_sha; scanning everything" };
    }
    case "push": {
      const before = stringAt(payload, "before");
      if (before && !ZERO_SHA.test(before)) return { base: before, reason: `the commit before the push, ${before.slice(0, 12)}` };
      return { reason: "the push created the branch (no commit before it); scanning everything" };
    }
    default:
      return { reason: `a ${eventName ?? "manual"} run scans everything` };
  }
}

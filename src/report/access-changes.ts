/**
 * The access changes as text (the CLI's "Access changes" section, the check run's table input) and as plain
 * JSON data. Pure rendering of the new-access diff's result.
 */
import type { AccessChangeEntry, AccessChangesJson, AccessDelta } from "../new-access/types.ts";
import { listOf } from "../new-access/messages.ts";

function deltaLine(sign: "+" | "-", delta: AccessDelta): string {
  const tags: string[] = [];
  if (delta.deny) tags.push(sign === "+" ? "Deny removed" : "new Deny");
  if (delta.conditionsDropped) tags.push("conditions dropped");
  if (delta.conditionsAdded) tags.push("conditions added");
  if (delta.uncertain) tags.push("may");
  const on = delta.resources.length > 0 ? ` on ${listOf(delta.resources, 3)}` : "";
  const to = delta.principals && delta.principals.length > 0 ? ` to ${listOf(delta.principals, 3)}` : "";
  return `${sign} ${delta.accessLevel}${tags.length > 0 ? ` (${tags.join(", ")})` : ""}: ${listOf(delta.actions, 5)}${on}${to}`;
}

const MAX_LINES_PER_POLICY = 20;

/**
 * Renders an "Access changes" section in plain text: per policy its origin and status, then `+` lines for access
 * added and `-` lines for access removed, long lists shortened with "and N more". Policies without access
 * changes are left out; the result is `""` when none has any.
 */
export function renderAccessChanges(changes: readonly AccessChangeEntry[]): string {
  const blocks: string[] = [];
  for (const { policy, change, status } of changes) {
    const lines = [...change.added.map((d) => deltaLine("+", d)), ...change.removed.map((d) => deltaLine("-", d))];
    if (lines.length === 0) continue;
    const place = `${policy.file}:${policy.range.line}`;
    const where = policy.origin.startsWith(policy.file)
      ? `${place}${policy.origin.slice(policy.file.length)}`
      : `${place} ${policy.origin}`;
    const shown =
      lines.length > MAX_LINES_PER_POLICY
        ? [...lines.slice(0, MAX_LINES_PER_POLICY - 1), `… and ${lines.length - MAX_LINES_PER_POLICY + 1} more changes`]
        : lines;
    blocks.push([`  ${where} (${status})`, ...shown.map((l) => `    ${l}`)].join("\n"));
  }
  return blocks.length === 0 ? "" : ["Access changes", ...blocks].join("\n");
}

/** The access changes as plain JSON data (full lists), for the CLI's JSON output. Policies without changes are left out. */
export function accessChangesJson(changes: readonly AccessChangeEntry[]): AccessChangesJson {
  return {
    policies: changes
      .filter(({ change }) => change.added.length > 0 || change.removed.length > 0)
      .map(({ policy, change, status }) => ({
        file: policy.file,
        line: policy.range.line,
        endLine: policy.range.endLine,
        kind: policy.kind,
        origin: policy.origin,
        status,
        added: change.added,
        removed: change.removed,
      })),
  };
}

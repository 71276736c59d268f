/**
 * Pairs each policy of the head with its own version at the base: same file (following renames), same origin
 * (CloudFormation logical id and property, Terraform address, JSON path) and same kind. Terraform addresses are
 * unique per module, so a Terraform policy may move between the files of its directory and still pair. Pure.
 */
import { posix } from "node:path";
import type { PolicyDocument } from "../types.ts";
import { canonicalJson } from "../policy/pointers.ts";

export type PairStatus = "added" | "changed" | "unchanged" | "removed";

export interface PolicyPair {
  status: PairStatus;
  after?: PolicyDocument;
  before?: PolicyDocument;
}

/** The origin without the file name JSON origins start with (`policies/a.json .Role.Policy` → `.Role.Policy`). */
function localOrigin(doc: PolicyDocument): string {
  return doc.format === "json" && doc.origin.startsWith(doc.file) ? doc.origin.slice(doc.file.length).trim() : doc.origin;
}

function pairKey(doc: PolicyDocument, basePathOf: (path: string) => string): string {
  const file = basePathOf(doc.file);
  const scope = doc.format === "terraform" ? posix.dirname(file) : file;
  return `${scope}\u0000${localOrigin(doc)}\u0000${doc.kind}`;
}

/**
 * @param renames head path → base path, for files git (or the pull request's `previous_filename`) saw renamed.
 */
export function pairPolicies(
  head: readonly PolicyDocument[],
  base: readonly PolicyDocument[],
  renames: ReadonlyMap<string, string> = new Map(),
): PolicyPair[] {
  const basePathOf = (path: string) => renames.get(path) ?? path;
  const before = new Map<string, PolicyDocument[]>();
  for (const doc of base) {
    const key = pairKey(doc, (p) => p);
    before.set(key, [...(before.get(key) ?? []), doc]);
  }
  const pairs: PolicyPair[] = [];
  for (const doc of head) {
    const candidates = before.get(pairKey(doc, basePathOf));
    const match = candidates?.shift();
    if (!match) {
      pairs.push({ status: "added", after: doc });
      continue;
    }
    const same = canonicalJson(match.json) === canonicalJson(doc.json);
    pairs.push({ status: same ? "unchanged" : "changed", after: doc, before: match });
  }
  for (const rest of before.values()) for (const doc of rest) pairs.push({ status: "removed", before: doc });
  return pairs;
}

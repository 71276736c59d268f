/**
 * What the new-access diff returns: access added or removed per statement, access level and product of actions ×
 * resources × principals, and the entries the reports render.
 */
import type { Finding, PolicyDocument, PolicyKind } from "../types.ts";
import type { AccessLevel } from "../iam/index.ts";

/** Access added or removed by a change, for one statement, access level, and product of actions × resources × principals. */
export interface AccessDelta {
  accessLevel: AccessLevel;
  /**
   * Canonical action names, sorted. `s3:*` stands for every action of the service (listed once, under the
   * service's highest access level), `*` for every action of every service, `* except a, b` for `NotAction`;
   * unknown actions and placeholders appear as written.
   */
  actions: string[];
  /** Resource patterns as written; empty for a statement without `Resource` (the policy's own resource). */
  resources: string[];
  /** Principals as written (`*` for everyone), for statements with `Principal`/`NotPrincipal`. */
  principals?: string[];
  /** In `added`: `before` granted this, but only under conditions `after` dropped or widened. */
  conditionsDropped?: boolean;
  /** In `removed`: `after` still grants this, but only under conditions it added or narrowed. */
  conditionsAdded?: boolean;
  /** A Deny: in `added`, a Deny of this was removed or narrowed; in `removed`, a Deny of this was added or widened. */
  deny?: boolean;
  /** Whether this is new (or gone) only depending on what unresolved values stand for. */
  uncertain?: boolean;
  /** JSON Pointer of the statement the delta comes from, in the document that has it (`after` for added Allow, `before` otherwise). */
  statementPointer?: string;
}

export interface AccessChange {
  added: AccessDelta[];
  removed: AccessDelta[];
  /** `new-access` findings in `after`: one per statement that adds access, and one per Deny removed. */
  findings: Finding[];
}

export type AccessChangeStatus = "added" | "changed" | "removed";

export interface AccessChangeEntry {
  /** The policy as it is after the change, or before it when it was removed. */
  policy: PolicyDocument;
  change: AccessChange;
  status: AccessChangeStatus;
}

export interface AccessChangesJson {
  policies: Array<{
    file: string;
    line: number;
    endLine: number;
    kind: PolicyKind;
    origin: string;
    status: AccessChangeStatus;
    added: AccessDelta[];
    removed: AccessDelta[];
  }>;
}

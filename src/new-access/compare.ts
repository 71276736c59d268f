/**
 * "Does this change grant new access?" (issue #5): compares two versions of one policy document and reports the
 * access the new version grants that the old one did not, the access it takes away, and one `new-access` finding
 * per statement that adds access. Pure: no I/O, no logging; iam-data lookups are cached for the process.
 *
 * Model. Every statement becomes grants: actions × resources × principals, under its conditions.
 * - Actions are concrete canonical actions from iam-data (`s3:Get*` is expanded), whole services (`s3:*`, kept
 *   compact), everything (`*`), everything except a list (`NotAction`), or opaque strings (unknown actions and
 *   unresolved placeholders).
 * - Resources and principals are kept as written (patterns); a statement without `Resource` (trust policies)
 *   has one implicit resource, the policy's own resource.
 * - Conditions are canonical (operator, key, value set) entries.
 *
 * A grant (one action on one resource for one principal) of the specific side is covered by the general side
 * when one statement of the general side has the action, a resource pattern that covers the resource
 * (`wildcardCovers`), a principal that covers the principal (the same one, everyone, or the account root for
 * principals of that account), and conditions the specific statement implies (every condition of the general
 * statement is also on the specific one, with the same operator and key, and the same or narrower values). So
 * actions may be covered by different statements, but one resource pattern is never covered by the union of
 * several (`b/a*` + `b/[^a]*` do not cover `b/*`): we err towards reporting.
 *
 * - added: Allow grants of `after` not covered by Allow grants of `before`, plus Deny grants of `before` not
 *   covered by Deny grants of `after` (a Deny removed or narrowed: `deny: true`).
 * - removed: the same the other way round (a new or wider Deny is removed access).
 * - Deny statements do not subtract from Allow statements of the same document.
 * - Placeholders (`{{expr}}`) are literal text: the same token on both sides is the same value. A grant that is
 *   new only because of an unresolved value (it would be covered if the placeholders took suitable values) is
 *   reported as `uncertain`, and its finding says "may" at a lower severity.
 */
import type { PolicyDocument } from "../types.ts";
import { pointerOf } from "../extract/document.ts";
import { canonicalJson } from "../policy/pointers.ts";
import type { AccessChange } from "./types.ts";
import {
  type Atom,
  actionAtom,
  principalCovers,
  principalMayCover,
  resourceCovers,
  resourceMayCover,
  serviceSummary,
  setCovers,
  setCoversRef,
  setMayCover,
} from "./sets.ts";
import { conditionsImplied } from "./conditions.ts";
import { type Cell, type Compiled, type Grant, compileAll } from "./compile.ts";
import { causeOf, counterpartOf, deltasOf, findingAt, groupByStatement, levelOf, sortDeltas, summarize } from "./messages.ts";

// ---------------------------------------------------------------------------------------------------------
// Coverage

/** The parts of an uncovered atom that are uncovered: a whole service splits into its uncovered actions. */
function uncoveredParts(atom: Atom, certain: readonly Compiled[]): Atom[] {
  if (atom.kind !== "service" || certain.length === 0) return [atom];
  const refs = serviceSummary(atom.service).refs;
  const open = refs.filter((ref) => !certain.some((g) => setCoversRef(g.set, ref)));
  if (open.length === refs.length) return [atom];
  return open.map(actionAtom);
}

/** The grants of `specifics` that no single statement of `generals` covers (see the module comment). */
function uncoveredGrants(specifics: readonly Compiled[], generals: readonly Compiled[]): Cell[] {
  const twins = new Set(generals.map((g) => g.text));
  const cells: Cell[] = [];
  for (const s of specifics) {
    if (twins.has(s.text)) continue;
    // A statement with an unresolved Effect may be a Deny: it covers for certain only the same unresolved Effect.
    const eligible = generals.filter(
      (g) => g.effect !== "unresolved" || (s.effect === "unresolved" && g.ref.statement.Effect === s.ref.statement.Effect),
    );
    for (const r of s.resources) {
      const onResource = eligible.filter((g) => g.resources.some((gr) => resourceCovers(gr, r)));
      for (const p of s.principals) {
        const scoped = onResource.filter((g) => g.principals.some((gp) => principalCovers(gp, p)));
        const certain = scoped.filter((g) => conditionsImplied(g.conditions, s.conditions, false));
        let looser: Compiled[] | undefined;
        let possible: Compiled[] | undefined;
        const grants: Grant[] = [];
        for (const atom of s.atoms) {
          if (certain.some((g) => setCovers(g.set, atom))) continue;
          looser ??= scoped.filter((g) => !certain.includes(g));
          possible ??= generals.filter(
            (g) =>
              !certain.includes(g) &&
              (g.placeholders || s.placeholders) &&
              g.resources.some((gr) => resourceMayCover(gr, r)) &&
              g.principals.some((gp) => principalMayCover(gp, p)) &&
              conditionsImplied(g.conditions, s.conditions, true),
          );
          for (const part of uncoveredParts(atom, certain)) {
            grants.push({
              atom: part,
              level: levelOf(part),
              uncertain: part.kind === "opaque" || possible.some((g) => setMayCover(g.set, part)),
              conditions: looser.some((g) => setCovers(g.set, part)),
            });
          }
        }
        if (grants.length > 0) cells.push({ stmt: s, r, p, grants });
      }
    }
  }
  return cells;
}

// ---------------------------------------------------------------------------------------------------------
// API

/**
 * Compares two versions of one policy (paired by the caller, e.g. `pairPolicies`). `before` undefined means the
 * policy was added (everything it allows is new; one summary finding per statement); `after` undefined means it
 * was removed (only `removed`, no findings). Findings point into `after`. See the module comment for what
 * counts as covered.
 */
export function compareAccess(before: PolicyDocument | undefined, after: PolicyDocument | undefined): AccessChange {
  const change: AccessChange = { added: [], removed: [], findings: [] };
  if (before === undefined && after === undefined) return change;

  const memo = new Map<string, Compiled>();
  const old = compileAll(before, memo);
  const now = compileAll(after, memo);
  const allowsOf = (list: Compiled[]) => list.filter((c) => c.effect !== "Deny");
  const deniesOf = (list: Compiled[]) => list.filter((c) => c.effect === "Deny");

  const addedAllows = uncoveredGrants(allowsOf(now), allowsOf(old));
  const removedAllows = uncoveredGrants(allowsOf(old), allowsOf(now));
  // A policy added or removed as a whole: its Deny statements are not a change of access of their own.
  const twoSided = before !== undefined && after !== undefined;
  const removedDenies = twoSided ? uncoveredGrants(deniesOf(old), deniesOf(now)) : [];
  const addedDenies = twoSided ? uncoveredGrants(deniesOf(now), deniesOf(old)) : [];

  change.added = sortDeltas([...deltasOf(addedAllows, false, "conditionsDropped"), ...deltasOf(removedDenies, true, "conditionsDropped")]);
  change.removed = sortDeltas([...deltasOf(removedAllows, false, "conditionsAdded"), ...deltasOf(addedDenies, true, "conditionsAdded")]);

  if (after === undefined) return change;
  const oldTexts = new Set(old.map((c) => c.text));
  const nowTexts = new Set(now.map((c) => c.text));
  const effectFindings = new Set<Compiled>();
  for (const [s, cells] of groupByStatement(addedAllows)) {
    const cp = before === undefined ? undefined : counterpartOf(s, old, nowTexts);
    const cause = causeOf(s, cells, cp, before === undefined);
    if (cause.messageId === "effectChanged") effectFindings.add(s);
    const sum = summarize(cells);
    change.findings.push(
      findingAt(
        after,
        cause.pointer,
        "value",
        sum.severity,
        cause.messageId,
        cause.message(sum),
        canonicalJson(s.ref.statement),
        cause.detail,
      ),
    );
  }
  for (const [d, cells] of groupByStatement(removedDenies)) {
    const replacement = counterpartOf(d, now, oldTexts);
    if (replacement !== undefined && effectFindings.has(replacement)) continue; // Deny → Allow: one finding says both.
    const sum = summarize(cells);
    let message: string;
    let pointer: string;
    let at: "value" | "key" = "value";
    if (replacement?.effect === "Deny") {
      pointer = replacement.ref.pointer;
      message = `This change narrows a Deny, so it ${sum.may ? "may no longer deny" : "no longer denies"} ${sum.actions}${sum.on}.`;
    } else {
      if (replacement) pointer = pointerOf(replacement.ref.pointer, "Effect");
      else {
        pointer = "/Statement";
        at = "key";
      }
      message = `This change removes a Deny of ${sum.actions}${sum.on}, so that access ${sum.may ? "may no longer be" : "is no longer"} blocked.`;
    }
    change.findings.push(
      findingAt(after, pointer, at, sum.severity, "denyRemoved", message, canonicalJson(d.ref.statement), "deny-removed"),
    );
  }
  return change;
}

/**
 * IAM wildcard matching: `*` matches any run of characters (including none) and `?` exactly one character.
 *
 * Everything here is our own code (the AGPL-licensed iam-expand/iam-simulate matchers are deliberately not
 * used). No regular expression is ever built from input and nothing recurses, so hostile patterns such as
 * `a*a*a*a*a*b` cost at most O(n·m) steps. Characters are UTF-16 code units; IAM action names, ARNs and
 * condition keys are ASCII in practice, so a `?` against an astral character is the only visible difference.
 */

/** Options shared by the wildcard functions. */
export interface WildcardOptions {
  /**
   * Compare letters without regard to case. IAM compares action names case-insensitively and ARNs
   * case-sensitively, so pass `true` for actions and leave it unset for ARNs. Default `false`.
   */
  readonly ignoreCase?: boolean;
  /**
   * Receives the number of comparison steps taken, so tests and benchmarks can check the worst-case bound each
   * function documents (O(n·m) for patterns of n and m characters) instead of timing it.
   */
  readonly counter?: StepCounter;
}

/** Accumulates comparison steps across calls (see {@link WildcardOptions.counter}). */
export interface StepCounter {
  steps: number;
}

/**
 * One position of a compiled pattern, the common currency of {@link tokensOverlap}.
 *
 * - `literal`: exactly `char`.
 * - `one`: any single character not in `except` (every character when `except` is `""`).
 * - `star`: any run of characters, possibly empty, none of them in `except`.
 *
 * The exclusions let callers model "a variable that stops at the next `/`" (see `arn-format.ts`).
 */
export type WildcardToken =
  { readonly kind: "literal"; readonly char: string } | { readonly kind: "one" | "star"; readonly except: string };

const STAR = 42; // "*"
const QUESTION = 63; // "?"

/** Whether the string contains a `*` or `?`, i.e. is a pattern rather than a literal. */
export function hasWildcard(value: string): boolean {
  return value.includes("*") || value.includes("?");
}

/**
 * Whether `value` is matched by the IAM wildcard `pattern`.
 *
 * Greedy two-pointer scan that, on a mismatch, backtracks only to the most recent `*`: O(n + m) on typical
 * input and O(n·m) in the worst case, with constant extra memory. `value` is taken literally (its own `*` and
 * `?` are ordinary characters).
 */
export function matchesWildcard(pattern: string, value: string, options: WildcardOptions = {}): boolean {
  let p = options.ignoreCase ? pattern.toLowerCase() : pattern;
  // Runs such as `*?*?*?` match what `???*` matches; with one star per run the backtracking stays short (issue #12).
  if (p.includes("**") || p.includes("*?")) p = canonicalWildcard(p);
  const v = options.ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let starAt = -1;
  let resumeAt = 0;
  let steps = 0;
  while (vi < v.length) {
    steps++;
    const pc = pi < p.length ? p.charCodeAt(pi) : -1;
    if (pc === STAR) {
      starAt = pi++;
      resumeAt = vi;
    } else if (pc !== -1 && (pc === QUESTION || pc === v.charCodeAt(vi))) {
      pi++;
      vi++;
    } else if (starAt !== -1) {
      // Let the last star swallow one more character and retry the rest of the pattern from there.
      pi = starAt + 1;
      vi = ++resumeAt;
    } else {
      if (options.counter) options.counter.steps += steps;
      return false;
    }
  }
  if (options.counter) options.counter.steps += steps;
  while (pi < p.length && p.charCodeAt(pi) === STAR) pi++;
  return pi === p.length;
}

/**
 * Whether some string is matched by both patterns (e.g. `arn:aws:s3:::my-bucket/*` and `arn:aws:s3:::*`, or
 * `iam:Pas*` and `iam:PassRole`).
 *
 * Exact: a reachability DP over the product of the two patterns, O(n·m) time and O(m) memory. When one side
 * has no wildcard it reduces to {@link matchesWildcard}.
 */
export function wildcardOverlaps(patternA: string, patternB: string, options: WildcardOptions = {}): boolean {
  const a = options.ignoreCase ? patternA.toLowerCase() : patternA;
  const b = options.ignoreCase ? patternB.toLowerCase() : patternB;
  const counted = options.counter ? { counter: options.counter } : {};
  if (!hasWildcard(a)) return matchesWildcard(b, a, counted);
  if (!hasWildcard(b)) return matchesWildcard(a, b, counted);
  return tokensOverlap(wildcardTokens(a), wildcardTokens(b), options.counter);
}

/**
 * Whether every string matched by `specific` is also matched by `general` — e.g. a new `Resource` pattern
 * widens an old one when the new one covers the old one but not the reverse.
 *
 * Sound but conservative: `specific` is read as a string of symbols in which its `*` may only be absorbed by a
 * `*` of `general`, its `?` by a `?` or `*` of `general`, and each literal by the same literal, `?` or `*`. If
 * such an alignment exists, the answer `true` is always right. Since `*?` and `?*` match the same strings,
 * each pattern is tried with every run of `*` and `?` written star-last and star-first (at most four
 * alignments), which proves `*?` ⊇ `?*` and `*?` ⊇ `*a`. Covers that need one `*` of `specific` split across
 * several symbols of `general` are still missed: `?*` covers `*a*` (its strings are never empty), yet this
 * returns `false`. So `false` means "not proven". Each alignment is the greedy last-star backtracking of
 * {@link matchesWildcard}, which stays correct for any per-symbol predicate: O(n·m) worst case.
 */
export function wildcardCovers(general: string, specific: string, options: WildcardOptions = {}): boolean {
  const g = options.ignoreCase ? general.toLowerCase() : general;
  const s = options.ignoreCase ? specific.toLowerCase() : specific;
  const generals = orderings(g);
  const specifics = orderings(s);
  return generals.some((gv) => specifics.some((sv) => alignCovers(gv, sv, options.counter)));
}

/**
 * Rewrites every run of `*` and `?` as its `?`s and at most one `*`, the star last (`*?*?` → `??*`) or, with
 * `starFirst`, first (`*??`). All three match exactly the same strings.
 */
export function canonicalWildcard(pattern: string, starFirst = false): string {
  return pattern.replace(/[*?]{2,}/g, (run) => {
    const questions = "?".repeat(run.length - countStars(run));
    const star = run.includes("*") ? "*" : "";
    return starFirst ? star + questions : questions + star;
  });
}

function orderings(pattern: string): string[] {
  const last = canonicalWildcard(pattern);
  const first = canonicalWildcard(pattern, true);
  return first === last ? [last] : [last, first];
}

function countStars(run: string): number {
  let stars = 0;
  for (let i = 0; i < run.length; i++) if (run.charCodeAt(i) === STAR) stars++;
  return stars;
}

function alignCovers(g: string, s: string, counter?: StepCounter): boolean {
  let gi = 0;
  let si = 0;
  let starAt = -1;
  let resumeAt = 0;
  let steps = 0;
  while (si < s.length) {
    steps++;
    const gc = gi < g.length ? g.charCodeAt(gi) : -1;
    const sc = s.charCodeAt(si);
    if (gc === STAR) {
      starAt = gi++;
      resumeAt = si;
    } else if (gc !== -1 && (gc === QUESTION ? sc !== STAR : gc === sc && sc !== STAR && sc !== QUESTION)) {
      gi++;
      si++;
    } else if (starAt !== -1) {
      gi = starAt + 1;
      si = ++resumeAt;
    } else {
      if (counter) counter.steps += steps;
      return false;
    }
  }
  if (counter) counter.steps += steps;
  while (gi < g.length && g.charCodeAt(gi) === STAR) gi++;
  return gi === g.length;
}

/**
 * Compiles a plain IAM wildcard (`*`, `?`, everything else literal) into tokens, merging runs of `*`.
 * Case folding is the caller's business: lower-case the pattern first for a case-insensitive comparison.
 */
export function wildcardTokens(pattern: string): WildcardToken[] {
  const tokens: WildcardToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const code = pattern.charCodeAt(i);
    if (code === STAR) pushToken(tokens, ANY_STAR);
    else if (code === QUESTION) tokens.push(ANY_ONE);
    else tokens.push({ kind: "literal", char: pattern[i]! });
  }
  return tokens;
}

/** Tokens that match exactly `value`, with `*` and `?` taken literally. */
export function literalTokens(value: string): WildcardToken[] {
  const tokens: WildcardToken[] = [];
  for (let i = 0; i < value.length; i++) tokens.push({ kind: "literal", char: value[i]! });
  return tokens;
}

/** Unrestricted `*` and `?` tokens, shared to save allocations. */
export const ANY_STAR: WildcardToken = Object.freeze({ kind: "star", except: "" });
export const ANY_ONE: WildcardToken = Object.freeze({ kind: "one", except: "" });

/**
 * Appends `token`, dropping a `star` that directly follows an identical `star` (`**` ≡ `*`), which keeps the
 * DP small on inputs like `********`.
 */
export function pushToken(tokens: WildcardToken[], token: WildcardToken): void {
  const last = tokens.at(-1);
  if (token.kind === "star" && last?.kind === "star" && last.except === token.except) return;
  tokens.push(token);
}

/**
 * Whether some string is matched by both token sequences.
 *
 * `reach[i][j]` says whether the suffixes `a[i..]` and `b[j..]` share a match. A star may match nothing (move
 * past it) or consume one character and stay; `one`/`literal` consume one character and move on; a character
 * can be consumed by both sides at once when their character sets intersect. Every transition moves at least
 * one index forward, so filling the table from the ends backwards needs no recursion and no memo beyond two
 * rows: O(|a|·|b|) time, O(|b|) memory. `counter` receives the (|a| + 1)·(|b| + 1) cells filled.
 */
export function tokensOverlap(a: readonly WildcardToken[], b: readonly WildcardToken[], counter?: StepCounter): boolean {
  // Fast path (issue #15): literal characters before the first and after the last non-literal token of either side
  // must match one for one. Most comparisons (an ARN against a format of another resource type) fail there.
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB) {
    const x = a[start]!;
    const y = b[start]!;
    if (x.kind !== "literal" || y.kind !== "literal") break;
    if (x.char !== y.char) return false;
    start++;
  }
  while (endA > start && endB > start) {
    const x = a[endA - 1]!;
    const y = b[endB - 1]!;
    if (x.kind !== "literal" || y.kind !== "literal") break;
    if (x.char !== y.char) return false;
    endA--;
    endB--;
  }
  if (start > 0 || endA < a.length || endB < b.length) return tokensOverlapTable(a.slice(start, endA), b.slice(start, endB), counter);
  return tokensOverlapTable(a, b, counter);
}

function tokensOverlapTable(a: readonly WildcardToken[], b: readonly WildcardToken[], counter?: StepCounter): boolean {
  const n = a.length;
  const m = b.length;
  if (counter) counter.steps += (n + 1) * (m + 1);
  let next = new Uint8Array(m + 1); // row i + 1
  let row = new Uint8Array(m + 1); // row i
  for (let i = n; i >= 0; i--) {
    const ta = i < n ? a[i]! : undefined;
    for (let j = m; j >= 0; j--) {
      const tb = j < m ? b[j]! : undefined;
      let ok = i === n && j === m;
      if (!ok && ta?.kind === "star" && next[j] === 1) ok = true;
      if (!ok && tb?.kind === "star" && row[j + 1] === 1) ok = true;
      if (!ok && ta !== undefined && tb !== undefined && charSetsIntersect(ta, tb)) {
        const aStays = ta.kind === "star";
        const bStays = tb.kind === "star";
        // Both stars consuming together is a self-loop; it adds nothing to reachability.
        if (!(aStays && bStays)) {
          const target = aStays ? row[j + 1] : bStays ? next[j] : next[j + 1];
          ok = target === 1;
        }
      }
      row[j] = ok ? 1 : 0;
    }
    [next, row] = [row, next];
  }
  return next[0] === 1;
}

function charSetsIntersect(a: WildcardToken, b: WildcardToken): boolean {
  if (a.kind === "literal") return b.kind === "literal" ? a.char === b.char : !b.except.includes(a.char);
  if (b.kind === "literal") return !a.except.includes(b.char);
  // Two sets of "any character except a few" always share a character.
  return true;
}

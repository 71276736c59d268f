import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  canonicalWildcard,
  hasWildcard,
  matchesWildcard,
  wildcardCovers,
  wildcardOverlaps,
  type StepCounter,
} from "../../src/iam/wildcard.ts";

/**
 * Runs a match with a step counter. Hostile patterns are bounded by the O(n·m) steps each function documents
 * (at most (n + 1)·(m + 1) for inputs of n and m characters), which catches exponential blow-ups on any machine.
 */
function counted<T>(run: (counter: StepCounter) => T): { result: T; steps: number } {
  const counter: StepCounter = { steps: 0 };
  const result = run(counter);
  return { result, steps: counter.steps };
}

/** The documented worst case for inputs of these lengths. */
function nm(a: string, b: string): number {
  return (a.length + 1) * (b.length + 1);
}

/** Every string over `alphabet` up to `max` characters, shortest first. */
function allStrings(alphabet: string, max: number): string[] {
  let layer = [""];
  const out = [""];
  for (let length = 1; length <= max; length++) {
    layer = layer.flatMap((prefix) => [...alphabet].map((char) => prefix + char));
    out.push(...layer);
  }
  return out;
}

describe("matchesWildcard", () => {
  const cases = [
    { name: "literal equal", pattern: "s3:GetObject", value: "s3:GetObject", ignoreCase: false, expected: true },
    { name: "literal differs", pattern: "s3:GetObject", value: "s3:GetObjects", ignoreCase: false, expected: false },
    { name: "case differs, case-sensitive", pattern: "s3:getobject", value: "s3:GetObject", ignoreCase: false, expected: false },
    { name: "case differs, ignoreCase", pattern: "s3:getobject", value: "s3:GetObject", ignoreCase: true, expected: true },
    { name: "star matches empty", pattern: "iam:PassRole*", value: "iam:PassRole", ignoreCase: false, expected: true },
    { name: "star in the middle", pattern: "s3:Get*Acl", value: "s3:GetObjectVersionAcl", ignoreCase: false, expected: true },
    { name: "star in the middle, no suffix", pattern: "s3:Get*Acl", value: "s3:GetObject", ignoreCase: false, expected: false },
    { name: "lone star", pattern: "*", value: "", ignoreCase: false, expected: true },
    { name: "question needs one char", pattern: "a?c", value: "ac", ignoreCase: false, expected: false },
    { name: "question matches one char", pattern: "a?c", value: "abc", ignoreCase: false, expected: true },
    { name: "empty pattern, empty value", pattern: "", value: "", ignoreCase: false, expected: true },
    { name: "empty pattern, some value", pattern: "", value: "x", ignoreCase: false, expected: false },
    { name: "backtrack to last star", pattern: "*ab*ab", value: "xabyabab", ignoreCase: false, expected: true },
    { name: "value star is literal", pattern: "a", value: "*", ignoreCase: false, expected: false },
    { name: "ARN with star crosses slash", pattern: "arn:aws:s3:::*", value: "arn:aws:s3:::b/k", ignoreCase: false, expected: true },
    { name: "ARN prefix", pattern: "arn:aws:s3:::my-bucket/*", value: "arn:aws:s3:::my-bucket", ignoreCase: false, expected: false },
  ] as const;
  for (const { name, pattern, value, ignoreCase, expected } of cases) {
    test(name, () => assert.equal(matchesWildcard(pattern, value, { ignoreCase }), expected));
  }

  test("agrees with an anchored regular expression on all short patterns over {a,b,*,?}", () => {
    const toRegExp = (pattern: string) =>
      new RegExp(`^${[...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c)).join("")}$`, "s");
    const values = allStrings("abc", 5);
    for (const pattern of allStrings("ab*?", 4)) {
      const regExp = toRegExp(pattern);
      for (const value of values) assert.equal(matchesWildcard(pattern, value), regExp.test(value), `${pattern} vs ${value}`);
    }
  });

  const pathological = [
    { name: "a*a*…*b against 10,000 a's", pattern: "a*a*a*a*a*a*a*a*a*a*b", value: "a".repeat(10_000) },
    { name: "a 5,000-star pattern against 10,000 characters", pattern: `${"*a".repeat(5_000)}b`, value: "a".repeat(10_000) },
    { name: "a long literal run after a star", pattern: `*${"a".repeat(1_000)}b`, value: "a".repeat(10_000) },
  ];
  for (const { name, pattern, value } of pathological) {
    test(`pathological, ${name}: at most (n + 1)·(m + 1) steps`, () => {
      const { result, steps } = counted((counter) => matchesWildcard(pattern, value, { counter }));
      assert.equal(result, false);
      assert.ok(steps > 0 && steps <= nm(pattern, value), `${steps} steps`);
    });
  }
});

describe("wildcardOverlaps", () => {
  const cases = [
    { name: "bucket objects and all of S3", a: "arn:aws:s3:::my-bucket/*", b: "arn:aws:s3:::*", ignoreCase: false, expected: true },
    { name: "two different buckets", a: "arn:aws:s3:::one/*", b: "arn:aws:s3:::two/*", ignoreCase: false, expected: false },
    { name: "prefix and suffix patterns meet", a: "arn:aws:s3:::logs-*", b: "arn:aws:s3:::*-prod", ignoreCase: false, expected: true },
    { name: "action pattern and action", a: "iam:Pas*", b: "iam:PassRole", ignoreCase: true, expected: true },
    { name: "action pattern, other case", a: "IAM:pas*", b: "iam:PassRole", ignoreCase: true, expected: true },
    { name: "case-sensitive ARNs", a: "arn:aws:s3:::B*", b: "arn:aws:s3:::b*", ignoreCase: false, expected: false },
    { name: "disjoint action patterns", a: "iam:Get*", b: "iam:Put*", ignoreCase: true, expected: false },
    { name: "question marks fix the length", a: "a??", b: "*b*c*d", ignoreCase: false, expected: false },
    { name: "question marks meet a star", a: "a??", b: "*c", ignoreCase: false, expected: true },
    { name: "two literals equal", a: "x", b: "x", ignoreCase: false, expected: true },
    { name: "two literals differ", a: "x", b: "y", ignoreCase: false, expected: false },
  ] as const;
  for (const { name, a, b, ignoreCase, expected } of cases) {
    test(name, () => {
      assert.equal(wildcardOverlaps(a, b, { ignoreCase }), expected);
      assert.equal(wildcardOverlaps(b, a, { ignoreCase }), expected, "symmetric");
    });
  }

  test("agrees with brute force on all short patterns over {a,b,*,?}", () => {
    const patterns = allStrings("ab*?", 3);
    const values = allStrings("abc", 6);
    const matched = new Map(patterns.map((p) => [p, new Set(values.filter((v) => matchesWildcard(p, v)))]));
    for (const a of patterns) {
      for (const b of patterns) {
        const brute = [...matched.get(a)!].some((v) => matched.get(b)!.has(v));
        assert.equal(wildcardOverlaps(a, b), brute, `${a} vs ${b}`);
      }
    }
  });

  const pathological = [
    { name: "patterns of 2,000 characters each", a: `${"a*".repeat(1_000)}b`, b: `${"*a".repeat(1_000)}c` },
    { name: "a pattern against a 10,000-character literal", a: "a*a*a*a*a*a*a*a*a*a*b", b: "a".repeat(10_000) },
  ];
  for (const { name, a, b } of pathological) {
    test(`pathological, ${name}: at most (n + 1)·(m + 1) steps`, () => {
      const { result, steps } = counted((counter) => wildcardOverlaps(a, b, { counter }));
      assert.equal(result, false);
      // The literal prefix/suffix fast path (issue 15) may decide with no table step at all; never more than the cap.
      assert.ok(steps <= nm(a, b), `${steps} steps`);
    });
  }
});

describe("wildcardCovers", () => {
  const cases = [
    { name: "all of S3 covers one bucket's objects", general: "arn:aws:s3:::*", specific: "arn:aws:s3:::b/*", expected: true },
    { name: "one bucket's objects do not cover all of S3", general: "arn:aws:s3:::b/*", specific: "arn:aws:s3:::*", expected: false },
    { name: "star covers everything", general: "*", specific: "arn:aws:iam::*:role/*", expected: true },
    { name: "pattern covers itself", general: "arn:aws:iam::*:role/app-*", specific: "arn:aws:iam::*:role/app-*", expected: true },
    { name: "pattern covers a literal it matches", general: "iam:Pass*", specific: "iam:PassRole", expected: true },
    { name: "literal does not cover a pattern", general: "iam:PassRole", specific: "iam:Pass*", expected: false },
    { name: "question does not cover a star", general: "a?", specific: "a*", expected: false },
    { name: "star covers a question", general: "a*", specific: "a?", expected: true },
    { name: "question covers a question", general: "a?c", specific: "a?c", expected: true },
    { name: "order of a star and a question does not matter", general: "*?", specific: "?*", expected: true },
    { name: "star-question covers star-literal", general: "*?", specific: "*a", expected: true },
    { name: "wider account", general: "arn:aws:iam::*:role/x", specific: "arn:aws:iam::123456789012:role/x", expected: true },
    { name: "different prefix", general: "arn:aws:s3:::logs-*", specific: "arn:aws:s3:::data-*", expected: false },
  ] as const;
  for (const { name, general, specific, expected } of cases) {
    test(name, () => assert.equal(wildcardCovers(general, specific), expected));
  }

  test("ignoreCase for action patterns", () => {
    assert.equal(wildcardCovers("IAM:*", "iam:Pass*", { ignoreCase: true }), true);
    assert.equal(wildcardCovers("IAM:*", "iam:Pass*"), false);
  });

  test("missed covers are documented, not wrong: ?* covers *a* but cannot be proven", () => {
    assert.equal(wildcardCovers("?*", "*a*"), false);
  });

  test("is sound on all short patterns over {a,b,*,?}", () => {
    const patterns = allStrings("ab*?", 3);
    const values = allStrings("abc", 7);
    for (const general of patterns) {
      for (const specific of patterns) {
        if (!wildcardCovers(general, specific)) continue;
        for (const value of values) {
          if (matchesWildcard(specific, value)) assert.ok(matchesWildcard(general, value), `${general} ⊇ ${specific} at ${value}`);
        }
      }
    }
  });

  test("pathological, a specific of 10,000 characters: at most four alignments of (n + 1)·(m + 1) steps", () => {
    const general = "a*a*a*a*a*a*a*a*a*a*b";
    const specific = `${"a".repeat(10_000)}*`;
    const { result, steps } = counted((counter) => wildcardCovers(general, specific, { counter }));
    assert.equal(result, false);
    assert.ok(steps > 0 && steps <= 4 * nm(general, specific), `${steps} steps`);
  });
});

describe("helpers", () => {
  test("hasWildcard", () => {
    assert.equal(hasWildcard("s3:GetObject"), false);
    assert.equal(hasWildcard("s3:Get*"), true);
    assert.equal(hasWildcard("s3:Get?bject"), true);
  });

  test("canonicalWildcard orders runs of stars and question marks", () => {
    assert.equal(canonicalWildcard("a*?*?b"), "a??*b");
    assert.equal(canonicalWildcard("a*?*?b", true), "a*??b");
    assert.equal(canonicalWildcard("a**b"), "a*b");
    assert.equal(canonicalWildcard("a?b"), "a?b");
  });
});

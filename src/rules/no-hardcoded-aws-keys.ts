import type { Range } from "../types.ts";
import { fingerprintOf } from "../findings.ts";
import { defineRule } from "./define-rule.ts";

/*
 * Every pattern here runs in linear time: each starts at a literal (a key prefix, `secret`, `token`) or at the
 * start of a base64 run, its separators have bounded length and its runs fixed length, so a multi-megabyte file
 * costs one pass per pattern. Unbounded runs are measured in code, not in a regex (see `tokenEnd`).
 */

/** An access key id: AKIA (user), ASIA (temporary), ABIA/ACCA (service-specific), then 16 base32 characters. */
const KEY_ID = /(?<![A-Za-z0-9/+])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g;

/**
 * Between a name and its value: a closing quote (escaped too, for JSON inside a string) or bracket, then `=`,
 * `:`, `=>`, `,` or `>` with a few blanks, then an opening quote or `<`; the value itself starts a base64 run.
 */
const SEPARATOR = String.raw`(?:\\?["']|[\]>])?[ \t]{0,8}(?:=>|:=|[:=,>])?[ \t]{0,8}(?:\\?["']|<)?(?<![A-Za-z0-9/+])`;

/** `aws_secret_access_key = ...`, `SecretAccessKey: ...`, `AWS_SECRET_ACCESS_KEY=...`, Terraform `secret_key = "..."`. */
const NAMED_SECRET = new RegExp(
  String.raw`(?<![A-Za-z0-9])(?:aws[_.-]?)?secret[_.-]?(?:access[_.-]?)?key${SEPARATOR}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
  "gi",
);

/**
 * `aws_session_token = ...`, `SessionToken: ...`, `AWS_SECURITY_TOKEN=...`, up to where the value starts; the
 * value (base64 of 100 to 10,000 characters) is measured by `tokenEnd`, because an unbounded run in a regex
 * backtracks through every character of a long line.
 */
const TOKEN_NAME = new RegExp(
  String.raw`(?<![A-Za-z0-9])(?:aws[_.-]?)?(?:session|security)[_.-]?token${SEPARATOR}(?=[A-Za-z0-9/+]{100})`,
  "gi",
);
const TOKEN_MIN = 100;
const TOKEN_MAX = 10_000;

/** Any 40-character base64 run: a secret access key only when it sits next to an access key id. */
const SECRET_CANDIDATE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/**
 * Every pattern the rule runs, for the test that checks the linear-time claim above: none may contain an
 * unbounded quantifier (`*`, `+`, `{n,}`), so each match attempt reads a bounded number of characters.
 */
export const CREDENTIAL_PATTERNS: readonly RegExp[] = [KEY_ID, NAMED_SECRET, TOKEN_NAME, SECRET_CANDIDATE];

/** How many lines around an access key id an unnamed secret may be (credentials CSV, `.aws/credentials`). */
const NEAR_LINES = 3;

/**
 * AWS documents its credentials with example keys (`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`
 * and a few others, all with these suffixes; its example session tokens have `EXAMPLE` inside, e.g. `AQoDYXdzEPT//////////wEXAMPLEtc764…`
 * in the SDKs' `examples-1.json`); they appear in docs and tests and are not credentials. Random base64 of a real
 * token practically never spells EXAMPLE.
 */
function isExample(value: string, kind: Kind): boolean {
  if (kind === "sessionToken") return value.includes("EXAMPLE");
  return kind === "accessKeyId" ? value.endsWith("EXAMPLE") : value.endsWith("EXAMPLEKEY");
}

/** Random base64 of this length practically always mixes cases; hex digests and words do not. */
function mixedCase(value: string): boolean {
  return /[A-Z]/.test(value) && /[a-z]/.test(value);
}

type Kind = "accessKeyId" | "secretAccessKey" | "sessionToken";

interface Hit {
  kind: Kind;
  start: number;
  value: string;
}

/** Never the credential itself: its first four characters and an ellipsis. */
function masked(value: string): string {
  return `${value.slice(0, 4)}…`;
}

/** Offsets of line starts, for offset → line/column. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The index of the last element of an ascending array that is at most `value`, or -1. */
function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = -1;
  let high = sorted.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (sorted[mid]! <= value) low = mid;
    else high = mid - 1;
  }
  return low;
}

function rangeAt(starts: readonly number[], start: number, length: number): Range {
  const index = lastAtOrBefore(starts, start);
  const column = start - starts[index]! + 1;
  return { line: index + 1, column, endLine: index + 1, endColumn: column + length };
}

const BASE64 = /[A-Za-z0-9/+]/;

/** Where a session token starting at `start` ends, or undefined when the run there is no token. */
function tokenEnd(text: string, start: number): number | undefined {
  let end = start;
  while (end < text.length && end - start <= TOKEN_MAX && BASE64.test(text[end]!)) end++;
  for (let pad = 0; pad < 2 && text[end] === "="; pad++) end++;
  const length = end - start;
  if (length < TOKEN_MIN || length > TOKEN_MAX || (end < text.length && /[A-Za-z0-9/+=]/.test(text[end]!))) return undefined;
  return end;
}

/** The start offset of capture group 1 (the value), which ends where the whole match ends. */
function valueStart(match: RegExpExecArray): number {
  return match.index + match[0].length - match[1]!.length;
}

/** Every credential in the text, each once, in no particular order. */
function findCredentials(text: string): Hit[] {
  const hits: Hit[] = [];
  const taken = new Set<number>();
  const add = (hit: Hit): void => {
    if (taken.has(hit.start) || isExample(hit.value, hit.kind)) return;
    taken.add(hit.start);
    hits.push(hit);
  };

  for (const match of text.matchAll(TOKEN_NAME)) {
    const start = match.index + match[0].length;
    const end = tokenEnd(text, start);
    if (end !== undefined) add({ kind: "sessionToken", start, value: text.slice(start, end) });
  }
  for (const match of text.matchAll(NAMED_SECRET)) {
    if (mixedCase(match[1]!)) add({ kind: "secretAccessKey", start: valueStart(match), value: match[1]! });
  }

  const keyIds = [...text.matchAll(KEY_ID)].filter((m) => !isExample(m[0], "accessKeyId"));
  if (keyIds.length > 0) {
    const starts = lineStartsOf(text);
    const keyLines = new Set(keyIds.map((m) => lastAtOrBefore(starts, m.index)));
    for (const match of text.matchAll(SECRET_CANDIDATE)) {
      const value = match[0];
      // Unnamed: also demand a digit, slash or plus, so long identifiers next to a key id are not taken for secrets.
      if (!mixedCase(value) || !/[0-9/+]/.test(value)) continue;
      const line = lastAtOrBefore(starts, match.index);
      let near = false;
      for (let l = line - NEAR_LINES; l <= line + NEAR_LINES && !near; l++) near = keyLines.has(l);
      if (near) add({ kind: "secretAccessKey", start: match.index, value });
    }
  }

  // A key id inside a token or secret already reported is part of that credential, not a second one.
  // Spans do not overlap (each starts after a non-base64 character and runs to the next), so a binary search
  // over their starts finds the one a key id could be in.
  const spans = hits.map((h) => [h.start, h.start + h.value.length] as const).sort((a, b) => a[0] - b[0]);
  const spanStarts = spans.map((span) => span[0]);
  for (const match of keyIds) {
    const span = spans[lastAtOrBefore(spanStarts, match.index)];
    if (!span || match.index >= span[1]) add({ kind: "accessKeyId", start: match.index, value: match[0] });
  }
  return hits;
}

// Made-up credentials for the docs examples, split so that this source file is not itself a finding.
const FAKE_KEY_ID = "AKIA" + "2OGYBAH6STMMNXNN";
const FAKE_SECRET = "q8Vz3Lm0Rk2Tj7Yb5Nc1" + "Xw9Pd4Hs6Ga/Fe+Uo0Ki";

const ADVICE = "deactivate and rotate it, and give the code a role or read credentials from a secret store instead";

export default defineRule({
  id: "no-hardcoded-aws-keys",
  category: "hardcoded-secret",
  severity: "error",
  docs: {
    description: "Disallow AWS access keys, secret access keys and session tokens written into files.",
    rationale:
      "A credential committed to a repository is readable by everyone who can read the repository, its forks and " +
      "clones, and it stays in the history after the line is deleted; automated scanners find keys pushed to public " +
      "repositories within minutes. Deactivate and rotate a committed key, then let the code get temporary " +
      "credentials from a role (or OIDC federation in CI) or read them from a secret store at run time. Messages " +
      "show only the first four characters of a credential. A 40-character secret is reported only when it is " +
      "assigned to a name such as `aws_secret_access_key` or sits within three lines of an access key id, so that " +
      "hashes and other random strings are not reported. AWS's documented example keys (`AKIAIOSFODNN7EXAMPLE`, " +
      "`wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` and others ending in `EXAMPLE` / `EXAMPLEKEY`) are skipped.",
    examples: {
      noncompliant: [
        {
          title: "Credentials in a .env file",
          file: ".env",
          text: `AWS_ACCESS_KEY_ID=${FAKE_KEY_ID}\nAWS_SECRET_ACCESS_KEY=${FAKE_SECRET}\n`,
        },
        {
          title: "A key in a Terraform provider block",
          file: "provider.tf",
          text: `provider "aws" {\n  region     = "eu-west-1"\n  access_key = "${FAKE_KEY_ID}"\n}\n`,
        },
      ],
      compliant: [
        {
          title: "Credentials from the environment or a profile",
          file: "provider.tf",
          text: 'provider "aws" {\n  region  = "eu-west-1"\n  profile = "deploy"\n}\n',
        },
        {
          title: "AWS's documented example keys",
          file: "README.md",
          text: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#securing_access-keys",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids",
    ],
  },
  messages: {
    accessKeyId: (data: { masked: string }) =>
      `This file contains the AWS access key id "${data.masked}", which stays in the repository history once committed; ${ADVICE}.`,
    secretAccessKey: (data: { masked: string }) =>
      `This file contains an AWS secret access key ("${data.masked}"), which gives its user's access to anyone who can read the repository; ${ADVICE}.`,
    sessionToken: (data: { masked: string }) =>
      `This file contains an AWS session token ("${data.masked}"), which gives the role's access to anyone who can read the repository until it expires; revoke the role's active sessions and keep temporary credentials out of files.`,
  },
  checkText(file, context) {
    const hits = findCredentials(file.text);
    if (hits.length === 0) return;
    const starts = lineStartsOf(file.text);
    // The n-th line holding the same credential: stable when lines are added elsewhere (unlike the line number),
    // and still tells two copies on two lines apart.
    const linesOf = new Map<string, number[]>();
    for (const hit of hits) {
      const key = `${hit.kind}\u0000${hit.value}`;
      const line = rangeAt(starts, hit.start, hit.value.length).line;
      const seen = linesOf.get(key) ?? [];
      if (!seen.includes(line)) seen.push(line);
      linesOf.set(key, seen);
    }
    for (const hit of hits) {
      const range = rangeAt(starts, hit.start, hit.value.length);
      const occurrence = linesOf.get(`${hit.kind}\u0000${hit.value}`)!.indexOf(range.line);
      context.report({
        messageId: hit.kind,
        data: { masked: masked(hit.value) },
        file: file.path,
        range,
        // Findings are stored and printed: the credential goes into the fingerprint only as a hash.
        subject: `${fingerprintOf(hit.kind, hit.value)}#${occurrence}`,
      });
    }
  },
});

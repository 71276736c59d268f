import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule, { CREDENTIAL_PATTERNS } from "../../src/rules/no-hardcoded-aws-keys.ts";
import type { SourceFile } from "../../src/types.ts";
import { ruleTester, runRule } from "./rule-tester.ts";

// Made-up credentials of the right shape. They are split so that this file is not itself a finding when the
// repository is scanned.
const KEY_ID = "AKIA" + "2OGYBAH6STMMNXNN";
const TEMP_KEY_ID = "ASIA" + "5WQ3JRZ7KXTBLHPD";
const SECRET = "q8Vz3Lm0Rk2Tj7Yb5Nc1" + "Xw9Pd4Hs6Ga/Fe+Uo0Ki";
const TOKEN =
  "IQoJb3JpZ2luX2VjEJr" +
  "//////////wEaCXVzLWVhc3QtMSJHMEUCIQDx7b2Kp9Lm4Qz" +
  "8RtVn3YwJcH5sA0dGfUe1iOa6XkBvNgIgT2pWq7Lr9Ys4Mc" +
  "Zx1Hb8Jn3Fd5Kg0Vt6Ea2Wi";
const ADVICE = "deactivate and rotate it, and give the code a role or read credentials from a secret store instead.";
const KEY_ID_MESSAGE = `This file contains the AWS access key id "AKIA…", which stays in the repository history once committed; ${ADVICE}`;
const SECRET_MESSAGE = `This file contains an AWS secret access key ("q8Vz…"), which gives its user's access to anyone who can read the repository; ${ADVICE}`;

const DOT_ENV: SourceFile = {
  path: "deploy/.env",
  text: `# deploy credentials\nAWS_ACCESS_KEY_ID=${KEY_ID}\nAWS_SECRET_ACCESS_KEY=${SECRET}\nAWS_REGION=eu-west-1\n`,
};
const SHELL: SourceFile = {
  path: "scripts/assume.sh",
  text: `#!/bin/sh\nexport AWS_ACCESS_KEY_ID="${TEMP_KEY_ID}"\nexport AWS_SECRET_ACCESS_KEY="${SECRET}"\nexport AWS_SESSION_TOKEN="${TOKEN}"\naws s3 ls\n`,
};
const TEMPLATE: SourceFile = {
  path: "template.yaml",
  text:
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n' +
    "      Handler: index.handler\n      Runtime: nodejs22.x\n      Role: arn:aws:iam::111122223333:role/fn\n" +
    `      Environment:\n        Variables:\n          UPLOAD_KEY: ${KEY_ID}\n          UPLOAD_SECRET: ${SECRET}\n`,
};
const PROVIDER: SourceFile = {
  path: "provider.tf",
  text: `provider "aws" {\n  region     = "eu-west-1"\n  access_key = "${KEY_ID}"\n  secret_key = "${SECRET}"\n}\n`,
};
const INVALID_FILES = [DOT_ENV, SHELL, TEMPLATE, PROVIDER];

ruleTester.run(rule, {
  valid: [
    {
      name: "issue 10: AWS's example session tokens (EXAMPLE inside, as in the SDKs' examples-1.json) are skipped",
      files: [
        {
          path: "botocore/data/sts/2011-06-15/examples-1.json",
          text: `{"output":{"Credentials":{"AccessKeyId":"AKIAIOSFODNN7EXAMPLE","SessionToken":"AQoDYXdzEPT//////////wEXAMPLEq${"a1B2c3D4".repeat(14)}=="}}}\n`,
        },
      ],
    },
    {
      name: "AWS's documented example keys are skipped",
      files: [
        {
          path: "README.md",
          text: "```ini\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n```\n",
        },
      ],
    },
    {
      name: "credentials read from the environment or variables",
      files: [
        { path: "run.sh", text: 'export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:?}"\naws sts get-caller-identity\n' },
        { path: "provider.tf", text: 'provider "aws" {\n  access_key = var.access_key\n  secret_key = var.secret_key\n}\n' },
      ],
    },
    {
      name: "a hex digest assigned to a secret-like name is not an AWS secret",
      files: [{ path: "settings.env", text: "SECRET_KEY=0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33\n" }],
    },
    {
      name: "a 40-character random string with no key id or secret name near it",
      files: [{ path: "lock.txt", text: `integrity: ${SECRET}\n` }],
    },
    {
      name: "a key-id-shaped run inside a longer word",
      files: [{ path: "ids.txt", text: `X${KEY_ID}\n${KEY_ID}X\n${KEY_ID}9\n` }],
    },
    {
      name: "a secret name followed by a longer base64 value (a certificate, a hash) is not a secret key",
      files: [{ path: "config.yaml", text: `secret_key: ${SECRET}${SECRET}\nsession_token: short\n` }],
    },
  ],
  invalid: [
    {
      name: "a .env file with a key id and its secret",
      files: [DOT_ENV],
      errors: [
        {
          messageId: "accessKeyId",
          line: 2,
          column: 19,
          endLine: 2,
          endColumn: 39,
          severity: "error",
          suggestion: null,
          message: KEY_ID_MESSAGE,
        },
        { messageId: "secretAccessKey", line: 3, column: 23, endLine: 3, endColumn: 63, message: SECRET_MESSAGE },
      ],
    },
    {
      name: "a shell script exporting temporary credentials",
      files: [SHELL],
      errors: [
        {
          messageId: "accessKeyId",
          line: 2,
          column: 27,
          endLine: 2,
          endColumn: 47,
          message: `This file contains the AWS access key id "ASIA…", which stays in the repository history once committed; ${ADVICE}`,
        },
        { messageId: "secretAccessKey", line: 3, column: 31, endLine: 3, endColumn: 71 },
        {
          messageId: "sessionToken",
          line: 4,
          column: 27,
          endLine: 4,
          endColumn: 164,
          message:
            "This file contains an AWS session token (\"IQoJ…\"), which gives the role's access to anyone who can read the repository until it expires; revoke the role's active sessions and keep temporary credentials out of files.",
        },
      ],
    },
    {
      name: "a CloudFormation template with a key in a function's environment; the secret is found next to the key id",
      files: [TEMPLATE],
      errors: [
        { messageId: "accessKeyId", line: 11, column: 23, endLine: 11, endColumn: 43 },
        { messageId: "secretAccessKey", line: 12, column: 26, endLine: 12, endColumn: 66 },
      ],
    },
    {
      name: "a Terraform provider block with static credentials",
      files: [PROVIDER],
      errors: [
        { messageId: "accessKeyId", line: 3, column: 17, endLine: 3, endColumn: 37, message: KEY_ID_MESSAGE },
        { messageId: "secretAccessKey", line: 4, column: 17, endLine: 4, endColumn: 57, message: SECRET_MESSAGE },
      ],
    },
    {
      name: "a credentials CSV downloaded from the console",
      files: [{ path: "alice_accessKeys.csv", text: `Access key ID,Secret access key\n${KEY_ID},${SECRET}\n` }],
      errors: [
        { messageId: "accessKeyId", line: 2, column: 1, endLine: 2, endColumn: 21 },
        { messageId: "secretAccessKey", line: 2, column: 22, endLine: 2, endColumn: 62 },
      ],
    },
    {
      name: "the JSON output of aws sts assume-role",
      files: [
        {
          path: "creds.json",
          text: `{\n  "Credentials": {\n    "AccessKeyId": "${TEMP_KEY_ID}",\n    "SecretAccessKey": "${SECRET}",\n    "SessionToken": "${TOKEN}",\n    "Expiration": "2026-06-01T12:00:00Z"\n  }\n}\n`,
        },
      ],
      errors: [
        { messageId: "accessKeyId", line: 3, column: 21, endLine: 3, endColumn: 41 },
        { messageId: "secretAccessKey", line: 4, column: 25, endLine: 4, endColumn: 65 },
        { messageId: "sessionToken", line: 5, column: 22, endLine: 5, endColumn: 159 },
      ],
    },
    {
      name: "a secret access key alone, named inside an escaped JSON string",
      files: [{ path: "deploy.log", text: `payload="{\\"SecretAccessKey\\":\\"${SECRET}\\"}"\n` }],
      errors: [{ messageId: "secretAccessKey", line: 1, column: 33, endLine: 1, endColumn: 73, message: SECRET_MESSAGE }],
    },
    {
      name: "a 40-character string four lines away from a key id is not taken for its secret",
      files: [{ path: "notes.txt", text: `key: ${KEY_ID}\n\n\n\nchecksum: ${SECRET}\n` }],
      errors: [{ messageId: "accessKeyId", line: 1, column: 6, endLine: 1, endColumn: 26 }],
    },
    {
      name: "a session token that starts like a key id is reported once, as a token",
      files: [{ path: "token.env", text: `AWS_SESSION_TOKEN=${KEY_ID}/${TOKEN}\n` }],
      errors: [{ messageId: "sessionToken", line: 1, column: 19, endLine: 1, endColumn: 177 }],
    },
    {
      name: "the same key twice on one line is one finding, on two lines two",
      files: [{ path: "keys.txt", text: `${KEY_ID} ${KEY_ID}\n${KEY_ID}\n` }],
      errors: [
        { messageId: "accessKeyId", line: 1, column: 1, endLine: 1, endColumn: 21 },
        { messageId: "accessKeyId", line: 2, column: 1, endLine: 2, endColumn: 21 },
      ],
    },
  ],
});

describe("no-hardcoded-aws-keys: credentials never appear in findings", () => {
  it("no finding contains a whole key id, secret or token, in any field", async () => {
    const findings = await runRule(rule, INVALID_FILES, undefined, { name: "all invalid files" });
    assert.equal(findings.length, 9);
    const serialized = JSON.stringify(findings);
    for (const credential of [KEY_ID, TEMP_KEY_ID, SECRET, TOKEN]) {
      assert.equal(serialized.includes(credential), false, `${credential.slice(0, 4)}… is not in the findings`);
      // Nor any longer prefix than the four characters the message shows.
      assert.equal(serialized.includes(credential.slice(0, 5)), false);
    }
    assert.match(serialized, /AKIA…/);
  });
});

/** Quantifiers in a regular expression that allow unbounded repetition (`*`, `+`, `{n,}`), outside character classes. */
function unboundedQuantifiers(source: string): string[] {
  const found: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "*" || c === "+") found.push(`${c} at ${i}`);
    else if (c === "{" && /^\{\d+,\}/.test(source.slice(i))) found.push(`{n,} at ${i}`);
  }
  return found;
}

describe("no-hardcoded-aws-keys: linear time on hostile input", () => {
  it("no pattern repeats without bound, so each match attempt reads a bounded number of characters", () => {
    assert.equal(CREDENTIAL_PATTERNS.length, 4);
    for (const pattern of CREDENTIAL_PATTERNS) assert.deepEqual(unboundedQuantifiers(pattern.source), [], pattern.source);
    // The scanner itself finds what it must.
    assert.deepEqual(unboundedQuantifiers(String.raw`a+[*+]\*b{2,}c{1,3}`), ["+ at 1", "{n,} at 9"]);
  });

  it("a session token is measured in code up to 10,000 characters; a longer run is no token", () => {
    const token = (length: number) => "Ab1+".repeat(length / 4);
    const found = (text: string) => {
      const ids: string[] = [];
      rule.checkText!({ path: "big.txt", text }, { sensitiveActions: [], report: (r) => ids.push(r.messageId) });
      return ids;
    };
    assert.deepEqual(found(`aws_session_token=${token(10_000)}\n`), ["sessionToken"]);
    assert.deepEqual(found(`aws_session_token=${token(10_004)}\n`), []);
  });

  const inputs: Array<[string, string, string[]]> = [
    ["a 4 MB base64 blob", "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODkrLw".repeat(50_000), []],
    ["secret names without values", "aws_secret_access_key =        ".repeat(130_000), []],
    ["a session token name before 4 MB of base64", `aws_session_token=${"Ab1+".repeat(1_000_000)}`, []],
    [
      "key ids with 40-character strings that never end",
      `${KEY_ID}\n${"Q8vz3Lm0Rk2Tj7Yb5Nc1Xw9Pd4Hs6GaFe".repeat(100_000)}\n`,
      ["accessKeyId"],
    ],
  ];
  for (const [name, text, expected] of inputs) {
    it(name, () => {
      const ids: string[] = [];
      rule.checkText!({ path: "big.txt", text }, { sensitiveActions: [], report: (r) => ids.push(r.messageId) });
      assert.deepEqual(ids, expected);
    });
  }
});

describe("no-hardcoded-aws-keys fingerprints", () => {
  it("stay the same when lines are added above the key, so a review comment is not posted twice", async () => {
    const before = await runRule(rule, [DOT_ENV], undefined, { name: "before" });
    const shifted = { ...DOT_ENV, text: `# a new comment\n# and another\n${DOT_ENV.text}` };
    const after = await runRule(rule, [shifted], undefined, { name: "after" });
    assert.deepEqual(
      after.map((f) => f.line),
      before.map((f) => f.line + 2),
    );
    assert.deepEqual(
      after.map((f) => f.fingerprint),
      before.map((f) => f.fingerprint),
    );
  });
});

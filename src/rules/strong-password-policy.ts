import type { IacFact, JsonValue, PositionedValue, Range } from "../types.ts";
import { displayValue } from "../extract/document.ts";
import { defineRule, type RuleFix } from "./define-rule.ts";

type PasswordPolicy = Extract<IacFact, { type: "password-policy" }>;

/** A setting as read: absent (or null), a literal of the expected type, or something not known statically. */
type Reading<T> = { state: "missing" } | { state: "unknown" } | { state: "known"; value: T };

function numberOf(value: JsonValue): Reading<number> {
  if (value === null) return { state: "missing" };
  if (typeof value === "number") return { state: "known", value };
  // HCL converts "14" to a number; placeholders (`{{var.length}}`) stay unknown.
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) return { state: "known", value: Number(value) };
  return { state: "unknown" };
}

function booleanOf(value: JsonValue): Reading<boolean> {
  if (value === null) return { state: "missing" };
  if (typeof value === "boolean") return { state: "known", value };
  if (value === "true" || value === "false") return { state: "known", value: value === "true" };
  return { state: "unknown" };
}

/** Settings under their AWS API names, with the Terraform argument that sets each. */
const TERRAFORM_NAMES = {
  MinimumPasswordLength: "minimum_password_length",
  RequireSymbols: "require_symbols",
  RequireNumbers: "require_numbers",
  RequireUppercaseCharacters: "require_uppercase_characters",
  RequireLowercaseCharacters: "require_lowercase_characters",
  PasswordReusePrevention: "password_reuse_prevention",
  MaxPasswordAge: "max_password_age",
} as const;
type Setting = keyof typeof TERRAFORM_NAMES;

const CHARACTER_CLASSES: ReadonlyArray<[Setting, string]> = [
  ["RequireSymbols", "a symbol"],
  ["RequireNumbers", "a number"],
  ["RequireUppercaseCharacters", "an uppercase letter"],
  ["RequireLowercaseCharacters", "a lowercase letter"],
];

const MIN_LENGTH = 14;
const REUSE_PREVENTION = 24;
const MAX_AGE = 90;

export default defineRule({
  id: "strong-password-policy",
  category: "password-policy",
  severity: "warning",
  docs: {
    description: "Require an account password policy that meets the CIS AWS Foundations Benchmark.",
    rationale:
      "The account password policy is all that stands between an IAM user's console password and guessing, " +
      "credential stuffing and offline cracking. The CIS AWS Foundations Benchmark asks for at least 14 characters " +
      "(1.8) and prevention of reusing any of the last 24 passwords (1.9); requiring symbols, numbers, uppercase " +
      "and lowercase letters and expiry within 90 days are the long-standing companion controls. Each weak or " +
      "missing setting is reported on its own, naming the value found and the value needed. Settings whose value " +
      "is not known statically (a variable) are not reported. Better still, have no IAM user passwords at all and " +
      "sign people in through IAM Identity Center.",
    examples: {
      noncompliant: [
        {
          title: "An 8-character minimum without reuse prevention or expiry",
          file: "account.tf",
          text:
            'resource "aws_iam_account_password_policy" "this" {\n  minimum_password_length      = 8\n  require_symbols              = true\n' +
            "  require_numbers              = true\n  require_uppercase_characters = true\n  require_lowercase_characters = true\n}\n",
        },
      ],
      compliant: [
        {
          title: "A policy that meets CIS 1.8 and 1.9",
          file: "account.tf",
          text:
            'resource "aws_iam_account_password_policy" "this" {\n  minimum_password_length      = 14\n  require_symbols              = true\n' +
            "  require_numbers              = true\n  require_uppercase_characters = true\n  require_lowercase_characters = true\n" +
            "  password_reuse_prevention    = 24\n  max_password_age             = 90\n}\n",
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
      "https://www.cisecurity.org/benchmark/amazon_web_services",
    ],
  },
  messages: {
    minimumLength: (data: { setting: string; found: string }) =>
      `${data.setting} is ${data.found}; require at least ${MIN_LENGTH} characters (CIS AWS Foundations 1.8), because short passwords are guessed and cracked quickly.`,
    characterClass: (data: { setting: string; found: string; what: string }) =>
      `${data.setting} is ${data.found}; set it to true so every password must contain ${data.what}, which makes it harder to guess.`,
    reusePrevention: (data: { setting: string; found: string }) =>
      `${data.setting} is ${data.found}; set it to ${REUSE_PREVENTION} (CIS AWS Foundations 1.9) so users cannot go back to a password that may have leaked.`,
    maxAge: (data: { setting: string; found: string }) =>
      `${data.setting} is ${data.found}; set it to ${MAX_AGE} days or fewer so a leaked password stops working.`,
  },
  checkFacts(facts, context) {
    for (const fact of facts) {
      if (fact.type !== "password-policy") continue;
      const terraform = fact.file.endsWith(".tf");
      const nameOf = (setting: Setting): string => (terraform ? TERRAFORM_NAMES[setting] : setting);

      /** The setting's value when present, otherwise the whole policy; with a fix in Terraform. */
      const locate = (setting: Setting, needed: string): { range: Range; fix?: RuleFix } => {
        const present = fact.settings[setting];
        const range = present?.value === null || !present ? fact.range : present.range;
        if (!terraform) return { range };
        const description = `Set ${nameOf(setting)} to ${needed}.`;
        const edit =
          present && present.value !== null ? replaceLiteral(present, needed) : insertSetting(fact, `  ${nameOf(setting)} = ${needed}\n`);
        return edit ? { range, fix: { description, edits: [edit] } } : { range };
      };
      const report = (messageId: "minimumLength" | "reusePrevention" | "maxAge", setting: Setting, found: string, needed: string): void => {
        const { range, fix } = locate(setting, needed);
        context.report({
          messageId,
          data: { setting: nameOf(setting), found },
          file: fact.file,
          range,
          origin: fact.origin,
          subject: setting,
          ...(fix ? { fix } : {}),
        });
      };
      const read = (setting: Setting): JsonValue => fact.settings[setting]?.value ?? null;

      // AWS applies 6 when a password policy is created without a minimum (the console's default is 8).
      const length = numberOf(read("MinimumPasswordLength"));
      if (length.state === "missing") report("minimumLength", "MinimumPasswordLength", "not set (6 by default)", String(MIN_LENGTH));
      else if (length.state === "known" && length.value < MIN_LENGTH)
        report("minimumLength", "MinimumPasswordLength", String(length.value), String(MIN_LENGTH));

      for (const [setting, what] of CHARACTER_CLASSES) {
        const required = booleanOf(read(setting));
        if (required.state === "unknown" || (required.state === "known" && required.value)) continue;
        const { range, fix } = locate(setting, "true");
        context.report({
          messageId: "characterClass",
          data: { setting: nameOf(setting), found: required.state === "missing" ? "not set (false by default)" : "false", what },
          file: fact.file,
          range,
          origin: fact.origin,
          subject: setting,
          ...(fix ? { fix } : {}),
        });
      }

      const reuse = numberOf(read("PasswordReusePrevention"));
      if (reuse.state === "missing")
        report("reusePrevention", "PasswordReusePrevention", "not set (any old password may be reused)", String(REUSE_PREVENTION));
      else if (reuse.state === "known" && reuse.value < REUSE_PREVENTION)
        report("reusePrevention", "PasswordReusePrevention", String(reuse.value), String(REUSE_PREVENTION));

      const age = numberOf(read("MaxPasswordAge"));
      if (age.state === "missing") report("maxAge", "MaxPasswordAge", "not set (passwords never expire)", String(MAX_AGE));
      else if (age.state === "known" && age.value === 0) report("maxAge", "MaxPasswordAge", "0 (passwords never expire)", String(MAX_AGE));
      else if (age.state === "known" && age.value > MAX_AGE) report("maxAge", "MaxPasswordAge", String(age.value), String(MAX_AGE));
    }
  },
});

/**
 * Replaces a literal value (`8`, `"8"`, `false`) with the needed one. A value that came from elsewhere (a variable
 * with a default, a local) spans more text than its literal, and is not rewritten.
 */
function replaceLiteral(present: PositionedValue, needed: string): { range: Range; text: string } | undefined {
  const { range, value } = present;
  const literal = typeof value === "string" ? `"${value}"` : displayValue(value);
  if (range.line !== range.endLine || range.endColumn - range.column !== literal.length) return undefined;
  return { range, text: needed };
}

/**
 * Inserts an argument before the closing brace of a `resource` block whose `}` stands alone at the start of its
 * own line (the layout `terraform fmt` produces); any other layout gets no suggestion.
 */
function insertSetting(fact: PasswordPolicy, line: string): { range: Range; text: string } | undefined {
  const { range } = fact;
  if (range.endLine <= range.line || range.endColumn !== 2) return undefined;
  return { range: { line: range.endLine, column: 1, endLine: range.endLine, endColumn: 1 }, text: line };
}

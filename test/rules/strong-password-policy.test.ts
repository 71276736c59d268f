import rule from "../../src/rules/strong-password-policy.ts";
import { ruleTester } from "./rule-tester.ts";

const HEAD = 'resource "aws_iam_account_password_policy" "this" {\n';
const STRONG_CLASSES =
  "  require_symbols              = true\n  require_numbers              = true\n" +
  "  require_uppercase_characters = true\n  require_lowercase_characters = true\n";
const STRONG_REST = "  password_reuse_prevention    = 24\n  max_password_age             = 90\n";

ruleTester.run(rule, {
  valid: [
    {
      name: "a Terraform policy that meets CIS 1.8 and 1.9",
      files: [{ path: "account.tf", text: `${HEAD}  minimum_password_length      = 14\n${STRONG_CLASSES}${STRONG_REST}}\n` }],
    },
    {
      name: "stricter than needed: longer, expiring sooner",
      files: [
        {
          path: "account.tf",
          text: `${HEAD}  minimum_password_length      = 32\n${STRONG_CLASSES}  password_reuse_prevention    = 24\n  max_password_age             = 30\n}\n`,
        },
      ],
    },
    {
      // Issue #11: a variable's default is its value for the review; one without a default (or tfvars) is unknown.
      name: "settings from variables without a value are not known and not reported",
      files: [
        {
          path: "account.tf",
          text:
            'variable "min_length" {\n  type = number\n}\n\n' +
            `${HEAD}  minimum_password_length      = var.min_length\n  require_symbols              = var.strict\n` +
            "  require_numbers              = true\n  require_uppercase_characters = true\n  require_lowercase_characters = true\n" +
            `${STRONG_REST}}\n`,
        },
      ],
    },
    {
      name: "the JSON output of aws iam get-account-password-policy for a strong policy",
      files: [
        {
          path: "password-policy.json",
          text:
            '{\n  "PasswordPolicy": {\n    "MinimumPasswordLength": 16,\n    "RequireSymbols": true,\n    "RequireNumbers": true,\n' +
            '    "RequireUppercaseCharacters": true,\n    "RequireLowercaseCharacters": true,\n    "AllowUsersToChangePassword": true,\n' +
            '    "ExpirePasswords": true,\n    "MaxPasswordAge": 90,\n    "PasswordReusePrevention": 24,\n    "HardExpiry": false\n  }\n}\n',
        },
      ],
    },
  ],
  invalid: [
    {
      name: "a Terraform minimum length of 8",
      files: [{ path: "account.tf", text: `${HEAD}  minimum_password_length      = 8\n${STRONG_CLASSES}${STRONG_REST}}\n` }],
      errors: [
        {
          messageId: "minimumLength",
          line: 2,
          column: 34,
          endLine: 2,
          endColumn: 35,
          severity: "warning",
          message:
            "minimum_password_length is 8; require at least 14 characters (CIS AWS Foundations 1.8), because short passwords are guessed and cracked quickly.",
          suggestion: `${HEAD}  minimum_password_length      = 14\n${STRONG_CLASSES}${STRONG_REST}}\n`,
        },
      ],
    },
    {
      name: "a Terraform policy that sets only the length: each missing setting on its own",
      files: [{ path: "account.tf", text: `${HEAD}  minimum_password_length = 14\n}\n` }],
      errors: [
        {
          messageId: "characterClass",
          line: 1,
          column: 1,
          endLine: 3,
          endColumn: 2,
          message:
            "require_symbols is not set (false by default); set it to true so every password must contain a symbol, which makes it harder to guess.",
          suggestion: `${HEAD}  minimum_password_length = 14\n  require_symbols = true\n}\n`,
        },
        {
          messageId: "characterClass",
          line: 1,
          column: 1,
          endLine: 3,
          endColumn: 2,
          suggestion: `${HEAD}  minimum_password_length = 14\n  require_numbers = true\n}\n`,
        },
        {
          messageId: "characterClass",
          line: 1,
          column: 1,
          endLine: 3,
          endColumn: 2,
          suggestion: `${HEAD}  minimum_password_length = 14\n  require_uppercase_characters = true\n}\n`,
        },
        {
          messageId: "characterClass",
          line: 1,
          column: 1,
          endLine: 3,
          endColumn: 2,
          message:
            "require_lowercase_characters is not set (false by default); set it to true so every password must contain a lowercase letter, which makes it harder to guess.",
          suggestion: `${HEAD}  minimum_password_length = 14\n  require_lowercase_characters = true\n}\n`,
        },
        {
          messageId: "reusePrevention",
          line: 1,
          column: 1,
          endLine: 3,
          endColumn: 2,
          message:
            "password_reuse_prevention is not set (any old password may be reused); set it to 24 (CIS AWS Foundations 1.9) so users cannot go back to a password that may have leaked.",
          suggestion: `${HEAD}  minimum_password_length = 14\n  password_reuse_prevention = 24\n}\n`,
        },
        {
          messageId: "maxAge",
          line: 1,
          column: 1,
          endLine: 3,
          endColumn: 2,
          message: "max_password_age is not set (passwords never expire); set it to 90 days or fewer so a leaked password stops working.",
          suggestion: `${HEAD}  minimum_password_length = 14\n  max_password_age = 90\n}\n`,
        },
      ],
    },
    {
      name: "Terraform values that are too weak, as quoted strings and zero",
      files: [
        {
          path: "account.tf",
          text:
            `${HEAD}  minimum_password_length      = "12"\n  require_symbols              = false\n  require_numbers              = true\n` +
            "  require_uppercase_characters = true\n  require_lowercase_characters = true\n" +
            "  password_reuse_prevention    = 5\n  max_password_age             = 0\n}\n",
        },
      ],
      errors: [
        {
          messageId: "minimumLength",
          line: 2,
          column: 34,
          endLine: 2,
          endColumn: 38,
          message:
            "minimum_password_length is 12; require at least 14 characters (CIS AWS Foundations 1.8), because short passwords are guessed and cracked quickly.",
          suggestion:
            `${HEAD}  minimum_password_length      = 14\n  require_symbols              = false\n  require_numbers              = true\n` +
            "  require_uppercase_characters = true\n  require_lowercase_characters = true\n" +
            "  password_reuse_prevention    = 5\n  max_password_age             = 0\n}\n",
        },
        {
          messageId: "characterClass",
          line: 3,
          column: 34,
          endLine: 3,
          endColumn: 39,
          message: "require_symbols is false; set it to true so every password must contain a symbol, which makes it harder to guess.",
          suggestion:
            `${HEAD}  minimum_password_length      = "12"\n  require_symbols              = true\n  require_numbers              = true\n` +
            "  require_uppercase_characters = true\n  require_lowercase_characters = true\n" +
            "  password_reuse_prevention    = 5\n  max_password_age             = 0\n}\n",
        },
        {
          messageId: "reusePrevention",
          line: 7,
          column: 34,
          endLine: 7,
          endColumn: 35,
          message:
            "password_reuse_prevention is 5; set it to 24 (CIS AWS Foundations 1.9) so users cannot go back to a password that may have leaked.",
          suggestion:
            `${HEAD}  minimum_password_length      = "12"\n  require_symbols              = false\n  require_numbers              = true\n` +
            "  require_uppercase_characters = true\n  require_lowercase_characters = true\n" +
            "  password_reuse_prevention    = 24\n  max_password_age             = 0\n}\n",
        },
        {
          messageId: "maxAge",
          line: 8,
          column: 34,
          endLine: 8,
          endColumn: 35,
          message: "max_password_age is 0 (passwords never expire); set it to 90 days or fewer so a leaked password stops working.",
          suggestion:
            `${HEAD}  minimum_password_length      = "12"\n  require_symbols              = false\n  require_numbers              = true\n` +
            "  require_uppercase_characters = true\n  require_lowercase_characters = true\n" +
            "  password_reuse_prevention    = 5\n  max_password_age             = 90\n}\n",
        },
      ],
    },
    {
      name: "a Terraform maximum age of a year",
      files: [
        {
          path: "account.tf",
          text: `${HEAD}  minimum_password_length      = 14\n${STRONG_CLASSES}  password_reuse_prevention    = 24\n  max_password_age             = 365\n}\n`,
        },
      ],
      errors: [
        {
          messageId: "maxAge",
          line: 8,
          column: 34,
          endLine: 8,
          endColumn: 37,
          message: "max_password_age is 365; set it to 90 days or fewer so a leaked password stops working.",
          suggestion: `${HEAD}  minimum_password_length      = 14\n${STRONG_CLASSES}${STRONG_REST}}\n`,
        },
      ],
    },
    {
      name: "a one-line Terraform block gets no inserted setting",
      files: [{ path: "account.tf", text: 'resource "aws_iam_account_password_policy" "x" { minimum_password_length = 14 }\n' }],
      errors: [
        { messageId: "characterClass", line: 1, column: 1, endLine: 1, endColumn: 80, suggestion: null },
        { messageId: "characterClass", line: 1, column: 1, endLine: 1, endColumn: 80, suggestion: null },
        { messageId: "characterClass", line: 1, column: 1, endLine: 1, endColumn: 80, suggestion: null },
        { messageId: "characterClass", line: 1, column: 1, endLine: 1, endColumn: 80, suggestion: null },
        { messageId: "reusePrevention", line: 1, column: 1, endLine: 1, endColumn: 80, suggestion: null },
        { messageId: "maxAge", line: 1, column: 1, endLine: 1, endColumn: 80, suggestion: null },
      ],
    },
    {
      name: "the JSON output of aws iam get-account-password-policy for a weak policy, named with API names and without fixes",
      files: [
        {
          path: "password-policy.json",
          text:
            '{\n  "PasswordPolicy": {\n    "MinimumPasswordLength": 8,\n    "RequireSymbols": false,\n    "RequireNumbers": true,\n' +
            '    "RequireUppercaseCharacters": true,\n    "RequireLowercaseCharacters": true,\n    "AllowUsersToChangePassword": true,\n' +
            '    "ExpirePasswords": false,\n    "PasswordReusePrevention": 5\n  }\n}\n',
        },
      ],
      errors: [
        {
          messageId: "maxAge",
          line: 2,
          column: 21,
          endLine: 11,
          endColumn: 4,
          suggestion: null,
          message: "MaxPasswordAge is not set (passwords never expire); set it to 90 days or fewer so a leaked password stops working.",
        },
        {
          messageId: "minimumLength",
          line: 3,
          column: 30,
          endLine: 3,
          endColumn: 31,
          suggestion: null,
          message:
            "MinimumPasswordLength is 8; require at least 14 characters (CIS AWS Foundations 1.8), because short passwords are guessed and cracked quickly.",
        },
        {
          messageId: "characterClass",
          line: 4,
          column: 23,
          endLine: 4,
          endColumn: 28,
          suggestion: null,
          message: "RequireSymbols is false; set it to true so every password must contain a symbol, which makes it harder to guess.",
        },
        {
          messageId: "reusePrevention",
          line: 10,
          column: 32,
          endLine: 10,
          endColumn: 33,
          suggestion: null,
          message:
            "PasswordReusePrevention is 5; set it to 24 (CIS AWS Foundations 1.9) so users cannot go back to a password that may have leaked.",
        },
      ],
    },
  ],
});

/**
 * Every local rule, listed explicitly (typescript-eslint's `rules/index.ts` is the model). CI checks that each
 * rule here has a test and a generated doc page.
 */
import type { Rule } from "./define-rule.ts";
import noAccessKeys from "./no-access-keys.ts";
import noAdminAccess from "./no-admin-access.ts";
import noHardcodedAwsKeys from "./no-hardcoded-aws-keys.ts";
import noIamUsers from "./no-iam-users.ts";
import noSecretOutputs from "./no-secret-outputs.ts";
import strongPasswordPolicy from "./strong-password-policy.ts";

export const RULES: readonly Rule[] = [
  noAdminAccess,
  noAccessKeys,
  noHardcodedAwsKeys,
  noIamUsers,
  noSecretOutputs,
  strongPasswordPolicy,
];

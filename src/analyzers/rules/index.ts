/**
 * Every local rule, listed explicitly (typescript-eslint's `rules/index.ts` is the model). CI checks that each
 * rule here has a test and a generated doc page.
 */
import type { Rule } from "./define-rule.ts";
import noAdminAccess from "./no-admin-access.ts";

export const RULES: readonly Rule[] = [noAdminAccess];

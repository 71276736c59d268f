/**
 * Every local rule, listed explicitly (typescript-eslint's `rules/index.ts` is the model). CI checks that each
 * rule here has a test and a generated doc page.
 */
import type { Rule } from "./define-rule.ts";
import crossAccountTrustConditions from "./cross-account-trust-conditions.ts";
import federationTrustConditions from "./federation-trust-conditions.ts";
import mfaCondition from "./mfa-condition.ts";
import noAccessKeys from "./no-access-keys.ts";
import noAdminAccess from "./no-admin-access.ts";
import noAllowNotElements from "./no-allow-not-elements.ts";
import noDefenseEvasion from "./no-defense-evasion.ts";
import noHardcodedAwsKeys from "./no-hardcoded-aws-keys.ts";
import noIamUsers from "./no-iam-users.ts";
import noPlaintextSecrets from "./no-plaintext-secrets.ts";
import noPrivilegeEscalation from "./no-privilege-escalation.ts";
import noPublicPrincipal from "./no-public-principal.ts";
import noRiskyManagedPolicies from "./no-risky-managed-policies.ts";
import noSecretOutputs from "./no-secret-outputs.ts";
import noSensitiveDataAccessOnAllResources from "./no-sensitive-data-access-on-all-resources.ts";
import noServiceWildcardOnAllResources from "./no-service-wildcard-on-all-resources.ts";
import noUnscopedPassRole from "./no-unscoped-pass-role.ts";
import noWildcardActionsInResourcePolicies from "./no-wildcard-actions-in-resource-policies.ts";
import noWriteOnAllResources from "./no-write-on-all-resources.ts";
import policySizeLimit from "./policy-size-limit.ts";
import servicePrincipalSourceCondition from "./service-principal-source-condition.ts";
import strongPasswordPolicy from "./strong-password-policy.ts";
import validAction from "./valid-action.ts";
import validCondition from "./valid-condition.ts";
import validElementTypes from "./valid-element-types.ts";
import validPolicyJson from "./valid-policy-json.ts";
import validPrincipal from "./valid-principal.ts";
import validPolicyStructure from "./valid-policy-structure.ts";
import validResource from "./valid-resource.ts";
import newAccess from "./new-access.ts";
import unparsedInput from "./unparsed-input.ts";
import validTrustActions from "./valid-trust-actions.ts";

export const RULES: readonly Rule[] = [
  crossAccountTrustConditions,
  federationTrustConditions,
  mfaCondition,
  noAccessKeys,
  noAdminAccess,
  noAllowNotElements,
  noDefenseEvasion,
  noHardcodedAwsKeys,
  noIamUsers,
  noPlaintextSecrets,
  noPrivilegeEscalation,
  noPublicPrincipal,
  noRiskyManagedPolicies,
  noSecretOutputs,
  noSensitiveDataAccessOnAllResources,
  noServiceWildcardOnAllResources,
  noUnscopedPassRole,
  noWildcardActionsInResourcePolicies,
  noWriteOnAllResources,
  policySizeLimit,
  servicePrincipalSourceCondition,
  strongPasswordPolicy,
  validAction,
  validCondition,
  validElementTypes,
  validPolicyJson,
  validPolicyStructure,
  validPrincipal,
  validResource,
  validTrustActions,
];

/**
 * Rules whose findings come from elsewhere (the new-access diff; the extractors and readers): descriptors only, with
 * their docs, messages and default severity, never run by the rule runner.
 */
export const REPORTED_ELSEWHERE: readonly Rule[] = [newAccess, unparsedInput];

/** Every rule id a finding of ours can carry, with its metadata (docs pages, config validation, SARIF). */
export const ALL_RULES: readonly Rule[] = [...RULES, ...REPORTED_ELSEWHERE];

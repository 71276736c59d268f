/** IAM reference data: the wildcard matcher and the action, resource-type and condition-key catalogue. */

export {
  ACCESS_LEVELS,
  actionAcceptsResource,
  actionUsableOn,
  actionInfo,
  expandActionPattern,
  resourceTypesOf,
  serviceExists,
  serviceKeys,
  serviceName,
} from "./actions.ts";
export type { AccessLevel, ActionInfo, ActionResourceType } from "./actions.ts";
export { arnMatchesResourceType } from "./arn-format.ts";
export {
  CONDITION_KEY_TYPES,
  conditionKeyInfo,
  globalConditionKeyInfo,
  globalConditionKeyNames,
  lookupConditionKey,
} from "./condition-keys.ts";
export type { ConditionKeyInfo, ConditionKeyType } from "./condition-keys.ts";
export { IAM_DATA_PACKAGE, iamDataInfo } from "../iam-data.ts";
export type { IamDataInfo } from "../iam-data.ts";
export { hasWildcard, matchesWildcard, wildcardCovers, wildcardOverlaps } from "./wildcard.ts";
export type { WildcardOptions } from "./wildcard.ts";

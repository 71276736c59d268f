/**
 * Where templates hold secrets in plain text (issue #11): password properties, whose whole value is the secret,
 * and user data, a script in which `NAME=value` assignments may be. Data apart from the code that reads it.
 */
import type { IacFact, Range } from "../types.ts";
import { lookupTable } from "./own.ts";

export interface SecretProperty {
  /** Property path under `Properties` (CloudFormation) or the attribute name (Terraform). */
  path: readonly string[];
  /** The whole value is the secret (a password), rather than a script that may contain some. */
  whole: boolean;
}

export const CFN_SECRET_PROPERTIES: Readonly<Record<string, readonly SecretProperty[]>> = lookupTable({
  "AWS::IAM::User": [{ path: ["LoginProfile", "Password"], whole: true }],
  "AWS::EC2::Instance": [{ path: ["UserData"], whole: false }],
  "AWS::EC2::LaunchTemplate": [{ path: ["LaunchTemplateData", "UserData"], whole: false }],
  "AWS::AutoScaling::LaunchConfiguration": [{ path: ["UserData"], whole: false }],
  "AWS::RDS::DBInstance": [{ path: ["MasterUserPassword"], whole: true }],
  "AWS::RDS::DBCluster": [{ path: ["MasterUserPassword"], whole: true }],
  "AWS::Redshift::Cluster": [{ path: ["MasterUserPassword"], whole: true }],
  "AWS::DocDB::DBCluster": [{ path: ["MasterUserPassword"], whole: true }],
  "AWS::DirectoryService::MicrosoftAD": [{ path: ["Password"], whole: true }],
  "AWS::DirectoryService::SimpleAD": [{ path: ["Password"], whole: true }],
});

export const TF_SECRET_ATTRIBUTES: Readonly<Record<string, readonly SecretProperty[]>> = lookupTable({
  aws_instance: [{ path: ["user_data"], whole: false }],
  aws_launch_template: [{ path: ["user_data"], whole: false }],
  aws_launch_configuration: [{ path: ["user_data"], whole: false }],
  aws_spot_instance_request: [{ path: ["user_data"], whole: false }],
  aws_db_instance: [{ path: ["password"], whole: true }],
  aws_rds_cluster: [{ path: ["master_password"], whole: true }],
  aws_redshift_cluster: [{ path: ["master_password"], whole: true }],
  aws_docdb_cluster: [{ path: ["master_password"], whole: true }],
  aws_directory_service_directory: [{ path: ["password"], whole: true }],
});

/**
 * The lines of a value with their positions in the file: each line of `value` is looked up in order among the
 * file lines `range` covers (heredocs and block scalars keep their lines); a value that cannot be found line by
 * line (escapes, folding) is one line at `range`.
 */
export function valueLines(fileText: string, range: Range, value: string): Array<{ text: string; range: Range }> {
  const file = fileText.split("\n");
  const out: Array<{ text: string; range: Range }> = [];
  let next = range.line - 1;
  for (const text of value.split("\n")) {
    const trimmed = text.trim();
    if (trimmed === "") continue;
    let found = -1;
    for (let l = next; l < Math.min(file.length, range.endLine + 1); l++) {
      if (file[l]!.includes(trimmed)) {
        found = l;
        break;
      }
    }
    if (found === -1) return [{ text: value, range }];
    const column = file[found]!.indexOf(trimmed) + 1;
    out.push({ text: trimmed, range: { line: found + 1, column, endLine: found + 1, endColumn: column + trimmed.length } });
    next = found + 1;
  }
  return out;
}

export type SecretValueFact = Extract<IacFact, { type: "secret-value" }>;

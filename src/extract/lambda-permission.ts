/**
 * The one-statement resource policy Lambda adds to a function for a permission (`AWS::Lambda::Permission`,
 * `aws_lambda_permission`), shared by the CloudFormation and Terraform extractors (issue #9: the two had drifted):
 * which properties become which condition, whether a principal is a service, and the document around the statement.
 */
import type { Range } from "../types.ts";
import type { PEntry, PNode } from "./positioned.ts";

/** The permission's properties that become conditions, in the order Lambda writes them. */
export const LAMBDA_PERMISSION_CONDITIONS: ReadonlyArray<{ cloudformation: string; terraform: string; operator: string; key: string }> = [
  { cloudformation: "SourceArn", terraform: "source_arn", operator: "ArnLike", key: "aws:SourceArn" },
  { cloudformation: "SourceAccount", terraform: "source_account", operator: "StringEquals", key: "aws:SourceAccount" },
  { cloudformation: "PrincipalOrgID", terraform: "principal_org_id", operator: "StringEquals", key: "aws:PrincipalOrgID" },
  {
    cloudformation: "FunctionUrlAuthType",
    terraform: "function_url_auth_type",
    operator: "StringEquals",
    key: "lambda:FunctionUrlAuthType",
  },
  { cloudformation: "EventSourceToken", terraform: "event_source_token", operator: "StringEquals", key: "lambda:EventSourceToken" },
];

/** A service principal (`s3.amazonaws.com`, `alexa-appkit.amazon.com`): Lambda puts it under `Service`, anything else under `AWS`. */
export function isServicePrincipal(value: string): boolean {
  return !value.startsWith("arn:") && /\.amazonaws\.com(\.cn)?$|^[a-z0-9-]+\.amazon\.com$/.test(value);
}

/** The policy document around the permission's one statement. `keyRange` is where Version and Statement point. */
export function lambdaPermissionDocument(statement: PEntry[], range: Range, keyRange: Range): PNode {
  return {
    type: "object",
    range,
    entries: [
      { key: "Version", keyRange, value: { type: "string", value: "2012-10-17", range } },
      { key: "Statement", keyRange, value: { type: "array", range, items: [{ type: "object", range, entries: statement }] } },
    ],
  };
}

/**
 * SAM resources with policies: `Policies` of a function or state machine (inline documents, managed policy names
 * and ARNs, policy templates expanded as SAM does) and `Auth.ResourcePolicy` of an `AWS::Serverless::Api`.
 */
import { member } from "./positioned.ts";
import { samApiResourcePolicy, samPolicyTemplate } from "./sam.ts";
import { intrinsicOf, listItems, shallow } from "./cfn-intrinsics.ts";
import { textOf, type CfnExtraction, type Resource } from "./cfn-extraction.ts";

/** SAM `Policies`: managed policy names/ARNs, inline documents, and policy templates (skipped). */
export function samPolicies(extraction: CfnExtraction, resource: Resource): void {
  const attachedTo = [resource.label];
  extraction.document(extraction.property(resource, "AssumeRolePolicyDocument"), "AssumeRolePolicyDocument", resource.label, "trust", {
    resourceType: "AWS::IAM::AssumeRolePolicyDocument",
  });
  const policies = extraction.property(resource, "Policies");
  if (!policies) return;
  const isList = shallow(policies, 0).some((value) => value.type === "array");
  listItems(policies).forEach((item, index) => {
    const where = isList ? `Policies[${index}]` : "Policies";
    if (item.type === "object" && !intrinsicOf(item)) {
      if (member(item, "Statement")) {
        extraction.document(item, where, resource.label, "identity", { attachedTo });
        return;
      }
      // A SAM policy template such as { S3ReadPolicy: { BucketName: ... } }, expanded as SAM does (issue #11).
      const [entry] = item.entries;
      const expanded = entry && item.entries.length === 1 ? samPolicyTemplate(entry) : undefined;
      if (expanded?.ok) extraction.document(expanded.node, `${where}.${entry!.key}`, resource.label, "identity", { attachedTo });
      else {
        const name = entry?.key ?? "{}";
        const why = expanded ? expanded.reason : `"${name}" is not a SAM policy template`;
        extraction.finding(
          entry?.keyRange ?? item.range,
          "note",
          `${where} of ${resource.label} was not analysed: ${why}.`,
          `${resource.label}:${where}:template`,
        );
      }
      return;
    }
    const value = extraction.resolve(item, ["Policies"]);
    const text = textOf(value);
    if (value && text !== undefined) {
      const arn = value.type === "string" && !value.unresolved && !text.startsWith("arn:") ? `arn:aws:iam::aws:policy/${text}` : text;
      extraction.result.facts.push({
        type: "managed-policy-attachment",
        file: extraction.file.path,
        range: value.range,
        origin: `${resource.label} .${where}`,
        arn,
        attachedTo: resource.label,
      });
    }
  });
}

/** SAM `Auth.ResourcePolicy` of an `AWS::Serverless::Api`, as the policy SAM generates from it. */
export function samApiAuth(extraction: CfnExtraction, resource: Resource): void {
  const auth = member(member(resource.properties, "Auth")?.value, "ResourcePolicy");
  if (!auth) return;
  const generated = samApiResourcePolicy(auth);
  if (generated)
    extraction.document(generated, "Auth.ResourcePolicy", resource.label, "resource-policy", { resourceType: "AWS::ApiGateway::RestApi" });
}

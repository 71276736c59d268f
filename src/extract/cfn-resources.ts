/**
 * The CloudFormation resource types the extractor reads, as data: where each resource policy's document is, which
 * property names a principal, the Organizations policy types and the SAM resources with policies.
 */
import type { PolicyKind } from "../types.ts";
import { lookupTable } from "./own.ts";
import { CFN_POLICY_PROPERTIES } from "./cfn-policy-properties.ts";

/** Resource policies: the property that holds the document and the type of the resource it protects. */
// Lookup tables keyed by template input have no prototype (issue #12): `constructor` is not a resource type.
export const RESOURCE_POLICIES: Readonly<Record<string, { property: string; resourceType: string }>> = lookupTable({
  "AWS::S3::BucketPolicy": { property: "PolicyDocument", resourceType: "AWS::S3::Bucket" },
  "AWS::S3::AccessPoint": { property: "Policy", resourceType: "AWS::S3::AccessPoint" },
  "AWS::SNS::TopicPolicy": { property: "PolicyDocument", resourceType: "AWS::SNS::Topic" },
  "AWS::SQS::QueuePolicy": { property: "PolicyDocument", resourceType: "AWS::SQS::Queue" },
  "AWS::KMS::Key": { property: "KeyPolicy", resourceType: "AWS::KMS::Key" },
  "AWS::KMS::ReplicaKey": { property: "KeyPolicy", resourceType: "AWS::KMS::ReplicaKey" },
  "AWS::SecretsManager::ResourcePolicy": { property: "ResourcePolicy", resourceType: "AWS::SecretsManager::Secret" },
  "AWS::ECR::Repository": { property: "RepositoryPolicyText", resourceType: "AWS::ECR::Repository" },
  "AWS::EFS::FileSystem": { property: "FileSystemPolicy", resourceType: "AWS::EFS::FileSystem" },
  "AWS::OpenSearchService::Domain": { property: "AccessPolicies", resourceType: "AWS::OpenSearchService::Domain" },
  "AWS::Backup::BackupVault": { property: "AccessPolicy", resourceType: "AWS::Backup::BackupVault" },
  "AWS::ApiGateway::RestApi": { property: "Policy", resourceType: "AWS::ApiGateway::RestApi" },
  "AWS::Logs::ResourcePolicy": { property: "PolicyDocument", resourceType: "AWS::Logs::ResourcePolicy" },
});

/** Where an IAM principal's name property is, to match `RoleName: build-role` as well as `!Ref BuildRole`. */
export const NAME_PROPERTIES: Readonly<Record<string, string>> = lookupTable({
  "AWS::IAM::Role": "RoleName",
  "AWS::IAM::User": "UserName",
  "AWS::IAM::Group": "GroupName",
});

export const ORGANIZATION_KINDS: Readonly<Record<string, PolicyKind>> = lookupTable({
  SERVICE_CONTROL_POLICY: "scp",
  RESOURCE_CONTROL_POLICY: "rcp",
});

export const SAM_WITH_POLICIES = new Set(["AWS::Serverless::Function", "AWS::Serverless::StateMachine"]);

/** Whether the extractor reads resources of this type. */
export function handles(type: string): boolean {
  return (
    Object.hasOwn(RESOURCE_POLICIES, type) ||
    Object.hasOwn(CFN_POLICY_PROPERTIES, type) ||
    SAM_WITH_POLICIES.has(type) ||
    [
      "AWS::EC2::VPCEndpoint",
      "AWS::IAM::Role",
      "AWS::IAM::User",
      "AWS::IAM::Group",
      "AWS::IAM::Policy",
      "AWS::IAM::ManagedPolicy",
      "AWS::IAM::RolePolicy",
      "AWS::IAM::UserPolicy",
      "AWS::IAM::GroupPolicy",
      "AWS::IAM::AccessKey",
      "AWS::IAM::UserToGroupAddition",
      "AWS::IAM::OIDCProvider",
      "AWS::Lambda::Permission",
      "AWS::Organizations::Policy",
      "AWS::SSO::PermissionSet",
    ].includes(type)
  );
}

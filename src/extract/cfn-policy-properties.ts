/**
 * CloudFormation resource types whose property (possibly nested) is an IAM policy document, beyond the ones
 * `cloudformation.ts` always knew (issue #11). Data apart from the code that reads it; each entry is a resource
 * policy (a trust policy when its statements only grant sts:AssumeRole*) of `resourceType`.
 */
import { lookupTable } from "./own.ts";
export interface PolicyProperty {
  /** Property path under `Properties`, e.g. `["ResourcePolicy", "PolicyDocument"]`. */
  path: readonly string[];
  resourceType: string;
}

export const CFN_POLICY_PROPERTIES: Readonly<Record<string, readonly PolicyProperty[]>> = lookupTable({
  "AWS::ApiGateway::RestApi": [{ path: ["Body", "x-amazon-apigateway-policy"], resourceType: "AWS::ApiGateway::RestApi" }],
  "AWS::ApiGateway::DomainNameV2": [{ path: ["Policy"], resourceType: "AWS::ApiGateway::DomainNameV2" }],
  "AWS::Serverless::Api": [
    { path: ["DefinitionBody", "x-amazon-apigateway-policy"], resourceType: "AWS::ApiGateway::RestApi" },
    { path: ["Policy"], resourceType: "AWS::ApiGateway::RestApi" },
    { path: ["Domain", "Policy"], resourceType: "AWS::ApiGateway::DomainNameV2" },
  ],
  "AWS::S3Tables::TableBucketPolicy": [{ path: ["ResourcePolicy"], resourceType: "AWS::S3Tables::TableBucket" }],
  "AWS::S3Tables::TablePolicy": [{ path: ["ResourcePolicy"], resourceType: "AWS::S3Tables::Table" }],
  "AWS::S3Express::BucketPolicy": [{ path: ["PolicyDocument"], resourceType: "AWS::S3Express::DirectoryBucket" }],
  "AWS::S3Express::AccessPoint": [{ path: ["Policy"], resourceType: "AWS::S3Express::AccessPoint" }],
  "AWS::S3::MultiRegionAccessPointPolicy": [{ path: ["Policy"], resourceType: "AWS::S3::MultiRegionAccessPoint" }],
  "AWS::S3ObjectLambda::AccessPointPolicy": [{ path: ["PolicyDocument"], resourceType: "AWS::S3ObjectLambda::AccessPoint" }],
  "AWS::S3Outposts::BucketPolicy": [{ path: ["PolicyDocument"], resourceType: "AWS::S3Outposts::Bucket" }],
  "AWS::S3Outposts::AccessPoint": [{ path: ["Policy"], resourceType: "AWS::S3Outposts::AccessPoint" }],
  "AWS::CodeArtifact::Domain": [{ path: ["PermissionsPolicyDocument"], resourceType: "AWS::CodeArtifact::Domain" }],
  "AWS::CodeArtifact::Repository": [{ path: ["PermissionsPolicyDocument"], resourceType: "AWS::CodeArtifact::Repository" }],
  "AWS::CloudTrail::ResourcePolicy": [{ path: ["ResourcePolicy"], resourceType: "AWS::CloudTrail::ResourcePolicy" }],
  "AWS::Elasticsearch::Domain": [{ path: ["AccessPolicies"], resourceType: "AWS::Elasticsearch::Domain" }],
  "AWS::ECR::RegistryPolicy": [{ path: ["PolicyText"], resourceType: "AWS::ECR::RegistryPolicy" }],
  "AWS::ECR::PublicRepository": [{ path: ["RepositoryPolicyText"], resourceType: "AWS::ECR::PublicRepository" }],
  "AWS::SNS::TopicInlinePolicy": [{ path: ["PolicyDocument"], resourceType: "AWS::SNS::Topic" }],
  "AWS::SQS::QueueInlinePolicy": [{ path: ["PolicyDocument"], resourceType: "AWS::SQS::Queue" }],
  "AWS::Events::EventBus": [{ path: ["Policy"], resourceType: "AWS::Events::EventBus" }],
  "AWS::EventSchemas::RegistryPolicy": [{ path: ["Policy"], resourceType: "AWS::EventSchemas::Registry" }],
  "AWS::Kinesis::ResourcePolicy": [{ path: ["ResourcePolicy"], resourceType: "AWS::Kinesis::Stream" }],
  "AWS::DynamoDB::Table": [{ path: ["ResourcePolicy", "PolicyDocument"], resourceType: "AWS::DynamoDB::Table" }],
  "AWS::SSM::ResourcePolicy": [{ path: ["Policy"], resourceType: "AWS::SSM::ResourcePolicy" }],
  "AWS::XRay::ResourcePolicy": [{ path: ["PolicyDocument"], resourceType: "AWS::XRay::ResourcePolicy" }],
  "AWS::Lex::ResourcePolicy": [{ path: ["Policy"], resourceType: "AWS::Lex::Bot" }],
  "AWS::MediaStore::Container": [{ path: ["Policy"], resourceType: "AWS::MediaStore::Container" }],
  "AWS::VpcLattice::AuthPolicy": [{ path: ["Policy"], resourceType: "AWS::VpcLattice::AuthPolicy" }],
  "AWS::VpcLattice::ResourcePolicy": [{ path: ["Policy"], resourceType: "AWS::VpcLattice::ResourcePolicy" }],
  "AWS::Glue::ResourcePolicy": [{ path: ["Policy"], resourceType: "AWS::Glue::Catalog" }],
  "AWS::Redshift::ClusterPolicy": [{ path: ["Policy"], resourceType: "AWS::Redshift::Cluster" }],
  "AWS::NetworkFirewall::ResourcePolicy": [{ path: ["Policy"], resourceType: "AWS::NetworkFirewall::ResourcePolicy" }],
  "AWS::Logs::DeliveryDestination": [
    { path: ["DeliveryDestinationPolicy", "DeliveryDestinationPolicy"], resourceType: "AWS::Logs::DeliveryDestination" },
  ],
});

/**
 * Terraform AWS provider resources whose argument is an IAM policy document, beyond the ones `terraform.ts`
 * always knew (issue #11). Data apart from the code that reads it. Not here on purpose: `aws_iot_policy` (the
 * IoT policy language), `aws_opensearchserverless_access_policy` and Verified Access (not IAM documents).
 */
import type { PolicyKind } from "../types.ts";
import { lookupTable } from "./own.ts";

export interface PolicyAttribute {
  attribute: string;
  /** The nested block the attribute sits in, e.g. `details` of `aws_s3control_multi_region_access_point_policy`. */
  block?: string;
  resourceType?: string;
  /** Default: a resource policy (a trust policy when it only grants sts:AssumeRole*). */
  kind?: PolicyKind;
}

export const TF_POLICY_ATTRIBUTES: Readonly<Record<string, PolicyAttribute>> = lookupTable({
  aws_kinesis_resource_policy: { attribute: "policy", resourceType: "AWS::Kinesis::Stream" },
  aws_dynamodb_resource_policy: { attribute: "policy", resourceType: "AWS::DynamoDB::Table" },
  aws_ses_identity_policy: { attribute: "policy", resourceType: "AWS::SES::EmailIdentity" },
  aws_ssoadmin_permission_set_inline_policy: { attribute: "inline_policy", kind: "identity" },
  aws_elasticsearch_domain: { attribute: "access_policies", resourceType: "AWS::Elasticsearch::Domain" },
  aws_opensearch_domain: { attribute: "access_policies", resourceType: "AWS::OpenSearchService::Domain" },
  aws_api_gateway_rest_api: { attribute: "policy", resourceType: "AWS::ApiGateway::RestApi" },
  aws_ecrpublic_repository_policy: { attribute: "policy", resourceType: "AWS::ECR::PublicRepository" },
  aws_ecr_registry_policy: { attribute: "policy", resourceType: "AWS::ECR::RegistryPolicy" },
  aws_ecr_repository_creation_template: { attribute: "repository_policy", resourceType: "AWS::ECR::Repository" },
  aws_s3_access_point: { attribute: "policy", resourceType: "AWS::S3::AccessPoint" },
  aws_s3control_access_point_policy: { attribute: "policy", resourceType: "AWS::S3::AccessPoint" },
  aws_s3control_bucket_policy: { attribute: "policy", resourceType: "AWS::S3Outposts::Bucket" },
  aws_s3control_object_lambda_access_point_policy: { attribute: "policy", resourceType: "AWS::S3ObjectLambda::AccessPoint" },
  aws_s3control_multi_region_access_point_policy: {
    attribute: "policy",
    block: "details",
    resourceType: "AWS::S3::MultiRegionAccessPoint",
  },
  aws_s3tables_table_bucket_policy: { attribute: "resource_policy", resourceType: "AWS::S3Tables::TableBucket" },
  aws_s3tables_table_policy: { attribute: "resource_policy", resourceType: "AWS::S3Tables::Table" },
  aws_codeartifact_domain_permissions_policy: { attribute: "policy_document", resourceType: "AWS::CodeArtifact::Domain" },
  aws_codeartifact_repository_permissions_policy: { attribute: "policy_document", resourceType: "AWS::CodeArtifact::Repository" },
  aws_cloudwatch_event_bus_policy: { attribute: "policy", resourceType: "AWS::Events::EventBus" },
  aws_cloudwatch_log_destination_policy: { attribute: "access_policy", resourceType: "AWS::Logs::Destination" },
  aws_schemas_registry_policy: { attribute: "policy", resourceType: "AWS::EventSchemas::Registry" },
  aws_networkfirewall_resource_policy: { attribute: "policy", resourceType: "AWS::NetworkFirewall::ResourcePolicy" },
  aws_codebuild_resource_policy: { attribute: "policy", resourceType: "AWS::CodeBuild::Project" },
  aws_glue_resource_policy: { attribute: "policy", resourceType: "AWS::Glue::Catalog" },
  aws_redshiftserverless_resource_policy: { attribute: "policy", resourceType: "AWS::RedshiftServerless::Snapshot" },
  aws_redshift_resource_policy: { attribute: "policy", resourceType: "AWS::Redshift::Cluster" },
  aws_media_store_container_policy: { attribute: "policy", resourceType: "AWS::MediaStore::Container" },
  aws_glacier_vault_lock: { attribute: "policy", resourceType: "AWS::Glacier::Vault" },
  aws_kms_key_policy: { attribute: "policy", resourceType: "AWS::KMS::Key" },
  aws_kms_replica_key: { attribute: "policy", resourceType: "AWS::KMS::ReplicaKey" },
  aws_kms_external_key: { attribute: "policy", resourceType: "AWS::KMS::Key" },
  aws_kms_replica_external_key: { attribute: "policy", resourceType: "AWS::KMS::ReplicaKey" },
  aws_sagemaker_model_package_group_policy: { attribute: "resource_policy", resourceType: "AWS::SageMaker::ModelPackageGroup" },
  aws_vpclattice_auth_policy: { attribute: "policy", resourceType: "AWS::VpcLattice::AuthPolicy" },
  aws_vpclattice_resource_policy: { attribute: "policy", resourceType: "AWS::VpcLattice::ResourcePolicy" },
  aws_xray_resource_policy: { attribute: "policy_document", resourceType: "AWS::XRay::ResourcePolicy" },
  aws_oam_sink_policy: { attribute: "policy", resourceType: "AWS::Oam::Sink" },
  aws_lex_v2models_resource_policy: { attribute: "policy", resourceType: "AWS::Lex::Bot" },
  aws_transfer_access: { attribute: "policy", kind: "identity" },
  aws_transfer_user: { attribute: "policy", kind: "identity" },
});

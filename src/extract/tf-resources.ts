/**
 * The Terraform resources the extractor reads, as data apart from the code that reads them (issue #9): resource
 * policies, principals' inline policies, policy attachments and password-policy settings.
 */
import { lookupTable } from "./own.ts";

/** Resources whose attribute holds a resource-based policy. */
export const RESOURCE_POLICIES = lookupTable<{ attribute: string; resourceType: string }>({
  aws_s3_bucket_policy: { attribute: "policy", resourceType: "AWS::S3::Bucket" },
  aws_s3_bucket: { attribute: "policy", resourceType: "AWS::S3::Bucket" },
  aws_sns_topic_policy: { attribute: "policy", resourceType: "AWS::SNS::Topic" },
  aws_sns_topic: { attribute: "policy", resourceType: "AWS::SNS::Topic" },
  aws_sqs_queue_policy: { attribute: "policy", resourceType: "AWS::SQS::Queue" },
  aws_sqs_queue: { attribute: "policy", resourceType: "AWS::SQS::Queue" },
  aws_kms_key: { attribute: "policy", resourceType: "AWS::KMS::Key" },
  aws_ecr_repository_policy: { attribute: "policy", resourceType: "AWS::ECR::Repository" },
  aws_secretsmanager_secret_policy: { attribute: "policy", resourceType: "AWS::SecretsManager::Secret" },
  aws_secretsmanager_secret: { attribute: "policy", resourceType: "AWS::SecretsManager::Secret" },
  aws_efs_file_system_policy: { attribute: "policy", resourceType: "AWS::EFS::FileSystem" },
  aws_opensearch_domain_policy: { attribute: "access_policies", resourceType: "AWS::OpenSearchService::Domain" },
  aws_elasticsearch_domain_policy: { attribute: "access_policies", resourceType: "AWS::Elasticsearch::Domain" },
  aws_glacier_vault: { attribute: "access_policy", resourceType: "AWS::Glacier::Vault" },
  aws_backup_vault_policy: { attribute: "policy", resourceType: "AWS::Backup::BackupVault" },
  aws_api_gateway_rest_api_policy: { attribute: "policy", resourceType: "AWS::ApiGateway::RestApi" },
  aws_cloudwatch_log_resource_policy: { attribute: "policy_document", resourceType: "AWS::Logs::ResourcePolicy" },
});

/** Inline policies of a principal: the resource type and its attribute naming the principal. */
export const INLINE_POLICIES = lookupTable<{ attribute: string; principalType: string }>({
  aws_iam_role_policy: { attribute: "role", principalType: "aws_iam_role" },
  aws_iam_user_policy: { attribute: "user", principalType: "aws_iam_user" },
  aws_iam_group_policy: { attribute: "group", principalType: "aws_iam_group" },
});

/** Managed-policy attachments: the attributes naming principals and the one naming policies. */
export const ATTACHMENTS = lookupTable<{ principals: [string, string][]; policies: string }>({
  aws_iam_role_policy_attachment: { principals: [["role", "aws_iam_role"]], policies: "policy_arn" },
  aws_iam_user_policy_attachment: { principals: [["user", "aws_iam_user"]], policies: "policy_arn" },
  aws_iam_group_policy_attachment: { principals: [["group", "aws_iam_group"]], policies: "policy_arn" },
  aws_iam_policy_attachment: {
    principals: [
      ["roles", "aws_iam_role"],
      ["users", "aws_iam_user"],
      ["groups", "aws_iam_group"],
    ],
    policies: "policy_arn",
  },
  aws_iam_role_policy_attachments_exclusive: { principals: [["role_name", "aws_iam_role"]], policies: "policy_arns" },
  aws_iam_user_policy_attachments_exclusive: { principals: [["user_name", "aws_iam_user"]], policies: "policy_arns" },
  aws_iam_group_policy_attachments_exclusive: { principals: [["group_name", "aws_iam_group"]], policies: "policy_arns" },
});

export const PASSWORD_SETTINGS = lookupTable<string>({
  minimum_password_length: "MinimumPasswordLength",
  require_symbols: "RequireSymbols",
  require_numbers: "RequireNumbers",
  require_uppercase_characters: "RequireUppercaseCharacters",
  require_lowercase_characters: "RequireLowercaseCharacters",
  allow_users_to_change_password: "AllowUsersToChangePassword",
  max_password_age: "MaxPasswordAge",
  password_reuse_prevention: "PasswordReusePrevention",
  hard_expiry: "HardExpiry",
});

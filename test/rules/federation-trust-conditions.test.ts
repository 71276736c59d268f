import rule from "../../src/rules/federation-trust-conditions.ts";
import { ruleTester } from "./rule-tester.ts";

const GITHUB = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const GITLAB = "arn:aws:iam::111122223333:oidc-provider/gitlab.com";
const TFC = "arn:aws:iam::111122223333:oidc-provider/app.terraform.io";
const EKS_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const EKS = `arn:aws:iam::111122223333:oidc-provider/${EKS_ISSUER}`;
const BITBUCKET_ISSUER = "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc";
const CIRCLECI_ISSUER = "oidc.circleci.com/org/6b2c4f1e-0000-4000-8000-000000000001";
const WEB = "sts:AssumeRoleWithWebIdentity";
const AUD = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

/** A one-statement trust policy for a web identity provider. */
function trust(federated: string, condition?: Record<string, Record<string, string | string[]>>) {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Federated: federated }, Action: WEB, ...(condition ? { Condition: condition } : {}) }],
  };
}

const TF_GITHUB_BY_REFERENCE = `resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_policy_document" "deploy_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:*"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = data.aws_iam_policy_document.deploy_trust.json
}
`;

const TF_EKS_BY_REFERENCE = `resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.eks.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "\${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:sub" = "system:serviceaccount:app:api"
        }
      }
    }]
  })
}
`;

ruleTester.run(rule, {
  valid: [
    {
      name: "GitHub: the main branch of one repository",
      kind: "trust",
      policy: trust(GITHUB, {
        StringEquals: { ...AUD, "token.actions.githubusercontent.com:sub": "repo:octo-org/deploy:ref:refs/heads/main" },
      }),
    },
    {
      name: "GitHub: any branch of one repository",
      kind: "trust",
      policy: trust(GITHUB, { StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "repo:octo-org/deploy:*" } }),
    },
    {
      name: "GitHub: one environment of one repository, from a GitHub Enterprise issuer",
      kind: "trust",
      policy: trust("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com/octo-enterprise", {
        StringEquals: {
          "token.actions.githubusercontent.com/octo-enterprise:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com/octo-enterprise:sub": "repo:octo-org/deploy:environment:production",
        },
      }),
    },
    {
      name: "GitHub: the repository id claim pins the repository",
      kind: "trust",
      policy: trust(GITHUB, { StringEquals: { ...AUD, "token.actions.githubusercontent.com:repository_id": "123456789" } }),
    },
    {
      name: "GitHub: a wildcard sub is harmless next to an exact one",
      kind: "trust",
      policy: trust(GITHUB, {
        StringEquals: { ...AUD, "token.actions.githubusercontent.com:sub": "repo:octo-org/deploy:ref:refs/heads/main" },
        StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" },
      }),
    },
    {
      name: "GitHub: an owner from an unresolved reference is unknown",
      kind: "trust",
      policy: trust(GITHUB, { StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "repo:{{var.github_org}}/*" } }),
    },
    {
      name: "GitLab: one project's main branch",
      kind: "trust",
      policy: trust(GITLAB, { StringEquals: { "gitlab.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main" } }),
    },
    {
      name: "HCP Terraform: one workspace of any project",
      kind: "trust",
      policy: trust(TFC, {
        StringEquals: { "app.terraform.io:aud": "aws.workload.identity" },
        StringLike: { "app.terraform.io:sub": "organization:my-org:project:*:workspace:prod:run_phase:*" },
      }),
    },
    {
      name: "EKS: one service account",
      kind: "trust",
      policy: trust(EKS, {
        StringEquals: { [`${EKS_ISSUER}:sub`]: "system:serviceaccount:app:api", [`${EKS_ISSUER}:aud`]: "sts.amazonaws.com" },
      }),
    },
    {
      name: "Bitbucket: one repository by UUID",
      kind: "trust",
      policy: trust(`arn:aws:iam::111122223333:oidc-provider/${BITBUCKET_ISSUER}`, {
        StringLike: { [`${BITBUCKET_ISSUER}:sub`]: "{7c8e1a2b-0000-4000-8000-000000000002}*:*" },
      }),
    },
    {
      name: "CircleCI: one project, any user",
      kind: "trust",
      policy: trust(`arn:aws:iam::111122223333:oidc-provider/${CIRCLECI_ISSUER}`, {
        StringLike: { [`${CIRCLECI_ISSUER}:sub`]: "org/6b2c4f1e-0000-4000-8000-000000000001/project/0d9f-4b7a/user/*" },
      }),
    },
    {
      name: "Cognito: one identity pool, signed-in identities",
      kind: "trust",
      policy: trust("cognito-identity.amazonaws.com", {
        StringEquals: { "cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-abcd-abcd-123456789012" },
        "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
      }),
    },
    {
      name: "Google: one OAuth client and one account",
      kind: "trust",
      policy: trust("accounts.google.com", {
        StringEquals: {
          "accounts.google.com:aud": "1234567890.apps.googleusercontent.com",
          "accounts.google.com:sub": "110000000000000000001",
        },
      }),
    },
    {
      name: "a provider this rule does not know",
      kind: "trust",
      policy: trust("arn:aws:iam::111122223333:oidc-provider/agent.buildkite.com"),
    },
    {
      name: "an unresolved provider whose condition keys do not tell",
      kind: "trust",
      policy: trust("{{aws_iam_openid_connect_provider.ci.arn}}", { StringEquals: { "{{var.issuer}}:aud": "sts.amazonaws.com" } }),
    },
    {
      name: "SAML with the sign-in audience",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::111122223333:saml-provider/Okta" },
            Action: "sts:AssumeRoleWithSAML",
            Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
          },
        ],
      },
    },
    {
      name: "a deny for a federated principal",
      kind: "trust",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: { Federated: GITHUB }, Action: WEB }] },
    },
    { name: "EKS: condition keys from an unresolved issuer (Terraform)", files: [{ path: "main.tf", text: TF_EKS_BY_REFERENCE }] },
  ],
  invalid: [
    {
      name: "GitHub: any repository, with a fix that pins one",
      kind: "trust",
      policy: trust(GITHUB, { StringEquals: AUD }),
      errors: [
        {
          messageId: "missingClaim",
          line: 7,
          column: 22,
          endLine: 7,
          endColumn: 99,
          severity: "error",
          message:
            "This role trusts GitHub Actions tokens without a condition that pins token.actions.githubusercontent.com:sub, so a workflow in any GitHub repository, including an attacker's, can assume it.",
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:OWNER/REPO:ref:refs/heads/main"
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "GitHub: no condition at all",
      kind: "trust",
      policy: trust(GITHUB),
      errors: [
        { messageId: "missingClaim", line: 7, column: 22, endLine: 7, endColumn: 99, severity: "error", suggestion: null },
        {
          messageId: "missingClaim",
          line: 7,
          column: 22,
          endLine: 7,
          endColumn: 99,
          severity: "warning",
          message:
            "This role trusts GitHub Actions tokens without a condition that pins token.actions.githubusercontent.com:aud, so tokens minted for other audiences are accepted too.",
        },
      ],
    },
    {
      name: "GitHub: a bare wildcard subject",
      kind: "trust",
      policy: trust(GITHUB, { StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "*" } }),
      errors: [
        {
          messageId: "subjectAnyOwner",
          line: 15,
          column: 54,
          endLine: 15,
          endColumn: 57,
          severity: "error",
          message:
            '"*" in token.actions.githubusercontent.com:sub does not pin the owner: it also matches tokens from owner names anyone can register; write the owner out without wildcards.',
        },
      ],
    },
    {
      name: "GitHub: repo:* matches every owner",
      kind: "trust",
      policy: trust(GITHUB, { StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" } }),
      errors: [{ messageId: "subjectAnyOwner", line: 15, column: 54, endLine: 15, endColumn: 62, severity: "error" }],
    },
    {
      name: "GitHub: an owner prefix matches owners anyone can register",
      kind: "trust",
      policy: trust(GITHUB, { StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "repo:octo*/deploy:*" } }),
      errors: [{ messageId: "subjectAnyOwner", line: 15, column: 54, endLine: 15, endColumn: 75, severity: "error" }],
    },
    {
      name: "GitHub: every repository of one owner",
      kind: "trust",
      policy: trust(GITHUB, { StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "repo:octo-org/*" } }),
      errors: [
        {
          messageId: "subjectAnyInOwner",
          line: 15,
          column: 54,
          endLine: 15,
          endColumn: 71,
          severity: "warning",
          message:
            '"repo:octo-org/*" in token.actions.githubusercontent.com:sub lets every repository in octo-org assume this role; name the repository that needs it.',
        },
      ],
    },
    {
      name: "GitHub: a repository name prefix",
      kind: "trust",
      policy: trust(GITHUB, { StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": "repo:octo-org/app*" } }),
      errors: [
        {
          messageId: "subjectPrefix",
          line: 15,
          column: 54,
          endLine: 15,
          endColumn: 74,
          severity: "warning",
          message:
            '"repo:octo-org/app*" in token.actions.githubusercontent.com:sub also matches any other repository whose name fits the wildcard, so one created with such a name could assume this role; write the repository out in full.',
        },
      ],
    },
    {
      name: "GitHub: one of two subjects is too broad",
      kind: "trust",
      policy: trust(GITHUB, {
        StringEquals: AUD,
        StringLike: { "token.actions.githubusercontent.com:sub": ["repo:octo-org/deploy:ref:refs/heads/main", "repo:octo-org/*"] },
      }),
      errors: [{ messageId: "subjectAnyInOwner", line: 17, column: 13, endLine: 17, endColumn: 30 }],
    },
    {
      name: "GitHub: a set operator on the single-valued subject",
      kind: "trust",
      policy: trust(GITHUB, {
        StringEquals: AUD,
        "ForAnyValue:StringLike": { "token.actions.githubusercontent.com:sub": "repo:octo-org/deploy:*" },
      }),
      errors: [
        {
          messageId: "subjectSetOperator",
          line: 14,
          column: 9,
          endLine: 14,
          endColumn: 33,
          severity: "warning",
          message:
            '"ForAnyValue:StringLike" treats token.actions.githubusercontent.com:sub as a list, but the claim is a single value; use StringEquals or StringLike.',
        },
      ],
    },
    {
      name: "GitHub: a negated subject pins nothing",
      kind: "trust",
      policy: trust(GITHUB, { StringEquals: AUD, StringNotLike: { "token.actions.githubusercontent.com:sub": "repo:evil/*" } }),
      errors: [
        {
          messageId: "missingClaim",
          line: 7,
          column: 22,
          endLine: 7,
          endColumn: 99,
          severity: "error",
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:OWNER/REPO:ref:refs/heads/main"
        },
        "StringNotLike": {
          "token.actions.githubusercontent.com:sub": "repo:evil/*"
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "GitHub: the provider from an unresolved reference, known by its condition keys (Terraform)",
      files: [{ path: "main.tf", text: TF_GITHUB_BY_REFERENCE }],
      errors: [{ messageId: "subjectAnyOwner", line: 21, column: 19, endLine: 21, endColumn: 27 }],
    },
    {
      name: "GitHub: a provider ARN in an unresolved account",
      kind: "trust",
      policy: trust("arn:aws:iam::{{AWS::AccountId}}:oidc-provider/token.actions.githubusercontent.com", {
        StringEquals: AUD,
      }),
      errors: [
        {
          messageId: "missingClaim",
          line: 7,
          column: 22,
          endLine: 7,
          endColumn: 105,
          severity: "error",
          message: /pins token\.actions\.githubusercontent\.com:sub/,
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::{{AWS::AccountId}}:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:OWNER/REPO:ref:refs/heads/main"
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "GitLab: every project of a group",
      kind: "trust",
      policy: trust(GITLAB, { StringLike: { "gitlab.com:sub": "project_path:mygroup/*" } }),
      errors: [{ messageId: "subjectAnyInOwner", line: 12, column: 29, endLine: 12, endColumn: 53, message: /every project in mygroup/ }],
    },
    {
      name: "GitLab self-managed: no subject",
      kind: "trust",
      policy: trust("arn:aws:iam::111122223333:oidc-provider/gitlab.example.com", {
        StringEquals: { "gitlab.example.com:aud": "https://gitlab.example.com" },
      }),
      errors: [
        {
          messageId: "missingClaim",
          line: 7,
          column: 22,
          endLine: 7,
          endColumn: 82,
          message: /pins gitlab\.example\.com:sub, so a pipeline in any project on that GitLab instance can assume it\.$/,
          suggestion: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "gitlab.example.com:aud": "https://gitlab.example.com",
          "gitlab.example.com:sub": "project_path:GROUP/PROJECT:ref_type:branch:ref:main"
        }
      }
    }
  ]
}
`,
        },
      ],
    },
    {
      name: "HCP Terraform: any organization, and no audience",
      kind: "trust",
      policy: trust(TFC, { StringLike: { "app.terraform.io:sub": "organization:*" } }),
      errors: [
        {
          messageId: "missingClaim",
          line: 7,
          column: 22,
          endLine: 7,
          endColumn: 80,
          severity: "warning",
          message: /pins app\.terraform\.io:aud/,
        },
        { messageId: "subjectAnyOwner", line: 12, column: 35, endLine: 12, endColumn: 51, message: /does not pin the organization/ },
      ],
    },
    {
      name: "HCP Terraform: every workspace of a project",
      kind: "trust",
      policy: trust(TFC, {
        StringEquals: { "app.terraform.io:aud": "aws.workload.identity" },
        StringLike: { "app.terraform.io:sub": "organization:my-org:project:infra:workspace:*" },
      }),
      errors: [{ messageId: "subjectAnyInOwner", line: 15, column: 35, endLine: 15, endColumn: 82, message: /every workspace in infra/ }],
    },
    {
      name: "EKS: every namespace of the cluster",
      kind: "trust",
      policy: trust(EKS, {
        StringEquals: { [`${EKS_ISSUER}:aud`]: "sts.amazonaws.com" },
        StringLike: { [`${EKS_ISSUER}:sub`]: "system:serviceaccount:*" },
      }),
      errors: [
        {
          messageId: "subjectAnyInOwner",
          line: 15,
          column: 87,
          endLine: 15,
          endColumn: 112,
          severity: "error",
          message: /every namespace in the cluster/,
        },
      ],
    },
    {
      name: "EKS: every service account of a namespace",
      kind: "trust",
      policy: trust(EKS, {
        StringEquals: { [`${EKS_ISSUER}:aud`]: "sts.amazonaws.com" },
        StringLike: { [`${EKS_ISSUER}:sub`]: "system:serviceaccount:app:*" },
      }),
      errors: [
        {
          messageId: "subjectAnyInOwner",
          line: 15,
          column: 87,
          endLine: 15,
          endColumn: 116,
          severity: "warning",
          message: /every service account in app/,
        },
      ],
    },
    {
      name: "Bitbucket: every repository of the workspace",
      kind: "trust",
      policy: trust(`arn:aws:iam::111122223333:oidc-provider/${BITBUCKET_ISSUER}`, { StringLike: { [`${BITBUCKET_ISSUER}:sub`]: "*" } }),
      errors: [
        {
          messageId: "subjectAnyInOwner",
          line: 12,
          column: 87,
          endLine: 12,
          endColumn: 90,
          severity: "warning",
          message: /every repository in the Bitbucket workspace/,
        },
      ],
    },
    {
      name: "Cognito: any identity pool",
      kind: "trust",
      policy: trust("cognito-identity.amazonaws.com", {
        "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
      }),
      errors: [
        {
          messageId: "missingClaim",
          line: 7,
          column: 22,
          endLine: 7,
          endColumn: 54,
          severity: "error",
          message:
            "This role trusts Amazon Cognito identity pool tokens without a condition that pins cognito-identity.amazonaws.com:aud, so identities from any identity pool, in any AWS account, can assume it.",
        },
      ],
    },
    {
      name: "Cognito: guests too",
      kind: "trust",
      policy: trust("cognito-identity.amazonaws.com", {
        StringEquals: { "cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-abcd-abcd-123456789012" },
      }),
      errors: [
        {
          messageId: "missingClaim",
          line: 7,
          column: 22,
          endLine: 7,
          endColumn: 54,
          severity: "warning",
          message: /unauthenticated \(guest\) identities/,
        },
      ],
    },
    {
      name: "Google: any application",
      kind: "trust",
      policy: trust("accounts.google.com", {
        StringLike: { "accounts.google.com:aud": "*", "accounts.google.com:sub": "110000000000000000001" },
      }),
      errors: [
        {
          messageId: "missingClaim",
          line: 7,
          column: 22,
          endLine: 7,
          endColumn: 43,
          severity: "error",
          message: /pins accounts\.google\.com:aud/,
        },
      ],
    },
    {
      name: "SAML without an audience",
      kind: "trust",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::111122223333:saml-provider/Okta" },
            Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"],
          },
        ],
      },
      errors: [
        {
          messageId: "samlAudience",
          line: 7,
          column: 22,
          endLine: 7,
          endColumn: 68,
          severity: "warning",
          message:
            "This role trusts SAML provider Okta without a condition on SAML:aud, so assertions the identity provider issued for other recipients are accepted; require SAML:aud to be https://signin.aws.amazon.com/saml.",
        },
      ],
    },
  ],
});

/**
 * What trust policies for well-known OpenID Connect providers must pin, as plain data: which token claims
 * (condition keys `<issuer>:<claim>`) a role trusting the provider needs, how bad it is to leave each out, and how
 * the subject claim is structured, so that a `StringLike` wildcard can be placed (any owner, any repository of an
 * owner, a name prefix). A policy choice of this project, built from each provider's own documentation (linked
 * in `sources`); IAM reference data does not describe these claims.
 */
import type { Severity } from "../types.ts";

/**
 * One part of a structured claim value: `lead` is literal text before it (`repo:`), `end` the text that ends it
 * (`/`, or `""` for the rest of the value).
 */
export interface ClaimField {
  lead: string;
  end: string;
  /** What the part names, for messages: `owner`, `repository`, `namespace`. */
  name: string;
  /**
   * The part is an account anyone can create on a shared issuer (a GitHub owner, a GitLab group, a Terraform
   * Cloud organization): a wildcard here lets strangers in.
   */
  owner?: boolean;
  /** A wildcard for the whole part is fine when the parts after it are pinned (Terraform Cloud project names). */
  optional?: boolean;
  /** Severity when the whole part is a wildcard (default warning). */
  anySeverity?: Severity;
}

export interface Claim {
  /** The claim name, the part of the condition key after the issuer: `sub`, `aud`. */
  claim: string;
  /** How the value is structured; absent when any value other than a bare wildcard pins it. */
  fields?: readonly ClaimField[];
}

/** A claim (or one of several equivalent claims) the trust policy must pin. */
export interface RequiredClaim {
  anyOf: readonly Claim[];
  /** Severity when no condition pins it. */
  missing: Severity;
  /** What happens without it, completing "so …" in the message. */
  consequence: string;
}

export interface OidcProvider {
  id: string;
  name: string;
  /** Matches the issuer: the `oidc-provider/` part of the Federated principal ARN, which prefixes condition keys. */
  issuer: RegExp;
  /** What the issuer itself is limited to, for messages about wildcards in the first field ("the cluster"). */
  scope: string;
  required: readonly RequiredClaim[];
  /** A pinned subject value to suggest, with upper-case parts for the user to fill in. */
  subjectExample?: string;
  sources: readonly string[];
}

const SUB_AUDIENCE = "tokens minted for other audiences are accepted too";

export const OIDC_PROVIDERS: readonly OidcProvider[] = [
  {
    id: "github-actions",
    name: "GitHub Actions",
    issuer: /^token\.actions\.(githubusercontent\.com(\/[^/]+)?|[a-z0-9-]+\.ghe\.com)$/i,
    scope: "GitHub",
    required: [
      {
        anyOf: [
          {
            claim: "sub",
            fields: [
              { lead: "repo:", end: "/", name: "owner", owner: true },
              { lead: "", end: ":", name: "repository" },
            ],
          },
          {
            claim: "repository",
            fields: [
              { lead: "", end: "/", name: "owner", owner: true },
              { lead: "", end: "", name: "repository" },
            ],
          },
          { claim: "repository_id", fields: [{ lead: "", end: "", name: "repository", owner: true }] },
        ],
        missing: "error",
        consequence: "a workflow in any GitHub repository, including an attacker's, can assume it",
      },
      { anyOf: [{ claim: "aud" }], missing: "warning", consequence: SUB_AUDIENCE },
    ],
    subjectExample: "repo:OWNER/REPO:ref:refs/heads/main",
    sources: [
      "https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws",
      "https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims",
      "https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/",
    ],
  },
  {
    id: "gitlab",
    name: "GitLab CI/CD",
    // gitlab.com and self-managed instances whose host names GitLab.
    issuer: /^([a-z0-9-]+\.)*gitlab\.[a-z0-9.-]+(\/.*)?$/i,
    scope: "the GitLab instance",
    required: [
      {
        anyOf: [
          {
            claim: "sub",
            fields: [
              { lead: "project_path:", end: "/", name: "group", owner: true },
              { lead: "", end: ":", name: "project" },
            ],
          },
        ],
        missing: "error",
        consequence: "a pipeline in any project on that GitLab instance can assume it",
      },
    ],
    subjectExample: "project_path:GROUP/PROJECT:ref_type:branch:ref:main",
    sources: ["https://docs.gitlab.com/ci/cloud_services/aws/", "https://docs.gitlab.com/ci/secrets/id_token_authentication/"],
  },
  {
    id: "terraform-cloud",
    name: "HCP Terraform",
    issuer: /^app\.terraform\.io$/i,
    scope: "HCP Terraform",
    required: [
      {
        anyOf: [
          {
            claim: "sub",
            fields: [
              { lead: "organization:", end: ":", name: "organization", owner: true },
              { lead: "project:", end: ":", name: "project", optional: true },
              { lead: "workspace:", end: ":", name: "workspace" },
            ],
          },
        ],
        missing: "error",
        consequence: "a run in any HCP Terraform organization can assume it",
      },
      { anyOf: [{ claim: "aud" }], missing: "warning", consequence: SUB_AUDIENCE },
    ],
    subjectExample: "organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:apply",
    sources: ["https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration"],
  },
  {
    id: "eks",
    name: "Amazon EKS (IRSA)",
    issuer: /^oidc\.eks\.[^/]+\.amazonaws\.com(\.cn)?\/id\/[^/]+$/i,
    scope: "the cluster",
    required: [
      {
        anyOf: [
          {
            claim: "sub",
            fields: [
              { lead: "system:serviceaccount:", end: ":", name: "namespace", anySeverity: "error" },
              { lead: "", end: "", name: "service account" },
            ],
          },
        ],
        missing: "error",
        consequence: "every service account of every namespace in the cluster can assume it",
      },
      { anyOf: [{ claim: "aud" }], missing: "warning", consequence: SUB_AUDIENCE },
    ],
    subjectExample: "system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT",
    sources: ["https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html"],
  },
  {
    id: "bitbucket",
    name: "Bitbucket Pipelines",
    issuer: /^api\.bitbucket\.org\/2\.0\/workspaces\/[^/]+\/pipelines-config\/identity\/oidc$/i,
    scope: "the Bitbucket workspace",
    required: [
      {
        // The repository UUID is in braces, so `{uuid}*` cannot match another repository.
        anyOf: [{ claim: "sub", fields: [{ lead: "{", end: "}", name: "repository" }] }],
        missing: "warning",
        consequence: "every pipeline in the workspace can assume it",
      },
    ],
    sources: ["https://support.atlassian.com/bitbucket-cloud/docs/deploy-on-aws-using-bitbucket-pipelines-openid-connect/"],
  },
  {
    id: "circleci",
    name: "CircleCI",
    issuer: /^oidc\.circleci\.com\/org\/[^/]+$/i,
    scope: "the CircleCI organization",
    required: [
      {
        anyOf: [
          {
            claim: "sub",
            fields: [
              // The issuer already pins the organization; a wildcard for it leaves the project open.
              { lead: "org/", end: "/", name: "project" },
              { lead: "project/", end: "/", name: "project" },
            ],
          },
        ],
        missing: "warning",
        consequence: "every project of the CircleCI organization can assume it",
      },
    ],
    sources: ["https://circleci.com/docs/openid-connect-tokens/"],
  },
  {
    id: "google",
    name: "Google",
    issuer: /^accounts\.google\.com$/i,
    scope: "Google",
    required: [
      {
        anyOf: [{ claim: "aud" }, { claim: "oaud" }],
        missing: "error",
        consequence: "a token Google issued to any application, for any Google account, can assume it",
      },
      { anyOf: [{ claim: "sub" }], missing: "warning", consequence: "every Google account that signs in to the application can assume it" },
    ],
    sources: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif"],
  },
  {
    id: "cognito",
    name: "Amazon Cognito identity pool",
    issuer: /^cognito-identity\.amazonaws\.com$/i,
    scope: "Amazon Cognito",
    required: [
      {
        anyOf: [{ claim: "aud" }],
        missing: "error",
        consequence: "identities from any identity pool, in any AWS account, can assume it",
      },
      {
        anyOf: [{ claim: "amr" }],
        missing: "warning",
        consequence: "unauthenticated (guest) identities can assume it as well as signed-in ones",
      },
    ],
    sources: ["https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html"],
  },
];

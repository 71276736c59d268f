import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OIDC_PROVIDERS, type ClaimField } from "../../src/data/oidc-providers.ts";
import { classifyClaimValue, issuerOf, providerOf, sameIssuer } from "../../src/policy/oidc-claims.ts";

function fieldsOf(providerId: string, claim = "sub"): readonly ClaimField[] {
  const provider = OIDC_PROVIDERS.find((p) => p.id === providerId)!;
  const found = provider.required.flatMap((r) => r.anyOf).find((c) => c.claim === claim)!;
  return found.fields!;
}

/** The verdict kind and, where there is one, the field it names and what it is within. */
function verdict(providerId: string, value: string): string {
  const v = classifyClaimValue(value, fieldsOf(providerId), "SCOPE");
  if (v.kind === "any-in") return `any-in ${v.field.name} of ${v.within}`;
  if (v.kind === "any-owner" || v.kind === "prefix") return `${v.kind} ${v.field.name}`;
  return v.kind;
}

describe("oidc-providers", () => {
  it("identifies providers from Federated principals and condition key prefixes", () => {
    const id = (federated: string) => providerOf(issuerOf(federated))?.id;
    assert.equal(id("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"), "github-actions");
    assert.equal(
      id("arn:aws-us-gov:iam::111122223333:oidc-provider/token.actions.githubusercontent.com/octo-enterprise"),
      "github-actions",
    );
    assert.equal(id("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com.evil.example"), undefined);
    assert.equal(id("arn:aws:iam::111122223333:oidc-provider/gitlab.com"), "gitlab");
    assert.equal(id("arn:aws:iam::111122223333:oidc-provider/code.gitlab.example.org"), "gitlab");
    assert.equal(id("arn:aws:iam::111122223333:oidc-provider/mygitlab.example.org"), undefined);
    assert.equal(id("arn:aws:iam::111122223333:oidc-provider/oidc.eks.{{var.region}}.amazonaws.com/id/{{local.cluster_id}}"), "eks");
    assert.equal(id("https://app.terraform.io"), "terraform-cloud");
    assert.equal(id("cognito-identity.amazonaws.com"), "cognito");
    assert.equal(id("accounts.google.com"), "google");
    assert.equal(id("arn:aws:iam::111122223333:oidc-provider/agent.buildkite.com"), undefined);
  });

  it("matches condition key issuers case-insensitively, and unresolved parts as anything", () => {
    assert.ok(sameIssuer("Token.Actions.GitHubUserContent.com", "token.actions.githubusercontent.com"));
    assert.ok(
      sameIssuer('{{replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}}', "oidc.eks.us-east-1.amazonaws.com/id/ABC"),
    );
    assert.ok(sameIssuer("oidc.eks.us-east-1.amazonaws.com/id/ABC", "oidc.eks.{{var.region}}.amazonaws.com/id/{{var.id}}"));
    assert.ok(!sameIssuer("token.actions.githubusercontent.com/", "token.actions.githubusercontent.com"));
  });

  it("places the wildcard of a GitHub subject", () => {
    assert.equal(verdict("github-actions", "repo:octo-org/deploy:ref:refs/heads/main"), "pinned");
    assert.equal(verdict("github-actions", "repo:octo-org/deploy:*"), "pinned");
    assert.equal(verdict("github-actions", "repo:octo-org/deploy:environment:prod*"), "pinned");
    assert.equal(verdict("github-actions", "*"), "any-owner owner");
    assert.equal(verdict("github-actions", "*:ref:refs/heads/main"), "any-owner owner");
    assert.equal(verdict("github-actions", "repo:*/*"), "any-owner owner");
    assert.equal(verdict("github-actions", "repo:octo-*/deploy:*"), "any-owner owner");
    assert.equal(verdict("github-actions", "repo:octo-org/*"), "any-in repository of octo-org");
    assert.equal(verdict("github-actions", "repo:octo-org/*:ref:refs/heads/main"), "any-in repository of octo-org");
    assert.equal(verdict("github-actions", "repo:octo-org/deploy-*:*"), "prefix repository");
    assert.equal(verdict("github-actions", "repo:octo-org/de?loy:*"), "prefix repository");
  });

  it("does not judge subjects it cannot read", () => {
    // A customised subject template, and unresolved parts before the wildcard.
    assert.equal(verdict("github-actions", "repository_owner_id:123:*"), "unknown");
    assert.equal(verdict("github-actions", "repo:{{var.repository}}:*"), "unknown");
    assert.equal(verdict("github-actions", "repo:{{var.owner}}/*"), "unknown");
  });

  it("places wildcards in other providers' subjects", () => {
    assert.equal(verdict("gitlab", "project_path:group/sub/*"), "prefix project");
    assert.equal(verdict("gitlab", "project_path:*"), "any-owner group");
    assert.equal(verdict("terraform-cloud", "organization:acme:project:*:workspace:prod:run_phase:*"), "pinned");
    assert.equal(verdict("terraform-cloud", "organization:acme:project:*:workspace:*"), "any-in workspace of acme");
    assert.equal(verdict("terraform-cloud", "organization:acme:*"), "any-in project of acme");
    assert.equal(verdict("eks", "system:serviceaccount:*"), "any-in namespace of SCOPE");
    assert.equal(verdict("eks", "system:serviceaccount:team-*:api"), "prefix namespace");
    assert.equal(verdict("bitbucket", "{7c8e1a2b-0000-4000-8000-000000000002}*:*"), "pinned");
    assert.equal(verdict("bitbucket", "{7c8e*"), "prefix repository");
    assert.equal(verdict("circleci", "org/ORG/project/PID/user/*"), "pinned");
    assert.equal(verdict("circleci", "org/ORG/project/*"), "any-in project of ORG");
    assert.equal(verdict("circleci", "org/*"), "any-in project of SCOPE");
  });

  it("cites a source for every provider", () => {
    for (const provider of OIDC_PROVIDERS)
      assert.ok(
        provider.sources.every((s) => s.startsWith("https://")),
        provider.id,
      );
  });
});

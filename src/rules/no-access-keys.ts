import { hasPlaceholder } from "../extract/placeholder.ts";
import { defineRule } from "./define-rule.ts";

/**
 * The user a key or password belongs to, for a message: addresses (`aws_iam_user.ci`, `AWS::IAM::User Ci`) as
 * they are, a literal user name quoted, and an expression the extractor could not resolve as "an IAM user".
 */
function userOf(user: string | undefined): string {
  if (user === undefined || user === "" || hasPlaceholder(user)) return "an IAM user";
  if (/^AWS::IAM::User /.test(user) || /^aws_iam_user\.[\w-]+$/.test(user)) return user;
  if (/^[\w+=,.@-]+$/.test(user) && !/^(?:var|local|module|data)\./.test(user)) return `IAM user "${user}"`;
  return "an IAM user";
}

export default defineRule({
  id: "no-access-keys",
  category: "long-term-credentials",
  severity: "error",
  docs: {
    description: "Disallow IAM access keys created by infrastructure code.",
    rationale:
      "An access key is a long-lived credential: it works from any network until someone deactivates it, and it ends " +
      "up in state files, CI variables, laptops and logs. Leaked access keys are the most common cause of AWS " +
      "account compromise. Workloads on AWS should use IAM roles (instance profiles, task and function roles), " +
      "and workloads outside AWS should use OIDC federation (GitHub Actions, GitLab, Kubernetes) or IAM Roles " +
      "Anywhere, all of which hand out temporary credentials.",
    examples: {
      noncompliant: [
        {
          title: "An access key for a CI user (Terraform)",
          file: "ci.tf",
          text: 'resource "aws_iam_access_key" "ci" {\n  user = "ci"\n}\n',
        },
        {
          title: "An access key (CloudFormation)",
          file: "template.yaml",
          text: 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  CiKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: ci\n',
        },
      ],
      compliant: [
        {
          title: "GitHub Actions assumes a role through OIDC",
          file: "ci.tf",
          text:
            'resource "aws_iam_openid_connect_provider" "github" {\n  url            = "https://token.actions.githubusercontent.com"\n' +
            '  client_id_list = ["sts.amazonaws.com"]\n}\n',
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles",
      "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
    ],
  },
  messages: {
    accessKey: (data: { origin: string; user: string }) =>
      `${data.origin} creates a long-lived access key for ${data.user}, which works from anywhere once leaked; use an IAM role, or OIDC federation for CI, for temporary credentials instead.`,
  },
  checkFacts(facts, context) {
    for (const fact of facts) {
      if (fact.type !== "access-key") continue;
      context.report({
        messageId: "accessKey",
        data: { origin: fact.origin, user: userOf(fact.user) },
        file: fact.file,
        range: fact.range,
        origin: fact.origin,
      });
    }
  },
});

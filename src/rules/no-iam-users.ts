import type { IacFact } from "../types.ts";
import { hasPlaceholder } from "../extract/placeholder.ts";
import { defineRule } from "./define-rule.ts";

type Fact<T extends IacFact["type"]> = Extract<IacFact, { type: T }>;

/** `IAM user "ci" (aws_iam_user.ci)`, or just the address when the name is unknown or unresolved. */
function userLabel(fact: Fact<"iam-user">): string {
  return fact.name !== undefined && fact.name !== "" && !hasPlaceholder(fact.name)
    ? `IAM user "${fact.name}" (${fact.origin})`
    : `IAM user ${fact.origin}`;
}

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
  id: "no-iam-users",
  category: "long-term-credentials",
  severity: "warning",
  docs: {
    description: "Disallow IAM users and console passwords for IAM users.",
    rationale:
      "An IAM user is an identity with long-term credentials: a console password and access keys that keep working " +
      "until someone rotates or deletes them, long after the person left or the job was retired. Leaked IAM user " +
      "credentials are the most common way into AWS accounts. People should sign in through IAM Identity Center or " +
      "another identity provider (federation), with MFA enforced there and access that ends with their account; " +
      "workloads should use IAM roles, which hand out temporary credentials.",
    examples: {
      noncompliant: [
        {
          title: "An IAM user with a console password (Terraform)",
          file: "users.tf",
          text: 'resource "aws_iam_user" "alice" {\n  name = "alice"\n}\n\nresource "aws_iam_user_login_profile" "alice" {\n  user = aws_iam_user.alice.name\n}\n',
        },
        {
          title: "An IAM user (CloudFormation)",
          file: "template.yaml",
          text: 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Deployer:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: deployer\n',
        },
      ],
      compliant: [
        {
          title: "A role for a workload instead of a user",
          file: "roles.tf",
          text:
            'resource "aws_iam_role" "deployer" {\n  name = "deployer"\n  assume_role_policy = jsonencode({\n    Version = "2012-10-17"\n' +
            '    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]\n  })\n}\n',
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp",
      "https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html",
    ],
  },
  messages: {
    iamUser: (data: { user: string }) =>
      `${data.user} is an identity with long-term credentials; sign people in through IAM Identity Center or federation and give workloads IAM roles instead.`,
    loginProfile: (data: { origin: string; user: string }) =>
      `${data.user} has a console password (${data.origin}), a long-term credential that can be phished, guessed or reused; sign people in through IAM Identity Center or federation instead.`,
  },
  checkFacts(facts, context) {
    for (const fact of facts) {
      const location = { file: fact.file, range: fact.range, origin: fact.origin };
      if (fact.type === "iam-user") {
        context.report({ messageId: "iamUser", data: { user: userLabel(fact) }, ...location });
      } else if (fact.type === "login-profile") {
        const user = userOf(fact.user);
        context.report({
          messageId: "loginProfile",
          data: { origin: fact.origin, user: user === "an IAM user" ? "An IAM user" : user },
          ...location,
        });
      }
    }
  },
});

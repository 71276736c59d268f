import { hasPlaceholder } from "../extract/placeholder.ts";
import { fingerprintOf } from "../findings.ts";
import { defineRule } from "./define-rule.ts";

/** `export NAME=value`, `NAME: value`, `--password value`: a secret-like name assigned a literal in a script. */
const ASSIGNMENT =
  /(?<![A-Za-z0-9_])([A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY(?:_ID)?|PRIVATE_?KEY)[A-Za-z0-9_]*)\s*(?:=|:\s)\s*(["']?)([^\s"'`]+)\2/gi;

/** Values that are not literal secrets: variables, substitutions, dynamic references, prompts, empty markers. */
function literalSecret(value: string): boolean {
  if (value.length < 4 || hasPlaceholder(value)) return false;
  if (/^[$%{<(]|\{\{resolve:/.test(value)) return false;
  if (/^(true|false|null|none|yes|no)$/i.test(value)) return false;
  return true;
}

/** Access keys and secret keys not from AWS's documentation are no-hardcoded-aws-keys's (one finding per secret). */
function awsKeyRuleFinds(value: string): boolean {
  return (
    (/^(AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}$/.test(value) && !value.endsWith("EXAMPLE")) ||
    (/^[A-Za-z0-9/+]{40}$/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && !value.endsWith("EXAMPLEKEY"))
  );
}

export default defineRule({
  id: "no-plaintext-secrets",
  category: "hardcoded-secret",
  severity: "error",
  docs: {
    description: "Disallow passwords and other secrets written in templates: login and database passwords, parameter defaults, user data.",
    rationale:
      "A password written in a template (`LoginProfile.Password`, `MasterUserPassword`, Terraform `password`) or " +
      "as the `Default` of the parameter that supplies it is readable by everyone who can read the repository and " +
      "stays in its history; `NoEcho` hides the value from `DescribeStacks`, not from the template. EC2 user data " +
      "is worse: it is returned by `ec2:DescribeInstanceAttribute` and readable by every process on the instance " +
      "through the instance metadata service, so `export AWS_SECRET_ACCESS_KEY=…` or `DATABASE_PASSWORD=…` in it " +
      "hands the secret to all of them. Read secrets at run time from Secrets Manager or SSM Parameter Store " +
      "(`{{resolve:secretsmanager:…}}`, `manage_master_user_password`), and give instances a role instead of keys. " +
      "Messages name the property and the variable, never the value.",
    examples: {
      noncompliant: [
        {
          title: "A console password in the template",
          file: "template.yaml",
          text: "Resources:\n  Ops:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: Winter2025!x\n",
        },
        {
          title: "A database password in user data",
          file: "main.tf",
          text: 'resource "aws_instance" "a" {\n  ami       = "ami-0abc"\n  user_data = <<EOF\nexport DATABASE_PASSWORD=hunter2hunter2\nEOF\n}\n',
        },
      ],
      compliant: [
        {
          title: "The password resolved from Secrets Manager at deploy time",
          file: "template.yaml",
          text: "Resources:\n  Ops:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: '{{resolve:secretsmanager:ops-password}}'\n",
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html",
    ],
  },
  messages: {
    plaintextValue: (data: { property: string; origin: string; via: string }) =>
      `${data.property} of ${data.origin} is written in plain text${data.via}, readable by anyone who can read the repository; resolve it from Secrets Manager or SSM Parameter Store at deploy time.`,
    secretInScript: (data: { name: string; property: string; origin: string }) =>
      `${data.property} of ${data.origin} sets ${data.name} to a literal value; user data is readable through ec2:DescribeInstanceAttribute and by every process on the instance, so read the secret at run time (Secrets Manager, SSM Parameter Store, an instance role).`,
  },
  checkFacts(facts, context) {
    for (const fact of facts) {
      if (fact.type !== "secret-value") continue;
      if (fact.whole) {
        const value = fact.lines
          .map((l) => l.text)
          .join("\n")
          .trim();
        if (value === "" || !literalSecret(value)) continue;
        context.report({
          messageId: "plaintextValue",
          data: { property: fact.property, origin: fact.origin, via: fact.via ? ` (${fact.via})` : "" },
          file: fact.file,
          range: fact.lines[0]!.range,
          origin: fact.origin,
          subject: fact.property,
        });
        continue;
      }
      for (const line of fact.lines) {
        for (const match of line.text.matchAll(ASSIGNMENT)) {
          const [, name, , value] = match;
          if (!literalSecret(value!) || awsKeyRuleFinds(value!)) continue;
          context.report({
            messageId: "secretInScript",
            data: { name: name!, property: fact.property, origin: fact.origin },
            file: fact.file,
            // `NAME=value` itself when the line is the file's text, else the whole value.
            range:
              line.range.line === line.range.endLine && line.range.endColumn - line.range.column === line.text.length
                ? { ...line.range, column: line.range.column + match.index, endColumn: line.range.column + match.index + match[0].length }
                : line.range,
            origin: fact.origin,
            // The value goes into the fingerprint only as a hash.
            subject: `${name} ${fingerprintOf(value!)}`,
          });
        }
      }
    }
  },
});

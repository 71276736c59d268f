import { shortExpression } from "../extract/placeholder.ts";
import { defineRule } from "./define-rule.ts";

export default defineRule({
  id: "no-secret-outputs",
  category: "long-term-credentials",
  severity: "error",
  docs: {
    description: "Disallow stack and module outputs that expose a secret access key or another secret.",
    rationale:
      "CloudFormation outputs are shown in plain text to anyone allowed to describe the stack, in the console and " +
      "through `DescribeStacks`, and are copied into change sets and exports. Terraform outputs are printed by " +
      "`plan`, `apply` and `terraform output` and stored in the state. A secret access key, console password, " +
      "`NoEcho` parameter or Secrets Manager value placed in an output is therefore readable by far more people " +
      "and systems than the secret itself. Hand secrets over through Secrets Manager or SSM Parameter Store " +
      "(SecureString), and read them where they are needed. Terraform's `encrypted_secret` and " +
      "`encrypted_password`, encrypted with the PGP key given to the resource, are not reported.",
    examples: {
      noncompliant: [
        {
          title: "A secret access key as a stack output",
          file: "template.yaml",
          text:
            'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  CiKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: ci\n' +
            "Outputs:\n  SecretKey:\n    Value: !GetAtt CiKey.SecretAccessKey\n",
        },
      ],
      compliant: [
        {
          title: "Only the access key id is an output",
          file: "template.yaml",
          text:
            'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  CiKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: ci\n' +
            "Outputs:\n  KeyId:\n    Value: !Ref CiKey\n",
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html#creds",
      "https://developer.hashicorp.com/terraform/language/values/outputs#sensitive-suppressing-values-in-cli-output",
    ],
  },
  messages: {
    secretOutput: (data: { name: string; expression: string; readers: string }) =>
      `Output "${data.name}" exposes ${/^an? /.test(data.expression) ? data.expression : `\`${data.expression}\``}, which ${data.readers} can read; hand the secret over through Secrets Manager or SSM Parameter Store instead.`,
  },
  checkFacts(facts, context) {
    for (const fact of facts) {
      if (fact.type !== "secret-output") continue;
      // `encrypted_secret` / `encrypted_password` are encrypted with the PGP key given to the resource: outputting
      // them is how Terraform's documentation hands such credentials over.
      if (/\.encrypted_[a-z0-9_]+$/.test(fact.expression)) continue;
      const readers = fact.file.endsWith(".tf") ? "anyone who sees the plan output or the state" : "anyone allowed to describe the stack";
      const expression = shortExpression(fact.expression);
      context.report({
        messageId: "secretOutput",
        data: { name: fact.name, expression, readers },
        file: fact.file,
        range: fact.range,
        origin: fact.origin,
        // One output can expose several secrets (`!Join` of two `!GetAtt`s): one finding each.
        subject: fact.expression,
      });
    }
  },
});

import { defineRule } from "./define-rule.ts";

export default defineRule({
  id: "valid-policy-json",
  category: "invalid-policy",
  severity: "error",
  docs: {
    description: "Require a policy written as text (a heredoc, a JSON string, a file) to be a JSON document.",
    rationale:
      "IAM parses a policy given as text as strict JSON: a trailing comma, a missing comma, single quotes or an " +
      "empty string make `CreatePolicy`, `PutBucketPolicy`, `SetQueueAttributes` and the other calls fail with " +
      "`MalformedPolicyDocument`, so the CloudFormation stack or the Terraform apply fails halfway through. " +
      "Terraform's `jsonencode()` and CloudFormation's YAML mappings cannot produce such errors, which is one " +
      "reason to prefer them to heredocs. Nothing in a policy that does not parse can be analysed, so the error " +
      "points at the place where the JSON breaks (a trailing comma at the comma itself).",
    examples: {
      noncompliant: [
        {
          title: "A trailing comma in a heredoc",
          file: "main.tf",
          text:
            'resource "aws_sns_topic_policy" "t" {\n  arn    = "arn:aws:sns:us-east-1:111122223333:t"\n  policy = <<EOT\n' +
            '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"},\n' +
            '                "Action": ["sns:Publish",],\n                "Resource": "*"}]}\nEOT\n}\n',
        },
        {
          title: "An empty trust policy",
          file: "main.tf",
          text: 'resource "aws_iam_role" "r" {\n  name               = "r"\n  assume_role_policy = ""\n}\n',
        },
      ],
      compliant: [
        {
          title: "The same policy with jsonencode",
          file: "main.tf",
          text:
            'resource "aws_sns_topic_policy" "t" {\n  arn    = "arn:aws:sns:us-east-1:111122223333:t"\n  policy = jsonencode({\n' +
            '    Version   = "2012-10-17"\n    Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = ["sns:Publish"], Resource = "*" }]\n  })\n}\n',
        },
      ],
    },
    references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"],
  },
  messages: {
    syntax: (data: { origin: string; detail: string }) =>
      `The policy in ${data.origin} is not valid JSON (${data.detail}), so AWS rejects it and nothing in it was analysed.`,
    empty: (data: { origin: string }) => `The policy in ${data.origin} is empty, so AWS rejects it.`,
  },
  checkFacts(facts, context) {
    for (const fact of facts) {
      if (fact.type !== "invalid-policy-text") continue;
      const location = { file: fact.file, range: fact.range, origin: fact.origin };
      if (fact.problem === "empty") context.report({ messageId: "empty", data: { origin: fact.origin }, ...location });
      else context.report({ messageId: "syntax", data: { origin: fact.origin, detail: fact.detail }, ...location });
    }
  },
});

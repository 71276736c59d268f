/**
 * `unparsed-input` as a rule descriptor (issue #9): the findings about the input itself come from the extractors,
 * the file readers and the suppression parser, not from a check function here; this module gives them an id,
 * category, severity, docs and messages like every other rule, so their docs page, severity override and SARIF
 * metadata come from one source.
 */
import { defineRule } from "./define-rule.ts";

/** A sentence composed where the problem was found (which file, which line, what is wrong). */
const composed = (data: { sentence: string }): string => data.sentence;

export default defineRule({
  id: "unparsed-input",
  category: "unparsed-input",
  severity: "warning",
  docs: {
    description: "Report files and policies that could not be read or parsed, so that nothing is skipped silently.",
    rationale:
      "A policy the tool could not read is a policy nobody reviewed. Instead of skipping it silently, the scan says which " +
      "file, which line and what is wrong: invalid JSON, YAML or HCL; nesting deeper than 200 levels; YAML alias bombs; " +
      "binary, non-UTF-8 or over-5-MB files; a policy whose text comes from a value the tool cannot resolve (a Terraform " +
      "variable, a module output, a `Ref` to a parameter without a default); and suppression comments without a reason " +
      "or past their expiry date. It is a warning when the file looks like IaC or a policy (a `.tf`, a template, JSON " +
      'with `"Statement"`), a note otherwise.',
    examples: {
      noncompliant: [
        {
          title: "A policy file that is not valid JSON",
          file: "policies/broken.json",
          text: '{\n  "Version": "2012-10-17",\n  "Statement": [\n',
        },
      ],
      compliant: [
        {
          title: "A policy file the tool can read",
          file: "policies/read.json",
          text: '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" }]\n}\n',
        },
      ],
    },
  },
  messages: {
    invalidInput: composed,
    skippedFile: composed,
    unresolvedPolicy: composed,
    invalidSuppression: composed,
  },
});

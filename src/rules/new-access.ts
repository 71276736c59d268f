/**
 * `new-access` as a rule descriptor (issue #9): its id, category, default severity, docs and messages live here
 * like every other rule's, so its docs page, severity override and SARIF metadata come from one source. It has no
 * check function: the findings come from the new-access diff (src/new-access/), which compares each changed policy
 * with its own base version (`scan --base`, the App) and words them in src/new-access/messages.ts.
 */
import { defineRule } from "./define-rule.ts";

/** A sentence composed by the diff (what is new, and on what). */
type Composed = (data: { sentence: string }) => string;
const composed: Composed = (data) => data.sentence;

export default defineRule({
  id: "new-access",
  category: "new-access",
  severity: "warning",
  docs: {
    description: "Report access a change adds compared with the policy's own version on the base branch.",
    rationale:
      "A pull request that widens a policy is easy to miss in a diff: one more action, a wildcard in a resource, a " +
      "condition taken away or a Deny narrowed each grant access nobody asked a reviewer about. The diff pairs every " +
      "changed policy with its own version at the base (same file, following renames, same resource and property) and " +
      "names what the new version allows that the old one did not, by access level: Permissions management is an " +
      "error, Write and Tagging a warning, Read and List a note; an addition that depends on values the tool cannot " +
      'resolve says "may" one level lower. Confirm the access is intended, or narrow it.',
    examples: {
      noncompliant: [
        {
          title: "The change adds s3:PutObject to a statement that allowed s3:GetObject at the base",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::reports/*" }],
          },
        },
      ],
      compliant: [
        {
          title: "The change only renames the statement: the same access as at the base",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Sid: "ReadReports", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
    ],
  },
  messages: {
    newPolicy: composed,
    newStatement: composed,
    newAction: composed,
    newResource: composed,
    widenedResource: composed,
    newPrincipal: composed,
    effectChanged: composed,
    newAccess: composed,
    denyRemoved: composed,
  },
});

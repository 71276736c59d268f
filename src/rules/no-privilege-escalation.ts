import type { PolicyDocument } from "../types.ts";
import {
  completePaths,
  levelSeverity,
  pathName,
  policyGrants,
  policyPaths,
  type PathGrant,
  type PathLevel,
  type PathMatch,
} from "../policy/escalation.ts";
import { rangeOf } from "../policy/pointers.ts";
import { defineRule } from "./define-rule.ts";

/** How many other path names a message lists before "…". */
const LISTED = 4;

interface Located extends PathGrant {
  /** Position in the principal's policies, then in document order: smaller is earlier. */
  docIndex: number;
  order: number;
}

interface Group<G extends PathGrant> {
  grant: G;
  matches: Array<PathMatch<G>>;
}

/** Matches grouped by the grant a finding points at; the broadest path first, then table order. */
function groupByLocation<G extends PathGrant>(matches: ReadonlyArray<PathMatch<G>>, locate: (m: PathMatch<G>) => G): Array<Group<G>> {
  const groups = new Map<string, Group<G>>();
  for (const match of matches) {
    const grant = locate(match);
    const key = `${"docIndex" in grant ? String(grant.docIndex) : ""}\u0000${grant.pointer}\u0000${grant.at}`;
    const group = groups.get(key) ?? { grant, matches: [] };
    group.matches.push(match);
    groups.set(key, group);
  }
  for (const group of groups.values()) group.matches.sort((a, b) => b.level - a.level);
  return [...groups.values()];
}

function summary<G extends PathGrant>(matches: ReadonlyArray<PathMatch<G>>) {
  const [first, ...rest] = matches;
  const names = rest.slice(0, LISTED).map((m) => pathName(m));
  const list = names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return {
    path: pathName(first!),
    title: first!.path.title,
    level: first!.level as PathLevel,
    count: rest.length,
    more: rest.length > LISTED ? `${rest.length} more, including ${list}` : `${rest.length} more: ${list}`,
    ids: matches.map((m) => m.path.id).join(","),
  };
}

function isLater(a: Located, b: Located): boolean {
  return a.docIndex !== b.docIndex ? a.docIndex > b.docIndex : a.order > b.order;
}

export default defineRule({
  id: "no-privilege-escalation",
  category: "privilege-escalation",
  severity: "error",
  docs: {
    description: "Disallow permissions that together form a known privilege-escalation path.",
    rationale:
      "Some permissions let their holder gain more than they were given: `iam:CreatePolicyVersion` rewrites a policy " +
      "it is attached to, `iam:PassRole` with `ec2:RunInstances` launches an instance with a more privileged role, " +
      "`lambda:UpdateFunctionCode` runs code as another function's role. This rule checks a table of such paths " +
      "published by Rhino Security Labs, BishopFox (iam-vulnerable) and Datadog (pathfinding.cloud), within one " +
      "policy and across all the policies attached to one role, user or group in the same template or module. " +
      "It is an error when every permission of the path applies to every resource (`*` or `arn:aws:iam::*:role/*`), " +
      "a warning when some apply only to named resources, and one level lower when the role that can be passed is " +
      "limited with `iam:PassedToService`. Statements that allow `*` on `*` are left to no-admin-access.",
    examples: {
      noncompliant: [
        {
          title: "Pass any role to a new EC2 instance",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["iam:PassRole", "ec2:RunInstances"], Resource: "*" }],
          },
        },
        {
          title: "Two policies of one role that together let it create a Lambda function with any role",
          file: "template.yaml",
          text: [
            'AWSTemplateFormatVersion: "2010-09-09"',
            "Resources:",
            "  DeployRole:",
            "    Type: AWS::IAM::Role",
            "    Properties:",
            "      AssumeRolePolicyDocument:",
            '        Version: "2012-10-17"',
            "        Statement:",
            "          - Effect: Allow",
            "            Principal: { Service: codebuild.amazonaws.com }",
            "            Action: sts:AssumeRole",
            "      Policies:",
            "        - PolicyName: pass-roles",
            "          PolicyDocument:",
            '            Version: "2012-10-17"',
            "            Statement:",
            "              - Effect: Allow",
            "                Action: iam:PassRole",
            '                Resource: "*"',
            "        - PolicyName: functions",
            "          PolicyDocument:",
            '            Version: "2012-10-17"',
            "            Statement:",
            "              - Effect: Allow",
            "                Action: [lambda:CreateFunction, lambda:InvokeFunction]",
            '                Resource: "*"',
            "",
          ].join("\n"),
        },
      ],
      compliant: [
        {
          title: "Launch instances, but pass roles only to Lambda",
          kind: "identity",
          policy: {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" },
              {
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "arn:aws:iam::111122223333:role/order-processor",
                Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
      "https://github.com/BishopFox/iam-vulnerable",
      "https://pathfinding.cloud",
    ],
  },
  messages: {
    escalationPath: (data: { path: string; title: string }) =>
      `This policy allows the privilege-escalation path ${data.path}: ${data.title}.`,
    escalationPaths: (data: { path: string; title: string; more: string }) =>
      `This policy allows the privilege-escalation path ${data.path}: ${data.title}; and ${data.more}.`,
    principalPath: (data: { principal: string; policies: string; path: string; title: string }) =>
      `${data.principal} is allowed the privilege-escalation path ${data.path} by ${data.policies} together: ${data.title}.`,
    principalPaths: (data: { principal: string; policies: string; path: string; title: string; more: string }) =>
      `${data.principal} is allowed the privilege-escalation path ${data.path} by ${data.policies} together: ${data.title}; and ${data.more}.`,
  },
  checkPolicy(doc, context) {
    // Guardrails (SCP, RCP, boundary) grant nothing; trust and resource policies are judged by other rules.
    if (doc.kind !== "identity") return;
    const { grants } = policyGrants(doc.json);
    const order = new Map(grants.map((g, i) => [g, i]));
    // Point at the entry that completes the path: the last of its grants in the document.
    const completing = (m: PathMatch) => m.chosen.reduce((a, b) => (order.get(b)! > order.get(a)! ? b : a));
    for (const { grant, matches } of groupByLocation(policyPaths(doc.json), completing)) {
      const s = summary(matches);
      const base = { pointer: grant.pointer, at: grant.at, severity: levelSeverity(s.level), subject: s.ids };
      if (s.count === 0) context.report({ ...base, messageId: "escalationPath", data: { path: s.path, title: s.title } });
      else context.report({ ...base, messageId: "escalationPaths", data: { path: s.path, title: s.title, more: s.more } });
    }
  },
  checkPrincipal(principal, policies, context) {
    if (policies.length < 2) return;
    const perDoc = policies.map((doc) => ({ doc, ...policyGrants(doc.json) }));
    // An administrator gains nothing by escalating; no-admin-access reports the grant.
    if (perDoc.some((d) => d.admin)) return;
    const completeAlone = new Set(policies.flatMap((doc) => policyPaths(doc.json).map((m) => m.path.id)));
    const all: Located[] = perDoc.flatMap((d, docIndex) => d.grants.map((g, order) => ({ ...g, docIndex, order })));
    const denied = new Set(perDoc.flatMap((d) => [...d.denied]));
    // Paths complete within one policy are reported on that policy.
    const matches = completePaths(all, denied).filter((m) => !completeAlone.has(m.path.id));
    const first = (m: PathMatch<Located>) => m.chosen.reduce((a, b) => (isLater(a, b) ? b : a));
    for (const { grant, matches: group } of groupByLocation(matches, first)) {
      const s = summary(group);
      const doc: PolicyDocument = policies[grant.docIndex]!;
      const involved = [...new Set(group.flatMap((m) => m.chosen.map((g) => g.docIndex)))].sort((a, b) => a - b);
      const names = involved.map((i) => policies[i]!.origin);
      const base = {
        file: doc.file,
        range: rangeOf(doc, grant.pointer, grant.at),
        origin: doc.origin,
        severity: levelSeverity(s.level),
        subject: `${principal}\u0000${s.ids}`,
      };
      const policiesText = names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
      if (s.count === 0) {
        context.report({ ...base, messageId: "principalPath", data: { principal, policies: policiesText, path: s.path, title: s.title } });
      } else {
        context.report({
          ...base,
          messageId: "principalPaths",
          data: { principal, policies: policiesText, path: s.path, title: s.title, more: s.more },
        });
      }
    }
  },
});

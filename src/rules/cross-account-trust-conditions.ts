import type { PolicyDocument } from "../types.ts";
import { statementsOf } from "../extract/document.ts";
import { actionsOf, allowStatements, principalsOf, resourcesOf, statementGrants, elementOf } from "../policy/statements.ts";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../data/aws-service-accounts.ts";
import { defineRule } from "./define-rule.ts";
import { conditionNarrowing, type NarrowingKind } from "../policy/narrowing.ts";

/** `123456789012`, `arn:aws:iam::123456789012:root`, `arn:aws:iam::123456789012:role/x`, `arn:aws:sts::…:assumed-role/…`. */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):(.+)$/;
const ACCOUNT_IN_ARN = /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/;

/** Conditions that narrow which principals of the trusted account can use the grant. */
const NARROWING_KEYS: ReadonlyMap<string, NarrowingKind> = new Map<string, NarrowingKind>([
  ["sts:externalid", "text"],
  ["aws:principalorgid", "org"],
  ["aws:principalorgpaths", "org-path"],
  ["aws:principalarn", "arn"],
  ["aws:sourceidentity", "text"],
  ["sts:sourceidentity", "text"],
  ["sts:rolesessionname", "text"],
  ["aws:userid", "userid"],
  ["aws:sourceip", "ip"],
  ["aws:sourcevpce", "id"],
  ["aws:sourcevpc", "id"],
  ["aws:multifactorauthpresent", "mfa"],
]);

function narrowingKind(key: string): NarrowingKind | undefined {
  return NARROWING_KEYS.get(key) ?? (key.startsWith("aws:principaltag/") ? "text" : undefined);
}

interface TrustedAccount {
  account: string;
  /** The whole account (a bare id or `:root`), rather than one role or user of it. */
  root: boolean;
}

function trustedAccount(value: string): TrustedAccount | undefined {
  if (/^\d{12}$/.test(value)) return { account: value, root: true };
  const match = PRINCIPAL_ARN.exec(value);
  return match ? { account: match[1]!, root: match[2] === "root" } : undefined;
}

/** Accounts a resource policy's own resources live in: principals of those accounts are not cross-account. */
function ownAccounts(doc: PolicyDocument): Set<string> {
  const accounts = new Set<string>();
  if (doc.kind !== "resource") return accounts;
  for (const ref of statementsOf(doc.json)) {
    for (const resource of [...resourcesOf(ref), ...elementOf(ref, "NotResource")]) {
      const account = ACCOUNT_IN_ARN.exec(resource.value)?.[1];
      if (account) accounts.add(account);
    }
  }
  return accounts;
}

export default defineRule({
  id: "cross-account-trust-conditions",
  category: "cross-account-trust",
  severity: "warning",
  docs: {
    description: "Require a narrowing condition when a trust or resource policy trusts a whole AWS account.",
    rationale:
      "Trusting `arn:aws:iam::111122223333:root` (or the bare account id) trusts every role and user of that account " +
      "whose own IAM policies allow the action, now and in future: whoever administers that account decides who gets " +
      "in. For a third party (a SaaS vendor, a contractor) the role can also be used on another customer's behalf " +
      "unless it requires `sts:ExternalId` (the confused-deputy problem). Narrow the grant with `sts:ExternalId`, " +
      "`aws:PrincipalArn`, `aws:PrincipalOrgID` or a principal tag, or name the roles that need it. Accounts given by " +
      "an unresolved reference (`!Ref AWS::AccountId`, `data.aws_caller_identity.current.account_id`) are taken to be " +
      "the policy's own account and are not reported, nor is the key-policy default that gives the key's account " +
      "`kms:*`.",
    examples: {
      noncompliant: [
        {
          title: "A vendor's whole account may assume the role",
          kind: "trust",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:AssumeRole" }],
          },
        },
      ],
      compliant: [
        {
          title: "The vendor must present the external id agreed with this customer",
          kind: "trust",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::111122223333:root" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "sts:ExternalId": "a1b2c3d4-customer-42" } },
              },
            ],
          },
        },
      ],
    },
    references: [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html",
    ],
  },
  messages: {
    accountRootTrust: (data: { account: string }) =>
      `This trust policy lets every role and user of account ${data.account} that its IAM policies allow assume the role; require sts:ExternalId if it is a third party's account, or narrow it with aws:PrincipalArn or aws:PrincipalOrgID.`,
    accountRootResource: (data: { account: string }) =>
      `This statement grants every principal of account ${data.account} that its IAM policies allow; name the roles that need it or narrow it with aws:PrincipalArn or aws:PrincipalOrgID.`,
    crossAccountPrincipal: (data: { principal: string; account: string }) =>
      `This trust policy lets ${data.principal} assume the role with no condition; if account ${data.account} belongs to a third party, require sts:ExternalId so the role cannot be used on another customer's behalf.`,
  },
  kinds: ["trust", "resource"],
  checkPolicy(doc, context) {
    const own = ownAccounts(doc);
    for (const ref of allowStatements(doc)) {
      // Trust statements that only allow session tagging give nothing on their own.
      if (doc.kind === "trust" && !statementGrants(ref, "sts:AssumeRole")) continue;
      const trusted = principalsOf(ref).flatMap((principal) => {
        const account = principal.type === "AWS" && !principal.unresolved ? trustedAccount(principal.value) : undefined;
        // AWS's own log-delivery accounts are AWS's documented setup, not a third party (issue #10).
        const aws = doc.kind === "resource" && account !== undefined && ELB_LOG_DELIVERY_ACCOUNTS.has(account.account);
        return account && !own.has(account.account) && !aws ? [{ principal, account }] : [];
      });
      if (trusted.length === 0 || conditionNarrowing(ref, narrowingKind).narrowed) continue;
      const actions = actionsOf(ref).map((a) => a.value.toLowerCase());
      // The default key policy gives the key's own account root kms:*; which account that is, we cannot know.
      const keyDefault = actions.includes("kms:*") || (doc.resourceType === "AWS::KMS::Key" && actions.includes("*"));
      for (const { principal, account } of trusted) {
        if (account.root && keyDefault) continue;
        if (account.root) {
          context.report({
            messageId: doc.kind === "trust" ? "accountRootTrust" : "accountRootResource",
            data: { account: account.account },
            pointer: principal.pointer,
            subject: principal.value,
          });
        } else if (doc.kind === "trust") {
          // One named role or user is the recommended form of cross-account trust; only a third party needs more.
          context.report({
            messageId: "crossAccountPrincipal",
            data: { principal: principal.value, account: account.account },
            pointer: principal.pointer,
            subject: principal.value,
            severity: "note",
          });
        }
      }
    }
  },
});

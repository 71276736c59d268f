import { pointerOf, statementsOf } from "../extract/document.ts";
import { hasPlaceholder } from "../extract/placeholder.ts";
import { principalsOf } from "../policy/statements.ts";
import { defineRule } from "./define-rule.ts";

const PRINCIPAL_TYPES = ["AWS", "Service", "Federated", "CanonicalUser"];
const PARTITION = String.raw`aws(?:-cn|-us-gov|-iso(?:-[a-z])?|-eusc)?`;
/** An AWS principal: an account id, or the ARN of an account root, user, role, assumed-role session or federated user. */
const AWS_PRINCIPAL = new RegExp(
  String.raw`^(?:\d{12}|arn:${PARTITION}:iam::\d{12}:(?:root|user/.+|role/.+)|arn:${PARTITION}:sts::\d{12}:(?:assumed-role/[^/]+/.+|federated-user/.+))$`,
);
/** A CloudFront origin access identity, the one principal ARN without an account id. */
const CLOUDFRONT_OAI = /^arn:aws:iam::cloudfront:user\/CloudFront Origin Access Identity [A-Z0-9]+$/;
/** A unique id (`AROA…`, `AIDA…`): what IAM shows once the role or user a policy named is deleted. */
const UNIQUE_ID = /^A(?:ROA|IDA|GPA)[A-Z0-9]{12,}$/;
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.(?:amazonaws\.com(?:\.cn)?|amazon\.com|aws\.internal)$/;
const FEDERATED_PRINCIPAL = new RegExp(
  String.raw`^(?:arn:${PARTITION}:iam::\d{12}:(?:saml-provider|oidc-provider)/.+|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$`,
);
const CANONICAL_USER = /^[0-9a-f]{64}$/;

/** Why an AWS principal value is not one, in words a person acts on. */
function awsProblem(value: string): string {
  if (/^arn:[^:]*:(iam|sts)::[^:]*$/.test(value)) return "the ARN has no account id";
  const arn = /^arn:[^:]*:(iam|sts):[^:]*:([^:]*):/.exec(value);
  if (arn) {
    const account = arn[2]!;
    if (account === "") return "the ARN has no account id";
    if (!/^\d{12}$/.test(account)) return `"${account}" is not a 12-digit account id`;
    return "the ARN names neither an account root, a user, a role nor a session";
  }
  if (/^\d+$/.test(value)) return `an account id has 12 digits, this one ${value.length}`;
  if (/^arn:/i.test(value)) return "it is not the ARN of an IAM principal";
  if (/[<>{}]|your|account|example|placeholder|xxx/i.test(value)) return "it looks like placeholder text";
  return "it is neither an account id nor a principal ARN";
}

export default defineRule({
  id: "valid-principal",
  category: "invalid-policy",
  severity: "error",
  docs: {
    description:
      'Require every principal to be one AWS accepts: "*", an account id, a principal ARN, a service, a federation provider or a canonical user.',
    rationale:
      "AWS rejects a resource or trust policy whose principal is not a principal (`MalformedPolicyDocument: Invalid " +
      "principal in policy`): an 11-digit account id, an ARN without its account (`arn:aws:iam::root`), placeholder " +
      "text left from an example (`<ACCOUNT_ID>`), a principal type other than `AWS`, `Service`, `Federated` and " +
      '`CanonicalUser`, or a bare string other than `"*"`. The deployment then fails late. Principals with a ' +
      "wildcard account are reported by `no-public-principal`; values left unresolved by the template are not judged.",
    examples: {
      noncompliant: [
        {
          title: "An account id with 11 digits",
          kind: "resource",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: "12345678901" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }],
          },
        },
        {
          title: "A root ARN without its account",
          kind: "trust",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::root" }, Action: "sts:AssumeRole" }],
          },
        },
      ],
      compliant: [
        {
          title: "An account root and a service",
          kind: "trust",
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::111122223333:root", Service: "ec2.amazonaws.com" },
                Action: "sts:AssumeRole",
              },
            ],
          },
        },
      ],
    },
    references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"],
  },
  messages: {
    principalString: (data: { value: string }) =>
      `"${data.value}" is not a principal: a Principal written as a string must be "*", otherwise an object such as {"AWS": "…"}, so AWS rejects the policy.`,
    unknownType: (data: { type: string }) =>
      `"${data.type}" is not a principal type (AWS, Service, Federated, CanonicalUser), so AWS rejects the policy.`,
    invalidAws: (data: { value: string; problem: string }) =>
      `"${data.value}" is not an AWS principal (${data.problem}), so AWS rejects the policy.`,
    invalidService: (data: { value: string }) =>
      `"${data.value}" is not a service principal (such as "lambda.amazonaws.com"), so AWS rejects the policy.`,
    invalidFederated: (data: { value: string }) =>
      `"${data.value}" is not a federation provider (a SAML or OIDC provider ARN, or a provider such as "cognito-identity.amazonaws.com"), so AWS rejects the policy.`,
    invalidCanonicalUser: (data: { value: string }) =>
      `"${data.value}" is not a canonical user id (64 hexadecimal characters), so AWS rejects the policy.`,
  },
  checkPolicy(doc, context) {
    if (doc.kind !== "resource" && doc.kind !== "trust") return;
    for (const ref of statementsOf(doc.json)) {
      for (const key of ["Principal", "NotPrincipal"] as const) {
        const raw = ref.statement[key];
        if (raw === undefined) continue;
        if (typeof raw === "string") {
          if (raw !== "*" && !hasPlaceholder(raw))
            context.report({ messageId: "principalString", data: { value: raw }, pointer: pointerOf(ref.pointer, key), subject: raw });
          continue;
        }
        if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
          for (const type of Object.keys(raw)) {
            if (!PRINCIPAL_TYPES.includes(type) && !hasPlaceholder(type)) {
              context.report({
                messageId: "unknownType",
                data: { type },
                pointer: pointerOf(pointerOf(ref.pointer, key), type),
                at: "key",
                subject: type,
              });
            }
          }
        }
        for (const principal of principalsOf(ref, key)) {
          const { type, value, pointer } = principal;
          if (principal.unresolved || value === "*") continue;
          const report = { pointer, subject: `${type} ${value}` };
          if (type === "AWS") {
            // A wildcard account is public access (no-public-principal), not a malformed principal.
            if (!AWS_PRINCIPAL.test(value) && !UNIQUE_ID.test(value) && !CLOUDFRONT_OAI.test(value) && !value.includes("*")) {
              context.report({ messageId: "invalidAws", data: { value, problem: awsProblem(value) }, ...report });
            }
          } else if (type === "Service") {
            if (!SERVICE_PRINCIPAL.test(value)) context.report({ messageId: "invalidService", data: { value }, ...report });
          } else if (type === "Federated") {
            if (!FEDERATED_PRINCIPAL.test(value)) context.report({ messageId: "invalidFederated", data: { value }, ...report });
          } else if (type === "CanonicalUser") {
            if (!CANONICAL_USER.test(value)) context.report({ messageId: "invalidCanonicalUser", data: { value }, ...report });
          }
        }
      }
    }
  },
});

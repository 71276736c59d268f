/**
 * Pure planning of the Access Analyzer calls: which checks apply to each policy (ValidatePolicy always,
 * CheckNoNewAccess against its base version, CheckAccessNotGranted for identity and resource policies,
 * CheckNoPublicAccess for supported resource types), each with how its answer maps to findings.
 */
import {
  AccessCheckResourceType,
  ValidatePolicyResourceType,
  type AccessCheckPolicyType,
  type CheckAccessNotGrantedCommandInput,
  type CheckNoNewAccessCommandInput,
  type CheckNoPublicAccessCommandInput,
  type PolicyType,
  type ValidatePolicyCommandInput,
} from "@aws-sdk/client-accessanalyzer";
import type { Finding, PolicyDocument, PolicyKind } from "../types.ts";
import type { Answer, Call } from "./executor.ts";
import {
  grantedActions,
  listOf,
  makeFinding,
  noteFinding,
  reasonPointer,
  reasonsOf,
  statementAt,
  validateFindings,
} from "./map-findings.ts";
import { preparePolicy } from "./placeholders.ts";
import { CUSTOM_CHECKS_DOCS, MAX_POLICY_CHARACTERS, type AccessAnalyzerItem } from "./types.ts";

export const POLICY_TYPES: Readonly<Record<PolicyKind, PolicyType>> = {
  identity: "IDENTITY_POLICY",
  boundary: "IDENTITY_POLICY",
  resource: "RESOURCE_POLICY",
  trust: "RESOURCE_POLICY",
  scp: "SERVICE_CONTROL_POLICY",
  rcp: "RESOURCE_CONTROL_POLICY",
  // Access Analyzer has no endpoint policy type: validated as a resource policy without a resource type, which
  // runs "the policy checks that apply to all resource policies" (ValidatePolicy API reference).
  endpoint: "RESOURCE_POLICY",
};

export const VALIDATE_RESOURCE_TYPES: ReadonlySet<string> = new Set(Object.values(ValidatePolicyResourceType));
export const PUBLIC_ACCESS_RESOURCE_TYPES: ReadonlySet<string> = new Set(Object.values(AccessCheckResourceType));
const TRUST_RESOURCE_TYPE = "AWS::IAM::AssumeRolePolicyDocument";

/** The resource type a document is attached to, as Access Analyzer names it. */
export function resourceTypeOf(doc: PolicyDocument): string | undefined {
  return doc.kind === "trust" ? TRUST_RESOURCE_TYPE : doc.resourceType;
}

/** One call to make, for one policy, with how its answer becomes findings. */
export interface PlannedCall {
  doc: PolicyDocument;
  call: Call;
  onAnswer: (answer: Answer) => Finding[];
}

export interface CheckPlan {
  /** In the order of the items; identical calls are de-duplicated when they are executed. */
  calls: PlannedCall[];
  /** Checks that applied to a document but will not be sent (unreadable, too large, nothing left to send). */
  skipped: number;
  /** Notes about checks not sent (a policy too large). */
  notes: Finding[];
  /** The first policy CheckAccessNotGranted applies to (where a note about dropped wildcards goes). */
  firstAccessCheckDoc?: PolicyDocument;
}

/**
 * Plans the checks for every item: ValidatePolicy for each document, CheckNoNewAccess for a changed identity or
 * resource policy against its base version, CheckAccessNotGranted per chunk of at most 100 sensitive actions, and
 * CheckNoPublicAccess for the resource types the API supports. Pure.
 */
export function planChecks(items: readonly AccessAnalyzerItem[], chunks: readonly string[][]): CheckPlan {
  const plan: CheckPlan = { calls: [], skipped: 0, notes: [] };
  const run = (doc: PolicyDocument, call: Call, onAnswer: (answer: Answer) => Finding[]): void => {
    plan.calls.push({ doc, call, onAnswer });
  };
  for (const { after: doc, before } of items) {
    const policyType = POLICY_TYPES[doc.kind];
    const accessType: AccessCheckPolicyType | undefined =
      policyType === "IDENTITY_POLICY" || policyType === "RESOURCE_POLICY" ? policyType : undefined;
    const resourceType = resourceTypeOf(doc);
    const wantsNoNewAccess = before !== undefined && accessType !== undefined && POLICY_TYPES[before.kind] === policyType;
    const wantsNotGranted = (doc.kind === "identity" || doc.kind === "resource") && chunks.length > 0;
    const wantsPublic =
      (doc.kind === "resource" || doc.kind === "trust") && resourceType !== undefined && PUBLIC_ACCESS_RESOURCE_TYPES.has(resourceType);
    const applicable = 1 + (wantsNoNewAccess ? 1 : 0) + (wantsNotGranted ? chunks.length : 0) + (wantsPublic ? 1 : 0);
    if (wantsNotGranted) plan.firstAccessCheckDoc ??= doc;

    const prepared = preparePolicy(doc);
    if (!prepared) {
      plan.skipped += applicable;
      continue;
    }
    if (prepared.text.length > MAX_POLICY_CHARACTERS) {
      plan.skipped += applicable;
      plan.notes.push(
        noteFinding(
          doc,
          "access-analyzer/too-large",
          `IAM Access Analyzer was not asked about this policy because it is ${prepared.text.length} characters long, more than the ${MAX_POLICY_CHARACTERS} this tool sends (no AWS service accepts a policy that large); split it into smaller policies.`,
          `${doc.file}\u0000${doc.origin}`,
        ),
      );
      continue;
    }

    // ValidatePolicy: every document.
    const validateInput: ValidatePolicyCommandInput = { policyDocument: prepared.text, policyType };
    if (policyType === "RESOURCE_POLICY" && resourceType && VALIDATE_RESOURCE_TYPES.has(resourceType)) {
      validateInput.validatePolicyResourceType = resourceType as ValidatePolicyResourceType;
    }
    run(doc, { op: "ValidatePolicy", input: validateInput }, (answer) =>
      answer.op === "ValidatePolicy" ? validateFindings(doc, prepared, answer.findings) : [],
    );

    // CheckNoNewAccess: a changed identity or resource policy against its base version.
    if (wantsNoNewAccess && accessType) {
      const base = preparePolicy(before);
      if (!base || base.text.length > MAX_POLICY_CHARACTERS) {
        plan.skipped++;
      } else if (base.text !== prepared.text) {
        const input: CheckNoNewAccessCommandInput = {
          newPolicyDocument: prepared.text,
          existingPolicyDocument: base.text,
          policyType: accessType,
        };
        run(doc, { op: "CheckNoNewAccess", input }, (answer) => {
          if (answer.op !== "CheckNoNewAccess" || answer.output.result !== "FAIL") return [];
          return reasonsOf(answer.output.reasons).map((reason) =>
            makeFinding({
              doc,
              pointer: reasonPointer(prepared, reason),
              ruleId: "access-analyzer/check-no-new-access",
              category: "new-access",
              severity: "warning",
              message:
                "IAM Access Analyzer found that this statement grants access the base version of the policy did not; confirm the new access is intended.",
              docsUrl: CUSTOM_CHECKS_DOCS,
            }),
          );
        });
      }
    }

    // CheckAccessNotGranted: identity and resource policies against the sensitive actions, 100 at a time.
    if (wantsNotGranted && accessType) {
      for (const actions of chunks) {
        const input: CheckAccessNotGrantedCommandInput = { policyDocument: prepared.text, access: [{ actions }], policyType: accessType };
        run(doc, { op: "CheckAccessNotGranted", input }, (answer) => {
          if (answer.op !== "CheckAccessNotGranted" || answer.output.result !== "FAIL") return [];
          return reasonsOf(answer.output.reasons).map((reason) => {
            const pointer = reasonPointer(prepared, reason);
            const granted = grantedActions(statementAt(doc, pointer), actions);
            const what =
              granted.length > 0
                ? `the sensitive action${granted.length === 1 ? "" : "s"} ${listOf(granted)}`
                : "one of the configured sensitive actions";
            return makeFinding({
              doc,
              pointer,
              ruleId: "access-analyzer/check-access-not-granted",
              category: granted.some((a) => a.toLowerCase().startsWith("iam:")) ? "privilege-escalation" : "sensitive-data-access",
              severity: "warning",
              message: `IAM Access Analyzer found that this statement may grant ${what}; limit it to the resources and principals that need it, or remove the action.`,
              docsUrl: CUSTOM_CHECKS_DOCS,
              detail: granted.join(","),
            });
          });
        });
      }
    }

    // CheckNoPublicAccess: resource and trust policies of the resource types the API supports.
    if (wantsPublic && resourceType) {
      const input: CheckNoPublicAccessCommandInput = {
        policyDocument: prepared.text,
        resourceType: resourceType as AccessCheckResourceType,
      };
      run(doc, { op: "CheckNoPublicAccess", input }, (answer) => {
        if (answer.op !== "CheckNoPublicAccess" || answer.output.result !== "FAIL") return [];
        return reasonsOf(answer.output.reasons).map((reason) =>
          makeFinding({
            doc,
            pointer: reasonPointer(prepared, reason),
            ruleId: "access-analyzer/check-no-public-access",
            category: "public-access",
            severity: "error",
            message: `IAM Access Analyzer found that this statement may make the ${resourceType} public; name the principals that need access or add a condition such as aws:PrincipalOrgID.`,
            docsUrl: CUSTOM_CHECKS_DOCS,
          }),
        );
      });
    }
  }
  return plan;
}

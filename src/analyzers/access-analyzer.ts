/**
 * IAM Access Analyzer at the edge of the analysis (issue #5): policy validation (ValidatePolicy) and the custom
 * policy checks CheckNoNewAccess, CheckAccessNotGranted and CheckNoPublicAccess, turned into findings positioned on
 * the source line of the original JSON, CloudFormation or Terraform policy.
 *
 * This module is the only AWS caller of the project. It never throws for an AWS or network failure: a call that
 * still fails after the SDK's retries becomes one `access-analyzer/unavailable` note per cause, and the result says
 * `complete: false`. It never logs, and no note carries policy text, request bodies or credentials.
 */
import { createHash } from "node:crypto";
import {
  AccessAnalyzerClient,
  AccessCheckResourceType,
  CheckAccessNotGrantedCommand,
  CheckNoNewAccessCommand,
  CheckNoPublicAccessCommand,
  ValidatePolicyCommand,
  ValidatePolicyResourceType,
  type AccessAnalyzerClientConfig,
  type AccessCheckPolicyType,
  type CheckAccessNotGrantedCommandInput,
  type CheckAccessNotGrantedCommandOutput,
  type CheckNoNewAccessCommandInput,
  type CheckNoNewAccessCommandOutput,
  type CheckNoPublicAccessCommandInput,
  type CheckNoPublicAccessCommandOutput,
  type PathElement,
  type PolicyType,
  type ReasonSummary,
  type ValidatePolicyCommandInput,
  type ValidatePolicyFinding,
} from "@aws-sdk/client-accessanalyzer";
import type { Category, Finding, JsonValue, PolicyDocument, PolicyKind, Range, Severity } from "../types.ts";
import { fingerprintOf } from "../findings.ts";
import { canonicalJson, rangeOf } from "./run-rules.ts";
import { asList, isJsonObject, pointerOf, pointerTokens } from "../extract/document.ts";
import { hasWildcard, matchesWildcard } from "../iam/wildcard.ts";
import { preparePolicy, type PreparedPolicy } from "./access-analyzer-placeholders.ts";

/**
 * The largest policy document sent, in characters of the compact JSON. The Access Analyzer API reference gives no
 * length limit for `policyDocument`; the largest policy any AWS service accepts is a KMS key policy (32 KiB), so a
 * document twice that size cannot be deployed anywhere and is not worth a (billed) call.
 */
export const MAX_POLICY_CHARACTERS = 65_536;

/** CheckAccessNotGranted takes one `access` object of at most 100 actions (API reference, `Access.actions`). */
export const MAX_ACTIONS_PER_CHECK = 100;

/** How many attempts the SDK makes per call (adaptive retry mode: client-side rate limiting plus backoff). */
export const MAX_ATTEMPTS = 5;

const CUSTOM_CHECKS_DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-custom-policy-checks.html";
const PERMISSIONS =
  "access-analyzer:ValidatePolicy, access-analyzer:CheckNoNewAccess, access-analyzer:CheckAccessNotGranted and access-analyzer:CheckNoPublicAccess";

export interface AccessAnalyzerOptions {
  /** A configured client (tests, custom endpoints); by default one is built with {@link accessAnalyzerClientConfig}. */
  client?: AccessAnalyzerClient;
  /** How many requests may be in flight at once. Default 4. */
  concurrency?: number;
  /** The Region to call; by default the SDK's (AWS_REGION, the profile's region). */
  region?: string;
  /** Actions CheckAccessNotGranted looks for; wildcards are dropped (the API takes exact names only). */
  sensitiveActions: readonly string[];
}

export interface AccessAnalyzerItem {
  after: PolicyDocument;
  /** The base version of the same policy, for CheckNoNewAccess. */
  before?: PolicyDocument;
}

export interface AccessAnalyzerChecks {
  /** Requests sent per API, after de-duplication (a paginated ValidatePolicy counts once). */
  validatePolicy: number;
  checkNoNewAccess: number;
  checkAccessNotGranted: number;
  checkNoPublicAccess: number;
  /** Requests that still failed after the SDK's retries. */
  failed: number;
  /** Checks that applied to a document but were not sent (too large, nothing left to send). */
  skipped: number;
}

export interface AccessAnalyzerResult {
  findings: Finding[];
  /** Notes about the run itself: checks that did not run, and why. */
  notes: Finding[];
  checks: AccessAnalyzerChecks;
  /** Whether every applicable check ran and answered. */
  complete: boolean;
}

export interface AccessAnalyzerRunner {
  /**
   * Runs the applicable checks for every document and maps the answers to findings. Never rejects for AWS, network
   * or credential failures; it rejects only for a bug.
   */
  analyze(items: readonly AccessAnalyzerItem[]): Promise<AccessAnalyzerResult>;
}

/**
 * The client configuration used when no client is given: the SDK's default credential chain and environment
 * (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_ACCESSANALYZER, ...), adaptive retries with {@link MAX_ATTEMPTS}
 * attempts, so throttling and 5xx answers are retried by the SDK itself.
 */
export function accessAnalyzerClientConfig(region?: string): AccessAnalyzerClientConfig {
  return { retryMode: "adaptive", maxAttempts: MAX_ATTEMPTS, ...(region ? { region } : {}) };
}

const POLICY_TYPES: Readonly<Record<PolicyKind, PolicyType>> = {
  identity: "IDENTITY_POLICY",
  boundary: "IDENTITY_POLICY",
  resource: "RESOURCE_POLICY",
  trust: "RESOURCE_POLICY",
  scp: "SERVICE_CONTROL_POLICY",
  rcp: "RESOURCE_CONTROL_POLICY",
};

const VALIDATE_RESOURCE_TYPES: ReadonlySet<string> = new Set(Object.values(ValidatePolicyResourceType));
const PUBLIC_ACCESS_RESOURCE_TYPES: ReadonlySet<string> = new Set(Object.values(AccessCheckResourceType));
const TRUST_RESOURCE_TYPE = "AWS::IAM::AssumeRolePolicyDocument";

/** The resource type a document is attached to, as Access Analyzer names it. */
function resourceTypeOf(doc: PolicyDocument): string | undefined {
  return doc.kind === "trust" ? TRUST_RESOURCE_TYPE : doc.resourceType;
}

// ---------------------------------------------------------------------------------------------------------------
// Calls

type Call =
  | { op: "ValidatePolicy"; input: ValidatePolicyCommandInput }
  | { op: "CheckNoNewAccess"; input: CheckNoNewAccessCommandInput }
  | { op: "CheckAccessNotGranted"; input: CheckAccessNotGrantedCommandInput }
  | { op: "CheckNoPublicAccess"; input: CheckNoPublicAccessCommandInput };

type Operation = Call["op"];

/** The part of a check answer we use (ValidatePolicy pages are merged into one list). */
type Answer =
  | { op: "ValidatePolicy"; findings: ValidatePolicyFinding[] }
  | { op: "CheckNoNewAccess"; output: CheckNoNewAccessCommandOutput }
  | { op: "CheckAccessNotGranted"; output: CheckAccessNotGrantedCommandOutput }
  | { op: "CheckNoPublicAccess"; output: CheckNoPublicAccessCommandOutput };

interface Cause {
  /** Stable key: one note per key. */
  key: string;
  /** Why, for people: "no AWS credentials were found (CredentialsProviderError)". */
  reason: string;
  /** The one actionable sentence. */
  action: string;
}

type Outcome = { ok: true; answer: Answer } | { ok: false; cause: Cause };

/** A ValidatePolicy answer is paginated; follow at most this many pages. */
const MAX_PAGES = 20;

async function execute(client: AccessAnalyzerClient, call: Call): Promise<Outcome> {
  try {
    switch (call.op) {
      case "ValidatePolicy": {
        const findings: ValidatePolicyFinding[] = [];
        let nextToken: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const output = await client.send(new ValidatePolicyCommand({ ...call.input, ...(nextToken ? { nextToken } : {}) }));
          findings.push(...(output.findings ?? []));
          nextToken = output.nextToken;
          if (!nextToken) break;
        }
        return { ok: true, answer: { op: call.op, findings } };
      }
      case "CheckNoNewAccess":
        return { ok: true, answer: { op: call.op, output: await client.send(new CheckNoNewAccessCommand(call.input)) } };
      case "CheckAccessNotGranted":
        return { ok: true, answer: { op: call.op, output: await client.send(new CheckAccessNotGrantedCommand(call.input)) } };
      case "CheckNoPublicAccess":
        return { ok: true, answer: { op: call.op, output: await client.send(new CheckNoPublicAccessCommand(call.input)) } };
    }
  } catch (error) {
    return { ok: false, cause: causeOf(error) };
  }
}

const INVALID_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "InvalidClientTokenId",
  "ExpiredTokenException",
  "ExpiredToken",
  "IncompleteSignature",
  "SignatureDoesNotMatch",
]);
const REJECTED = new Set(["ValidationException", "InvalidParameterException", "UnprocessableEntityException", "SerializationException"]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EPIPE", "ENETUNREACH", "EHOSTUNREACH"]);

/**
 * Classifies a failed call. Only error names, codes and HTTP statuses are used: messages may quote a profile name
 * or, for a rejected request, part of the policy, and neither belongs in a note.
 */
function causeOf(error: unknown): Cause {
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number; attempts?: number };
  };
  const name = typeof e.name === "string" ? e.name : "Error";
  const code = typeof e.code === "string" ? e.code : undefined;
  const message = typeof e.message === "string" ? e.message : "";
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const after = attempts && attempts > 1 ? ` after ${attempts} attempts` : "";
  // A body that is not JSON (a proxy's error page) surfaces as a SyntaxError: the status says more.
  const generic = /^(Error|SyntaxError|TypeError|Unknown)$/.test(name);
  const label = status ? (generic ? `HTTP ${status}` : `${name}, HTTP ${status}`) : (code ?? name);

  if (name === "CredentialsProviderError" || (!status && /could not load credentials|credential is missing/i.test(message))) {
    return {
      key: "no-credentials",
      reason: `no AWS credentials were found (${name})`,
      action: `configure AWS credentials allowed to call ${PERMISSIONS} (the AWS managed policy IAMAccessAnalyzerReadOnlyAccess grants them), for example with AWS_PROFILE or an OIDC role, and run again`,
    };
  }
  if (!status && /region is missing/i.test(message)) {
    return {
      key: "no-region",
      reason: "no AWS Region is configured",
      action: "set AWS_REGION (or the profile's region) to a Region where IAM Access Analyzer is available and run again",
    };
  }
  if (INVALID_CREDENTIALS.has(name) || status === 401) {
    return {
      key: "invalid-credentials",
      reason: `AWS rejected the credentials (${label})`,
      action: `refresh or replace the AWS credentials (expired session, wrong key or clock skew) with ones allowed to call ${PERMISSIONS}, and run again`,
    };
  }
  if (name === "AccessDeniedException" || status === 403) {
    return {
      key: "access-denied",
      reason: `the credentials may not call Access Analyzer (${label})`,
      action: `grant the identity ${PERMISSIONS} (the AWS managed policy IAMAccessAnalyzerReadOnlyAccess grants them) and run again`,
    };
  }
  if (name === "ThrottlingException" || status === 429) {
    return {
      key: "throttled",
      reason: `Access Analyzer kept throttling the requests${after} (${label})`,
      action: "lower the Access Analyzer concurrency or run again later",
    };
  }
  if ((status !== undefined && status >= 500) || name === "InternalServerException") {
    return {
      key: "service-error",
      reason: `Access Analyzer kept failing${after} (${label})`,
      action: "run again later, and check the AWS Health Dashboard for IAM Access Analyzer in this Region if it persists",
    };
  }
  if (REJECTED.has(name) || (status !== undefined && status >= 400)) {
    return {
      key: `rejected-${name}`,
      reason: `Access Analyzer rejected the request (${label})`,
      action: "check that the policy follows the IAM policy grammar; if it does, report this as a bug in iam-policy-review",
    };
  }
  if ((code && NETWORK_CODES.has(code)) || /TimeoutError|NetConnectNotAllowedError|RequestTimeout/.test(name) || status === undefined) {
    return {
      key: "network",
      reason: `the Access Analyzer endpoint could not be reached${after} (${code ?? name})`,
      action: "check network access to access-analyzer.<region>.amazonaws.com (or AWS_ENDPOINT_URL_ACCESSANALYZER) and any proxy, and run again",
    };
  }
  return {
    key: `unexpected-${name}`,
    reason: `the call failed unexpectedly (${label})`,
    action: "run again, and report this as a bug in iam-policy-review if it persists",
  };
}

/** A small promise pool: at most `limit` tasks run at once, in order of arrival. */
function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: Array<() => void> = [];
  const next = (): void => {
    if (running >= limit) return;
    const start = queue.shift();
    if (start) {
      running++;
      start();
    }
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            running--;
            next();
          });
      });
      next();
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Mapping answers to findings

/** The statement (or the document) a pointer is in, as the stable subject of a fingerprint. */
function subjectOf(doc: PolicyDocument, pointer: string): string {
  const tokens = pointerTokens(pointer);
  if (tokens[0] !== "Statement" || !isJsonObject(doc.json)) return `${doc.origin}\u0000${pointer}`;
  const statements = doc.json.Statement;
  const statement = Array.isArray(statements) && tokens[1] !== undefined ? statements[Number(tokens[1])] : statements;
  return canonicalJson(statement);
}

/** The part of a pointer below its statement (`/Action/1`), so a fingerprint survives statements moving. */
function withinStatement(pointer: string): string {
  const tokens = pointerTokens(pointer);
  if (tokens[0] !== "Statement") return pointer;
  const rest = /^\d+$/.test(tokens[1] ?? "") ? tokens.slice(2) : tokens.slice(1);
  return rest.reduce<string>((p, token) => pointerOf(p, token), "");
}

interface FindingSpec {
  doc: PolicyDocument;
  pointer: string;
  at?: "value" | "key";
  ruleId: string;
  category: Category;
  severity: Severity;
  message: string;
  docsUrl?: string;
  /** Distinguishes findings of one rule on one statement. */
  detail?: string;
}

function makeFinding(spec: FindingSpec): Finding {
  const range = rangeOf(spec.doc, spec.pointer, spec.at ?? "value");
  const finding: Finding = {
    file: spec.doc.file,
    line: range.line,
    endLine: range.endLine,
    column: range.column,
    endColumn: range.endColumn,
    ruleId: spec.ruleId,
    category: spec.category,
    severity: spec.severity,
    message: spec.message,
    source: "access-analyzer",
    origin: spec.doc.origin,
    fingerprint: fingerprintOf(spec.ruleId, spec.doc.file, subjectOf(spec.doc, spec.pointer), spec.detail ?? ""),
  };
  if (spec.docsUrl) finding.docsUrl = spec.docsUrl;
  return finding;
}

/** Follows Access Analyzer's path through the sent document: `{value: k}` enters member k, `{key: k}` is the key. */
function pointerOfPath(sent: JsonValue, path: readonly PathElement[]): { pointer: string; at: "value" | "key" } | undefined {
  let pointer = "";
  let node: JsonValue | undefined = sent;
  let at: "value" | "key" = "value";
  for (const element of path) {
    if (element.index !== undefined) {
      if (!Array.isArray(node) || element.index >= node.length) break;
      node = node[element.index];
      pointer = pointerOf(pointer, element.index);
    } else if (element.value !== undefined || element.key !== undefined) {
      const key = (element.value ?? element.key)!;
      if (!isJsonObject(node) || !Object.hasOwn(node, key)) break;
      node = node[key];
      pointer = pointerOf(pointer, key);
      if (element.key !== undefined) {
        at = "key";
        break;
      }
    } else {
      break; // a substring of the current string, or an element type we do not know
    }
  }
  return path.length > 0 ? { pointer, at } : undefined;
}

/** The original pointer a ValidatePolicy location refers to: by path, else by the span's offset into what we sent. */
function locate(prepared: PreparedPolicy, finding: ValidatePolicyFinding): { pointer: string; at: "value" | "key" } {
  const location = finding.locations?.[0];
  const byPath = location?.path ? pointerOfPath(prepared.sent, location.path) : undefined;
  if (byPath && byPath.pointer !== "") {
    const original = prepared.toOriginal(byPath.pointer);
    return { pointer: original, at: original === byPath.pointer || byPath.at === "value" ? byPath.at : "value" };
  }
  const offset = location?.span?.start?.offset;
  if (typeof offset === "number") {
    const sentPointer = prepared.pointerAtOffset(offset);
    if (sentPointer !== undefined) return { pointer: prepared.toOriginal(sentPointer), at: "value" };
  }
  return { pointer: "", at: "value" };
}

const FEDERATION = /FEDERATED|OIDC|SAML|WEB_IDENTITY|COGNITO/;

/** The category of a ValidatePolicy finding: by issue code for security warnings, else by finding type. */
export function categoryOfIssue(findingType: string | undefined, issueCode: string): Category {
  if (/PASS_ROLE|CREATE_SLR/.test(issueCode)) return "privilege-escalation";
  if (findingType === "SECURITY_WARNING") {
    if (FEDERATION.test(issueCode)) return "federation-trust";
    if (/CROSS_ACCOUNT|EXTERNAL_PRINCIPAL/.test(issueCode)) return "cross-account-trust";
    if (/PUBLIC/.test(issueCode)) return "public-access";
    return "overly-permissive";
  }
  return "invalid-policy";
}

function severityOfFindingType(findingType: string | undefined): Severity {
  if (findingType === "ERROR" || findingType === "SECURITY_WARNING") return "error";
  if (findingType === "WARNING") return "warning";
  return "note";
}

/** One line, whitespace folded: Access Analyzer's findingDetails is already a sentence. */
function sentence(text: string | undefined, fallback: string): string {
  const folded = (text ?? "").replace(/\s+/g, " ").trim();
  if (!folded) return fallback;
  return /[.!?]$/.test(folded) ? folded : `${folded}.`;
}

function validateFindings(doc: PolicyDocument, prepared: PreparedPolicy, answer: ValidatePolicyFinding[]): Finding[] {
  const out: Finding[] = [];
  for (const f of answer) {
    const issueCode = (f.issueCode ?? "UNKNOWN").replace(/[^A-Za-z0-9_]/g, "_");
    const { pointer, at } = locate(prepared, f);
    // A finding about a value we made up for a placeholder judges our token, not the policy.
    if (pointer !== "" && prepared.isSubstituted(pointer)) continue;
    out.push(
      makeFinding({
        doc,
        pointer,
        at,
        ruleId: `access-analyzer/${issueCode}`,
        category: categoryOfIssue(f.findingType, issueCode),
        severity: severityOfFindingType(f.findingType),
        message: sentence(f.findingDetails, `IAM Access Analyzer reports ${issueCode} for this policy.`),
        ...(f.learnMoreLink ? { docsUrl: f.learnMoreLink } : {}),
        detail: `${issueCode}\u0000${withinStatement(pointer)}`,
      }),
    );
  }
  return out;
}

function reasonPointer(prepared: PreparedPolicy, reason: ReasonSummary): string {
  return typeof reason.statementIndex === "number" ? prepared.statementPointer(reason.statementIndex) : "";
}

/** Reasons, or one reason for the whole document when a FAIL comes without any. */
function reasonsOf(reasons: ReasonSummary[] | undefined): ReasonSummary[] {
  return reasons && reasons.length > 0 ? reasons : [{}];
}

function statementAt(doc: PolicyDocument, pointer: string): Record<string, JsonValue> | undefined {
  if (!isJsonObject(doc.json)) return undefined;
  const tokens = pointerTokens(pointer);
  if (tokens[0] !== "Statement") return undefined;
  const raw = doc.json.Statement;
  const statement = Array.isArray(raw) ? raw[Number(tokens[1])] : raw;
  return isJsonObject(statement) ? statement : undefined;
}

/** The checked actions a statement grants by its own text (Action patterns, or everything NotAction leaves). */
function grantedActions(statement: Record<string, JsonValue> | undefined, actions: readonly string[]): string[] {
  if (!statement) return [];
  const patterns = (list: JsonValue | undefined) => asList(list).filter((a): a is string => typeof a === "string");
  if (statement.Action !== undefined) {
    const granted = patterns(statement.Action);
    return actions.filter((action) => granted.some((p) => matchesWildcard(p, action, { ignoreCase: true })));
  }
  if (statement.NotAction !== undefined) {
    const excluded = patterns(statement.NotAction);
    return actions.filter((action) => !excluded.some((p) => matchesWildcard(p, action, { ignoreCase: true })));
  }
  return [];
}

function listOf(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

// ---------------------------------------------------------------------------------------------------------------
// The runner

interface FailureGroup {
  cause: Cause;
  docs: PolicyDocument[];
  ops: Map<Operation, number>;
}

function canonicalCall(call: Call): string {
  return createHash("sha256")
    .update(call.op)
    .update("\u0000")
    .update(canonicalJson(call.input as unknown as JsonValue))
    .digest("hex");
}

function noteFinding(doc: PolicyDocument, ruleId: string, message: string, subject: string): Finding {
  const range: Range = rangeOf(doc, "");
  return {
    file: doc.file,
    line: range.line,
    endLine: range.line,
    column: range.column,
    endColumn: range.column,
    ruleId,
    category: "unparsed-input",
    severity: "note",
    message,
    source: "access-analyzer",
    origin: doc.origin,
    fingerprint: fingerprintOf(ruleId, subject),
  };
}

function policies(count: number): string {
  return count === 1 ? "1 policy" : `${count} policies`;
}

/**
 * Creates the runner. Without `options.client` one client is built for the runner's lifetime; the SDK resolves its
 * credentials and Region from the environment on the first call, so a missing credential surfaces as a note, not
 * here. Identical requests are de-duplicated within one `analyze` call.
 */
export function createAccessAnalyzer(options: AccessAnalyzerOptions): AccessAnalyzerRunner {
  const client = options.client ?? new AccessAnalyzerClient(accessAnalyzerClientConfig(options.region));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const unique = [...new Set(options.sensitiveActions.map((a) => a.trim()).filter((a) => a !== ""))];
  const dropped = unique.filter(hasWildcard);
  const exact = unique.filter((a) => !hasWildcard(a));
  const chunks: string[][] = [];
  for (let i = 0; i < exact.length; i += MAX_ACTIONS_PER_CHECK) chunks.push(exact.slice(i, i + MAX_ACTIONS_PER_CHECK));

  return {
    async analyze(items: readonly AccessAnalyzerItem[]): Promise<AccessAnalyzerResult> {
      const limit = createLimiter(concurrency);
      const calls = new Map<string, Promise<Outcome>>();
      const checks: AccessAnalyzerChecks = {
        validatePolicy: 0,
        checkNoNewAccess: 0,
        checkAccessNotGranted: 0,
        checkNoPublicAccess: 0,
        failed: 0,
        skipped: 0,
      };
      const counter: Record<Operation, keyof AccessAnalyzerChecks> = {
        ValidatePolicy: "validatePolicy",
        CheckNoNewAccess: "checkNoNewAccess",
        CheckAccessNotGranted: "checkAccessNotGranted",
        CheckNoPublicAccess: "checkNoPublicAccess",
      };
      const findings = new Map<string, Finding>();
      const notes: Finding[] = [];
      const failures = new Map<string, FailureGroup>();
      const pending: Array<Promise<void>> = [];
      let firstAccessCheckDoc: PolicyDocument | undefined;

      /** Sends a call once per identical request; every document that needs it shares the answer. */
      const request = (call: Call): Promise<Outcome> => {
        const key = canonicalCall(call);
        let outcome = calls.get(key);
        if (!outcome) {
          checks[counter[call.op]]++;
          outcome = limit(() => execute(client, call)).then((result) => {
            if (!result.ok) checks.failed++;
            return result;
          });
          calls.set(key, outcome);
        }
        return outcome;
      };

      const run = (doc: PolicyDocument, call: Call, onAnswer: (answer: Answer) => Finding[]): void => {
        pending.push(
          request(call).then((outcome) => {
            if (outcome.ok) {
              for (const finding of onAnswer(outcome.answer)) if (!findings.has(finding.fingerprint)) findings.set(finding.fingerprint, finding);
              return;
            }
            const group = failures.get(outcome.cause.key) ?? { cause: outcome.cause, docs: [], ops: new Map<Operation, number>() };
            if (!group.docs.includes(doc)) group.docs.push(doc);
            group.ops.set(call.op, (group.ops.get(call.op) ?? 0) + 1);
            failures.set(outcome.cause.key, group);
          }),
        );
      };

      for (const { after: doc, before } of items) {
        const policyType = POLICY_TYPES[doc.kind];
        const accessType: AccessCheckPolicyType | undefined =
          policyType === "IDENTITY_POLICY" || policyType === "RESOURCE_POLICY" ? policyType : undefined;
        const resourceType = resourceTypeOf(doc);
        const wantsNoNewAccess = before !== undefined && accessType !== undefined && POLICY_TYPES[before.kind] === policyType;
        const wantsNotGranted = (doc.kind === "identity" || doc.kind === "resource") && chunks.length > 0;
        const wantsPublic = (doc.kind === "resource" || doc.kind === "trust") && resourceType !== undefined && PUBLIC_ACCESS_RESOURCE_TYPES.has(resourceType);
        const applicable = 1 + (wantsNoNewAccess ? 1 : 0) + (wantsNotGranted ? chunks.length : 0) + (wantsPublic ? 1 : 0);
        if (wantsNotGranted) firstAccessCheckDoc ??= doc;

        const prepared = preparePolicy(doc);
        if (!prepared) {
          checks.skipped += applicable;
          continue;
        }
        if (prepared.text.length > MAX_POLICY_CHARACTERS) {
          checks.skipped += applicable;
          notes.push(
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
            checks.skipped++;
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
                const what = granted.length > 0 ? `the sensitive action${granted.length === 1 ? "" : "s"} ${listOf(granted)}` : "one of the configured sensitive actions";
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

      await Promise.all(pending);

      if (dropped.length > 0 && firstAccessCheckDoc) {
        notes.push(
          noteFinding(
            firstAccessCheckDoc,
            "access-analyzer/sensitive-action-wildcards",
            `CheckAccessNotGranted did not look for ${dropped.length} sensitive action pattern${dropped.length === 1 ? "" : "s"} with wildcards (${listOf(dropped)}), because the API accepts exact action names only; list the exact actions in sensitiveActions to have them checked.`,
            `wildcards\u0000${dropped.join(",")}`,
          ),
        );
      }

      for (const group of failures.values()) {
        const first = group.docs[0]!;
        const where = first.origin === first.file ? first.file : `${first.origin} in ${first.file}`;
        const more = group.docs.length > 1 ? ` and ${group.docs.length - 1} more` : "";
        const ops = [...group.ops].map(([op, count]) => `${op} (${count})`).join(", ");
        notes.push(
          noteFinding(
            first,
            "access-analyzer/unavailable",
            `IAM Access Analyzer checks did not run for ${policies(group.docs.length)} (${where}${more}): ${ops}, because ${group.cause.reason}; ${group.cause.action}.`,
            group.cause.key,
          ),
        );
      }

      return {
        findings: [...findings.values()],
        notes,
        checks,
        complete: checks.failed === 0 && checks.skipped === 0,
      };
    },
  };
}

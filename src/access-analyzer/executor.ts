/**
 * The executor: the only code that calls AWS. Sends one planned call with the SDK (pagination, adaptive retries)
 * and turns any failure into a cause (what happened, and what to do), never a throw.
 */
import type { AccessAnalyzerClient } from "@aws-sdk/client-accessanalyzer";
import {
  CheckAccessNotGrantedCommand,
  CheckNoNewAccessCommand,
  CheckNoPublicAccessCommand,
  ValidatePolicyCommand,
  type AccessAnalyzerClientConfig,
  type CheckAccessNotGrantedCommandInput,
  type CheckAccessNotGrantedCommandOutput,
  type CheckNoNewAccessCommandInput,
  type CheckNoNewAccessCommandOutput,
  type CheckNoPublicAccessCommandInput,
  type CheckNoPublicAccessCommandOutput,
  type ValidatePolicyCommandInput,
  type ValidatePolicyFinding,
} from "@aws-sdk/client-accessanalyzer";
import { MAX_ATTEMPTS, PERMISSIONS } from "./types.ts";

/**
 * The client configuration used when no client is given: the SDK's default credential chain and environment
 * (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_ACCESSANALYZER, ...), adaptive retries with {@link MAX_ATTEMPTS}
 * attempts, so throttling and 5xx answers are retried by the SDK itself.
 */
export function accessAnalyzerClientConfig(region?: string): AccessAnalyzerClientConfig {
  return { retryMode: "adaptive", maxAttempts: MAX_ATTEMPTS, ...(region ? { region } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Calls

export type Call =
  | { op: "ValidatePolicy"; input: ValidatePolicyCommandInput }
  | { op: "CheckNoNewAccess"; input: CheckNoNewAccessCommandInput }
  | { op: "CheckAccessNotGranted"; input: CheckAccessNotGrantedCommandInput }
  | { op: "CheckNoPublicAccess"; input: CheckNoPublicAccessCommandInput };

export type Operation = Call["op"];

/** The part of a check answer we use (ValidatePolicy pages are merged into one list). */
export type Answer =
  | { op: "ValidatePolicy"; findings: ValidatePolicyFinding[] }
  | { op: "CheckNoNewAccess"; output: CheckNoNewAccessCommandOutput }
  | { op: "CheckAccessNotGranted"; output: CheckAccessNotGrantedCommandOutput }
  | { op: "CheckNoPublicAccess"; output: CheckNoPublicAccessCommandOutput };

export interface Cause {
  /** Stable key: one note per key. */
  key: string;
  /** Why, for people: "no AWS credentials were found (CredentialsProviderError)". */
  reason: string;
  /** The one actionable sentence. */
  action: string;
}

export type Outcome = { ok: true; answer: Answer } | { ok: false; cause: Cause };

/** A ValidatePolicy answer is paginated; follow at most this many pages. */
const MAX_PAGES = 20;

export async function execute(client: AccessAnalyzerClient, call: Call): Promise<Outcome> {
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
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

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
      action:
        "check network access to access-analyzer.<region>.amazonaws.com (or AWS_ENDPOINT_URL_ACCESSANALYZER) and any proxy, and run again",
    };
  }
  return {
    key: `unexpected-${name}`,
    reason: `the call failed unexpectedly (${label})`,
    action: "run again, and report this as a bug in iam-policy-review if it persists",
  };
}

/** A small promise pool: at most `limit` tasks run at once, in order of arrival. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
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

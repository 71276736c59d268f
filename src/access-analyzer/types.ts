/**
 * What the Access Analyzer runner takes and returns, and the limits of what it sends. Types only (and constants):
 * importing them never loads the AWS SDK.
 */
import type { AccessAnalyzerClient } from "@aws-sdk/client-accessanalyzer";
import type { Finding, PolicyDocument } from "../types.ts";

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

export const CUSTOM_CHECKS_DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-custom-policy-checks.html";
export const PERMISSIONS =
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

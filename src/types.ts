/**
 * Core types shared by extraction, analysis and reporting. See ../shared/DESIGN.md ("Core types").
 *
 * Positions are 1-based lines and 1-based columns; `endColumn` is the column just after the last character
 * (the SARIF convention), so a one-character value at column 5 has `column: 5, endColumn: 6`.
 */

/** `endpoint`: a VPC endpoint policy (it limits what callers may do through the endpoint; it grants nothing). */
export const POLICY_KINDS = ["identity", "resource", "trust", "scp", "rcp", "boundary", "endpoint"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export const SEVERITIES = ["error", "warning", "note"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Finding categories: stable names, used exactly as written here. */
export const CATEGORIES = [
  "overly-permissive",
  "privilege-escalation",
  "sensitive-data-access",
  "defense-evasion",
  "invalid-policy",
  "mfa",
  "federation-trust",
  "cross-account-trust",
  "public-access",
  "confused-deputy",
  "long-term-credentials",
  "hardcoded-secret",
  "password-policy",
  "managed-policy",
  "new-access",
  "unparsed-input",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SOURCE_FORMATS = ["json", "cloudformation", "terraform"] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * What a `readFile` gives: the text; undefined when the file is missing or unreadable; `{ outside: true }` when
 * the path is outside the scanned tree and was not read (issue #12).
 */
export type FileRead = string | undefined | { outside: true };

/** A file handed to the engine: path relative to the scan root with forward slashes, and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** What an unresolved value most likely stands for; lets later stages substitute a value of the right shape. */
export const UNRESOLVED_HINTS = ["arn", "account-id", "string", "list", "number", "boolean", "policy", "unknown"] as const;
export type UnresolvedHint = (typeof UNRESOLVED_HINTS)[number];

/**
 * A value the extractor could not resolve statically (`${var.x}`, `!Ref Param` without a default,
 * `aws_s3_bucket.b.arn`). In `PolicyDocument.json` it appears as a placeholder token (see
 * `src/extract/placeholder.ts`), never as `*`, so rules neither miss nor invent wildcards.
 */
export interface Unresolved {
  /** JSON Pointer (RFC 6901) of the string value that contains the placeholder. */
  pointer: string;
  /** The placeholder token as it appears in the JSON string. */
  token: string;
  /** The source expression, e.g. `var.bucket_arn`, `!Ref BucketName`, `aws_s3_bucket.b.arn`. */
  expression: string;
  hint: UnresolvedHint;
  /**
   * A placeholder the author left in the source for a value to be filled in (`<my-cidr>`, `##account##`,
   * `%{Source.Arn}`, `${AWS::AccountId}` in a plain string), rather than an expression the extractor could not
   * resolve.
   */
  template?: boolean;
}

/** One IAM policy document found in a file. */
export interface PolicyDocument {
  file: string;
  format: SourceFormat;
  /** Range of the whole document in the file. */
  range: Range;
  kind: PolicyKind;
  /** Where the document sits, for people: `AWS::IAM::Role BuildRole .Policies[0]`, `data.aws_iam_policy_document.deployer`. */
  origin: string;
  /** The AWS resource type the policy is attached to when known, e.g. `AWS::S3::Bucket`. */
  resourceType?: string;
  /**
   * Principals (IAM roles, users, groups) this policy is attached to within the same file or module, named as in
   * the source: `AWS::IAM::Role BuildRole`, `aws_iam_role.build`. Used to find escalation paths that need
   * permissions from several policies of one principal.
   */
  attachedTo?: string[];
  /** The document as plain JSON; unresolved values are placeholder tokens. */
  json: JsonValue;
  /** Position of every value, keyed by JSON Pointer (`""` is the root, `/Statement/0/Resource/1`). */
  positions: Record<string, Range>;
  /** Position of every object key, keyed by the JSON Pointer of its value (to point at `"NotAction"` or `Bool`). */
  keys: Record<string, Range>;
  unresolved: Unresolved[];
}

/** IaC facts that are not policy documents but that rules need. */
interface FactBase {
  file: string;
  range: Range;
  /** Source address, e.g. `AWS::IAM::User Deployer`, `aws_iam_access_key.ci`. */
  origin: string;
}

export interface PositionedValue {
  value: JsonValue;
  range: Range;
}

export type IacFact =
  | (FactBase & { type: "iam-user"; name?: string })
  | (FactBase & { type: "access-key"; user?: string })
  | (FactBase & { type: "login-profile"; user?: string })
  | (FactBase & {
      type: "password-policy";
      /** Settings under their AWS API names (MinimumPasswordLength, RequireSymbols, PasswordReusePrevention, ...). */
      settings: Record<string, PositionedValue>;
    })
  | (FactBase & {
      type: "managed-policy-attachment";
      /** The policy ARN, possibly containing placeholder tokens. */
      arn: string;
      /** The principal it is attached to, named as in `PolicyDocument.attachedTo`. */
      attachedTo: string;
    })
  | (FactBase & {
      type: "secret-output";
      /** Output name, e.g. `SecretKey`. */
      name: string;
      /** What it exposes, e.g. `!GetAtt AccessKey.SecretAccessKey`, `aws_iam_access_key.ci.secret`. */
      expression: string;
    })
  | (FactBase & { type: "oidc-provider"; url: string; clientIds: string[] })
  | (FactBase & {
      /** A policy written as text that is not a JSON object (AWS rejects it); `origin` names the policy's place. */
      type: "invalid-policy-text";
      problem: "syntax" | "empty";
      /** The parser's message for a syntax error (no policy text in it). */
      detail: string;
    })
  | (FactBase & {
      /**
       * A value that holds secrets in plain text: a password property, or user data that scripts run on the
       * instance. `lines` are the value's lines with their positions; `whole` says the whole value is the secret.
       */
      type: "secret-value";
      /** The property, e.g. `LoginProfile.Password`, `UserData`, `user_data`. */
      property: string;
      whole: boolean;
      /** How the value got there when not written in place, e.g. `the Default of parameter AdminPassword`. */
      via?: string;
      lines: Array<{ text: string; range: Range }>;
    });

export type IacFactType = IacFact["type"];

/** A suggested change of whole lines; shown as a GitHub suggestion, never applied automatically. */
export interface FindingFix {
  description: string;
  line: number;
  endLine: number;
  /** The text that replaces lines `line`..`endLine` (inclusive), without the final newline. */
  replacement: string;
}

export interface Finding {
  file: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  ruleId: string;
  /** Which of the rule's messages this is (rules with several checks have several). */
  messageId?: string;
  category: Category;
  severity: Severity;
  /** One sentence: what and why. */
  message: string;
  source: "local" | "access-analyzer";
  /** The policy the finding is about, when there is one. */
  origin?: string;
  fix?: FindingFix;
  docsUrl?: string;
  /** Stable across runs and unrelated edits: rule + file + normalised subject. */
  fingerprint: string;
}

/** What extraction yields for one file or Terraform module. */
export interface ExtractResult {
  policies: PolicyDocument[];
  facts: IacFact[];
  /** Problems with the input itself (`unparsed-input`): parse errors, skipped files, unresolvable policies. */
  findings: Finding[];
}

/** A file a change touched, as git or a pull request lists it. */
export interface ChangedPath {
  /** Path now (relative to the report's root, forward slashes). */
  path: string;
  /** Path at the base; differs for renames. */
  basePath: string;
  status: "added" | "modified" | "deleted" | "renamed";
}

/**
 * Pure mapping of Access Analyzer's answers to findings, positioned on the source line of the original JSON,
 * CloudFormation or Terraform policy.
 */
import type { PathElement, ReasonSummary, ValidatePolicyFinding } from "@aws-sdk/client-accessanalyzer";
import type { Category, Finding, JsonValue, PolicyDocument, Range, Severity } from "../types.ts";
import { buildFinding, fingerprintOf } from "../findings.ts";
import { canonicalJson, rangeOf } from "../policy/pointers.ts";
import { asList, isJsonObject, pointerOf, pointerTokens } from "../extract/document.ts";
import { matchesWildcard } from "../iam/wildcard.ts";
import type { PreparedPolicy } from "./placeholders.ts";

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

export function makeFinding(spec: FindingSpec): Finding {
  const range = rangeOf(spec.doc, spec.pointer, spec.at ?? "value");
  const finding = buildFinding(spec.doc.file, range, {
    ruleId: spec.ruleId,
    category: spec.category,
    severity: spec.severity,
    message: spec.message,
    source: "access-analyzer",
    origin: spec.doc.origin,
    fingerprint: fingerprintOf(spec.ruleId, spec.doc.file, subjectOf(spec.doc, spec.pointer), spec.detail ?? ""),
  });
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

export function validateFindings(doc: PolicyDocument, prepared: PreparedPolicy, answer: ValidatePolicyFinding[]): Finding[] {
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

export function reasonPointer(prepared: PreparedPolicy, reason: ReasonSummary): string {
  return typeof reason.statementIndex === "number" ? prepared.statementPointer(reason.statementIndex) : "";
}

/** Reasons, or one reason for the whole document when a FAIL comes without any. */
export function reasonsOf(reasons: ReasonSummary[] | undefined): ReasonSummary[] {
  return reasons && reasons.length > 0 ? reasons : [{}];
}

export function statementAt(doc: PolicyDocument, pointer: string): Record<string, JsonValue> | undefined {
  if (!isJsonObject(doc.json)) return undefined;
  const tokens = pointerTokens(pointer);
  if (tokens[0] !== "Statement") return undefined;
  const raw = doc.json.Statement;
  const statement = Array.isArray(raw) ? raw[Number(tokens[1])] : raw;
  return isJsonObject(statement) ? statement : undefined;
}

/** The checked actions a statement grants by its own text (Action patterns, or everything NotAction leaves). */
export function grantedActions(statement: Record<string, JsonValue> | undefined, actions: readonly string[]): string[] {
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

export function listOf(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

/** A note about the run itself (a check that did not run, and why), on the policy's first line. */
export function noteFinding(doc: PolicyDocument, ruleId: string, message: string, subject: string): Finding {
  const range: Range = rangeOf(doc, "");
  // A point: the first position of the policy.
  return buildFinding(
    doc.file,
    { line: range.line, column: range.column, endLine: range.line, endColumn: range.column },
    {
      ruleId,
      category: "unparsed-input",
      severity: "note",
      message,
      source: "access-analyzer",
      origin: doc.origin,
      fingerprint: fingerprintOf(ruleId, subject),
    },
  );
}

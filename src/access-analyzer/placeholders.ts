/**
 * Prepares a policy document for IAM Access Analyzer (issue #5): placeholder tokens (`{{expr}}`) become valid
 * values of the right shape, so Access Analyzer judges the policy and not our tokens, and the compact JSON that is
 * sent keeps a map back to the original document, so every path, span or statement index in an answer points at
 * the source line of the original (JSON, CloudFormation or Terraform). Pure.
 */
import { createHash } from "node:crypto";
import type { JsonObject, JsonValue, PolicyDocument, UnresolvedHint } from "../types.ts";
import { hasPlaceholder, isPlaceholder, PLACEHOLDER_PATTERN } from "../extract/placeholder.ts";
import { isJsonObject, pointerOf, pointerTokens } from "../extract/document.ts";
import { setOwn } from "../extract/own.ts";

/** The account id every placeholder account stands for (AWS's documentation example account). */
export const PLACEHOLDER_ACCOUNT = "111122223333";
export const PLACEHOLDER_REGION = "us-east-1";
export const PLACEHOLDER_PARTITION = "aws";

/** A document ready to send, with the maps that lead an answer back to the original document. */
export interface PreparedPolicy {
  /** The compact JSON sent as `policyDocument` (the same text `JSON.stringify(sent)` gives). */
  text: string;
  /** The document that was sent. */
  sent: JsonObject;
  /** The original pointer for a pointer into the sent document (its nearest mapped ancestor when generated). */
  toOriginal(sentPointer: string): string;
  /** The deepest sent pointer whose text covers a 0-based character offset of `text`, if any. */
  pointerAtOffset(offset: number): string | undefined;
  /** The original pointer of the statement Access Analyzer calls `statementIndex`. */
  statementPointer(index: number): string;
  /** Whether the original value at this pointer (or an ancestor) was rewritten from a placeholder. */
  isSubstituted(originalPointer: string): boolean;
  /** How many placeholder values were replaced. */
  substitutions: number;
}

const ARN_SERVICE_OF_RESOURCE_TYPE: Readonly<Record<string, string>> = {
  "AWS::OpenSearchService::Domain": "es",
  "AWS::Elasticsearch::Domain": "es",
  "AWS::ApiGateway::RestApi": "execute-api",
  "AWS::IAM::AssumeRolePolicyDocument": "iam",
  "AWS::Logs::ResourcePolicy": "logs",
  "AWS::EFS::FileSystem": "elasticfilesystem",
  "AWS::Glacier::Vault": "glacier",
  "AWS::S3Express::DirectoryBucket": "s3express",
};

/** The short, stable name part a placeholder value gets: the same token always gives the same value. */
function nameOf(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 8);
}

/** An ARN of the service's most common resource, in the placeholder account and Region. */
function arnFor(service: string, name: string): string {
  const rest = `${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}`;
  switch (service) {
    case "s3":
      return `arn:aws:s3:::placeholder-bucket-${name}`;
    case "iam":
    case "sts":
      return `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:role/placeholder-${name}`;
    case "kms":
      return `arn:aws:kms:${rest}:key/placeholder-${name}`;
    case "lambda":
      return `arn:aws:lambda:${rest}:function:placeholder-${name}`;
    case "dynamodb":
      return `arn:aws:dynamodb:${rest}:table/placeholder-${name}`;
    case "secretsmanager":
      return `arn:aws:secretsmanager:${rest}:secret:placeholder-${name}`;
    case "logs":
      return `arn:aws:logs:${rest}:log-group:placeholder-${name}`;
    case "ssm":
      return `arn:aws:ssm:${rest}:parameter/placeholder-${name}`;
    case "ecr":
      return `arn:aws:ecr:${rest}:repository/placeholder-${name}`;
    default:
      return `arn:aws:${service}:${rest}:placeholder-${name}`;
  }
}

/** The service a statement's resources belong to: its actions' service, else the resource type's. */
function serviceOf(statement: JsonObject | undefined, resourceType: string | undefined): string {
  const actions = statement ? [statement.Action, statement.NotAction].flat() : [];
  for (const action of actions) {
    if (typeof action !== "string" || hasPlaceholder(action)) continue;
    const service = action.split(":")[0]?.toLowerCase();
    if (service && service !== "*" && /^[a-z0-9-]+$/.test(service)) return service;
  }
  if (resourceType) return ARN_SERVICE_OF_RESOURCE_TYPE[resourceType] ?? resourceType.split("::")[1]?.toLowerCase() ?? "s3";
  return "s3";
}

/** Where a string sits in a policy: which statement member, and for principals which principal type. */
interface Slot {
  statement: JsonObject | undefined;
  /** `Resource`, `Principal`, `Condition`, `Action`, ... or undefined outside statements. */
  member: string | undefined;
  /** The principal type (`AWS`, `Service`, `Federated`) or the condition operator. */
  sub: string | undefined;
}

function slotOf(root: JsonObject, pointer: string): Slot {
  const tokens = pointerTokens(pointer);
  if (tokens[0] !== "Statement") return { statement: undefined, member: undefined, sub: undefined };
  const raw = root.Statement;
  const single = isJsonObject(raw);
  const statement = single ? raw : Array.isArray(raw) ? raw[Number(tokens[1])] : undefined;
  const rest = tokens.slice(single ? 1 : 2);
  return { statement: isJsonObject(statement) ? statement : undefined, member: rest[0], sub: rest[1] };
}

/** A value for an expression that names a pseudo parameter or an obvious account, Region or partition. */
function pseudoValue(expression: string): string | undefined {
  if (/AWS::Region\b|(^|[._])region\b/i.test(expression)) return PLACEHOLDER_REGION;
  if (/AWS::Partition\b|(^|[._])partition\b/i.test(expression)) return PLACEHOLDER_PARTITION;
  if (/AWS::URLSuffix\b|(^|[._])(url|dns)_suffix\b/i.test(expression)) return "amazonaws.com";
  if (/AWS::AccountId\b|(^|[._])account_?id\b/i.test(expression) && !/arn/i.test(expression)) return PLACEHOLDER_ACCOUNT;
  return undefined;
}

/** The replacement for one token inside a string; `offset` is where it starts in the partly substituted text. */
function tokenValue(
  token: string,
  hint: UnresolvedHint,
  expression: string,
  slot: Slot,
  prefix: string,
  whole: boolean,
  resourceType: string | undefined,
): string {
  const name = nameOf(token);
  const pseudo = pseudoValue(expression);
  if (pseudo) return pseudo;
  // Inside an ARN the field decides: arn:partition:service:region:account:resource.
  if (prefix.startsWith("arn:")) {
    const field = prefix.split(":").length - 1;
    if (field === 1) return PLACEHOLDER_PARTITION;
    if (field === 3) return PLACEHOLDER_REGION;
    if (field === 4) return PLACEHOLDER_ACCOUNT;
    return `placeholder-${name}`;
  }
  if (hint === "account-id") return PLACEHOLDER_ACCOUNT;
  const atStart = prefix === "";
  const resource = slot.member === "Resource" || slot.member === "NotResource";
  const principal = slot.member === "Principal" || slot.member === "NotPrincipal";
  if (principal) {
    if (slot.sub === "Service") return whole ? `placeholder-${name}.amazonaws.com` : `placeholder-${name}`;
    if (slot.sub === "Federated")
      return atStart ? `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:saml-provider/placeholder-${name}` : `placeholder-${name}`;
    return atStart ? `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:root` : `placeholder-${name}`;
  }
  if (resource && atStart) return arnFor(serviceOf(slot.statement, resourceType), name);
  if (slot.member === "Action" || slot.member === "NotAction") return whole ? `placeholder:Placeholder${name}` : `Placeholder${name}`;
  if (hint === "arn" && atStart) return arnFor(serviceOf(slot.statement, resourceType), name);
  if (whole && hint === "number") return "1";
  if (whole && hint === "boolean") return "true";
  return `placeholder-${name}`;
}

interface Build {
  map: Map<string, string>;
  substituted: Set<string>;
  count: number;
}

/**
 * Serialises like `JSON.stringify` (compact) and records the character range of every sent pointer, so a span in
 * Access Analyzer's answer can be led back to a pointer.
 */
function serialise(value: JsonValue, pointer: string, out: string[], offsets: Map<string, [number, number]>, at: { length: number }): void {
  const start = at.length;
  const write = (text: string): void => {
    out.push(text);
    at.length += text.length;
  };
  if (Array.isArray(value)) {
    write("[");
    value.forEach((item, index) => {
      if (index > 0) write(",");
      serialise(item, pointerOf(pointer, index), out, offsets, at);
    });
    write("]");
  } else if (value !== null && typeof value === "object") {
    write("{");
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (!first) write(",");
      first = false;
      write(`${JSON.stringify(key)}:`);
      serialise(item, pointerOf(pointer, key), out, offsets, at);
    }
    write("}");
  } else {
    write(JSON.stringify(value));
  }
  offsets.set(pointer, [start, at.length]);
}

function parentOf(pointer: string): string {
  const slash = pointer.lastIndexOf("/");
  return slash <= 0 ? "" : pointer.slice(0, slash);
}

/**
 * Builds what is sent to Access Analyzer for a document, or undefined when the document is not a JSON object with
 * at least one statement object left after placeholders (such documents are reported by extraction already).
 *
 * Placeholders become values of the shape their place needs: a principal becomes the placeholder account's root
 * ARN (never `*`), a resource an ARN of the statement's service (`arn:aws:s3:::placeholder-bucket-…`), an account
 * id `111122223333`, a Region `us-east-1`, anything else `placeholder-…`. The same token always gets the same
 * value, so a base and a head version with the same unresolved reference compare equal in CheckNoNewAccess.
 * Statement list items that are whole placeholders are left out (their indices are mapped back).
 */
export function preparePolicy(doc: PolicyDocument): PreparedPolicy | undefined {
  if (!isJsonObject(doc.json)) return undefined;
  const root = doc.json;
  const hints = new Map<string, Map<string, { hint: UnresolvedHint; expression: string }>>();
  for (const u of doc.unresolved) {
    const byToken = hints.get(u.pointer) ?? new Map<string, { hint: UnresolvedHint; expression: string }>();
    byToken.set(u.token, { hint: u.hint, expression: u.expression });
    hints.set(u.pointer, byToken);
  }
  const build: Build = { map: new Map(), substituted: new Set(), count: 0 };

  const substitute = (text: string, pointer: string): string => {
    const slot = slotOf(root, pointer);
    const whole = isPlaceholder(text);
    let out = "";
    let last = 0;
    for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
      const token = match[0];
      const known = hints.get(pointer)?.get(token);
      const expression = known?.expression ?? token.slice(2, -2);
      out += text.slice(last, match.index);
      out += tokenValue(token, known?.hint ?? "unknown", expression, slot, out, whole, doc.resourceType);
      last = match.index + token.length;
      build.count++;
    }
    return out + text.slice(last);
  };

  const walk = (value: JsonValue, original: string, sent: string): JsonValue => {
    build.map.set(sent, original);
    if (typeof value === "string") {
      if (!hasPlaceholder(value)) return value;
      build.substituted.add(original);
      const slot = slotOf(root, original);
      const principalRoot = (slot.member === "Principal" || slot.member === "NotPrincipal") && slot.sub === undefined;
      // A whole principal that is unresolved is some AWS principal, never "*": send an object of the right shape.
      if (principalRoot && isPlaceholder(value)) {
        build.count++;
        return { AWS: `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:root` };
      }
      return substitute(value, original);
    }
    if (Array.isArray(value)) {
      const statements = original === "/Statement";
      const items: JsonValue[] = [];
      value.forEach((item, index) => {
        if (statements && typeof item === "string" && isPlaceholder(item)) {
          build.substituted.add(pointerOf(original, index));
          return;
        }
        items.push(walk(item, pointerOf(original, index), pointerOf(sent, items.length)));
      });
      return items;
    }
    if (value !== null && typeof value === "object") {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) setOwn(out, key, walk(item, pointerOf(original, key), pointerOf(sent, key)));
      return out;
    }
    return value;
  };

  const sent = walk(root, "", "");
  if (!isJsonObject(sent)) throw new Error("Bug: a prepared policy is not an object");
  const statements = sent.Statement;
  const hasStatement = isJsonObject(statements) || (Array.isArray(statements) && statements.some(isJsonObject));
  if (!hasStatement) return undefined;

  const parts: string[] = [];
  const offsets = new Map<string, [number, number]>();
  serialise(sent, "", parts, offsets, { length: 0 });
  const text = parts.join("");

  const toOriginal = (sentPointer: string): string => {
    for (let p = sentPointer; ; p = parentOf(p)) {
      const original = build.map.get(p);
      if (original !== undefined) return original;
      if (p === "") return "";
    }
  };

  return {
    text,
    sent,
    toOriginal,
    pointerAtOffset(offset: number): string | undefined {
      let best: string | undefined;
      let bestLength = Infinity;
      for (const [pointer, [start, end]] of offsets) {
        if (offset >= start && offset < end && end - start < bestLength) {
          best = pointer;
          bestLength = end - start;
        }
      }
      return best;
    },
    statementPointer(index: number): string {
      if (isJsonObject(statements)) return toOriginal("/Statement");
      return toOriginal(pointerOf("/Statement", index));
    },
    isSubstituted(originalPointer: string): boolean {
      for (let p = originalPointer; ; p = parentOf(p)) {
        if (build.substituted.has(p)) return true;
        if (p === "") return false;
      }
    },
    substitutions: build.count,
  };
}

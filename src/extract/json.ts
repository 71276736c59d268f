/**
 * JSON input: parsing to positioned nodes (momoa), and finding the policies in a JSON file that is not a
 * CloudFormation template: a bare policy, or policies wrapped by tools (`{"PolicyDocument": {...}}`,
 * `aws iam get-policy-version`, `aws s3api get-bucket-policy` with the policy as a JSON string).
 */
import { parse as parseMomoa } from "@humanwhocodes/momoa";
import type { AnyNode as MomoaNode } from "@humanwhocodes/momoa";
import type { ExtractResult, IacFact, PolicyKind, Range, SourceFile } from "../types.ts";
import { inputFinding } from "../findings.ts";
import { buildPolicyDocument, displayPath, fitsPathKind, looksLikePolicy, pointerOf } from "./document.ts";
import { excessiveNesting, MAX_BRACKET_DEPTH } from "./limits.ts";
import { lineStarts, positionIn } from "./lines.ts";
import { setOwn } from "./own.ts";
import { MAX_NESTING, member, NestingTooDeepError, type PNode } from "./positioned.ts";

export type ParseResult =
  | {
      ok: true;
      node: PNode;
      /** Problems the parse survived (a YAML key given twice). */ warnings?: Array<{
        range: Range;
        message: string;
        severity: "warning" | "note";
      }>;
    }
  | {
      ok: false;
      range: Range;
      message: string;
      /** A raw control character in a string: JSON and AWS reject it (momoa accepts it, issue #12). */
      controlCharacter?: true;
    };

/** Positions from momoa's offsets in the tool's one line model (momoa counts a lone `\r` as a line break). */
function rangeFrom(starts: readonly number[], node: MomoaNode): Range {
  const start = positionIn(starts, node.loc.start.offset);
  const end = positionIn(starts, node.loc.end.offset);
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/**
 * The first raw control character (U+0000 to U+001F) inside a string, in one linear pass. `JSON.parse` and AWS
 * reject them; momoa accepts them and does not count the line breaks among them.
 */
function controlCharacterInString(text: string): number | undefined {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (!inString) {
      if (ch === 34) inString = true;
    } else if (ch === 92) i++;
    else if (ch === 34) inString = false;
    else if (ch < 32) return i;
  }
  return undefined;
}

function convert(node: MomoaNode, depth: number, at: (range: Range) => Range, starts: readonly number[]): PNode {
  const rangeOf = (n: MomoaNode): Range => rangeFrom(starts, n);
  const range = at(rangeOf(node));
  if (depth > MAX_NESTING) throw new NestingTooDeepError(range, MAX_NESTING);
  switch (node.type) {
    case "Document":
      return convert(node.body, depth, at, starts);
    case "Object":
      return {
        type: "object",
        range,
        entries: node.members.map((m) => ({
          key: m.name.type === "String" ? m.name.value : m.name.name,
          keyRange: at(rangeOf(m.name)),
          value: convert(m.value, depth + 1, at, starts),
        })),
      };
    case "Array":
      return { type: "array", range, items: node.elements.map((e) => convert(e.value, depth + 1, at, starts)) };
    case "String":
      return { type: "string", value: node.value, range };
    case "Number":
      return { type: "number", value: node.value, range };
    case "Boolean":
      return { type: "boolean", value: node.value, range };
    case "Null":
      return { type: "null", range };
    default:
      // Infinity/NaN/identifiers only exist in JSON5 mode, which we do not enable.
      throw new Error(`Bug: unexpected JSON node type ${node.type}`);
  }
}

/**
 * Parses JSON text into positioned nodes. Never throws on bad input: syntax errors and absurd nesting come back
 * as `{ ok: false }` with the position and a message a person can act on. `at` maps positions (for JSON embedded
 * in another file, e.g. a Terraform heredoc); by default positions are the text's own.
 */
export function parseJson(text: string, at: (range: Range) => Range = (r) => r): ParseResult {
  const deep = excessiveNesting(text);
  if (deep) return { ok: false, range: at(deep), message: `nesting is deeper than ${MAX_BRACKET_DEPTH} levels` };
  const starts = lineStarts(text);
  let ast;
  try {
    ast = parseMomoa(text, { mode: "json", ranges: false, tokens: false });
  } catch (error) {
    const e = error as { offset?: number; message?: string };
    const { line, column } = positionIn(starts, Math.min(e.offset ?? 0, text.length));
    const message = (e.message ?? "invalid JSON").replace(/\s*\(\d+:\d+\)\s*$/, "").replace(/\.$/, "");
    // At the end of the file there is no character to point at: the range is empty rather than one past the line.
    const endColumn = (e.offset ?? 0) < text.length && text[e.offset ?? 0] !== "\n" ? column + 1 : column;
    return { ok: false, range: at({ line, column, endLine: line, endColumn }), message };
  }
  const control = controlCharacterInString(text);
  if (control !== undefined) {
    const { line, column } = positionIn(starts, control);
    const code = text.charCodeAt(control).toString(16).toUpperCase().padStart(4, "0");
    return {
      ok: false,
      range: at({ line, column, endLine: line, endColumn: column + 1 }),
      message: `a string holds the raw control character U+${code}, which JSON and AWS reject; write it as an escape`,
      controlCharacter: true,
    };
  }
  try {
    return { ok: true, node: convert(ast, 0, at, starts) };
  } catch (error) {
    if (error instanceof NestingTooDeepError) return { ok: false, range: error.range, message: error.message };
    throw error;
  }
}

export interface JsonExtractOptions {
  /** The kind configured for this path (e.g. an SCP folder), overriding inference. */
  kind?: PolicyKind;
  /** The kind the path's folder or name suggests (`kindFromPath`), taken when the document fits it. */
  pathKind?: PolicyKind;
}

const TRUST_KEYS = new Set(["AssumeRolePolicyDocument", "assume_role_policy", "AssumeRolePolicy"]);
const PASSWORD_POLICY_KEYS = new Set([
  "MinimumPasswordLength",
  "RequireSymbols",
  "RequireNumbers",
  "RequireUppercaseCharacters",
  "RequireLowercaseCharacters",
  "AllowUsersToChangePassword",
  "MaxPasswordAge",
  "PasswordReusePrevention",
  "HardExpiry",
]);

/**
 * Keys under which tools put policies in their JSON output, compared case-insensitively: the AWS CLI
 * (`get-policy-version` PolicyVersion.Document, `get-role`/`list-roles` Role(s)[].AssumeRolePolicyDocument,
 * `get-role-policy` PolicyDocument, `get-bucket-policy`/`lambda get-policy`/`kms get-key-policy` Policy,
 * `sqs`/`sns get-*-attributes` Attributes.Policy, `ecr get-repository-policy` policyText, `secretsmanager
 * get-resource-policy` ResourcePolicy, `get-account-authorization-details` *DetailList[].*PolicyList[].PolicyDocument
 * and Policies[].PolicyVersionList[].Document), and Terraform's JSON plan and state (`terraform show -json`:
 * planned_values.root_module.resources[].values.policy, resource_changes[].change.after.policy,
 * resources[].instances[].attributes.policy). A policy anywhere else in a JSON file is not read: CDK's
 * `cdk.out/tree.json` and `manifest.json`, SDK example files and tools' template data hold copies or templates of
 * policies, not policies (issue 10).
 */
const WRAPPER_KEYS = new Set(
  [
    "PolicyVersion",
    "Document",
    "Role",
    "Roles",
    "User",
    "Users",
    "Group",
    "Groups",
    "Policy",
    "Policies",
    "PolicyDocument",
    "AssumeRolePolicyDocument",
    "AssumeRolePolicy",
    "PasswordPolicy",
    "Attributes",
    "PolicyText",
    "ResourcePolicy",
    "ResourcePolicies",
    "RoleDetailList",
    "UserDetailList",
    "GroupDetailList",
    "PolicyVersionList",
    "RolePolicyList",
    "UserPolicyList",
    "GroupPolicyList",
    "planned_values",
    "prior_state",
    "values",
    "root_module",
    "child_modules",
    "resources",
    "resource_changes",
    "change",
    "after",
    "instances",
    "assume_role_policy",
    "inline_policy",
  ].map((key) => key.toLowerCase()),
);

/** Whether a string value holds a JSON policy (as `aws s3api get-bucket-policy` and Terraform plans print them). */
function embeddedPolicy(node: PNode): PNode | undefined {
  if (node.type !== "string") return undefined;
  const text = node.value.trim();
  if (!text.startsWith("{") || !text.includes("Statement")) return undefined;
  // Positions inside an escaped string cannot be mapped character by character; point at the string itself.
  const parsed = parseJson(text, () => node.range);
  return parsed.ok && looksLikePolicy(parsed.node) ? parsed.node : undefined;
}

/**
 * Finds the policies in a parsed JSON file that is not a CloudFormation template: a policy at the root (or a list
 * of policies), or one under tools' wrapper keys (`WRAPPER_KEYS`). JSON that holds no policy yields nothing: most
 * JSON files in a repository are not policies, and saying so would be noise.
 */
export function extractJsonPolicies(file: SourceFile, root: PNode, options: JsonExtractOptions = {}): ExtractResult {
  const result: ExtractResult = { policies: [], facts: [], findings: [] };

  const visit = (node: PNode, pointer: string, parentKey: string | undefined, depth: number): void => {
    if (depth > MAX_NESTING) return;
    const policyNode = looksLikePolicy(node) ? node : embeddedPolicy(node);
    if (policyNode) {
      // The key a tool put the policy under says more than a folder name.
      const kind = parentKey !== undefined && TRUST_KEYS.has(parentKey) ? "trust" : options.kind;
      const origin = pointer === "" ? file.path : `${file.path} .${displayPath(pointer)}`;
      const document = buildPolicyDocument(policyNode, {
        file: file.path,
        format: "json",
        origin,
        ...(kind ? { kind } : {}),
        ...(kind === "trust" ? { resourceType: "AWS::IAM::AssumeRolePolicyDocument" } : {}),
      });
      if (!kind && options.pathKind && fitsPathKind(options.pathKind, document.json)) document.kind = options.pathKind;
      result.policies.push(document);
      return;
    }
    if (node.type === "object") {
      if (parentKey === "PasswordPolicy") {
        const fact = passwordPolicyFact(file, node, pointer);
        if (fact) result.facts.push(fact);
      }
      for (const entry of node.entries) {
        if (WRAPPER_KEYS.has(entry.key.toLowerCase())) visit(entry.value, pointerOf(pointer, entry.key), entry.key, depth + 1);
      }
    } else if (node.type === "array") {
      node.items.forEach((item, index) => visit(item, pointerOf(pointer, index), parentKey, depth + 1));
    }
  };

  visit(root, "", undefined, 0);
  if (result.policies.length === 0 && root.type === "object" && member(root, "Statement")) {
    result.findings.push(
      inputFinding(
        file.path,
        member(root, "Statement")!.keyRange,
        "warning",
        "This file has a `Statement` but it is not a list of statement objects, so it was not analysed as a policy.",
        "statement-shape",
      ),
    );
  }
  return result;
}

/** The output of `aws iam get-account-password-policy`, as a password-policy fact. */
function passwordPolicyFact(file: SourceFile, node: PNode, pointer: string): IacFact | undefined {
  if (node.type !== "object" || !node.entries.some((e) => PASSWORD_POLICY_KEYS.has(e.key))) return undefined;
  const settings: Record<string, { value: string | number | boolean | null; range: Range }> = {};
  for (const entry of node.entries) {
    const v = entry.value;
    if (PASSWORD_POLICY_KEYS.has(entry.key) && (v.type === "number" || v.type === "boolean" || v.type === "string")) {
      setOwn(settings, entry.key, { value: v.value, range: v.range });
    }
  }
  return { type: "password-policy", file: file.path, range: node.range, origin: `${file.path} .${displayPath(pointer)}`, settings };
}

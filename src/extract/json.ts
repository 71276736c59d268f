/**
 * JSON input: parsing to positioned nodes (momoa), and finding the policies in a JSON file that is not a
 * CloudFormation template: a bare policy, or policies wrapped by tools (`{"PolicyDocument": {...}}`,
 * `aws iam get-policy-version`, `aws s3api get-bucket-policy` with the policy as a JSON string).
 */
import { parse as parseMomoa } from "@humanwhocodes/momoa";
import type { AnyNode as MomoaNode } from "@humanwhocodes/momoa";
import type { ExtractResult, IacFact, PolicyKind, Range, SourceFile } from "../types.ts";
import { inputFinding } from "../findings.ts";
import { buildPolicyDocument, displayPath, looksLikePolicy, pointerOf } from "./document.ts";
import { excessiveNesting, MAX_BRACKET_DEPTH } from "./limits.ts";
import { MAX_NESTING, member, NestingTooDeepError, type PNode } from "./positioned.ts";

export type ParseResult =
  | { ok: true; node: PNode; /** Problems the parse survived (a YAML key given twice). */ warnings?: Array<{ range: Range; message: string }> }
  | { ok: false; range: Range; message: string };

function rangeOf(node: MomoaNode): Range {
  return { line: node.loc.start.line, column: node.loc.start.column, endLine: node.loc.end.line, endColumn: node.loc.end.column };
}

function convert(node: MomoaNode, depth: number, at: (range: Range) => Range): PNode {
  const range = at(rangeOf(node));
  if (depth > MAX_NESTING) throw new NestingTooDeepError(range, MAX_NESTING);
  switch (node.type) {
    case "Document":
      return convert(node.body, depth, at);
    case "Object":
      return {
        type: "object",
        range,
        entries: node.members.map((m) => ({
          key: m.name.type === "String" ? m.name.value : m.name.name,
          keyRange: at(rangeOf(m.name)),
          value: convert(m.value, depth + 1, at),
        })),
      };
    case "Array":
      return { type: "array", range, items: node.elements.map((e) => convert(e.value, depth + 1, at)) };
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
  let ast;
  try {
    ast = parseMomoa(text, { mode: "json", ranges: false, tokens: false });
  } catch (error) {
    const e = error as { line?: number; column?: number; message?: string };
    const line = e.line ?? 1;
    const column = e.column ?? 1;
    const message = (e.message ?? "invalid JSON").replace(/\s*\(\d+:\d+\)\s*$/, "").replace(/\.$/, "");
    return { ok: false, range: at({ line, column, endLine: line, endColumn: column + 1 }), message };
  }
  try {
    return { ok: true, node: convert(ast, 0, at) };
  } catch (error) {
    if (error instanceof NestingTooDeepError) return { ok: false, range: error.range, message: error.message };
    throw error;
  }
}

export interface JsonExtractOptions {
  /** The kind configured for this path (e.g. an SCP folder), overriding inference. */
  kind?: PolicyKind;
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
 * Finds the policies in a parsed JSON file that is not a CloudFormation template. JSON that holds no policy
 * yields nothing: most JSON files in a repository are not policies, and saying so would be noise.
 */
export function extractJsonPolicies(file: SourceFile, root: PNode, options: JsonExtractOptions = {}): ExtractResult {
  const result: ExtractResult = { policies: [], facts: [], findings: [] };

  const visit = (node: PNode, pointer: string, parentKey: string | undefined, depth: number): void => {
    if (depth > MAX_NESTING) return;
    const policyNode = looksLikePolicy(node) ? node : embeddedPolicy(node);
    if (policyNode) {
      const kind = options.kind ?? (parentKey !== undefined && TRUST_KEYS.has(parentKey) ? "trust" : undefined);
      const origin = pointer === "" ? file.path : `${file.path} .${displayPath(pointer)}`;
      result.policies.push(
        buildPolicyDocument(policyNode, {
          file: file.path,
          format: "json",
          origin,
          ...(kind ? { kind } : {}),
          ...(kind === "trust" ? { resourceType: "AWS::IAM::AssumeRolePolicyDocument" } : {}),
        }),
      );
      return;
    }
    if (node.type === "object") {
      if (parentKey === "PasswordPolicy") {
        const fact = passwordPolicyFact(file, node, pointer);
        if (fact) result.facts.push(fact);
      }
      for (const entry of node.entries) visit(entry.value, pointerOf(pointer, entry.key), entry.key, depth + 1);
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
      settings[entry.key] = { value: v.value, range: v.range };
    }
  }
  return { type: "password-policy", file: file.path, range: node.range, origin: `${file.path} .${displayPath(pointer)}`, settings };
}

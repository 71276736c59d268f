/**
 * CloudFormation intrinsic functions inside positioned nodes: what is static is computed, the rest becomes a
 * placeholder (never `*`). `Fn::If` yields both branches, because a review must cover the worst case.
 */
import type { Range, UnresolvedHint } from "../types.ts";
import { placeholderToken } from "./placeholder.ts";
import { lookupTable } from "./own.ts";
import type { EvaluationBudget } from "./budget.ts";
import { MAX_NESTING, member, NestingTooDeepError, type PEntry, type PNode, type PUnresolvedPart } from "./positioned.ts";

/** What intrinsic functions may look up in the template. */
export interface TemplateContext {
  /** Parameter definitions by name. */
  parameters: ReadonlyMap<string, PNode>;
  /** Resource types by logical id. */
  resources: ReadonlyMap<string, string>;
  /** The `Mappings` section, if any. */
  mappings: PNode | undefined;
  /** What the template's intrinsic functions may produce in all (issue #12); unlimited when absent. */
  budget?: EvaluationBudget;
}

export interface Intrinsic {
  /** `Ref`, `Condition` or `Fn::*`. */
  name: string;
  argument: PNode;
}

/** The intrinsic function a node calls, if it is one: a one-entry object keyed `Ref`, `Fn::*` or `Condition` (with a name). */
export function intrinsicOf(node: PNode | undefined): Intrinsic | undefined {
  if (node?.type !== "object" || node.entries.length !== 1) return undefined;
  const { key, value } = node.entries[0]!;
  if (key === "Ref" || key.startsWith("Fn::") || (key === "Condition" && value.type === "string")) return { name: key, argument: value };
  return undefined;
}

const MAX_DESCRIPTION = 160;

/** A short, YAML-style rendering of a node for messages and placeholders: `!Ref Bucket`, `!GetAtt Role.Arn`. */
export function describe(node: PNode, depth = 0): string {
  if (depth > 8) return "…";
  const intrinsic = intrinsicOf(node);
  if (intrinsic) {
    const { name, argument } = intrinsic;
    const short = name === "Ref" || name === "Condition" ? name : name.slice(4);
    if (name === "Fn::GetAtt" && argument.type === "array" && argument.items.every((item) => item.type === "string")) {
      return `!GetAtt ${argument.items.map((item) => (item.type === "string" ? item.value : "")).join(".")}`;
    }
    return clip(`!${short} ${describe(argument, depth + 1)}`);
  }
  switch (node.type) {
    case "string":
      return clip(node.value);
    case "number":
    case "boolean":
      return String(node.value);
    case "null":
      return "null";
    case "unresolved":
      return node.expression;
    case "array": {
      let out = "[";
      for (const item of node.items) {
        out += `${out === "[" ? "" : ", "}${describe(item, depth + 1)}`;
        if (out.length > MAX_DESCRIPTION) break;
      }
      return clip(`${out}]`);
    }
    case "object":
      return clip(`{${node.entries.map((entry) => entry.key).join(", ")}}`);
  }
}

function clip(text: string): string {
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
}

const PSEUDO_STATIC = lookupTable<string>({ "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com" });
const PSEUDO_HINTS = lookupTable<UnresolvedHint>({
  "AWS::AccountId": "account-id",
  "AWS::Region": "string",
  "AWS::StackName": "string",
  "AWS::StackId": "arn",
  "AWS::NotificationARNs": "list",
});
/** Keys whose value IAM (or CloudFormation) accepts as a list, so both `Fn::If` branches can be kept. */
const LIST_KEYS = new Set([
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Statement",
  "Policies",
  "ManagedPolicyArns",
  "Roles",
  "Users",
  "Groups",
]);
/** How many strings an `Fn::Sub`/`Fn::Join` with `Fn::If` inside may expand to before only the first branches are kept. */
const MAX_STRING_ALTERNATIVES = 16;
const LIST_PARAMETER = /^(?:CommaDelimitedList|List<.+>)$/;
const DYNAMIC_REFERENCE = /\{\{resolve:[^{}]*\}\}/g;
/** IAM policy variables (`${aws:username}`) that authors sometimes leave unescaped in `Fn::Sub`; kept literally. */
const POLICY_VARIABLE = /^[A-Za-z][A-Za-z0-9-]*:[A-Za-z0-9_/-]+$/;

function lastIndexOfAny(path: readonly string[], keys: readonly string[]): number {
  for (let i = path.length - 1; i >= 0; i--) if (keys.includes(path[i]!)) return i;
  return -1;
}

/** Whether the value at this key path may be a list (Action, Resource, principal ids, condition values...). */
export function acceptsList(path: readonly string[]): boolean {
  const key = path[path.length - 1];
  if (key === undefined) return false;
  if (LIST_KEYS.has(key)) return true;
  const principal = lastIndexOfAny(path, ["Principal", "NotPrincipal"]);
  if (principal >= 0 && path.length === principal + 2) return true;
  const condition = path.lastIndexOf("Condition");
  return condition >= 0 && path.length === condition + 3;
}

/**
 * The hint for an unresolved value at this key path, given what the expression itself suggests. A principal is
 * taken for an account id when the expression says so (`!Ref AWS::AccountId`, `!Ref TrustedAccountId`), else an ARN.
 */
export function hintAt(path: readonly string[], own: UnresolvedHint, expression = ""): UnresolvedHint {
  if (own === "list") return "list";
  const key = path[path.length - 1];
  if (key === "Resource" || key === "NotResource") return "arn";
  const principal = lastIndexOfAny(path, ["Principal", "NotPrincipal"]);
  if (principal >= 0 && (path.length === principal + 1 || (path.length === principal + 2 && (key === "AWS" || key === "Federated")))) {
    return (own === "account-id" || /account/i.test(expression)) && key !== "Federated" ? "account-id" : "arn";
  }
  return own;
}

interface Piece {
  text: string;
  parts: PUnresolvedPart[];
}

function unresolvedNode(expression: string, hint: UnresolvedHint, range: Range): PNode {
  return { type: "unresolved", expression, hint, range };
}

/** A string value as a piece of a larger string, or undefined when it is not a string-like value. */
function pieceOf(node: PNode): Piece | undefined {
  switch (node.type) {
    case "string":
      return { text: node.value, parts: node.unresolved ?? [] };
    case "number":
    case "boolean":
      return { text: String(node.value), parts: [] };
    case "unresolved": {
      const token = placeholderToken(node.expression);
      return { text: token, parts: [{ token, expression: node.expression, hint: node.hint }] };
    }
    default:
      return undefined;
  }
}

function pieceNode(piece: Piece, range: Range, path: readonly string[]): PNode {
  const only = piece.parts[0];
  if (piece.parts.length === 1 && only && piece.text === only.token)
    return unresolvedNode(only.expression, hintAt(path, only.hint, only.expression), range);
  const node: PNode = { type: "string", value: piece.text, range };
  if (piece.parts.length > 0) node.unresolved = piece.parts;
  return node;
}

/** Replaces dynamic references (`{{resolve:ssm:/x}}`) in literal text by placeholders. */
function literalPiece(text: string): Piece {
  const parts: PUnresolvedPart[] = [];
  if (!text.includes("{{resolve:")) return { text, parts };
  const value = text.replace(DYNAMIC_REFERENCE, (reference) => {
    const token = placeholderToken(reference);
    parts.push({ token, expression: reference, hint: "string" });
    return token;
  });
  return { text: value, parts };
}

/**
 * Concatenations of one choice per position, capped at `MAX_STRING_ALTERNATIVES` (then first choices only).
 * Each result is built in one pass (no partial results copied per position, issue #12), and its characters
 * and placeholders are taken from the budget first: undefined when the budget does not cover them.
 */
function product(choices: Piece[][], budget: EvaluationBudget | undefined): Piece[] | undefined {
  let total = 1;
  for (const options of choices) {
    total *= Math.max(1, options.length);
    if (total > MAX_STRING_ALTERNATIVES) break;
  }
  const lists = (total > MAX_STRING_ALTERNATIVES ? choices.map((options) => options.slice(0, 1)) : choices).filter(
    (options) => options.length > 0,
  );
  const count = lists.reduce((n, options) => n * options.length, 1);
  if (budget) {
    let cost = 0;
    for (const options of lists) {
      let longest = 0;
      for (const piece of options) longest = Math.max(longest, piece.text.length + piece.parts.length);
      cost += longest;
    }
    if (!budget.take(cost * count + 1)) return undefined;
  }
  // In the order of the nested loops over positions (the last position varies fastest).
  const out: Piece[] = [];
  for (let combination = 0; combination < count; combination++) {
    const chosen: Piece[] = new Array<Piece>(lists.length);
    let rest = combination;
    for (let position = lists.length - 1; position >= 0; position--) {
      const options = lists[position]!;
      chosen[position] = options[rest % options.length]!;
      rest = Math.floor(rest / options.length);
    }
    const parts: PUnresolvedPart[] = [];
    for (const piece of chosen) for (const part of piece.parts) parts.push(part);
    out.push({ text: chosen.map((piece) => piece.text).join(""), parts });
  }
  return out;
}

/** A deep copy of a node with every range replaced (values looked up elsewhere are positioned at the call). */
function relocate(node: PNode, range: Range, budget: EvaluationBudget | undefined, depth = 0): PNode {
  if (depth > MAX_NESTING) throw new NestingTooDeepError(range, MAX_NESTING);
  if (budget && !budget.take(1 + (node.type === "string" ? node.value.length : 0))) {
    budget.where ??= range;
    return unresolvedNode("a value not evaluated (over the evaluation budget)", "unknown", range);
  }
  switch (node.type) {
    case "array":
      return { type: "array", range, items: node.items.map((item) => relocate(item, range, budget, depth + 1)) };
    case "object":
      return {
        type: "object",
        range,
        entries: node.entries.map((entry) => ({ key: entry.key, keyRange: range, value: relocate(entry.value, range, budget, depth + 1) })),
      };
    default:
      return { ...node, range };
  }
}

function staticString(node: PNode | undefined): string | undefined {
  if (node?.type === "string" && !node.unresolved) return node.value;
  if (node?.type === "number" || node?.type === "boolean") return String(node.value);
  return undefined;
}

/** A key that is equal for equal scalars (type and value), to drop duplicates in one pass; undefined otherwise. */
function scalarKey(node: PNode): string | undefined {
  return node.type === "string" || node.type === "number" || node.type === "boolean"
    ? `${node.type}\u0000${String(node.value)}`
    : undefined;
}

/**
 * Reduces the alternatives a value may take (from `Fn::If`) to one node: none means the value is removed
 * (`AWS::NoValue`); objects are merged key by key; where the key accepts a list, all values are kept as a list;
 * elsewhere the most permissive choice (`Allow`, `*`) or else the first one.
 */
export function combine(alternatives: PNode[], path: readonly string[], range: Range): PNode | undefined {
  if (alternatives.length <= 1) return alternatives[0];
  if (acceptsList(path)) {
    // Statements too: two alternative statements are two statements, never one merged statement.
    const items: PNode[] = [];
    const seen = new Set<string>();
    for (const node of alternatives) {
      for (const item of node.type === "array" ? node.items : [node]) {
        const key = scalarKey(item);
        if (key !== undefined && seen.has(key)) continue;
        if (key !== undefined) seen.add(key);
        items.push(item);
      }
    }
    if (items.length === 1 && alternatives.every((node) => node.type !== "array")) return items[0];
    return { type: "array", range, items };
  }
  if (alternatives.every((node) => node.type === "object")) {
    const groups = new Map<string, { keyRange: Range; values: PNode[] }>();
    for (const node of alternatives) {
      if (node.type !== "object") continue;
      for (const entry of node.entries) {
        const group = groups.get(entry.key);
        if (group) group.values.push(entry.value);
        else groups.set(entry.key, { keyRange: entry.keyRange, values: [entry.value] });
      }
    }
    const entries: PEntry[] = [];
    for (const [key, group] of groups) {
      const value = combine(group.values, [...path, key], range);
      if (value) entries.push({ key, keyRange: group.keyRange, value });
    }
    return { type: "object", range, entries };
  }
  const key = path[path.length - 1];
  const preferred = key === "Effect" ? "Allow" : "*";
  return alternatives.find((node) => node.type === "string" && node.value === preferred) ?? alternatives[0];
}

/** Resolves intrinsic functions in a value. `path` is the key path of the value (for hints and list handling). */
export function resolveValue(node: PNode, context: TemplateContext, path: readonly string[] = []): PNode | undefined {
  return combine(new Resolver(context).alternatives(node, path, 0), path, node.range);
}

/** The items of a list whose items or whole value may be `Fn::If`/`AWS::NoValue`, without resolving the items. */
export function listItems(node: PNode | undefined): PNode[] {
  if (!node) return [];
  return shallow(node, 0).flatMap((value) => (value.type === "array" ? value.items.flatMap((item) => shallow(item, 0)) : [value]));
}

/** The values a node may take when only `Fn::If` and `Ref: AWS::NoValue` at its top are evaluated. */
export function shallow(node: PNode, depth: number): PNode[] {
  if (depth > MAX_NESTING) return [node];
  const intrinsic = intrinsicOf(node);
  if (intrinsic?.name === "Ref" && intrinsic.argument.type === "string" && intrinsic.argument.value === "AWS::NoValue") return [];
  if (intrinsic?.name === "Fn::If" && intrinsic.argument.type === "array" && intrinsic.argument.items.length === 3) {
    return [...shallow(intrinsic.argument.items[1]!, depth + 1), ...shallow(intrinsic.argument.items[2]!, depth + 1)];
  }
  return [node];
}

class Resolver {
  private readonly context: TemplateContext;
  constructor(context: TemplateContext) {
    this.context = context;
  }

  alternatives(node: PNode, path: readonly string[], depth: number): PNode[] {
    if (depth > MAX_NESTING) throw new NestingTooDeepError(node.range, MAX_NESTING);
    switch (node.type) {
      case "string": {
        if (!node.value.includes("{{resolve:")) return [node];
        const piece = literalPiece(node.value);
        return [pieceNode({ text: piece.text, parts: [...(node.unresolved ?? []), ...piece.parts] }, node.range, path)];
      }
      case "array":
        return [{ type: "array", range: node.range, items: node.items.flatMap((item) => this.alternatives(item, path, depth + 1)) }];
      case "object": {
        const intrinsic = intrinsicOf(node);
        if (intrinsic) {
          // Every call costs a unit, so no template makes the evaluator work without producing (issue #12).
          if (this.context.budget && !this.context.budget.take(1)) return this.overBudget(node, path);
          return this.intrinsic(intrinsic, node, path, depth);
        }
        const entries: PEntry[] = [];
        for (const entry of node.entries) {
          const childPath = [...path, entry.key];
          const value = combine(this.alternatives(entry.value, childPath, depth + 1), childPath, entry.value.range);
          if (value) entries.push({ key: entry.key, keyRange: entry.keyRange, value });
        }
        return [{ type: "object", range: node.range, entries }];
      }
      default:
        return [node];
    }
  }

  /** The string values a node may take, or undefined when one of them is not string-like. */
  private pieces(node: PNode, depth: number): Piece[] | undefined {
    const out: Piece[] = [];
    for (const value of this.alternatives(node, [], depth + 1)) {
      const piece = pieceOf(value);
      if (!piece) return undefined;
      out.push(piece);
    }
    return out;
  }

  private intrinsic({ name, argument }: Intrinsic, node: PNode, path: readonly string[], depth: number): PNode[] {
    const range = node.range;
    const unresolved = (own: UnresolvedHint, expression = describe(node)): PNode[] => [
      unresolvedNode(expression, hintAt(path, own, expression), range),
    ];
    const args = argument.type === "array" ? argument.items : undefined;
    switch (name) {
      case "Ref":
        return argument.type === "string" ? this.ref(argument.value, node, path) : unresolved("string");
      case "Fn::GetAtt": {
        const attribute =
          args?.[1] ??
          (argument.type === "string"
            ? { type: "string" as const, value: argument.value.split(".").slice(1).join("."), range }
            : undefined);
        const attributeName = attribute ? staticString(attribute) : undefined;
        return unresolved(attributeName !== undefined && /Arn$/.test(attributeName) ? "arn" : "string");
      }
      case "Fn::Sub":
        return this.sub(argument, node, path, depth);
      case "Fn::Join":
        return this.join(args, node, path, depth);
      case "Fn::If":
        if (!args || args.length !== 3) return unresolved("unknown");
        return [...this.alternatives(args[1]!, path, depth + 1), ...this.alternatives(args[2]!, path, depth + 1)];
      case "Fn::FindInMap":
        return this.findInMap(args, node, path, depth);
      case "Fn::Select": {
        const index = args?.[0] ? staticString(this.alternatives(args[0], [], depth + 1)[0] ?? args[0]) : undefined;
        const list = args?.[1] ? this.alternatives(args[1], path, depth + 1)[0] : undefined;
        const position = index !== undefined && /^\d+$/.test(index) ? Number(index) : -1;
        if (list?.type === "array" && position >= 0 && position < list.items.length) return [list.items[position]!];
        return unresolved("string");
      }
      case "Fn::Split": {
        const delimiter = args?.[0] ? staticString(args[0]) : undefined;
        const sources = args?.[1] ? this.alternatives(args[1], [], depth + 1).map(staticString) : [];
        if (delimiter === undefined || delimiter === "" || sources.length === 0 || sources.some((text) => text === undefined))
          return unresolved("list");
        if (this.context.budget && !this.context.budget.take(sources.reduce((n, text) => n + 2 * text!.length, 0)))
          return this.overBudget(node, path);
        return sources.map((text) => ({
          type: "array",
          range,
          items: text!.split(delimiter).map((value) => ({ type: "string", value, range })),
        }));
      }
      case "Fn::Base64": {
        const value = this.alternatives(argument, [], depth + 1)[0];
        const text = value ? staticString(value) : undefined;
        if (text === undefined) return unresolved("string");
        if (this.context.budget && !this.context.budget.take(2 * text.length)) return this.overBudget(node, path);
        return [{ type: "string", value: Buffer.from(text, "utf8").toString("base64"), range }];
      }
      case "Fn::Length": {
        const value = this.alternatives(argument, [], depth + 1)[0];
        return value?.type === "array" ? [{ type: "number", value: value.items.length, range }] : unresolved("number");
      }
      case "Fn::ToJsonString": {
        const value = combine(this.alternatives(argument, [], depth + 1), [], range);
        if (!value) return unresolved("string");
        const piece = jsonPiece(value);
        if (this.context.budget && !this.context.budget.take(piece.text.length + piece.parts.length)) return this.overBudget(node, path);
        return [pieceNode(piece, range, path)];
      }
      case "Fn::GetAZs":
      case "Fn::Cidr":
        return unresolved("list");
      case "Fn::Equals":
      case "Fn::And":
      case "Fn::Or":
      case "Fn::Not":
      case "Condition":
        return unresolved("boolean");
      case "Fn::ImportValue":
        return unresolved("string");
      default:
        return unresolved("unknown");
    }
  }

  /** The value of a call the budget no longer covers: an unresolved placeholder (the extractor adds the note). */
  private overBudget(node: PNode, path: readonly string[]): PNode[] {
    if (this.context.budget) this.context.budget.where ??= node.range;
    const expression = describe(node);
    return [unresolvedNode(expression, hintAt(path, "unknown", expression), node.range)];
  }

  private ref(target: string, node: PNode, path: readonly string[]): PNode[] {
    const range = node.range;
    const expression = `!Ref ${target}`;
    if (target === "AWS::NoValue") return [];
    const fixed = PSEUDO_STATIC[target];
    if (fixed !== undefined) return [{ type: "string", value: fixed, range }];
    const pseudo = PSEUDO_HINTS[target];
    if (pseudo) return [unresolvedNode(expression, hintAt(path, pseudo, expression), range)];
    const parameter = this.context.parameters.get(target);
    if (parameter) {
      const type = staticString(member(parameter, "Type")?.value) ?? "String";
      const list = LIST_PARAMETER.test(type);
      const fallback = member(parameter, "Default")?.value;
      // An SSM parameter's default is the parameter's name, not its value.
      if (fallback && !type.startsWith("AWS::SSM::")) {
        if (list) {
          const values = fallback.type === "array" ? fallback.items.map(staticString) : (staticString(fallback)?.split(",") ?? []);
          if (values.length > 0 && values.every((value) => value !== undefined && value.trim() !== "")) {
            return [{ type: "array", range, items: values.map((value) => ({ type: "string", value: value!.trim(), range })) }];
          }
        } else {
          const value = staticString(fallback);
          // An empty default means "not set" (templates guard it with a Condition): using it would build
          // ARNs like `arn:aws:s3:::/*` and findings about them, so it stays unresolved.
          if (value !== undefined && value.trim() !== "") return [{ type: "string", value, range }];
        }
      }
      return [unresolvedNode(expression, hintAt(path, list || type.includes("<List<") ? "list" : "string", expression), range)];
    }
    return [unresolvedNode(expression, hintAt(path, "string", expression), range)];
  }

  private sub(argument: PNode, node: PNode, path: readonly string[], depth: number): PNode[] {
    const template = argument.type === "array" ? argument.items[0] : argument;
    const variables = argument.type === "array" ? argument.items[1] : undefined;
    if (template?.type !== "string") return [unresolvedNode(describe(node), hintAt(path, "string"), node.range)];
    // Variables by name, once (a lookup per `${}` made 20,000 variables quadratic, issue #12); the last wins.
    const byName = new Map<string, PNode>();
    if (variables?.type === "object") for (const entry of variables.entries) byName.set(entry.key, entry.value);
    const choices: Piece[][] = [];
    const evaluated = new Map<string, Piece[]>();
    let last = 0;
    for (const match of template.value.matchAll(/\$\{([^}]*)\}/g)) {
      choices.push([literalPiece(template.value.slice(last, match.index))]);
      last = match.index + match[0].length;
      const name = match[1]!.trim();
      if (name.startsWith("!")) {
        choices.push([{ text: `\${${name.slice(1)}}`, parts: [] }]);
        continue;
      }
      const variable = byName.get(name);
      if (variable) {
        // Each variable is evaluated once however often the template names it: ten `${X}` of a nested `!Sub`
        // per level would otherwise evaluate the innermost one ten to the power of the depth times.
        let pieces = evaluated.get(name);
        if (!pieces)
          evaluated.set(
            name,
            (pieces = this.pieces(variable, depth + 1) ?? [pieceOf(unresolvedNode(describe(variable), "string", node.range))!]),
          );
        choices.push(pieces);
      } else if (POLICY_VARIABLE.test(name) && !name.includes("::")) {
        choices.push([{ text: match[0], parts: [] }]);
      } else if (name.includes(".")) {
        const expression = `!GetAtt ${name}`;
        choices.push([pieceOf(unresolvedNode(expression, /Arn$/.test(name) ? "arn" : "string", node.range))!]);
      } else {
        const values = this.ref(name, node, []);
        const pieces = values.map(pieceOf);
        choices.push(
          pieces.every((piece) => piece !== undefined)
            ? (pieces as Piece[])
            : [pieceOf(unresolvedNode(`!Ref ${name}`, "string", node.range))!],
        );
      }
    }
    choices.push([literalPiece(template.value.slice(last))]);
    const pieces = product(choices, this.context.budget);
    return pieces ? pieces.map((piece) => pieceNode(piece, node.range, path)) : this.overBudget(node, path);
  }

  private join(args: PNode[] | undefined, node: PNode, path: readonly string[], depth: number): PNode[] {
    const delimiter = args?.[0] ? staticString(args[0]) : undefined;
    const list = args?.[1];
    const failed = (): PNode[] => [unresolvedNode(describe(node), hintAt(path, "string"), node.range)];
    if (delimiter === undefined || !list) return failed();
    // A literal list: each item may have alternatives (Fn::If), which must not be spliced into the list.
    const itemChoices = (items: PNode[], resolveItems: boolean): Piece[][] | undefined => {
      const choices: Piece[][] = [];
      for (const [index, item] of items.entries()) {
        if (index > 0) choices.push([{ text: delimiter, parts: [] }]);
        const pieces = resolveItems ? this.pieces(item, depth + 1) : [pieceOf(item)];
        if (!pieces || pieces.some((piece) => piece === undefined)) return undefined;
        choices.push(pieces as Piece[]);
      }
      return choices;
    };
    const lists: Piece[][][] = [];
    if (list.type === "array") {
      const choices = itemChoices(list.items, true);
      if (!choices) return failed();
      lists.push(choices);
    } else {
      for (const value of this.alternatives(list, [], depth + 1)) {
        const choices = value.type === "array" ? itemChoices(value.items, false) : undefined;
        if (!choices) return failed();
        lists.push(choices);
      }
    }
    const out: PNode[] = [];
    for (const choices of lists) {
      const pieces = product(choices, this.context.budget);
      if (!pieces) return this.overBudget(node, path);
      for (const piece of pieces) out.push(pieceNode(piece, node.range, path));
    }
    return out;
  }

  private findInMap(args: PNode[] | undefined, node: PNode, path: readonly string[], depth: number): PNode[] {
    const keys = (args ?? []).slice(0, 3).map((arg) => {
      const value = this.alternatives(arg, [], depth + 1)[0];
      return value ? staticString(value) : undefined;
    });
    if (keys.length === 3 && keys.every((key) => key !== undefined)) {
      const found = member(member(member(this.context.mappings, keys[0]!)?.value, keys[1]!)?.value, keys[2]!)?.value;
      if (found) return [relocate(found, node.range, this.context.budget)];
    }
    const fallback = member(args?.[3], "DefaultValue")?.value;
    if (fallback) return this.alternatives(fallback, path, depth + 1);
    return [unresolvedNode(describe(node), hintAt(path, "string"), node.range)];
  }
}

/** `Fn::ToJsonString`: the JSON text of a resolved value, placeholders kept as tokens. */
function jsonPiece(node: PNode): Piece {
  const parts: PUnresolvedPart[] = [];
  const plain = (current: PNode, depth: number): unknown => {
    if (depth > MAX_NESTING) throw new NestingTooDeepError(current.range, MAX_NESTING);
    switch (current.type) {
      case "string":
        parts.push(...(current.unresolved ?? []));
        return current.value;
      case "number":
      case "boolean":
        return current.value;
      case "null":
        return null;
      case "array":
        return current.items.map((item) => plain(item, depth + 1));
      case "object":
        return Object.fromEntries(current.entries.map((entry) => [entry.key, plain(entry.value, depth + 1)]));
      case "unresolved": {
        const piece = pieceOf(current)!;
        parts.push(...piece.parts);
        return piece.text;
      }
    }
  };
  return { text: JSON.stringify(plain(node, 0)), parts };
}

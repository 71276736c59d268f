/**
 * Static evaluation of Terraform expressions into positioned nodes. Nothing is executed: literals, `jsonencode`,
 * a few list functions and `local.*` are resolved; every other reference (`var.x`, `aws_s3_bucket.b.arn`,
 * `each.value`, ...) becomes a typed placeholder, never `*`.
 */
import { posix } from "node:path";
import type { Range, UnresolvedHint } from "../types.ts";
import { toJson, type PEntry, type PNode, type PUnresolvedPart } from "./positioned.ts";
import { placeholderToken } from "./placeholder.ts";
import {
  rangeOf,
  rangeOfOffsets,
  textOf,
  type HclAttribute,
  type HclBlock,
  type HclExpr,
  type HclFile,
  type TemplatePart,
} from "./tf-hcl.ts";
import { decodeTemplate, MARKER_PATTERN, parseTemplateJson, partExpression, scanTemplate } from "./tf-template.ts";
import { parseJson } from "./json.ts";
import type { FileRead } from "../types.ts";
import { formatted } from "./tf-functions.ts";

/** The blocks of one module (all `.tf` files of a directory), by Terraform address. */
export interface ModuleIndex {
  /** The module directory as the scan sees it (`.` for the root). */
  dir: string;
  files: HclFile[];
  locals: Map<string, HclAttribute>;
  /** `data "aws_iam_policy_document" "<name>"` by name. */
  documents: Map<string, HclBlock>;
  /** Resources by `type.name`, data sources by `data.type.name`. */
  blocks: Map<string, HclBlock>;
  /**
   * Input variables' values: `terraform.tfvars` / `*.auto.tfvars` when they set one, else its `default` (issue
   * #11). A caller can pass another value; the review judges the one written here.
   */
  variables?: Map<string, HclAttribute>;
}

/** Where a value sits in the policy being built (`["Statement", 0, "Resource", 1]`); it decides placeholder hints. */
export type PolicyPath = readonly (string | number)[];

export interface EvalContext {
  module: ModuleIndex;
  /** Set when a value defined in another file is inlined: positions then point at the reference. */
  rangeOverride?: Range;
  /** In `aws_iam_policy_document` the provider turns `&{aws:username}` into the policy variable `${aws:username}`. */
  policyVariables?: boolean;
  /** `templatefile(path, { name = expr })` variables, for `${name}` in the template file. */
  templateVars?: Map<string, HclExpr>;
  /** Values of `for` expression variables in scope (issue #11). */
  bindings?: ReadonlyMap<string, PNode>;
  /** Locals being resolved, to stop on cycles. */
  localsInProgress?: ReadonlySet<string>;
  /**
   * Evaluation steps left for the whole module, shared by every context. Locals that reference each other
   * several times could otherwise expand exponentially; when it runs out, values are left unresolved.
   */
  budget: { steps: number };
}

/**
 * Evaluation steps allowed for a module. Real modules take about one step per 70 characters of source; the
 * budget allows 17 times that, so adversarial input stays within seconds.
 */
export function evaluationBudget(files: readonly HclFile[]): number {
  return 10_000 + Math.ceil(files.reduce((total, file) => total + file.text.length, 0) / 4);
}

/** How long a chain of locals may get before the rest is left unresolved. */
const MAX_LOCAL_CHAIN = 16;

/** The placeholder hint for an unresolved value at `path` (issue #3: resources are ARNs, lists are lists). */
export function policyHint(path: PolicyPath, expression: string): UnresolvedHint {
  if (path.length === 0) return "policy";
  const last = path[path.length - 1];
  const keys = path.filter((key): key is string => typeof key === "string");
  if (last === "Statement") return "list";
  if (typeof last === "number" && path[path.length - 2] === "Statement") return "unknown";
  if (keys.includes("Condition")) {
    if (last === "Condition") return "unknown";
    const conditionKey = keys[keys.length - 1] ?? "";
    if (/arn$/i.test(conditionKey)) return "arn";
    if (/account$/i.test(conditionKey)) return "account-id";
    return "string";
  }
  if (keys.includes("Resource") || keys.includes("NotResource")) return "arn";
  const principal = path.findIndex((key) => key === "Principal" || key === "NotPrincipal");
  if (principal !== -1) {
    const type = path[principal + 1];
    if (type === "Service") return "string";
    if (type === "Federated" || type === "CanonicalUser") return /arn/i.test(expression) ? "arn" : "string";
    return /account/i.test(expression) && !/arn/i.test(expression) ? "account-id" : "arn";
  }
  if (last === "Action" || last === "NotAction") return "list";
  return "string";
}

/** The hint for a placeholder inside a longer string, guessed from the expression's name. */
function partHint(expression: string): UnresolvedHint {
  if (/account(_?id)?\b/i.test(expression) && !/arn/i.test(expression)) return "account-id";
  if (/(^|[._])arns?\b/i.test(expression)) return "arn";
  return "string";
}

function normalise(expression: string): string {
  return expression.replace(/\s+/g, " ").trim();
}

function rangeIn(ctx: EvalContext, span: { file: HclFile; start: number; end: number }): Range {
  return ctx.rangeOverride ?? rangeOf(span);
}

function unresolvedNode(expr: HclExpr, ctx: EvalContext, path: PolicyPath): PNode {
  const expression = normalise(textOf(expr));
  return { type: "unresolved", expression, hint: policyHint(path, expression), range: rangeIn(ctx, expr) };
}

/** `local.name` → its definition, `var.name` → its tfvars value or default, when the expression is exactly that. */
function localOf(expr: HclExpr, ctx: EvalContext): { name: string; attribute: HclAttribute } | undefined {
  if (expr.kind !== "traversal" || (expr.root !== "local" && expr.root !== "var") || expr.steps.length !== 1) return undefined;
  const step = expr.steps[0]!;
  if (step.kind !== "attr") return undefined;
  const attribute = expr.root === "local" ? ctx.module.locals.get(step.name) : ctx.module.variables?.get(step.name);
  // Variables and locals share the cycle guard; `var.` keeps a variable apart from a local of the same name.
  const name = expr.root === "local" ? step.name : `var.${step.name}`;
  const seen = ctx.localsInProgress ?? new Set<string>();
  if (!attribute || attribute.expr.kind === "null" || seen.has(name) || seen.size >= MAX_LOCAL_CHAIN) return undefined;
  return { name, attribute };
}

/** The context for evaluating a local's definition in place of a reference to it. */
function localContext(ctx: EvalContext, reference: HclExpr, name: string, attribute: HclAttribute): EvalContext {
  const localsInProgress = new Set(ctx.localsInProgress ?? []).add(name);
  // A definition in another file cannot supply positions for this file: point at the reference instead.
  const rangeOverride = ctx.rangeOverride ?? (attribute.file === reference.file ? undefined : rangeOf(reference));
  const next: EvalContext = { ...ctx, localsInProgress };
  if (rangeOverride) next.rangeOverride = rangeOverride;
  return next;
}

/**
 * The value of an expression when it is a plain string (or number or bool) known statically, else undefined.
 * Used inside interpolations, where positions do not matter.
 */
export function literalString(expr: HclExpr | undefined, ctx: EvalContext): string | undefined {
  if (!expr || --ctx.budget.steps < 0) return undefined;
  switch (expr.kind) {
    case "number":
    case "bool":
      return String(expr.value);
    case "template": {
      let out = "";
      for (const part of expr.parts) {
        if (part.kind === "text") out += decodeTemplate(expr.file.text, [part], expr.heredoc ? "heredoc" : "quoted").text;
        else if (part.kind === "directive") return undefined;
        else {
          const inner = literalString(part.expr, ctx);
          if (inner === undefined) return undefined;
          out += inner;
          ctx.budget.steps -= inner.length;
        }
      }
      return out;
    }
    case "paren":
      return literalString(expr.inner, ctx);
    case "traversal": {
      const bound = boundValue(expr, ctx);
      if (bound) return bound.type === "string" || bound.type === "number" || bound.type === "boolean" ? String(bound.value) : undefined;
      const local = localOf(expr, ctx);
      return local ? literalString(local.attribute.expr, localContext(ctx, expr, local.name, local.attribute)) : undefined;
    }
    default:
      return undefined;
  }
}

/** An object key: `Version`, `"aws:SourceArn"`, or a placeholder for a computed key. */
function keyOf(expr: HclExpr, ctx: EvalContext): string {
  if (expr.kind === "traversal" && expr.steps.length === 0) return expr.root;
  const inner = expr.kind === "paren" ? expr.inner : expr;
  return literalString(inner, ctx) ?? placeholderToken(normalise(textOf(inner)));
}

/** Converts an expression to a positioned node. `path` only guides placeholder hints. */
export function valueOf(expr: HclExpr, ctx: EvalContext, path: PolicyPath): PNode {
  if (--ctx.budget.steps < 0) return unresolvedNode(expr, ctx, path);
  const range = rangeIn(ctx, expr);
  switch (expr.kind) {
    case "number":
      return { type: "number", value: expr.value, range };
    case "bool":
      return { type: "boolean", value: expr.value, range };
    case "null":
      return { type: "null", range };
    case "template":
      return templateValue(expr, ctx, path);
    case "tuple":
      return { type: "array", range, items: expr.items.map((item, index) => valueOf(item, ctx, [...path, index])) };
    case "object":
      return {
        type: "object",
        range,
        entries: expr.items.map(({ key, value }): PEntry => {
          const name = keyOf(key, ctx);
          return { key: name, keyRange: rangeIn(ctx, key), value: valueOf(value, ctx, [...path, name]) };
        }),
      };
    case "traversal": {
      const bound = boundValue(expr, ctx);
      if (bound) return bound;
      const local = localOf(expr, ctx);
      if (local) return valueOf(local.attribute.expr, localContext(ctx, expr, local.name, local.attribute), path);
      return unresolvedNode(expr, ctx, path);
    }
    case "for":
      return forValue(expr, ctx, path);
    case "call":
      return callValue(expr, ctx, path);
    case "paren":
      return valueOf(expr.inner, ctx, path);
    case "conditional":
      return conditionalValue(expr, ctx, path);
    case "other":
      return unresolvedNode(expr, ctx, path);
  }
}

/** A `for` variable (`a`, `a.name`, `a[0]`) in scope, when the expression is one. */
function boundValue(expr: HclExpr & { kind: "traversal" }, ctx: EvalContext): PNode | undefined {
  let node = ctx.bindings?.get(expr.root);
  for (const step of expr.steps) {
    if (!node) return undefined;
    if (step.kind === "attr") node = node.type === "object" ? node.entries.find((entry) => entry.key === step.name)?.value : undefined;
    else if (step.kind === "index" && typeof step.index === "number") node = node.type === "array" ? node.items[step.index] : undefined;
    else return undefined;
  }
  return node;
}

/** `[for v in collection : body]` over a collection known statically: one value per item, in order. */
function forValue(expr: HclExpr & { kind: "for" }, ctx: EvalContext, path: PolicyPath): PNode {
  const collection = valueOf(expr.collection, ctx, []);
  const pairs: Array<[PNode, PNode]> =
    collection.type === "array"
      ? collection.items.map((item, index) => [{ type: "number", value: index, range: item.range }, item])
      : collection.type === "object"
        ? collection.entries.map((entry) => [{ type: "string", value: entry.key, range: entry.keyRange }, entry.value])
        : [];
  if (pairs.length === 0 && collection.type !== "array" && collection.type !== "object") return unresolvedNode(expr, ctx, path);
  const items = pairs.map(([key, value], index) => {
    const bindings = new Map(ctx.bindings ?? []);
    bindings.set(expr.valueVar, value);
    if (expr.keyVar !== undefined) bindings.set(expr.keyVar, key);
    return valueOf(expr.body, { ...ctx, bindings }, [...path, index]);
  });
  return { type: "array", range: rangeIn(ctx, expr), items };
}

/**
 * `c ? a : b`: the branch a literal condition picks; otherwise both branches are reviewed, as for
 * CloudFormation's Fn::If (issue #11): two lists become one list of both branches' values, and of two single
 * values the wider one (`"*"`, or the known one) is kept.
 */
function conditionalValue(expr: HclExpr & { kind: "conditional" }, ctx: EvalContext, path: PolicyPath): PNode {
  const condition = valueOf(expr.condition, ctx, []);
  if (condition.type === "boolean") return valueOf(condition.value ? expr.then : expr.otherwise, ctx, path);
  // In NotAction/NotResource/NotPrincipal the wider grant is the smaller list: neither branch may stand for both.
  if (path.some((key) => key === "NotAction" || key === "NotResource" || key === "NotPrincipal")) return unresolvedNode(expr, ctx, path);
  const then = valueOf(expr.then, ctx, path);
  const otherwise = valueOf(expr.otherwise, ctx, path);
  if (then.type === "array" && otherwise.type === "array")
    return { type: "array", range: rangeIn(ctx, expr), items: [...then.items, ...otherwise.items] };
  if (then.type === "null") return otherwise;
  if (otherwise.type === "null") return then;
  if (otherwise.type === "string" && otherwise.value === "*") return otherwise;
  if (then.type === "string" && then.value === "*") return then;
  if (hasUnresolved(then) && !hasUnresolved(otherwise)) return otherwise;
  return then;
}

function hasUnresolved(node: PNode): boolean {
  switch (node.type) {
    case "unresolved":
      return true;
    case "string":
      return (node.unresolved?.length ?? 0) > 0;
    case "array":
      return node.items.some(hasUnresolved);
    case "object":
      return node.entries.some((entry) => hasUnresolved(entry.value));
    default:
      return false;
  }
}

const PASS_THROUGH = new Set(["tolist", "toset", "distinct", "compact", "sort"]);

function callValue(expr: HclExpr & { kind: "call" }, ctx: EvalContext, path: PolicyPath): PNode {
  const range = rangeIn(ctx, expr);
  const [first] = expr.args;
  if (expr.name === "jsonencode" && first && expr.args.length === 1) {
    const inner = valueOf(first, ctx, path);
    if (!hasUnresolved(inner)) {
      // The text counts against the budget: nested jsonencode doubles its escapes at every level (issue #12).
      const value = JSON.stringify(toJson(inner));
      ctx.budget.steps -= value.length;
      if (ctx.budget.steps < 0) return unresolvedNode(expr, ctx, path);
      return { type: "string", value, range };
    }
  } else if (expr.name === "format" && first) {
    // `format("arn:aws:s3:::%s/*", local.bucket)` with %s, %d and %v verbs and %% (issue #11).
    const value = formatted(
      literalString(first, ctx),
      expr.args.slice(1).map((arg) => literalString(arg, ctx)),
    );
    if (value !== undefined) return { type: "string", value, range };
  } else if (expr.name === "one" && first && expr.args.length === 1) {
    const list = valueOf(first, ctx, [...path, 0]);
    if (list.type === "array" && list.items.length === 1) return list.items[0]!;
  } else if ((expr.name === "try" || expr.name === "coalesce") && first) {
    // The first argument that is known (and, for coalesce, not null or ""), as Terraform picks it.
    for (const arg of expr.args) {
      const value = valueOf(arg, ctx, path);
      if (hasUnresolved(value)) break;
      if (expr.name === "coalesce" && (value.type === "null" || (value.type === "string" && value.value === ""))) continue;
      return value;
    }
  } else if (expr.name === "merge" && first) {
    const parts = expr.args.map((arg) => valueOf(arg, ctx, path));
    if (parts.every((part) => part.type === "object")) {
      const entries = new Map<string, PEntry>();
      for (const part of parts) for (const entry of part.type === "object" ? part.entries : []) entries.set(entry.key, entry);
      return { type: "object", range, entries: [...entries.values()] };
    }
  } else if (PASS_THROUGH.has(expr.name) && first && expr.args.length === 1) {
    // These keep or drop duplicate and empty values; for a review every written value matters.
    return valueOf(first, ctx, path);
  } else if ((expr.name === "concat" || expr.name === "flatten") && first) {
    const parts = expr.args.map((arg) => valueOf(arg, ctx, [...path, 0]));
    if (parts.every((part) => part.type === "array")) {
      const items: PNode[] = [];
      const add = (node: PNode, depth: number): void => {
        if (node.type === "array" && (depth === 0 || expr.name === "flatten")) for (const item of node.items) add(item, depth + 1);
        else items.push(node);
      };
      for (const part of parts) add(part, 0);
      return { type: "array", range, items };
    }
  }
  return unresolvedNode(expr, ctx, path);
}

/** A quoted string or heredoc used as a value. */
function templateValue(expr: HclExpr & { kind: "template" }, ctx: EvalContext, path: PolicyPath): PNode {
  const range = rangeIn(ctx, expr);
  const source = expr.file.text;
  const mode = expr.heredoc ? "heredoc" : "quoted";
  const textOfPart = (part: TemplatePart): string => {
    const text = decodeTemplate(source, [part], mode).text;
    return ctx.policyVariables ? text.replaceAll("&{", "${") : text;
  };
  const dynamic = expr.parts.filter((part) => part.kind !== "text");
  const only = dynamic[0];
  if (dynamic.length === 1 && only?.kind === "interpolation" && only.expr) {
    const rest = expr.parts.filter((part) => part.kind === "text").map(textOfPart);
    if (rest.every((text) => text === "")) {
      // "${x}" is x itself.
      const inner = valueOf(only.expr, ctx, path);
      return inner.type === "array" || inner.type === "object" ? inner : { ...inner, range };
    }
  }
  let value = "";
  const unresolved: PUnresolvedPart[] = [];
  for (const part of expr.parts) {
    if (part.kind === "text") {
      value += textOfPart(part);
      continue;
    }
    const literal = part.kind === "interpolation" ? literalString(part.expr, ctx) : undefined;
    if (literal !== undefined) {
      value += literal;
      continue;
    }
    const expression = normalise(partExpression(source, part));
    const token = placeholderToken(expression);
    value += token;
    unresolved.push({ token, expression, hint: partHint(expression) });
  }
  return unresolved.length > 0 ? { type: "string", value, range, unresolved } : { type: "string", value, range };
}

/** Where a policy attribute's text comes from. */
export type PolicySource =
  | { kind: "node"; node: PNode; file: string }
  | { kind: "document"; name: string; range: Range }
  | { kind: "invalid"; file: string; range: Range; message: string }
  | { kind: "unresolved"; expression: string; reason?: string }
  | { kind: "missing-file"; path: string; outside?: boolean };

export interface ReadOptions {
  readFile?: (path: string) => FileRead;
}

/** Why a `file()` was not read, for a message: `is outside the scanned tree` or `is not in the scanned files`. */
export function missingWhy(source: { outside?: boolean }): string {
  return source.outside ? "is outside the scanned tree, so it was not read" : "is not in the scanned files";
}

/** `data.aws_iam_policy_document.<name>.json` (also `.minified_json`, and with a `[count]` index). */
function documentReference(expr: HclExpr): string | undefined {
  if (expr.kind !== "traversal" || expr.root !== "data") return undefined;
  const steps = expr.steps.filter((step) => step.kind !== "index");
  const [type, name, attribute] = steps;
  if (steps.length !== 3 || type?.kind !== "attr" || name?.kind !== "attr" || attribute?.kind !== "attr") return undefined;
  if (type.name !== "aws_iam_policy_document" || (attribute.name !== "json" && attribute.name !== "minified_json")) return undefined;
  return name.name;
}

/** The single interpolation of a template that holds nothing else but whitespace (`"${x}"`, a heredoc of `${x}`). */
function soleInterpolation(expr: HclExpr & { kind: "template" }): HclExpr | undefined {
  const dynamic = expr.parts.filter((part) => part.kind !== "text");
  const only = dynamic[0];
  if (dynamic.length !== 1 || only?.kind !== "interpolation" || !only.expr) return undefined;
  const mode = expr.heredoc ? "heredoc" : "quoted";
  const blank = expr.parts.every((part) => part.kind !== "text" || decodeTemplate(expr.file.text, [part], mode).text.trim() === "");
  return blank ? only.expr : undefined;
}

/**
 * Replaces the interpolation markers `parseTemplateJson` left in string values and keys: a string that is
 * exactly one interpolation becomes that value, others get placeholder tokens (or the literal, when known).
 */
function replaceMarkers(node: PNode, source: string, parts: readonly TemplatePart[], ctx: EvalContext, path: PolicyPath): PNode {
  const partOf = (index: string): TemplatePart => parts[Number(index)]!;
  const literalOf = (part: TemplatePart): string | undefined => {
    if (part.kind !== "interpolation") return undefined;
    if (part.expr) return literalString(part.expr, ctx);
    const variable = ctx.templateVars?.get(partExpression(source, part));
    return variable ? literalString(variable, { ...ctx, templateVars: new Map() }) : undefined;
  };
  const replaceIn = (text: string, unresolved: PUnresolvedPart[]): string =>
    text.replace(MARKER_PATTERN, (_marker, index: string) => {
      const part = partOf(index);
      const literal = literalOf(part);
      if (literal !== undefined) return literal;
      const expression = normalise(partExpression(source, part));
      const token = placeholderToken(expression);
      unresolved.push({ token, expression, hint: partHint(expression) });
      return token;
    });
  switch (node.type) {
    case "string": {
      if (!node.value.includes("\ue000")) return node;
      const whole = /^\ue000(\d+)\ue001$/.exec(node.value);
      if (whole) {
        const part = partOf(whole[1]!);
        const expr = part.kind === "interpolation" ? (part.expr ?? ctx.templateVars?.get(partExpression(source, part))) : undefined;
        if (expr) {
          // A template variable is defined in the .tf file, the template elsewhere: point at the template.
          const inner = expr.kind === "call" && expr.name === "jsonencode" && expr.args.length === 1 ? expr.args[0]! : expr;
          const sub = part.kind === "interpolation" && !part.expr ? { ...ctx, rangeOverride: node.range } : ctx;
          const value = valueOf(inner, sub, path);
          return value.type === "array" || value.type === "object" ? value : { ...value, range: node.range };
        }
        const expression = normalise(partExpression(source, part));
        return { type: "unresolved", expression, hint: policyHint(path, expression), range: node.range };
      }
      const unresolved: PUnresolvedPart[] = [...(node.unresolved ?? [])];
      const value = replaceIn(node.value, unresolved);
      return unresolved.length > 0 ? { ...node, value, unresolved } : { ...node, value };
    }
    case "array":
      return { ...node, items: node.items.map((item, index) => replaceMarkers(item, source, parts, ctx, [...path, index])) };
    case "object":
      return {
        ...node,
        entries: node.entries.map((entry) => {
          const key = entry.key.includes("\ue000") ? replaceIn(entry.key, []) : entry.key;
          return { ...entry, key, value: replaceMarkers(entry.value, source, parts, ctx, [...path, key]) };
        }),
      };
    default:
      return node;
  }
}

/** JSON written in a quoted string or heredoc, with positions in the file. */
function templateJson(expr: HclExpr & { kind: "template" }, ctx: EvalContext): PolicySource {
  const toRange = (start: number, end: number): Range => ctx.rangeOverride ?? rangeOfOffsets(expr.file, start, end);
  const parsed = parseTemplateJson(expr.file.text, expr.parts, expr.heredoc ? "heredoc" : "quoted", toRange);
  if (!parsed.ok) return { kind: "invalid", file: expr.file.path, range: parsed.range, message: parsed.message };
  return { kind: "node", node: replaceMarkers(parsed.node, expr.file.text, expr.parts, ctx, []), file: expr.file.path };
}

/** Resolves the path argument of `file()`/`templatefile()`; `path.module`, `path.root`, `path.cwd` are the module. */
function filePath(expr: HclExpr, ctx: EvalContext): string | undefined {
  if (expr.kind !== "template") return undefined;
  let out = "";
  for (const part of expr.parts) {
    if (part.kind === "text") out += decodeTemplate(expr.file.text, [part], "quoted").text;
    else if (part.kind === "interpolation" && part.expr?.kind === "traversal" && part.expr.root === "path") out += ".";
    else {
      const literal = part.kind === "interpolation" ? literalString(part.expr, ctx) : undefined;
      if (literal === undefined) return undefined;
      out += literal;
    }
  }
  if (out === "") return undefined;
  return out.startsWith("/") ? posix.normalize(out) : posix.normalize(posix.join(ctx.module.dir, out));
}

/** A JSON policy file read through `file()`/`templatefile()`. */
function fileJson(expr: HclExpr & { kind: "call" }, ctx: EvalContext, options: ReadOptions): PolicySource {
  const [pathExpr, varsExpr] = expr.args;
  const path = pathExpr ? filePath(pathExpr, ctx) : undefined;
  if (!path) return { kind: "unresolved", expression: normalise(textOf(expr)) };
  const read = options.readFile?.(path);
  if (typeof read !== "string") return { kind: "missing-file", path, ...(read?.outside ? { outside: true } : {}) };
  const text = read;
  if (expr.name === "file") {
    const parsed = parseJson(text);
    return parsed.ok
      ? { kind: "node", node: parsed.node, file: path }
      : { kind: "invalid", file: path, range: parsed.range, message: parsed.message };
  }
  const jsonFile: HclFile = { path, text, lineStarts: [0], body: { attributes: [], blocks: [] } };
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) jsonFile.lineStarts.push(i + 1);
  const templateVars = new Map<string, HclExpr>();
  const vars = varsExpr?.kind === "paren" ? varsExpr.inner : varsExpr;
  if (vars?.kind === "object") for (const item of vars.items) templateVars.set(keyOf(item.key, ctx), item.value);
  const parts = scanTemplate(text);
  const parsed = parseTemplateJson(text, parts, "heredoc", (start, end) => rangeOfOffsets(jsonFile, start, end));
  if (!parsed.ok) return { kind: "invalid", file: path, range: parsed.range, message: parsed.message };
  return { kind: "node", node: replaceMarkers(parsed.node, text, parts, { ...ctx, templateVars }, []), file: path };
}

/**
 * Finds the policy an attribute such as `policy` or `assume_role_policy` holds: a `jsonencode` value, JSON in a
 * heredoc or string, a `file()`, a reference to a policy document data source, or an unresolved expression.
 */
export function policySource(expr: HclExpr, ctx: EvalContext, options: ReadOptions): PolicySource {
  switch (expr.kind) {
    case "paren":
      return policySource(expr.inner, ctx, options);
    case "traversal": {
      const document = documentReference(expr);
      if (document !== undefined) {
        if (ctx.module.documents.has(document)) return { kind: "document", name: document, range: rangeOf(expr) };
        return { kind: "unresolved", expression: normalise(textOf(expr)), reason: "which is not defined in this module" };
      }
      const local = localOf(expr, ctx);
      // The policy then sits where the local is defined, possibly another file of the module.
      if (local)
        return policySource(
          local.attribute.expr,
          { ...ctx, localsInProgress: new Set(ctx.localsInProgress ?? []).add(local.name) },
          options,
        );
      return { kind: "unresolved", expression: normalise(textOf(expr)) };
    }
    case "call": {
      const [first] = expr.args;
      if (expr.name === "jsonencode" && first && expr.args.length === 1) {
        const node = valueOf(first, ctx, []);
        if (node.type === "unresolved") return { kind: "unresolved", expression: node.expression };
        return { kind: "node", node, file: expr.file.path };
      }
      if (expr.name === "file" || expr.name === "templatefile") return fileJson(expr, ctx, options);
      return { kind: "unresolved", expression: normalise(textOf(expr)) };
    }
    case "template": {
      const sole = soleInterpolation(expr);
      if (sole) return policySource(sole, ctx, options);
      return templateJson(expr, ctx);
    }
    default:
      return { kind: "unresolved", expression: normalise(textOf(expr)) };
  }
}

/** The address a principal attribute (`role = aws_iam_role.build.name`) names, as used in `attachedTo`. */
export function principalAddress(expr: HclExpr, type: string, ctx: EvalContext): string {
  if (expr.kind === "traversal" && expr.root === type) {
    const name = expr.steps[0];
    if (name?.kind === "attr") return `${type}.${name.name}`;
  }
  const literal = literalString(expr, ctx);
  if (literal !== undefined) {
    // A literal name may still be a principal of this module.
    for (const [address, block] of ctx.module.blocks) {
      if (block.type !== "resource" || block.labels[0] !== type) continue;
      const name = block.body.attributes.find((attribute) => attribute.name === "name");
      if (name && literalString(name.expr, ctx) === literal) return address;
    }
    return literal;
  }
  return normalise(textOf(expr));
}

/** `aws_iam_policy.<name>` when the expression is `aws_iam_policy.<name>.arn` (or `.id`). */
export function modulePolicyReference(expr: HclExpr): string | undefined {
  if (expr.kind !== "traversal" || expr.root !== "aws_iam_policy") return undefined;
  const steps = expr.steps.filter((step) => step.kind !== "index");
  const [name, attribute] = steps;
  if (name?.kind !== "attr" || attribute?.kind !== "attr" || (attribute.name !== "arn" && attribute.name !== "id")) return undefined;
  return name.name;
}

export function attributeOf(block: HclBlock, name: string): HclAttribute | undefined {
  return block.body.attributes.find((attribute) => attribute.name === name);
}

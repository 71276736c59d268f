/**
 * Terraform HCL parsing: tree-sitter (WASM) to a small plain syntax tree that the Terraform extractor evaluates.
 * The tree-sitter tree is converted and freed at once, so a module's files can be resolved against each other
 * without keeping WASM memory alive. Offsets are UTF-16 code units of the file text (web-tree-sitter reads JS
 * strings as UTF-16), so they index the JS string directly and convert to SARIF columns without byte arithmetic.
 */
import { createRequire } from "node:module";
import { Language, Parser } from "web-tree-sitter";
import type { Node } from "web-tree-sitter";
import type { Range } from "../types.ts";
import { MAX_NESTING, NestingTooDeepError } from "./positioned.ts";

/** One parsed `.tf` file. `lineStarts` holds the offset of every line start (lines end at `\n`). */
export interface HclFile {
  path: string;
  text: string;
  lineStarts: number[];
  body: HclBody;
}

export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

interface Span {
  file: HclFile;
  start: number;
  end: number;
}

export interface HclBlock extends Span {
  type: string;
  labels: string[];
  body: HclBody;
}

export interface HclAttribute extends Span {
  name: string;
  nameStart: number;
  nameEnd: number;
  expr: HclExpr;
}

export type TemplatePart =
  | { kind: "text"; start: number; end: number }
  /** `${...}`; `expr` is absent for an empty interpolation. */
  | { kind: "interpolation"; start: number; end: number; expr: HclExpr | undefined }
  /** `%{ if }`, `%{ for }`: kept opaque. */
  | { kind: "directive"; start: number; end: number };

export type TraversalStep = { kind: "attr"; name: string } | { kind: "index"; index: HclExpr | number } | { kind: "splat" };

export type HclExpr = Span &
  (
    | { kind: "number"; value: number }
    | { kind: "bool"; value: boolean }
    | { kind: "null" }
    /** A quoted string or heredoc. Text parts are raw source (escapes undecoded). */
    | { kind: "template"; heredoc: boolean; parts: TemplatePart[] }
    | { kind: "tuple"; items: HclExpr[] }
    | { kind: "object"; items: { key: HclExpr; value: HclExpr }[] }
    /** `var.x`, `data.aws_iam_policy_document.d.json`, `aws_iam_access_key.k[*].secret`. */
    | { kind: "traversal"; root: string; steps: TraversalStep[] }
    | { kind: "call"; name: string; args: HclExpr[] }
    | { kind: "paren"; inner: HclExpr }
    /** `condition ? then : otherwise` (issue #11: both branches are reviewed). */
    | { kind: "conditional"; condition: HclExpr; then: HclExpr; otherwise: HclExpr }
    /** `[for k, v in collection : body]` without an `if` (issue #11: evaluated over literal collections). */
    | { kind: "for"; keyVar?: string; valueVar: string; collection: HclExpr; body: HclExpr }
    /** `for` objects and filters, operations, traversals of computed values. */
    | { kind: "other" }
  );

/** The source text of a span. */
export function textOf(span: Span): string {
  return span.file.text.slice(span.start, span.end);
}

/** Offset → 1-based line and UTF-16 column. */
export function positionOf(file: HclFile, offset: number): { line: number; column: number } {
  const starts = file.lineStarts;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}

export function rangeOfOffsets(file: HclFile, start: number, end: number): Range {
  const a = positionOf(file, start);
  const b = positionOf(file, Math.max(start, end));
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

export function rangeOf(span: Span): Range {
  return rangeOfOffsets(span.file, span.start, span.end);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

let languagePromise: Promise<Language> | undefined;

/** Loads the WASM runtime and the Terraform grammar once per process. */
function terraformLanguage(): Promise<Language> {
  languagePromise ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve("@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm");
    return Language.load(wasm);
  })().catch((error: unknown) => {
    languagePromise = undefined;
    throw new Error("Could not load the Terraform grammar (web-tree-sitter); reinstall the dependencies.", { cause: error });
  });
  return languagePromise;
}

/** A parser for one extraction run; the caller must `delete()` it. */
export async function createHclParser(): Promise<Parser> {
  const language = await terraformLanguage();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/**
 * How much work tree-sitter may do on one file, counted in its progress reports (about 19 per KiB of ordinary
 * HCL; error recovery on garbage reports more): a count, not a time, so a file is parsed or refused the same way
 * on an idle and on a loaded machine (issue #12). A 512 KiB file of ordinary HCL takes about 10,000.
 */
export const MAX_PARSE_PROGRESS = 40_000;

export type HclParseResult =
  | {
      ok: true;
      file: HclFile;
      /** The first syntax error, if tree-sitter had to recover; blocks containing errors are left out of `body`. */
      syntaxError?: { range: Range; message: string };
    }
  | { ok: false; range: Range; message: string };

/** Parses one file. Never throws on bad input. */
export function parseHcl(parser: Parser, path: string, text: string): HclParseResult {
  const file: HclFile = { path, text, lineStarts: lineStartsOf(text), body: { attributes: [], blocks: [] } };
  let progress = 0;
  const tree = parser.parse(text, null, { progressCallback: () => ++progress > MAX_PARSE_PROGRESS });
  if (!tree) {
    return { ok: false, range: rangeOfOffsets(file, 0, 0), message: "it is too complex to parse within the parser's work limit" };
  }
  try {
    const root = tree.rootNode;
    const body = root.namedChildren.find((child) => child.type === "body");
    const converter = new Converter(file);
    if (body) file.body = converter.body(body, 0);
    if (!root.hasError) return { ok: true, file };
    return { ok: true, file, syntaxError: firstError(file, root) };
  } catch (error) {
    if (error instanceof NestingTooDeepError) return { ok: false, range: error.range, message: error.message };
    throw error;
  } finally {
    tree.delete();
  }
}

/** The first ERROR or MISSING node, walking down iteratively along the first child that has an error. */
function firstError(file: HclFile, root: Node): { range: Range; message: string } {
  let node = root;
  for (;;) {
    if (node.isError || node.isMissing) break;
    const next = node.children.find((child) => child.isError || child.isMissing || child.hasError);
    if (!next) break;
    node = next;
  }
  if (node.isMissing) {
    const where = rangeOfOffsets(file, node.startIndex, node.startIndex);
    return { range: { ...where, endColumn: where.column + 1 }, message: `Terraform syntax error: missing \`${node.type}\`` };
  }
  // Point at the first line of the erroneous text only, and quote a short excerpt of it.
  const lineEnd = file.text.indexOf("\n", node.startIndex);
  const end = Math.min(node.endIndex, lineEnd === -1 ? file.text.length : lineEnd);
  let near = file.text.slice(node.startIndex, end).trim();
  if (near === "") near = file.text.slice(node.startIndex, node.endIndex).trim().split("\n")[0] ?? "";
  near = near.replace(/[\p{Cc}`]/gu, " "); // binary garbage must not end up in a message
  if (near.length > 40) near = `${near.slice(0, 39)}…`;
  return {
    range: rangeOfOffsets(file, node.startIndex, Math.max(end, node.startIndex + 1)),
    message: `Terraform syntax error near \`${near}\``,
  };
}

/** Children that carry syntax (comments dropped). */
function syntaxChildren(node: Node): Node[] {
  return node.children.filter((child) => child.type !== "comment");
}

class Converter {
  private readonly file: HclFile;

  constructor(file: HclFile) {
    this.file = file;
  }

  private tooDeep(node: Node, depth: number): void {
    if (depth > MAX_NESTING) throw new NestingTooDeepError(rangeOfOffsets(this.file, node.startIndex, node.endIndex), MAX_NESTING);
  }

  body(node: Node, depth: number): HclBody {
    this.tooDeep(node, depth);
    const out: HclBody = { attributes: [], blocks: [] };
    for (const child of node.namedChildren) {
      // A construct tree-sitter had to repair is left out: guessing at its meaning could invent a policy.
      if (child.hasError) continue;
      if (child.type === "attribute") out.attributes.push(this.attribute(child, depth + 1));
      else if (child.type === "block") out.blocks.push(this.block(child, depth + 1));
    }
    return out;
  }

  private attribute(node: Node, depth: number): HclAttribute {
    const name = node.namedChildren.find((c) => c.type === "identifier")!;
    const value = node.namedChildren.find((c) => c.type === "expression")!;
    return {
      file: this.file,
      start: node.startIndex,
      end: node.endIndex,
      name: name.text,
      nameStart: name.startIndex,
      nameEnd: name.endIndex,
      expr: this.expression(value, depth + 1),
    };
  }

  private block(node: Node, depth: number): HclBlock {
    const labels: string[] = [];
    let type = "";
    let body: HclBody = { attributes: [], blocks: [] };
    for (const child of node.namedChildren) {
      if (child.type === "identifier") {
        if (type === "") type = child.text;
        else labels.push(child.text);
      } else if (child.type === "string_lit") {
        labels.push(child.namedChildren.find((c) => c.type === "template_literal")?.text ?? "");
      } else if (child.type === "body") {
        body = this.body(child, depth + 1);
      }
    }
    return { file: this.file, start: node.startIndex, end: node.endIndex, type, labels, body };
  }

  private span(node: Node): Span {
    return { file: this.file, start: node.startIndex, end: node.endIndex };
  }

  /** Converts an `expression` node or any of the term nodes it wraps. */
  expression(node: Node, depth: number): HclExpr {
    this.tooDeep(node, depth);
    const span = this.span(node);
    switch (node.type) {
      case "expression": {
        const parts = syntaxChildren(node);
        const first = parts[0];
        if (!first) return { ...span, kind: "other" };
        if (parts.length === 1) return { ...this.expression(first, depth + 1), ...span };
        if (first.type === "(" && parts.length === 3 && parts[1]!.type === "expression") {
          return { ...span, kind: "paren", inner: this.expression(parts[1]!, depth + 1) };
        }
        if (first.type === "variable_expr" && parts.slice(1).every((p) => TRAVERSAL_STEPS.has(p.type))) {
          const steps: TraversalStep[] = [];
          for (const part of parts.slice(1)) this.steps(part, steps, depth + 1);
          return { ...span, kind: "traversal", root: first.text, steps };
        }
        return { ...span, kind: "other" };
      }
      case "literal_value":
      case "collection_value":
      case "template_expr":
        return this.expression(node.namedChildren[0]!, depth + 1);
      case "numeric_lit": {
        const value = Number(node.text);
        return Number.isFinite(value) ? { ...span, kind: "number", value } : { ...span, kind: "other" };
      }
      case "bool_lit":
        return { ...span, kind: "bool", value: node.text === "true" };
      case "null_lit":
        return { ...span, kind: "null" };
      case "string_lit":
      case "quoted_template":
        return {
          ...span,
          kind: "template",
          heredoc: false,
          parts: this.templateParts(node, node.startIndex + 1, node.endIndex - 1, depth),
        };
      case "heredoc_template":
        return this.heredoc(node, depth);
      case "tuple":
        return {
          ...span,
          kind: "tuple",
          items: node.namedChildren.filter((c) => c.type === "expression").map((c) => this.expression(c, depth + 1)),
        };
      case "object":
        return {
          ...span,
          kind: "object",
          items: node.namedChildren
            .filter((c) => c.type === "object_elem")
            .map((elem) => ({
              key: this.expression(elem.childForFieldName("key")!, depth + 1),
              value: this.expression(elem.childForFieldName("val")!, depth + 1),
            })),
        };
      case "variable_expr":
        return { ...span, kind: "traversal", root: node.text, steps: [] };
      case "for_expr": {
        const tuple = node.namedChildren.find((c) => c.type === "for_tuple_expr");
        const intro = tuple?.namedChildren.find((c) => c.type === "for_intro");
        const body = tuple?.namedChildren.find((c) => c.type === "expression");
        const collection = intro?.namedChildren.find((c) => c.type === "expression");
        const names = intro?.namedChildren.filter((c) => c.type === "identifier").map((c) => c.text) ?? [];
        if (!tuple || !body || !collection || names.length === 0 || tuple.namedChildren.some((c) => c.type === "for_cond"))
          return { ...span, kind: "other" };
        const valueVar = names[names.length - 1]!;
        return {
          ...span,
          kind: "for",
          ...(names.length === 2 ? { keyVar: names[0]! } : {}),
          valueVar,
          collection: this.expression(collection, depth + 1),
          body: this.expression(body, depth + 1),
        };
      }
      case "conditional": {
        const [condition, then, otherwise] = node.namedChildren.filter((c) => c.type === "expression");
        if (!condition || !then || !otherwise) return { ...span, kind: "other" };
        return {
          ...span,
          kind: "conditional",
          condition: this.expression(condition, depth + 1),
          then: this.expression(then, depth + 1),
          otherwise: this.expression(otherwise, depth + 1),
        };
      }
      case "function_call": {
        const name = node.namedChildren.find((c) => c.type === "identifier")?.text ?? "";
        const args = node.namedChildren.find((c) => c.type === "function_arguments");
        return {
          ...span,
          kind: "call",
          name,
          args: (args?.namedChildren ?? []).filter((c) => c.type === "expression").map((c) => this.expression(c, depth + 1)),
        };
      }
      default:
        return { ...span, kind: "other" };
    }
  }

  private steps(node: Node, out: TraversalStep[], depth: number): void {
    this.tooDeep(node, depth);
    switch (node.type) {
      case "get_attr":
        out.push({ kind: "attr", name: node.namedChildren.find((c) => c.type === "identifier")?.text ?? "" });
        return;
      case "index": {
        const inner = node.namedChildren[0];
        if (inner?.type === "legacy_index") out.push({ kind: "index", index: Number(inner.text.slice(1)) });
        else if (inner) out.push({ kind: "index", index: this.expression(inner.namedChildren[0]!, depth + 1) });
        return;
      }
      case "splat": {
        out.push({ kind: "splat" });
        for (const child of node.namedChildren[0]?.namedChildren ?? []) this.steps(child, out, depth + 1);
        return;
      }
    }
  }

  /** Template parts between `start` and `end`: interpolations and directives from the tree, text in the gaps. */
  private templateParts(node: Node, start: number, end: number, depth: number): TemplatePart[] {
    const parts: TemplatePart[] = [];
    let cursor = start;
    for (const child of node.namedChildren) {
      if (child.type !== "template_interpolation" && child.type !== "template_directive") continue;
      if (child.startIndex > cursor) parts.push({ kind: "text", start: cursor, end: child.startIndex });
      if (child.type === "template_interpolation") {
        const inner = child.namedChildren.find((c) => c.type === "expression");
        parts.push({
          kind: "interpolation",
          start: child.startIndex,
          end: child.endIndex,
          expr: inner ? this.expression(inner, depth + 1) : undefined,
        });
      } else {
        parts.push({ kind: "directive", start: child.startIndex, end: child.endIndex });
      }
      cursor = child.endIndex;
    }
    if (end > cursor) parts.push({ kind: "text", start: cursor, end });
    return parts;
  }

  private heredoc(node: Node, depth: number): HclExpr {
    const identifiers = node.namedChildren.filter((c) => c.type === "heredoc_identifier");
    const open = identifiers[0];
    const close = identifiers[identifiers.length - 1];
    const text = this.file.text;
    if (!open || !close || open === close) return { ...this.span(node), kind: "other" };
    // The content starts on the line after `<<EOF` and ends before the line holding the closing identifier.
    const newline = text.indexOf("\n", open.endIndex);
    const start = newline === -1 || newline > close.startIndex ? close.startIndex : newline + 1;
    const end = Math.max(start, text.lastIndexOf("\n", close.startIndex - 1) + 1);
    return { ...this.span(node), kind: "template", heredoc: true, parts: this.templateParts(node, start, end, depth) };
  }
}

const TRAVERSAL_STEPS = new Set(["get_attr", "index", "splat"]);

/**
 * YAML CloudFormation templates → positioned nodes (`PNode`). Short-form tags become their long form
 * (`!Ref X` → `{ "Ref": "X" }`) so that YAML and JSON templates look alike to the extractor.
 */
import { reindentContinuation } from "./yaml-reindent.ts";
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser } from "yaml";
import type { CollectionTag, ScalarTag } from "yaml";
import { lookupTable } from "./own.ts";
import type { Document, Node as YamlNode, Scalar } from "yaml";
import type { Range } from "../types.ts";
import type { ParseResult } from "./json.ts";
import { excessiveNesting, MAX_BRACKET_DEPTH } from "./limits.ts";
import { MAX_NESTING, NestingTooDeepError, type PEntry, type PNode } from "./positioned.ts";

/** Short-form tag → long-form key. */
const SHORT_TAGS = lookupTable<string>({
  "!Ref": "Ref",
  "!Condition": "Condition",
  "!GetAtt": "Fn::GetAtt",
  "!Sub": "Fn::Sub",
  "!Join": "Fn::Join",
  "!If": "Fn::If",
  "!Select": "Fn::Select",
  "!Split": "Fn::Split",
  "!FindInMap": "Fn::FindInMap",
  "!ImportValue": "Fn::ImportValue",
  "!Base64": "Fn::Base64",
  "!Equals": "Fn::Equals",
  "!And": "Fn::And",
  "!Or": "Fn::Or",
  "!Not": "Fn::Not",
  "!Cidr": "Fn::Cidr",
  "!GetAZs": "Fn::GetAZs",
  "!Transform": "Fn::Transform",
  "!Length": "Fn::Length",
  "!ToJsonString": "Fn::ToJsonString",
  "!ForEach": "Fn::ForEach",
});

/**
 * The short tags registered with the parser, for scalars, sequences and mappings, so it knows them: an unknown
 * tag costs a warning object (with a stack trace) per use, which was a third of the time spent on templates.
 * Values are kept as parsed; `convert` turns tagged nodes into their long form.
 */
const CUSTOM_TAGS: Array<ScalarTag | CollectionTag> = Object.keys(SHORT_TAGS).flatMap((tag): Array<ScalarTag | CollectionTag> => [
  { tag, resolve: (value: string) => value },
  { tag, collection: "seq", resolve: (value) => value },
  { tag, collection: "map", resolve: (value) => value },
]);

/**
 * Alias expansions allowed per file. CloudFormation has no use for aliases; the budget keeps a "billion laughs"
 * file from expanding into billions of nodes.
 */
export const MAX_YAML_ALIASES = 1000;
/** Nodes that alias expansion may add per file, for the same reason. */
const MAX_ALIAS_NODES = 100_000;

/** Input the converter refuses (alias budget, duplicate keys); becomes `{ ok: false }`. */
class YamlInputError extends Error {
  readonly range: Range;
  constructor(range: Range, message: string) {
    super(message);
    this.name = "YamlInputError";
    this.range = range;
  }
}

/**
 * Finds block nesting (indentation levels plus compact `- - -` indicators on one line) deeper than `limit`.
 * The `yaml` package overflows its stack, or runs out of memory, on a few thousand compact levels, which
 * `excessiveNesting` (flow brackets only) does not see.
 */
function excessiveBlockNesting(text: string, limit = MAX_BRACKET_DEPTH): Range | undefined {
  const indents: number[] = [];
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    line++;
    let i = start;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const ch = text[i];
    if (i < end && ch !== "#" && ch !== "\r") {
      const indent = i - start;
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      let depth = indents.length;
      while (depth <= limit && i < end && "-?:".includes(text[i]!) && (i + 1 === end || text[i + 1] === " ")) {
        depth++;
        if (depth <= limit) i++;
        while (depth <= limit && i < end && text.charCodeAt(i) === 32) i++;
      }
      if (depth > limit) {
        const column = i - start + 1;
        return { line, column, endLine: line, endColumn: column + 1 };
      }
    }
    start = end + 1;
  }
  return undefined;
}

interface Converter {
  text: string;
  lines: LineCounter;
  anchors: Map<string, YamlNode>;
  /** > 0 while converting the target of an alias (anchors found there are not registered again). */
  expanding: number;
  aliases: number;
  aliasNodes: number;
  ends: Map<YamlNode, number>;
  /** Problems the conversion survived (a repeated key: the last value wins, as in CloudFormation). */
  warnings: Array<{ range: Range; message: string; severity: "warning" | "note" }>;
}

function positionOf(c: Converter, offset: number): { line: number; column: number } {
  const { line, col } = c.lines.linePos(offset);
  return line === 0 ? { line: 1, column: offset + 1 } : { line, column: col };
}

function rangeOf(c: Converter, start: number, end: number): Range {
  const from = positionOf(c, start);
  const to = positionOf(c, Math.max(start, end));
  return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
}

function isWhitespace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
}

/** Offset just after the last character of a node's value (block collections and block scalars exclude trailing newlines). */
function endOf(c: Converter, node: YamlNode | null | undefined, fallback: number): number {
  if (!node) return fallback;
  const known = c.ends.get(node);
  if (known !== undefined) return known;
  const range = node.range ?? [fallback, fallback, fallback];
  let end = range[1];
  if (isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED")) {
    while (end > range[0] + 1 && isWhitespace(c.text[end - 1])) end--;
  } else if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    if (isPair(last)) {
      const keyEnd = endOf(c, last.key as YamlNode | null, range[0]);
      end = Math.max(keyEnd, endOf(c, last.value as YamlNode | null, keyEnd));
    } else {
      end = endOf(c, last as YamlNode, range[0]);
    }
  }
  c.ends.set(node, end);
  return end;
}

/** Start offset of the tag written before a value (skipping an anchor), or undefined if it cannot be found. */
function tagStart(text: string, valueStart: number, tag: string): number | undefined {
  let i = valueStart;
  for (let attempt = 0; attempt < 3; attempt++) {
    while (i > 0 && isWhitespace(text[i - 1])) i--;
    let j = i;
    while (j > 0 && !isWhitespace(text[j - 1]) && !"[{,".includes(text[j - 1]!)) j--;
    const word = text.slice(j, i);
    if (word === tag) return j;
    if (!word.startsWith("&")) return undefined;
    i = j;
  }
  return undefined;
}

const NULL_PLAIN = /^(?:~|null|Null|NULL)?$/;
const TRUE_PLAIN = /^(?:true|True|TRUE)$/;
const FALSE_PLAIN = /^(?:false|False|FALSE)$/;
const CORE_TAG = "tag:yaml.org,2002:";

/**
 * Scalar typing: plain scalars stay strings unless they are YAML 1.2 nulls or booleans. CloudFormation passes
 * `Version: 2012-10-17` and account ids such as `123456789012` on as strings, and a policy is never harmed by
 * reading a number as its source text.
 */
function convertScalar(c: Converter, node: Scalar, range: Range): PNode {
  if (node.tag?.startsWith(CORE_TAG)) {
    const value: unknown = node.value;
    if (value === null) return { type: "null", range };
    if (typeof value === "boolean") return { type: "boolean", value, range };
    if (typeof value === "number" && Number.isFinite(value)) return { type: "number", value, range };
    return { type: "string", value: typeof value === "string" ? value : String(node.source ?? ""), range };
  }
  const source = String(node.source ?? "");
  if (node.type === "PLAIN" || node.type === undefined) {
    if (NULL_PLAIN.test(source)) return { type: "null", range };
    if (TRUE_PLAIN.test(source)) return { type: "boolean", value: true, range };
    if (FALSE_PLAIN.test(source)) return { type: "boolean", value: false, range };
    return { type: "string", value: source, range };
  }
  return { type: "string", value: typeof node.value === "string" ? node.value : source, range };
}

function keyText(c: Converter, key: unknown): string {
  if (key === null || key === undefined) return "";
  if (isScalar(key)) {
    if (key.type === "PLAIN" || key.type === undefined) return String(key.source ?? key.value ?? "");
    return typeof key.value === "string" ? key.value : String(key.source ?? "");
  }
  if (isAlias(key)) return `*${key.source}`;
  const node = key as YamlNode;
  if (node.range) return c.text.slice(node.range[0], endOf(c, node, node.range[1]));
  return "";
}

function convert(c: Converter, node: YamlNode | null | undefined, depth: number, fallback: number): PNode {
  const start = node?.range?.[0] ?? fallback;
  const range = rangeOf(c, start, endOf(c, node, start));
  if (depth > MAX_NESTING) throw new NestingTooDeepError(range, MAX_NESTING);
  if (c.expanding > 0 && ++c.aliasNodes > MAX_ALIAS_NODES) throw new YamlInputError(range, "too many YAML aliases");
  if (!node) return { type: "null", range };

  if (isAlias(node)) {
    if (++c.aliases > MAX_YAML_ALIASES) throw new YamlInputError(range, "too many YAML aliases");
    const target = c.anchors.get(node.source);
    if (!target) return { type: "null", range };
    c.expanding++;
    try {
      return convert(c, target, depth + 1, start);
    } finally {
      c.expanding--;
    }
  }
  if (node.anchor && c.expanding === 0) c.anchors.set(node.anchor, node);

  let value: PNode;
  if (isMap(node)) {
    const entries: PEntry[] = [];
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const keyStart = keyNode?.range?.[0] ?? (pair.value as YamlNode | null)?.range?.[0] ?? start;
      const keyRange = rangeOf(c, keyStart, endOf(c, keyNode, keyStart));
      const key = keyText(c, keyNode);
      if (keyNode && isAlias(keyNode) && ++c.aliases > MAX_YAML_ALIASES) throw new YamlInputError(keyRange, "too many YAML aliases");
      const keyEnd = endOf(c, keyNode, keyStart);
      const entry = { key, keyRange, value: convert(c, pair.value as YamlNode | null, depth + 1, keyEnd) };
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        // CloudFormation (like most YAML loaders) keeps the last value of a repeated key (issue #10): analyse
        // that, and say which value is ignored rather than refusing the whole template.
        const first = entries[earlier]!;
        // A warning when the ignored value holds a policy (a review would miss it), a note otherwise (issue #10).
        const holdsPolicy = mentionsStatement(first.value, 0);
        c.warnings.push({
          range: keyRange,
          severity: holdsPolicy ? "warning" : "note",
          message: `The key "${key.slice(0, 60)}" is given twice in one mapping; CloudFormation uses this one and ignores the value at line ${first.keyRange.line}, which was not analysed${holdsPolicy ? " (it holds a policy statement)" : ""}.`,
        });
        entries[earlier] = entry;
        continue;
      }
      seen.set(key, entries.length);
      entries.push(entry);
    }
    value = { type: "object", entries, range };
  } else if (isSeq(node)) {
    value = { type: "array", items: node.items.map((item) => convert(c, item as YamlNode | null, depth + 1, start)), range };
  } else if (isScalar(node)) {
    value = convertScalar(c, node, range);
  } else {
    value = { type: "null", range };
  }

  const longForm = node.tag !== undefined ? SHORT_TAGS[node.tag] : undefined;
  if (longForm === undefined) return value;
  const tagAt = tagStart(c.text, start, node.tag!);
  const keyRange = tagAt === undefined ? rangeOf(c, start, start) : rangeOf(c, tagAt, tagAt + node.tag!.length);
  const wholeRange = tagAt === undefined ? range : rangeOf(c, tagAt, endOf(c, node, start));
  if (longForm === "Fn::GetAtt" && value.type === "string") value = splitGetAtt(c, node as Scalar, value);
  return { type: "object", range: wholeRange, entries: [{ key: longForm, keyRange, value }] };
}

/** `!GetAtt Role.Arn` → `["Role", "Arn"]`, with each part's own position when the scalar is plain. */
function splitGetAtt(c: Converter, node: Scalar, value: PNode & { type: "string" }): PNode {
  const dot = value.value.indexOf(".");
  if (dot === -1) return { type: "array", items: [value], range: value.range };
  const plain = node.type === "PLAIN" && node.range && value.range.line === value.range.endLine;
  const at = node.range?.[0] ?? 0;
  const leftRange = plain ? rangeOf(c, at, at + dot) : value.range;
  const rightRange = plain ? rangeOf(c, at + dot + 1, at + value.value.length) : value.range;
  return {
    type: "array",
    range: value.range,
    items: [
      { type: "string", value: value.value.slice(0, dot), range: leftRange },
      { type: "string", value: value.value.slice(dot + 1), range: rightRange },
    ],
  };
}

/** Whether a converted value holds a policy statement (a `Statement` key), looked for a few levels deep. */
function mentionsStatement(node: PNode, depth: number): boolean {
  if (depth > 12) return false;
  if (node.type === "object") return node.entries.some((e) => e.key === "Statement" || mentionsStatement(e.value, depth + 1));
  if (node.type === "array") return node.items.some((item) => mentionsStatement(item, depth + 1));
  return false;
}

/** Under-indented scalars or collections repaired per file (each repair parses the file again). */
const MAX_REINDENTS = 8;

/**
 * Parses YAML into positioned nodes. Short-form CloudFormation tags become their long form as a one-entry object
 * whose range spans tag and value and whose key range is the tag; unknown tags are ignored. Only the first
 * document of a multi-document file is read. Aliases are expanded with a budget (`MAX_YAML_ALIASES`).
 * Never throws on bad input: syntax errors, absurd nesting and alias bombs come back as `{ ok: false }`.
 */
export function parseYaml(text: string, repairs = MAX_REINDENTS): ParseResult {
  const deep = excessiveNesting(text) ?? excessiveBlockNesting(text);
  if (deep) return { ok: false, range: deep, message: `nesting is deeper than ${MAX_BRACKET_DEPTH} levels` };

  const lines = new LineCounter();
  const c: Converter = { text, lines, anchors: new Map(), expanding: 0, aliases: 0, aliasNodes: 0, ends: new Map(), warnings: [] };
  let doc: Document.Parsed | undefined;
  try {
    // uniqueKeys is checked here with a Set: the package's own check is quadratic in the number of keys.
    const composer = new Composer({ uniqueKeys: false, keepSourceTokens: false, customTags: CUSTOM_TAGS });
    for (const parsed of composer.compose(new Parser(lines.addNewLine).parse(text), true, text.length)) {
      doc = parsed;
      break;
    }
  } catch (error) {
    // The package reports stack exhaustion as an error; anything else it throws is still about this input.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, range: rangeOf(c, 0, 0), message: `the YAML parser failed: ${message}` };
  }
  if (!doc) return { ok: true, node: { type: "null", range: rangeOf(c, 0, 0) } };
  const error = doc.errors[0];
  // What PyYAML accepts and YAML 1.2 does not (continuation lines under their key): repair and parse again.
  const repaired = error && repairs > 0 ? reindentContinuation(text, error.message, error.pos[0]) : undefined;
  if (repaired !== undefined) return parseYaml(repaired, repairs - 1);
  if (error) {
    const [from, to] = error.pos;
    return { ok: false, range: rangeOf(c, from, Math.max(to, from + 1)), message: error.message };
  }
  try {
    const node = convert(c, doc.contents as YamlNode | null, 0, 0);
    return c.warnings.length > 0 ? { ok: true, node, warnings: c.warnings } : { ok: true, node };
  } catch (failure) {
    if (failure instanceof NestingTooDeepError || failure instanceof YamlInputError) {
      return { ok: false, range: failure.range, message: failure.message };
    }
    if (failure instanceof RangeError) return { ok: false, range: rangeOf(c, 0, 0), message: "the YAML is nested too deeply to read" };
    throw failure;
  }
}

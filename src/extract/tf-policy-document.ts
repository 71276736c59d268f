/**
 * `data "aws_iam_policy_document"`: synthesises the IAM JSON the AWS provider would render, with the position of
 * every statement (its block) and every value (its literal), and merges `source_policy_documents` /
 * `override_policy_documents` the way the provider does.
 */
import type { Range } from "../types.ts";
import { member, type PEntry, type PNode } from "./positioned.ts";
import { placeholderToken, shortExpression } from "./placeholder.ts";
import { rangeOf, rangeOfOffsets, type HclAttribute, type HclBlock, type HclExpr } from "./tf-hcl.ts";
import {
  attributeOf,
  literalString,
  missingWhy,
  policySource,
  valueOf,
  type EvalContext,
  type PolicyPath,
  type PolicySource,
  type ReadOptions,
} from "./tf-eval.ts";

/** A statement of a (merged) document and the file its positions belong to. */
interface StatementEntry {
  sid: string | undefined;
  node: PNode;
  file: string;
}

/** A part of the document that could not be merged, for an `unparsed-input` note. */
export interface MergeProblem {
  range: Range;
  file: string;
  /** Completes "part of the policy ... was not analysed: " */
  reason: string;
}

interface Evaluated {
  statements: StatementEntry[];
}

const DEFAULT_VERSION = "2012-10-17";

/** Blocks of `type` in source order, with `dynamic "type" { content {...} }` standing in as one block. */
function blocksOf(block: HclBlock, type: string): { block: HclBlock; outer: HclBlock }[] {
  const out: { block: HclBlock; outer: HclBlock }[] = [];
  for (const child of block.body.blocks) {
    if (child.type === type && child.labels.length === 0) out.push({ block: child, outer: child });
    if (child.type === "dynamic" && child.labels[0] === type) {
      const content = child.body.blocks.find((inner) => inner.type === "content");
      if (content) out.push({ block: content, outer: child });
    }
  }
  return out;
}

/**
 * Whether a nested block is known to exist: a plain block does; a `dynamic` block inside a statement only when
 * its `for_each` is a known, non-empty collection. Generic modules write `dynamic "principals" { for_each =
 * try(statement.value.principals, []) }`: including such blocks would invent a Principal (or NotPrincipal, or a
 * condition) in every document made with the module, and with it findings about elements that are not there.
 */
function mayExist(outer: HclBlock, ctx: EvalContext): boolean {
  if (outer.type !== "dynamic") return true;
  const forEach = attributeOf(outer, "for_each");
  if (isNull(forEach)) return false;
  const value = valueOf(forEach!.expr, ctx, []);
  if (value.type === "array") return value.items.length > 0;
  if (value.type === "object") return value.entries.length > 0;
  return false;
}

function keywordRange(block: HclBlock): Range {
  return rangeOfOffsets(block.file, block.start, block.start + block.type.length);
}

function spanRange(blocks: readonly HclBlock[]): Range {
  const first = blocks[0]!;
  const last = blocks[blocks.length - 1]!;
  return rangeOfOffsets(first.file, first.start, last.end);
}

/** The provider renders every list and condition value as a string. */
function asString(node: PNode): PNode {
  if (node.type === "number" || node.type === "boolean") return { type: "string", value: String(node.value), range: node.range };
  if (node.type === "array") return { ...node, items: node.items.map(asString) };
  return node;
}

function isNull(attribute: HclAttribute | undefined): boolean {
  return !attribute || attribute.expr.kind === "null";
}

function entry(key: string, attribute: HclAttribute, value: PNode): PEntry {
  return { key, keyRange: rangeOfOffsets(attribute.file, attribute.nameStart, attribute.nameEnd), value };
}

/** Lists built by `mergeValues`, which later merges append to in place. */
const mergedLists = new WeakSet<PNode>();

/**
 * Appends `value` to a merged list: several `principals` blocks of one type or conditions on one key. A list it
 * built before grows in place (copying it per block made 20,000 `principals` blocks quadratic, issue #12).
 */
function mergeValues(existing: PNode, value: PNode): PNode {
  const added = value.type === "array" ? value.items : [value];
  if (existing.type === "array" && mergedLists.has(existing)) {
    for (const item of added) existing.items.push(item);
    return existing;
  }
  const merged: PNode = { type: "array", range: existing.range, items: [...(existing.type === "array" ? existing.items : [existing])] };
  for (const item of added) merged.items.push(item);
  mergedLists.add(merged);
  return merged;
}

function principals(statement: HclBlock, type: string, key: string, ctx: EvalContext, base: PolicyPath): PEntry | undefined {
  const blocks = blocksOf(statement, type).filter((b) => mayExist(b.outer, ctx));
  if (blocks.length === 0) return undefined;
  const groups: PEntry[] = [];
  const groupOf = new Map<string, PEntry>();
  for (const { block } of blocks) {
    const typeAttribute = attributeOf(block, "type");
    const identifiers = attributeOf(block, "identifiers");
    if (!typeAttribute || isNull(identifiers)) continue;
    const principalType = keyOf(typeAttribute.expr, ctx);
    const value = asString(valueOf(identifiers!.expr, ctx, [...base, key, principalType]));
    const existing = groupOf.get(principalType);
    if (existing) existing.value = mergeValues(existing.value, value);
    else {
      const group = { key: principalType, keyRange: rangeOf(typeAttribute.expr), value };
      groups.push(group);
      groupOf.set(principalType, group);
    }
  }
  if (groups.length === 0) return undefined;
  const keyRange = keywordRange(blocks[0]!.outer);
  const only = groups[0]!;
  if (groups.length === 1 && only.key === "*") {
    // type "*" with identifiers ["*"] is rendered as "Principal": "*".
    const star = only.value.type === "array" && only.value.items.length === 1 ? only.value.items[0]! : only.value;
    if (star.type === "string" && star.value === "*") return { key, keyRange, value: star };
  }
  return { key, keyRange, value: { type: "object", range: spanRange(blocks.map((b) => b.outer)), entries: groups } };
}

function conditions(statement: HclBlock, ctx: EvalContext, base: PolicyPath): PEntry | undefined {
  const blocks = blocksOf(statement, "condition").filter((b) => mayExist(b.outer, ctx));
  const tests: { entry: PEntry; blocks: HclBlock[]; variables: Map<string, PEntry> }[] = [];
  const testOf = new Map<string, (typeof tests)[number]>();
  for (const { block, outer } of blocks) {
    const test = attributeOf(block, "test");
    const variable = attributeOf(block, "variable");
    const values = attributeOf(block, "values");
    if (!test || !variable || isNull(values)) continue;
    const testKey = keyOf(test.expr, ctx);
    const variableKey = keyOf(variable.expr, ctx);
    const value = asString(valueOf(values!.expr, ctx, [...base, "Condition", testKey, variableKey]));
    let group = testOf.get(testKey);
    if (!group) {
      group = {
        entry: { key: testKey, keyRange: rangeOf(test.expr), value: { type: "object", range: rangeOf(outer), entries: [] } },
        blocks: [],
        variables: new Map(),
      };
      tests.push(group);
      testOf.set(testKey, group);
    }
    group.blocks.push(outer);
    const object = group.entry.value as PNode & { type: "object" };
    const existing = group.variables.get(variableKey);
    if (existing) existing.value = mergeValues(existing.value, value);
    else {
      const variableEntry = { key: variableKey, keyRange: rangeOf(variable.expr), value };
      object.entries.push(variableEntry);
      group.variables.set(variableKey, variableEntry);
    }
  }
  if (tests.length === 0) return undefined;
  // Each test's range spans its blocks, computed once at the end (not per block).
  for (const group of tests) (group.entry.value as PNode & { type: "object" }).range = spanRange(group.blocks);
  return {
    key: "Condition",
    keyRange: keywordRange(blocks[0]!.outer),
    value: { type: "object", range: spanRange(blocks.map((b) => b.outer)), entries: tests.map((t) => t.entry) },
  };
}

function keyOf(expr: HclExpr, ctx: EvalContext): string {
  const node = valueOf(expr, ctx, []);
  if (node.type === "string") return node.value;
  return (
    literalString(expr, ctx) ?? placeholderToken(node.type === "unresolved" ? node.expression : expr.file.text.slice(expr.start, expr.end))
  );
}

const LISTS: readonly [string, string][] = [
  ["actions", "Action"],
  ["not_actions", "NotAction"],
  ["resources", "Resource"],
  ["not_resources", "NotResource"],
];

/** One `statement` block (or the content of a `dynamic "statement"`) as a statement object. */
function statementNode(block: HclBlock, outer: HclBlock, index: number, ctx: EvalContext): { node: PNode; sid: string | undefined } {
  const base: PolicyPath = ["Statement", index];
  const range = rangeOf(outer);
  const entries: PEntry[] = [];
  let sid: string | undefined;
  const sidAttribute = attributeOf(block, "sid");
  if (!isNull(sidAttribute)) {
    const value = asString(valueOf(sidAttribute!.expr, ctx, [...base, "Sid"]));
    if (value.type === "string" && !value.unresolved) sid = value.value;
    entries.push(entry("Sid", sidAttribute!, value));
  }
  const effect = attributeOf(block, "effect");
  if (!isNull(effect)) entries.push(entry("Effect", effect!, valueOf(effect!.expr, ctx, [...base, "Effect"])));
  else entries.push({ key: "Effect", keyRange: keywordRange(outer), value: { type: "string", value: "Allow", range } });
  for (const [attributeName, key] of LISTS) {
    const attribute = attributeOf(block, attributeName);
    if (isNull(attribute)) continue;
    const value = asString(valueOf(attribute!.expr, ctx, [...base, key]));
    // In a generic module's `dynamic "statement"`, `actions = statement.value.actions` and `not_actions =
    // statement.value.not_actions` are both written and one of them is null at plan time. Both unresolved:
    // keep the positive element only, rather than invent a statement AWS would reject.
    const positive = key.startsWith("Not") ? entries.find((e) => e.key === key.slice(3)) : undefined;
    if (outer.type === "dynamic" && value.type === "unresolved" && positive?.value.type === "unresolved") continue;
    entries.push(entry(key, attribute!, value));
  }
  const principal = principals(block, "principals", "Principal", ctx, base);
  if (principal) entries.push(principal);
  const notPrincipal = principals(block, "not_principals", "NotPrincipal", ctx, base);
  if (notPrincipal) entries.push(notPrincipal);
  const condition = conditions(block, ctx, base);
  if (condition) entries.push(condition);
  return { node: { type: "object", range, entries }, sid };
}

function sidOf(statement: PNode): string | undefined {
  const sid = member(statement, "Sid")?.value;
  return sid?.type === "string" && !sid.unresolved ? sid.value : undefined;
}

/** The provider's `Merge`: statements with a Sid already present replace it in place, others are appended. */
function merge(into: Evaluated, from: Evaluated): void {
  for (const statement of from.statements) {
    const at = statement.sid === undefined ? -1 : into.statements.findIndex((s) => s.sid === statement.sid);
    if (at === -1) into.statements.push(statement);
    else into.statements[at] = statement;
  }
}

/** Evaluates policy documents of one module, memoised, with cycles cut. */
export class PolicyDocuments {
  private readonly ctx: EvalContext;
  private readonly options: ReadOptions;
  private readonly done = new Map<string, Evaluated>();
  private readonly inProgress = new Set<string>();
  readonly problems = new Map<string, MergeProblem[]>();

  constructor(ctx: EvalContext, options: ReadOptions) {
    this.ctx = { ...ctx, policyVariables: true };
    this.options = options;
  }

  /** The rendered document of `data.aws_iam_policy_document.<name>`, with statements merged in from other files left out. */
  document(name: string): PNode {
    const block = this.ctx.module.documents.get(name)!;
    const evaluated = this.evaluate(name);
    const file = block.file.path;
    const own = blocksOf(block, "statement").map((b) => b.outer);
    // Version and Id come from this block only (the provider lets merged documents upgrade them, which only
    // matters for the 2008 language version); their positions must be in this file.
    const version = attributeOf(block, "version");
    const entries: PEntry[] = [
      isNull(version)
        ? { key: "Version", keyRange: keywordRange(block), value: { type: "string", value: DEFAULT_VERSION, range: rangeOf(block) } }
        : entry("Version", version!, valueOf(version!.expr, this.ctx, ["Version"])),
    ];
    const id = attributeOf(block, "policy_id");
    if (!isNull(id)) entries.push(entry("Id", id!, valueOf(id!.expr, this.ctx, ["Id"])));
    entries.push({
      key: "Statement",
      keyRange: own.length > 0 ? keywordRange(own[0]!) : keywordRange(block),
      value: {
        type: "array",
        range: own.length > 0 ? spanRange(own) : rangeOf(block),
        items: evaluated.statements.filter((s) => s.file === file).map((s) => s.node),
      },
    });
    return { type: "object", range: rangeOf(block), entries };
  }

  private evaluate(name: string): Evaluated {
    const cached = this.done.get(name);
    if (cached) return cached;
    const block = this.ctx.module.documents.get(name);
    if (!block || this.inProgress.has(name)) return { statements: [] };
    this.inProgress.add(name);
    const merged: Evaluated = { statements: [] };
    for (const source of this.listed(block, "source_policy_documents", name)) merge(merged, source);
    merge(merged, this.own(block));
    for (const override of this.listed(block, "override_policy_documents", name)) merge(merged, override);
    this.inProgress.delete(name);
    this.done.set(name, merged);
    return merged;
  }

  private own(block: HclBlock): Evaluated {
    const ctx = this.ctx;
    return {
      statements: blocksOf(block, "statement").map(({ block: statement, outer }, index) => {
        const { node, sid } = statementNode(statement, outer, index, ctx);
        return { node, sid, file: block.file.path };
      }),
    };
  }

  /** The documents listed in `source_policy_documents` or `override_policy_documents`. */
  private listed(block: HclBlock, attributeName: string, name: string): Evaluated[] {
    const attribute = attributeOf(block, attributeName);
    if (isNull(attribute)) return [];
    const list = attribute!.expr;
    const items = list.kind === "tuple" ? list.items : [list];
    const out: Evaluated[] = [];
    for (const item of items) {
      const source = policySource(item, { ...this.ctx, policyVariables: false }, this.options);
      if (source.kind === "document") {
        out.push(this.evaluate(source.name));
      } else if (source.kind === "node") {
        out.push({ statements: statementsIn(source.node, source.file) });
      } else {
        const problems = this.problems.get(name) ?? [];
        problems.push({ range: rangeOf(item), file: block.file.path, reason: problemReason(source) });
        this.problems.set(name, problems);
      }
    }
    return out;
  }
}

function problemReason(source: PolicySource): string {
  switch (source.kind) {
    case "invalid":
      return `it is not valid JSON (${source.message})`;
    case "missing-file":
      return `it comes from file ${source.path} which ${missingWhy(source)}`;
    case "unresolved":
      return `it comes from ${shortExpression(source.expression)}${source.reason ? `, ${source.reason}` : ""}`;
    default:
      return "it could not be resolved";
  }
}

function statementsIn(node: PNode, file: string): StatementEntry[] {
  const statement = member(node, "Statement")?.value;
  const items = statement?.type === "array" ? statement.items : statement ? [statement] : [];
  return items.map((item) => ({ node: item, sid: sidOf(item), file }));
}

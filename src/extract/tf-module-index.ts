/**
 * The index of one Terraform module (a directory): its locals, policy documents and blocks by address, with a
 * warning for an address defined twice (issue #11), and the parsing of its files. Used by the extractor in
 * terraform.ts.
 */
import type { ExtractResult, SourceFile } from "../types.ts";
import { inputFinding, WHOLE_FILE } from "../findings.ts";
import {
  createHclParser,
  parseHcl,
  rangeOf,
  rangeOfOffsets,
  type HclAttribute,
  type HclBlock,
  type HclExpr,
  type HclFile,
} from "./tf-hcl.ts";
import { excessiveNesting, MAX_BRACKET_DEPTH, MAX_TERRAFORM_FILE_BYTES } from "./limits.ts";
import { attributeOf, type ModuleIndex } from "./tf-eval.ts";
export function indexModule(files: HclFile[], dir: string, result: ExtractResult): ModuleIndex {
  const module: ModuleIndex = { dir, files, locals: new Map(), documents: new Map(), blocks: new Map() };
  /** Terraform rejects a module that defines an address twice: said on the later block; both are read (ModuleExtractor.run). */
  const define = (address: string, block: HclBlock): void => {
    const earlier = module.blocks.get(address);
    if (earlier) {
      const at = rangeOf(earlier);
      const message = `${address} is defined twice (also at ${earlier.file.path}:${at.line}), which Terraform rejects; both definitions were analysed.`;
      result.findings.push(
        inputFinding(
          block.file.path,
          rangeOfOffsets(block.file, block.start, block.start + block.type.length),
          "warning",
          message,
          `${address} duplicate`,
        ),
      );
    }
    module.blocks.set(address, block);
  };
  const variables = new Map<string, HclAttribute>();
  const tfvars = new Map<string, HclAttribute>();
  for (const file of files) {
    // `terraform.tfvars` and `*.auto.tfvars`, which Terraform loads by itself, set variables (later files win).
    if (/(^|\/)(terraform\.tfvars|[^/]*\.auto\.tfvars)$/.test(file.path))
      for (const attribute of file.body.attributes) tfvars.set(attribute.name, attribute);
    for (const block of file.body.blocks) {
      const [type, name] = block.labels;
      if (block.type === "variable" && type !== undefined) {
        const fallback = attributeOf(block, "default");
        // An empty default ("" or null) means "not set": the value stays unresolved, as a CloudFormation parameter
        // with an empty default does, instead of becoming an empty policy (issue #10).
        const empty =
          fallback && (fallback.expr.kind === "null" || (fallback.expr.kind === "template" && fallback.expr.parts.length === 0));
        if (fallback && !empty) variables.set(type, fallback);
      }
      if (block.type === "locals") {
        for (const attribute of block.body.attributes) module.locals.set(attribute.name, attribute);
      } else if (block.type === "data" && type && name !== undefined) {
        define(`data.${type}.${name}`, block);
        if (type === "aws_iam_policy_document") module.documents.set(name, block);
      } else if (block.type === "resource" && type && name !== undefined) {
        define(`${type}.${name}`, block);
      }
    }
  }
  for (const [name, attribute] of tfvars) variables.set(name, attribute);
  module.variables = variables;
  return module;
}

export function listItems(expr: HclExpr): HclExpr[] {
  if (expr.kind === "tuple") return expr.items;
  if (expr.kind === "call" && ["toset", "tolist", "concat", "distinct", "compact", "flatten"].includes(expr.name)) {
    return expr.args.flatMap(listItems);
  }
  return [expr];
}

/** Parses each file, turning unreadable ones into findings. */
export async function parseModule(files: SourceFile[], result: ExtractResult): Promise<HclFile[]> {
  const parsed: HclFile[] = [];
  const parser = await createHclParser();
  try {
    for (const file of files) {
      // `(` counts too: tree-sitter would parse 100,000 nested parentheses, but slowly.
      const deep = excessiveNesting(file.text) ?? excessiveNesting(file.text.replace(/[()]/g, (p) => (p === "(" ? "[" : "]")));
      if (deep) {
        const message = `This file nests brackets deeper than ${MAX_BRACKET_DEPTH} levels, so it was not analysed.`;
        result.findings.push(inputFinding(file.path, deep, "warning", message, "nesting"));
        continue;
      }
      const bytes = Buffer.byteLength(file.text, "utf8");
      if (bytes > MAX_TERRAFORM_FILE_BYTES) {
        const message =
          `This Terraform file is ${(bytes / 1024).toFixed(0)} KiB, over the ${MAX_TERRAFORM_FILE_BYTES / 1024} KiB limit for Terraform files ` +
          "(parsing takes about 500 bytes of memory per byte), so it was not analysed.";
        result.findings.push(inputFinding(file.path, WHOLE_FILE, "warning", message, "too-large"));
        continue;
      }
      const outcome = parseHcl(parser, file.path, file.text);
      if (!outcome.ok) {
        const message = `This Terraform file could not be analysed (${outcome.message}).`;
        result.findings.push(inputFinding(file.path, outcome.range, "warning", message, "parse-error"));
        continue;
      }
      if (outcome.syntaxError) {
        const { range, message: error } = outcome.syntaxError;
        const message = `${error}; the blocks around it were not analysed.`;
        result.findings.push(inputFinding(file.path, range, "warning", message, "syntax-error"));
      }
      parsed.push(outcome.file);
    }
  } finally {
    parser.delete();
  }
  return parsed;
}

/**
 * Extraction entry point: decides each file's format, runs the right extractor, and turns input problems into
 * `unparsed-input` findings. Pure apart from `readFile`, which the caller provides (and may refuse).
 */
import { posix } from "node:path";
import type { ExtractResult, FileRead, Finding, PolicyDocument, PolicyKind, Range, SourceFile } from "../types.ts";
import { fingerprintOf, inputFinding } from "../findings.ts";
import { kindFromPath } from "./document.ts";
import { extractJsonPolicies, parseJson } from "./json.ts";
import { member, type PNode } from "./positioned.ts";
import { bugFinding } from "./boundary.ts";

// The YAML and Terraform parsers are loaded only when a scan has such files: a CLI run on one JSON policy
// should not pay for them (cold start matters for pre-commit hooks and editors).
const loadCloudFormation = () => import("./cloudformation.ts");
const loadTerraform = () => import("./terraform.ts");

export type InputFormat = "json" | "yaml" | "terraform";

/** The format a path is read as, or undefined when the engine does not read such files. */
export function inputFormatOf(path: string): InputFormat | undefined {
  const name = posix.basename(path).toLowerCase();
  if (name.endsWith(".tf") || name === "terraform.tfvars" || name.endsWith(".auto.tfvars")) return "terraform";
  if (name.endsWith(".json")) return "json";
  if (/\.(ya?ml|template|cfn)$/.test(name)) return "yaml";
  return undefined;
}

/**
 * The format of a file whose name does not say (`policy`, `trust.txt`), from its first characters; undefined when
 * it is none the engine reads. A file found in a walk is read only when it is plainly a JSON policy, so README
 * files with HCL or YAML snippets stay quiet; a file named on the command line (`named`) is also read as
 * Terraform or a template when it looks like one.
 */
export function sniffFormat(text: string, named: boolean): InputFormat | undefined {
  const head = text.slice(0, 4096).trimStart();
  if (head.startsWith("{") && text.includes('"Statement"')) return "json";
  if (!named) return undefined;
  if (head.startsWith("{") || head.startsWith("[")) return "json";
  if (/^(resource|data|module|variable|locals|provider|terraform|output)\s+("|\{)/m.test(head)) return "terraform";
  if (/^(AWSTemplateFormatVersion|Resources|Transform)\s*:/m.test(head) || /^\s*(Version|Statement)\s*:/m.test(head)) return "yaml";
  return undefined;
}

export interface ExtractOptions {
  /** Whether the path was named on the command line (read whatever its extension). */
  named?: (path: string) => boolean;
  /** The policy kind configured for a path (config `kinds`, e.g. an SCP folder). */
  kindFor?: (path: string) => PolicyKind | undefined;
  /** Reads another file of the tree for Terraform `file("...")`; the caller decides what may be read. */
  readFile?: (path: string) => FileRead;
}

export type { FileRead } from "../types.ts";

export function emptyResult(): ExtractResult {
  return { policies: [], facts: [], findings: [] };
}

export function mergeInto(target: ExtractResult, source: ExtractResult): void {
  target.policies.push(...source.policies);
  target.facts.push(...source.facts);
  target.findings.push(...source.findings);
}

const CFN_HINT = /AWSTemplateFormatVersion|AWS::[A-Za-z0-9]+::/;

/** CloudFormation's largest template (uploaded through S3) is 1 MB. */
const MAX_TEMPLATE_BYTES = 1024 * 1024;

/** A cheap pre-check before loading the CloudFormation module for a JSON file. */
function looksLikeTemplate(root: PNode): boolean {
  return member(root, "AWSTemplateFormatVersion") !== undefined || member(root, "Resources") !== undefined;
}

/** Extracts one JSON or YAML file. */
async function extractDataFile(file: SourceFile, format: "json" | "yaml", options: ExtractOptions): Promise<ExtractResult> {
  const kind = options.kindFor?.(file.path);
  if (format === "yaml" && file.text.length > MAX_TEMPLATE_BYTES) {
    // The yaml parser is slow on huge files of tiny items, and nothing this large can be a template.
    const result = emptyResult();
    if (CFN_HINT.test(file.text)) {
      const message = "Skipped: this YAML file is larger than CloudFormation's 1 MB template limit, so it is not a template.";
      result.findings.push(inputFinding(file.path, { line: 1, column: 1, endLine: 1, endColumn: 1 }, "note", message, "yaml-too-large"));
    }
    return result;
  }
  const parsed = format === "json" ? parseJson(file.text) : (await loadCloudFormation()).parseYaml(file.text);
  if (!parsed.ok) {
    const looksRelevant = format === "json" ? /"Statement"|AWSTemplateFormatVersion/.test(file.text) : CFN_HINT.test(file.text);
    const what = format === "json" ? "JSON" : "YAML";
    const result = emptyResult();
    const finding = inputFinding(
      file.path,
      parsed.range,
      looksRelevant ? "warning" : "note",
      `This file is not valid ${what} (${parsed.message}), so no policy in it was analysed.`,
      "parse-error",
    );
    // A policy AWS would reject for its text is an invalid policy, not only unparsed input (issue #12).
    if (parsed.controlCharacter && looksRelevant) {
      finding.ruleId = "valid-policy-structure";
      finding.category = "invalid-policy";
      finding.severity = "error";
      finding.message = `This policy is not valid JSON (${parsed.message}), so AWS rejects it; no policy in the file was analysed.`;
      finding.fingerprint = fingerprintOf("valid-policy-structure", file.path, "control-character");
    }
    result.findings.push(finding);
    return result;
  }
  if (format === "yaml" || looksLikeTemplate(parsed.node)) {
    const cfn = await loadCloudFormation();
    if (cfn.isCloudFormationTemplate(parsed.node)) {
      const result = cfn.extractCloudFormation(file, parsed.node, kind ? { kind } : {});
      for (const warning of parsed.warnings ?? []) {
        result.findings.push(inputFinding(file.path, warning.range, warning.severity, warning.message, `duplicate-key:${warning.message}`));
      }
      return result;
    }
  }
  if (format === "json") {
    // `terraform show -json`: read planned_values once, not every copy of each document (issue #11).
    const plan = member(parsed.node, "planned_values") ? await import("./tf-plan.ts") : undefined;
    if (plan?.isTerraformPlan(parsed.node)) {
      const { RESOURCE_POLICIES, INLINE_POLICIES } = await loadTerraform();
      return plan.extractPlan(file, parsed.node, { resourcePolicies: RESOURCE_POLICIES, inlinePolicies: INLINE_POLICIES });
    }
    // A bare policy's kind may come from its folder or name (`scps/`, `rcp/`, `vpc-endpoint-policies/`); a
    // template's documents get theirs from their resources.
    const pathKind = kind ? undefined : kindFromPath(file.path);
    return extractJsonPolicies(file, parsed.node, { ...(kind ? { kind } : {}), ...(pathKind ? { pathKind } : {}) });
  }
  return emptyResult();
}

/**
 * Extracts every policy and IaC fact from the files. Terraform files are grouped by directory, because a
 * Terraform module spans all `.tf` files of its directory (a policy document in one file is used in another).
 * Files in formats the engine does not read are ignored.
 */
export async function extractFiles(files: readonly SourceFile[], options: ExtractOptions = {}): Promise<ExtractResult> {
  const result = emptyResult();
  const modules = new Map<string, SourceFile[]>();
  for (const file of files) {
    const named = options.named?.(file.path) ?? false;
    const format = inputFormatOf(file.path) ?? sniffFormat(file.text, named);
    if (format === undefined && named) {
      const message = "This file is neither JSON, YAML nor Terraform, so it was only checked for hard-coded credentials.";
      result.findings.push(inputFinding(file.path, { line: 1, column: 1, endLine: 1, endColumn: 1 }, "note", message, "unknown-format"));
    }
    if (format === "terraform") {
      const dir = posix.dirname(file.path);
      modules.set(dir, [...(modules.get(dir) ?? []), file]);
    } else if (format) {
      // The per-file boundary (issue #12): a bug costs this file, not the scan.
      try {
        mergeInto(result, await extractDataFile(file, format, options));
      } catch (error) {
        result.findings.push(bugFinding(file.path, format === "json" ? "the JSON extractor" : "the CloudFormation extractor", error));
      }
    }
  }
  if (modules.size > 0) {
    const { extractTerraform } = await loadTerraform();
    for (const moduleFiles of modules.values()) {
      try {
        const moduleOptions = {
          moduleFiles: (dir: string) => modules.get(dir),
          ...(options.readFile ? { readFile: options.readFile } : {}),
        };
        mergeInto(result, await extractTerraform(moduleFiles, moduleOptions));
      } catch (error) {
        for (const file of moduleFiles) result.findings.push(bugFinding(file.path, "the Terraform extractor", error));
      }
    }
  }
  result.findings.push(...templatePlaceholderNotes(result.policies));
  return result;
}

/**
 * One note per file whose policies hold template placeholders (`<my-corporate-cidr>`): the rules treat them as
 * unresolved values, and a reader learns once that the file is a template, not on every value (issue 10).
 */
function templatePlaceholderNotes(policies: readonly PolicyDocument[]): Finding[] {
  const byFile = new Map<string, { range: Range; names: Set<string> }>();
  for (const doc of policies) {
    for (const u of doc.unresolved) {
      if (!u.template) continue;
      const entry = byFile.get(doc.file) ?? { range: doc.positions[u.pointer] ?? doc.range, names: new Set<string>() };
      entry.names.add(u.expression);
      byFile.set(doc.file, entry);
    }
  }
  return [...byFile].map(([file, { range, names }]) => {
    const shown = [...names]
      .slice(0, 3)
      .map((name) => `"${name}"`)
      .join(", ");
    const more = names.size > 3 ? ` and ${names.size - 3} more` : "";
    const message = `This file holds template placeholders (${shown}${more}) for values to be filled in; they were treated as unknown values, not checked.`;
    return inputFinding(file, range, "note", message, "template-placeholders");
  });
}

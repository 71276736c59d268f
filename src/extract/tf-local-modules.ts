/**
 * Local modules followed with their callers' literal inputs (issue #11 gap 2): `module "q" { source = "./modules/q"
 * actions = ["sqs:*"] }` re-reads `./modules/q` with `var.actions` set to the caller's value, so a policy built from
 * it is judged with that value. Only literal inputs are substituted (a caller's `var.x` or `local.y` is not: it
 * would be read in the wrong module). The child's own policies, judged with its defaults, are extracted where the
 * child directory itself is scanned; a caller adds only the policies its inputs change.
 *
 * Work is bounded by caps the code enforces: calls are followed MAX_MODULE_DEPTH levels deep, and at most
 * MAX_MODULE_CALLS module calls are followed from one scanned directory; a call past a cap gets a note.
 */
import { posix } from "node:path";
import type { ExtractResult, Finding, SourceFile } from "../types.ts";
import type { HclAttribute, HclBlock, HclExpr, HclFile } from "./tf-hcl.ts";
import { attributeOf } from "./tf-eval.ts";
import { parseModule } from "./tf-module-index.ts";

/** How many levels of local module calls are followed (root → child → grandchild). */
export const MAX_MODULE_DEPTH = 3;
/** How many local module calls are followed from one scanned directory, nested calls included. */
export const MAX_MODULE_CALLS = 16;

/** The parsed files of every local module reachable from a scanned directory, by directory. */
export interface LocalModules {
  parsed: Map<string, HclFile[]>;
  /** Module calls followed so far from the scanned directory (shared by nested calls). */
  calls: { count: number };
  /** Notes for calls not followed past a cap, by place (nested runs are scratch: their notes are kept here). */
  notes: Map<string, Finding>;
}

/** The directory a `source = "./x"` / `"../x"` call reads, relative to the scan root; undefined for any other source. */
export function localSource(block: HclBlock, dir: string): string | undefined {
  const source = attributeOf(block, "source")?.expr;
  if (source?.kind !== "template" || source.parts.some((part) => part.kind !== "text")) return undefined;
  const text = source.file.text.slice(source.start, source.end).replace(/^"|"$/g, "");
  if (!/^\.\.?\//.test(text)) return undefined;
  return posix.normalize(posix.join(dir, text)).replace(/\/$/, "");
}

/** Parses the local modules reachable from `files` (up to the depth cap); unreadable ones are left out. */
export async function loadLocalModules(
  files: readonly HclFile[],
  dir: string,
  moduleFiles: (dir: string) => SourceFile[] | undefined,
): Promise<LocalModules> {
  const parsed = new Map<string, HclFile[]>();
  let frontier: Array<{ files: readonly HclFile[]; dir: string }> = [{ files, dir }];
  for (let depth = 0; depth < MAX_MODULE_DEPTH && frontier.length > 0; depth++) {
    const next: typeof frontier = [];
    for (const caller of frontier) {
      for (const file of caller.files) {
        for (const block of file.body.blocks) {
          if (block.type !== "module") continue;
          const child = localSource(block, caller.dir);
          if (child === undefined || parsed.has(child) || parsed.size >= MAX_MODULE_CALLS) continue;
          const sources = moduleFiles(child);
          if (!sources || sources.length === 0) continue;
          // Problems in the child's files are reported where the child directory itself is extracted.
          const throwaway: ExtractResult = { policies: [], facts: [], findings: [] };
          const childFiles = await parseModule(sources, throwaway);
          parsed.set(child, childFiles);
          next.push({ files: childFiles, dir: child });
        }
      }
    }
    frontier = next;
  }
  return { parsed, calls: { count: 0 }, notes: new Map() };
}

/** Whether an expression is a literal a caller writes (no references, calls or templates with interpolations). */
export function isLiteral(expr: HclExpr): boolean {
  switch (expr.kind) {
    case "number":
    case "bool":
      return true;
    case "template":
      return expr.parts.every((part) => part.kind === "text");
    case "tuple":
      return expr.items.every(isLiteral);
    case "object":
      return expr.items.every(
        (item) => isLiteral(item.value) && (isLiteral(item.key) || (item.key.kind === "traversal" && item.key.steps.length === 0)),
      );
    case "paren":
      return isLiteral(expr.inner);
    default:
      return false;
  }
}

/** The caller's literal arguments, by variable name (meta-arguments left out). */
export function literalInputs(block: HclBlock): Map<string, HclAttribute> {
  const inputs = new Map<string, HclAttribute>();
  for (const attribute of block.body.attributes) {
    if (["source", "version", "count", "for_each", "providers", "depends_on"].includes(attribute.name)) continue;
    if (isLiteral(attribute.expr)) inputs.set(attribute.name, attribute);
  }
  return inputs;
}

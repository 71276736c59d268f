/**
 * What the parts of the Terraform extractor share: how a policy is used, and the extractor's state and operations
 * the parts (module arguments, Lambda permissions, secrets) use; terraform.ts implements it.
 */
import type { ExtractResult, PolicyKind } from "../types.ts";
import type { PNode } from "./positioned.ts";
import type { HclBlock } from "./tf-hcl.ts";
import type { EvalContext, ModuleIndex, ReadOptions } from "./tf-eval.ts";

/** How a policy is used: the kind and resource type its place implies, and the principals it is attached to. */
export interface Use {
  /** `resource` means "resource policy, unless the statements make it a trust policy". */
  kind: PolicyKind;
  resourceType?: string;
  attachedTo?: string[];
  /** The kind is the document's own (a module argument: identity, resource or trust by its statements). */
  infer?: boolean;
}

/** The state and operations of one module's extraction that its parts use. */
export interface TfExtraction {
  readonly module: ModuleIndex;
  readonly options: ReadOptions;
  readonly result: ExtractResult;
  readonly ctx: EvalContext;
  /** Uses of each policy document data source, by name. */
  readonly uses: Map<string, Use[]>;
  /** Emits one policy document for one use. */
  emit(node: PNode, file: string, origin: string, use: Use): void;
  /**
   * Emits the policy held by `attributeName`, once per use; a reference to a policy document data source is
   * recorded as a use of that document instead.
   */
  policyAttribute(address: string, block: HclBlock, attributeName: string, uses: Use[], origin?: string): void;
}

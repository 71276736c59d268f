/**
 * Terraform HCL. SKELETON — being written; replaced by the real extractor.
 */
import type { ExtractResult, SourceFile } from "../types.ts";

export interface TerraformOptions {
  /** Reads another file of the scanned tree (path relative to the scan root), for `file("...")`; never executes. */
  readFile?: (path: string) => string | undefined;
}

/** Extracts policies and IaC facts from the `.tf` files of one module (one directory). */
export async function extractTerraform(files: SourceFile[], options: TerraformOptions = {}): Promise<ExtractResult> {
  void files;
  void options;
  return { policies: [], facts: [], findings: [] };
}

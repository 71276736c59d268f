/**
 * Secrets written in a Terraform module (issue #11): `secret-value` facts for password arguments and user data, and
 * `secret-output` facts for outputs that expose a credential (rule no-secret-outputs): a reference to a credential
 * attribute, or a literal that looks like a secret access key in an output named like a secret.
 */
import type { Range } from "../types.ts";
import { TF_SECRET_ATTRIBUTES, valueLines } from "./secret-properties.ts";
import { rangeOf, textOf, type HclBlock, type HclExpr } from "./tf-hcl.ts";
import { attributeOf, literalString } from "./tf-eval.ts";
import type { TfExtraction } from "./tf-extraction.ts";

/** A reference to an attribute that holds a credential, through any index or splat. */
const SECRET_REFERENCE =
  /\b(?:aws_iam_access_key\.[\w-]+(?:\[[^\]]*\]|\.\*)*\.(?:secret|ses_smtp_password_v4|encrypted_secret|encrypted_ses_smtp_password_v4)|aws_iam_user_login_profile\.[\w-]+(?:\[[^\]]*\]|\.\*)*\.(?:password|encrypted_password))\b/;
const SECRET_LITERAL = /^[A-Za-z0-9/+]{40}$/;

/**
 * What an output value exposes: a reference to a credential attribute anywhere in it (conditionals and function
 * calls included), or a literal that looks like a secret access key in an output named like a secret.
 */
export function secretIn(expr: HclExpr, outputName: string): string | undefined {
  const reference = SECRET_REFERENCE.exec(textOf(expr));
  if (reference) return reference[0].replace(/\s+/g, "");
  if (
    expr.kind === "template" &&
    expr.parts.length === 1 &&
    expr.parts[0]!.kind === "text" &&
    /secret|password|credential/i.test(outputName)
  ) {
    const text = textOf(expr).slice(1, -1);
    if (SECRET_LITERAL.test(text) && /[A-Z]/.test(text) && /[a-z]/.test(text) && /[0-9]/.test(text)) return "a literal secret string";
  }
  return undefined;
}

/** `secret-value` facts: password arguments and user data written in the module (issue #11). */
export function secretValues(extractor: TfExtraction, address: string, block: HclBlock): void {
  for (const property of TF_SECRET_ATTRIBUTES[block.labels[0]!] ?? []) {
    const attribute = attributeOf(block, property.path[0]!);
    if (!attribute) continue;
    const range = rangeOf(attribute.expr);
    let lines: Array<{ text: string; range: Range }>;
    if (property.whole) {
      const literal = attribute.expr.kind === "template" ? literalString(attribute.expr, extractor.ctx) : undefined;
      if (literal === undefined) continue;
      lines = [{ text: literal, range }];
    } else {
      // The script as written (heredoc, quoted string, inside base64encode()): its own lines, interpolations as text.
      const source = block.file.text
        .split("\n")
        .slice(range.line - 1, range.endLine)
        .join("\n");
      lines = valueLines(block.file.text, range, source);
    }
    extractor.result.facts.push({
      type: "secret-value",
      file: block.file.path,
      range,
      origin: address,
      property: property.path[0]!,
      whole: property.whole,
      lines,
    });
  }
}

/** `output` blocks that print a credential without `sensitive = true`. */
export function outputs(extractor: TfExtraction): void {
  for (const file of extractor.module.files) {
    for (const block of file.body.blocks) {
      const name = block.labels[0];
      if (block.type !== "output" || name === undefined) continue;
      const value = attributeOf(block, "value");
      const sensitive = attributeOf(block, "sensitive");
      if (!value || (sensitive?.expr.kind === "bool" && sensitive.expr.value)) continue;
      const expression = secretIn(value.expr, name);
      if (expression === undefined) continue;
      extractor.result.facts.push({
        type: "secret-output",
        file: file.path,
        range: rangeOf(value.expr),
        origin: `output.${name}`,
        name,
        expression,
      });
    }
  }
}

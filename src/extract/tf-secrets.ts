/**
 * Terraform outputs that expose a credential (rule no-secret-outputs): a reference to a credential attribute, or a
 * literal that looks like a secret access key in an output named like a secret.
 */
import { textOf, type HclExpr } from "./tf-hcl.ts";

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

/**
 * Evaluation budgets (issue #12): how much an extractor may produce while evaluating a file's expressions
 * (CloudFormation intrinsics, Terraform locals), counted in produced characters and values — never in
 * wall-clock time, so the same file gives the same result on an idle and on a loaded machine. Over budget,
 * the values still to be computed stay unresolved placeholders and the extractor adds a note.
 */
import type { Range } from "../types.ts";

/**
 * Characters (and values, one unit each) the intrinsic functions of one CloudFormation template may produce.
 * CloudFormation's largest template is 1 MB; real templates produce a fraction of their own size, so twice the
 * largest template leaves room for every real one while a 600-byte template of nested `!Sub`s that would expand
 * to gigabytes stops after 2 MB.
 */
export const MAX_TEMPLATE_EVALUATION = 2 * 1024 * 1024;

/** A budget shared by every evaluation of one file or module. */
export class EvaluationBudget {
  readonly limit: number;
  private left: number;
  /** Where the first value was left unresolved for want of budget: the place the note points at. */
  where: Range | undefined;

  constructor(limit: number) {
    this.limit = limit;
    this.left = limit;
  }

  /** Takes `amount` units; false once the budget is spent (and from then on). */
  take(amount: number): boolean {
    if (this.left < 0) return false;
    this.left -= amount;
    return this.left >= 0;
  }

  /** Whether some evaluation was refused. */
  get exhausted(): boolean {
    return this.left < 0;
  }

  /** Units used so far (at most the limit plus the refused request). */
  get used(): number {
    return this.limit - this.left;
  }
}

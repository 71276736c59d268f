/**
 * The one helper every local rule is built with (typescript-eslint `createRule` is the model): metadata, docs,
 * typed message functions and pure check functions.
 */
import type { Category, IacFact, JsonObject, PolicyDocument, PolicyKind, Range, Severity, SourceFile } from "../types.ts";

/** A message is a function of its data, so a message id can never be reported with its data missing. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each message declares its own data type
export type MessageFunctions = Record<string, (data: any) => string>;

/** One text edit; fixes are shown as suggestions, never applied automatically. */
export interface TextEdit {
  range: Range;
  text: string;
  /**
   * Replace only the content of a quoted scalar, keeping its quotes: the same edit then works on `"Bool"` in
   * JSON and HCL and on `Bool` or `'Bool'` in YAML.
   */
  keepQuotes?: boolean;
}

export interface RuleFix {
  /** What the suggestion does, e.g. "Use BoolIfExists so requests without MFA information are denied too." */
  description: string;
  /** Edits in the same file as the finding. */
  edits: TextEdit[];
}

interface ReportBase {
  /** Overrides the rule's severity for this finding (e.g. lowered because a condition narrows the grant). */
  severity?: Severity;
  fix?: RuleFix;
  /** Extra text that tells this finding apart from others of the same rule on the same statement. */
  subject?: string;
}

/** Where a finding points: a value (or its key) in the policy being checked, or a range in a file. */
export type ReportLocation = { pointer: string; at?: "value" | "key" } | { file: string; range: Range; origin?: string };

/** The data a message takes; `{}` for a message without data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches any message function
export type MessageData<F extends (data: any) => string> = Parameters<F>["length"] extends 0 ? Record<string, never> : Parameters<F>[0];

/**
 * A report names one of the rule's messages and gives that message's data. `K` may be a union of message ids
 * (chosen at run time) when those messages take the same data.
 */
export type ReportDescriptor<M extends MessageFunctions, K extends keyof M & string = keyof M & string> = {
  messageId: K;
  data: MessageData<M[K]>;
} & ReportLocation &
  ReportBase;

export interface RuleContext<M extends MessageFunctions> {
  report<K extends keyof M & string>(descriptor: ReportDescriptor<M, K>): void;
  /** Sensitive actions from the config (defaults apply when not configured). */
  readonly sensitiveActions: readonly string[];
}

/** A documented example; `policy` examples are checked as a document of `kind`, `file` examples as that file. */
export type RuleExample = { title: string; kind: PolicyKind; policy: JsonObject } | { title: string; file: string; text: string };

export interface RuleDocs {
  /** One line, starting with a verb: "Disallow ...", "Require ...". */
  description: string;
  /** Why it matters, for the docs page (Markdown). */
  rationale: string;
  examples: { noncompliant: RuleExample[]; compliant: RuleExample[] };
  /** Further reading. */
  references?: string[];
}

export interface RuleDefinition<M extends MessageFunctions> {
  /** kebab-case, equal to the file name. */
  id: string;
  category: Category;
  severity: Severity;
  docs: RuleDocs;
  messages: M;
  /**
   * The kinds of policy `checkPolicy` means something for; by default every kind. Guardrails grant nothing (an
   * SCP allow-list of `ec2:*` is normal, an RCP only denies) and an endpoint policy's `"Principal": "*"` is how
   * it is written, so rules about what a policy grants list the kinds that grant (issue 10).
   */
  kinds?: readonly PolicyKind[];
  /** Checks one policy document (of one of `kinds`). */
  checkPolicy?(doc: PolicyDocument, context: RuleContext<M>): void;
  /**
   * Checks every policy attached to one principal (role, user, group, function) together, for combinations
   * spread over several statements or documents. Reports must use `{ file, range }` locations, or `pointer`
   * locations are resolved against `policies[0]`.
   */
  checkPrincipal?(principal: string, policies: readonly PolicyDocument[], context: RuleContext<M>): void;
  /** Checks the IaC facts of one scan (users, keys, password policies, attachments). */
  checkFacts?(facts: readonly IacFact[], context: RuleContext<M>): void;
  /** Checks the raw text of any changed file (secrets). */
  checkText?(file: SourceFile, context: RuleContext<M>): void;
}

export type Rule = RuleDefinition<MessageFunctions>;

/** Identity helper that types `report()` calls from the rule's own messages. */
export function defineRule<M extends MessageFunctions>(rule: RuleDefinition<M>): RuleDefinition<M> {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.id)) throw new Error(`Bug: rule id "${rule.id}" is not kebab-case`);
  return rule;
}

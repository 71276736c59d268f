/**
 * Terraform HCL (issue #3): every IAM policy of a module — `aws_iam_policy_document` data sources, `jsonencode`,
 * heredoc and string JSON, `file()`/`templatefile()` JSON — with the position of every statement and value, the
 * kind implied by where the policy is used, and the IaC facts rules need (users, keys, password policy, ...).
 *
 * Choices (see the issue note):
 * - A file with a syntax error gets one warning at the first error; the top-level blocks tree-sitter had to
 *   repair are left out, everything else in the file is still extracted.
 * - Statements merged into a policy document from a document in another file (`source_policy_documents`,
 *   `override_policy_documents`) are reported only in their own document, because positions are per file.
 * - A policy document used in several places is emitted once per distinct (kind, resource type) of its uses.
 */
import { posix } from "node:path";
import { shortExpression } from "./placeholder.ts";
import type { FileRead } from "../types.ts";
import type { ExtractResult, PolicyDocument, PositionedValue, Range, SourceFile } from "../types.ts";
import { inputFinding, WHOLE_FILE } from "../findings.ts";
import { buildPolicyDocument, classifyPolicy } from "./document.ts";
import { describeJsonError } from "./json-syntax.ts";
import { TF_POLICY_ATTRIBUTES } from "./tf-policy-attributes.ts";
import { moduleArguments } from "./tf-module-arguments.ts";
import { toJson, type PNode } from "./positioned.ts";
import { rangeOf, rangeOfOffsets, textOf, type HclBlock, type HclExpr } from "./tf-hcl.ts";
import {
  attributeOf,
  evaluationBudget,
  literalString,
  missingWhy,
  modulePolicyReference,
  policySource,
  principalAddress,
  valueOf,
  type EvalContext,
  type ModuleIndex,
} from "./tf-eval.ts";
import { PolicyDocuments } from "./tf-policy-document.ts";
import { ATTACHMENTS, INLINE_POLICIES, PASSWORD_SETTINGS, RESOURCE_POLICIES } from "./tf-resources.ts";
import { outputs, secretValues } from "./tf-secrets.ts";
import { layerPermission, lambdaPermission } from "./tf-lambda-permission.ts";
import type { TfExtraction, Use } from "./tf-extraction.ts";
import { indexModule, listItems, parseModule } from "./tf-module-index.ts";
import {
  isLiteral,
  literalInputs,
  loadLocalModules,
  localSource,
  MAX_MODULE_CALLS,
  MAX_MODULE_DEPTH,
  type LocalModules,
} from "./tf-local-modules.ts";
export { INLINE_POLICIES, RESOURCE_POLICIES };

export interface TerraformOptions {
  /** Reads another file of the scanned tree (path relative to the scan root), for `file("...")`; never executes. */
  readFile?: (path: string) => FileRead;
  /** The scanned `.tf` files of another directory, to follow `source = "./x"` module calls (issue #11). */
  moduleFiles?: (dir: string) => SourceFile[] | undefined;
}

/** Extracts policies and IaC facts from the `.tf` files of one module (one directory). Never throws on bad input. */
export async function extractTerraform(files: SourceFile[], options: TerraformOptions = {}): Promise<ExtractResult> {
  const result: ExtractResult = { policies: [], facts: [], findings: [] };
  if (files.length === 0) return result;
  const parsed = await parseModule(files, result);
  const module = indexModule(parsed, posix.dirname(files[0]!.path), result);
  const local = options.moduleFiles ? await loadLocalModules(parsed, module.dir, options.moduleFiles) : undefined;
  try {
    new ModuleExtractor(module, options, result, local).run();
    result.findings.push(...(local?.notes.values() ?? []));
  } catch (error) {
    // Only absurd input (deeply nested expressions through chains of locals) can exhaust the stack.
    if (!(error instanceof RangeError && /call stack/i.test(error.message))) throw error;
    const message = "This Terraform module is too deeply nested to analyse, so some of its policies were not analysed.";
    result.findings.push(inputFinding(files[0]!.path, WHOLE_FILE, "warning", message, "stack"));
  }
  return result;
}

class ModuleExtractor implements TfExtraction {
  readonly module: ModuleIndex;
  readonly options: TerraformOptions;
  readonly result: ExtractResult;
  readonly ctx: EvalContext;
  /** Uses of each policy document data source, by name. */
  readonly uses = new Map<string, Use[]>();
  /** Principals each `aws_iam_policy` is attached to, by resource name. */
  private readonly attachments = new Map<string, Set<string>>();
  /** `aws_iam_policy` resources used as permissions boundaries. */
  private readonly boundaries = new Set<string>();

  /** Local modules to follow with literal inputs, and how deep this module is below the scanned one. */
  private readonly local: LocalModules | undefined;
  private readonly depth: number;

  constructor(module: ModuleIndex, options: TerraformOptions, result: ExtractResult, local?: LocalModules, depth = 0) {
    this.module = module;
    this.local = local;
    this.depth = depth;
    this.options = options;
    this.result = result;
    this.ctx = { module, budget: { steps: evaluationBudget(module.files) } };
  }

  run(): void {
    // Every resource block, an address defined twice included (its note is in indexModule): both are read.
    const resources: Array<[string, HclBlock]> = [];
    for (const file of this.module.files) {
      for (const block of file.body.blocks) {
        const [type, name] = block.labels;
        if (block.type === "resource" && type && name !== undefined) resources.push([`${type}.${name}`, block]);
      }
    }
    for (const [address, block] of resources) this.collectAttachments(address, block);
    for (const [address, block] of resources) this.resource(address, block);
    for (const file of this.module.files) {
      for (const block of file.body.blocks) {
        if (block.type !== "module" || block.labels[0] === undefined) continue;
        moduleArguments(this, block);
        this.followModule(block);
      }
    }
    const documents = new PolicyDocuments(this.ctx, this.options);
    for (const name of this.module.documents.keys()) this.document(name, documents);
    for (const [name, problems] of documents.problems) {
      for (const problem of problems) {
        const message = `Part of data.aws_iam_policy_document.${name} was not analysed: ${problem.reason}.`;
        this.result.findings.push(inputFinding(problem.file, problem.range, "note", message, `${name} ${problem.reason}`));
      }
    }
    outputs(this);
    if (this.ctx.budget.steps < 0) {
      const message =
        "This Terraform module expands into too many values (locals referencing each other); some values were left unresolved.";
      this.result.findings.push(inputFinding(this.module.files[0]?.path ?? "", WHOLE_FILE, "warning", message, "budget"));
    }
  }

  // --- attachments -------------------------------------------------------------------------------------------

  private attach(policy: string, principal: string): void {
    const set = this.attachments.get(policy) ?? new Set<string>();
    set.add(principal);
    this.attachments.set(policy, set);
  }

  /** Records policy attachments and boundaries before policies are emitted, and emits managed-policy facts. */
  private collectAttachments(address: string, block: HclBlock): void {
    const type = block.labels[0]!;
    const attachment = ATTACHMENTS[type];
    if (attachment) {
      const principals: string[] = [];
      for (const [attributeName, principalType] of attachment.principals) {
        const attribute = attributeOf(block, attributeName);
        if (!attribute) continue;
        const items = attributeName.endsWith("s") ? listItems(attribute.expr) : [attribute.expr];
        for (const item of items) principals.push(principalAddress(item, principalType, this.ctx));
      }
      const policies = attributeOf(block, attachment.policies);
      if (policies) this.policyArns(address, listItems(policies.expr), principals.length > 0 ? principals : [address]);
    }
    if (type === "aws_iam_role") {
      const managed = attributeOf(block, "managed_policy_arns");
      if (managed) this.policyArns(address, listItems(managed.expr), [address]);
    }
    if (type === "aws_iam_role" || type === "aws_iam_user") {
      const boundary = attributeOf(block, "permissions_boundary");
      const policy = boundary ? modulePolicyReference(boundary.expr) : undefined;
      if (policy !== undefined) this.boundaries.add(policy);
    }
  }

  /** Policy ARNs attached to principals: a module policy gains the principals, any other ARN becomes a fact. */
  private policyArns(address: string, arns: HclExpr[], principals: string[]): void {
    for (const arn of arns) {
      const policy = modulePolicyReference(arn);
      if (policy !== undefined) {
        for (const principal of principals) this.attach(policy, principal);
        continue;
      }
      const value = this.arnValue(arn);
      for (const principal of principals) {
        this.result.facts.push({
          type: "managed-policy-attachment",
          file: arn.file.path,
          range: rangeOf(arn),
          origin: address,
          arn: value,
          attachedTo: principal,
        });
      }
    }
  }

  /** An ARN as a string with placeholders; `data.aws_iam_policy.x.arn` resolves to that data source's literal `arn`. */
  private arnValue(expr: HclExpr): string {
    if (expr.kind === "traversal" && expr.root === "data") {
      const [type, name, attribute] = expr.steps;
      if (
        type?.kind === "attr" &&
        type.name === "aws_iam_policy" &&
        name?.kind === "attr" &&
        attribute?.kind === "attr" &&
        attribute.name === "arn"
      ) {
        const block = this.module.blocks.get(`data.aws_iam_policy.${name.name}`);
        const arn = block ? attributeOf(block, "arn") : undefined;
        const literal = arn ? literalString(arn.expr, this.ctx) : undefined;
        if (literal !== undefined) return literal;
      }
    }
    const json = toJson(valueOf(expr, this.ctx, ["Statement", 0, "Resource"]));
    return typeof json === "string" ? json : JSON.stringify(json);
  }

  // --- resources ---------------------------------------------------------------------------------------------

  private resource(address: string, block: HclBlock): void {
    const type = block.labels[0]!;
    const resourcePolicy = RESOURCE_POLICIES[type];
    const inline = INLINE_POLICIES[type];
    secretValues(this, address, block);
    const extra = TF_POLICY_ATTRIBUTES[type];
    if (extra) {
      const holder = extra.block ? block.body.blocks.find((child) => child.type === extra.block) : block;
      const origin = extra.block ? `${address} .${extra.block}.${extra.attribute}` : `${address} .${extra.attribute}`;
      const use: Use = { kind: extra.kind ?? "resource", ...(extra.resourceType ? { resourceType: extra.resourceType } : {}) };
      if (holder) this.policyAttribute(address, holder, extra.attribute, [use], origin);
    }
    if (type === "aws_ssoadmin_managed_policy_attachment") this.ssoManagedPolicy(address, block);
    if (type === "aws_lambda_layer_version_permission") layerPermission(this, address, block);
    if (resourcePolicy) {
      this.policyAttribute(address, block, resourcePolicy.attribute, [{ kind: "resource", resourceType: resourcePolicy.resourceType }]);
    } else if (inline) {
      const principal = attributeOf(block, inline.attribute);
      const attachedTo = principal ? [principalAddress(principal.expr, inline.principalType, this.ctx)] : [];
      this.policyAttribute(address, block, "policy", [{ kind: "identity", attachedTo }]);
    }
    switch (type) {
      case "aws_iam_policy": {
        const name = block.labels[1]!;
        const attachedTo = [...(this.attachments.get(name) ?? [])];
        const uses: Use[] = [];
        if (attachedTo.length > 0 || !this.boundaries.has(name)) uses.push({ kind: "identity", attachedTo });
        if (this.boundaries.has(name)) uses.push({ kind: "boundary" });
        this.policyAttribute(address, block, "policy", uses);
        break;
      }
      case "aws_iam_role":
        this.role(address, block);
        break;
      case "aws_lambda_permission":
        lambdaPermission(this, address, block);
        break;
      case "aws_organizations_policy":
        this.organizationsPolicy(address, block);
        break;
      case "aws_vpc_endpoint":
      case "aws_vpc_endpoint_policy":
        this.policyAttribute(address, block, "policy", [{ kind: "endpoint", resourceType: "AWS::EC2::VPCEndpoint" }]);
        break;
      case "aws_iam_user":
        this.result.facts.push({ type: "iam-user", ...this.factBase(address, block), ...this.optionalString("name", block) });
        break;
      case "aws_iam_access_key":
      case "aws_iam_user_login_profile": {
        const user = attributeOf(block, "user");
        const fact = { ...this.factBase(address, block), ...(user ? { user: principalAddress(user.expr, "aws_iam_user", this.ctx) } : {}) };
        this.result.facts.push(type === "aws_iam_access_key" ? { type: "access-key", ...fact } : { type: "login-profile", ...fact });
        break;
      }
      case "aws_iam_account_password_policy":
        this.passwordPolicy(address, block);
        break;
      case "aws_iam_openid_connect_provider": {
        const url = attributeOf(block, "url");
        const clients = attributeOf(block, "client_id_list");
        const stringOf = (expr: HclExpr): string => {
          const json = toJson(valueOf(expr, this.ctx, []));
          return typeof json === "string" ? json : JSON.stringify(json);
        };
        this.result.facts.push({
          type: "oidc-provider",
          ...this.factBase(address, block),
          url: url ? stringOf(url.expr) : "",
          clientIds: clients ? listItems(clients.expr).map(stringOf) : [],
        });
        break;
      }
    }
  }

  private factBase(address: string, block: HclBlock): { file: string; range: Range; origin: string } {
    return { file: block.file.path, range: rangeOf(block), origin: address };
  }

  private optionalString(attributeName: string, block: HclBlock): { name?: string } {
    const attribute = attributeOf(block, attributeName);
    const value = attribute ? literalString(attribute.expr, this.ctx) : undefined;
    return value === undefined ? {} : { name: value };
  }

  private role(address: string, block: HclBlock): void {
    this.policyAttribute(address, block, "assume_role_policy", [{ kind: "trust", resourceType: "AWS::IAM::AssumeRolePolicyDocument" }]);
    let index = 0;
    for (const child of block.body.blocks) {
      const inline =
        child.type === "inline_policy"
          ? child
          : child.type === "dynamic" && child.labels[0] === "inline_policy"
            ? child.body.blocks.find((b) => b.type === "content")
            : undefined;
      if (!inline) continue;
      const origin = `${address} .inline_policy[${index++}]`;
      this.policyAttribute(address, inline, "policy", [{ kind: "identity", attachedTo: [address] }], origin);
    }
  }

  /**
   * Emits the policy held by `attributeName`, once per use; a reference to a policy document data source is
   * recorded as a use of that document instead.
   */
  policyAttribute(address: string, block: HclBlock, attributeName: string, uses: Use[], origin = `${address} .${attributeName}`): void {
    const attribute = attributeOf(block, attributeName);
    if (!attribute || attribute.expr.kind === "null") return;
    const range = rangeOf(attribute);
    const file = block.file.path;
    if (
      attribute.expr.kind === "template" &&
      attribute.expr.parts.every((part) => part.kind === "text") &&
      /^("\s*"|<<-?\w+\s*\n\s*\w+)$/.test(textOf(attribute.expr).trim())
    ) {
      this.result.facts.push({ type: "invalid-policy-text", file, range, origin, problem: "empty", detail: "" });
      return;
    }
    const source = policySource(attribute.expr, this.ctx, this.options);
    switch (source.kind) {
      case "document": {
        const list = this.uses.get(source.name) ?? [];
        list.push(...uses);
        this.uses.set(source.name, list);
        return;
      }
      case "node":
        for (const use of uses) this.emit(source.node, source.file, origin, use);
        return;
      case "invalid": {
        // AWS rejects the policy: an invalid-policy error (rule valid-policy-json), not only an input note.
        const read = source.file === file ? block.file.text : this.options.readFile?.(source.file);
        const text = typeof read === "string" ? read : undefined;
        const { range: at, detail } = describeJsonError(text, source.range, source.message);
        this.result.facts.push({ type: "invalid-policy-text", file: source.file, range: at, origin, problem: "syntax", detail });
        return;
      }
      case "missing-file":
        this.result.findings.push(
          inputFinding(
            file,
            range,
            "note",
            `${origin} was not analysed: the policy comes from file ${source.path} which ${missingWhy(source)}.`,
            `${origin} file`,
          ),
        );
        return;
      case "unresolved": {
        const reason = source.reason ? `, ${source.reason}` : "";
        this.result.findings.push(
          inputFinding(
            file,
            range,
            "note",
            `${origin} was not analysed: the policy comes from ${shortExpression(source.expression)}${reason}.`,
            `${origin} unresolved`,
          ),
        );
        return;
      }
    }
  }

  emit(node: PNode, file: string, origin: string, use: Use): void {
    const document = buildPolicyDocument(node, {
      file,
      format: "terraform",
      origin,
      ...(use.kind === "resource" ? {} : { kind: use.kind }),
      ...(use.resourceType ? { resourceType: use.resourceType } : {}),
      ...(use.attachedTo && use.attachedTo.length > 0 ? { attachedTo: use.attachedTo } : {}),
    });
    this.result.policies.push(finishKind(document, use));
  }

  // --- policy documents --------------------------------------------------------------------------------------

  private document(name: string, documents: PolicyDocuments): void {
    const block = this.module.documents.get(name)!;
    const node = documents.document(name);
    const origin = `data.aws_iam_policy_document.${name}`;
    const uses = this.uses.get(name) ?? [];
    if (uses.length === 0) {
      this.result.policies.push(buildPolicyDocument(node, { file: block.file.path, format: "terraform", origin }));
      return;
    }
    // One document per distinct (kind, resource type), with the principals of all those uses.
    const groups = new Map<string, Use>();
    for (const use of uses) {
      const key = `${use.kind} ${use.resourceType ?? ""} ${use.infer ? "infer" : ""}`;
      const group = groups.get(key);
      if (!group) groups.set(key, { ...use, attachedTo: [...(use.attachedTo ?? [])] });
      else for (const principal of use.attachedTo ?? []) if (!group.attachedTo!.includes(principal)) group.attachedTo!.push(principal);
    }
    for (const use of groups.values()) this.emit(node, block.file.path, origin, use);
  }

  // --- synthesised policies ----------------------------------------------------------------------------------

  /**
   * A local module call (`source = "./modules/x"`) re-read with the caller's literal inputs as its variables
   * (issue #11). Values substituted this way point at the `var.x` reference in the module, since a policy's
   * positions are in one file; the origin names the call. Only policies the inputs change are added: the module's
   * own, with its defaults, come from its own directory.
   */
  private followModule(block: HclBlock): void {
    const child = this.local ? localSource(block, this.module.dir) : undefined;
    if (!this.local || child === undefined) return;
    const files = this.local.parsed.get(child);
    const inputs = literalInputs(block);
    // A caller's `var.x` whose value here is a literal (the caller's caller's input, or a literal default) passes on.
    for (const attribute of block.body.attributes) {
      const expr = attribute.expr;
      if (inputs.has(attribute.name) || expr.kind !== "traversal" || expr.root !== "var" || expr.steps.length !== 1) continue;
      const step = expr.steps[0]!;
      const value = step.kind === "attr" ? this.module.variables?.get(step.name) : undefined;
      if (value && isLiteral(value.expr)) inputs.set(attribute.name, value);
    }
    if (!files || files.length === 0 || inputs.size === 0) return;
    const address = `module.${block.labels[0]!}`;
    if (this.depth + 1 >= MAX_MODULE_DEPTH || this.local.calls.count >= MAX_MODULE_CALLS) {
      const limit =
        this.depth + 1 >= MAX_MODULE_DEPTH ? `${MAX_MODULE_DEPTH} levels of local modules` : `${MAX_MODULE_CALLS} local module calls`;
      const message = `${address} was not followed into ${child} with its inputs: past the limit of ${limit}; its policies were judged with the module's defaults.`;
      const at = rangeOfOffsets(block.file, block.start, block.start + block.type.length);
      this.local.notes.set(`${block.file.path}:${at.line}`, inputFinding(block.file.path, at, "note", message, `${address} not followed`));
      return;
    }
    this.local.calls.count++;
    const scratch = (): ExtractResult => ({ policies: [], facts: [], findings: [] });
    const baseline = scratch();
    new ModuleExtractor(indexModule(files, child, scratch()), this.options, baseline, this.local, this.depth + 1).run();
    const index = indexModule(files, child, scratch());
    index.variables = new Map([...(index.variables ?? []), ...inputs]);
    const instance = scratch();
    new ModuleExtractor(index, this.options, instance, this.local, this.depth + 1).run();
    const seen = new Set(baseline.policies.map((policy) => `${policy.origin} ${JSON.stringify(policy.json)}`));
    for (const policy of instance.policies) {
      if (seen.has(`${policy.origin} ${JSON.stringify(policy.json)}`)) continue;
      policy.origin = `${address} (${block.file.path}:${rangeOf(block).line}) → ${policy.origin}`;
      this.result.policies.push(policy);
    }
  }

  /** `aws_ssoadmin_managed_policy_attachment`: an AWS managed policy attached to a permission set, as a fact. */
  private ssoManagedPolicy(address: string, block: HclBlock): void {
    const arn = attributeOf(block, "managed_policy_arn");
    const set = attributeOf(block, "permission_set_arn");
    if (!arn) return;
    const attachedTo =
      set?.expr.kind === "traversal" && set.expr.root === "aws_ssoadmin_permission_set" && set.expr.steps[0]?.kind === "attr"
        ? `aws_ssoadmin_permission_set.${set.expr.steps[0].name}`
        : address;
    this.result.facts.push({
      type: "managed-policy-attachment",
      file: arn.file.path,
      range: rangeOf(arn.expr),
      origin: address,
      arn: this.arnValue(arn.expr),
      attachedTo,
    });
  }

  private organizationsPolicy(address: string, block: HclBlock): void {
    const type = attributeOf(block, "type");
    const value = type ? literalString(type.expr, this.ctx) : "SERVICE_CONTROL_POLICY";
    if (value === undefined) {
      const message = `${address} .content was not analysed: the policy type comes from ${textOf(type!.expr)}.`;
      this.result.findings.push(inputFinding(block.file.path, rangeOf(type!), "note", message, `${address} type`));
      return;
    }
    const kind = value === "SERVICE_CONTROL_POLICY" ? "scp" : value === "RESOURCE_CONTROL_POLICY" ? "rcp" : undefined;
    // Tag, backup and AI opt-out policies are not IAM policies.
    if (kind) this.policyAttribute(address, block, "content", [{ kind }]);
  }

  // --- facts -------------------------------------------------------------------------------------------------

  private passwordPolicy(address: string, block: HclBlock): void {
    const settings: Record<string, PositionedValue> = {};
    for (const attribute of block.body.attributes) {
      const name = PASSWORD_SETTINGS[attribute.name];
      if (!name) continue;
      const json = toJson(valueOf(attribute.expr, this.ctx, []));
      settings[name] = { value: json, range: rangeOf(attribute.expr) };
    }
    this.result.facts.push({ type: "password-policy", ...this.factBase(address, block), settings });
  }
}

/** A resource-policy use becomes a trust policy when its statements only grant `sts:AssumeRole*`. */
function finishKind(document: PolicyDocument, use: Use): PolicyDocument {
  if (use.infer) document.kind = classifyPolicy(document.json);
  else if (use.kind === "resource") document.kind = classifyPolicy(document.json) === "trust" ? "trust" : "resource";
  return document;
}

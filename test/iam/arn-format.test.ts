import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { arnMatchesResourceType } from "../../src/iam/arn-format.ts";

const OBJECT = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
const BUCKET = "arn:${Partition}:s3:::${BucketName}";
const ROLE = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
const LOG_STREAM = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
const QUEUE = "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}";
const BACKUP_FRAMEWORK = "arn:${Partition}:backup:${Region}:${Account}:framework:${FrameworkName}-${FrameworkId}";

describe("arnMatchesResourceType", () => {
  const cases = [
    { name: "object: all objects of a bucket", arn: "arn:aws:s3:::b/*", format: OBJECT, expected: true },
    { name: "object: one key with slashes and colons", arn: "arn:aws:s3:::b/a/b:c", format: OBJECT, expected: true },
    { name: "object: the bucket is not an object", arn: "arn:aws:s3:::b", format: OBJECT, expected: false },
    { name: "object: empty key is not an object", arn: "arn:aws:s3:::b/", format: OBJECT, expected: false },
    { name: "object: other partitions", arn: "arn:aws-cn:s3:::b/k", format: OBJECT, expected: true },
    { name: "object: other service", arn: "arn:aws:sqs:::b/k", format: OBJECT, expected: false },
    { name: "object: case-sensitive literal parts", arn: "arn:aws:S3:::b/k", format: OBJECT, expected: false },
    { name: "object: star", arn: "*", format: OBJECT, expected: true },
    { name: "object: star after the service", arn: "arn:aws:s3:::*", format: OBJECT, expected: true },
    { name: "object: region must stay empty", arn: "arn:aws:s3:us-east-1::b/k", format: OBJECT, expected: false },
    { name: "bucket: plain bucket", arn: "arn:aws:s3:::b", format: BUCKET, expected: true },
    { name: "bucket: objects are not a bucket", arn: "arn:aws:s3:::b/*", format: BUCKET, expected: false },
    { name: "bucket: all buckets", arn: "arn:aws:s3:::*", format: BUCKET, expected: true },
    { name: "bucket: question marks", arn: "arn:aws:s3:::bucket-??", format: BUCKET, expected: true },
    { name: "role: path", arn: "arn:aws:iam::123456789012:role/a/b/c", format: ROLE, expected: true },
    { name: "role: any account", arn: "arn:aws:iam::*:role/x", format: ROLE, expected: true },
    { name: "role: a user is not a role", arn: "arn:aws:iam::123456789012:user/x", format: ROLE, expected: false },
    { name: "role: account must be non-empty", arn: "arn:aws:iam:::role/x", format: ROLE, expected: false },
    {
      name: "log stream: group with slashes",
      arn: "arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/f:log-stream:s",
      format: LOG_STREAM,
      expected: true,
    },
    {
      name: "log stream: group alone is not a stream",
      arn: "arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/f",
      format: LOG_STREAM,
      expected: false,
    },
    { name: "queue: name", arn: "arn:aws:sqs:us-east-1:123456789012:jobs", format: QUEUE, expected: true },
    { name: "queue: no sub-resources", arn: "arn:aws:sqs:us-east-1:123456789012:jobs/x", format: QUEUE, expected: false },
    {
      name: "variables followed by other text may hold that text",
      arn: "arn:aws:backup:r:1:framework:my-name-abc123",
      format: BACKUP_FRAMEWORK,
      expected: true,
    },
  ] as const;
  for (const { name, arn, format, expected } of cases) {
    test(name, () => assert.equal(arnMatchesResourceType(arn, format), expected));
  }

  const unknowns = [
    { name: "placeholder bucket name", arn: "arn:aws:s3:::{{Ref Bucket}}/*", format: OBJECT, expected: true },
    { name: "placeholder for a whole bucket ARN, then objects", arn: "{{Bucket.Arn}}/*", format: OBJECT, expected: true },
    { name: "a lone placeholder could be any ARN", arn: "{{Bucket.Arn}}", format: OBJECT, expected: true },
    { name: "placeholder partition", arn: "arn:{{AWS::Partition}}:iam::{{AWS::AccountId}}:role/x", format: ROLE, expected: true },
    { name: "placeholder then slash is not a bucket", arn: "{{Bucket.Arn}}/*", format: BUCKET, expected: false },
    { name: "policy variable in the key", arn: "arn:aws:s3:::b/home/${aws:username}/*", format: OBJECT, expected: true },
    { name: "policy variable as the account", arn: "arn:aws:iam::${aws:PrincipalAccount}:role/x", format: ROLE, expected: true },
    { name: "escaped star is a literal star", arn: "arn:aws:s3:::b/${*}", format: OBJECT, expected: true },
    { name: "escaped star cannot stand for a slash", arn: "arn:aws:s3:::b${*}", format: BUCKET, expected: true },
    { name: "unterminated variable is literal text", arn: "arn:aws:s3:::b/${oops", format: OBJECT, expected: true },
  ] as const;
  for (const { name, arn, format, expected } of unknowns) {
    test(name, () => assert.equal(arnMatchesResourceType(arn, format), expected));
  }

  test("a literal star from ${*} does not act as a wildcard", () => {
    assert.equal(arnMatchesResourceType("arn:aws:s3:::${*}", OBJECT), false);
    assert.equal(arnMatchesResourceType("arn:aws:s3:::*", OBJECT), true);
  });

  test("a 10,000-character ARN costs at most (ARN + 1)·(format + 1) steps", () => {
    const arn = `arn:aws:s3:::${"a*".repeat(5_000)}`;
    const counter = { steps: 0 };
    assert.equal(arnMatchesResourceType(arn, OBJECT, counter), true);
    assert.ok(counter.steps > 0 && counter.steps <= (arn.length + 1) * (OBJECT.length + 1), `${counter.steps} steps`);
  });
});

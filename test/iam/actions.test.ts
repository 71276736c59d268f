import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ACCESS_LEVELS,
  actionAcceptsResource,
  actionInfo,
  expandActionPattern,
  resourceTypesOf,
  serviceExists,
  serviceKeys,
  serviceName,
} from "../../src/iam/actions.ts";

describe("services", () => {
  test("known prefixes, any case", () => {
    assert.equal(serviceExists("s3"), true);
    assert.equal(serviceExists("IAM"), true);
    assert.equal(serviceExists("access-analyzer"), true);
  });

  test("unknown prefixes", () => {
    assert.equal(serviceExists("s4"), false);
    assert.equal(serviceExists(""), false);
    assert.equal(serviceExists("../actions/s3"), false);
    assert.equal(serviceExists("constructor"), false);
  });

  test("service keys are lower case, sorted and include the big ones", () => {
    const keys = serviceKeys();
    assert.ok(keys.length > 400, `only ${keys.length} services`);
    assert.deepEqual([...keys].sort(), keys);
    assert.ok(keys.every((key) => key === key.toLowerCase()));
    for (const key of ["s3", "iam", "ec2", "sts", "kms", "lambda"]) assert.ok(keys.includes(key), key);
  });

  test("display names", () => {
    assert.equal(serviceName("S3"), "Amazon S3");
    assert.equal(serviceName("nope"), undefined);
  });
});

describe("actionInfo", () => {
  const cases = [
    { name: "s3:GetObject is Read", action: "s3:GetObject", accessLevel: "Read", accessLevels: ["Read"], wildcardOnly: false },
    { name: "iam:PassRole is Write", action: "iam:PassRole", accessLevel: "Write", accessLevels: ["Write"], wildcardOnly: false },
    {
      name: "iam:PutRolePolicy is Permissions management (listed with Write)",
      action: "iam:PutRolePolicy",
      accessLevel: "Permissions management",
      accessLevels: ["Permissions management", "Write"],
      wildcardOnly: false,
    },
    {
      name: "iam:TagRole is Tagging (listed with Write)",
      action: "iam:TagRole",
      accessLevel: "Tagging",
      accessLevels: ["Tagging", "Write"],
      wildcardOnly: false,
    },
    {
      name: "s3:ListAllMyBuckets is List and wildcard-only",
      action: "s3:ListAllMyBuckets",
      accessLevel: "List",
      accessLevels: ["List"],
      wildcardOnly: true,
    },
  ] as const;
  for (const { name, action, accessLevel, accessLevels, wildcardOnly } of cases) {
    test(name, () => {
      const info = actionInfo(action);
      assert.ok(info, `${action} is unknown`);
      assert.equal(info.action, action);
      assert.equal(info.accessLevel, accessLevel);
      assert.deepEqual(info.accessLevels, accessLevels);
      assert.equal(info.wildcardOnly, wildcardOnly);
      assert.equal(info.resourceTypes.length === 0, wildcardOnly);
    });
  }

  test("canonical case from any input case", () => {
    const info = actionInfo("S3:getobject");
    assert.equal(info?.service, "s3");
    assert.equal(info?.name, "GetObject");
    assert.equal(info?.action, "s3:GetObject");
    assert.equal(actionInfo("IAM:PASSROLE")?.name, "PassRole");
  });

  test("same object for every spelling (cached)", () => {
    assert.equal(actionInfo("s3:GetObject"), actionInfo("s3:getOBJECT"));
  });

  test("returned objects are frozen", () => {
    const info = actionInfo("s3:GetObject")!;
    assert.ok(Object.isFrozen(info));
    assert.ok(Object.isFrozen(info.resourceTypes));
    assert.ok(Object.isFrozen(info.resourceTypes[0]));
  });

  test("resource types, conditions and dependent actions", () => {
    const passRole = actionInfo("iam:PassRole")!;
    assert.deepEqual(
      passRole.resourceTypes.map(({ name, required, arnFormats }) => ({ name, required, arnFormats })),
      [{ name: "role", required: true, arnFormats: ["arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"] }],
    );
    assert.ok(passRole.conditionKeys.includes("iam:PassedToService"));
    assert.ok(actionInfo("s3:GetObject")!.conditionKeys.includes("s3:ExistingObjectTag/<key>"));
  });

  const unknown = [
    { name: "unknown action of a known service", action: "s3:GetObjects" },
    { name: "unknown service", action: "s4:GetObject" },
    { name: "no colon", action: "GetObject" },
    { name: "empty service", action: ":GetObject" },
    { name: "empty action", action: "s3:" },
    { name: "a pattern is not an action", action: "s3:Get*" },
    { name: "inherited property name", action: "s3:constructor" },
    { name: "prototype name", action: "s3:__proto__" },
    { name: "path traversal in the service", action: "../../package:version" },
  ] as const;
  for (const { name, action } of unknown) {
    test(name, () => assert.equal(actionInfo(action), undefined));
  }
});

describe("expandActionPattern", () => {
  test("iam:Pas* is exactly iam:PassRole", () => {
    assert.deepEqual(expandActionPattern("iam:Pas*"), ["iam:PassRole"]);
  });

  test("case-insensitive, canonical case out", () => {
    assert.deepEqual(expandActionPattern("IAM:pAS*"), ["iam:PassRole"]);
  });

  test("s3:Get*Acl", () => {
    assert.deepEqual(expandActionPattern("s3:Get*Acl"), ["s3:GetBucketAcl", "s3:GetObjectAcl", "s3:GetObjectVersionAcl"]);
  });

  test("a literal action expands to itself", () => {
    assert.deepEqual(expandActionPattern("s3:getobject"), ["s3:GetObject"]);
  });

  test("iam:* is every IAM action and only those", () => {
    const all = expandActionPattern("iam:*");
    assert.ok(all.length > 150, `only ${all.length}`);
    assert.ok(all.every((action) => action.startsWith("iam:")));
    for (const action of ["iam:PassRole", "iam:CreateUser", "iam:PutRolePolicy", "iam:AttachRolePolicy"])
      assert.ok(all.includes(action), action);
  });

  test("? matches one character", () => {
    assert.deepEqual(expandActionPattern("iam:PassRol?"), ["iam:PassRole"]);
    assert.deepEqual(expandActionPattern("iam:PassRole?"), []);
  });

  test("* is every action of every service, each once, sorted", () => {
    const all = expandActionPattern("*");
    assert.ok(all.length > 17_000, `only ${all.length}`);
    assert.equal(new Set(all).size, all.length);
    assert.deepEqual([...all].sort(), all);
    assert.ok(all.includes("s3:GetObject"));
    assert.ok(all.includes("iam:PassRole"));
    const services = new Set(all.map((action) => action.slice(0, action.indexOf(":"))));
    assert.equal(services.size, serviceKeys().length);
  });

  test("wildcards in the service part", () => {
    const getObject = expandActionPattern("*:GetObject");
    assert.ok(getObject.includes("s3:GetObject"));
    assert.ok(getObject.every((action) => action.endsWith(":GetObject")));
    assert.deepEqual(expandActionPattern("s?:ListAllMyBuckets"), ["s3:ListAllMyBuckets"]);
  });

  test("results are cached and frozen", () => {
    const first = expandActionPattern("s3:Put*");
    assert.equal(expandActionPattern("S3:PUT*"), first);
    assert.ok(Object.isFrozen(first));
  });

  test("nothing for unknown services, actions and non-actions", () => {
    assert.deepEqual(expandActionPattern("s4:*"), []);
    assert.deepEqual(expandActionPattern("iam:Nothing*"), []);
    assert.deepEqual(expandActionPattern("iam"), []);
    assert.deepEqual(expandActionPattern(""), []);
  });
});

describe("resource types and resources", () => {
  test("resourceTypesOf s3:GetObject has the object ARN format", () => {
    const types = resourceTypesOf("s3:GetObject");
    const object = types?.find((type) => type.name === "object");
    assert.deepEqual(object?.arnFormats, ["arn:${Partition}:s3:::${BucketName}/${ObjectName}"]);
    assert.equal(resourceTypesOf("s3:Nope"), undefined);
    assert.deepEqual(resourceTypesOf("s3:ListAllMyBuckets"), []);
  });

  const accepts = [
    { name: "s3:GetObject accepts objects of a bucket", action: "s3:GetObject", resource: "arn:aws:s3:::b/*", expected: true },
    { name: "s3:GetObject rejects the bucket itself", action: "s3:GetObject", resource: "arn:aws:s3:::b", expected: false },
    {
      name: "s3:GetObject accepts a placeholder bucket's objects",
      action: "s3:GetObject",
      resource: "arn:aws:s3:::{{Ref DataBucket}}/*",
      expected: true,
    },
    {
      name: "s3:GetObject accepts a whole-ARN placeholder",
      action: "s3:GetObject",
      resource: "{{aws_s3_bucket.data.arn}}/*",
      expected: true,
    },
    { name: "s3:GetObject accepts Resource *", action: "s3:GetObject", resource: "*", expected: true },
    { name: "s3:ListBucket rejects objects", action: "s3:ListBucket", resource: "arn:aws:s3:::b/*", expected: false },
    { name: "s3:ListBucket accepts the bucket", action: "s3:ListBucket", resource: "arn:aws:s3:::b", expected: true },
    { name: "s3:ListAllMyBuckets accepts only *", action: "s3:ListAllMyBuckets", resource: "*", expected: true },
    { name: "s3:ListAllMyBuckets rejects an ARN", action: "s3:ListAllMyBuckets", resource: "arn:aws:s3:::*", expected: false },
    { name: "s3:ListAllMyBuckets accepts a placeholder", action: "s3:ListAllMyBuckets", resource: "{{var.resource}}", expected: true },
    {
      name: "iam:PassRole accepts a role with a path",
      action: "iam:PassRole",
      resource: "arn:aws:iam::123456789012:role/service/app",
      expected: true,
    },
    { name: "iam:PassRole rejects a user", action: "iam:PassRole", resource: "arn:aws:iam::123456789012:user/app", expected: false },
    {
      name: "iam:PassRole accepts a policy variable",
      action: "iam:PassRole",
      resource: "arn:aws:iam::${aws:PrincipalAccount}:role/*",
      expected: true,
    },
    {
      name: "logs:PutLogEvents accepts a log group with slashes",
      action: "logs:PutLogEvents",
      resource: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:*",
      expected: true,
    },
  ] as const;
  for (const { name, action, resource, expected } of accepts) {
    test(name, () => assert.equal(actionAcceptsResource(action, resource), expected));
  }

  test("unknown action gives undefined", () => {
    assert.equal(actionAcceptsResource("s3:Nope", "*"), undefined);
  });
});

describe("ACCESS_LEVELS", () => {
  test("the five AWS access levels", () => {
    assert.deepEqual([...ACCESS_LEVELS].sort(), ["List", "Permissions management", "Read", "Tagging", "Write"]);
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { conditionKeyInfo, globalConditionKeyInfo, lookupConditionKey } from "../../src/iam/condition-keys.ts";

describe("globalConditionKeyInfo", () => {
  const cases = [
    { name: "aws:SourceIp is an IPAddress", key: "aws:SourceIp", expected: { name: "aws:SourceIp", type: "IPAddress", template: false } },
    { name: "any case", key: "AWS:SOURCEIP", expected: { name: "aws:SourceIp", type: "IPAddress", template: false } },
    { name: "aws:PrincipalArn is an ARN", key: "aws:PrincipalArn", expected: { name: "aws:PrincipalArn", type: "ARN", template: false } },
    {
      name: "aws:MultiFactorAuthPresent is a Bool",
      key: "aws:MultiFactorAuthPresent",
      expected: { name: "aws:MultiFactorAuthPresent", type: "Bool", template: false },
    },
    {
      name: "aws:MultiFactorAuthAge is Numeric",
      key: "aws:MultiFactorAuthAge",
      expected: { name: "aws:MultiFactorAuthAge", type: "Numeric", template: false },
    },
    { name: "aws:CurrentTime is a Date", key: "aws:CurrentTime", expected: { name: "aws:CurrentTime", type: "Date", template: false } },
    {
      name: "aws:PrincipalOrgPaths is ArrayOfString",
      key: "aws:PrincipalOrgPaths",
      expected: { name: "aws:PrincipalOrgPaths", type: "ArrayOfString", template: false },
    },
    {
      name: "tag-suffixed aws:PrincipalTag/team",
      key: "aws:PrincipalTag/team",
      expected: { name: "aws:PrincipalTag/tag-key", type: "String", template: true },
    },
    {
      name: "tag key with slashes and colons",
      key: "aws:ResourceTag/kubernetes.io/cluster:x",
      expected: { name: "aws:ResourceTag/tag-key", type: "String", template: true },
    },
    {
      name: "service-prefixed global key",
      key: "ec2:SourceInstanceArn",
      expected: { name: "ec2:SourceInstanceArn", type: "ARN", template: false },
    },
  ] as const;
  for (const { name, key, expected } of cases) {
    test(name, () => {
      const info = globalConditionKeyInfo(key);
      assert.ok(info, `${key} not found`);
      assert.deepEqual({ name: info.name, type: info.type, template: info.template }, expected);
      assert.equal(info.global, true);
    });
  }

  const unknown = [
    { name: "unknown aws key", key: "aws:NoSuchKey" },
    { name: "tag prefix without a tag key", key: "aws:PrincipalTag/" },
    { name: "tag prefix without a slash", key: "aws:PrincipalTag" },
    { name: "service key is not global", key: "s3:prefix" },
    { name: "inherited property name", key: "constructor" },
  ] as const;
  for (const { name, key } of unknown) {
    test(name, () => assert.equal(globalConditionKeyInfo(key), undefined));
  }
});

describe("conditionKeyInfo", () => {
  const cases = [
    { name: "s3:prefix is a String", service: "s3", key: "s3:prefix", expected: { name: "s3:prefix", type: "String", global: false } },
    {
      name: "service and key in any case",
      service: "S3",
      key: "S3:PREFIX",
      expected: { name: "s3:prefix", type: "String", global: false },
    },
    {
      name: "iam:PassedToService",
      service: "iam",
      key: "iam:PassedToService",
      expected: { name: "iam:PassedToService", type: "String", global: false },
    },
    {
      name: "s3:ExistingObjectTag/<key> matches a concrete tag",
      service: "s3",
      key: "s3:ExistingObjectTag/classification",
      expected: { name: "s3:ExistingObjectTag/<key>", type: "String", global: false },
    },
    {
      name: "aws:RequestTag/${TagKey} as the service documents it",
      service: "s3",
      key: "aws:RequestTag/team",
      expected: { name: "aws:RequestTag/${TagKey}", type: "String", global: false },
    },
    {
      name: "global keys apply to every service",
      service: "s3",
      key: "aws:SecureTransport",
      expected: { name: "aws:SecureTransport", type: "Bool", global: true },
    },
    {
      name: "ArrayOfString service key",
      service: "sts",
      key: "sts:TransitiveTagKeys",
      expected: { name: "sts:TransitiveTagKeys", type: "ArrayOfString", global: false },
    },
  ] as const;
  for (const { name, service, key, expected } of cases) {
    test(name, () => {
      const info = conditionKeyInfo(service, key);
      assert.ok(info, `${key} not found for ${service}`);
      assert.deepEqual({ name: info.name, type: info.type, global: info.global }, expected);
    });
  }

  const unknown = [
    { name: "unknown key of a known service", service: "s3", key: "s3:NoSuchKey" },
    { name: "unknown service", service: "s4", key: "s4:prefix" },
    { name: "tag template needs a tag key", service: "s3", key: "s3:ExistingObjectTag/" },
    { name: "another service's key", service: "sqs", key: "s3:prefix" },
  ] as const;
  for (const { name, service, key } of unknown) {
    test(name, () => assert.equal(conditionKeyInfo(service, key), undefined));
  }
});

describe("lookupConditionKey", () => {
  const cases = [
    { name: "global key", key: "aws:SourceVpce", expected: { name: "aws:SourceVpce", type: "String" } },
    { name: "service key by its prefix", key: "s3:x-amz-acl", expected: { name: "s3:x-amz-acl", type: "String" } },
    { name: "tag-suffixed service key", key: "s3:RequestObjectTag/env", expected: { name: "s3:RequestObjectTag/<key>", type: "String" } },
    {
      name: "GitHub OIDC key documented under sts",
      key: "token.actions.githubusercontent.com:actor",
      expected: { name: "token.actions.githubusercontent.com:actor", type: "String" },
    },
    {
      name: "GitHub Enterprise OIDC key with a variable prefix",
      key: "github.com/enterprises/acme:actor",
      expected: { name: "github.com/enterprises/${EnterpriseName}:actor", type: "String" },
    },
    { name: "SAML key documented under sts", key: "saml:aud", expected: { name: "saml:aud", type: "String" } },
  ] as const;
  for (const { name, key, expected } of cases) {
    test(name, () => {
      const info = lookupConditionKey(key);
      assert.ok(info, `${key} not found`);
      assert.deepEqual({ name: info.name, type: info.type }, expected);
    });
  }

  const unknown = [
    { name: "no prefix", key: "prefix" },
    { name: "unknown prefix", key: "nothing:here" },
    { name: "unknown key of a known service", key: "iam:NoSuchKey" },
    { name: "gap in iam-data: token.actions.githubusercontent.com:sub is not listed", key: "token.actions.githubusercontent.com:sub" },
  ] as const;
  for (const { name, key } of unknown) {
    test(name, () => assert.equal(lookupConditionKey(key), undefined));
  }
});

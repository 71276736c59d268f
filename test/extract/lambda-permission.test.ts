/**
 * One Lambda permission, one policy (issue #9): CloudFormation and Terraform build the same resource policy from the
 * same permission, including the event-source token and whether the principal is a service.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractFiles } from "../../src/extract/index.ts";
import { isServicePrincipal } from "../../src/extract/lambda-permission.ts";

async function policyOf(path: string, text: string) {
  const result = await extractFiles([{ path, text }]);
  assert.deepEqual(result.findings, []);
  assert.equal(result.policies.length, 1);
  return result.policies[0]!;
}

const CFN = (principal: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: arn:aws:lambda:us-east-1:111122223333:function:f
      Principal: ${principal}
      SourceAccount: "111122223333"
      EventSourceToken: token-1
`;

const TF = (principal: string) => `resource "aws_lambda_permission" "invoke" {
  action             = "lambda:InvokeFunction"
  function_name      = "arn:aws:lambda:us-east-1:111122223333:function:f"
  principal          = "${principal}"
  source_account     = "111122223333"
  event_source_token = "token-1"
}
`;

describe("Lambda permissions", () => {
  for (const principal of [
    "alexa-appkit.amazon.com",
    "s3.amazonaws.com",
    "111122223333",
    "arn:aws:iam::111122223333:root",
    "partner.example.com",
  ]) {
    it(`CloudFormation and Terraform build the same policy for principal ${principal}`, async () => {
      const cfn = await policyOf("template.yaml", CFN(principal));
      const tf = await policyOf("main.tf", TF(principal));
      assert.deepEqual(cfn.json, tf.json);
      assert.deepEqual(cfn.kind, "resource");
      assert.deepEqual(tf.resourceType, cfn.resourceType);
    });
  }

  it("keeps the event-source token as a condition in both", async () => {
    const cfn = await policyOf("template.yaml", CFN("alexa-appkit.amazon.com"));
    assert.deepEqual(cfn.json, {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "alexa-appkit.amazon.com" },
          Action: "lambda:InvokeFunction",
          Resource: "arn:aws:lambda:us-east-1:111122223333:function:f",
          Condition: { StringEquals: { "aws:SourceAccount": "111122223333", "lambda:EventSourceToken": "token-1" } },
        },
      ],
    });
  });

  it("names service principals by their AWS domains only", () => {
    assert.ok(isServicePrincipal("events.amazonaws.com"));
    assert.ok(isServicePrincipal("logs.cn-north-1.amazonaws.com.cn"));
    assert.ok(isServicePrincipal("alexa-connectedhome.amazon.com"));
    assert.ok(!isServicePrincipal("partner.example.com"));
    assert.ok(!isServicePrincipal("111122223333"));
    assert.ok(!isServicePrincipal("arn:aws:iam::111122223333:role/s3.amazonaws.com"));
  });
});

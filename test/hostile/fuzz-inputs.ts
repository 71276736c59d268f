/**
 * fast-check arbitraries for issue #12's property tests: JSON policies, CloudFormation YAML templates and
 * Terraform modules built from hostile pieces — `Object.prototype` keys, elements of the wrong type, AWS
 * credentials in every position, intrinsic functions and references naming prototype keys, control characters,
 * LF/CRLF/lone-CR line ends, and cuts at any offset.
 */
import fc from "fast-check";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";
const KEY_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** An access key id that is not one of AWS's documented examples. */
export const accessKeyId = fc
  .string({ unit: fc.constantFrom(...KEY_ID_CHARS), minLength: 16, maxLength: 16 })
  .filter((s) => !s.endsWith("EXAMPLE"))
  .map((s) => `AKIA${s}`);

/** A secret access key: 40 base64 characters with upper case, lower case and digits, as random keys have. */
export const secretKey = fc.string({ unit: fc.constantFrom(...BASE64), minLength: 37, maxLength: 37 }).map((s) => `Qz7${s}`);

export const credential = fc.oneof(accessKeyId, secretKey);

const PROTO_KEYS = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__", "isPrototypeOf", "toLocaleString"];
const POLICY_KEYS = [
  "Version",
  "Statement",
  "Sid",
  "Effect",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Principal",
  "NotPrincipal",
  "Condition",
  "Id",
];
const INNER_KEYS = [
  "AWS",
  "Service",
  "Federated",
  "StringEquals",
  "StringLike",
  "ArnLike",
  "Bool",
  "Null",
  "aws:SourceArn",
  "aws:PrincipalOrgID",
  "sts:ExternalId",
  "ForAllValues:StringLike",
];

export const hostileKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTO_KEYS) },
  { weight: 4, arbitrary: fc.constantFrom(...POLICY_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom(...INNER_KEYS) },
  { weight: 1, arbitrary: credential },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

const WORDS = [
  "*",
  "s3:*",
  "s3:GetObject",
  "iam:PassRole",
  "iam:*",
  "sts:AssumeRole",
  "ec2:RunInstances",
  "*?*?*?*",
  "Allow",
  "Deny",
  "allow",
  "2012-10-17",
  "2008-10-17",
  "arn:aws:s3:::b/*",
  "arn:aws:iam::123456789012:root",
  "arn:aws:iam::*:role/*",
  "lambda.amazonaws.com",
  "${aws:username}",
  "{{resolve:ssm:/x}}",
  "true",
  "",
];

/** A string value: policy words, credentials alone or inside an action or ARN, prototype keys, odd text. */
export const hostileString = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS) },
  { weight: 2, arbitrary: credential },
  { weight: 1, arbitrary: credential.map((c) => `s3:${c}`) },
  { weight: 1, arbitrary: credential.map((c) => `arn:aws:s3:::${c}/*`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom("\r", "\n", "\t", "\u0001", "\u2028", "a", "é", "😀", '"', "\\"), maxLength: 6 }),
  },
);

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const { json: hostileJson } = fc.letrec<{ json: Json; object: Json; array: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    fc.integer({ min: -5, max: 99999 }),
    fc.boolean(),
    fc.constant(null),
    tie("object"),
    tie("array"),
  ),
  object: fc.array(fc.tuple(hostileKey, tie("json")), { maxLength: 5 }).map((entries) => {
    const out: Record<string, Json> = {};
    for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    return out;
  }),
  array: fc.array(tie("json"), { maxLength: 4 }),
}));

const ownObject = (entries: [string, Json][]): Record<string, Json> => {
  const out: Record<string, Json> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
};

/** A statement: mostly statement keys with plausible or hostile values. */
const statement = fc
  .array(fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...POLICY_KEYS) }, { weight: 1, arbitrary: hostileKey }), hostileJson), {
    maxLength: 7,
  })
  .map(ownObject);

/** A policy document as a JSON value. */
export const policyJson: fc.Arbitrary<Json> = fc
  .tuple(
    fc.option(hostileJson),
    fc.oneof(fc.array(statement, { maxLength: 4 }), statement, hostileJson),
    fc.array(fc.tuple(hostileKey, hostileJson), { maxLength: 2 }),
  )
  .map(([version, statements, extra]) =>
    ownObject([...(version === null ? [] : [["Version", version] as [string, Json]]), ["Statement", statements], ...extra]),
  );

/** Line ends: as written, CRLF, or lone CR. */
const lineEnds = fc.constantFrom("lf", "crlf", "cr");

function withLineEnds(text: string, mode: string): string {
  return mode === "crlf" ? text.replace(/\n/g, "\r\n") : mode === "cr" ? text.replace(/\n/g, "\r") : text;
}

/** The text as generated, cut at some offset, or with a control character or bracket spliced in. */
function damage(text: string, kind: number, at: number): string {
  const offset = Math.floor(at * (text.length + 1));
  switch (kind) {
    case 1:
      return text.slice(0, offset);
    case 2:
      return `${text.slice(0, offset)}\u0001${text.slice(offset)}`;
    case 3:
      return `${text.slice(0, offset)}${"[{"[offset % 2]}${text.slice(offset)}`;
    default:
      return text;
  }
}

const damaged = (text: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(
      text,
      lineEnds,
      fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    )
    .map(([t, ends, kind, at]) => damage(withLineEnds(t, ends), kind, at));

/** A value that may be a CloudFormation intrinsic in JSON form, naming prototype keys. */
const jsonIntrinsic: fc.Arbitrary<Json> = fc.oneof(
  hostileJson,
  fc.constantFrom(...PROTO_KEYS, "X", "AWS::NoValue").map((name) => ({ Ref: name })),
  fc
    .tuple(hostileString, fc.constantFrom(...PROTO_KEYS, "X"))
    .map(([template, name]) => ({ "Fn::Sub": [`${template}\${${name}}`, { X: template }] })),
  fc.constantFrom(...PROTO_KEYS).map((name) => ({ "Fn::Split": [",", { Ref: name }] })),
  fc.tuple(fc.constantFrom(...PROTO_KEYS), fc.constantFrom(...PROTO_KEYS)).map(([a, b]) => ({ "Fn::FindInMap": [a, b, "x"] })),
);

/** A CloudFormation template in JSON, its policy's values possibly intrinsics. */
const jsonTemplate = fc
  .tuple(
    fc.constantFrom(...["AWS::IAM::Policy", "AWS::S3::BucketPolicy", "AWS::IAM::Role", "constructor", "toString"]),
    fc.constantFrom(...PROTO_KEYS, "R"),
    fc.array(fc.tuple(fc.constantFrom(...POLICY_KEYS), jsonIntrinsic), { maxLength: 5 }),
  )
  .map(([type, id, statement]) => ({
    AWSTemplateFormatVersion: "2010-09-09",
    Parameters: ownObject([[id, { Type: "String", Default: "x" }]]),
    Resources: ownObject([
      [
        id,
        {
          Type: type,
          Properties: {
            PolicyDocument: { Statement: [ownObject(statement)] },
            AssumeRolePolicyDocument: { Statement: [ownObject(statement)] },
          },
        },
      ],
    ]),
  }));

/** JSON files: bare policies, templates, and policies held in a JSON string (as `aws s3api get-bucket-policy` prints them). */
export const jsonFile = damaged(
  fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: policyJson },
        { weight: 2, arbitrary: jsonTemplate },
        { weight: 1, arbitrary: policyJson.map((p) => ({ Policy: JSON.stringify(p) })) },
      ),
      fc.constantFrom(0, 1, 2),
    )
    .map(([value, indent]) => JSON.stringify(value, null, indent)),
);

// --- CloudFormation YAML ------------------------------------------------------------------------------------

const NAMES = [
  "X",
  "Bucket",
  "toString",
  "constructor",
  "__proto__",
  "valueOf",
  "AWS::NoValue",
  "AWS::AccountId",
  "AWS::Partition",
  "Role",
];
const name = fc.oneof(fc.constantFrom(...NAMES), credential);

const yamlScalar = hostileString.map((s) => JSON.stringify(s));

/** A YAML flow value that may call intrinsic functions (short tags) naming prototype keys and nesting `!Sub`s. */
const { value: yamlValue } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "xsmall", withCrossShrink: true },
    yamlScalar,
    name.map((n) => `!Ref ${n}`),
    fc.tuple(name, name).map(([a, b]) => `!GetAtt ${a}.${b}`),
    fc
      .tuple(fc.array(name, { minLength: 1, maxLength: 4 }), fc.option(tie("value")))
      .map(
        ([names, inner]) =>
          `!Sub [${JSON.stringify(names.map((n) => `arn:\${${n}}`).join(":"))}, {${inner === null ? "" : `X: ${inner}`}}]`,
      ),
    tie("value").map((v) => `!Split [",", ${v}]`),
    fc.array(tie("value"), { maxLength: 3 }).map((items) => `!Join ["", [${items.join(", ")}]]`),
    fc.tuple(name, tie("value"), tie("value")).map(([c, a, b]) => `!If [${c}, ${a}, ${b}]`),
    fc.tuple(name, name, name).map(([a, b, c]) => `!FindInMap [${a}, ${b}, ${c}]`),
    tie("value").map((v) => `!Select [0, ${v}]`),
    fc.array(tie("value"), { maxLength: 3 }).map((items) => `[${items.join(", ")}]`),
    fc
      .array(fc.tuple(hostileKey, tie("value")), { maxLength: 3 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ")}}`),
  ),
}));

const yamlStatement = fc
  .array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...POLICY_KEYS) }, { weight: 1, arbitrary: hostileKey }), yamlValue), {
    maxLength: 4,
  })
  .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ")}}`);

const RESOURCE_TYPES = [
  "AWS::IAM::Policy",
  "AWS::IAM::ManagedPolicy",
  "AWS::IAM::Role",
  "AWS::S3::BucketPolicy",
  "AWS::Lambda::Permission",
  "AWS::IAM::User",
  "AWS::IAM::AccessKey",
  "AWS::Serverless::Function",
  "toString",
  "constructor",
  "__proto__",
];

const yamlResource = fc
  .tuple(
    name,
    fc.constantFrom(...RESOURCE_TYPES),
    fc.constantFrom("PolicyDocument", "AssumeRolePolicyDocument", "Policies"),
    fc.array(yamlStatement, { maxLength: 2 }),
    fc.option(yamlValue),
    fc.array(fc.tuple(hostileKey, yamlValue), { maxLength: 2 }),
  )
  .map(([id, type, property, statements, version, extra]) => {
    const document = `{${version === null ? "" : `Version: ${version}, `}Statement: [${statements.join(", ")}]}`;
    const value = property === "Policies" ? `[{PolicyName: p, PolicyDocument: ${document}}]` : document;
    return `  ${JSON.stringify(id)}:\n    Type: ${type}\n    Properties:\n      ${property}: ${value}\n${extra.map(([k, v]) => `      ${JSON.stringify(k)}: ${v}\n`).join("")}`;
  });

/** CloudFormation templates in YAML. */
export const yamlFile = damaged(
  fc
    .tuple(
      fc.array(fc.tuple(name, yamlValue), { maxLength: 3 }),
      fc.array(fc.tuple(name, name, name, yamlScalar), { maxLength: 2 }),
      fc.array(yamlResource, { minLength: 1, maxLength: 2 }),
    )
    .map(
      ([parameters, mappings, resources]) =>
        'AWSTemplateFormatVersion: "2010-09-09"\n' +
        (parameters.length
          ? `Parameters:\n${parameters.map(([n, v]) => `  ${JSON.stringify(n)}: {Type: String, Default: ${v}}\n`).join("")}`
          : "") +
        (mappings.length
          ? `Mappings:\n${mappings.map(([a, b, c, v]) => `  ${JSON.stringify(a)}: {${JSON.stringify(b)}: {${JSON.stringify(c)}: ${v}}}\n`).join("")}`
          : "") +
        `Resources:\n${resources.join("")}`,
    ),
);

// --- Terraform ----------------------------------------------------------------------------------------------

const hclString = hostileString.map((s) => JSON.stringify(s).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{"));
const ident = fc.oneof(
  fc.constantFrom("x", "policy", "toString", "constructor", "__proto__", "valueOf", "hasOwnProperty", "main"),
  fc.constantFrom("a", "b"),
);

const { value: hclValue } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "xsmall", withCrossShrink: true },
    hclString,
    fc.integer({ min: 0, max: 999 }).map(String),
    fc.constantFrom("true", "null", "var.x", "local.toString", "local.constructor", "aws_iam_role.toString.arn", "each.value"),
    ident.map((n) => `"arn:aws:s3:::\${local.${n}}/*"`),
    fc.array(tie("value"), { maxLength: 3 }).map((items) => `[${items.join(", ")}]`),
    fc
      .array(
        fc.tuple(
          fc.oneof(
            ident,
            hostileKey.map((k) => JSON.stringify(k)),
          ),
          tie("value"),
        ),
        { maxLength: 3 },
      )
      .map((entries) => `{ ${entries.map(([k, v]) => `${k} = ${v}`).join(", ")} }`),
    tie("value").map((v) => `jsonencode(${v})`),
    fc.array(tie("value"), { maxLength: 2 }).map((items) => `concat(${items.join(", ")})`),
    fc.constantFrom('file("${path.module}/../outside.json")', 'file("/etc/passwd")', 'templatefile("p.json", {})'),
  ),
}));

const policyHcl = fc.oneof(
  fc
    .tuple(
      fc.option(hclValue),
      fc.array(fc.array(fc.tuple(fc.oneof(fc.constantFrom(...POLICY_KEYS), ident), hclValue), { maxLength: 5 }), { maxLength: 3 }),
    )
    .map(
      ([version, statements]) =>
        `jsonencode({\n${version === null ? "" : `    Version = ${version}\n`}    Statement = [${statements.map((s) => `{ ${s.map(([k, v]) => `${k} = ${v}`).join(", ")} }`).join(", ")}]\n  })`,
    ),
  // JSON in a heredoc, with interpolations in keys and values.
  fc.tuple(policyJson, ident).map(
    ([policy, n]) =>
      `<<EOF\n${JSON.stringify(policy, null, 1)
        .replace(/\$\{/g, "$$${")
        .replace(/%\{/g, "%%{")
        .replace(/"Resource": "[^"]*"/g, `"Resource": "\${local.${n}}"`)}\nEOF`,
  ),
);

const documentBlock = fc
  .tuple(ident, fc.array(fc.tuple(hclValue, hclValue, hclValue, hclValue, hclValue), { maxLength: 3 }))
  .map(
    ([n, statements]) =>
      `data "aws_iam_policy_document" "${n}" {\n` +
      statements
        .map(
          ([actions, type, identifiers, test, values]) =>
            `  statement {\n    actions = ${actions}\n    principals {\n      type = ${type}\n      identifiers = ${identifiers}\n    }\n` +
            `    condition {\n      test = ${test}\n      variable = "aws:SourceArn"\n      values = ${values}\n    }\n  }\n`,
        )
        .join("") +
      "}\n",
  );

const TF_TYPES = [
  "aws_iam_policy",
  "aws_iam_role_policy",
  "aws_s3_bucket_policy",
  "aws_iam_role",
  "aws_lambda_permission",
  "aws_iam_role_policy_attachment",
  "aws_iam_user",
  "toString",
  "constructor",
  "__proto__",
  "hasOwnProperty",
  "valueOf",
];

const resourceBlock = fc
  .tuple(
    fc.constantFrom("resource", "data"),
    fc.constantFrom(...TF_TYPES),
    ident,
    policyHcl,
    fc.array(fc.tuple(ident, hclValue), { maxLength: 3 }),
  )
  .map(
    ([kind, type, n, policy, attributes]) =>
      `${kind} "${type}" "${n}" {\n  policy = ${policy}\n  assume_role_policy = data.aws_iam_policy_document.${n}.json\n${attributes.map(([k, v]) => `  ${k} = ${v}\n`).join("")}}\n`,
  );

const localsBlock = fc
  .array(fc.tuple(ident, hclValue), { maxLength: 3 })
  .map((entries) => `locals {\n${entries.map(([k, v]) => `  ${k} = ${v}\n`).join("")}}\n`);

/** Terraform files (one module). */
export const terraformFile = damaged(
  fc.array(fc.oneof(resourceBlock, documentBlock, localsBlock), { minLength: 1, maxLength: 3 }).map((blocks) => blocks.join("\n")),
);

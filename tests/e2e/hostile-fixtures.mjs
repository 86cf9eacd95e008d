// Exports whose every text field is an XSS payload, in several formats, for
// tests/e2e/xss.test.mjs. Written at test time, so that each payload sits in
// a field the page renders: resource names and ids, tags (keys and values),
// descriptions, policy text (evidence excerpts), logical ids and addresses
// (JSON pointers), YAML parse errors that quote the file, and file names.
//
// Every payload calls the canary `__xss(tag)` (tests/e2e/helpers.mjs) if it
// ever runs, so a failure names the payload that got through.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PAYLOADS = {
  img: "<img src=x onerror=__xss('img')>",
  script: "<script>__xss('script')</script>",
  svg: "\"><svg onload=__xss('svg')>",
  jsurl: "javascript:__xss('jsurl')",
  anchor: "<a href=\"javascript:__xss('anchor')\">open</a>",
  srcdoc: "<iframe srcdoc=\"<script>parent.__xss('srcdoc')</script>\"></iframe>",
  svgScript: "<svg><script href=\"data:text/javascript,__xss('svgScript')\"></script></svg>",
  mxss: "<math><mtext><table><mglyph><style><img src=x onerror=__xss('mxss')>",
  template: "{{constructor.constructor('__xss(\"template\")')()}} ${__xss('literal')}",
  object: "<object data=\"data:text/html,<script>__xss('object')</script>\"></object>",
  meta: "<meta http-equiv=refresh content=\"0;url=javascript:__xss('meta')\">",
  base: "<base href=\"javascript:__xss('base')//\">",
  closer: "</textarea></title></style></script><img src=x onerror=__xss('closer')>",
  // Trusted Types bypass attempts: a policy by the page's name, a default policy.
  ttPolicy: "<img src=x onerror=\"trustedTypes.createPolicy('keyhole',{createHTML:s=>s});__xss('ttPolicy')\">",
  ttDefault: "<img src=x onerror=\"trustedTypes.createPolicy('default',{createHTML:s=>s,createScriptURL:s=>s});__xss('ttDefault')\">",
  // Short enough to survive the 30 characters a "this is not JSON" error quotes.
  short: "<svg onload=__xss('short')>",
};

/** Every payload's text, for the "shown literally" checks. */
export const ALL = Object.values(PAYLOADS);

const ACCOUNT = '123456789012';

/** `aws ec2 describe-security-groups --output json`: an open group, every string a payload. */
function awsCli() {
  return {
    SecurityGroups: [{
      GroupName: PAYLOADS.img,
      GroupId: 'sg-0123456789abcdef0',
      Description: PAYLOADS.script,
      OwnerId: ACCOUNT,
      VpcId: 'vpc-0a1b2c3d',
      IpPermissions: [{
        IpProtocol: 'tcp', FromPort: 22, ToPort: 22,
        IpRanges: [{ CidrIp: '0.0.0.0/0', Description: PAYLOADS.svg }],
        Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [],
      }],
      IpPermissionsEgress: [],
      Tags: [{ Key: 'Name', Value: PAYLOADS.jsurl }, { Key: PAYLOADS.mxss, Value: PAYLOADS.template }],
    }],
  };
}

/** `terraform show -json` of a plan: a public bucket whose address, name, tags and policy are payloads. */
function terraformPlan() {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      // The excerpt shows the blamed statement: both payloads in it.
      { Sid: PAYLOADS.ttDefault, Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::x/' + PAYLOADS.closer },
    ],
  });
  const resources = [
    {
      address: 'aws_s3_bucket.' + PAYLOADS.anchor, mode: 'managed', type: 'aws_s3_bucket', name: PAYLOADS.anchor,
      provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 0,
      values: { bucket: PAYLOADS.anchor, force_destroy: false, tags: { Owner: PAYLOADS.srcdoc, [PAYLOADS.base]: PAYLOADS.ttPolicy } },
      sensitive_values: {},
    },
    {
      address: 'aws_s3_bucket_public_access_block.hostile', mode: 'managed', type: 'aws_s3_bucket_public_access_block', name: 'hostile',
      provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 0,
      values: { bucket: PAYLOADS.anchor, block_public_acls: false, block_public_policy: false, ignore_public_acls: false, restrict_public_buckets: false },
      sensitive_values: {},
    },
    {
      address: 'aws_s3_bucket_policy.hostile', mode: 'managed', type: 'aws_s3_bucket_policy', name: 'hostile',
      provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 0,
      values: { bucket: PAYLOADS.anchor, policy },
      sensitive_values: {},
    },
  ];
  return {
    format_version: '1.2',
    terraform_version: '1.9.0',
    planned_values: { root_module: { resources } },
    resource_changes: resources.map((r) => ({
      address: r.address, mode: r.mode, type: r.type, name: r.name, provider_name: r.provider_name,
      change: { actions: ['create'], before: null, after: r.values, after_unknown: {}, before_sensitive: false, after_sensitive: {} },
    })),
    configuration: { root_module: {} },
    applyable: true,
    complete: true,
    errored: false,
  };
}

/**
 * A CloudFormation template in YAML: payloads in names, tags and policy text
 * (YAML strings, single-quoted). (The page cannot show excerpts of YAML yet,
 * so tags and policy text are tested in the JSON formats.)
 */
function cloudFormationYaml() {
  const q = (s) => "'" + s.replace(/'/g, "''") + "'";
  return [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Description: ' + q(PAYLOADS.meta),
    'Resources:',
    '  OpenBucket:',
    '    Type: AWS::S3::Bucket',
    '    Properties:',
    '      BucketName: ' + q(PAYLOADS.svgScript),
    '      PublicAccessBlockConfiguration:',
    '        BlockPublicAcls: false',
    '        BlockPublicPolicy: false',
    '        IgnorePublicAcls: false',
    '        RestrictPublicBuckets: false',
    '      Tags:',
    '        - Key: ' + q(PAYLOADS.base),
    '          Value: ' + q(PAYLOADS.ttPolicy),
    '  OpenBucketPolicy:',
    '    Type: AWS::S3::BucketPolicy',
    '    Properties:',
    '      Bucket: !Ref OpenBucket',
    '      PolicyDocument:',
    '        Version: "2012-10-17"',
    '        Statement:',
    '          - Sid: ' + q(PAYLOADS.ttDefault),
    '            Effect: Allow',
    '            Principal: "*"',
    '            Action: s3:GetObject',
    '            Resource: !Sub "arn:aws:s3:::${OpenBucket}/*"',
    // A logical id and a type no rule reads: both are quoted in the "not checked" list.
    '  ' + q(PAYLOADS.mxss) + ':',
    '    Type: ' + q('Custom::' + PAYLOADS.template),
    '    Properties: {}',
    '',
  ].join('\n');
}

/** YAML the parser refuses, on a line full of payload: the error message quotes where it broke. */
function brokenYaml() {
  return [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Resources:',
    '  Bucket:',
    '    Type: AWS::S3::Bucket',
    '    Properties:',
    '      BucketName: "' + PAYLOADS.img + ' ' + PAYLOADS.script,
    '      Tags: [' + PAYLOADS.svg,
    '',
  ].join('\n');
}

/** JSON of no known shape: the error lists its top-level keys. */
function unknownShape() {
  return { [PAYLOADS.object]: { a: 1 }, [PAYLOADS.meta]: [] };
}

/**
 * Writes the hostile exports into `dir`. The file names are payloads too.
 * Returns { names, byFormat } (names in upload order).
 */
export function writeHostileFixtures(dir) {
  const files = [
    ['aws-cli', `sg ${PAYLOADS.img}.json`, JSON.stringify(awsCli(), null, 2)],
    ['terraform-plan', `plan ${PAYLOADS.svg}.tfplan.json`, JSON.stringify(terraformPlan(), null, 2)],
    ['cloudformation', `template ${PAYLOADS.script.replace(/\//g, '∕')}.yaml`, cloudFormationYaml()],
    ['broken-yaml', `broken ${PAYLOADS.jsurl}.yaml`, brokenYaml()],
    ['unknown-shape', `shape ${PAYLOADS.ttPolicy.slice(0, 40)}.json`, JSON.stringify(unknownShape())],
    // Not JSON at all: the error quotes how the file starts.
    ['not-json', 'notes.txt', PAYLOADS.short + '\nsecurity groups: open\n'],
  ];
  for (const [, name, body] of files) writeFileSync(join(dir, name), body);
  return { names: files.map((f) => f[1]), byFormat: Object.fromEntries(files.map((f) => [f[0], f[1]])) };
}

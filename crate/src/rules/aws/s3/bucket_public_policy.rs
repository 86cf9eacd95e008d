use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{policy_exposure, TYPES};

pub struct BucketPublicPolicy;

pub static META: RuleMeta = RuleMeta {
    id: "aws-s3-bucket-public-policy",
    title: "S3 bucket policy allows access to everyone",
    provider: Provider::Aws,
    service: "s3",
    resource_types: TYPES,
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags a bucket whose policy has an `Allow` statement for an anonymous principal (`\"*\"` or `{\"AWS\": \"*\"}`, or `NotPrincipal`) that no condition restricts, when `RestrictPublicBuckets` is on neither for the bucket nor for the account. A condition restricts only with AWS's own list of keys and fixed values: `aws:SourceIp` ranges that do not cover the internet, `aws:SourceVpc`, `aws:SourceVpce`, `aws:PrincipalOrgID`, `aws:SourceAccount` and the like. A statement whose only conditions use other keys is reported as unknown, one step lower, never as safe.",
    why: "A public bucket policy lets anyone on the internet use the granted actions, usually `s3:GetObject` on every object. Wildcard values (`vpc-*`, `o-*`) and `0.0.0.0/0` among office ranges look like restrictions but are not.",
    fix: Fix {
        console: "S3 → the bucket → Permissions → Bucket policy → Edit: replace `\"Principal\": \"*\"` with the accounts or roles that need access, or add a condition on `aws:SourceVpce` or `aws:SourceIp` with your own ranges. Then turn on Block public access for the bucket (at least \"Block public and cross-account access ... through any public bucket policies\", RestrictPublicBuckets).",
        cli: "aws s3api put-public-access-block --bucket BUCKET \\\n  --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n# or rewrite the policy without the anonymous statement:\naws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json",
        terraform: "resource \"aws_s3_bucket_public_access_block\" \"this\" {\n  bucket                  = aws_s3_bucket.this.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}",
    },
    remediation: "Remove the anonymous Allow from the bucket policy (or restrict it with aws:SourceVpce, aws:SourceIp or aws:PrincipalOrgID), and turn on RestrictPublicBuckets.",
    equivalents: &[
        Equivalent { tool: "Prowler", id: "s3_bucket_policy_public_write_access", same: false },
        Equivalent { tool: "Prowler", id: "s3_bucket_public_access", same: false },
        Equivalent { tool: "Checkov", id: "CKV_AWS_70", same: false },
    ],
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status",
    ],
};

impl Rule for BucketPublicPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::S3Bucket(bucket) = &resource.kind else { return };
        let Some(exposure) = policy_exposure(resource, bucket, ctx) else { return };
        let mut hit = match exposure.truth {
            Truth::Yes => Hit::new(exposure.severity, Verdict::Public, exposure.message),
            _ => Hit::unknown(exposure.severity, exposure.message),
        };
        hit.evidence = exposure.evidence;
        hit.notes = exposure.notes;
        hits.push(hit);
    }
}

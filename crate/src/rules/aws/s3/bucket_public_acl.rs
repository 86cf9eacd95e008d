use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{acl_exposure, TYPES};

pub struct BucketPublicAcl;

pub static META: RuleMeta = RuleMeta {
    id: "aws-s3-bucket-public-acl",
    title: "S3 bucket ACL grants access to everyone",
    provider: Provider::Aws,
    service: "s3",
    resource_types: TYPES,
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags a bucket whose access control list (ACL) grants any permission to the `AllUsers` group (anyone on the internet) or the `AuthenticatedUsers` group (anyone with any AWS account), when `IgnorePublicAcls` is on neither for the bucket nor for the account and ACLs are not disabled by Object Ownership `BucketOwnerEnforced`. `BlockPublicAcls` alone does not help: it only refuses new public grants, and an existing one still works.",
    why: "A public READ grant lets anyone list and download the bucket's objects; WRITE lets anyone upload or overwrite them. This is how customer records of dealerships stayed readable on the internet for years in the Toyota case. Grants to `AuthenticatedUsers` are just as public: any AWS customer qualifies.",
    fix: Fix {
        console: "S3 → the bucket → Permissions → Block public access → Edit → turn on \"Block public access to buckets and objects granted through any access control lists (ACLs)\" (IgnorePublicAcls) and save. Then, under Object Ownership, choose \"ACLs disabled (recommended)\".",
        cli: "aws s3api put-public-access-block --bucket BUCKET \\\n  --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\naws s3api put-bucket-ownership-controls --bucket BUCKET \\\n  --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
        terraform: "resource \"aws_s3_bucket_public_access_block\" \"this\" {\n  bucket                  = aws_s3_bucket.this.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}\n\nresource \"aws_s3_bucket_ownership_controls\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  rule { object_ownership = \"BucketOwnerEnforced\" }\n}",
    },
    remediation: "Turn on IgnorePublicAcls (Block Public Access) for the bucket or the account, and disable ACLs with Object Ownership BucketOwnerEnforced.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AWS_20", same: false },
        Equivalent { tool: "Checkov", id: "CKV_AWS_57", same: false },
        Equivalent { tool: "Prowler", id: "s3_bucket_public_access", same: false },
    ],
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html",
    ],
};

impl Rule for BucketPublicAcl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::S3Bucket(bucket) = &resource.kind else { return };
        let Some(exposure) = acl_exposure(resource, bucket, ctx) else { return };
        let mut hit = match exposure.truth {
            Truth::Yes => Hit::new(exposure.severity, Verdict::Public, exposure.message),
            _ => Hit::unknown(exposure.severity, exposure.message),
        };
        hit.evidence = exposure.evidence;
        hit.notes = exposure.notes;
        hits.push(hit);
    }
}

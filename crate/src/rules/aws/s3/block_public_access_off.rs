use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{acl_exposure, flag, policy_exposure, NewBuckets, TYPES};

pub struct BlockPublicAccessOff;

pub static META: RuleMeta = RuleMeta {
    id: "aws-s3-block-public-access-off",
    title: "S3 Block Public Access is not fully on",
    provider: Provider::Aws,
    service: "s3",
    resource_types: TYPES,
    severity: Severity::Medium,
    verdict: Verdict::Weak,
    what: "Flags a bucket for which the four Block Public Access settings (`BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy`, `RestrictPublicBuckets`) are not all on, combining the bucket's and the account's settings flag by flag as AWS does. Medium when the bucket may be public; low when Keyhole can show that neither its ACL nor its policy is public today.",
    why: "Block Public Access is the safety net that keeps one wrong ACL or policy edit from publishing a bucket. Without it, a single mistaken click makes customer data public, and nothing stops it.",
    fix: Fix {
        console: "S3 → Block Public Access settings for this account → Edit → tick \"Block all public access\" → Save. For one bucket: the bucket → Permissions → Block public access → Edit → \"Block all public access\".",
        cli: "aws s3control put-public-access-block --account-id ACCOUNT_ID \\\n  --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        terraform: "resource \"aws_s3_account_public_access_block\" \"this\" {\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}",
    },
    remediation: "Turn on all four Block Public Access settings for the account (or at least for the bucket).",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AWS_53", same: false },
        Equivalent { tool: "Checkov", id: "CKV_AWS_54", same: false },
        Equivalent { tool: "Checkov", id: "CKV_AWS_55", same: false },
        Equivalent { tool: "Checkov", id: "CKV_AWS_56", same: false },
        Equivalent { tool: "Prowler", id: "s3_bucket_level_public_access_block", same: false },
        Equivalent { tool: "Prowler", id: "s3_account_level_public_access_blocks", same: false },
        Equivalent { tool: "CIS AWS", id: "2.1.4", same: false },
    ],
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"],
};

impl Rule for BlockPublicAccessOff {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::S3Bucket(bucket) = &resource.kind else { return };
        // Neither layer was exported (a bare bucket listing): nothing to judge.
        if bucket.public_access_block.is_none()
            && !bucket.declared
            && ctx.account_public_access_block(resource).is_none()
        {
            return;
        }
        let flags = [
            flag(resource, bucket, ctx, "BlockPublicAcls", |b| b.block_public_acls.as_ref(), NewBuckets::Defaults),
            flag(resource, bucket, ctx, "IgnorePublicAcls", |b| b.ignore_public_acls.as_ref(), NewBuckets::Defaults),
            flag(resource, bucket, ctx, "BlockPublicPolicy", |b| b.block_public_policy.as_ref(), NewBuckets::Defaults),
            flag(
                resource,
                bucket,
                ctx,
                "RestrictPublicBuckets",
                |b| b.restrict_public_buckets.as_ref(),
                NewBuckets::Defaults,
            ),
        ];
        if flags.iter().all(|f| f.truth == Truth::Yes) {
            return;
        }
        let names = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];
        let off: Vec<&str> =
            flags.iter().zip(names).filter(|(f, _)| f.truth != Truth::Yes).map(|(_, name)| name).collect();
        let provably_private =
            acl_exposure(resource, bucket, ctx).is_none() && policy_exposure(resource, bucket, ctx).is_none();
        let severity = if provably_private { Severity::Low } else { Severity::Medium };
        let mut hit = Hit::new(
            severity,
            Verdict::Weak,
            format!("bucket {} does not have {} on, for the bucket or the account", resource.name, off.join(", ")),
        );
        for f in flags.into_iter().filter(|f| f.truth != Truth::Yes) {
            for (at, note) in f.evidence {
                if !hit.evidence.iter().any(|(a, _)| a == &at && note.contains("not set")) {
                    hit.evidence.push((at, note));
                }
            }
            for note in f.notes {
                if !hit.notes.contains(&note) {
                    hit.notes.push(note);
                }
            }
        }
        if hit.evidence.is_empty() {
            hit.evidence.push((resource.at.clone(), "no Block Public Access settings in the upload".into()));
        }
        if provably_private {
            hit.notes.push("Neither the ACL nor the policy makes this bucket public today.".into());
        }
        hits.push(hit);
    }
}

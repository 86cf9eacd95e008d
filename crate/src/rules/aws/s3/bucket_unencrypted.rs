use crate::model::{Kind, Provenance, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::TYPES;

pub struct BucketUnencrypted;

pub static META: RuleMeta = RuleMeta {
    id: "aws-s3-bucket-unencrypted",
    title: "S3 bucket has no default encryption configured",
    provider: Provider::Aws,
    service: "s3",
    resource_types: TYPES,
    severity: Severity::Low,
    verdict: Verdict::Weak,
    what: "Flags a bucket with no default server-side encryption configuration. Since January 2023 S3 encrypts every new object with SSE-S3 anyway, so for buckets created after that the finding is informational.",
    why: "Default encryption protects objects at rest if storage media or backups leak, and SSE-KMS adds an access log and a second permission check on every read.",
    fix: Fix {
        console: "S3 → the bucket → Properties → Default encryption → Edit → choose SSE-KMS (or SSE-S3) → Save.",
        cli: "aws s3api put-bucket-encryption --bucket BUCKET \\\n  --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\"}}]}'",
        terraform: "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  rule {\n    apply_server_side_encryption_by_default { sse_algorithm = \"aws:kms\" }\n  }\n}",
    },
    remediation: "Configure default encryption (SSE-KMS or SSE-S3) on the bucket.",
    equivalents: &[Equivalent { tool: "Checkov", id: "CKV_AWS_19", same: true }],
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html"],
};

impl Rule for BucketUnencrypted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::S3Bucket(bucket) = &resource.kind else { return };
        let Some(encryption) = &bucket.encryption else { return };
        // A new bucket without an encryption setting gets SSE-S3 from AWS
        // (since January 2023): nothing to report.
        if bucket.declared && encryption.provenance == Provenance::Defaulted {
            return;
        }
        match encryption.known() {
            Some(true) => {}
            Some(false) => {
                let recent = bucket.created.as_deref().is_some_and(|c| c >= "2023-01");
                let mut hit = Hit::new(
                    if recent { Severity::Info } else { Severity::Low },
                    Verdict::Weak,
                    format!("bucket {} has no default encryption configured", resource.name),
                )
                .evidence(&encryption.at, "no default encryption");
                if recent {
                    hit = hit.note("The bucket was created after January 2023, when S3 began encrypting new objects with SSE-S3 by default.");
                }
                hits.push(hit);
            }
            None => hits.push(
                Hit::unknown(
                    Severity::Low,
                    format!("the encryption setting of bucket {} could not be resolved", resource.name),
                )
                .evidence(&encryption.at, "unresolved encryption setting"),
            ),
        }
    }
}

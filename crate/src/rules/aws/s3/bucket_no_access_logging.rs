use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::TYPES;

pub struct BucketNoAccessLogging;

pub static META: RuleMeta = RuleMeta {
    id: "aws-s3-bucket-no-access-logging",
    title: "S3 bucket server access logging is off",
    provider: Provider::Aws,
    service: "s3",
    resource_types: TYPES,
    severity: Severity::Low,
    verdict: Verdict::Weak,
    what: "Flags a bucket whose server access logging is off.",
    why: "Without access logs nobody can tell, after the fact, who downloaded what. In the Toyota case the exposure lasted years; logs are what tells you whether the data was actually taken.",
    fix: Fix {
        console: "S3 → the bucket → Properties → Server access logging → Edit → Enable → choose a separate log bucket → Save.",
        cli: "aws s3api put-bucket-logging --bucket BUCKET \\\n  --bucket-logging-status '{\"LoggingEnabled\":{\"TargetBucket\":\"LOG_BUCKET\",\"TargetPrefix\":\"BUCKET/\"}}'",
        terraform: "resource \"aws_s3_bucket_logging\" \"this\" {\n  bucket        = aws_s3_bucket.this.id\n  target_bucket = aws_s3_bucket.logs.id\n  target_prefix = \"log/\"\n}",
    },
    remediation: "Enable server access logging to a separate log bucket.",
    equivalents: &[Equivalent { tool: "Checkov", id: "CKV_AWS_18", same: true }],
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html"],
};

impl Rule for BucketNoAccessLogging {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::S3Bucket(bucket) = &resource.kind else { return };
        let Some(logging) = &bucket.logging else { return };
        match logging.known() {
            Some(true) => {}
            Some(false) => hits.push(
                Hit::new(
                    Severity::Low,
                    Verdict::Weak,
                    format!("bucket {} has server access logging off", resource.name),
                )
                .evidence(&logging.at, "no logging configuration"),
            ),
            None => hits.push(
                Hit::unknown(
                    Severity::Low,
                    format!("the logging setting of bucket {} could not be resolved", resource.name),
                )
                .evidence(&logging.at, "unresolved logging setting"),
            ),
        }
    }
}

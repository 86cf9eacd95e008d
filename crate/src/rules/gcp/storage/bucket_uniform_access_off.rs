use crate::model::{Kind, Provenance, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::TYPES;

pub struct BucketUniformAccessOff;

pub static META: RuleMeta = RuleMeta {
    id: "gcp-storage-bucket-uniform-access-off",
    title: "Cloud Storage bucket uses ACLs (uniform bucket-level access is off)",
    provider: Provider::Gcp,
    service: "storage",
    resource_types: TYPES,
    severity: Severity::Low,
    verdict: Verdict::Weak,
    what: "Flags a bucket whose uniform bucket-level access is off (`iamConfiguration.uniformBucketLevelAccess.enabled`, formerly `bucketPolicyOnly`, is false or absent; `uniform_bucket_level_access` in `gcloud storage` output). The Cloud Storage API leaves it off unless it is asked for or an organization policy enforces it, so a bucket whose settings do not mention it is flagged too, with a note. When the setting cannot be resolved, the finding is unknown and one step lower (info).",
    why: "With uniform access off, every object carries its own ACL next to the bucket's IAM policy. Object ACLs are not visible in the bucket's permissions page or in IAM exports, so a single object made public (`gsutil acl ch -u AllUsers:R`) goes unnoticed. Uniform access turns ACLs off and leaves IAM as the only place access is granted.",
    fix: Fix {
        console: "Cloud Storage → Buckets → the bucket → Configuration → Access control → Switch to uniform → Save. Check first that no application relies on object ACLs.",
        cli: "gcloud storage buckets update gs://BUCKET --uniform-bucket-level-access",
        terraform: "resource \"google_storage_bucket\" \"this\" {\n  name                        = \"dealer-crm-exports\"\n  location                    = \"EU\"\n  uniform_bucket_level_access = true\n}",
    },
    remediation: "Turn on uniform bucket-level access so that IAM alone controls access.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_GCP_29", same: true },
        Equivalent { tool: "Prowler", id: "cloudstorage_bucket_uniform_bucket_level_access", same: true },
        Equivalent { tool: "CIS GCP", id: "5.2", same: true },
    ],
    references: &["https://cloud.google.com/storage/docs/uniform-bucket-level-access"],
};

impl Rule for BucketUniformAccessOff {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::GcsBucket(bucket) = &resource.kind else { return };
        let Some(uniform) = &bucket.uniform_access else { return };
        match uniform.known() {
            Some(true) => {}
            Some(false) if uniform.provenance == Provenance::Defaulted => hits.push(
                Hit::new(
                    Severity::Low,
                    Verdict::Weak,
                    format!("bucket {} does not turn on uniform bucket-level access, so ACLs apply", resource.name),
                )
                .evidence(&uniform.at, "uniform bucket-level access not set: off by default")
                .note("The bucket's settings do not mention uniform bucket-level access; the Cloud Storage API leaves it off unless an organization policy (constraints/storage.uniformBucketLevelAccess) enforces it."),
            ),
            Some(false) => hits.push(
                Hit::new(
                    Severity::Low,
                    Verdict::Weak,
                    format!("bucket {} has uniform bucket-level access off, so ACLs apply", resource.name),
                )
                .evidence(&uniform.at, "uniform bucket-level access off"),
            ),
            None => hits.push(
                Hit::unknown(
                    Severity::Low,
                    format!("whether bucket {} has uniform bucket-level access could not be resolved", resource.name),
                )
                .evidence(&uniform.at, "unresolved uniform bucket-level access setting"),
            ),
        }
    }
}

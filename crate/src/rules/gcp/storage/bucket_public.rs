use crate::model::{Kind, Provenance, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::gcp::{any_truth, describe_grants, grant_notes, public_grants};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{grant_source, role_name, GrantSource, TYPES};

pub struct BucketPublic;

pub static META: RuleMeta = RuleMeta {
    id: "gcp-storage-bucket-public",
    title: "Cloud Storage bucket grants access to everyone",
    provider: Provider::Gcp,
    service: "storage",
    resource_types: TYPES,
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags a bucket whose IAM policy or ACL grants any role to `allUsers` (anyone on the internet) or `allAuthenticatedUsers` (anyone signed in to any Google account), when public access prevention is not `enforced` on the bucket. Bucket ACL entries and default object ACL entries (the ACL new objects receive) count only while uniform bucket-level access is off: with it on, ACLs have no effect. One finding is reported per bucket, with evidence for each public grant.\n\nPublic access prevention `inherited` (or the older `unspecified`) defers to the organization policy `constraints/storage.publicAccessPrevention`, which exports of the bucket do not hold: the bucket is reported as public with a note saying so. A binding limited by an IAM condition, or a setting that cannot be resolved (a Terraform unknown value), makes the finding unknown and one step lower (high).",
    why: "A public grant on a bucket lets anyone read (or, with a write role, replace) its objects without signing in; `allAuthenticatedUsers` is no narrower in practice, since anyone can create a Google account. Buckets of exports, backups and uploads found this way have leaked customer records and vehicle data. Public access prevention blocks such grants even when someone adds one by mistake.",
    fix: Fix {
        console: "Cloud Storage → Buckets → the bucket → Permissions: remove the principals `allUsers` and `allAuthenticatedUsers` from every role, then under \"Public access\" choose \"Prevent public access\". Under Configuration, switch Access control to \"Uniform\" so ACLs stop applying.",
        cli: "gcloud storage buckets remove-iam-policy-binding gs://BUCKET \\\n  --member=allUsers --role=roles/storage.objectViewer\ngcloud storage buckets update gs://BUCKET --public-access-prevention --uniform-bucket-level-access",
        terraform: "resource \"google_storage_bucket\" \"this\" {\n  name                        = \"dealer-crm-exports\"\n  location                    = \"EU\"\n  uniform_bucket_level_access = true\n  public_access_prevention    = \"enforced\"\n}\n\n# And no google_storage_bucket_iam_member / _binding / _acl\n# with member or entity \"allUsers\" or \"allAuthenticatedUsers\".",
    },
    remediation: "Remove allUsers and allAuthenticatedUsers from the bucket's IAM policy and ACLs, and enforce public access prevention.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_GCP_28", same: false },
        Equivalent { tool: "Prowler", id: "cloudstorage_bucket_public_access", same: false },
        Equivalent { tool: "CIS GCP", id: "5.1", same: false },
    ],
    references: &[
        "https://cloud.google.com/storage/docs/public-access-prevention",
        "https://cloud.google.com/storage/docs/access-control/making-data-public",
        "https://cloud.google.com/iam/docs/principals-overview#all-users",
    ],
};

impl Rule for BucketPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::GcsBucket(bucket) = &resource.kind else { return };
        let mut grants = public_grants(&bucket.grants);
        if grants.is_empty() {
            return;
        }
        let mut notes = Vec::new();
        let mut evidence = Vec::new();
        let mut reasons: Vec<&str> = Vec::new();

        // ACL entries apply only while uniform bucket-level access is off.
        let uniform = bucket.uniform_access.as_ref().map_or(Truth::No, |u| u.truth());
        grants.retain_mut(|g| {
            if grant_source(&g.grant.role).0 == GrantSource::Iam {
                return true;
            }
            match uniform {
                Truth::Yes => false,
                Truth::No => true,
                Truth::Unknown => {
                    g.truth = g.truth.and(Truth::Unknown);
                    true
                }
            }
        });
        if grants.is_empty() {
            return;
        }
        if grants.iter().any(|g| grant_source(&g.grant.role).0 != GrantSource::Iam) {
            if let Some(attr) = &bucket.uniform_access {
                let note = match (attr.known(), attr.provenance) {
                    (None, _) => "uniform bucket-level access could not be resolved",
                    (_, Provenance::Defaulted) => "uniform bucket-level access not set (off): ACLs are in force",
                    _ => "uniform bucket-level access off: ACLs are in force",
                };
                evidence.push((attr.at.clone(), note.to_string()));
            }
            if uniform == Truth::Unknown {
                reasons.push("whether uniform bucket-level access (which disables ACLs) is on could not be resolved");
            }
        }
        if grants.iter().any(|g| grant_source(&g.grant.role).0 == GrantSource::DefaultObjectAcl) {
            notes.push("A default object ACL entry is copied onto every new object: objects uploaded from now on are readable by anyone who knows their names, even if the bucket cannot be listed.".to_string());
        }

        // Public access prevention blocks every public grant when enforced.
        let blocked = match &bucket.public_access_prevention {
            Some(attr) => match attr.known() {
                Some(value) if value.eq_ignore_ascii_case("enforced") => return,
                Some(value) => {
                    let note = if attr.provenance == Provenance::Defaulted {
                        format!("public access prevention not set, so {value}")
                    } else {
                        format!("public access prevention: {value}")
                    };
                    evidence.push((attr.at.clone(), note));
                    notes.push(format!(
                        "Public access prevention is `{value}` on the bucket: it blocks these grants only if the organization policy `constraints/storage.publicAccessPrevention` is enforced on the project, folder or organization, and the upload holds no organization policies."
                    ));
                    Truth::No
                }
                None => {
                    evidence.push((attr.at.clone(), "public access prevention could not be resolved".to_string()));
                    reasons.push("public access prevention could not be resolved");
                    Truth::Unknown
                }
            },
            None => {
                notes.push("The bucket's own settings were not in the upload, only its IAM policy, so public access prevention was taken as not enforced. Export them with `gcloud storage buckets describe` or a Cloud Asset Inventory export with `--content-type=resource`.".to_string());
                Truth::No
            }
        };

        let truth = any_truth(&grants).and(!blocked);
        if truth == Truth::No {
            return;
        }
        if truth == Truth::Yes {
            // Name only what certainly applies; uncertain grants add nothing to a public verdict.
            grants.retain(|g| g.truth == Truth::Yes);
        }
        let what = describe_grants(&grants, role_name);
        notes.extend(grant_notes(&grants));
        if grants.iter().all(|g| g.truth != Truth::Yes) && grants.iter().any(|g| g.grant.conditional) {
            reasons.push("a condition limits the binding");
        }
        let mut hit = if truth == Truth::Yes {
            Hit::new(Severity::Critical, Verdict::Public, format!("bucket {} grants {what}", resource.name))
        } else {
            let reason = reasons.first().copied().unwrap_or("a layer could not be resolved");
            Hit::unknown(
                Severity::Critical,
                format!("bucket {} may be public: it grants {what}, but {reason}", resource.name),
            )
        };
        for g in &grants {
            let condition = if g.grant.conditional { " (conditional binding)" } else { "" };
            hit = hit.evidence(&g.grant.at, format!("{} granted to {}{condition}", role_name(&g.grant.role), g.member));
        }
        hit.evidence.extend(evidence);
        hit.notes.extend(notes);
        hits.push(hit);
    }
}

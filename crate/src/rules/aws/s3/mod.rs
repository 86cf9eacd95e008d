//! S3 rules and the effective-exposure logic they share: a bucket is public
//! only when every layer lets an anonymous caller through (account and
//! bucket Block Public Access, Object Ownership, the ACL, the policy).

pub mod block_public_access_off;
pub mod bucket_no_access_logging;
pub mod bucket_public_acl;
pub mod bucket_public_policy;
pub mod bucket_unencrypted;

use crate::model::{AclPermission, Attr, Grantee, Origin, PublicAccessBlock, Resource, S3Bucket, Truth};
use crate::policy::PolicyKind;
use crate::report::Severity;
use crate::rules::aws::resource_policy;
use crate::rules::Context;

pub const TYPES: &[&str] = &["AWS::S3::Bucket"];

/// One Block Public Access flag, combined over bucket and account: on when
/// either is on (AWS applies the most restrictive combination, flag by flag).
pub struct Flag {
    pub truth: Truth,
    /// Where it is on, or where it is off.
    pub evidence: Vec<(Origin, String)>,
    pub notes: Vec<String>,
}

/// How to read a bucket that a template or plan creates without Block
/// Public Access settings.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NewBuckets {
    /// As AWS will create it: all four flags on (since April 2023).
    Defaults,
    /// As declared: the template means the bucket to be open, so its public
    /// ACL or policy is reported, with a note that AWS would refuse it.
    AsDeclared,
}

pub fn flag(
    resource: &Resource,
    bucket: &S3Bucket,
    ctx: &Context,
    name: &str,
    pick: fn(&PublicAccessBlock) -> Option<&Attr<bool>>,
    new_buckets: NewBuckets,
) -> Flag {
    let mut notes = Vec::new();
    let mut on = Vec::new();
    let mut off = Vec::new();
    let bucket_truth = match bucket.public_access_block.as_ref() {
        Some(block) => attr_truth(pick(block), block, "bucket", name, &mut on, &mut off),
        // Declared in a template or plan without saying otherwise: since
        // April 2023 AWS turns all four flags on for new buckets.
        None if bucket.declared && new_buckets == NewBuckets::Defaults => {
            notes.push(format!(
                "{name} is not set on this new bucket; AWS turns it on by default for buckets created since April 2023."
            ));
            on.push((resource.at.clone(), format!("{name} on by default for new buckets")));
            Truth::Yes
        }
        None if bucket.declared => {
            notes.push(
                "This template or plan creates the bucket without Block Public Access settings. Since April 2023 AWS turns them all on for new buckets, so AWS would refuse this public setting at deploy time; the finding is what the file asks for."
                    .into(),
            );
            off.push((resource.at.clone(), format!("{name} not set on the new bucket")));
            Truth::No
        }
        None => {
            notes.push(
                "The bucket's own Block Public Access settings were not in the upload; they were taken as off.".into(),
            );
            Truth::No
        }
    };
    let account_truth = match ctx.account_public_access_block(resource) {
        Some(block) => attr_truth(pick(block), block, "account", name, &mut on, &mut off),
        None => {
            notes.push(
                "The account-level Block Public Access setting was not in the upload (export it with `aws s3control get-public-access-block`); it was taken as off."
                    .into(),
            );
            Truth::No
        }
    };
    let truth = bucket_truth.or(account_truth);
    let evidence = if truth == Truth::Yes { on } else { off };
    Flag { truth, evidence, notes }
}

fn attr_truth(
    attr: Option<&Attr<bool>>,
    block: &PublicAccessBlock,
    level: &str,
    name: &str,
    on: &mut Vec<(Origin, String)>,
    off: &mut Vec<(Origin, String)>,
) -> Truth {
    match attr {
        Some(attr) => {
            let truth = attr.truth();
            let state = match truth {
                Truth::Yes => "on",
                Truth::No => "off",
                Truth::Unknown => "unresolved",
            };
            let entry = (attr.at.clone(), format!("{level}-level {name} is {state}"));
            if truth == Truth::Yes {
                on.push(entry)
            } else {
                off.push(entry)
            }
            truth
        }
        None => {
            if let Some(at) = &block.at {
                off.push((at.clone(), format!("{level}-level {name} is not set")));
            }
            Truth::No
        }
    }
}

pub fn ignore_public_acls(resource: &Resource, bucket: &S3Bucket, ctx: &Context) -> Flag {
    flag(resource, bucket, ctx, "IgnorePublicAcls", |b| b.ignore_public_acls.as_ref(), NewBuckets::AsDeclared)
}

pub fn restrict_public_buckets(resource: &Resource, bucket: &S3Bucket, ctx: &Context) -> Flag {
    flag(resource, bucket, ctx, "RestrictPublicBuckets", |b| b.restrict_public_buckets.as_ref(), NewBuckets::AsDeclared)
}

/// What an exposure layer concluded.
pub struct Exposure {
    pub truth: Truth,
    pub severity: Severity,
    pub message: String,
    pub evidence: Vec<(Origin, String)>,
    pub notes: Vec<String>,
}

/// Whether the ACL makes the bucket public, after Object Ownership and
/// IgnorePublicAcls. `None` when the ACL grants nothing public or is
/// neutralised.
pub fn acl_exposure(resource: &Resource, bucket: &S3Bucket, ctx: &Context) -> Option<Exposure> {
    let acl = bucket.acl.as_ref()?;
    let mut notes = Vec::new();
    let mut truth = Truth::Yes;
    let mut evidence = Vec::new();
    let mut severity = Severity::High;
    let message;
    match acl.known() {
        None => {
            truth = Truth::Unknown;
            message = format!("the ACL of bucket {} could not be resolved", resource.name);
            evidence.push((acl.at.clone(), "unresolved ACL".to_string()));
        }
        Some(acl) => {
            let public: Vec<_> = acl
                .grants
                .iter()
                .filter(|g| matches!(g.grantee, Grantee::AllUsers | Grantee::AuthenticatedUsers))
                .collect();
            if public.is_empty() {
                return None;
            }
            let mut parts = Vec::new();
            for grant in &public {
                let who = if grant.grantee == Grantee::AllUsers { "AllUsers" } else { "AuthenticatedUsers" };
                if !matches!(grant.permission, AclPermission::ReadAcp | AclPermission::WriteAcp) {
                    severity = Severity::Critical;
                }
                parts.push(format!("{} to {who}", grant.permission.as_cli()));
                evidence.push((grant.at.clone(), format!("grant to {who}: {}", grant.permission.as_cli())));
            }
            parts.dedup();
            message = format!("bucket {} grants {}", resource.name, parts.join(", "));
        }
    }
    if let Some(ownership) = &bucket.object_ownership {
        match ownership.known().map(String::as_str) {
            Some("BucketOwnerEnforced") => return None,
            Some(_) => {}
            None => {
                truth = truth.and(Truth::Unknown);
                notes.push(
                    "Object Ownership could not be resolved; with BucketOwnerEnforced the ACL would have no effect."
                        .into(),
                );
            }
        }
    } else if bucket.declared {
        notes.push("No Object Ownership is set either: since April 2023 new buckets have ACLs disabled, which would also refuse this grant.".into());
    }
    let ignore = ignore_public_acls(resource, bucket, ctx);
    match ignore.truth {
        Truth::Yes => return None,
        Truth::Unknown => {
            truth = truth.and(Truth::Unknown);
            notes.push("IgnorePublicAcls could not be resolved.".into());
        }
        Truth::No => {}
    }
    evidence.extend(ignore.evidence);
    notes.extend(ignore.notes);
    Some(Exposure { truth, severity, message, evidence, notes })
}

/// Whether the bucket policy makes the bucket public, after
/// RestrictPublicBuckets.
pub fn policy_exposure(resource: &Resource, bucket: &S3Bucket, ctx: &Context) -> Option<Exposure> {
    let policy =
        resource_policy::exposure(&ctx.policies(resource, bucket.policy.as_ref()), PolicyKind::Resource("s3"))?;
    let what = resource_policy::describe_actions(&policy.actions);
    let mut truth = policy.truth;
    let message = match (policy.unresolved, truth) {
        (true, _) => format!("the policy of bucket {} could not be resolved", resource.name),
        (false, Truth::Yes) => format!("the policy of bucket {} allows {what} to anyone", resource.name),
        (false, _) => {
            format!(
                "the policy of bucket {} allows {what} to anyone under conditions Keyhole cannot judge",
                resource.name
            )
        }
    };
    let mut evidence = policy.evidence;
    let mut notes = Vec::new();
    let restrict = restrict_public_buckets(resource, bucket, ctx);
    match restrict.truth {
        Truth::Yes => return None,
        Truth::Unknown => {
            truth = truth.and(Truth::Unknown);
            notes.push("RestrictPublicBuckets could not be resolved.".into());
        }
        Truth::No => {}
    }
    evidence.extend(restrict.evidence);
    notes.extend(restrict.notes);
    Some(Exposure { truth, severity: Severity::Critical, message, evidence, notes })
}

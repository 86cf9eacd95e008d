//! Cloud Storage rules, and how bucket grants read: IAM bindings, bucket ACL
//! entries (`acl:READER`) and default object ACL entries
//! (`defaultObjectAcl:READER`), as `sources::gcp` records them.

pub mod bucket_public;
pub mod bucket_uniform_access_off;

pub const TYPES: &[&str] = &["storage.googleapis.com/Bucket"];

/// Where a bucket grant comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantSource {
    Iam,
    /// The bucket's ACL.
    Acl,
    /// The default ACL that new objects receive.
    DefaultObjectAcl,
}

pub fn grant_source(role: &str) -> (GrantSource, &str) {
    if let Some(role) = role.strip_prefix("acl:") {
        (GrantSource::Acl, role)
    } else if let Some(role) = role.strip_prefix("defaultObjectAcl:") {
        (GrantSource::DefaultObjectAcl, role)
    } else {
        (GrantSource::Iam, role)
    }
}

/// A bucket grant's role as a person reads it: `roles/storage.objectViewer`,
/// `ACL READER`, `default object ACL READER`.
pub fn role_name(role: &str) -> String {
    match grant_source(role) {
        (GrantSource::Iam, role) => role.to_string(),
        (GrantSource::Acl, role) => format!("ACL {role}"),
        (GrantSource::DefaultObjectAcl, role) => format!("default object ACL {role}"),
    }
}

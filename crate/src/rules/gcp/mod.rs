//! GCP rules, one file each, grouped by service, and what the grant-based
//! rules share: who the public members are, and which grants name them.

pub mod bigquery;
pub mod cloudfunction;
pub mod compute;
pub mod sql;
pub mod storage;

use crate::model::{Grant, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::Hit;

use super::Rule;

/// Every GCP rule, in catalogue order.
pub static RULES: &[&dyn Rule] = &[
    &storage::bucket_public::BucketPublic,
    &storage::bucket_uniform_access_off::BucketUniformAccessOff,
    &sql::instance_open_network::InstanceOpenNetwork,
    &sql::instance_public_ip::InstancePublicIp,
    &compute::firewall_open_admin_port::FirewallOpenAdminPort,
    &compute::firewall_open_database_port::FirewallOpenDatabasePort,
    &bigquery::dataset_public::DatasetPublic,
    &compute::image_public::ImagePublic,
    &cloudfunction::function_public_invoker::FunctionPublicInvoker,
];

/// `allUsers` (anyone on the internet) or `allAuthenticatedUsers` (anyone
/// signed in to any Google account): the members that make a grant public.
/// IAM spells them exactly so; ACL entities and BigQuery special groups too.
pub fn public_member(member: &str) -> Option<&'static str> {
    if member.eq_ignore_ascii_case("allUsers") {
        Some("allUsers")
    } else if member.eq_ignore_ascii_case("allAuthenticatedUsers") {
        Some("allAuthenticatedUsers")
    } else {
        None
    }
}

/// A grant to a public member, and whether it certainly applies.
pub struct PublicGrant<'a> {
    pub grant: &'a Grant,
    pub member: &'static str,
    /// `Yes`, or `Unknown` when a condition limits it (or a caller's reason).
    pub truth: Truth,
}

/// The public grants, once per role, member and condition (the same binding
/// may arrive from an asset export and from a `get-iam-policy` output).
pub fn public_grants(grants: &[Grant]) -> Vec<PublicGrant<'_>> {
    let mut seen: Vec<(&str, &str, bool)> = Vec::new();
    let mut out = Vec::new();
    for grant in grants {
        let Some(member) = public_member(&grant.member) else { continue };
        let key = (grant.role.as_str(), member, grant.conditional);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let truth = if grant.conditional { Truth::Unknown } else { Truth::Yes };
        out.push(PublicGrant { grant, member, truth });
    }
    out
}

/// The verdict over several grants: `Yes` if any certainly applies.
pub fn any_truth(grants: &[PublicGrant]) -> Truth {
    grants.iter().fold(Truth::No, |acc, g| acc.or(g.truth))
}

/// `roles/bigquery.dataViewer to allUsers`, and how many more.
pub fn describe_grants(grants: &[PublicGrant], role_name: fn(&str) -> String) -> String {
    let shown: Vec<String> =
        grants.iter().take(2).map(|g| format!("{} to {}", role_name(&g.grant.role), g.member)).collect();
    let more = grants.len().saturating_sub(shown.len());
    let mut out = shown.join(" and ");
    if more > 0 {
        out.push_str(&format!(" (and {more} more)"));
    }
    out
}

/// The note on `allAuthenticatedUsers`, which people often take for "my
/// organization's users".
pub const ALL_AUTHENTICATED_NOTE: &str =
    "`allAuthenticatedUsers` means anyone signed in to any Google account, not only your organization's users: it is as public as `allUsers`.";

/// The note for a grant that a condition limits.
pub const CONDITION_NOTE: &str = "A condition limits the binding. Keyhole does not evaluate IAM conditions, so the verdict is unknown rather than public; check whether the condition restricts who can use it.";

/// The notes every grant-based finding carries, by the members it names.
pub fn grant_notes(grants: &[PublicGrant]) -> Vec<String> {
    let mut notes = Vec::new();
    if grants.iter().any(|g| g.member == "allAuthenticatedUsers") {
        notes.push(ALL_AUTHENTICATED_NOTE.to_string());
    }
    if grants.iter().any(|g| g.grant.conditional) && grants.iter().all(|g| g.truth != Truth::Yes) {
        notes.push(CONDITION_NOTE.to_string());
    }
    notes
}

/// An IAM role as written; used where no ACL roles occur.
pub fn role_as_written(role: &str) -> String {
    role.to_string()
}

/// The finding of a rule that flags public grants on a resource (a dataset,
/// an image, a function): one hit per resource, with evidence for each
/// public grant. `role_truth` says whether a role gives what the rule is
/// about (`Unknown` for a custom role it cannot see into), and
/// `unknown_role` says why in words.
pub fn grant_holder_hit(
    resource: &Resource,
    grants: &[Grant],
    subject: &str,
    severity: Severity,
    role_truth: fn(&str) -> Truth,
    unknown_role: &str,
) -> Option<Hit> {
    let mut public = public_grants(grants);
    let mut role_unknown = false;
    public.retain_mut(|g| {
        let role = role_truth(&g.grant.role);
        role_unknown |= role == Truth::Unknown;
        g.truth = g.truth.and(role);
        g.truth != Truth::No
    });
    let truth = any_truth(&public);
    if truth == Truth::No {
        return None;
    }
    if truth == Truth::Yes {
        public.retain(|g| g.truth == Truth::Yes);
    }
    let what = describe_grants(&public, role_as_written);
    let mut hit = if truth == Truth::Yes {
        Hit::new(severity, Verdict::Public, format!("{subject} {} grants {what}", resource.name))
    } else {
        let reason =
            if public.iter().any(|g| g.grant.conditional) { "a condition limits the binding" } else { unknown_role };
        Hit::unknown(severity, format!("{subject} {} may be public: it grants {what}, but {reason}", resource.name))
    };
    for g in &public {
        let condition = if g.grant.conditional { " (conditional binding)" } else { "" };
        hit = hit.evidence(&g.grant.at, format!("{} granted to {}{condition}", g.grant.role, g.member));
    }
    hit.notes.extend(grant_notes(&public));
    if truth == Truth::Unknown && role_unknown {
        hit.notes.push(format!("Keyhole could not decide this because {unknown_role}; it is reported one step lower rather than taken as safe."));
    }
    Some(hit)
}

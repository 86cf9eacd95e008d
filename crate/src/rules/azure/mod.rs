//! Azure rules, one file each, grouped by service.

pub mod cosmosdb;
pub mod keyvault;
pub mod nsg;
pub mod sql;
pub mod storage;

use crate::model::{Attr, Truth};
use crate::report::{Severity, Verdict};

use super::{Hit, Rule};

/// Every Azure rule, in catalogue order.
pub static RULES: &[&dyn Rule] = &[
    &storage::container_public::ContainerPublic,
    &storage::account_public_blob_access::AccountPublicBlobAccess,
    &storage::account_open_network::AccountOpenNetwork,
    &storage::account_http_allowed::AccountHttpAllowed,
    &sql::server_firewall_open::ServerFirewallOpen,
    &sql::server_allow_azure_services::ServerAllowAzureServices,
    &nsg::open_admin_port::OpenAdminPort,
    &nsg::open_database_port::OpenDatabasePort,
    &cosmosdb::public_network::PublicNetwork,
    &keyvault::public_network::PublicNetwork,
];

/// Whether a string setting equals one of `values`, ignoring case (Azure
/// accepts `Disabled` and `disabled` alike). `Unknown` when unresolved.
pub fn is_one_of(attr: &Attr<String>, values: &[&str]) -> Truth {
    match attr.known() {
        Some(value) if values.iter().any(|v| v.eq_ignore_ascii_case(value.trim())) => Truth::Yes,
        Some(_) => Truth::No,
        None => Truth::Unknown,
    }
}

/// Whether public network access is on: `Enabled` (or not set, which
/// defaults to enabled) is yes, `Disabled` no; `SecuredByPerimeter` hands the
/// decision to a network security perimeter Keyhole cannot see, and an
/// unresolved value is unknown.
pub fn public_access_on(attr: Option<&Attr<String>>) -> Truth {
    match attr {
        None => Truth::Yes,
        Some(attr) => match attr.known().map(|v| v.trim().to_ascii_lowercase()) {
            Some(v) if v == "disabled" => Truth::No,
            Some(v) if v == "securedbyperimeter" => Truth::Unknown,
            Some(_) => Truth::Yes,
            None => Truth::Unknown,
        },
    }
}

/// A hit that is certain (`Yes`) or undecided (`Unknown`, reported one
/// severity step lower with the reason); `None` for `No`.
pub fn hit(
    truth: Truth,
    severity: Severity,
    verdict: Verdict,
    sure: String,
    unsure: String,
    reason: &str,
) -> Option<Hit> {
    match truth {
        Truth::No => None,
        Truth::Yes => Some(Hit::new(severity, verdict, sure)),
        Truth::Unknown => Some(Hit::unknown(severity, unsure).note(format!(
            "Keyhole could not decide this because {reason}; it is reported, one step lower, rather than taken as safe."
        ))),
    }
}

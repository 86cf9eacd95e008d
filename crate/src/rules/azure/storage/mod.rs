//! Storage account and blob container rules, and how a container finds its
//! account.

pub mod account_http_allowed;
pub mod account_open_network;
pub mod account_public_blob_access;
pub mod container_public;

use crate::model::{Attr, Kind, Resource, StorageAccount, StorageContainer};
use crate::rules::Context;
use crate::sources::azure::{CONTAINER, STORAGE_ACCOUNT};

pub const ACCOUNT_TYPES: &[&str] = &[STORAGE_ACCOUNT];
pub const CONTAINER_TYPES: &[&str] = &[CONTAINER];

/// The account name in a reference that may be a resource id
/// (`.../storageAccounts/NAME`) or a bare name.
fn account_name(reference: &str) -> &str {
    let lower = reference.to_ascii_lowercase();
    match lower.rfind("storageaccounts/") {
        Some(at) => {
            let rest = reference.get(at + "storageaccounts/".len()..).unwrap_or_default();
            rest.split('/').next().unwrap_or_default()
        }
        None => reference,
    }
}

/// The storage account a container belongs to, when the upload holds it:
/// by id first, then by name (account names are globally unique). A name
/// with unresolved template parts only matches by id, within its template.
pub fn container_account<'a>(
    ctx: &Context<'a>,
    container: &StorageContainer,
) -> Option<(&'a Resource, &'a StorageAccount)> {
    let reference = container.account.as_deref()?;
    let as_account = |r: &'a Resource| match &r.kind {
        Kind::StorageAccount(account) => Some((r, account)),
        _ => None,
    };
    if let Some(found) = ctx.model.get(STORAGE_ACCOUNT, reference).and_then(as_account) {
        return Some(found);
    }
    let name = account_name(reference);
    if name.is_empty() || name.contains('[') {
        return None;
    }
    ctx.model
        .resources()
        .iter()
        .filter(|r| r.type_name == STORAGE_ACCOUNT)
        .filter(|r| r.id.eq_ignore_ascii_case(reference) || r.name.eq_ignore_ascii_case(name))
        .find_map(as_account)
}

/// `allowBlobPublicAccess`, with the API version's default when a source
/// recorded the version but not the setting.
pub fn allow_blob_public_access(account: &StorageAccount, resource: &Resource) -> Option<Attr<bool>> {
    if let Some(attr) = &account.allow_blob_public_access {
        return Some(attr.clone());
    }
    let version = account.api_version.as_deref()?;
    Some(Attr::defaulted(version < "2023-01-01", resource.at.clone()))
}

/// Why `allowBlobPublicAccess` has its value, for messages and evidence.
pub fn allow_blob_public_access_note(attr: &Attr<bool>, account: &StorageAccount) -> String {
    use crate::model::Provenance;
    match (attr.provenance, attr.value) {
        (Provenance::Explicit, Some(value)) => format!("allowBlobPublicAccess is {value}"),
        (Provenance::Defaulted, Some(true)) => match &account.api_version {
            Some(version) => format!(
                "allowBlobPublicAccess is not set; with API version {version} (before 2023-01-01) it defaults to true"
            ),
            None => {
                "allowBlobPublicAccess is not set, which for accounts created before late 2023 means true".to_string()
            }
        },
        (Provenance::Defaulted, Some(false)) => "allowBlobPublicAccess is not set; it defaults to false".to_string(),
        _ => "allowBlobPublicAccess could not be resolved".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::account_name;

    #[test]
    fn account_names_from_references() {
        assert_eq!(account_name("dealercrm"), "dealercrm");
        assert_eq!(
            account_name("/subscriptions/s/resourcegroups/g/providers/microsoft.storage/storageaccounts/dealercrm"),
            "dealercrm"
        );
        assert_eq!(account_name("Microsoft.Storage/storageAccounts/Dealer/blobServices/default"), "Dealer");
    }
}

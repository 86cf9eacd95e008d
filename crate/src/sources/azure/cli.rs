//! `az ... --output json` outputs (`azure-cli-<command>`): a JSON array of
//! resources for `list` commands, one resource for `show` commands. Every
//! resource carries its `id` and `type`, so the output describes itself; the
//! command is named from the types it holds.

use serde_json::Value;

use crate::sources::{Collector, Node};

use super::live;
use super::types::Family;

/// Whether this object is a resource as Azure returns it.
fn is_resource(value: &Value) -> bool {
    let id = value.get("id").and_then(Value::as_str).unwrap_or_default();
    (id.starts_with("/subscriptions/") || id.starts_with("/providers/"))
        && value.get("type").is_some_and(Value::is_string)
}

/// The `list` command that produced these resources: the command of their
/// one family, or `az resource list` for mixed types or bare listings.
fn list_format(items: &[Node]) -> &'static str {
    let generic = items.iter().any(|i| i.has("properties") && i.get("properties").is_none());
    let families: Vec<Option<Family>> = items.iter().map(live::family_of).collect();
    match families.first() {
        Some(Some(first)) if !generic && families.iter().all(|f| f == &Some(*first)) => first.command().1,
        _ => "azure-cli-resource-list",
    }
}

pub fn adapt(root: &Node, collector: &mut Collector) -> Option<&'static str> {
    match root.value {
        Value::Array(values) => {
            if values.is_empty() || !values.iter().all(is_resource) {
                return None;
            }
            let items: Vec<Node> = root.items().collect();
            let format = list_format(&items);
            let read = live::add_all(&items, None, collector);
            if let Some(note) = live::settings_note(&read, "output") {
                collector.note(note);
            }
            if format == "azure-cli-keyvault-list" && !read.without_settings.is_empty() {
                collector.note("`az keyvault list` without `--resource-group` does not include the vaults' network settings; run `az keyvault show --name NAME` for each vault, or `az keyvault list --resource-group GROUP`.");
            }
            Some(format)
        }
        Value::Object(_) if is_resource(root.value) => {
            let family = live::family_of(root)?;
            let read = live::add_all(std::slice::from_ref(root), None, collector);
            if let Some(note) = live::settings_note(&read, "output") {
                collector.note(note);
            }
            Some(family.command().2)
        }
        _ => None,
    }
}

/// A sentence for `az` outputs that do not say which resource they
/// describe, read only inside a bundle.
pub fn anonymous_hint(root: &Node) -> Option<String> {
    let first = root.value.as_array()?.first()?;
    let properties = first.get("properties")?;
    let data_plane_container = first.get("id").is_none()
        && first.get("name").is_some()
        && (properties.get("publicAccess").is_some() || properties.get("lease").is_some());
    data_plane_container.then(|| {
        " It looks like the output of `az storage container list`, which does not say which storage account the containers belong to: use `az storage container-rm list --storage-account NAME` instead, or put it in a Keyhole Azure bundle with the account name (docs/azure-export-bundle.md).".to_string()
    })
}

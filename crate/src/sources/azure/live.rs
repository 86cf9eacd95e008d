//! Resources as Azure returns them (`az` outputs, Resource Graph rows, the
//! Keyhole bundle): an `id` that names the subscription and the parents, a
//! `type`, and settings under `properties` or flattened to the top level.

use crate::sources::{Collector, Node};

use super::expr::{Literal, Val};
use super::resources::{self, Defaults, Item, Parent};
use super::types::{self, Family};

/// Keys every ARM resource has, whatever its settings; an object with only
/// these carries no settings to judge.
const GENERIC_KEYS: &[&str] = &[
    "id",
    "name",
    "type",
    "location",
    "tags",
    "resourceGroup",
    "kind",
    "sku",
    "identity",
    "managedBy",
    "plan",
    "extendedLocation",
    "zones",
    "changedTime",
    "createdTime",
    "properties",
    "subscriptionId",
    "tenantId",
    "etag",
    "systemData",
    "managementGroup",
];

/// The parts of an ARM resource id.
#[derive(Debug, Default, PartialEq)]
pub struct ResourceId {
    pub subscription: Option<String>,
    pub resource_group: Option<String>,
    /// `[type, name, child type, child name, ...]` after the provider namespace.
    pub path: Vec<String>,
    /// The id up to and including the first resource's name.
    pub top: Option<String>,
}

/// Parses `/subscriptions/S/resourceGroups/G/providers/NS/type/name/...`.
pub fn parse_id(id: &str) -> ResourceId {
    let parts: Vec<&str> = id.split('/').filter(|p| !p.is_empty()).collect();
    let mut out = ResourceId::default();
    let mut i = 0;
    while i < parts.len() {
        let key = parts.get(i).copied().unwrap_or_default();
        let value = parts.get(i + 1).map(|v| v.to_string());
        if key.eq_ignore_ascii_case("subscriptions") {
            out.subscription = value;
            i += 2;
        } else if key.eq_ignore_ascii_case("resourceGroups") {
            out.resource_group = value;
            i += 2;
        } else if key.eq_ignore_ascii_case("providers") {
            // The namespace, then type/name pairs.
            out.path = parts.iter().skip(i + 2).map(|p| p.to_string()).collect();
            let top_len = (i + 4).min(parts.len());
            out.top = parts.get(..top_len).map(|p| format!("/{}", p.join("/")));
            break;
        } else {
            i += 1;
        }
    }
    out
}

/// Ids are compared lowercase: Azure treats them case-insensitively, and
/// different APIs spell `resourceGroups` or the group's name differently.
pub fn canonical_id(id: &str) -> String {
    id.to_ascii_lowercase()
}

fn has_settings(node: &Node) -> bool {
    node.value
        .as_object()
        .is_some_and(|map| map.keys().any(|k| !GENERIC_KEYS.iter().any(|g| g.eq_ignore_ascii_case(k))))
}

/// Where this exported resource keeps its settings; `None` when it has none
/// (`az resource list`, `az keyvault list` without a resource group).
fn settings<'a>(node: &Node<'a>, family: Family) -> Option<Val<'a>> {
    match node.get("properties") {
        Some(props) if props.value.is_object() => Some(Val::Node(props)),
        Some(_) => None,
        None if node.has("properties") => None,
        // Key Vault's model keeps `properties` nested even in `az` output.
        None if family == Family::Vault => None,
        None if has_settings(node) => Some(Val::Node(node.clone())),
        None => None,
    }
}

/// The family of an exported resource by its `type`.
pub fn family_of(node: &Node) -> Option<Family> {
    types::family(node.get_ci("type")?.str()?)
}

/// An exported resource; `None` when its type is not audited or it has no id.
pub fn item<'a>(node: &Node<'a>, subscription: Option<&str>) -> Option<Item<'a>> {
    let family = family_of(node)?;
    let raw_id = node.get_ci("id")?.str()?;
    let parsed = parse_id(raw_id);
    let name = node.get_ci("name").and_then(|n| n.string()).or_else(|| parsed.path.last().cloned()).unwrap_or_default();
    let parent = family.parent().map(|_| Parent {
        id: canonical_id(parsed.top.as_deref().unwrap_or_default()),
        name: parsed.path.get(1).cloned().unwrap_or_default(),
    });
    let props = settings(node, family);
    let r = Literal;
    Some(Item {
        family,
        id: canonical_id(raw_id),
        name,
        parent,
        at: node.at.clone(),
        props,
        defaults: Defaults::Live,
        subscription: parsed.subscription.or_else(|| subscription.map(str::to_string)),
        region: node.get("location").and_then(|l| l.string()),
        tags: resources::tags(node.get("tags").map(Val::Node), &r),
    })
}

/// What reading a list of exported resources found.
#[derive(Debug, Default)]
pub struct Read {
    pub audited: usize,
    /// Resources whose export held no settings (type and id).
    pub without_settings: Vec<(&'static str, String)>,
    /// Resources whose export held settings.
    pub with_settings: Vec<(&'static str, String)>,
}

/// Adds every exported resource of the list; others are listed as skipped.
pub fn add_all(nodes: &[Node], subscription: Option<&str>, collector: &mut Collector) -> Read {
    let mut read = Read::default();
    for node in nodes {
        match item(node, subscription) {
            Some(item) => {
                read.audited += 1;
                let key = (item.family.type_name(), item.id.clone());
                if item.props.is_none() {
                    read.without_settings.push(key);
                } else {
                    read.with_settings.push(key);
                }
                resources::add(&item, &Literal, collector);
            }
            None => {
                let reason = match node.get_ci("type").and_then(|t| t.string()) {
                    Some(type_name) if node.get_ci("id").is_some() => {
                        format!("resource type {type_name} is not audited")
                    }
                    _ => "not a resource: no `id` and `type`".to_string(),
                };
                collector.skip(&node.at, reason);
            }
        }
    }
    read
}

/// The note for exports that name resources without their settings.
pub fn settings_note(read: &Read, what: &str) -> Option<String> {
    let count = read.without_settings.len();
    (count > 0).then(|| {
        let (number, verb) = if count == 1 { ("1 resource".to_string(), "comes") } else { (format!("{count} resources"), "come") };
        format!(
            "{number} in this {what} {verb} without settings, so Keyhole listed but did not judge them. Export their settings too: `az storage account list`, `az network nsg list`, `az sql server list`, `az cosmosdb list`, `az keyvault show --name NAME`, or the Keyhole Azure bundle (docs/azure-export-bundle.md)."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_into_their_parts() {
        let id = parse_id("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default/containers/logs");
        assert_eq!(id.subscription.as_deref(), Some("s1"));
        assert_eq!(id.resource_group.as_deref(), Some("rg"));
        assert_eq!(id.path, ["storageAccounts", "acct", "blobServices", "default", "containers", "logs"]);
        assert_eq!(
            id.top.as_deref(),
            Some("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct")
        );
        assert_eq!(parse_id("garbage"), ResourceId::default());
        assert_eq!(parse_id("/providers").top.as_deref(), Some("/providers"));
    }
}

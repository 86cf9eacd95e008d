//! One Azure resource, however it was exported, mapped into the model.
//!
//! ARM templates and Resource Graph rows nest settings under `properties`;
//! most `az ... list` outputs flatten them to the top level, and a few rename
//! them (`supportsHttpsTrafficOnly` is `enableHttpsTrafficOnly`, `networkAcls`
//! is `networkRuleSet`). The mappers read both spellings, through a
//! [`Resolve`] that evaluates template expressions or reads exports literally.

use crate::model::{
    Attr, CosmosAccount, FirewallRule, KeyVault, Kind, NetworkSecurityGroup, NsgRule, Origin, Provider, Resource,
    SqlServer, StorageAccount, StorageContainer,
};
use crate::sources::Collector;

use super::expr::{Resolve, Val};
use super::types::{self, Family};

/// What an absent setting means in this export.
#[derive(Debug, Clone)]
pub enum Defaults {
    /// A template: the resource provider's default for the `apiVersion`.
    Template(ApiVersion),
    /// A live export of the resource's settings: the service's default.
    Live,
}

#[derive(Debug, Clone)]
pub enum ApiVersion {
    /// The date part, such as `2021-04-01` (a `-preview` suffix dropped).
    Known(String),
    Unresolved(Origin),
}

impl ApiVersion {
    /// From a resolved `apiVersion` value; a string that is not a date is unresolved.
    pub fn read(value: Option<&Val>, fallback: &Origin) -> ApiVersion {
        let Some(value) = value else { return ApiVersion::Unresolved(fallback.clone()) };
        match value.str().and_then(|s| s.get(..10)).filter(|d| looks_like_date(d)) {
            Some(date) => ApiVersion::Known(date.to_string()),
            None => ApiVersion::Unresolved(value.at().clone()),
        }
    }

    /// Whether this API version is at or after `date` (`YYYY-MM-DD`), or
    /// the place where it could not be resolved.
    fn at_least(&self, date: &str) -> Result<bool, Origin> {
        match self {
            ApiVersion::Known(version) => Ok(version.as_str() >= date),
            ApiVersion::Unresolved(at) => Err(at.clone()),
        }
    }
}

fn looks_like_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// A resource's parent, for child resources (a container's storage account,
/// a firewall rule's server, a security rule's group).
#[derive(Debug, Clone)]
pub struct Parent {
    pub id: String,
    pub name: String,
}

/// One resource as a source found it, before mapping.
pub struct Item<'a> {
    pub family: Family,
    pub id: String,
    /// The resource's own name (a container's, a rule's).
    pub name: String,
    pub parent: Option<Parent>,
    pub at: Origin,
    /// Where the settings are: `properties`, or the resource itself when
    /// flattened. `None` when the export holds no settings at all (`az
    /// resource list`), so nothing is judged.
    pub props: Option<Val<'a>>,
    pub defaults: Defaults,
    pub subscription: Option<String>,
    pub region: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// The first of these keys that is present.
fn first<'a>(props: &Val<'a>, keys: &[&str], r: &dyn Resolve<'a>) -> Option<Val<'a>> {
    keys.iter().find_map(|key| props.get(key, r))
}

fn resource(item: &Item, type_name: &'static str, id: String, name: String, kind: Kind) -> Resource {
    Resource {
        provider: Provider::Azure,
        type_name,
        id,
        name,
        account: item.subscription.clone(),
        region: item.region.clone(),
        tags: item.tags.clone(),
        at: item.at.clone(),
        kind,
    }
}

/// Maps the item and adds it to the model.
pub fn add<'a>(item: &Item<'a>, r: &dyn Resolve<'a>, collector: &mut Collector) {
    let own = |kind: Kind| resource(item, item.family.type_name(), item.id.clone(), item.name.clone(), kind);
    let props = item.props.as_ref();
    let mapped = match item.family {
        Family::StorageAccount => {
            own(Kind::StorageAccount(props.map(|p| storage_account(p, item, r)).unwrap_or_default()))
        }
        Family::Container => {
            let (account_id, account_name) = match &item.parent {
                Some(parent) => (Some(parent.id.clone()), parent.name.clone()),
                None => (None, String::new()),
            };
            let container = StorageContainer {
                account: account_id.or_else(|| Some(account_name.clone()).filter(|n| !n.is_empty())),
                public_access: props.map(|p| container_access(p, r)),
            };
            let name =
                if account_name.is_empty() { item.name.clone() } else { format!("{account_name}/{}", item.name) };
            resource(item, types::CONTAINER, item.id.clone(), name, Kind::StorageContainer(container))
        }
        Family::Server(_) => own(Kind::SqlServer(props.map(|p| sql_server(p, item, r)).unwrap_or_default())),
        Family::FirewallRule(server) => {
            let Some(parent) = &item.parent else { return };
            let mut sql = SqlServer::default();
            if let Some(p) = props {
                sql.firewall_rules.push(firewall_rule(&item.name, p, r));
            }
            resource(item, server.type_name(), parent.id.clone(), parent.name.clone(), Kind::SqlServer(sql))
        }
        Family::Nsg => own(Kind::NetworkSecurityGroup(props.map(|p| nsg(p, r)).unwrap_or_default())),
        Family::NsgRule => {
            let Some(parent) = &item.parent else { return };
            let mut group = NetworkSecurityGroup::default();
            if let Some(p) = props {
                group.rules.push(nsg_rule(&item.name, p, r));
            }
            resource(item, types::NSG, parent.id.clone(), parent.name.clone(), Kind::NetworkSecurityGroup(group))
        }
        Family::Cosmos => own(Kind::CosmosAccount(props.map(|p| cosmos(p, r)).unwrap_or_default())),
        Family::Vault => own(Kind::KeyVault(props.map(|p| vault(p, r)).unwrap_or_default())),
    };
    collector.add(mapped);
}

fn storage_account<'a>(p: &Val<'a>, item: &Item, r: &dyn Resolve<'a>) -> StorageAccount {
    let at = p.at().clone();
    let mut account = StorageAccount::default();
    if let Defaults::Template(ApiVersion::Known(version)) = &item.defaults {
        account.api_version = Some(version.clone());
    }
    account.allow_blob_public_access = Some(match p.get("allowBlobPublicAccess", r) {
        Some(value) => value.bool_attr(),
        // Absent: the provider's default. The storage REST API documents
        // `false` from 2023-01-01 and `true` before; a live account that
        // reports nothing predates the change and allows it.
        None => match &item.defaults {
            Defaults::Live => Attr::defaulted(true, at.clone()),
            Defaults::Template(version) => match version.at_least("2023-01-01") {
                Ok(new) => Attr::defaulted(!new, at.clone()),
                Err(version_at) => Attr::unresolved(version_at),
            },
        },
    });
    account.https_only = match first(p, &["supportsHttpsTrafficOnly", "enableHttpsTrafficOnly"], r) {
        Some(value) => Some(value.bool_attr()),
        // `true` by default since API version 2019-04-01.
        None => match &item.defaults {
            Defaults::Live => None,
            Defaults::Template(version) => Some(match version.at_least("2019-04-01") {
                Ok(new) => Attr::defaulted(new, at.clone()),
                Err(version_at) => Attr::unresolved(version_at),
            }),
        },
    };
    account.network_default_action = Some(match first(p, &["networkAcls", "networkRuleSet"], r) {
        Some(acls) => match acls.get("defaultAction", r) {
            Some(action) => action.string_attr(),
            None => Attr::defaulted("Allow".to_string(), acls.at().clone()),
        },
        None => Attr::defaulted("Allow".to_string(), at.clone()),
    });
    account.public_network_access = Some(match p.get("publicNetworkAccess", r) {
        Some(value) => value.string_attr(),
        None => Attr::defaulted("Enabled".to_string(), at),
    });
    account
}

/// A container's `publicAccess`; absent means private. The data-plane
/// listing (`az storage container list`) nests it under `properties` and
/// writes `null` for private.
fn container_access<'a>(p: &Val<'a>, r: &dyn Resolve<'a>) -> Attr<String> {
    let found =
        p.get("publicAccess", r).or_else(|| p.get("properties", r).and_then(|inner| inner.get("publicAccess", r)));
    match found {
        Some(value) => value.string_attr(),
        None => Attr::defaulted("None".to_string(), p.at().clone()),
    }
}

fn sql_server<'a>(p: &Val<'a>, _item: &Item, r: &dyn Resolve<'a>) -> SqlServer {
    let network = p.get("network", r);
    let access =
        p.get("publicNetworkAccess", r).or_else(|| network.as_ref().and_then(|n| n.get("publicNetworkAccess", r)));
    let private_subnet = network.as_ref().and_then(|n| n.get("delegatedSubnetResourceId", r)).is_some();
    SqlServer {
        firewall_rules: Vec::new(),
        public_network_access: Some(match access {
            Some(value) => value.string_attr(),
            // A flexible server placed in a delegated subnet has no public endpoint.
            None if private_subnet => Attr::defaulted("Disabled".to_string(), p.at().clone()),
            None => Attr::defaulted("Enabled".to_string(), p.at().clone()),
        }),
    }
}

pub fn firewall_rule<'a>(name: &str, p: &Val<'a>, r: &dyn Resolve<'a>) -> FirewallRule {
    let end = |key: &str| match p.get(key, r) {
        Some(value) => value.string_attr(),
        None => Attr::unresolved(p.at().clone()),
    };
    FirewallRule { name: name.to_string(), start: end("startIpAddress"), end: end("endIpAddress") }
}

fn nsg<'a>(p: &Val<'a>, r: &dyn Resolve<'a>) -> NetworkSecurityGroup {
    let mut group = NetworkSecurityGroup::default();
    // A `null` list was exported but cannot be read: one rule that may be anything.
    if let Some(at) = p.null_member("securityRules") {
        group.rules.push(nsg_rule("securityRules", &Val::Unresolved(at), r));
    }
    if let Some(list) = p.get("securityRules", r) {
        match list.items(r) {
            Some(rules) => {
                for rule in rules {
                    // A rule that is not an object (a string, a number, null) may be anything.
                    if rule.value().is_some_and(|v| !v.is_object()) {
                        group.rules.push(nsg_rule("securityRules", &Val::Unresolved(rule.at().clone()), r));
                        continue;
                    }
                    let name = rule.get("name", r).and_then(|n| n.string()).unwrap_or_default();
                    let settings = rule.get("properties", r).unwrap_or_else(|| rule.clone());
                    group.rules.push(nsg_rule(&name, &settings, r));
                }
            }
            // The whole list is an expression: one rule that may be anything.
            None => group.rules.push(nsg_rule("securityRules", &Val::Unresolved(list.at().clone()), r)),
        }
    }
    // A property copy loop (`"copy": [{"name": "securityRules", "input": {...}}]`)
    // stands for rules built from its input; the copy index is unresolved.
    if let Some(copies) = p.get("copy", r).and_then(|c| c.items(r)) {
        for copy in copies {
            let is_rules =
                copy.get("name", r).and_then(|n| n.string()).is_some_and(|n| n.eq_ignore_ascii_case("securityRules"));
            if let (true, Some(input)) = (is_rules, copy.get("input", r)) {
                let name = input
                    .get("name", r)
                    .and_then(|n| n.string())
                    .unwrap_or_else(|| "securityRules (copy loop)".to_string());
                let settings = input.get("properties", r).unwrap_or_else(|| input.clone());
                group.rules.push(nsg_rule(&name, &settings, r));
            }
        }
    }
    group
}

/// A list attribute written either as one value (`sourceAddressPrefix`) or
/// as a list (`sourceAddressPrefixes`), or both. Azure requires one of them,
/// so a rule with neither (or with values of the wrong type) may open anything:
/// those come back unresolved, never as an empty list.
fn one_or_many<'a>(
    p: &Val<'a>,
    one: &str,
    many: &str,
    read: fn(&Val<'a>) -> Attr<String>,
    r: &dyn Resolve<'a>,
) -> Vec<Attr<String>> {
    let mut out = Vec::new();
    if let Some(value) = p.get(one, r) {
        if value.str() != Some("") {
            out.push(read(&value));
        }
    }
    if let Some(list) = p.get(many, r) {
        match list.items(r) {
            Some(items) => out.extend(items.iter().filter(|i| i.str() != Some("")).map(read)),
            None => out.push(Attr::unresolved(list.at().clone())),
        }
    }
    if out.is_empty() {
        let at = p.null_member(many).or_else(|| p.null_member(one)).unwrap_or_else(|| p.at().clone());
        out.push(Attr::unresolved(at));
    }
    out
}

/// An address prefix is text (a CIDR, an address or a service tag); any other type cannot be read.
fn prefix_attr(value: &Val) -> Attr<String> {
    match value.str() {
        Some(text) => Attr::explicit(text.to_string(), value.at().clone()),
        None => Attr::unresolved(value.at().clone()),
    }
}

pub fn nsg_rule<'a>(name: &str, p: &Val<'a>, r: &dyn Resolve<'a>) -> NsgRule {
    // One of the values Azure accepts (in any case), else unresolved where it stands.
    let field = |key: &str, accepted: &[&str]| match p.get(key, r) {
        Some(value) => match value.str() {
            Some(text) if accepted.iter().any(|a| a.eq_ignore_ascii_case(text)) => value.string_attr(),
            _ => Attr::unresolved(value.at().clone()),
        },
        None => Attr::unresolved(p.at().clone()),
    };
    NsgRule {
        name: name.to_string(),
        direction: field("direction", &["Inbound", "Outbound"]),
        access: field("access", &["Allow", "Deny"]),
        protocol: field("protocol", &["Tcp", "Udp", "Icmp", "Esp", "Ah", "*", "Any"]),
        priority: p.get("priority", r).and_then(|v| v.int()),
        sources: one_or_many(p, "sourceAddressPrefix", "sourceAddressPrefixes", prefix_attr, r),
        ports: one_or_many(p, "destinationPortRange", "destinationPortRanges", Val::string_attr, r),
        at: p.at().clone(),
    }
}

fn cosmos<'a>(p: &Val<'a>, r: &dyn Resolve<'a>) -> CosmosAccount {
    let at = p.at().clone();
    let mut ranges: Vec<String> = Vec::new();
    let mut unresolved: Option<Origin> = None;
    let mut seen_at: Option<Origin> = None;
    // `ipRules: [{"ipAddressOrRange": ...}]` (or plain strings), and the
    // older `ipRangeFilter: "a,b"`.
    for key in ["ipRules", "ipRangeFilter"] {
        let Some(list) = p.get(key, r) else { continue };
        seen_at.get_or_insert_with(|| list.at().clone());
        if let Some(text) = list.str() {
            ranges.extend(text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string));
            continue;
        }
        match list.items(r) {
            Some(items) => {
                for rule in items {
                    let value = rule.get("ipAddressOrRange", r).unwrap_or_else(|| rule.clone());
                    match value.string() {
                        Some(range) if !range.trim().is_empty() => ranges.push(range.trim().to_string()),
                        Some(_) => {}
                        None => unresolved = Some(value.at().clone()),
                    }
                }
            }
            None => unresolved = Some(list.at().clone()),
        }
    }
    let ip_rules = match (unresolved, seen_at) {
        (Some(place), _) => Attr::unresolved(place),
        (None, Some(place)) => Attr::explicit(ranges, place),
        (None, None) => Attr::defaulted(Vec::new(), at.clone()),
    };
    let virtual_network_rules = match p.get("virtualNetworkRules", r) {
        Some(list) => match list.items(r) {
            Some(items) => Attr::explicit(items.len(), list.at().clone()),
            None => Attr::unresolved(list.at().clone()),
        },
        None => Attr::defaulted(0, at.clone()),
    };
    CosmosAccount {
        public_network_access: Some(match p.get("publicNetworkAccess", r) {
            Some(value) => value.string_attr(),
            None => Attr::defaulted("Enabled".to_string(), at.clone()),
        }),
        ip_rules: Some(ip_rules),
        virtual_network_rules: Some(virtual_network_rules),
        virtual_network_filter_enabled: Some(match p.get("isVirtualNetworkFilterEnabled", r) {
            Some(value) => value.bool_attr(),
            None => Attr::defaulted(false, at),
        }),
    }
}

fn vault<'a>(p: &Val<'a>, r: &dyn Resolve<'a>) -> KeyVault {
    let at = p.at().clone();
    KeyVault {
        network_default_action: Some(match p.get("networkAcls", r) {
            Some(acls) => match acls.get("defaultAction", r) {
                Some(action) => action.string_attr(),
                None => Attr::defaulted("Allow".to_string(), acls.at().clone()),
            },
            // No network ACLs: every network may connect.
            None => Attr::defaulted("Allow".to_string(), at.clone()),
        }),
        public_network_access: Some(match p.get("publicNetworkAccess", r) {
            Some(value) => value.string_attr(),
            None => Attr::defaulted("Enabled".to_string(), at),
        }),
    }
}

/// Tags from a `tags` object; values that are not strings are skipped.
pub fn tags<'a>(tags: Option<Val<'a>>, r: &dyn Resolve<'a>) -> Vec<(String, String)> {
    let Some(Val::Node(node)) = tags else { return Vec::new() };
    let Some(map) = node.value.as_object() else { return Vec::new() };
    map.keys()
        .filter_map(|key| {
            let value = Val::Node(node.clone()).get(key, r)?;
            Some((key.clone(), value.string()?))
        })
        .collect()
}

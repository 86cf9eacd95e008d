//! The azurerm provider, mapped into the Azure model under ARM type names.

use crate::model::{
    Attr, CosmosAccount, FirewallRule, KeyVault, Kind, NetworkSecurityGroup, NsgRule, Origin, Provider, Resource,
    SqlServer, StorageAccount, StorageContainer,
};
use crate::sources::azure::types::{
    CONTAINER, COSMOS_ACCOUNT as COSMOS, KEY_VAULT, MYSQL_FLEXIBLE_SERVER as MYSQL_FLEXIBLE, MYSQL_SERVER, NSG,
    POSTGRES_FLEXIBLE_SERVER as POSTGRES_FLEXIBLE, POSTGRES_SERVER, SQL_SERVER, STORAGE_ACCOUNT,
};
use crate::sources::Collector;

use super::index::{Entry, Index, Target};
use super::value::{Read, Val};
use super::{find_target, resource};

type Targets = &'static [(&'static str, &'static str)];
const ACCOUNTS: Targets = &[("azurerm_storage_account", STORAGE_ACCOUNT)];
const SQL_SERVERS: Targets = &[("azurerm_mssql_server", SQL_SERVER), ("azurerm_sql_server", SQL_SERVER)];
const POSTGRES_SERVERS: Targets = &[("azurerm_postgresql_server", POSTGRES_SERVER)];
const MYSQL_SERVERS: Targets = &[("azurerm_mysql_server", MYSQL_SERVER)];
const POSTGRES_FLEXIBLES: Targets = &[("azurerm_postgresql_flexible_server", POSTGRES_FLEXIBLE)];
const MYSQL_FLEXIBLES: Targets = &[("azurerm_mysql_flexible_server", MYSQL_FLEXIBLE)];
const NSGS: Targets = &[("azurerm_network_security_group", NSG)];

pub fn attaches(type_name: &str) -> bool {
    firewall_rule_target(type_name).is_some()
        || matches!(type_name, "azurerm_network_security_rule" | "azurerm_storage_account_network_rules")
}

/// The server attribute and the server types of each firewall rule resource.
fn firewall_rule_target(type_name: &str) -> Option<(&'static str, Targets)> {
    Some(match type_name {
        "azurerm_mssql_firewall_rule" => ("server_id", SQL_SERVERS),
        "azurerm_sql_firewall_rule" => ("server_name", SQL_SERVERS),
        "azurerm_postgresql_firewall_rule" => ("server_name", POSTGRES_SERVERS),
        "azurerm_mysql_firewall_rule" => ("server_name", MYSQL_SERVERS),
        "azurerm_postgresql_flexible_server_firewall_rule" => ("server_id", POSTGRES_FLEXIBLES),
        "azurerm_mysql_flexible_server_firewall_rule" => ("server_name", MYSQL_FLEXIBLES),
        _ => return None,
    })
}

fn azure(entry: &Entry, type_name: &'static str, kind: Kind) -> Resource {
    resource(entry, Provider::Azure, type_name, kind)
}

fn external(type_name: &'static str, id: &str, kind: Kind, at: Origin) -> Resource {
    Resource {
        provider: Provider::Azure,
        type_name,
        id: id.to_string(),
        name: id.to_string(),
        account: None,
        region: None,
        tags: Vec::new(),
        at,
        kind,
    }
}

/// The first of several spellings an attribute has had across provider
/// versions that the resource holds.
fn either<'a>(entry: &Entry<'a>, keys: &[&str]) -> Val<'a> {
    keys.iter().map(|k| entry.attr(k)).find(|v| !matches!(v.read(), Read::Absent)).unwrap_or_default()
}

/// `default_action` of a `network_rules` / `network_acls` block. Without
/// the block Azure allows every network.
fn default_action(entry: &Entry, key: &str) -> Option<Attr<String>> {
    let block = entry.computed(key);
    match block.read() {
        Read::Known(_) if block.has_content() => block.first().get("default_action").string_attr(),
        Read::Known(node) => Some(Attr::defaulted("Allow".to_string(), node.at)),
        Read::Unknown(at) => Some(Attr::unresolved(at)),
        Read::Absent => Some(Attr::defaulted("Allow".to_string(), entry.unset_at(key))),
    }
}

pub fn primary(entry: &Entry, index: &Index, collector: &mut Collector) -> bool {
    let r = match entry.type_name {
        "azurerm_storage_account" => azure(
            entry,
            STORAGE_ACCOUNT,
            Kind::StorageAccount(StorageAccount {
                allow_blob_public_access: either(
                    entry,
                    &["allow_nested_items_to_be_public", "allow_blob_public_access"],
                )
                .bool_attr(),
                network_default_action: default_action(entry, "network_rules"),
                public_network_access: entry.attr("public_network_access_enabled").enabled_attr(),
                https_only: either(entry, &["https_traffic_only_enabled", "enable_https_traffic_only"]).bool_attr(),
                api_version: None,
            }),
        ),
        "azurerm_storage_container" => container(entry, index),
        "azurerm_mssql_server" | "azurerm_sql_server" => server(entry, SQL_SERVER),
        "azurerm_postgresql_server" => server(entry, POSTGRES_SERVER),
        "azurerm_mysql_server" => server(entry, MYSQL_SERVER),
        "azurerm_postgresql_flexible_server" => server(entry, POSTGRES_FLEXIBLE),
        "azurerm_mysql_flexible_server" => server(entry, MYSQL_FLEXIBLE),
        "azurerm_network_security_group" => {
            let list = entry.computed("security_rule");
            let rules = match list.read() {
                Read::Unknown(at) => vec![unresolved_rule(entry.address, at)],
                _ => list
                    .items()
                    .iter()
                    .enumerate()
                    .map(|(i, rule)| {
                        let name = rule.get("name").string().unwrap_or_else(|| format!("{}[{i}]", entry.address));
                        nsg_rule(rule, name, rule.at().unwrap_or_else(|| entry.values_at()))
                    })
                    .collect(),
            };
            azure(entry, NSG, Kind::NetworkSecurityGroup(NetworkSecurityGroup { rules }))
        }
        "azurerm_cosmosdb_account" => cosmos(entry),
        "azurerm_key_vault" => azure(
            entry,
            KEY_VAULT,
            Kind::KeyVault(KeyVault {
                network_default_action: default_action(entry, "network_acls"),
                public_network_access: entry.attr("public_network_access_enabled").enabled_attr(),
            }),
        ),
        _ => return false,
    };
    collector.add(r);
    true
}

fn container(entry: &Entry, index: &Index) -> Resource {
    // Provider v4 names the account by id, earlier versions by name.
    let key = if entry.config.is_some_and(|c| c.contains_key("storage_account_id"))
        || entry.raw("storage_account_id").is_some()
        || entry.raw_unknown("storage_account_id")
    {
        "storage_account_id"
    } else {
        "storage_account_name"
    };
    let account = match index.target(entry, key, ACCOUNTS) {
        Target::Entry(at) => index.get(at).map(|e| e.address.to_string()),
        Target::External(value) => Some(value),
        Target::Unresolved => None,
    };
    let access = entry.attr("container_access_type");
    let public_access = match access.read() {
        Read::Known(node) => Some(match node.str() {
            Some(kind) => {
                let arm = match kind.to_ascii_lowercase().as_str() {
                    "private" => "None".to_string(),
                    "blob" => "Blob".to_string(),
                    "container" => "Container".to_string(),
                    _ => kind.to_string(),
                };
                Attr::explicit(arm, node.at)
            }
            None => Attr::unresolved(node.at),
        }),
        Read::Unknown(at) => Some(Attr::unresolved(at)),
        // The provider's default is private.
        Read::Absent => Some(Attr::defaulted("None".to_string(), entry.at())),
    };
    azure(entry, CONTAINER, Kind::StorageContainer(StorageContainer { account, public_access }))
}

fn server(entry: &Entry, type_name: &'static str) -> Resource {
    let s = SqlServer {
        firewall_rules: Vec::new(),
        public_network_access: entry.attr("public_network_access_enabled").enabled_attr(),
    };
    azure(entry, type_name, Kind::SqlServer(s))
}

fn cosmos(entry: &Entry) -> Resource {
    let filter = entry.attr("ip_range_filter");
    let ip_rules = match filter.read() {
        Read::Known(node) => {
            // A comma-separated string before provider v4, a list since.
            let ranges: Vec<String> = match node.str() {
                Some(text) => text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect(),
                None => filter.string_list().into_iter().filter_map(|a| a.value).collect(),
            };
            Some(Attr::explicit(ranges, node.at))
        }
        Read::Unknown(at) => Some(Attr::unresolved(at)),
        Read::Absent => Some(Attr::defaulted(Vec::new(), entry.unset_at("ip_range_filter"))),
    };
    let vnet = entry.attr("virtual_network_rule");
    let virtual_network_rules = match vnet.read() {
        Read::Known(node) => Some(Attr::explicit(vnet.items().len(), node.at)),
        Read::Unknown(at) => Some(Attr::unresolved(at)),
        Read::Absent => Some(Attr::defaulted(0, entry.unset_at("virtual_network_rule"))),
    };
    let account = CosmosAccount {
        public_network_access: entry.attr("public_network_access_enabled").enabled_attr(),
        ip_rules,
        virtual_network_rules,
        virtual_network_filter_enabled: entry.attr("is_virtual_network_filter_enabled").bool_attr(),
    };
    azure(entry, COSMOS, Kind::CosmosAccount(account))
}

/// One NSG rule, inline (`security_rule`) or an `azurerm_network_security_rule`.
fn nsg_rule(rule: &Val, name: String, at: Origin) -> NsgRule {
    let text = |key: &str| rule.get(key).string_attr().unwrap_or_else(|| Attr::unresolved(at.clone()));
    let list = |single: &str, many: &str| {
        let mut out: Vec<Attr<String>> = rule.get(single).text_attr().into_iter().collect();
        out.extend(rule.get(many).string_list());
        out
    };
    NsgRule {
        name,
        direction: text("direction"),
        access: text("access"),
        protocol: text("protocol"),
        priority: rule.get("priority").int(),
        sources: list("source_address_prefix", "source_address_prefixes"),
        ports: list("destination_port_range", "destination_port_ranges"),
        at,
    }
}

/// Inline rules unknown until apply: one rule with nothing resolved.
fn unresolved_rule(address: &str, at: Origin) -> NsgRule {
    NsgRule {
        name: address.to_string(),
        direction: Attr::unresolved(at.clone()),
        access: Attr::unresolved(at.clone()),
        protocol: Attr::unresolved(at.clone()),
        priority: None,
        sources: vec![Attr::unresolved(at.clone())],
        ports: vec![Attr::unresolved(at.clone())],
        at,
    }
}

pub fn attach(entry: &Entry, index: &Index, collector: &mut Collector) {
    let at = entry.at();
    let name = entry.text("name").map_or_else(|| entry.address.to_string(), str::to_string);
    if let Some((key, targets)) = firewall_rule_target(entry.type_name) {
        let Some(&(_, type_name)) = targets.first() else { return };
        let bound = |k: &str| entry.attr(k).string_attr().unwrap_or_else(|| Attr::unresolved(entry.values_at()));
        let rule = FirewallRule { name, start: bound("start_ip_address"), end: bound("end_ip_address") };
        let orphan = |id: &str| Some(external(type_name, id, Kind::SqlServer(SqlServer::default()), at));
        if let Some(Kind::SqlServer(server)) =
            find_target(index, entry, collector, key, targets, "server", orphan).map(|r| &mut r.kind)
        {
            server.firewall_rules.push(rule);
        }
        return;
    }
    match entry.type_name {
        "azurerm_network_security_rule" => {
            let rule = nsg_rule(&entry.values, name, entry.values_at());
            let orphan =
                |id: &str| Some(external(NSG, id, Kind::NetworkSecurityGroup(NetworkSecurityGroup::default()), at));
            let found =
                find_target(index, entry, collector, "network_security_group_name", NSGS, "security group", orphan);
            if let Some(Kind::NetworkSecurityGroup(group)) = found.map(|r| &mut r.kind) {
                group.rules.push(rule);
            }
        }
        "azurerm_storage_account_network_rules" => {
            let action = entry.attr("default_action").string_attr();
            let key = if entry.raw("storage_account_id").is_none()
                && !entry.raw_unknown("storage_account_id")
                && !entry.config.is_some_and(|c| c.contains_key("storage_account_id"))
            {
                "storage_account_name"
            } else {
                "storage_account_id"
            };
            let orphan =
                |id: &str| Some(external(STORAGE_ACCOUNT, id, Kind::StorageAccount(StorageAccount::default()), at));
            let found = find_target(index, entry, collector, key, ACCOUNTS, "storage account", orphan);
            if let (Some(Kind::StorageAccount(account)), Some(action)) = (found.map(|r| &mut r.kind), action) {
                account.network_default_action = Some(action);
            }
        }
        _ => {}
    }
}

//! The Keyhole Azure export bundle (`keyhole-azure-export`,
//! docs/azure-export-bundle.md): raw `az ... --output json` outputs, each
//! with the command and parameters that produced it, so outputs that do not
//! name their resource (`az storage container list`) can be read, and failed
//! calls are reported as not checked.

use crate::model::Gap;
use crate::sources::{Collector, Node};

use super::expr::{Literal, Val};
use super::graph;
use super::live::{self, canonical_id};
use super::resources::{self, Defaults, Item, Parent};
use super::types::{Family, Server};

pub const MARKER: &str = "azure-export/1";

pub fn is_bundle(root: &Node) -> bool {
    root.get("keyhole").and_then(|k| k.str()) == Some(MARKER)
}

/// Families whose `list` and `show` outputs the bundle reads as they are.
const FAMILIES: &[Family] = &[
    Family::StorageAccount,
    Family::Container,
    Family::Server(Server::Sql),
    Family::Server(Server::Postgres),
    Family::Server(Server::PostgresFlexible),
    Family::Server(Server::MySql),
    Family::Server(Server::MySqlFlexible),
    Family::FirewallRule(Server::Sql),
    Family::FirewallRule(Server::Postgres),
    Family::FirewallRule(Server::PostgresFlexible),
    Family::FirewallRule(Server::MySql),
    Family::FirewallRule(Server::MySqlFlexible),
    Family::Nsg,
    Family::NsgRule,
    Family::Cosmos,
    Family::Vault,
];

/// `az storage account list` → `storage account list`: lowercase, single
/// spaces, without the leading `az`.
fn normalize(command: &str) -> String {
    let words: Vec<String> = command.split_whitespace().map(str::to_ascii_lowercase).collect();
    let words = match words.first().map(String::as_str) {
        Some("az") => words.get(1..).unwrap_or_default().to_vec(),
        _ => words,
    };
    words.join(" ")
}

fn reads_resources(command: &str) -> bool {
    command == "resource list"
        || FAMILIES.iter().any(|f| {
            let group = f.command().0;
            command == format!("{group} list") || command == format!("{group} show")
        })
}

/// The error code and message of a failed call: `{"code", "message"}`, or
/// found in the CLI's `ERROR: (AuthorizationFailed) ...` text.
fn error_code(error: &Node) -> (String, String) {
    if let Some(code) = error.get_ci("code").and_then(|c| c.string()) {
        let message = error.get_ci("message").and_then(|m| m.string()).unwrap_or_default();
        return (code, message);
    }
    let text = error.string().unwrap_or_default();
    let in_parens = text.split('(').skip(1).find_map(|rest| {
        let (code, _) = rest.split_once(')')?;
        (!code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')).then(|| code.to_string())
    });
    let labelled = text.lines().find_map(|line| line.trim().strip_prefix("Code:").map(|c| c.trim().to_string()));
    let code = in_parens.or(labelled).filter(|c| !c.is_empty()).unwrap_or_else(|| "Error".to_string());
    let words: Vec<&str> = text.trim().trim_start_matches("ERROR:").split_whitespace().collect();
    let mut message = words.join(" ");
    if message.chars().count() > 300 {
        message = message.chars().take(300).collect::<String>() + "…";
    }
    (code, message)
}

/// The parameters as `--name value` flags, and their values for sentences.
fn flags(params: Option<&Node>) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut values = Vec::new();
    for (key, value) in params.iter().flat_map(|p| p.entries().collect::<Vec<_>>()) {
        if let Some(value) = value.string() {
            text.push_str(&format!(" --{key} {value}"));
            // Options such as `--auth-mode login` say how, not what.
            if !["auth-mode", "query", "output", "only-show-errors"].contains(&key) {
                values.push(value);
            }
        }
    }
    (text, values)
}

fn param(params: Option<&Node>, keys: &[&str]) -> Option<String> {
    let params = params?;
    keys.iter().find_map(|k| params.get_ci(k).and_then(|v| v.string()))
}

pub fn adapt(root: &Node, collector: &mut Collector) {
    let calls: Vec<Node> = root.get("calls").map(|c| c.items().collect()).unwrap_or_default();
    if root.get("calls").is_none() {
        collector.note("The bundle holds no `calls` list, so there was nothing to audit.");
    }
    // The subscription every call inherits: the bundle's, else `az account show`'s.
    let subscription = root.get("subscription").and_then(|s| s.string()).or_else(|| {
        calls.iter().find_map(|call| {
            let command = normalize(call.get("command")?.str()?);
            (command == "account show").then_some(())?;
            call.get("output")?.get("id")?.string()
        })
    });
    let mut read = live::Read::default();
    for call in &calls {
        adapt_call(call, subscription.as_deref(), &mut read, collector);
    }
    // A vault listed by `keyvault list` and described by `keyvault show` has its settings.
    let described = std::mem::take(&mut read.with_settings);
    read.without_settings.retain(|key| !described.contains(key));
    read.without_settings.dedup();
    if let Some(note) = live::settings_note(&read, "bundle") {
        collector.note(note);
    }
}

/// Reads one call into the model, recording which resources came with settings.
fn adapt_call(call: &Node, bundle_subscription: Option<&str>, read: &mut live::Read, collector: &mut Collector) {
    let Some(raw) = call.get("command").and_then(|c| c.str()) else {
        collector.skip(&call.at, "call without `command`");
        return;
    };
    let command = normalize(raw);
    let subscription =
        call.get("subscription").and_then(|s| s.string()).or_else(|| bundle_subscription.map(str::to_string));
    let params = call.get("params");
    let Some(output) = call.get("output") else {
        match call.get("error") {
            Some(error) => {
                let (code, message) = error_code(&error);
                let (flag_text, values) = flags(params.as_ref());
                let mut reason = format!("the export call failed with {code}: {message}");
                if command == "storage container list" {
                    reason.push_str(
                        " (`az storage container-rm list --storage-account NAME` needs only the Reader role)",
                    );
                }
                let what =
                    if values.is_empty() { command.clone() } else { format!("{command} for {}", values.join(", ")) };
                let subscription_flag =
                    subscription.as_ref().map(|s| format!(" --subscription {s}")).unwrap_or_default();
                collector.gap(Gap {
                    account: subscription.clone(),
                    region: None,
                    what,
                    reason,
                    command: Some(format!("az {command}{flag_text}{subscription_flag}")),
                    file: None,
                });
            }
            None => collector.skip(&call.at, "call with neither `output` nor `error`"),
        }
        return;
    };
    match command.as_str() {
        "account show" => {}
        "storage container list" => data_plane_containers(&output, params.as_ref(), subscription.as_deref(), collector),
        "graph query" => {
            let rows = graph::rows(&output).or_else(|| output.value.is_array().then(|| output.clone()));
            match rows {
                Some(rows) => graph::adapt_rows(&rows, collector),
                None => collector.skip(&output.at, "graph query output without `data` rows"),
            }
        }
        _ if reads_resources(&command) => {
            let nodes: Vec<Node> =
                if output.value.is_array() { output.items().collect() } else { vec![output.clone()] };
            let found = live::add_all(&nodes, subscription.as_deref(), collector);
            read.without_settings.extend(found.without_settings);
            read.with_settings.extend(found.with_settings);
        }
        _ => collector.skip(&call.at, format!("az {command} is not read by Keyhole")),
    }
}

/// `az storage container list --account-name NAME`: the data-plane listing,
/// which names neither the account nor the containers' ids.
fn data_plane_containers(output: &Node, params: Option<&Node>, subscription: Option<&str>, collector: &mut Collector) {
    let Some(account) = param(params, &["account-name", "account_name", "accountName", "storage-account"]) else {
        collector
            .skip(&output.at, "storage container list without the `account-name` parameter: the account is unknown");
        return;
    };
    let group = param(params, &["resource-group", "resource_group", "resourceGroup", "g"]);
    let account_id = match (subscription, &group) {
        (Some(s), Some(g)) => {
            format!("/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Storage/storageAccounts/{account}")
        }
        _ => format!("Microsoft.Storage/storageAccounts/{account}"),
    };
    let r = Literal;
    for node in output.items() {
        let Some(name) = node.get("name").and_then(|n| n.string()) else {
            collector.skip(&node.at, "container without a `name`");
            continue;
        };
        let item = Item {
            family: Family::Container,
            id: canonical_id(&format!("{account_id}/blobServices/default/containers/{name}")),
            name,
            parent: Some(Parent { id: canonical_id(&account_id), name: account.clone() }),
            at: node.at.clone(),
            props: Some(Val::Node(node.clone())),
            defaults: Defaults::Live,
            subscription: subscription.map(str::to_string),
            region: None,
            tags: Vec::new(),
        };
        resources::add(&item, &r, collector);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;
    use serde_json::json;

    #[test]
    fn error_codes_are_found_in_cli_text() {
        let text = json!(
            "ERROR: (AuthorizationFailed) The client 'x' does not have authorization.\nCode: AuthorizationFailed"
        );
        let node = Node::new(&text, Origin::new(0, ""));
        assert_eq!(error_code(&node).0, "AuthorizationFailed");
        let plain = json!("ERROR: You do not have the required permissions (see the docs).");
        let node = Node::new(&plain, Origin::new(0, ""));
        assert_eq!(error_code(&node).0, "Error");
        let object = json!({"code": "ResourceNotFound", "message": "gone"});
        let node = Node::new(&object, Origin::new(0, ""));
        assert_eq!(error_code(&node), ("ResourceNotFound".to_string(), "gone".to_string()));
    }

    #[test]
    fn commands_are_normalized() {
        assert_eq!(normalize("az  Storage account LIST"), "storage account list");
        assert!(reads_resources("sql server firewall-rule list"));
        assert!(reads_resources("keyvault show"));
        assert!(!reads_resources("vm list"));
    }
}

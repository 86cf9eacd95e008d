//! Azure: ARM templates (also wrapped in Blueprint artifacts), `az` CLI JSON
//! outputs, Azure Resource Graph query results and the Keyhole Azure export
//! bundle, all mapped into the same model.

pub mod bundle;
pub mod cli;
pub mod expr;
pub mod graph;
pub mod live;
pub mod resources;
pub mod template;
pub mod types;

pub use types::{
    CONTAINER, COSMOS_ACCOUNT, KEY_VAULT, MYSQL_FLEXIBLE_SERVER, MYSQL_SERVER, NSG, POSTGRES_FLEXIBLE_SERVER,
    POSTGRES_SERVER, SERVER_TYPES, SQL_SERVER, STORAGE_ACCOUNT,
};

use crate::sources::{Collector, Node};

/// Recognises an Azure document by its content and adapts it.
pub fn adapt(root: &Node, collector: &mut Collector) -> Option<&'static str> {
    if bundle::is_bundle(root) {
        bundle::adapt(root, collector);
        return Some("keyhole-azure-export");
    }
    if let Some(template) = template::find(root) {
        template::adapt(&template, collector);
        return Some("arm-template");
    }
    if let Some(format) = graph::adapt(root, collector) {
        return Some(format);
    }
    cli::adapt(root, collector)
}

/// A sentence for Azure documents Keyhole recognises but cannot read on
/// their own, for the "not a configuration export" error.
pub fn anonymous_hint(root: &Node) -> Option<String> {
    if let Some(hint) = cli::anonymous_hint(root) {
        return Some(hint);
    }
    let schema = root.get("$schema").and_then(|s| s.str())?.to_ascii_lowercase();
    schema.contains("deploymentparameters.json").then(|| {
        " It looks like an ARM template parameter file: upload the template itself (Keyhole reads its parameters' default values).".to_string()
    })
}

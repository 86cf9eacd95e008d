//! Azure Resource Graph query results (`azure-resource-graph`): `az graph
//! query -q "Resources | where type in~ (...)" --first 1000` prints
//! `{"count": n, "data": [rows], "skip_token": ..., "total_records": n}`;
//! older versions of the extension print the rows alone. Rows keep the ARM
//! shape (settings under `properties`), with lowercase types.

use serde_json::Value;

use crate::sources::{Collector, Node};

use super::live;

/// The rows of a Resource Graph result, when this is one.
pub fn rows<'a>(root: &Node<'a>) -> Option<Node<'a>> {
    match root.value {
        Value::Object(map) => {
            let data = root.get("data")?;
            let marked = ["count", "total_records", "totalRecords", "skip_token", "$skipToken", "resultTruncated"]
                .iter()
                .any(|k| map.contains_key(*k));
            (marked && data.value.is_array()).then_some(data)
        }
        // Rows alone: every row names its tenant and subscription.
        Value::Array(items) => (!items.is_empty()
            && items.iter().all(|row| row.get("tenantId").is_some() && row.get("subscriptionId").is_some()))
        .then(|| root.clone()),
        _ => None,
    }
}

/// Adds the rows' resources.
pub fn adapt_rows(rows: &Node, collector: &mut Collector) {
    let nodes: Vec<Node> = rows.items().collect();
    let read = live::add_all(&nodes, None, collector);
    if let Some(note) = live::settings_note(&read, "query result") {
        collector.note(note);
    }
    if nodes.iter().any(|row| {
        row.get_ci("type").and_then(|t| t.str()).is_some_and(|t| {
            t.to_ascii_lowercase().ends_with("/servers") || t.to_ascii_lowercase().ends_with("/flexibleservers")
        })
    }) {
        collector.note("Resource Graph does not hold database servers' firewall rules; export them with `az sql server firewall-rule list` (or the postgres/mysql equivalent), or use the Keyhole Azure bundle.");
    }
}

pub fn adapt(root: &Node, collector: &mut Collector) -> Option<&'static str> {
    let rows = rows(root)?;
    adapt_rows(&rows, collector);
    if root.get("skip_token").or_else(|| root.get("$skipToken")).is_some() {
        collector.note("This result is one page of a longer one (it has a skip token): export every page (`az graph query ... --skip-token TOKEN`), or use the Keyhole Azure bundle.");
    }
    Some("azure-resource-graph")
}

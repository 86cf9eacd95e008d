//! AWS sources: AWS Config, AWS CLI outputs and the Keyhole AWS bundle.

pub mod bundle;
pub mod cli;
pub mod config;
mod ec2;
mod iam;
mod policies;
mod rds;
pub mod s3;
pub mod stream;

use serde_json::Value;

use crate::sources::{Collector, Node};

/// Recognises an AWS document by its content and adapts it.
pub fn adapt(root: &Node, collector: &mut Collector) -> Option<&'static str> {
    if bundle::is_bundle(root) {
        bundle::adapt(root, collector);
        return Some("keyhole-aws-export");
    }
    if root.has("fileVersion") && root.has("configurationItems") {
        for item in collector.records(root, "configurationItems") {
            config::adapt_node(item, true, collector);
        }
        return Some("aws-config-snapshot");
    }
    if let Some(items) = root.get("configurationItems").or_else(|| root.get("baseConfigurationItems")) {
        if items.value.is_array() {
            config::adapt_items(&items, true, collector);
            return Some("aws-config-items");
        }
    }
    if let Some(results) = root.get("Results") {
        if results.value.as_array().is_some_and(|r| r.iter().all(Value::is_string)) {
            config::adapt_select(&results, collector);
            return Some("aws-config-items");
        }
    }
    cli::adapt_standalone(root, collector)
}

/// JSON Lines of AWS Config items (one item a line).
pub fn adapt_lines(lines: &[Value], collector: &mut Collector) -> Option<&'static str> {
    let is_item = |v: &Value| v.get("resourceType").is_some();
    if lines.is_empty() || !lines.iter().any(is_item) {
        return None;
    }
    for (i, line) in lines.iter().enumerate() {
        let node = Node::new(line, collector.origin(format!("/{i}")));
        match config::ConfigItem::read(node.clone(), true) {
            Some(item) => config::adapt_item(&item, collector),
            None => collector.skip(&node.at, "line is not an AWS Config configuration item"),
        }
    }
    Some("aws-config-items")
}

//! GCP sources: Cloud Asset Inventory exports (`gcp-asset-inventory`),
//! `gcloud ... --format=json` and `bq --format=prettyjson` outputs
//! (`gcloud-<command>`) and the Keyhole GCP bundle (`keyhole-gcp-export`).
//!
//! Every reader ends in the same place: the resource readers of
//! [`resources`], which take a resource in its REST API shape (what Cloud
//! Asset Inventory keeps under `resource.data` and what most `gcloud` list
//! commands print), and an IAM policy. Resource ids are Cloud Asset
//! Inventory full resource names (`//storage.googleapis.com/my-bucket`), so
//! the IAM-policy record and the resource record of one asset merge, whatever
//! file each came from.

mod asset;
pub mod bundle;
mod gcloud;
mod iam;
pub mod resources;

use serde_json::Value;

use crate::sources::{Collector, Node};

pub use resources::{
    acl_role, bucket_id, dataset_id, default_object_acl_role, firewall_id, function_id, image_id, sql_instance_id,
    BUCKET, DATASET, FIREWALL, FUNCTION, FUNCTION_GEN2, IMAGE, SQL_INSTANCE,
};

/// The format name of Cloud Asset Inventory exports, searches and listings.
pub const ASSET_INVENTORY: &str = "gcp-asset-inventory";

/// Recognises a GCP document (one JSON value) by its content and adapts it.
pub fn adapt(root: &Node, collector: &mut Collector) -> Option<&'static str> {
    if bundle::is_bundle(root) {
        bundle::adapt(root, collector);
        return Some(bundle::FORMAT);
    }
    if asset::is_asset(root.value) {
        asset::adapt_records(std::slice::from_ref(root), collector);
        return Some(ASSET_INVENTORY);
    }
    if let Some(items) = root.value.as_array() {
        if !items.is_empty() && items.iter().all(asset::is_asset) {
            let records: Vec<Node> = root.items().collect();
            asset::adapt_records(&records, collector);
            return Some(ASSET_INVENTORY);
        }
    }
    gcloud::adapt_standalone(root, collector)
}

/// Newline-delimited exports (`gcloud asset export`): one asset a line.
/// Pointers treat the file as an array of its non-empty lines.
pub fn adapt_lines(lines: &[Value], collector: &mut Collector) -> Option<&'static str> {
    if !lines.iter().any(asset::is_asset) {
        return None;
    }
    let records: Vec<Node> =
        lines.iter().enumerate().map(|(i, line)| Node::new(line, collector.origin(format!("/{i}")))).collect();
    asset::adapt_records(&records, collector);
    Some(ASSET_INVENTORY)
}

/// A sentence for a GCP output that cannot be read on its own because it
/// does not say which resource it describes (an IAM policy), for the
/// "not a format Keyhole reads" error.
pub fn anonymous_hint(root: &Node) -> Option<String> {
    gcloud::anonymous_hint(root)
}

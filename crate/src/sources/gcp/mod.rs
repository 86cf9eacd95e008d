//! GCP: Cloud Asset Inventory exports, `gcloud --format=json` outputs and the
//! Keyhole GCP bundle. Being written.

use serde_json::Value;

use crate::sources::{Collector, Node};

pub fn adapt(_root: &Node, _collector: &mut Collector) -> Option<&'static str> {
    None
}

/// Newline-delimited exports (`gcloud asset export`).
pub fn adapt_lines(_lines: &[Value], _collector: &mut Collector) -> Option<&'static str> {
    None
}

//! `gcloud ... --format=json` and `bq ... --format=prettyjson` outputs, read
//! standalone (when they say what they describe) or from a Keyhole bundle.
//!
//! Outputs are recognised by their content: the REST `kind`
//! (`sql#instance`, `compute#firewall`, `compute#image`,
//! `bigquery#dataset`, `storage#bucket`), `gcloud storage`'s `storage_url`,
//! or a Cloud Functions name (`projects/p/locations/r/functions/f`). A list
//! command prints an array and a describe command one object.

use serde_json::Value;

use crate::sources::{Collector, Node};

use super::iam;
use super::resources::{self, Parts, Place};

/// What a `gcloud` (or `bq`) output describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Bucket,
    SqlInstance,
    Firewall,
    Image,
    Dataset,
    Function,
}

impl Shape {
    /// The format names of the list and the describe command.
    fn formats(self) -> (&'static str, &'static str) {
        match self {
            Shape::Bucket => ("gcloud-storage-buckets-list", "gcloud-storage-buckets-describe"),
            Shape::SqlInstance => ("gcloud-sql-instances-list", "gcloud-sql-instances-describe"),
            Shape::Firewall => ("gcloud-compute-firewall-rules-list", "gcloud-compute-firewall-rules-describe"),
            Shape::Image => ("gcloud-compute-images-list", "gcloud-compute-images-describe"),
            Shape::Dataset => ("gcloud-bq-ls", "gcloud-bq-show"),
            Shape::Function => ("gcloud-functions-list", "gcloud-functions-describe"),
        }
    }
}

fn is_function_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    matches!(parts.as_slice(), ["projects", _, "locations", _, "functions", f] if !f.is_empty())
}

/// The shape of one listed or described resource.
pub fn shape(value: &Value) -> Option<Shape> {
    let map = value.as_object()?;
    match map.get("kind").and_then(Value::as_str) {
        Some("storage#bucket") => return Some(Shape::Bucket),
        Some("sql#instance") => return Some(Shape::SqlInstance),
        Some("compute#firewall") => return Some(Shape::Firewall),
        Some("compute#image") => return Some(Shape::Image),
        Some("bigquery#dataset") => return Some(Shape::Dataset),
        _ => {}
    }
    if map.get("storage_url").and_then(Value::as_str).is_some_and(|u| u.starts_with("gs://")) {
        return Some(Shape::Bucket);
    }
    if map.get("name").and_then(Value::as_str).is_some_and(is_function_name) {
        return Some(Shape::Function);
    }
    None
}

/// Reads one listed or described resource.
pub fn adapt_resource(node: &Node, shape: Shape, place: &Place, collector: &mut Collector) {
    let type_name = match shape {
        Shape::Bucket => resources::BUCKET,
        Shape::SqlInstance => resources::SQL_INSTANCE,
        Shape::Firewall => resources::FIREWALL,
        Shape::Image => resources::IMAGE,
        Shape::Dataset => resources::DATASET,
        Shape::Function if node.get("environment").and_then(|e| e.str()) == Some("GEN_2") => resources::FUNCTION_GEN2,
        Shape::Function => resources::FUNCTION,
    };
    let parts = Parts {
        type_name,
        id: None,
        data: Some(node.clone()),
        policy: None,
        labels: None,
        place: place.clone(),
        at: node.at.clone(),
    };
    match resources::build(parts) {
        Ok(resource) => collector.add(resource),
        Err(reason) => collector.skip(&node.at, reason),
    }
}

/// A list (array) or describe (object) output of one shape; `None` when the
/// output is not one. An empty list is read, and describes nothing.
pub fn adapt_output(output: &Node, place: &Place, collector: &mut Collector) -> Option<Shape> {
    match output.value {
        Value::Array(items) => {
            let first = shape(items.first()?)?;
            for item in output.items() {
                match shape(item.value) {
                    Some(found) => adapt_resource(&item, found, place, collector),
                    None => collector.skip(&item.at, "not a resource this command lists"),
                }
            }
            Some(first)
        }
        _ => {
            let found = shape(output.value)?;
            adapt_resource(output, found, place, collector);
            Some(found)
        }
    }
}

/// A standalone output: recognised when it holds resources of one shape.
pub fn adapt_standalone(root: &Node, collector: &mut Collector) -> Option<&'static str> {
    let is_list = root.value.is_array();
    if let Some(items) = root.value.as_array() {
        // Every element must be recognised, so another tool's array is not
        // taken for a listing.
        if items.is_empty() || !items.iter().all(|i| shape(i).is_some()) {
            return None;
        }
    }
    let found = adapt_output(root, &Place::default(), collector)?;
    let (list, describe) = found.formats();
    Some(if is_list { list } else { describe })
}

/// A sentence for an output that does not say which resource it describes.
pub fn anonymous_hint(root: &Node) -> Option<String> {
    iam::is_policy(root).then(|| {
        " It looks like the output of a `gcloud ... get-iam-policy` command, which does not say which resource the policy is on: put it in a Keyhole GCP bundle with the call that produced it (docs/gcp-export-bundle.md), or export IAM policies with `gcloud asset export --content-type=iam-policy`.".to_string()
    })
}

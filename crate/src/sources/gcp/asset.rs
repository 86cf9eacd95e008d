//! Cloud Asset Inventory records, in every shape `gcloud asset` writes:
//!
//! - `asset export` (newline-delimited) and `asset list --format=json` (an
//!   array): `{"name", "asset_type" | "assetType", "resource": {"data"},
//!   "iam_policy" | "iamPolicy"}`, snake_case or camelCase depending on the
//!   writer, with `--content-type=resource` and `iam-policy` in separate
//!   records of the same name;
//! - `asset search-all-resources --format=json`: `{"name", "assetType",
//!   "project", "location", "labels", "versionedResources": [{"resource"}]}`
//!   (the settings only with `--read-mask=versionedResources` or `'*'`);
//! - `asset search-all-iam-policies --format=json`: `{"resource", "assetType",
//!   "project", "policy": {"bindings"}}`.

use serde_json::Value;

use crate::model::Origin;
use crate::sources::{Collector, Node};

use super::resources::{self, Parts, Place};

/// True for a record of any of these shapes: a type, and a name (`resource`
/// is the name in IAM policy search results and an object elsewhere).
pub fn is_asset(value: &Value) -> bool {
    let Some(map) = value.as_object() else { return false };
    let typed = map.get("asset_type").or_else(|| map.get("assetType")).is_some_and(Value::is_string);
    typed && (map.get("name").is_some_and(Value::is_string) || map.get("resource").is_some_and(Value::is_string))
}

pub fn adapt_records(records: &[Node], collector: &mut Collector) {
    let mut unsearched = 0;
    let mut unaudited: Vec<(String, Origin, usize)> = Vec::new();
    for record in records {
        if !is_asset(record.value) {
            collector.skip(&record.at, "not a Cloud Asset Inventory record (no `name` and `asset_type`)");
            continue;
        }
        let asset_type = record.get("asset_type").or_else(|| record.get("assetType")).and_then(|t| t.str());
        let Some(type_name) = asset_type.and_then(resources::audited_type) else {
            // Exports of a whole project hold thousands of these: one entry per type.
            let shown = asset_type.unwrap_or_default().to_string();
            match unaudited.iter_mut().find(|(t, _, _)| *t == shown) {
                Some(entry) => entry.2 += 1,
                None => unaudited.push((shown, record.at.clone(), 1)),
            }
            continue;
        };
        let name = record.get("name").or_else(|| record.get("resource")).and_then(|n| n.str().map(String::from));
        let resource = record.get("resource").filter(|r| r.value.is_object());
        let versioned = record
            .get("versionedResources")
            .or_else(|| record.get("versioned_resources"))
            .and_then(|v| v.items().find_map(|item| item.get("resource")));
        let data = resource.as_ref().and_then(|r| r.get("data")).or(versioned);
        let policy = record.get("iam_policy").or_else(|| record.get("iamPolicy")).or_else(|| record.get("policy"));
        if data.is_none() && policy.is_none() && record.has("displayName") {
            unsearched += 1;
        }
        let location = resource
            .as_ref()
            .and_then(|r| r.get("location"))
            .or_else(|| record.get("location"))
            .and_then(|l| l.string())
            .filter(|l| l != "global");
        let place = Place {
            project: name.as_deref().and_then(resources::project_in).map(String::from).or_else(|| {
                // `projects/NUMBER` in search results and ancestors.
                let project = record.get("project").and_then(|p| p.string())?;
                Some(project.trim_start_matches("projects/").to_string())
            }),
            region: location,
        };
        let parts = Parts {
            type_name,
            id: name,
            data,
            policy,
            labels: record.get("labels").filter(|l| l.value.is_object()),
            place,
            at: record.at.clone(),
        };
        match resources::build(parts) {
            Ok(resource) => collector.add(resource),
            Err(reason) => collector.skip(&record.at, reason),
        }
    }
    for (asset_type, first, count) in unaudited {
        let reason = match count {
            1 => format!("asset type {asset_type} is not audited"),
            n => format!("asset type {asset_type} is not audited ({n} records; the first is here)"),
        };
        collector.skip(&first, reason);
    }
    if unsearched > 0 {
        collector.note(format!(
            "{unsearched} search result(s) hold no settings and no IAM policy, so nothing about them could be checked: run `gcloud asset search-all-resources` with `--read-mask='*'`, or use `gcloud asset export` (docs/inputs.md)."
        ));
    }
}

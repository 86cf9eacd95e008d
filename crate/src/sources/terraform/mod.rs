//! Terraform `terraform show -json` output: plans and state.
//!
//! Recognised by content: a plan has `format_version` and `planned_values`
//! or `resource_changes`; a state has `format_version` and
//! `values.root_module`.
//!
//! What is read, and where evidence points:
//! - **Plans.** Resources come from `planned_values.root_module` and its
//!   `child_modules` at any depth (the state the plan produces; resources it
//!   deletes are not there). Evidence points into `planned_values`. A value
//!   Terraform only knows after apply is missing there and marked `true` in
//!   `resource_changes[N].change.after_unknown`; it is *unresolved*, and its
//!   evidence points at that marker. A plan without `planned_values` is read
//!   from `resource_changes[].change.after` instead, and one with neither
//!   from `prior_state`.
//! - **States.** `values.root_module` and its child modules; every value is known.
//! - **References.** A resource that configures another (`aws_s3_bucket_policy`,
//!   `aws_security_group_rule`, `google_storage_bucket_iam_member`...) is
//!   attached to it through `configuration`'s `references` (which works
//!   when the bucket name is unknown until apply, and follows module
//!   variables and outputs), else by the value it names (a bucket name, a
//!   group id), else, in a state, by `depends_on`. A target outside the plan
//!   becomes a resource of its own, named by that value.
//! - Every resource's model `id` and `name` are its Terraform address, so a
//!   plan and a state of the same configuration merge.
//! - Resources of types Keyhole does not audit are listed as skipped; data
//!   sources are read only to resolve references.

mod aws;
mod azure;
mod google;
mod index;
mod value;

use serde_json::Value;

use crate::model::{Kind, Provider, Resource};
use crate::sources::{Collector, Node};

use index::{render_key, Entry, FastMap, Index, ModuleConfig, Target, Types};
use value::Val;

pub fn adapt(root: &Node, collector: &mut Collector) -> Option<&'static str> {
    if !root.has("format_version") {
        return None;
    }
    if root.has("planned_values") || root.has("resource_changes") {
        read_plan(root, collector);
        return Some("terraform-plan");
    }
    if let Some(module) = root.get("values").and_then(|v| v.get("root_module")) {
        let mut index = Index::default();
        walk(&mut index, module, "", &FastMap::default(), "values");
        audit(&index, collector);
        return Some("terraform-state");
    }
    // `terraform show -json` of an empty state prints only the versions.
    let only_versions = root
        .value
        .as_object()
        .is_some_and(|m| m.keys().all(|k| matches!(k.as_str(), "format_version" | "terraform_version" | "values")));
    if only_versions {
        collector.note("This Terraform state holds no resources.");
        return Some("terraform-state");
    }
    None
}

fn read_plan(root: &Node, collector: &mut Collector) {
    let mut index = Index::default();
    index.read_configuration(root.value.get("configuration").and_then(|c| c.get("root_module")));
    let list = root.get("resource_changes");
    let count = list.as_ref().and_then(|l| l.value.as_array()).map_or(0, Vec::len);
    let mut changes: FastMap<&str, Node> = FastMap::default();
    changes.reserve(count);
    index.reserve(count);
    let mut deleted = 0;
    for change in list.iter().flat_map(|list| list.items()) {
        // A deposed object is an old copy being destroyed; its address is
        // the current object's.
        if change.has("deposed") {
            continue;
        }
        let Some(address) = change.value.get("address").and_then(Value::as_str) else { continue };
        let managed = change.value.get("mode").and_then(Value::as_str) != Some("data");
        if managed && is_removal(&change) {
            deleted += 1;
        }
        if let Some(change) = change.get("change") {
            changes.insert(address, change);
        }
    }
    if let Some(module) = root.get("planned_values").and_then(|p| p.get("root_module")) {
        walk(&mut index, module, "", &changes, "values");
    } else {
        from_changes(&mut index, root);
    }
    if index.entries.is_empty() {
        if let Some(module) = root.get("prior_state").and_then(|s| s.get("values")).and_then(|v| v.get("root_module")) {
            walk(&mut index, module, "", &FastMap::default(), "values");
        }
    }
    if deleted > 0 {
        collector.note(format!(
            "{deleted} resource{} that this plan deletes {} not audited.",
            if deleted == 1 { "" } else { "s" },
            if deleted == 1 { "was" } else { "were" }
        ));
    }
    audit(&index, collector);
}

/// `delete` (or `forget`) without `create`: the resource will not exist after apply.
fn is_removal(change: &Node) -> bool {
    let actions = change.value.get("change").and_then(|c| c.get("actions")).and_then(Value::as_array);
    let has = |name: &str| actions.is_some_and(|a| a.iter().any(|v| v.as_str() == Some(name)));
    (has("delete") || has("forget")) && !has("create")
}

fn creates(change: Option<&Node>) -> bool {
    change
        .and_then(|c| c.value.get("actions"))
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some("create")))
}

/// Adds the resources of a module of `planned_values` or a state, and of
/// its child modules, at any depth.
fn walk<'a>(
    index: &mut Index<'a>,
    module: Node<'a>,
    address: &'a str,
    changes: &FastMap<&str, Node<'a>>,
    values_key: &str,
) {
    index.add_module(address);
    if let Some(resources) = module.get("resources") {
        let config = index.module_config(address);
        let found: Vec<Entry<'a>> = resources
            .items()
            .filter_map(|resource| {
                let change = resource.value.get("address").and_then(Value::as_str).and_then(|a| changes.get(a));
                entry(config, resource, address, change, values_key)
            })
            .collect();
        for entry in found {
            index.add(entry);
        }
    }
    for child in module.get("child_modules").iter().flat_map(|c| c.items().collect::<Vec<_>>()) {
        let child_address = child.value.get("address").and_then(Value::as_str).unwrap_or_default();
        walk(index, child, child_address, changes, values_key);
    }
}

fn entry<'a>(
    config: Option<&ModuleConfig<'a>>,
    node: Node<'a>,
    module: &'a str,
    change: Option<&Node<'a>>,
    values_key: &str,
) -> Option<Entry<'a>> {
    let text = |key: &str| node.value.get(key).and_then(Value::as_str);
    let address = text("address")?;
    let type_name = text("type")?;
    let name = text("name").unwrap_or_default();
    let data = text("mode") == Some("data");
    let module = text("module_address").unwrap_or(module);
    let config = config.and_then(|c| c.resource(data, type_name, name));
    Some(Entry {
        address,
        type_name,
        name,
        data,
        module,
        key: render_key(node.value.get("index")),
        values: Val::new(node.get(values_key), change.and_then(|c| c.get("after_unknown"))),
        node,
        config,
        declared: creates(change),
    })
}

/// A plan without `planned_values`: each `resource_changes` entry that is
/// not removed, read from `change.after`.
fn from_changes<'a>(index: &mut Index<'a>, root: &Node<'a>) {
    for item in root.get("resource_changes").iter().flat_map(|list| list.items().collect::<Vec<_>>()) {
        if item.has("deposed") || is_removal(&item) {
            continue;
        }
        let Some(change) = item.get("change") else { continue };
        let module = item.value.get("module_address").and_then(Value::as_str).unwrap_or_default();
        index.add_module(module);
        let Some(mut entry) = entry(index.module_config(module), item.clone(), module, Some(&change), "after") else {
            continue;
        };
        entry.values = Val::new(change.get("after"), change.get("after_unknown"));
        index.add(entry);
    }
}

/// Maps every entry: resources first, then the resources that configure
/// them, so that these find their target whatever the order of the file.
fn audit(index: &Index, collector: &mut Collector) {
    for entry in index.entries.iter().filter(|e| !e.data) {
        if aws::attaches(entry.type_name) || azure::attaches(entry.type_name) || google::attaches(entry.type_name) {
            continue;
        }
        let known = aws::primary(entry, index, collector)
            || azure::primary(entry, index, collector)
            || google::primary(entry, index, collector);
        if !known {
            collector.skip(&entry.at(), format!("resource type {} is not audited", entry.type_name));
        }
    }
    for entry in index.entries.iter().filter(|e| !e.data) {
        if aws::attaches(entry.type_name) {
            aws::attach(entry, index, collector);
        } else if azure::attaches(entry.type_name) {
            azure::attach(entry, index, collector);
        } else if google::attaches(entry.type_name) {
            google::attach(entry, index, collector);
        }
    }
}

/// A model resource for a Terraform resource: its address is both its id
/// and its name.
fn resource(entry: &Entry, provider: Provider, type_name: &'static str, kind: Kind) -> Resource {
    let region = ["region", "location"].iter().find_map(|k| entry.text(k)).map(str::to_string);
    Resource {
        provider,
        type_name,
        id: entry.address.to_string(),
        name: entry.address.to_string(),
        account: None,
        region,
        tags: entry.tags(),
        at: entry.at(),
        kind,
    }
}

/// The model resource that attribute `key` of an attaching `entry` names:
/// a resource of the plan (of one of the Terraform `targets`, each with its
/// model type), or one outside it that `orphan` builds from the value that
/// names it. When neither can be told, the entry is listed as skipped.
fn find_target<'c>(
    index: &Index,
    entry: &Entry,
    collector: &'c mut Collector,
    key: &str,
    targets: Types,
    what: &str,
    orphan: impl FnOnce(&str) -> Option<Resource>,
) -> Option<&'c mut Resource> {
    let (model_type, id) = match index.target(entry, key, targets) {
        Target::Entry(at) => {
            let target = index.get(at)?;
            let model_type = targets.iter().find(|(t, _)| *t == target.type_name).map(|(_, m)| *m)?;
            (model_type, target.address.to_string())
        }
        Target::External(value) => {
            let r = orphan(&value)?;
            let (model_type, id) = (r.type_name, r.id.clone());
            if collector.model.get(model_type, &id).is_none() {
                collector.add(r);
            }
            (model_type, id)
        }
        Target::Unresolved => {
            collector.skip(
                &entry.at(),
                format!(
                    "{}: which {what} it applies to is not known until apply, and the configuration does not say",
                    entry.address
                ),
            );
            return None;
        }
    };
    collector.model.get_mut(model_type, &id)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{Model, Provenance};

    fn read(plan: Value) -> (Model, Vec<String>) {
        let mut model = Model::default();
        let mut collector = Collector::new(&mut model, 0);
        let root = Node::new(&plan, collector.origin(""));
        assert_eq!(adapt(&root, &mut collector), Some("terraform-plan"));
        let skipped = collector.skipped.iter().map(|s| s.reason.clone()).collect();
        (model, skipped)
    }

    /// Inline `ingress` blocks are missing from `configuration`
    /// (hashicorp/terraform#29022); an element unknown until apply inside
    /// them must stay unresolved, not vanish.
    #[test]
    fn unknown_inside_blocks_missing_from_configuration() {
        let plan = json!({
            "format_version": "1.2",
            "planned_values": {"root_module": {"resources": [{
                "address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group", "name": "g",
                "values": {"name": "g", "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": [null]}]}
            }]}},
            "resource_changes": [{"address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group", "name": "g",
                "change": {"actions": ["create"], "after_unknown": {"id": true, "ingress": [{"cidr_blocks": [true]}]}}}],
            "configuration": {"root_module": {"resources": [{"address": "aws_security_group.g", "mode": "managed",
                "type": "aws_security_group", "name": "g", "expressions": {"name": {"constant_value": "g"}}}]}}
        });
        let (model, _) = read(plan);
        let Some(Kind::SecurityGroup(group)) =
            model.get("AWS::EC2::SecurityGroup", "aws_security_group.g").map(|r| &r.kind)
        else {
            panic!("no group")
        };
        let source = &group.ingress[0].sources[0];
        assert_eq!(source.provenance, Provenance::Unresolved);
        assert_eq!(source.at.pointer, "/resource_changes/0/change/after_unknown/ingress/0/cidr_blocks/0");
    }

    /// A module's resource configures the root's bucket through a variable
    /// passed by a module instance with a `for_each` key, and a provider-
    /// computed argument left out of the configuration is not unresolved.
    #[test]
    fn references_through_module_variables() {
        let plan = json!({
            "format_version": "1.2",
            "planned_values": {"root_module": {
                "resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
                    "values": {"bucket_prefix": "x-"}}],
                "child_modules": [{"address": "module.m[\"k\"]", "resources": [{
                    "address": "module.m[\"k\"].aws_s3_bucket_policy.p", "mode": "managed", "type": "aws_s3_bucket_policy",
                    "name": "p", "values": {"policy": "{\"Statement\":[]}"}}]}]}},
            "resource_changes": [
                {"address": "aws_s3_bucket.b", "change": {"actions": ["create"], "after_unknown": {"bucket": true, "policy": true}}},
                {"address": "module.m[\"k\"].aws_s3_bucket_policy.p", "change": {"actions": ["create"], "after_unknown": {"bucket": true}}}
            ],
            "configuration": {"root_module": {
                "resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
                    "expressions": {"bucket_prefix": {"constant_value": "x-"}}}],
                "module_calls": {"m": {"source": "./m", "for_each_expression": {"references": ["local.sites"]},
                    "expressions": {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}},
                    "module": {"resources": [{"address": "aws_s3_bucket_policy.p", "mode": "managed",
                        "type": "aws_s3_bucket_policy", "name": "p",
                        "expressions": {"bucket": {"references": ["var.bucket"]}, "policy": {"constant_value": "{}"}}}]}}}}}
        });
        let (model, skipped) = read(plan);
        assert!(skipped.is_empty(), "{skipped:?}");
        let Some(Kind::S3Bucket(bucket)) = model.get("AWS::S3::Bucket", "aws_s3_bucket.b").map(|r| &r.kind) else {
            panic!("no bucket")
        };
        let policy = bucket.policy.as_ref().unwrap();
        assert_eq!(policy.provenance, Provenance::Explicit);
        assert_eq!(policy.at.pointer, "/planned_values/root_module/child_modules/0/resources/0/values/policy");
        assert!(bucket.declared);
        // Unconfigured, so AWS's defaults for a new bucket, not "unresolved".
        assert_eq!(
            bucket.encryption.as_ref().map(|e| (e.value, e.provenance)),
            Some((Some(true), Provenance::Defaulted))
        );
    }
}

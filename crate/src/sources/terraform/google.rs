//! The google provider, mapped into the GCP model under Cloud Asset
//! Inventory type names.

use crate::model::{
    Attr, Firewall, FirewallAllow, GcsBucket, Grant, GrantHolder, Kind, Origin, Provider, Resource, SqlInstance,
};
use crate::sources::gcp::{
    acl_role, default_object_acl_role, BUCKET, DATASET, FIREWALL, FUNCTION, FUNCTION_GEN2, IMAGE, SQL_INSTANCE,
};
use crate::sources::Collector;

use super::index::{Entry, Index};
use super::value::{Read, Val};
use super::{find_target, resource};

type Targets = &'static [(&'static str, &'static str)];
const BUCKETS: Targets = &[("google_storage_bucket", BUCKET)];
const DATASETS: Targets = &[("google_bigquery_dataset", DATASET)];
const IMAGES: Targets = &[("google_compute_image", IMAGE)];
const FUNCTIONS: Targets = &[("google_cloudfunctions_function", FUNCTION)];
const FUNCTIONS_GEN2: Targets = &[("google_cloudfunctions2_function", FUNCTION_GEN2)];

/// The attribute naming the target, and the target types, of each resource
/// that grants access to another.
fn grant_target(type_name: &str) -> Option<(&'static str, Targets, &'static str)> {
    let family = type_name
        .strip_suffix("_iam_binding")
        .or_else(|| type_name.strip_suffix("_iam_member"))
        .or_else(|| type_name.strip_suffix("_iam_policy"))
        .unwrap_or(type_name);
    Some(match family {
        "google_storage_bucket"
        | "google_storage_bucket_acl"
        | "google_storage_bucket_access_control"
        | "google_storage_default_object_acl"
        | "google_storage_default_object_access_control" => ("bucket", BUCKETS, "bucket"),
        "google_bigquery_dataset" | "google_bigquery_dataset_access" => ("dataset_id", DATASETS, "dataset"),
        "google_compute_image" => ("image", IMAGES, "image"),
        "google_cloudfunctions_function" => ("cloud_function", FUNCTIONS, "function"),
        "google_cloudfunctions2_function" => ("cloud_function", FUNCTIONS_GEN2, "function"),
        _ => return None,
    })
}

pub fn attaches(type_name: &str) -> bool {
    let iam = ["_iam_binding", "_iam_member", "_iam_policy"].iter().any(|s| type_name.ends_with(s));
    let other = matches!(
        type_name,
        "google_storage_bucket_acl"
            | "google_storage_bucket_access_control"
            | "google_storage_default_object_acl"
            | "google_storage_default_object_access_control"
            | "google_bigquery_dataset_access"
    );
    (iam || other) && grant_target(type_name).is_some()
}

fn gcp(entry: &Entry, type_name: &'static str, kind: Kind) -> Resource {
    resource(entry, Provider::Gcp, type_name, kind)
}

pub fn primary(entry: &Entry, _index: &Index, collector: &mut Collector) -> bool {
    let r = match entry.type_name {
        "google_storage_bucket" => gcp(
            entry,
            BUCKET,
            Kind::GcsBucket(GcsBucket {
                grants: Vec::new(),
                // Not set: the bucket follows the organization policy.
                public_access_prevention: entry.computed("public_access_prevention").text_attr().or_else(|| {
                    Some(Attr::defaulted("inherited".to_string(), entry.unset_at("public_access_prevention")))
                }),
                // The provider's default.
                uniform_access: entry
                    .computed("uniform_bucket_level_access")
                    .bool_attr()
                    .or_else(|| Some(Attr::defaulted(false, entry.unset_at("uniform_bucket_level_access")))),
            }),
        ),
        "google_sql_database_instance" => sql_instance(entry),
        "google_compute_firewall" => firewall(entry),
        "google_bigquery_dataset" => {
            let grants = entry.computed("access").items().iter().filter_map(access_grant).collect();
            gcp(entry, DATASET, Kind::GrantHolder(GrantHolder { grants }))
        }
        "google_compute_image" => gcp(entry, IMAGE, Kind::GrantHolder(GrantHolder::default())),
        "google_cloudfunctions_function" => gcp(entry, FUNCTION, Kind::GrantHolder(GrantHolder::default())),
        "google_cloudfunctions2_function" => gcp(entry, FUNCTION_GEN2, Kind::GrantHolder(GrantHolder::default())),
        _ => return false,
    };
    collector.add(r);
    true
}

fn sql_instance(entry: &Entry) -> Resource {
    let settings = entry.attr("settings").first();
    let ip = settings.get("ip_configuration");
    // `ip_configuration` is computed when the configuration leaves it out;
    // Cloud SQL then gives the instance a public IP.
    let configured = entry.config.map(|c| {
        c.get("settings")
            .and_then(|s| s.as_array())
            .and_then(|s| s.first())
            .is_some_and(|s| s.get("ip_configuration").is_some())
    });
    let default_at = settings.at().unwrap_or_else(|| entry.at());
    let mut instance = SqlInstance::default();
    match ip.read() {
        Read::Unknown(_) if configured == Some(false) => {
            instance.ipv4_enabled = Some(Attr::defaulted(true, default_at));
        }
        Read::Unknown(at) => instance.ipv4_enabled = Some(Attr::unresolved(at)),
        Read::Known(_) if ip.has_content() => {
            let block = ip.first();
            instance.ipv4_enabled = Some(
                block
                    .get("ipv4_enabled")
                    .bool_attr()
                    .unwrap_or_else(|| Attr::defaulted(true, block.at().unwrap_or(default_at))),
            );
            let networks = block.get("authorized_networks");
            instance.authorized_networks = match networks.read() {
                Read::Unknown(at) => vec![Attr::unresolved(at)],
                _ => networks
                    .items()
                    .iter()
                    .filter_map(|n| n.get("value").string_attr().or_else(|| n.at().map(Attr::unresolved)))
                    .collect(),
            };
        }
        Read::Known(_) | Read::Absent => instance.ipv4_enabled = Some(Attr::defaulted(true, default_at)),
    }
    gcp(entry, SQL_INSTANCE, Kind::SqlInstance(instance))
}

fn firewall(entry: &Entry) -> Resource {
    let direction =
        entry.computed("direction").text_attr().unwrap_or_else(|| Attr::defaulted("INGRESS".to_string(), entry.at()));
    let ranges = entry.attr("source_ranges");
    let mut source_ranges = ranges.string_list();
    let ingress = direction.known().is_some_and(|d| d.eq_ignore_ascii_case("INGRESS"));
    let other_sources = ["source_tags", "source_service_accounts"].iter().any(|k| entry.is_set(k));
    if source_ranges.is_empty() && ingress && !other_sources {
        // An ingress rule that names no source applies to every address.
        source_ranges.push(Attr::defaulted("0.0.0.0/0".to_string(), ranges.at().unwrap_or_else(|| entry.at())));
    }
    let list = entry.attr("allow");
    let allowed = match list.read() {
        Read::Unknown(at) => vec![FirewallAllow { protocol: Attr::unresolved(at), ports: Vec::new() }],
        _ => list
            .items()
            .iter()
            .map(|rule| FirewallAllow {
                protocol: rule
                    .get("protocol")
                    .string_attr()
                    .unwrap_or_else(|| Attr::unresolved(rule.at().unwrap_or_else(|| entry.values_at()))),
                ports: rule.get("ports").string_list(),
            })
            .collect(),
    };
    let f =
        Firewall { direction: Some(direction), disabled: entry.attr("disabled").bool_attr(), source_ranges, allowed };
    gcp(entry, FIREWALL, Kind::Firewall(f))
}

/// A BigQuery `access` entry as a grant: who, by whichever field names them.
fn access_grant(access: &Val) -> Option<Grant> {
    let role = access.get("role").string()?;
    let (member, at) = [
        ("special_group", ""),
        ("iam_member", ""),
        ("user_by_email", "user:"),
        ("group_by_email", "group:"),
        ("domain", "domain:"),
    ]
    .iter()
    .find_map(|(key, prefix)| {
        let val = access.get(key);
        let text = val.str().filter(|s| !s.is_empty())?;
        Some((format!("{prefix}{text}"), val.at()?))
    })?;
    Some(Grant { role, member, conditional: false, at })
}

/// The grants an IAM or ACL resource gives, or the origin of what keeps
/// them from being known.
fn grants(entry: &Entry) -> Result<Vec<Grant>, Origin> {
    let known = |val: Val| match val.read() {
        Read::Known(node) => node.string().ok_or(node.at),
        Read::Unknown(at) => Err(at),
        Read::Absent => Err(entry.values_at()),
    };
    let conditional = entry.attr("condition").has_content();
    let t = entry.type_name;
    if t.ends_with("_iam_member") {
        let member = entry.attr("member");
        let at = member.at().unwrap_or_else(|| entry.values_at());
        return Ok(vec![Grant { role: known(entry.attr("role"))?, member: known(member)?, conditional, at }]);
    }
    if t.ends_with("_iam_binding") {
        let role = known(entry.attr("role"))?;
        let members = entry.attr("members");
        if let Read::Unknown(at) = members.read() {
            return Err(at);
        }
        let mut out = Vec::new();
        for member in members.items() {
            let at = member.at().unwrap_or_else(|| entry.values_at());
            out.push(Grant { role: role.clone(), member: known(member)?, conditional, at });
        }
        return Ok(out);
    }
    if t.ends_with("_iam_policy") {
        let data = entry.attr("policy_data");
        let node = match data.read() {
            Read::Known(node) => node,
            Read::Unknown(at) => return Err(at),
            Read::Absent => return Ok(Vec::new()),
        };
        let doc = node.document().ok_or(node.at.clone())?;
        let root = doc.node();
        let mut out = Vec::new();
        for binding in root.get("bindings").iter().flat_map(|b| b.items().collect::<Vec<_>>()) {
            let Some(role) = binding.get("role").and_then(|r| r.string()) else { continue };
            let conditional = binding.get("condition").is_some();
            for member in binding.get("members").iter().flat_map(|m| m.items().collect::<Vec<_>>()) {
                if let Some(text) = member.string() {
                    out.push(Grant { role: role.clone(), member: text, conditional, at: member.at.clone() });
                }
            }
        }
        return Ok(out);
    }
    // Bucket ACL entries and default object ACL entries are told apart
    // from IAM roles, and from each other, by a prefix (`acl:READER`).
    let acl: fn(&str) -> String =
        if t.starts_with("google_storage_default_object") { default_object_acl_role } else { acl_role };
    match t {
        "google_storage_bucket_acl" | "google_storage_default_object_acl" => {
            let mut out = Vec::new();
            let entities = entry.attr("role_entity");
            if let Read::Unknown(at) = entities.read() {
                return Err(at);
            }
            for item in entities.items() {
                let text = known(item.clone())?;
                let at = item.at().unwrap_or_else(|| entry.values_at());
                if let Some((role, member)) = text.split_once(':') {
                    out.push(Grant { role: acl(role), member: member.to_string(), conditional: false, at });
                }
            }
            let predefined = entry.attr("predefined_acl");
            if let Some(name) = predefined.str() {
                let at = predefined.at().unwrap_or_else(|| entry.values_at());
                let grant = |role: &str, member: &str| Grant {
                    role: acl(role),
                    member: member.to_string(),
                    conditional: false,
                    at: at.clone(),
                };
                match name {
                    "publicRead" => out.push(grant("READER", "allUsers")),
                    "publicReadWrite" => out.extend([grant("READER", "allUsers"), grant("WRITER", "allUsers")]),
                    "authenticatedRead" => out.push(grant("READER", "allAuthenticatedUsers")),
                    _ => {}
                }
            } else if predefined.is_unknown() {
                return Err(predefined.at().unwrap_or_else(|| entry.values_at()));
            }
            Ok(out)
        }
        "google_storage_bucket_access_control" | "google_storage_default_object_access_control" => {
            let entity = entry.attr("entity");
            let at = entity.at().unwrap_or_else(|| entry.values_at());
            Ok(vec![Grant { role: acl(&known(entry.attr("role"))?), member: known(entity)?, conditional: false, at }])
        }
        "google_bigquery_dataset_access" => Ok(access_grant(&entry.values).into_iter().collect()),
        _ => Ok(Vec::new()),
    }
}

pub fn attach(entry: &Entry, index: &Index, collector: &mut Collector) {
    let Some((key, targets, what)) = grant_target(entry.type_name) else { return };
    let Some(&(_, type_name)) = targets.first() else { return };
    let found = match grants(entry) {
        Ok(found) => found,
        Err(_) => {
            collector.skip(&entry.at(), format!("{}: who it grants access to is not known until apply", entry.address));
            return;
        }
    };
    let at = entry.at();
    let orphan = |id: &str| {
        let kind = if type_name == BUCKET {
            Kind::GcsBucket(GcsBucket::default())
        } else {
            Kind::GrantHolder(GrantHolder::default())
        };
        Some(Resource {
            provider: Provider::Gcp,
            type_name,
            id: id.to_string(),
            name: id.to_string(),
            account: None,
            region: None,
            tags: Vec::new(),
            at,
            kind,
        })
    };
    match find_target(index, entry, collector, key, targets, what, orphan).map(|r| &mut r.kind) {
        Some(Kind::GcsBucket(bucket)) => bucket.grants.extend(found),
        Some(Kind::GrantHolder(holder)) => holder.grants.extend(found),
        _ => {}
    }
}

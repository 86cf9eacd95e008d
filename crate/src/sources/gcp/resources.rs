//! The audited GCP resource types: their type names, their ids (Cloud Asset
//! Inventory full resource names) and readers for their REST API shape,
//! which Cloud Asset Inventory keeps under `resource.data` and most `gcloud`
//! commands print. `gcloud storage` prints its own snake_case shape, read
//! here too.
//!
//! The Terraform source maps `google_*` resources into the same type names
//! and ids, with the helpers below, so records of one resource merge
//! whatever format each came from.

use crate::model::{Attr, Firewall, FirewallAllow, GcsBucket, Grant, GrantHolder, Kind, Origin, Provider, Resource};
use crate::model::{SqlInstance, Truth};
use crate::sources::Node;

use super::iam;

pub const BUCKET: &str = "storage.googleapis.com/Bucket";
pub const SQL_INSTANCE: &str = "sqladmin.googleapis.com/Instance";
pub const FIREWALL: &str = "compute.googleapis.com/Firewall";
pub const DATASET: &str = "bigquery.googleapis.com/Dataset";
pub const IMAGE: &str = "compute.googleapis.com/Image";
/// Cloud Functions 1st gen.
pub const FUNCTION: &str = "cloudfunctions.googleapis.com/CloudFunction";
/// Cloud Functions 2nd gen (and 1st gen, through the v2 API).
pub const FUNCTION_GEN2: &str = "cloudfunctions.googleapis.com/Function";

/// Every audited type, as Cloud Asset Inventory spells it.
const AUDITED: &[&str] = &[BUCKET, SQL_INSTANCE, FIREWALL, DATASET, IMAGE, FUNCTION, FUNCTION_GEN2];

/// The static type name of an audited asset type.
pub fn audited_type(asset_type: &str) -> Option<&'static str> {
    AUDITED.iter().copied().find(|t| *t == asset_type)
}

pub fn bucket_id(name: &str) -> String {
    format!("//storage.googleapis.com/{name}")
}

pub fn sql_instance_id(project: &str, instance: &str) -> String {
    format!("//cloudsql.googleapis.com/projects/{project}/instances/{instance}")
}

pub fn firewall_id(project: &str, name: &str) -> String {
    format!("//compute.googleapis.com/projects/{project}/global/firewalls/{name}")
}

pub fn image_id(project: &str, name: &str) -> String {
    format!("//compute.googleapis.com/projects/{project}/global/images/{name}")
}

pub fn dataset_id(project: &str, dataset: &str) -> String {
    format!("//bigquery.googleapis.com/projects/{project}/datasets/{dataset}")
}

pub fn function_id(project: &str, region: &str, function: &str) -> String {
    format!("//cloudfunctions.googleapis.com/projects/{project}/locations/{region}/functions/{function}")
}

/// The role of a bucket ACL entry (`READER`, `WRITER`, `OWNER`) as a
/// [`Grant`] role: `acl:READER`. IAM roles always hold a `/`
/// (`roles/storage.objectViewer`); ACL roles never do, and the prefix keeps
/// them apart from default object ACL entries.
pub fn acl_role(role: &str) -> String {
    format!("acl:{role}")
}

/// The role of a default object ACL entry (the ACL new objects receive):
/// `defaultObjectAcl:READER`.
pub fn default_object_acl_role(role: &str) -> String {
    format!("defaultObjectAcl:{role}")
}

/// The segment after `segment/` in a resource name or URL:
/// `project_of("//x/projects/p/instances/i")` is `p`.
fn after<'t>(name: &'t str, segment: &str) -> Option<&'t str> {
    let mut parts = name.split('/');
    parts.by_ref().find(|p| *p == segment)?;
    parts.next().filter(|p| !p.is_empty())
}

pub fn project_in(name: &str) -> Option<&str> {
    after(name, "projects")
}

fn last_segment(name: &str) -> &str {
    name.trim_end_matches('/').rsplit('/').next().unwrap_or(name)
}

/// `https://www.googleapis.com/compute/v1/projects/p/global/firewalls/f` →
/// `//compute.googleapis.com/projects/p/global/firewalls/f`.
fn compute_id_from_link(link: &str) -> Option<String> {
    let at = link.find("/projects/")?;
    Some(format!("//compute.googleapis.com{}", link.get(at..)?))
}

/// What the input says about an asset besides its data.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// The project id (or number, when nothing better is known).
    pub project: Option<String>,
    pub region: Option<String>,
}

/// One asset as read from any input: its type, what is known of its id,
/// its REST-shaped data and its IAM policy.
pub struct Parts<'a> {
    pub type_name: &'static str,
    /// The Cloud Asset Inventory name, when the input gives it.
    pub id: Option<String>,
    pub data: Option<Node<'a>>,
    pub policy: Option<Node<'a>>,
    /// Labels given beside the data (search results).
    pub labels: Option<Node<'a>>,
    pub place: Place,
    /// The record as a whole.
    pub at: Origin,
}

/// Builds the resource, or says why it cannot.
pub fn build(parts: Parts) -> Result<Resource, String> {
    let data = parts.data.as_ref();
    let text = |key: &str| data.and_then(|d| d.get(key)).and_then(|n| n.string());
    let mut project = parts.place.project.clone();
    let mut region = parts.place.region.clone();
    let (id, name) = match parts.type_name {
        BUCKET => {
            let name = text("name")
                .or_else(|| text("id"))
                .or_else(|| parts.id.as_deref().map(|id| last_segment(id).to_string()))
                .ok_or("the bucket has no name")?;
            region = region.or_else(|| text("location").map(|l| l.to_ascii_lowercase()));
            (parts.id.clone().unwrap_or_else(|| bucket_id(&name)), name)
        }
        SQL_INSTANCE => {
            let name = text("name")
                .or_else(|| parts.id.as_deref().map(|id| last_segment(id).to_string()))
                .ok_or("the instance has no name")?;
            project =
                text("project").or(project).or_else(|| parts.id.as_deref().and_then(project_in).map(String::from));
            region = text("region").or(region);
            let id = match (&parts.id, &project) {
                (Some(id), _) => id.clone(),
                (None, Some(project)) => sql_instance_id(project, &name),
                (None, None) => return Err("the instance does not say its project".into()),
            };
            (id, name)
        }
        FIREWALL | IMAGE => {
            let name = text("name")
                .or_else(|| parts.id.as_deref().map(|id| last_segment(id).to_string()))
                .ok_or("the record has no name")?;
            let from_link = text("selfLink").and_then(|link| compute_id_from_link(&link));
            let id = parts.id.clone().or(from_link);
            project = id.as_deref().and_then(project_in).map(String::from).or(project);
            let id = match (id, &project) {
                (Some(id), _) => id,
                (None, Some(project)) if parts.type_name == FIREWALL => firewall_id(project, &name),
                (None, Some(project)) => image_id(project, &name),
                (None, None) => return Err("the record does not say its project".into()),
            };
            (id, name)
        }
        DATASET => {
            let reference = data.and_then(|d| d.get("datasetReference"));
            let field = |key: &str| reference.as_ref().and_then(|r| r.get(key)).and_then(|n| n.string());
            // `bq` also prints `"id": "project:dataset"`.
            let colon_id = text("id").and_then(|id| id.split_once(':').map(|(p, d)| (p.to_string(), d.to_string())));
            let name = field("datasetId")
                .or_else(|| colon_id.as_ref().map(|(_, d)| d.clone()))
                .or_else(|| parts.id.as_deref().map(|id| last_segment(id).to_string()))
                .ok_or("the dataset has no name")?;
            project = field("projectId")
                .or_else(|| colon_id.map(|(p, _)| p))
                .or_else(|| parts.id.as_deref().and_then(project_in).map(String::from))
                .or(project);
            region = region.or_else(|| text("location").map(|l| l.to_ascii_lowercase()));
            let id = match (&parts.id, &project) {
                (Some(id), _) => id.clone(),
                (None, Some(project)) => dataset_id(project, &name),
                (None, None) => return Err("the dataset does not say its project".into()),
            };
            (id, name)
        }
        FUNCTION | FUNCTION_GEN2 => {
            let full = text("name").or_else(|| parts.id.clone()).ok_or("the function has no name")?;
            let name = last_segment(&full).to_string();
            project = project_in(&full).map(String::from).or(project);
            region = after(&full, "locations").map(String::from).or(region);
            let id = match (&parts.id, &project, &region) {
                (Some(id), _, _) => id.clone(),
                (None, Some(project), Some(region)) => function_id(project, region, &name),
                _ => return Err("the function does not say its project and region".into()),
            };
            (id, name)
        }
        other => return Err(format!("asset type {other} is not audited")),
    };
    let project = project.or_else(|| project_in(&id).map(String::from));
    let policy_grants = parts.policy.as_ref().map(iam::grants).unwrap_or_default();
    let kind = match parts.type_name {
        BUCKET => {
            let mut bucket = data.map(read_bucket).unwrap_or_default();
            bucket.grants.extend(policy_grants);
            Kind::GcsBucket(bucket)
        }
        SQL_INSTANCE => Kind::SqlInstance(data.map(read_sql_instance).unwrap_or_default()),
        FIREWALL => Kind::Firewall(data.map(read_firewall).unwrap_or_default()),
        DATASET => {
            let mut grants = data.map(dataset_access).unwrap_or_default();
            grants.extend(policy_grants);
            Kind::GrantHolder(GrantHolder { grants })
        }
        _ => Kind::GrantHolder(GrantHolder { grants: policy_grants }),
    };
    let mut tags = parts.labels.as_ref().map(labels).unwrap_or_default();
    if tags.is_empty() {
        let label_node = match parts.type_name {
            SQL_INSTANCE => data.and_then(|d| d.get("settings")).and_then(|s| s.get("userLabels")),
            _ => data.and_then(|d| d.get("labels")),
        };
        tags = label_node.as_ref().map(labels).unwrap_or_default();
    }
    Ok(Resource {
        provider: Provider::Gcp,
        type_name: parts.type_name,
        id,
        name,
        account: project,
        region,
        tags,
        at: data.map(|d| d.at.clone()).unwrap_or(parts.at),
        kind,
    })
}

fn labels(node: &Node) -> Vec<(String, String)> {
    node.entries().filter_map(|(k, v)| Some((k.to_string(), v.string()?))).collect()
}

/// A bucket in the JSON API shape (`iamConfiguration`, `acl`,
/// `defaultObjectAcl`) or in the `gcloud storage` shape
/// (`uniform_bucket_level_access`, `public_access_prevention`, `acl`,
/// `default_acl`).
fn read_bucket(data: &Node) -> GcsBucket {
    let config = data.get("iamConfiguration");
    let (prevention, uniform) = match &config {
        Some(config) => (
            config.get("publicAccessPrevention"),
            config
                .get("uniformBucketLevelAccess")
                .and_then(|u| u.get("enabled"))
                .or_else(|| config.get("bucketPolicyOnly").and_then(|u| u.get("enabled"))),
        ),
        None => (data.get("public_access_prevention"), data.get("uniform_bucket_level_access")),
    };
    let home = config.as_ref().map(|c| c.at.clone()).unwrap_or_else(|| data.at.clone());
    // Absent settings take the API's defaults: prevention `inherited` (from
    // the organization policy, which the upload does not hold), uniform
    // access off.
    let public_access_prevention = Some(
        prevention.map(|p| p.string_attr()).unwrap_or_else(|| Attr::defaulted("inherited".to_string(), home.clone())),
    );
    let uniform_access = Some(uniform.map(|u| u.bool_attr()).unwrap_or_else(|| Attr::defaulted(false, home)));
    let mut grants = acl_grants(data.get("acl"), acl_role);
    grants
        .extend(acl_grants(data.get("defaultObjectAcl").or_else(|| data.get("default_acl")), default_object_acl_role));
    GcsBucket { grants, public_access_prevention, uniform_access }
}

fn acl_grants(acl: Option<Node>, role_of: fn(&str) -> String) -> Vec<Grant> {
    let Some(acl) = acl else { return Vec::new() };
    acl.items()
        .filter_map(|entry| {
            let entity = entry.get("entity")?;
            let role = entry.get("role").and_then(|r| r.string()).unwrap_or_default();
            Some(Grant { role: role_of(&role), member: entity.string()?, conditional: false, at: entity.at.clone() })
        })
        .collect()
}

fn read_sql_instance(data: &Node) -> SqlInstance {
    let ip = data.get("settings").and_then(|s| s.get("ipConfiguration"));
    let ipv4_enabled = ip.as_ref().and_then(|ip| ip.get("ipv4Enabled")).map(|v| v.bool_attr()).or_else(|| {
        // Without the flag, an assigned public (`PRIMARY`) address says the same.
        let addresses = data.get("ipAddresses")?;
        let primary = addresses.items().find(|a| a.get("type").and_then(|t| t.str()) == Some("PRIMARY"))?;
        Some(Attr::explicit(true, primary.at.clone()))
    });
    let authorized_networks = ip
        .as_ref()
        .and_then(|ip| ip.get("authorizedNetworks"))
        .map(|list| list.items().filter_map(|n| n.get("value")).map(|v| v.string_attr()).collect())
        .unwrap_or_default();
    SqlInstance { ipv4_enabled, authorized_networks }
}

/// A value of `node` that must be one of `known` (compared case-insensitively) or, with
/// `numbers`, a protocol number; anything else cannot be read and is unresolved, never
/// taken for a harmless value.
fn one_of(node: &Node, known: &[&str], numbers: bool) -> Attr<String> {
    match node.string() {
        Some(s) if known.iter().any(|k| k.eq_ignore_ascii_case(&s)) || (numbers && s.parse::<u8>().is_ok()) => {
            Attr::explicit(s, node.at.clone())
        }
        _ => Attr::unresolved(node.at.clone()),
    }
}

/// A firewall `allowed` entry that could not be read: any protocol, any port.
fn unreadable_allow(at: &Origin) -> FirewallAllow {
    FirewallAllow { protocol: Attr::unresolved(at.clone()), ports: Vec::new() }
}

fn read_firewall(data: &Node) -> Firewall {
    let direction = data
        .get("direction")
        .map(|d| one_of(&d, &["INGRESS", "EGRESS"], false))
        .unwrap_or_else(|| Attr::defaulted("INGRESS".into(), data.at.clone()));
    let disabled =
        data.get("disabled").map(|d| d.bool_attr()).unwrap_or_else(|| Attr::defaulted(false, data.at.clone()));
    let mut source_ranges: Vec<Attr<String>> =
        data.get("sourceRanges").map(|r| r.items().map(|n| n.cidr_attr()).collect()).unwrap_or_default();
    let ingress = match direction.known() {
        Some(d) if d.eq_ignore_ascii_case("INGRESS") => Truth::Yes,
        Some(_) => Truth::No,
        None => Truth::Unknown,
    };
    let other_sources = data.get("sourceTags").is_some() || data.get("sourceServiceAccounts").is_some();
    if source_ranges.is_empty() && !other_sources && ingress != Truth::No {
        // An ingress rule that names no source applies to every IPv4 source
        // (`gcloud compute firewall-rules create` documents this default).
        source_ranges.push(Attr::defaulted("0.0.0.0/0".into(), data.at.clone()));
    }
    let protocols = ["tcp", "udp", "icmp", "esp", "ah", "sctp", "ipip", "all"];
    let allowed = match data.get("allowed") {
        Some(list) if !list.value.is_array() => vec![unreadable_allow(&list.at)],
        Some(list) => list
            .items()
            .map(|entry| FirewallAllow {
                protocol: entry
                    .get("IPProtocol")
                    .or_else(|| entry.get("ipProtocol"))
                    .map(|p| one_of(&p, &protocols, true))
                    .unwrap_or_else(|| Attr::unresolved(entry.at.clone())),
                ports: entry.get("ports").map(|p| p.items().map(|n| n.string_attr()).collect()).unwrap_or_default(),
            })
            .collect(),
        None => data.null_member("allowed").map(|at| vec![unreadable_allow(&at)]).unwrap_or_default(),
    };
    Firewall { direction: Some(direction), disabled: Some(disabled), source_ranges, allowed }
}

/// A BigQuery dataset's `access` list as grants: `iamMember` and
/// `specialGroup` as written (`allUsers`, `allAuthenticatedUsers`,
/// `projectReaders`), users, groups and domains with the IAM prefixes.
/// Authorized views, datasets and routines name no principal and are left out.
fn dataset_access(data: &Node) -> Vec<Grant> {
    let Some(access) = data.get("access") else { return Vec::new() };
    let mut out = Vec::new();
    for entry in access.items() {
        let role = entry.get("role").and_then(|r| r.string()).unwrap_or_default();
        let principal = [("iamMember", ""), ("specialGroup", ""), ("userByEmail", "user:"), ("groupByEmail", "group:")]
            .iter()
            .chain(&[("domain", "domain:")])
            .find_map(|(key, prefix)| entry.get(key).and_then(|n| Some((n.string()?, *prefix, n.at.clone()))));
        if let Some((who, prefix, at)) = principal {
            out.push(Grant { role: role.clone(), member: format!("{prefix}{who}"), conditional: false, at });
        }
    }
    out
}

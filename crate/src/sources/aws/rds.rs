//! RDS instances and snapshots, and Redshift clusters.

use crate::model::{Attr, Kind, RdsInstance, RedshiftCluster, Resource, Snapshot, SnapshotFamily};
use crate::sources::{Collector, Node};

use super::cli::Call;
use super::config::ConfigItem;
use super::ec2::resource;

pub const DB_INSTANCE: &str = "AWS::RDS::DBInstance";
pub const DB_SNAPSHOT: &str = "AWS::RDS::DBSnapshot";
pub const DB_CLUSTER_SNAPSHOT: &str = "AWS::RDS::DBClusterSnapshot";

fn text(node: &Node, key: &str) -> Option<String> {
    node.get_ci(key).and_then(|n| n.string())
}

fn instance(node: &Node, call: Option<&Call>) -> Option<Resource> {
    let id = text(node, "DBInstanceIdentifier")?;
    let db = RdsInstance {
        publicly_accessible: node.get_ci("PubliclyAccessible").map(|n| n.bool_attr()),
        storage_encrypted: node.get_ci("StorageEncrypted").map(|n| n.bool_attr()),
        port: node
            .get_ci("Endpoint")
            .and_then(|e| e.get_ci("Port"))
            .or_else(|| node.get_ci("DbInstancePort"))
            .and_then(|p| p.int())
            .filter(|p| (1..=65535).contains(p))
            .map(|p| p as u32),
        engine: text(node, "Engine"),
        security_groups: node
            .get_ci("VpcSecurityGroups")
            .map(|g| g.items().filter_map(|g| text(&g, "VpcSecurityGroupId")).collect())
            .unwrap_or_default(),
    };
    Some(resource(DB_INSTANCE, id.clone(), id, node, call, Kind::RdsInstance(db)))
}

fn snapshot_kind(family: SnapshotFamily) -> (&'static str, &'static str) {
    match family {
        SnapshotFamily::RdsCluster => (DB_CLUSTER_SNAPSHOT, "DBClusterSnapshotIdentifier"),
        _ => (DB_SNAPSHOT, "DBSnapshotIdentifier"),
    }
}

fn snapshot(node: &Node, call: Option<&Call>, family: SnapshotFamily) -> Option<Resource> {
    let (type_name, id_key) = snapshot_kind(family);
    let id = text(node, id_key)?;
    let s = Snapshot {
        family,
        shared_with: node
            .get_ci("DBSnapshotAttributes")
            .or_else(|| node.get_ci("DBClusterSnapshotAttributes"))
            .map(|a| restore(&a)),
        encrypted: node.get_ci("Encrypted").or_else(|| node.get_ci("StorageEncrypted")).map(|n| n.bool_attr()),
    };
    Some(resource(type_name, id.clone(), id, node, call, Kind::Snapshot(s)))
}

/// The `restore` attribute's values: `[{"AttributeName": "restore", "AttributeValues": ["all"]}]`.
fn restore(attributes: &Node) -> Attr<Vec<Attr<String>>> {
    let mut values = Vec::new();
    let mut at = attributes.at.clone();
    for attribute in attributes.items() {
        if text(&attribute, "AttributeName").as_deref() != Some("restore") {
            continue;
        }
        if let Some(list) = attribute.get_ci("AttributeValues") {
            at = list.at.clone();
            values.extend(list.items().map(|v| v.string_attr()));
        }
    }
    Attr::explicit(values, at)
}

fn redshift(node: &Node, call: Option<&Call>) -> Option<Resource> {
    let id = text(node, "ClusterIdentifier")?;
    let cluster = RedshiftCluster {
        publicly_accessible: node.get_ci("PubliclyAccessible").map(|n| n.bool_attr()),
        encrypted: node.get_ci("Encrypted").map(|n| n.bool_attr()),
    };
    Some(resource("AWS::Redshift::Cluster", id.clone(), id, node, call, Kind::RedshiftCluster(cluster)))
}

fn each(call: &Call, key: &str, collector: &mut Collector, read: &dyn Fn(&Node) -> Option<Resource>) {
    for node in collector.records(&call.output, key) {
        match read(&node) {
            Some(r) => collector.add(r),
            None => collector.skip(&node.at, format!("{key} entry without an identifier")),
        }
    }
}

pub fn from_cli(call: &Call, collector: &mut Collector) -> bool {
    let c = Some(call);
    match call.operation {
        "describe-db-instances" => each(call, "DBInstances", collector, &|n| instance(n, c)),
        "describe-db-snapshots" => {
            each(call, "DBSnapshots", collector, &|n| snapshot(n, c, SnapshotFamily::RdsInstance))
        }
        "describe-db-cluster-snapshots" => {
            each(call, "DBClusterSnapshots", collector, &|n| snapshot(n, c, SnapshotFamily::RdsCluster))
        }
        "describe-db-snapshot-attributes" | "describe-db-cluster-snapshot-attributes" => {
            let cluster = call.operation.contains("cluster");
            let family = if cluster { SnapshotFamily::RdsCluster } else { SnapshotFamily::RdsInstance };
            let key = if cluster { "DBClusterSnapshotAttributesResult" } else { "DBSnapshotAttributesResult" };
            let Some(result) = call.output.get_ci(key) else { return false };
            let Some(r) = snapshot(&result, c, family) else { return false };
            collector.add(r);
        }
        "describe-clusters" if call.service == "redshift" => each(call, "Clusters", collector, &|n| redshift(n, c)),
        _ => return false,
    }
    true
}

fn adopt(item: &ConfigItem, mut r: Resource) -> Resource {
    r.account = item.account.clone();
    r.region = item.region.clone();
    r.tags = item.tags.clone();
    r.at = item.node.at.clone();
    r
}

pub fn instance_from_config(item: &ConfigItem, collector: &mut Collector) -> bool {
    let Some(config) = &item.configuration else { return false };
    let Some(r) = instance(&config.node(), None) else { return false };
    collector.add(adopt(item, r));
    true
}

pub fn snapshot_from_config(item: &ConfigItem, collector: &mut Collector) -> bool {
    let Some(config) = &item.configuration else { return false };
    let family =
        if item.resource_type.contains("Cluster") { SnapshotFamily::RdsCluster } else { SnapshotFamily::RdsInstance };
    let Some(mut r) = snapshot(&config.node(), None, family) else { return false };
    if let Kind::Snapshot(s) = &mut r.kind {
        if s.shared_with.is_none() {
            let attrs =
                item.supplement("DBSnapshotAttributes").or_else(|| item.supplement("DBClusterSnapshotAttributes"));
            s.shared_with = attrs.map(|a| restore(&a.node()));
        }
    }
    collector.add(adopt(item, r));
    true
}

pub fn redshift_from_config(item: &ConfigItem, collector: &mut Collector) -> bool {
    let Some(config) = &item.configuration else { return false };
    let Some(r) = redshift(&config.node(), None) else { return false };
    collector.add(adopt(item, r));
    true
}

//! EC2: security groups, instances, EBS snapshots and volumes, AMIs. The CLI
//! spells keys in PascalCase and AWS Config in camelCase; readers compare keys
//! case-insensitively so one reader serves both.

use crate::model::{
    Attr, EbsVolume, Image, IngressRule, Instance, Kind, Origin, Provider, Resource, SecurityGroup, Snapshot,
    SnapshotFamily,
};
use crate::sources::{Collector, Node};

use super::cli::Call;
use super::config::{read_tags, ConfigItem};

pub const SECURITY_GROUP: &str = "AWS::EC2::SecurityGroup";
pub const SNAPSHOT: &str = "AWS::EC2::Snapshot";

fn text(node: &Node, key: &str) -> Option<String> {
    node.get_ci(key).and_then(|n| n.string())
}

pub fn resource(
    type_name: &'static str,
    id: String,
    name: String,
    node: &Node,
    call: Option<&Call>,
    kind: Kind,
) -> Resource {
    Resource {
        provider: Provider::Aws,
        type_name,
        id,
        name,
        account: call.and_then(|c| c.account.clone()),
        region: call.and_then(|c| c.region.clone()),
        tags: read_tags(node.get_ci("Tags")),
        at: node.at.clone(),
        kind,
    }
}

/// Overrides identity fields with a Config item's, which are authoritative.
fn with_item(mut r: Resource, item: &ConfigItem) -> Resource {
    r.account = item.account.clone();
    r.region = item.region.clone();
    if !item.tags.is_empty() {
        r.tags = item.tags.clone();
    }
    r
}

/// A rule that could not be read at all (an entry that is not an object): every part
/// unresolved, so the rules report what it may open as unknown instead of nothing.
fn unreadable_rule(at: &Origin) -> IngressRule {
    IngressRule {
        protocol: Attr::unresolved(at.clone()),
        ports: Some(Attr::unresolved(at.clone())),
        sources: vec![Attr::unresolved(at.clone())],
        prefix_lists: Vec::new(),
        at: at.clone(),
    }
}

fn ingress_rule(permission: &Node) -> IngressRule {
    if !permission.value.is_object() {
        return unreadable_rule(&permission.at);
    }
    let protocol = match permission.get_ci("IpProtocol") {
        // A name EC2 knows or a protocol number; anything else cannot be read.
        Some(p) => match p.string().map(|s| s.to_ascii_lowercase()) {
            Some(s)
                if matches!(s.as_str(), "-1" | "all" | "tcp" | "udp" | "icmp" | "icmpv6")
                    || s.parse::<u8>().is_ok() =>
            {
                Attr::explicit(s, p.at.clone())
            }
            _ => Attr::unresolved(p.at.clone()),
        },
        None => Attr::defaulted("-1".to_string(), permission.at.clone()),
    };
    let all_ports = protocol.known().is_some_and(|p| p == "-1" || p == "all");
    let ports = if all_ports {
        None
    } else {
        match (permission.get_ci("FromPort"), permission.get_ci("ToPort")) {
            (Some(from), Some(to)) => match (from.int(), to.int()) {
                // -1 means every port (ICMP type/code "all").
                (Some(-1), _) | (_, Some(-1)) => None,
                (Some(a), Some(b)) if (0..=65535).contains(&a) && (0..=65535).contains(&b) => {
                    Some(Attr::explicit((a.min(b) as u32, a.max(b) as u32), from.at.clone()))
                }
                _ => Some(Attr::unresolved(from.at.clone())),
            },
            (Some(from), None) => match from.int() {
                Some(a) if (0..=65535).contains(&a) => Some(Attr::explicit((a as u32, a as u32), from.at.clone())),
                _ => Some(Attr::unresolved(from.at.clone())),
            },
            _ => None,
        }
    };
    let mut sources = Vec::new();
    for key in ["IpRanges", "Ipv4Ranges", "Ipv6Ranges"] {
        let Some(ranges) = permission.get_ci(key) else {
            sources.extend(permission.null_member(key).map(Attr::unresolved));
            continue;
        };
        // A list of another type, or an entry without a readable range, is an
        // unresolved source: the rule may be open, never silently closed.
        if !ranges.value.is_array() {
            sources.push(Attr::unresolved(ranges.at.clone()));
        }
        for range in ranges.items() {
            // Config's `ipRanges` is a list of plain strings.
            if range.str().is_some() {
                sources.push(range.cidr_attr());
                continue;
            }
            let cidrs: Vec<Node> = ["CidrIp", "CidrIpv6"].iter().filter_map(|k| range.get_ci(k)).collect();
            if cidrs.is_empty() {
                sources.push(Attr::unresolved(range.at.clone()));
            }
            sources.extend(cidrs.iter().map(Node::cidr_attr));
        }
    }
    // AWS Config lists IPv4 ranges twice (`ipRanges` and `ipv4Ranges`).
    let mut seen = std::collections::HashSet::new();
    sources.retain(|s| seen.insert(s.value.clone()));
    let mut prefix_lists = Vec::new();
    for entry in permission.get_ci("PrefixListIds").into_iter().flat_map(|l| l.items().collect::<Vec<_>>()) {
        match entry.str() {
            Some(id) => prefix_lists.push(Attr::explicit(id.to_string(), entry.at.clone())),
            None => prefix_lists.extend(entry.get_ci("PrefixListId").map(|id| id.string_attr())),
        }
    }
    IngressRule { protocol, ports, sources, prefix_lists, at: permission.at.clone() }
}

pub fn security_group(node: &Node, call: Option<&Call>) -> Option<Resource> {
    let id = text(node, "GroupId")?;
    let name = text(node, "GroupName");
    let ingress = match node.get_ci("IpPermissions") {
        Some(list) if !list.value.is_array() => vec![unreadable_rule(&list.at)],
        Some(list) => list.items().map(|p| ingress_rule(&p)).collect(),
        None => node.null_member("IpPermissions").map(|at| vec![unreadable_rule(&at)]).unwrap_or_default(),
    };
    let group = SecurityGroup { group_name: name.clone(), vpc_id: text(node, "VpcId"), ingress };
    let r = resource(SECURITY_GROUP, id.clone(), name.unwrap_or(id), node, call, Kind::SecurityGroup(group));
    Some(r)
}

fn instance(node: &Node, call: Option<&Call>) -> Option<Resource> {
    let id = text(node, "InstanceId")?;
    let public_ip = node.get_ci("PublicIpAddress").map(|n| n.string_attr());
    let groups = node
        .get_ci("SecurityGroups")
        .map(|g| g.items().filter_map(|g| text(&g, "GroupId")).collect())
        .unwrap_or_default();
    let mut r = resource(
        "AWS::EC2::Instance",
        id.clone(),
        id,
        node,
        call,
        Kind::Instance(Instance { public_ip, security_groups: groups }),
    );
    if let Some((_, name)) = r.tags.iter().find(|(k, _)| k == "Name") {
        r.name = name.clone();
    }
    Some(r)
}

fn snapshot(node: &Node, call: Option<&Call>) -> Option<Resource> {
    let id = text(node, "SnapshotId")?;
    let encrypted = node.get_ci("Encrypted").map(|n| n.bool_attr());
    let s = Snapshot { family: SnapshotFamily::Ebs, shared_with: None, encrypted };
    Some(resource(SNAPSHOT, id.clone(), id, node, call, Kind::Snapshot(s)))
}

/// `createVolumePermissions`: `[{"Group": "all"} | {"UserId": "..."}]`.
pub fn volume_permissions(list: &Node) -> Attr<Vec<Attr<String>>> {
    let values = list
        .items()
        .filter_map(|p| p.get_ci("Group").or_else(|| p.get_ci("UserId")).map(|v| v.string_attr()))
        .collect();
    Attr::explicit(values, list.at.clone())
}

fn image(node: &Node, call: Option<&Call>) -> Option<Resource> {
    let id = text(node, "ImageId")?;
    let name = text(node, "Name").unwrap_or_else(|| id.clone());
    let public = node.get_ci("Public").map(|n| n.bool_attr());
    Some(resource("AWS::EC2::Image", id, name, node, call, Kind::Image(Image { public })))
}

fn volume(node: &Node, call: Option<&Call>) -> Option<Resource> {
    let id = text(node, "VolumeId")?;
    let encrypted = node.get_ci("Encrypted").map(|n| n.bool_attr());
    let mut r = resource("AWS::EC2::Volume", id.clone(), id, node, call, Kind::EbsVolume(EbsVolume { encrypted }));
    if let Some((_, name)) = r.tags.iter().find(|(k, _)| k == "Name") {
        r.name = name.clone();
    }
    Some(r)
}

fn each(call: &Call, key: &str, collector: &mut Collector, read: fn(&Node, Option<&Call>) -> Option<Resource>) {
    for node in collector.records(&call.output, key) {
        match read(&node, Some(call)) {
            Some(r) => collector.add(r),
            None => collector.skip(&node.at, format!("{key} entry without an identifier")),
        }
    }
}

pub fn from_cli(call: &Call, collector: &mut Collector) -> bool {
    match call.operation {
        "describe-security-groups" => each(call, "SecurityGroups", collector, security_group),
        "describe-instances" => {
            for reservation in
                call.output.get_ci("Reservations").into_iter().flat_map(|n| n.items().collect::<Vec<_>>())
            {
                for node in reservation.get_ci("Instances").into_iter().flat_map(|n| n.items().collect::<Vec<_>>()) {
                    if let Some(r) = instance(&node, Some(call)) {
                        collector.add(r);
                    }
                }
            }
        }
        "describe-snapshots" => {
            each(call, "Snapshots", collector, snapshot);
            // `--restorable-by-user-ids all` lists exactly the public snapshots.
            let public_listing = call
                .params
                .as_ref()
                .and_then(|p| p.get_ci("RestorableByUserIds"))
                .is_some_and(|ids| ids.items().any(|i| i.str() == Some("all")) || ids.str() == Some("all"));
            if public_listing {
                for node in call.output.get_ci("Snapshots").into_iter().flat_map(|n| n.items().collect::<Vec<_>>()) {
                    let Some(id) = text(&node, "SnapshotId") else { continue };
                    let shared =
                        Attr::explicit(vec![Attr::explicit("all".to_string(), node.at.clone())], node.at.clone());
                    let s = Snapshot { family: SnapshotFamily::Ebs, shared_with: Some(shared), encrypted: None };
                    collector.add(resource(SNAPSHOT, id.clone(), id, &node, Some(call), Kind::Snapshot(s)));
                }
            }
        }
        "describe-images" => each(call, "Images", collector, image),
        "describe-volumes" => each(call, "Volumes", collector, volume),
        "describe-snapshot-attribute" => {
            let out = &call.output;
            let Some(id) = text(out, "SnapshotId").or_else(|| call.param("SnapshotId")) else { return false };
            let Some(list) = out.get_ci("CreateVolumePermissions") else { return false };
            let s =
                Snapshot { family: SnapshotFamily::Ebs, shared_with: Some(volume_permissions(&list)), encrypted: None };
            collector.add(resource(SNAPSHOT, id.clone(), id, out, Some(call), Kind::Snapshot(s)));
        }
        _ => return false,
    }
    true
}

fn from_item(item: &ConfigItem, collector: &mut Collector, read: fn(&Node, Option<&Call>) -> Option<Resource>) -> bool {
    let Some(config) = &item.configuration else { return false };
    match read(&config.node(), None) {
        Some(r) => {
            let mut r = with_item(r, item);
            r.at = item.node.at.clone();
            collector.add(r);
            true
        }
        None => false,
    }
}

pub fn security_group_from_config(item: &ConfigItem, collector: &mut Collector) -> bool {
    from_item(item, collector, security_group)
}

pub fn instance_from_config(item: &ConfigItem, collector: &mut Collector) -> bool {
    from_item(item, collector, instance)
}

pub fn volume_from_config(item: &ConfigItem, collector: &mut Collector) -> bool {
    from_item(item, collector, volume)
}

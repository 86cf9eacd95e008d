//! EC2 rules (security groups, EBS snapshots, AMIs) and the ingress logic
//! the security group rules and `aws-rds-instance-public` share: which
//! protocol and ports an ingress rule opens, and whether its sources are the
//! whole internet.

pub mod ami_public;
pub mod security_group_open_admin_port;
pub mod security_group_open_all_ports;
pub mod security_group_open_database_port;
pub mod snapshot_public;

use crate::model::{Attr, IngressRule, Origin, Resource, Truth};
use crate::net;
use crate::report::{Severity, Verdict};
use crate::rules::Hit;

pub const SECURITY_GROUP_TYPES: &[&str] = &["AWS::EC2::SecurityGroup"];

/// The protocol of an ingress rule, as far as port checks care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `-1` (or `all`): every protocol and every port.
    All,
    Tcp,
    Udp,
    /// ICMP and any other protocol number: no TCP port is opened.
    Other,
    Unresolved,
}

pub fn protocol(rule: &IngressRule) -> Protocol {
    match rule.protocol.known().map(String::as_str) {
        None => Protocol::Unresolved,
        Some("-1" | "all") => Protocol::All,
        Some("tcp" | "6") => Protocol::Tcp,
        Some("udp" | "17") => Protocol::Udp,
        Some(_) => Protocol::Other,
    }
}

/// The port range an ingress rule names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// No range: every port (protocol `-1`, or no `FromPort`/`ToPort`).
    All,
    Range(u32, u32),
    Unresolved,
}

pub fn span(rule: &IngressRule) -> Span {
    match &rule.ports {
        None => Span::All,
        Some(ports) => match ports.known() {
            Some(&(from, to)) => Span::Range(from, to),
            None => Span::Unresolved,
        },
    }
}

/// Which of `wanted` the rule opens over TCP. `Yes` with the ports it
/// opens, `Unknown` with the ports it may open, `No` with nothing.
pub fn tcp_ports_opened(rule: &IngressRule, wanted: &[u32]) -> (Truth, Vec<u32>) {
    let (span_truth, ports) = match span(rule) {
        Span::All => (Truth::Yes, wanted.to_vec()),
        Span::Range(from, to) => {
            let inside: Vec<u32> = wanted.iter().copied().filter(|p| (from..=to).contains(p)).collect();
            (if inside.is_empty() { Truth::No } else { Truth::Yes }, inside)
        }
        Span::Unresolved => (Truth::Unknown, wanted.to_vec()),
    };
    let truth = match protocol(rule) {
        Protocol::All => return (Truth::Yes, wanted.to_vec()),
        Protocol::Tcp => span_truth,
        Protocol::Udp | Protocol::Other => Truth::No,
        Protocol::Unresolved => span_truth.and(Truth::Unknown),
    };
    if truth == Truth::No {
        (Truth::No, Vec::new())
    } else {
        (truth, ports)
    }
}

/// Whether the rule's sources let the whole internet in: any `0.0.0.0/0` or
/// `::/0`, or ranges that together cover the whole IPv4 or IPv6 space
/// (`0.0.0.0/1` plus `128.0.0.0/1`). `Unknown` when no resolved source is
/// open but one could not be resolved, or the rule admits a managed prefix
/// list (whose entries no export shows). Returns the sources to blame.
pub fn world_sources(rule: &IngressRule) -> (Truth, Vec<&Attr<String>>) {
    let world: Vec<&Attr<String>> =
        rule.sources.iter().filter(|s| s.known().is_some_and(|cidr| net::is_world(cidr))).collect();
    if !world.is_empty() {
        return (Truth::Yes, world);
    }
    let known: Vec<&Attr<String>> = rule.sources.iter().filter(|s| s.known().is_some()).collect();
    let ranges: Vec<&str> = known.iter().filter_map(|s| s.known().map(String::as_str)).collect();
    if net::covers_internet(&ranges) {
        return (Truth::Yes, known);
    }
    let unresolved: Vec<&Attr<String>> =
        rule.sources.iter().filter(|s| s.known().is_none()).chain(&rule.prefix_lists).collect();
    if !unresolved.is_empty() {
        return (Truth::Unknown, unresolved);
    }
    (Truth::No, Vec::new())
}

/// `web-admin (sg-0abc)`, or just the id when the group has no other name.
pub fn label(resource: &Resource) -> String {
    if resource.name.is_empty() || resource.name == resource.id {
        resource.id.clone()
    } else {
        format!("{} ({})", resource.name, resource.id)
    }
}

/// `tcp 22`, `tcp 20-25`, `all traffic (protocol -1)`, `all tcp ports`.
pub fn describe_rule(rule: &IngressRule) -> String {
    let proto = match protocol(rule) {
        Protocol::All => {
            return format!("all traffic (protocol {})", rule.protocol.known().map_or("-1", String::as_str))
        }
        Protocol::Tcp => "tcp".to_string(),
        Protocol::Udp => "udp".to_string(),
        Protocol::Other => rule.protocol.known().cloned().unwrap_or_default(),
        Protocol::Unresolved => {
            return match span(rule) {
                Span::All => "every port over an unresolved protocol".to_string(),
                Span::Range(from, to) if from == to => format!("port {from} over an unresolved protocol"),
                Span::Range(from, to) => format!("ports {from}-{to} over an unresolved protocol"),
                Span::Unresolved => "an unresolved protocol and port range".to_string(),
            }
        }
    };
    match span(rule) {
        Span::All => format!("all {proto} ports"),
        Span::Range(from, to) if from == to => format!("{proto} {from}"),
        Span::Range(from, to) => format!("{proto} {from}-{to}"),
        Span::Unresolved => format!("{proto} on an unresolved port range"),
    }
}

/// The sources, as the message shows them: `0.0.0.0/0 and ::/0`.
pub fn describe_sources(sources: &[&Attr<String>]) -> String {
    let texts: Vec<String> =
        sources.iter().map(|s| s.known().cloned().unwrap_or_else(|| "an unresolved range".to_string())).collect();
    match texts.as_slice() {
        [] => "the internet".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Where the blamed ports are: the protocol for `-1`, else the port range
/// (`FromPort`), else the rule itself.
pub fn port_evidence(rule: &IngressRule, note: impl Into<String>) -> (Origin, String) {
    let at = match (&rule.ports, protocol(rule)) {
        (_, Protocol::All) | (None, _) => &rule.protocol.at,
        (Some(ports), _) => &ports.at,
    };
    (at.clone(), note.into())
}

/// Evidence for each blamed source.
pub fn source_evidence(sources: &[&Attr<String>]) -> Vec<(Origin, String)> {
    sources
        .iter()
        .map(|s| {
            let note = match s.known() {
                Some(cidr) if net::is_world(cidr) => format!("source {cidr} is the whole internet"),
                Some(list) if net::parse_cidr(list).is_none() => {
                    format!("source {list} is a managed prefix list, whose ranges are not in the upload")
                }
                Some(cidr) => {
                    format!("source {cidr}: together with the rule's other ranges it covers the whole internet")
                }
                None => "source range could not be resolved".to_string(),
            };
            (s.at.clone(), note)
        })
        .collect()
}

/// Why an undecided ingress finding is undecided.
pub fn unknown_reason(rule: &IngressRule, sources: Truth) -> &'static str {
    if sources == Truth::Unknown {
        "a source range could not be resolved (or is a managed prefix list, whose ranges are not in the upload)"
    } else if protocol(rule) == Protocol::Unresolved {
        "the protocol could not be resolved"
    } else {
        "the port range could not be resolved"
    }
}

/// An ingress rule that opens something to the world, or may.
pub struct Opening<'a> {
    pub rule: &'a IngressRule,
    /// The verdict over protocol, ports and sources together.
    pub truth: Truth,
    /// Whether the sources alone are the world.
    pub sources_truth: Truth,
    /// The sources to blame.
    pub sources: Vec<&'a Attr<String>>,
}

/// The finding for one ingress rule that opens `what` (such as `tcp 20-25`)
/// to the world, or may; `detail` follows the sources in the message (such as
/// `, which includes 22 (SSH)`).
pub fn ingress_hit(
    resource: &Resource,
    opening: &Opening,
    severity: Severity,
    verdict: Verdict,
    what: &str,
    detail: &str,
    port_note: String,
) -> Hit {
    let group = label(resource);
    let rule = opening.rule;
    let mut hit = if opening.truth == Truth::Yes {
        let from = describe_sources(&opening.sources);
        Hit::new(severity, verdict, format!("security group {group} allows {what} from {from}{detail}"))
    } else {
        let reason = unknown_reason(rule, opening.sources_truth);
        let from = if opening.sources_truth == Truth::Yes {
            describe_sources(&opening.sources)
        } else {
            "the internet".to_string()
        };
        Hit::unknown(severity, format!("security group {group} may allow {what} from {from}{detail}; {reason}")).note(format!(
            "Keyhole could not decide this ingress rule because {reason}; it is reported, one step lower, rather than taken as safe."
        ))
    };
    if protocol(rule) == Protocol::Unresolved && rule.ports.is_some() {
        hit.evidence.push((rule.protocol.at.clone(), "the protocol could not be resolved".to_string()));
    }
    hit.evidence.push(port_evidence(rule, port_note));
    hit.evidence.extend(source_evidence(&opening.sources));
    hit
}

/// `22 (SSH) and 23 (Telnet)`.
pub fn describe_ports(ports: &[u32], name: fn(u32) -> &'static str) -> String {
    let texts: Vec<String> = ports.iter().map(|p| format!("{p} ({})", name(*p))).collect();
    match texts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The finding of a rule that looks for certain TCP ports opened to the
/// world: one hit per ingress rule that opens (or may open) any of them.
/// `family` names the ports in messages (`remote administration`).
pub fn port_hits(
    resource: &Resource,
    rules: &[IngressRule],
    wanted: &[u32],
    name: fn(u32) -> &'static str,
    family: &str,
    severity: Severity,
    hits: &mut Vec<Hit>,
) {
    for rule in rules {
        let (sources_truth, sources) = world_sources(rule);
        if sources_truth == Truth::No {
            continue;
        }
        let (ports_truth, ports) = tcp_ports_opened(rule, wanted);
        let truth = ports_truth.and(sources_truth);
        if truth == Truth::No {
            continue;
        }
        let mut what = describe_rule(rule);
        let numbers = ports.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        let every_port = protocol(rule) == Protocol::All || span(rule) == Span::All;
        let detail = match span(rule) {
            _ if every_port => format!(", which includes every {family} port"),
            Span::Range(from, to) if from == to && ports == [from] => {
                what = format!("{what} ({})", name(from));
                String::new()
            }
            Span::Range(..) => format!(", which includes {}", describe_ports(&ports, name)),
            _ => String::new(),
        };
        let port_note = match (protocol(rule), span(rule)) {
            (Protocol::All, _) => format!(
                "protocol {} opens every port, including {numbers}",
                rule.protocol.known().map_or("-1", String::as_str)
            ),
            (_, Span::Unresolved) => "the port range could not be resolved".to_string(),
            (_, Span::All) => format!("no port range: every port, including {numbers}"),
            (_, Span::Range(from, to)) if from == to => format!("port {from} ({})", name(from)),
            (_, Span::Range(from, to)) => format!("ports {from}-{to} include {}", describe_ports(&ports, name)),
        };
        let opening = Opening { rule, truth, sources_truth, sources };
        hits.push(ingress_hit(resource, &opening, severity, Verdict::Exposed, &what, &detail, port_note));
    }
}

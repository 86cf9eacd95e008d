//! Compute Engine rules (VPC firewall rules, images) and the logic the two
//! firewall rules share: which TCP ports an allow entry opens, and whether
//! the rule's sources are the whole internet.

pub mod firewall_open_admin_port;
pub mod firewall_open_database_port;
pub mod image_public;

use crate::model::{Attr, Firewall, FirewallAllow, Origin, Provenance, Resource, Truth};
use crate::net;
use crate::report::{Severity, Verdict};
use crate::rules::Hit;

pub const FIREWALL_TYPES: &[&str] = &["compute.googleapis.com/Firewall"];

/// The ports of `wanted` that one allow entry opens over TCP: `Yes` with
/// them, `Unknown` with those it may open, `No` with none; and the values
/// to blame.
fn ports_opened<'a>(allow: &'a FirewallAllow, wanted: &[u32]) -> (Truth, Vec<u32>, Vec<&'a Attr<String>>) {
    let protocol = match allow.protocol.known() {
        Some(p) if p.eq_ignore_ascii_case("all") => return (Truth::Yes, wanted.to_vec(), vec![&allow.protocol]),
        Some(p) if p.eq_ignore_ascii_case("tcp") || p == "6" => Truth::Yes,
        Some(_) => return (Truth::No, Vec::new(), Vec::new()),
        None => Truth::Unknown,
    };
    if allow.ports.is_empty() {
        return (protocol, wanted.to_vec(), vec![&allow.protocol]);
    }
    let mut opened: Vec<u32> = Vec::new();
    let mut maybe: Vec<u32> = Vec::new();
    let mut blamed = Vec::new();
    let mut blamed_maybe = Vec::new();
    for port in &allow.ports {
        match port.known().map(|text| parse_ports(text)) {
            Some(Some((from, to))) => {
                let inside: Vec<u32> = wanted.iter().copied().filter(|p| (from..=to).contains(p)).collect();
                if !inside.is_empty() {
                    opened.extend(inside);
                    blamed.push(port);
                }
            }
            // Unresolved, or not a port or range Keyhole can read.
            _ => {
                maybe.extend_from_slice(wanted);
                blamed_maybe.push(port);
            }
        }
    }
    opened.sort_unstable();
    opened.dedup();
    if !opened.is_empty() {
        if protocol == Truth::Unknown {
            blamed.insert(0, &allow.protocol);
        }
        return (protocol, opened, blamed);
    }
    if !maybe.is_empty() {
        maybe.sort_unstable();
        maybe.dedup();
        return (Truth::Unknown, maybe, blamed_maybe);
    }
    (Truth::No, Vec::new(), Vec::new())
}

/// `22` or `20-25`.
fn parse_ports(text: &str) -> Option<(u32, u32)> {
    let text = text.trim();
    match text.split_once('-') {
        Some((from, to)) => Some((from.trim().parse().ok()?, to.trim().parse().ok()?)),
        None => {
            let port = text.parse().ok()?;
            Some((port, port))
        }
    }
}

/// The firewall's sources that are the whole internet, or may be.
fn world_sources(firewall: &Firewall) -> (Truth, Vec<&Attr<String>>) {
    let ranges = &firewall.source_ranges;
    let world: Vec<&Attr<String>> = ranges.iter().filter(|s| s.known().is_some_and(|c| net::is_world(c))).collect();
    if !world.is_empty() {
        return (Truth::Yes, world);
    }
    let known: Vec<&Attr<String>> = ranges.iter().filter(|s| s.known().is_some()).collect();
    let texts: Vec<&str> = known.iter().filter_map(|s| s.known().map(String::as_str)).collect();
    if net::covers_internet(&texts) {
        return (Truth::Yes, known);
    }
    let unresolved: Vec<&Attr<String>> = ranges.iter().filter(|s| s.known().is_none()).collect();
    if unresolved.is_empty() {
        (Truth::No, Vec::new())
    } else {
        (Truth::Unknown, unresolved)
    }
}

/// `tcp:22`, `tcp:20-25,3389`, `every TCP port`, `all protocols`.
fn describe_allow(allow: &FirewallAllow) -> String {
    let protocol = allow.protocol.known().map(|p| p.to_ascii_lowercase());
    match protocol.as_deref() {
        Some("all") => "all protocols and ports".to_string(),
        None if allow.ports.is_empty() => "every port of an unresolved protocol".to_string(),
        Some(p) if allow.ports.is_empty() => format!("every {} port", p.to_ascii_uppercase()),
        _ => {
            let ports: Vec<String> =
                allow.ports.iter().map(|p| p.known().cloned().unwrap_or_else(|| "?".to_string())).collect();
            format!("{}:{}", protocol.as_deref().unwrap_or("?"), ports.join(","))
        }
    }
}

fn describe_sources(sources: &[&Attr<String>]) -> String {
    let texts: Vec<String> = sources
        .iter()
        .map(|s| match (s.known(), s.provenance) {
            (Some(cidr), Provenance::Defaulted) => format!("{cidr} (no source given)"),
            (Some(cidr), _) => cidr.clone(),
            (None, _) => "an unresolved range".to_string(),
        })
        .collect();
    match texts.as_slice() {
        [] => "the internet".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `22 (SSH) and 3389 (RDP)`.
fn describe_ports(ports: &[u32], name: fn(u32) -> &'static str) -> String {
    let texts: Vec<String> = ports.iter().map(|p| format!("{p} ({})", name(*p))).collect();
    match texts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// One allow entry that opens some of the wanted ports.
struct Opening<'a> {
    allow: &'a FirewallAllow,
    truth: Truth,
    ports: Vec<u32>,
    blamed: Vec<&'a Attr<String>>,
}

/// The finding of a rule looking for TCP ports opened to the internet by an
/// enabled INGRESS allow rule: one hit per firewall rule, naming every
/// allow entry that opens (or may open) a wanted port.
pub fn firewall_hit(
    resource: &Resource,
    firewall: &Firewall,
    wanted: &[u32],
    name: fn(u32) -> &'static str,
    severity: Severity,
) -> Option<Hit> {
    let mut reasons: Vec<&str> = Vec::new();
    let mut evidence: Vec<(Origin, String)> = Vec::new();
    // The API's default direction is INGRESS, and a rule is enabled unless it says otherwise.
    let ingress = match firewall.direction.as_ref() {
        None => Truth::Yes,
        Some(direction) => match direction.known() {
            Some(d) if d.eq_ignore_ascii_case("INGRESS") => Truth::Yes,
            Some(_) => Truth::No,
            None => {
                reasons.push("the direction could not be resolved");
                evidence.push((direction.at.clone(), "direction could not be resolved".into()));
                Truth::Unknown
            }
        },
    };
    let enabled = match firewall.disabled.as_ref() {
        None => Truth::Yes,
        Some(disabled) => {
            if disabled.known().is_none() {
                reasons.push("whether the rule is disabled could not be resolved");
                evidence.push((disabled.at.clone(), "disabled flag could not be resolved".into()));
            }
            !disabled.truth()
        }
    };
    let (sources_truth, sources) = world_sources(firewall);
    if sources_truth == Truth::Unknown {
        reasons.push("a source range could not be resolved");
    }
    let openings: Vec<Opening> = firewall
        .allowed
        .iter()
        .filter_map(|allow| {
            let (truth, ports, blamed) = ports_opened(allow, wanted);
            (truth != Truth::No).then_some(Opening { allow, truth, ports, blamed })
        })
        .collect();
    let ports_truth = openings.iter().fold(Truth::No, |acc, o| acc.or(o.truth));
    if ports_truth == Truth::Unknown {
        reasons.push("a protocol or port could not be resolved");
    }
    let truth = ingress.and(enabled).and(sources_truth).and(ports_truth);
    if truth == Truth::No {
        return None;
    }
    let sure: Vec<&Opening> = openings.iter().filter(|o| o.truth == Truth::Yes).collect();
    let shown: Vec<&Opening> = if sure.is_empty() { openings.iter().collect() } else { sure };
    let what: Vec<String> = shown.iter().map(|o| describe_allow(o.allow)).collect();
    let mut ports: Vec<u32> = shown.iter().flat_map(|o| o.ports.iter().copied()).collect();
    ports.sort_unstable();
    ports.dedup();
    let from = describe_sources(&sources);
    let ports = describe_ports(&ports, name);
    let what = what.join(" and ");
    let mut hit = if truth == Truth::Yes {
        Hit::new(
            severity,
            Verdict::Exposed,
            format!("firewall rule {} opens {ports} to {from} ({what})", resource.name),
        )
    } else {
        let reason = reasons.first().copied().unwrap_or("a setting could not be resolved");
        Hit::unknown(severity, format!("firewall rule {} may open {ports} to {from} ({what}); {reason}", resource.name))
            .note(format!(
                "Keyhole could not decide this firewall rule because {reason}; it is reported one step lower rather than taken as safe."
            ))
    };
    for opening in &shown {
        for value in &opening.blamed {
            let note = match value.known() {
                Some(text) if std::ptr::eq(*value, &opening.allow.protocol) && text.eq_ignore_ascii_case("all") => {
                    format!("protocol all opens every port, including {}", describe_ports(&opening.ports, name))
                }
                Some(text) if std::ptr::eq(*value, &opening.allow.protocol) => {
                    format!(
                        "protocol {text} with no port list: every port, including {}",
                        describe_ports(&opening.ports, name)
                    )
                }
                Some(text) => format!("port {text} includes {}", describe_ports(&opening.ports, name)),
                None => "protocol or port could not be resolved".to_string(),
            };
            hit = hit.evidence(&value.at, note);
        }
    }
    for source in &sources {
        let note = match (source.known(), source.provenance) {
            (Some(cidr), Provenance::Defaulted) => format!("no source given: {cidr}, the whole internet, by default"),
            (Some(cidr), _) if net::is_world(cidr) => format!("source {cidr} is the whole internet"),
            (Some(cidr), _) => format!("source {cidr}: with the rule's other ranges it covers the whole internet"),
            (None, _) => "source range could not be resolved".to_string(),
        };
        hit = hit.evidence(&source.at, note);
    }
    hit.evidence.extend(evidence);
    Some(hit)
}

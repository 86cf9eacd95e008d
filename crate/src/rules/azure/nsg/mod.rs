//! Network security group rules: which inbound Allow rules open which TCP
//! ports to the internet.

pub mod open_admin_port;
pub mod open_database_port;

use crate::model::{Attr, NsgRule, Resource, Truth};
use crate::net;
use crate::report::{Severity, Verdict};
use crate::rules::azure::is_one_of;
use crate::rules::Hit;
use crate::sources::azure::NSG;

pub const TYPES: &[&str] = &[NSG];

/// Source address prefixes that mean "anywhere": the wildcard and the
/// service tags for the internet.
const WORLD_TAGS: &[&str] = &["*", "Internet", "Any", "0.0.0.0/0", "::/0"];

/// Whether the rule's sources let the whole internet in, and which to blame.
fn world_sources(rule: &NsgRule) -> (Truth, Vec<&Attr<String>>) {
    let world: Vec<&Attr<String>> = rule
        .sources
        .iter()
        .filter(|s| {
            s.known().is_some_and(|p| WORLD_TAGS.iter().any(|t| t.eq_ignore_ascii_case(p.trim())) || net::is_world(p))
        })
        .collect();
    if !world.is_empty() {
        return (Truth::Yes, world);
    }
    let known: Vec<&Attr<String>> = rule.sources.iter().filter(|s| s.known().is_some()).collect();
    let ranges: Vec<&str> = known.iter().filter_map(|s| s.known().map(String::as_str)).collect();
    if net::covers_internet(&ranges) {
        return (Truth::Yes, known);
    }
    // Not read: unresolved values, and text that is neither an address nor a service tag name.
    let unresolved: Vec<&Attr<String>> = rule
        .sources
        .iter()
        .filter(|s| s.known().map(|p| p.trim()).is_none_or(|p| net::parse_cidr(p).is_none() && !is_service_tag_name(p)))
        .collect();
    if unresolved.is_empty() {
        (Truth::No, Vec::new())
    } else {
        (Truth::Unknown, unresolved)
    }
}

/// Whether `text` has the shape of an Azure service tag (`VirtualNetwork`,
/// `Storage.WestEurope`, `AzureCloud.eastus`): a letter, then letters and
/// digits, at least three, with an optional `.Region`. Tags other than
/// `Internet` stand for Azure's own address sets, not the internet; text of
/// any other shape cannot be read, and makes the rule's verdict unknown.
fn is_service_tag_name(text: &str) -> bool {
    let (base, region) = match text.split_once('.') {
        Some((base, region)) => (base, Some(region)),
        None => (text, None),
    };
    let word = |w: &str| {
        w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && w.chars().all(|c| c.is_ascii_alphanumeric())
    };
    base.len() >= 3 && word(base) && region.is_none_or(word)
}

/// A destination port range: `22`, `1000-2000` or `*`.
fn port_span(text: &str) -> Option<(u32, u32)> {
    let text = text.trim();
    if text == "*" || text.eq_ignore_ascii_case("any") {
        return Some((0, 65535));
    }
    match text.split_once('-') {
        Some((from, to)) => Some((from.trim().parse().ok()?, to.trim().parse().ok()?)),
        None => text.parse().ok().map(|p| (p, p)),
    }
}

/// Which of `wanted` the rule's destination ports include, and the port
/// attributes to blame.
fn ports_opened<'r>(rule: &'r NsgRule, wanted: &[u32]) -> (Truth, Vec<u32>, Vec<&'r Attr<String>>) {
    let mut found: Vec<u32> = Vec::new();
    let mut blamed = Vec::new();
    let mut unknown = Vec::new();
    for attr in &rule.ports {
        match attr.known().map(|t| port_span(t)) {
            Some(Some((from, to))) => {
                let inside: Vec<u32> = wanted.iter().copied().filter(|p| (from..=to).contains(p)).collect();
                if !inside.is_empty() {
                    found.extend(inside);
                    blamed.push(attr);
                }
            }
            // A port text Keyhole cannot read, or an unresolved value.
            _ => unknown.push(attr),
        }
    }
    found.sort_unstable();
    found.dedup();
    if !found.is_empty() {
        (Truth::Yes, found, blamed)
    } else if !unknown.is_empty() || rule.ports.is_empty() {
        (Truth::Unknown, wanted.to_vec(), unknown)
    } else {
        (Truth::No, Vec::new(), Vec::new())
    }
}

/// Whether the protocol carries TCP: `Tcp` or `*`.
fn carries_tcp(rule: &NsgRule) -> Truth {
    is_one_of(&rule.protocol, &["Tcp", "*", "Any"])
}

fn describe_ports(ports: &[u32], name: fn(u32) -> &'static str) -> String {
    let texts: Vec<String> = ports.iter().map(|p| format!("{p} ({})", name(*p))).collect();
    match texts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn value_or(attr: &Attr<String>, fallback: &str) -> String {
    attr.known().cloned().unwrap_or_else(|| fallback.to_string())
}

/// One finding per inbound Allow rule that opens any of `wanted` over TCP
/// to the internet, or may.
pub fn port_hits(
    resource: &Resource,
    wanted: &[u32],
    name: fn(u32) -> &'static str,
    family: &str,
    severity: Severity,
    hits: &mut Vec<Hit>,
) {
    let crate::model::Kind::NetworkSecurityGroup(group) = &resource.kind else { return };
    for rule in &group.rules {
        let inbound = is_one_of(&rule.direction, &["Inbound"]);
        let allow = is_one_of(&rule.access, &["Allow"]);
        let tcp = carries_tcp(rule);
        let (sources_truth, sources) = world_sources(rule);
        let (ports_truth, ports, port_attrs) = ports_opened(rule, wanted);
        let truth = inbound.and(allow).and(tcp).and(sources_truth).and(ports_truth);
        if truth == Truth::No {
            continue;
        }
        let from = match sources.as_slice() {
            [] => "the internet".to_string(),
            list => list.iter().map(|s| value_or(s, "an unresolved source")).collect::<Vec<_>>().join(", "),
        };
        // "every database port" reads better than nineteen port numbers.
        let every = ports.len() > 2 && ports == wanted;
        let port_text = describe_ports(&ports, name);
        let what = if every {
            format!("every {family} port")
        } else {
            format!("{family} {} {port_text}", if ports.len() == 1 { "port" } else { "ports" })
        };
        let mut hit = if truth == Truth::Yes {
            Hit::new(
                severity,
                Verdict::Exposed,
                format!("network security group {} rule {} allows {what} from {from}", resource.name, rule.name),
            )
        } else {
            let reason = [
                (inbound, "the direction"),
                (allow, "the access"),
                (tcp, "the protocol"),
                (sources_truth, "a source prefix"),
                (ports_truth, "the destination port range"),
            ]
            .iter()
            .filter(|(t, _)| *t == Truth::Unknown)
            .map(|(_, what)| *what)
            .collect::<Vec<_>>()
            .join(", ");
            let reason = format!("{reason} could not be resolved");
            Hit::unknown(
                severity,
                format!("network security group {} rule {} may allow {what} from {from}; {reason}", resource.name, rule.name),
            )
            .note(format!(
                "Keyhole could not decide this rule because {reason}; it is reported, one step lower, rather than taken as safe."
            ))
        };
        for (attr, truth, what) in [
            (&rule.direction, inbound, "direction"),
            (&rule.access, allow, "access"),
            (&rule.protocol, tcp, "protocol"),
        ] {
            if truth == Truth::Unknown {
                hit.evidence.push((attr.at.clone(), format!("{what} could not be resolved")));
            }
        }
        for attr in port_attrs {
            let note = match attr.known() {
                Some(text) if every => format!("destination ports {text} include every {family} port"),
                Some(text) => format!("destination ports {text} include {port_text}"),
                None => "destination port range could not be resolved".to_string(),
            };
            hit.evidence.push((attr.at.clone(), note));
        }
        if port_attrs_empty(&hit) {
            hit.evidence.push((rule.at.clone(), "the rule names no destination port range".to_string()));
        }
        for source in sources {
            let note = match source.known() {
                Some(prefix)
                    if WORLD_TAGS.iter().any(|t| t.eq_ignore_ascii_case(prefix.trim())) || net::is_world(prefix) =>
                {
                    format!("source {prefix} is the whole internet")
                }
                Some(prefix) => format!("source {prefix}: with the rule's other prefixes it covers the whole internet"),
                None => "source prefix could not be resolved".to_string(),
            };
            hit.evidence.push((source.at.clone(), note));
        }
        hits.push(hit);
    }
}

fn port_attrs_empty(hit: &Hit) -> bool {
    !hit.evidence.iter().any(|(_, note)| note.contains("destination port"))
}

#[cfg(test)]
mod tests {
    use super::{is_service_tag_name, port_span};

    #[test]
    fn service_tag_names() {
        for tag in ["VirtualNetwork", "AzureLoadBalancer", "Storage.WestEurope", "AzureCloud.eastus", "Sql"] {
            assert!(is_service_tag_name(tag), "{tag}");
        }
        for text in ["x", "", "10.0.0.0/33x", "Storage.", "Az ure", "1Storage", "<script>"] {
            assert!(!is_service_tag_name(text), "{text}");
        }
    }

    #[test]
    fn port_ranges() {
        assert_eq!(port_span("22"), Some((22, 22)));
        assert_eq!(port_span("3000-3389"), Some((3000, 3389)));
        assert_eq!(port_span("*"), Some((0, 65535)));
        assert_eq!(port_span("ssh"), None);
    }
}

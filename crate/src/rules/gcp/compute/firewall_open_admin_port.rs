use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{firewall_hit, FIREWALL_TYPES};

pub struct FirewallOpenAdminPort;

/// Remote administration ports, as the catalogue lists them for GCP.
pub const ADMIN_PORTS: &[u32] = &[22, 3389];

pub fn admin_port_name(port: u32) -> &'static str {
    match port {
        22 => "SSH",
        3389 => "RDP",
        _ => "remote administration",
    }
}

pub static META: RuleMeta = RuleMeta {
    id: "gcp-compute-firewall-open-admin-port",
    title: "VPC firewall rule opens SSH or RDP to the internet",
    provider: Provider::Gcp,
    service: "compute",
    resource_types: FIREWALL_TYPES,
    severity: Severity::High,
    verdict: Verdict::Exposed,
    what: "Flags an enabled INGRESS firewall rule that allows TCP port 22 (SSH) or 3389 (RDP) from the whole internet: a source range of `0.0.0.0/0` or `::/0`, ranges that together cover the whole IPv4 or IPv6 space, or no source at all (which means `0.0.0.0/0`). Port ranges that contain these ports count (`20-25`), and so do protocol `all` and a `tcp` entry with no port list. Disabled rules, EGRESS rules and rules whose sources are only network tags or service accounts are not flagged.\n\nThe rule does not weigh higher-priority deny rules, which are rare in practice. When the direction, the disabled flag, a protocol, a port or a source cannot be resolved and the rule could be open, the finding is unknown and one step lower (medium).",
    why: "SSH and RDP open to the internet are scanned within minutes, then attacked with password guessing and exploits. Google Cloud's own `default-allow-ssh` and `default-allow-rdp` rules of the default network do exactly this. Identity-Aware Proxy TCP forwarding gives the same access from the range `35.235.240.0/20` only, after a Google sign-in.",
    fix: Fix {
        console: "VPC network → Firewall → the rule → Edit: replace the source range `0.0.0.0/0` with your office or VPN range, or with `35.235.240.0/20` to use Identity-Aware Proxy TCP forwarding → Save. Or delete the rule (and `default-allow-ssh` / `default-allow-rdp`).",
        cli: "gcloud compute firewall-rules update RULE --source-ranges=35.235.240.0/20\n# or\ngcloud compute firewall-rules delete default-allow-ssh default-allow-rdp",
        terraform: "resource \"google_compute_firewall\" \"ssh_via_iap\" {\n  name          = \"allow-ssh-from-iap\"\n  network       = google_compute_network.vpc.name\n  direction     = \"INGRESS\"\n  source_ranges = [\"35.235.240.0/20\"] # Identity-Aware Proxy; never 0.0.0.0/0\n  allow {\n    protocol = \"tcp\"\n    ports    = [\"22\", \"3389\"]\n  }\n}",
    },
    remediation: "Limit SSH and RDP to known ranges or to Identity-Aware Proxy (35.235.240.0/20); never 0.0.0.0/0.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_GCP_2", same: false },
        Equivalent { tool: "Checkov", id: "CKV_GCP_3", same: false },
        Equivalent { tool: "Prowler", id: "compute_firewall_ssh_access_from_the_internet_allowed", same: false },
        Equivalent { tool: "Prowler", id: "compute_firewall_rdp_access_from_the_internet_allowed", same: false },
        Equivalent { tool: "CIS GCP", id: "3.6", same: false },
        Equivalent { tool: "CIS GCP", id: "3.7", same: false },
    ],
    references: &[
        "https://cloud.google.com/firewall/docs/firewalls",
        "https://cloud.google.com/iap/docs/using-tcp-forwarding",
    ],
};

impl Rule for FirewallOpenAdminPort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::Firewall(firewall) = &resource.kind else { return };
        hits.extend(firewall_hit(resource, firewall, ADMIN_PORTS, admin_port_name, Severity::High));
    }
}

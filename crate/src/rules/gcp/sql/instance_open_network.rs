use crate::model::{Attr, Kind, Provider, Resource, Truth};
use crate::net;
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{describe_networks, TYPES};

pub struct InstanceOpenNetwork;

pub static META: RuleMeta = RuleMeta {
    id: "gcp-sql-instance-open-network",
    title: "Cloud SQL instance accepts connections from the whole internet",
    provider: Provider::Gcp,
    service: "sql",
    resource_types: TYPES,
    severity: Severity::Critical,
    verdict: Verdict::Exposed,
    what: "Flags a Cloud SQL instance with a public IP (`settings.ipConfiguration.ipv4Enabled` true) whose authorized networks include `0.0.0.0/0`, or ranges that together cover the whole IPv4 space (`0.0.0.0/1` plus `128.0.0.0/1`). When the public IP setting or a range cannot be resolved, or the export does not say whether the instance has a public IP, the finding is unknown and one step lower (high).",
    why: "Authorized networks are the only network filter in front of an instance's public IP. With `0.0.0.0/0` the database port (3306, 5432 or 1433) answers every address on the internet, and the instance is one weak or leaked password away from a breach; scanners find such instances within hours.",
    fix: Fix {
        console: "SQL → the instance → Connections → Networking → Authorized networks: delete the `0.0.0.0/0` entry and add only your office or VPN ranges, or turn off Public IP and connect over Private IP or the Cloud SQL Auth Proxy → Save.",
        cli: "gcloud sql instances patch INSTANCE --authorized-networks=203.0.113.0/24\n# or, with private IP configured:\ngcloud sql instances patch INSTANCE --no-assign-ip",
        terraform: "resource \"google_sql_database_instance\" \"this\" {\n  name             = \"dealer-crm\"\n  database_version = \"POSTGRES_15\"\n  region           = \"europe-west1\"\n  settings {\n    tier = \"db-custom-1-3840\"\n    ip_configuration {\n      ipv4_enabled    = false\n      private_network = google_compute_network.vpc.id\n      # if a public IP is needed: authorized_networks { value = \"203.0.113.0/24\" }, never 0.0.0.0/0\n    }\n  }\n}",
    },
    remediation: "Remove 0.0.0.0/0 from the instance's authorized networks; use private IP or the Cloud SQL Auth Proxy.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_GCP_11", same: true },
        Equivalent { tool: "Prowler", id: "cloudsql_instance_public_access", same: true },
        Equivalent { tool: "CIS GCP", id: "6.5", same: true },
    ],
    references: &[
        "https://cloud.google.com/sql/docs/mysql/configure-ip",
        "https://cloud.google.com/sql/docs/mysql/authorize-networks",
    ],
};

/// The authorized networks that open the instance to the world, or may.
fn world_networks(networks: &[Attr<String>]) -> (Truth, Vec<&Attr<String>>) {
    let world: Vec<&Attr<String>> = networks.iter().filter(|n| n.known().is_some_and(|c| net::is_world(c))).collect();
    if !world.is_empty() {
        return (Truth::Yes, world);
    }
    let known: Vec<&Attr<String>> = networks.iter().filter(|n| n.known().is_some()).collect();
    let ranges: Vec<&str> = known.iter().filter_map(|n| n.known().map(String::as_str)).collect();
    if net::covers_internet(&ranges) {
        return (Truth::Yes, known);
    }
    let unresolved: Vec<&Attr<String>> = networks.iter().filter(|n| n.known().is_none()).collect();
    if unresolved.is_empty() {
        (Truth::No, Vec::new())
    } else {
        (Truth::Unknown, unresolved)
    }
}

impl Rule for InstanceOpenNetwork {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::SqlInstance(sql) = &resource.kind else { return };
        let (networks_truth, networks) = world_networks(&sql.authorized_networks);
        if networks_truth == Truth::No {
            return;
        }
        let public_ip = sql.ipv4_enabled.as_ref().map_or(Truth::Unknown, |a| a.truth());
        let truth = networks_truth.and(public_ip);
        if truth == Truth::No {
            return;
        }
        let from = describe_networks(&networks);
        let mut hit = if truth == Truth::Yes {
            Hit::new(
                Severity::Critical,
                Verdict::Exposed,
                format!("Cloud SQL instance {} accepts connections from {from} on its public IP", resource.name),
            )
        } else {
            let reason = match (networks_truth, &sql.ipv4_enabled) {
                (Truth::Unknown, _) => "an authorized network could not be resolved",
                (_, None) => "the export does not say whether the instance has a public IP",
                _ => "whether the instance has a public IP could not be resolved",
            };
            Hit::unknown(
                Severity::Critical,
                format!("Cloud SQL instance {} may accept connections from {from}; {reason}", resource.name),
            )
            .note(format!("Keyhole could not decide this because {reason}; it is reported one step lower rather than taken as safe."))
        };
        for network in &networks {
            let note = match network.known() {
                Some(cidr) if net::is_world(cidr) => format!("authorized network {cidr} is the whole internet"),
                Some(cidr) => format!("authorized network {cidr}: with the others it covers the whole internet"),
                None => "authorized network could not be resolved".to_string(),
            };
            hit = hit.evidence(&network.at, note);
        }
        if let Some(ipv4) = &sql.ipv4_enabled {
            let note = match ipv4.known() {
                Some(_) => "public IP (ipv4Enabled) on",
                None => "public IP setting could not be resolved",
            };
            hit = hit.evidence(&ipv4.at, note);
        }
        hits.push(hit);
    }
}

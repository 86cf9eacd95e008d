use crate::model::{Kind, Provenance, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::TYPES;

pub struct InstancePublicIp;

pub static META: RuleMeta = RuleMeta {
    id: "gcp-sql-instance-public-ip",
    title: "Cloud SQL instance has a public IP address",
    provider: Provider::Gcp,
    service: "sql",
    resource_types: TYPES,
    severity: Severity::Low,
    verdict: Verdict::Exposed,
    what: "Flags a Cloud SQL instance with a public IPv4 address (`settings.ipConfiguration.ipv4Enabled` true, or a `PRIMARY` address in `ipAddresses`). Whether that address lets anyone in is the question of `gcp-sql-instance-open-network`; this rule only says the door exists. When the setting cannot be resolved, the finding is unknown and one step lower (info).",
    why: "A public IP puts the database on the internet: without authorized networks only the Cloud SQL Auth Proxy and connectors can reach it, but one added range (often `0.0.0.0/0` \"for a test\") opens it to everyone. Private IP keeps the database reachable only from your VPC.",
    fix: Fix {
        console: "SQL → the instance → Connections → Networking: tick Private IP and choose the VPC, then untick Public IP → Save. Point applications at the private address or use the Cloud SQL Auth Proxy.",
        cli: "gcloud sql instances patch INSTANCE --network=projects/PROJECT/global/networks/VPC --no-assign-ip",
        terraform: "resource \"google_sql_database_instance\" \"this\" {\n  name             = \"dealer-crm\"\n  database_version = \"POSTGRES_15\"\n  region           = \"europe-west1\"\n  settings {\n    tier = \"db-custom-1-3840\"\n    ip_configuration {\n      ipv4_enabled    = false\n      private_network = google_compute_network.vpc.id\n    }\n  }\n}",
    },
    remediation: "Turn off the public IP and connect over private IP or the Cloud SQL Auth Proxy.",
    equivalents: &[
        Equivalent { tool: "Prowler", id: "cloudsql_instance_public_ip", same: true },
        Equivalent { tool: "CIS GCP", id: "6.6", same: true },
    ],
    references: &["https://cloud.google.com/sql/docs/mysql/configure-private-ip"],
};

impl Rule for InstancePublicIp {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::SqlInstance(sql) = &resource.kind else { return };
        let Some(ipv4) = &sql.ipv4_enabled else { return };
        match ipv4.known() {
            Some(false) => {}
            Some(true) => {
                let mut hit = Hit::new(
                    Severity::Low,
                    Verdict::Exposed,
                    format!("Cloud SQL instance {} has a public IP address", resource.name),
                )
                .evidence(&ipv4.at, "public IP (ipv4Enabled) on");
                if ipv4.provenance == Provenance::Defaulted {
                    hit = hit.note(
                        "The configuration does not turn the public IP off, and Cloud SQL assigns one by default.",
                    );
                }
                if sql.authorized_networks.is_empty() {
                    hit = hit.note("No authorized networks are set, so only the Cloud SQL Auth Proxy and Cloud SQL connectors can connect through this address today.");
                }
                hits.push(hit);
            }
            None => hits.push(
                Hit::unknown(
                    Severity::Low,
                    format!("whether Cloud SQL instance {} has a public IP could not be resolved", resource.name),
                )
                .evidence(&ipv4.at, "unresolved public IP setting"),
            ),
        }
    }
}

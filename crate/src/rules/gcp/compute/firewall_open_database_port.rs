use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::aws::ec2::security_group_open_database_port::{database_port_name, DATABASE_PORTS};
use crate::rules::{Context, Fix, Hit, Rule, RuleMeta};

use super::{firewall_hit, FIREWALL_TYPES};

pub struct FirewallOpenDatabasePort;

pub static META: RuleMeta = RuleMeta {
    id: "gcp-compute-firewall-open-database-port",
    title: "VPC firewall rule opens a database port to the internet",
    provider: Provider::Gcp,
    service: "compute",
    resource_types: FIREWALL_TYPES,
    severity: Severity::Critical,
    verdict: Verdict::Exposed,
    what: "Flags an enabled INGRESS firewall rule that allows a database or data-service port over TCP from the whole internet (`0.0.0.0/0`, `::/0`, ranges covering either space, or no source at all): 389/636 LDAP directory (beyond the catalogue's list: a directory holds staff and customer names, e-mails and phone numbers), 1433 SQL Server, 1521 Oracle, 2375/2376 Docker API, 3306 MySQL, 5432 PostgreSQL, 5601 Kibana, 5984 CouchDB, 6379 Redis, 7000/7001 and 9042 Cassandra, 8020 and 50070 HDFS, 9200/9300 Elasticsearch, 11211 Memcached, 27017/27018 MongoDB (the same list as `aws-ec2-security-group-open-database-port`). Port ranges that contain one of them count, and so do protocol `all` and a `tcp` entry with no port list.\n\nThis rule and `gcp-compute-firewall-open-admin-port` are independent: a rule that allows everything is reported by both. When a setting cannot be resolved and the rule could be open, the finding is unknown and one step lower (high).",
    why: "Databases and caches on Compute Engine VMs or GKE nodes reachable from the internet are found by scanners within hours. Redis, Memcached, Elasticsearch, MongoDB and the Docker API have historically run without authentication by default, and unauthenticated Elasticsearch and MongoDB servers account for a large share of public data leaks.",
    fix: Fix {
        console: "VPC network → Firewall → the rule → Edit: set the source to the network tag or service account of the application servers, or to a private range, instead of `0.0.0.0/0` → Save.",
        cli: "gcloud compute firewall-rules update RULE --source-ranges=10.0.0.0/8\n# or, by the application's tag:\ngcloud compute firewall-rules update RULE --source-ranges='' --source-tags=app-server",
        terraform: "resource \"google_compute_firewall\" \"postgres\" {\n  name        = \"allow-postgres-from-app\"\n  network     = google_compute_network.vpc.name\n  direction   = \"INGRESS\"\n  source_tags = [\"app-server\"] # not source_ranges = [\"0.0.0.0/0\"]\n  target_tags = [\"db\"]\n  allow {\n    protocol = \"tcp\"\n    ports    = [\"5432\"]\n  }\n}",
    },
    remediation: "Allow database ports only from the application's tags, service accounts or private ranges, never from 0.0.0.0/0.",
    equivalents: &[],
    references: &["https://cloud.google.com/firewall/docs/firewalls", "https://cloud.google.com/firewall/docs/using-firewalls"],
};

impl Rule for FirewallOpenDatabasePort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::Firewall(firewall) = &resource.kind else { return };
        hits.extend(firewall_hit(resource, firewall, DATABASE_PORTS, database_port_name, Severity::Critical));
    }
}

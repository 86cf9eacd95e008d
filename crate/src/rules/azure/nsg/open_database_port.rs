use crate::model::{Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::aws::ec2::security_group_open_database_port::{database_port_name, DATABASE_PORTS};
use crate::rules::{Context, Fix, Hit, Rule, RuleMeta};

use super::{port_hits, TYPES};

pub struct OpenDatabasePort;

pub static META: RuleMeta = RuleMeta {
    id: "azure-nsg-open-database-port",
    title: "Network security group opens a database port to the internet",
    provider: Provider::Azure,
    service: "nsg",
    resource_types: TYPES,
    severity: Severity::Critical,
    verdict: Verdict::Exposed,
    what: "Flags each inbound Allow rule of a network security group whose source is the internet (`*`, `Internet`, `Any`, `0.0.0.0/0`, `::/0`, or prefixes that together cover the whole space) and whose destination ports, over `Tcp` or `*`, include a database or data-service port, the same list as the AWS rule: 389/636 LDAP directory (beyond the catalogue's list: a directory holds staff and customer names, e-mails and phone numbers), 1433 SQL Server, 1521 Oracle, 2375/2376 Docker API, 3306 MySQL, 5432 PostgreSQL, 5601 Kibana, 5984 CouchDB, 6379 Redis, 7000/7001 and 9042 Cassandra, 8020 and 50070 HDFS, 9200/9300 Elasticsearch, 11211 Memcached, 27017/27018 MongoDB. Ranges and `*` count.\n\nEach rule is judged on its own, without higher-priority Deny rules. When a part of the rule cannot be resolved or read (a value Azure does not accept, the wrong type, a `null` rule list, a source that is neither an address nor a service tag name) and it could be open, the finding is unknown and one step lower (high).",
    why: "Databases and caches reachable from the internet are found by scanners within hours. Several (Redis, Memcached, Elasticsearch, MongoDB, the Docker API) have historically run without authentication by default, and exposed database servers are a leading source of data leaks.",
    fix: Fix {
        console: "Network security groups → the group → Settings → Inbound security rules → the rule → Source: the application subnet or an application security group (never Any or Internet) → Save.",
        cli: "az network nsg rule update --resource-group GROUP --nsg-name NSG --name RULE \\\n  --source-address-prefixes VirtualNetwork",
        terraform: "resource \"azurerm_network_security_rule\" \"postgres\" {\n  name                        = \"postgres-from-app\"\n  priority                    = 110\n  direction                   = \"Inbound\"\n  access                      = \"Allow\"\n  protocol                    = \"Tcp\"\n  source_port_range           = \"*\"\n  destination_port_range      = \"5432\"\n  source_address_prefix       = \"10.0.1.0/24\" # the application subnet\n  destination_address_prefix  = \"*\"\n  resource_group_name         = azurerm_resource_group.this.name\n  network_security_group_name = azurerm_network_security_group.this.name\n}",
    },
    remediation: "Allow database ports only from the application's subnet or application security group, never from the internet.",
    equivalents: &[],
    references: &[
        "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview",
        "https://learn.microsoft.com/azure/virtual-network/service-tags-overview",
    ],
};

impl Rule for OpenDatabasePort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        port_hits(resource, DATABASE_PORTS, database_port_name, "database", Severity::Critical, hits);
    }
}

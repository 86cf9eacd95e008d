use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{port_hits, SECURITY_GROUP_TYPES};

pub struct SecurityGroupOpenDatabasePort;

/// Database and data-service ports from the catalogue, plus LDAP, ascending.
pub const DATABASE_PORTS: &[u32] = &[
    389, 636, 1433, 1521, 2375, 2376, 3306, 5432, 5601, 5984, 6379, 7000, 7001, 8020, 9042, 9200, 9300, 11211, 27017,
    27018, 50070,
];

pub fn database_port_name(port: u32) -> &'static str {
    match port {
        389 => "LDAP",
        636 => "LDAPS",
        1433 => "SQL Server",
        1521 => "Oracle",
        2375 => "Docker API",
        2376 => "Docker API over TLS",
        3306 => "MySQL",
        5432 => "PostgreSQL",
        5601 => "Kibana",
        5984 => "CouchDB",
        6379 => "Redis",
        7000 | 7001 => "Cassandra inter-node",
        8020 => "HDFS NameNode",
        9042 => "Cassandra CQL",
        9200 => "Elasticsearch HTTP",
        9300 => "Elasticsearch transport",
        11211 => "Memcached",
        27017 | 27018 => "MongoDB",
        50070 => "HDFS web UI",
        _ => "data service",
    }
}

pub static META: RuleMeta = RuleMeta {
    id: "aws-ec2-security-group-open-database-port",
    title: "Security group opens a database port to the internet",
    provider: Provider::Aws,
    service: "ec2",
    resource_types: SECURITY_GROUP_TYPES,
    severity: Severity::Critical,
    verdict: Verdict::Exposed,
    what: "Flags each ingress rule of a security group that opens a database or data-service port over TCP to the whole internet (`0.0.0.0/0`, `::/0`, or ranges that together cover either space): 389/636 LDAP directory (beyond the catalogue's list: a directory holds staff and customer names, e-mails and phone numbers), 1433 SQL Server, 1521 Oracle, 2375/2376 Docker API, 3306 MySQL, 5432 PostgreSQL, 5601 Kibana, 5984 CouchDB, 6379 Redis, 7000/7001 and 9042 Cassandra, 8020 and 50070 HDFS, 9200/9300 Elasticsearch, 11211 Memcached, 27017/27018 MongoDB. Port ranges that contain one of them count, and so does protocol `-1`.\n\nThis rule is independent of `aws-ec2-security-group-open-all-ports` and `aws-ec2-security-group-open-admin-port`: an ingress rule that opens everything is reported by all three, so each rule's answer is complete on its own. When the protocol, the port range or a source cannot be resolved and the rule could be open, the finding is unknown and one step lower (high). A managed prefix list (`pl-...`) counts as a source that cannot be resolved: no export or template shows its ranges, and one may hold `0.0.0.0/0`.",
    why: "Databases and caches reachable from the internet are found by scanners within hours. Many (Redis, Memcached, Elasticsearch, MongoDB, CouchDB, the Docker API) have historically run without authentication by default, and unauthenticated Elasticsearch and MongoDB servers are the source of a large share of public data leaks; the rest are attacked with password guessing and known exploits.",
    fix: Fix {
        console: "EC2 → Security Groups → the group → Inbound rules → Edit inbound rules: change the source of the database port from `0.0.0.0/0` (or `::/0`) to the security group of the application that needs it, or to a private range → Save rules.",
        cli: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 \\\n  --ip-permissions 'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=0.0.0.0/0}]'\naws ec2 authorize-security-group-ingress --group-id sg-0123456789abcdef0 \\\n  --ip-permissions 'IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=[{GroupId=sg-0aaaaaaaaaaaaaaaa}]'",
        terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"postgres\" {\n  security_group_id            = aws_security_group.db.id\n  ip_protocol                  = \"tcp\"\n  from_port                    = 5432\n  to_port                      = 5432\n  referenced_security_group_id = aws_security_group.app.id # not 0.0.0.0/0\n}",
    },
    remediation: "Allow the database port only from the application's security group or private ranges, never from 0.0.0.0/0 or ::/0.",
    equivalents: &[
        Equivalent { tool: "Prowler", id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_sql_server_1433_1434", same: false },
        Equivalent { tool: "Prowler", id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_oracle_1521_2483", same: false },
        Equivalent { tool: "Prowler", id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306", same: false },
        Equivalent { tool: "Prowler", id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432", same: false },
        Equivalent { tool: "Prowler", id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379", same: false },
        Equivalent {
            tool: "Prowler",
            id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_cassandra_7199_9160_8888",
            same: false,
        },
        Equivalent {
            tool: "Prowler",
            id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601",
            same: false,
        },
        Equivalent { tool: "Prowler", id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_memcached_11211", same: false },
        Equivalent { tool: "Prowler", id: "ec2_securitygroup_allow_ingress_from_internet_to_port_mongodb_27017_27018", same: false },
    ],
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html",
    ],
};

impl Rule for SecurityGroupOpenDatabasePort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::SecurityGroup(group) = &resource.kind else { return };
        port_hits(resource, &group.ingress, DATABASE_PORTS, database_port_name, "database", Severity::Critical, hits);
    }
}

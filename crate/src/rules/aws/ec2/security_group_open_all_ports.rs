use crate::model::{IngressRule, Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{describe_rule, ingress_hit, protocol, span, world_sources, Opening, Protocol, Span, SECURITY_GROUP_TYPES};

pub struct SecurityGroupOpenAllPorts;

pub static META: RuleMeta = RuleMeta {
    id: "aws-ec2-security-group-open-all-ports",
    title: "Security group opens every port to the internet",
    provider: Provider::Aws,
    service: "ec2",
    resource_types: SECURITY_GROUP_TYPES,
    severity: Severity::Critical,
    verdict: Verdict::Exposed,
    what: "Flags each ingress rule of a security group that lets the whole internet (`0.0.0.0/0`, `::/0`, or ranges that together cover either space) reach every port: protocol `-1` (all traffic), or a TCP or UDP rule whose range is 0-65535 (1-65535 counts too: port 0 cannot be used). ICMP rules are not port rules and are not flagged.\n\nThe same ingress rule is also reported by `aws-ec2-security-group-open-admin-port` and `aws-ec2-security-group-open-database-port`, because it opens those ports too: the three rules are independent, so each one's answer is complete on its own. When the protocol, the port range or a source cannot be resolved and the rule could open everything, the finding is unknown and one step lower (high). A managed prefix list (`pl-...`) counts as a source that cannot be resolved: no export or template shows its ranges, and one may hold `0.0.0.0/0`.",
    why: "Opening every port exposes every service on every instance that uses the group, including ones nobody remembers are listening: administration agents, databases, debug endpoints. A group that allows all traffic from anywhere has, in effect, no firewall.",
    fix: Fix {
        console: "EC2 → Security Groups → the group → Inbound rules → Edit inbound rules: delete the \"All traffic\" (or 0-65535) rule from `0.0.0.0/0` / `::/0` and add one rule per port the service needs, from the ranges that need it → Save rules.",
        cli: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 \\\n  --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'\naws ec2 authorize-security-group-ingress --group-id sg-0123456789abcdef0 \\\n  --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]'",
        terraform: "# Replace the all-traffic rule with the ports the service needs.\nresource \"aws_vpc_security_group_ingress_rule\" \"https\" {\n  security_group_id = aws_security_group.web.id\n  ip_protocol       = \"tcp\"\n  from_port         = 443\n  to_port           = 443\n  cidr_ipv4         = \"0.0.0.0/0\"\n}",
    },
    remediation: "Replace the all-ports rule with rules for the specific ports the service needs.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AWS_277", same: false },
        Equivalent { tool: "Prowler", id: "ec2_securitygroup_allow_ingress_from_internet_to_all_ports", same: false },
    ],
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"],
};

/// Whether the rule opens every port, leaving the sources aside.
fn opens_every_port(rule: &IngressRule) -> Truth {
    let full = match span(rule) {
        Span::All => Truth::Yes,
        Span::Range(from, to) => {
            if from <= 1 && to == 65535 {
                Truth::Yes
            } else {
                Truth::No
            }
        }
        Span::Unresolved => Truth::Unknown,
    };
    match protocol(rule) {
        Protocol::All => Truth::Yes,
        Protocol::Tcp | Protocol::Udp => full,
        Protocol::Other => Truth::No,
        Protocol::Unresolved => full.and(Truth::Unknown),
    }
}

impl Rule for SecurityGroupOpenAllPorts {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::SecurityGroup(group) = &resource.kind else { return };
        for rule in &group.ingress {
            let (sources_truth, sources) = world_sources(rule);
            let truth = opens_every_port(rule).and(sources_truth);
            if truth == Truth::No {
                continue;
            }
            let what = describe_rule(rule);
            let port_note = match (protocol(rule), span(rule)) {
                (Protocol::All, _) => {
                    format!(
                        "protocol {} allows every protocol and port",
                        rule.protocol.known().map_or("-1", String::as_str)
                    )
                }
                (_, Span::Range(from, to)) => format!("ports {from}-{to}: every port"),
                (_, Span::All) => "no port range: every port".to_string(),
                (_, Span::Unresolved) => "the port range could not be resolved".to_string(),
            };
            let opening = Opening { rule, truth, sources_truth, sources };
            hits.push(ingress_hit(resource, &opening, Severity::Critical, Verdict::Exposed, &what, "", port_note));
        }
    }
}

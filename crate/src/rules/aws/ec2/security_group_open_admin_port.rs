use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{port_hits, SECURITY_GROUP_TYPES};

pub struct SecurityGroupOpenAdminPort;

/// Remote administration ports, in the catalogue's order.
pub const ADMIN_PORTS: &[u32] = &[22, 23, 3389, 5985, 5986];

pub fn admin_port_name(port: u32) -> &'static str {
    match port {
        22 => "SSH",
        23 => "Telnet",
        3389 => "RDP",
        5985 => "WinRM over HTTP",
        5986 => "WinRM over HTTPS",
        _ => "remote administration",
    }
}

pub static META: RuleMeta = RuleMeta {
    id: "aws-ec2-security-group-open-admin-port",
    title: "Security group opens a remote administration port to the internet",
    provider: Provider::Aws,
    service: "ec2",
    resource_types: SECURITY_GROUP_TYPES,
    severity: Severity::High,
    verdict: Verdict::Exposed,
    what: "Flags each ingress rule of a security group that opens a remote administration port (22 SSH, 23 Telnet, 3389 RDP, 5985/5986 WinRM) over TCP to the whole internet: a source of `0.0.0.0/0` or `::/0`, or ranges that together cover the whole IPv4 or IPv6 space (`0.0.0.0/1` plus `128.0.0.0/1`). Port ranges that contain one of these ports count (`20-25` opens 22 and 23), and so does protocol `-1`, which opens every port. Protocol `tcp` and `6` are the same. UDP and ICMP rules are not flagged.\n\nThe three security group rules are independent, as in the catalogue: an ingress rule with protocol `-1` from `0.0.0.0/0` is reported here, by `aws-ec2-security-group-open-database-port` and by `aws-ec2-security-group-open-all-ports`, so that each question (\"is SSH open?\", \"is a database port open?\", \"is everything open?\") has a complete answer on its own and suppressing one rule never hides the others' findings.\n\nWhen the protocol, the port range or a source range cannot be resolved and the rule could be open, the finding is unknown and one step lower (medium). A managed prefix list (`pl-...`) counts as a source that cannot be resolved: no export or template shows its ranges, and one may hold `0.0.0.0/0`.",
    why: "Administration ports open to the internet are scanned within minutes of being opened, and then attacked with password guessing and exploits for the service behind them. Telnet sends passwords in clear text. An administration service should be reached through AWS Systems Manager Session Manager, a VPN or a bastion limited to known addresses, never from anywhere.",
    fix: Fix {
        console: "EC2 → Security Groups → the group → Inbound rules → Edit inbound rules: for the rule on the administration port, replace the source `0.0.0.0/0` (or `::/0`) with your office or VPN range, or delete the rule and use Systems Manager Session Manager → Save rules.",
        cli: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 \\\n  --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'\naws ec2 authorize-security-group-ingress --group-id sg-0123456789abcdef0 \\\n  --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=203.0.113.0/24,Description=office}]'",
        terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"ssh\" {\n  security_group_id = aws_security_group.admin.id\n  ip_protocol       = \"tcp\"\n  from_port         = 22\n  to_port           = 22\n  cidr_ipv4         = \"203.0.113.0/24\" # office or VPN, never 0.0.0.0/0\n}",
    },
    remediation: "Limit the administration port to known address ranges, or close it and use Systems Manager Session Manager or a VPN.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AWS_24", same: false },
        Equivalent { tool: "Checkov", id: "CKV_AWS_25", same: false },
        Equivalent { tool: "CIS AWS", id: "5.2", same: false },
        Equivalent { tool: "CIS AWS", id: "5.3", same: false },
    ],
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
    ],
};

impl Rule for SecurityGroupOpenAdminPort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::SecurityGroup(group) = &resource.kind else { return };
        port_hits(
            resource,
            &group.ingress,
            ADMIN_PORTS,
            admin_port_name,
            "remote administration",
            Severity::High,
            hits,
        );
    }
}

use crate::model::IngressRule;
use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::aws::ec2::{
    describe_rule, describe_sources, label, port_evidence, protocol, source_evidence, span, tcp_ports_opened,
    world_sources, Protocol, Span,
};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{default_port, INSTANCE_TYPES};

pub struct InstancePublic;

pub static META: RuleMeta = RuleMeta {
    id: "aws-rds-instance-public",
    title: "RDS DB instance is publicly accessible",
    provider: Provider::Aws,
    service: "rds",
    resource_types: INSTANCE_TYPES,
    severity: Severity::High,
    verdict: Verdict::Exposed,
    what: "Flags a DB instance whose `PubliclyAccessible` is true: its endpoint resolves to a public IP address. The finding is high, and critical when one of the instance's VPC security groups (looked up in the same upload) has an ingress rule that opens the instance's port (its endpoint port, else the engine's default) over TCP to the whole internet; that rule is then part of the evidence. When the security groups are not in the upload, or their rules cannot be resolved, the finding stays high and says so. When `PubliclyAccessible` itself cannot be resolved, the finding is unknown and one step lower (medium).",
    why: "A publicly accessible database is one security group edit away from the internet, and with an open group it is on the internet: scanners find it, then try default and leaked passwords and engine exploits. Databases hold the data an attacker wants most, which is why many exposure incidents start here.",
    fix: Fix {
        console: "RDS → Databases → the instance → Modify → Connectivity → Additional configuration → Public access: \"Not publicly accessible\" → Continue → Apply immediately. Then remove any `0.0.0.0/0` or `::/0` inbound rule from its security groups.",
        cli: "aws rds modify-db-instance --db-instance-identifier mydb \\\n  --no-publicly-accessible --apply-immediately",
        terraform: "resource \"aws_db_instance\" \"this\" {\n  # ...\n  publicly_accessible = false\n}",
    },
    remediation: "Turn off PubliclyAccessible and keep the instance's security groups closed to 0.0.0.0/0 and ::/0.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AWS_17", same: false },
        Equivalent { tool: "Prowler", id: "rds_instance_no_public_access", same: false },
    ],
    references: &[
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html",
    ],
};

/// Whether the ingress rule opens the instance's port over TCP, leaving the
/// sources aside. Without a known port, only a rule that opens every port
/// surely does.
fn opens_port(rule: &IngressRule, port: Option<u32>) -> Truth {
    match port {
        Some(port) => tcp_ports_opened(rule, &[port]).0,
        None => match (protocol(rule), span(rule)) {
            (Protocol::All, _) | (Protocol::Tcp, Span::All) => Truth::Yes,
            (Protocol::Tcp, Span::Range(from, to)) if from <= 1 && to == 65535 => Truth::Yes,
            _ => Truth::No,
        },
    }
}

impl Rule for InstancePublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::RdsInstance(db) = &resource.kind else { return };
        let Some(public) = &db.publicly_accessible else { return };
        match public.known() {
            Some(false) => return,
            None => {
                hits.push(
                    Hit::unknown(
                        Severity::High,
                        format!("whether DB instance {} is publicly accessible could not be resolved", resource.name),
                    )
                    .evidence(&public.at, "unresolved PubliclyAccessible"),
                );
                return;
            }
            Some(true) => {}
        }
        let port = db.port.or_else(|| db.engine.as_deref().and_then(default_port));
        let mut open: Option<Hit> = None;
        let mut notes = Vec::new();
        let mut missing = Vec::new();
        let mut undecided = Vec::new();
        for group_id in &db.security_groups {
            let Some(group) = ctx.security_group(group_id) else {
                missing.push(group_id.clone());
                continue;
            };
            let Kind::SecurityGroup(sg) = &group.kind else { continue };
            for rule in &sg.ingress {
                let (sources_truth, sources) = world_sources(rule);
                match opens_port(rule, port).and(sources_truth) {
                    Truth::No => {}
                    Truth::Unknown => undecided.push(label(group)),
                    Truth::Yes if open.is_none() => {
                        let mut hit = Hit::new(
                            Severity::Critical,
                            Verdict::Exposed,
                            format!(
                                "DB instance {} is publicly accessible and its security group {} allows {} from {}",
                                resource.name,
                                label(group),
                                describe_rule(rule),
                                describe_sources(&sources)
                            ),
                        )
                        .evidence(&public.at, "PubliclyAccessible: true");
                        let note = match port {
                            Some(port) => format!("opens the instance's port {port}"),
                            None => "opens every port, so the instance's port too".to_string(),
                        };
                        hit.evidence.push(port_evidence(rule, note));
                        hit.evidence.extend(source_evidence(&sources));
                        open = Some(hit);
                    }
                    Truth::Yes => {}
                }
            }
        }
        if let Some(hit) = open {
            hits.push(hit);
            return;
        }
        if port.is_none() && !db.security_groups.is_empty() {
            notes.push("The instance's port is not in the upload, so Keyhole only checked its security groups for rules that open every port; with a group open to the internet on its port the finding would be critical.".to_string());
        }
        if !missing.is_empty() {
            notes.push(format!(
                "Its security groups {} were not in the upload (export them with `aws ec2 describe-security-groups`); with one open to the internet on the instance's port the finding would be critical.",
                missing.join(", ")
            ));
        }
        undecided.dedup();
        if !undecided.is_empty() {
            notes.push(format!(
                "An ingress rule of {} could not be resolved; it may open the instance's port to the internet.",
                undecided.join(", ")
            ));
        }
        let port_text = port.map(|p| format!(" on port {p}")).unwrap_or_default();
        let mut hit = Hit::new(
            Severity::High,
            Verdict::Exposed,
            format!("DB instance {} is publicly accessible{port_text} (PubliclyAccessible: true)", resource.name),
        )
        .evidence(&public.at, "PubliclyAccessible: true");
        hit.notes = notes;
        hits.push(hit);
    }
}

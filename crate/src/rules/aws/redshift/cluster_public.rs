use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct ClusterPublic;

pub static META: RuleMeta = RuleMeta {
    id: "aws-redshift-cluster-public",
    title: "Redshift cluster is publicly accessible",
    provider: Provider::Aws,
    service: "redshift",
    resource_types: &["AWS::Redshift::Cluster"],
    severity: Severity::High,
    verdict: Verdict::Exposed,
    what: "Flags a Redshift cluster whose `PubliclyAccessible` is true: its endpoint gets a public IP address, reachable from the internet wherever its security groups allow. When the flag cannot be resolved, the finding is unknown and one step lower (medium).",
    why: "A data warehouse holds the organisation's most complete copy of its data. A public endpoint leaves a single security group rule between it and password-guessing from the whole internet.",
    fix: Fix {
        console: "Amazon Redshift → Clusters → the cluster → Actions → Modify publicly accessible setting → turn off \"Turn on Publicly accessible\" → Save changes.",
        cli: "aws redshift modify-cluster --cluster-identifier mycluster --no-publicly-accessible",
        terraform: "resource \"aws_redshift_cluster\" \"this\" {\n  # ...\n  publicly_accessible = false\n}",
    },
    remediation: "Turn off PubliclyAccessible on the cluster and reach it through the VPC.",
    equivalents: &[Equivalent { tool: "Checkov", id: "CKV_AWS_87", same: true }],
    references: &["https://docs.aws.amazon.com/redshift/latest/mgmt/managing-clusters-vpc.html"],
};

impl Rule for ClusterPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::RedshiftCluster(cluster) = &resource.kind else { return };
        let Some(public) = &cluster.publicly_accessible else { return };
        match public.known() {
            Some(false) => {}
            Some(true) => hits.push(
                Hit::new(
                    Severity::High,
                    Verdict::Exposed,
                    format!("Redshift cluster {} is publicly accessible (PubliclyAccessible: true)", resource.name),
                )
                .evidence(&public.at, "PubliclyAccessible: true"),
            ),
            None => hits.push(
                Hit::unknown(
                    Severity::High,
                    format!("whether Redshift cluster {} is publicly accessible could not be resolved", resource.name),
                )
                .evidence(&public.at, "unresolved PubliclyAccessible"),
            ),
        }
    }
}

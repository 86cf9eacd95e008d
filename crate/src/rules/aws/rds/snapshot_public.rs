use crate::model::{Kind, Provider, Resource, SnapshotFamily, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::aws::snapshot_share::shared_with_all;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct SnapshotPublic;

pub static META: RuleMeta = RuleMeta {
    id: "aws-rds-snapshot-public",
    title: "RDS snapshot is public",
    provider: Provider::Aws,
    service: "rds",
    resource_types: &["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"],
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags a manual DB snapshot or DB cluster snapshot whose `restore` attribute includes `all`, which lets every AWS account restore a database from it. Snapshots shared with named account ids are not flagged. The attribute comes from `aws rds describe-db-snapshot-attributes` (or `describe-db-cluster-snapshot-attributes`, or AWS Config's supplementary configuration); a snapshot listed without it is not judged.",
    why: "Restoring a public snapshot gives anyone a full copy of the database, with a master password they set themselves. Public RDS snapshots of production databases have exposed millions of customer records.",
    fix: Fix {
        console: "RDS → Snapshots → the snapshot → Actions → Share snapshot → DB snapshot visibility: \"Private\" (keep only the account ids that need it) → Save.",
        cli: "aws rds modify-db-snapshot-attribute --db-snapshot-identifier mydb-snapshot \\\n  --attribute-name restore --values-to-remove all\n# cluster snapshots:\naws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier mycluster-snapshot \\\n  --attribute-name restore --values-to-remove all",
        terraform: "# Terraform has no snapshot-sharing resource: share with named accounts\n# through the CLI command above, and keep snapshots encrypted with a\n# customer-managed KMS key, which cannot be shared publicly.\nresource \"aws_db_snapshot\" \"this\" {\n  db_instance_identifier = aws_db_instance.this.identifier\n  db_snapshot_identifier = \"mydb-snapshot\"\n}",
    },
    remediation: "Remove `all` from the snapshot's restore attribute; share with named accounts only.",
    equivalents: &[Equivalent { tool: "Prowler", id: "rds_snapshots_public_access", same: true }],
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html"],
};

impl Rule for SnapshotPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::Snapshot(snapshot) = &resource.kind else { return };
        let noun = match snapshot.family {
            SnapshotFamily::RdsCluster => "DB cluster snapshot",
            SnapshotFamily::RdsInstance => "DB snapshot",
            SnapshotFamily::Ebs => return,
        };
        let Some((truth, origins)) = shared_with_all(snapshot) else { return };
        let mut hit = if truth == Truth::Yes {
            Hit::new(
                Severity::Critical,
                Verdict::Public,
                format!("{noun} {} can be restored by every AWS account (restore: all)", resource.name),
            )
        } else {
            Hit::unknown(Severity::Critical, format!("the sharing of {noun} {} could not be resolved", resource.name))
        };
        for at in origins {
            let note = if truth == Truth::Yes {
                "restore includes all: every AWS account"
            } else {
                "unresolved restore value"
            };
            hit = hit.evidence(&at, note);
        }
        hits.push(hit);
    }
}

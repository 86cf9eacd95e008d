use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::INSTANCE_TYPES;

pub struct InstanceUnencrypted;

pub static META: RuleMeta = RuleMeta {
    id: "aws-rds-instance-unencrypted",
    title: "RDS DB instance storage is not encrypted",
    provider: Provider::Aws,
    service: "rds",
    resource_types: INSTANCE_TYPES,
    severity: Severity::Medium,
    verdict: Verdict::Weak,
    what: "Flags a DB instance whose `StorageEncrypted` is false. Its storage, automated backups, read replicas and snapshots are then all unencrypted. When the flag cannot be resolved, the finding is unknown and one step lower (low).",
    why: "Encryption at rest with KMS protects the data if storage or a snapshot leaks, and puts a second permission check (the key policy) in front of every copy: an unencrypted snapshot shared by mistake is readable by whoever receives it, an encrypted one is not without the key.",
    fix: Fix {
        console: "Encryption cannot be turned on in place. RDS → Snapshots → Take snapshot of the instance → the snapshot → Actions → Copy snapshot → tick \"Enable encryption\" and choose a KMS key → then Actions → Restore snapshot, and switch the application to the new, encrypted instance.",
        cli: "aws rds create-db-snapshot --db-instance-identifier mydb --db-snapshot-identifier mydb-plain\naws rds copy-db-snapshot --source-db-snapshot-identifier mydb-plain \\\n  --target-db-snapshot-identifier mydb-encrypted --kms-key-id alias/aws/rds\naws rds restore-db-instance-from-db-snapshot --db-instance-identifier mydb-new \\\n  --db-snapshot-identifier mydb-encrypted",
        terraform: "resource \"aws_db_instance\" \"this\" {\n  # ...\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.rds.arn\n}",
    },
    remediation: "Recreate the instance from an encrypted copy of its snapshot (StorageEncrypted cannot be turned on in place).",
    equivalents: &[Equivalent { tool: "Checkov", id: "CKV_AWS_16", same: true }],
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html"],
};

impl Rule for InstanceUnencrypted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::RdsInstance(db) = &resource.kind else { return };
        let Some(encrypted) = &db.storage_encrypted else { return };
        match encrypted.known() {
            Some(true) => {}
            Some(false) => hits.push(
                Hit::new(
                    Severity::Medium,
                    Verdict::Weak,
                    format!("DB instance {} has unencrypted storage", resource.name),
                )
                .evidence(&encrypted.at, "StorageEncrypted: false"),
            ),
            None => hits.push(
                Hit::unknown(
                    Severity::Medium,
                    format!("whether DB instance {} has encrypted storage could not be resolved", resource.name),
                )
                .evidence(&encrypted.at, "unresolved StorageEncrypted"),
            ),
        }
    }
}

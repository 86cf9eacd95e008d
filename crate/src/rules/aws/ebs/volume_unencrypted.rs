use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct VolumeUnencrypted;

pub static META: RuleMeta = RuleMeta {
    id: "aws-ebs-volume-unencrypted",
    title: "EBS volume is not encrypted",
    provider: Provider::Aws,
    service: "ebs",
    resource_types: &["AWS::EC2::Volume"],
    severity: Severity::Low,
    verdict: Verdict::Weak,
    what: "Flags an EBS volume whose `Encrypted` is false. Snapshots taken from it are unencrypted too. When the flag cannot be resolved, the finding is unknown and one step lower (info).",
    why: "An unencrypted volume's snapshots can be shared publicly or with any account, and are then readable by whoever receives them; encrypted snapshots also need the KMS key, which a customer-managed key policy keeps in your account. Encryption costs nothing and has no noticeable performance impact.",
    fix: Fix {
        console: "A volume cannot be encrypted in place. EC2 → Volumes → the volume → Actions → Create snapshot → Snapshots → the snapshot → Actions → Copy snapshot → tick \"Encrypt this snapshot\" → then Create volume from the encrypted copy and swap it in. Turn on EC2 → Settings → EBS encryption → \"Always encrypt new EBS volumes\".",
        cli: "aws ec2 enable-ebs-encryption-by-default\naws ec2 create-snapshot --volume-id vol-0123456789abcdef0\naws ec2 copy-snapshot --source-snapshot-id snap-0123456789abcdef0 --source-region REGION --encrypted\naws ec2 create-volume --snapshot-id snap-0fedcba9876543210 --availability-zone REGIONa",
        terraform: "resource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = true\n}\n\nresource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"eu-west-1a\"\n  size              = 100\n  encrypted         = true\n}",
    },
    remediation: "Replace the volume with an encrypted copy and turn on EBS encryption by default.",
    equivalents: &[Equivalent { tool: "Checkov", id: "CKV_AWS_3", same: true }],
    references: &["https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html"],
};

impl Rule for VolumeUnencrypted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::EbsVolume(volume) = &resource.kind else { return };
        let Some(encrypted) = &volume.encrypted else { return };
        let label = if resource.name == resource.id {
            resource.id.clone()
        } else {
            format!("{} ({})", resource.name, resource.id)
        };
        match encrypted.known() {
            Some(true) => {}
            Some(false) => hits.push(
                Hit::new(Severity::Low, Verdict::Weak, format!("EBS volume {label} is not encrypted"))
                    .evidence(&encrypted.at, "Encrypted: false"),
            ),
            None => hits.push(
                Hit::unknown(Severity::Low, format!("whether EBS volume {label} is encrypted could not be resolved"))
                    .evidence(&encrypted.at, "unresolved Encrypted"),
            ),
        }
    }
}

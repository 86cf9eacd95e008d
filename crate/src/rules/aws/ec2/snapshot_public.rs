use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::aws::snapshot_share::shared_with_all;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct SnapshotPublic;

pub static META: RuleMeta = RuleMeta {
    id: "aws-ec2-snapshot-public",
    title: "EBS snapshot is public",
    provider: Provider::Aws,
    service: "ec2",
    resource_types: &["AWS::EC2::Snapshot"],
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags an EBS snapshot whose `createVolumePermission` attribute includes `Group: all`, which lets every AWS account create a volume from it. Snapshots shared with named account ids are not flagged. The attribute comes from `aws ec2 describe-snapshot-attribute --attribute createVolumePermission`; a snapshot listed without it is not judged.",
    why: "Anyone with an AWS account can copy a public snapshot and mount it: the whole disk, with its databases, keys and log files, is readable. Researchers regularly find thousands of public EBS snapshots holding credentials and customer data.",
    fix: Fix {
        console: "EC2 → Elastic Block Store → Snapshots → the snapshot → Actions → Snapshot settings → Modify permissions → choose \"Private\" (add specific account ids if it must be shared) → Save changes. Also consider EC2 → Settings → Block public access for snapshots.",
        cli: "aws ec2 modify-snapshot-attribute --snapshot-id snap-0123456789abcdef0 \\\n  --attribute createVolumePermission --operation-type remove --group-names all\naws ec2 enable-snapshot-block-public-access --state block-all-sharing",
        terraform: "# Share with named accounts only; never the group \"all\".\nresource \"aws_snapshot_create_volume_permission\" \"partner\" {\n  snapshot_id = aws_ebs_snapshot.this.id\n  account_id  = \"111122223333\"\n}\n\nresource \"aws_ebs_snapshot_block_public_access\" \"this\" {\n  state = \"block-all-sharing\"\n}",
    },
    remediation: "Remove the `all` group from the snapshot's createVolumePermission and turn on EBS snapshot Block Public Access.",
    equivalents: &[Equivalent { tool: "Prowler", id: "ec2_ebs_public_snapshot", same: true }],
    references: &[
        "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html",
        "https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html",
    ],
};

impl Rule for SnapshotPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::Snapshot(snapshot) = &resource.kind else { return };
        let Some((truth, origins)) = shared_with_all(snapshot) else { return };
        let mut hit = if truth == Truth::Yes {
            Hit::new(
                Severity::Critical,
                Verdict::Public,
                format!(
                    "EBS snapshot {} lets every AWS account create volumes from it (createVolumePermission Group all)",
                    resource.name
                ),
            )
        } else {
            Hit::unknown(
                Severity::Critical,
                format!("the sharing of EBS snapshot {} could not be resolved", resource.name),
            )
        };
        for at in origins {
            let note =
                if truth == Truth::Yes { "Group all: every AWS account" } else { "unresolved createVolumePermission" };
            hit = hit.evidence(&at, note);
        }
        hits.push(hit);
    }
}

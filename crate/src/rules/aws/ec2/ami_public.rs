use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct AmiPublic;

pub static META: RuleMeta = RuleMeta {
    id: "aws-ec2-ami-public",
    title: "AMI is public",
    provider: Provider::Aws,
    service: "ec2",
    resource_types: &["AWS::EC2::Image"],
    severity: Severity::High,
    verdict: Verdict::Public,
    what: "Flags a machine image (AMI) owned by the account whose `Public` flag is true, which lets every AWS account launch it and copy its disks. Images shared with named accounts are not flagged. When the flag cannot be resolved, the finding is unknown and one step lower (medium).",
    why: "An AMI is a full copy of a server's disks. Images built from running servers often still hold SSH keys, application secrets, database dumps or source code, and anyone can launch a public image and read them.",
    fix: Fix {
        console: "EC2 → Images → AMIs → the image → Actions → Edit AMI permissions → choose \"Private\" (add specific account ids if it must be shared) → Save changes. Also consider EC2 → Settings → Block public access for AMIs.",
        cli: "aws ec2 modify-image-attribute --image-id ami-0123456789abcdef0 \\\n  --launch-permission '{\"Remove\":[{\"Group\":\"all\"}]}'\naws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing",
        terraform: "# Share with named accounts only; never the group \"all\".\nresource \"aws_ami_launch_permission\" \"partner\" {\n  image_id   = aws_ami.this.id\n  account_id = \"111122223333\"\n}",
    },
    remediation: "Make the AMI private (remove the `all` launch permission) and turn on AMI Block Public Access.",
    equivalents: &[Equivalent { tool: "Prowler", id: "ec2_ami_public", same: true }],
    references: &[
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html",
    ],
};

impl Rule for AmiPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::Image(image) = &resource.kind else { return };
        let Some(public) = &image.public else { return };
        let label = if resource.name == resource.id {
            resource.id.clone()
        } else {
            format!("{} ({})", resource.name, resource.id)
        };
        match public.known() {
            Some(false) => {}
            Some(true) => hits.push(
                Hit::new(
                    Severity::High,
                    Verdict::Public,
                    format!("AMI {label} is public: every AWS account can launch it"),
                )
                .evidence(&public.at, "Public: true"),
            ),
            None => hits.push(
                Hit::unknown(Severity::High, format!("whether AMI {label} is public could not be resolved"))
                    .evidence(&public.at, "unresolved Public flag"),
            ),
        }
    }
}

use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::gcp::grant_holder_hit;
use crate::rules::{Context, Fix, Hit, Rule, RuleMeta};

pub struct ImagePublic;

pub static META: RuleMeta = RuleMeta {
    id: "gcp-compute-image-public",
    title: "Compute Engine image is shared with everyone",
    provider: Provider::Gcp,
    service: "compute",
    resource_types: &["compute.googleapis.com/Image"],
    severity: Severity::High,
    verdict: Verdict::Public,
    what: "Flags a custom Compute Engine image whose IAM policy grants any role to `allUsers` or `allAuthenticatedUsers` (usually `roles/compute.imageUser`, which lets every Google account create disks and VMs from the image). A binding limited by an IAM condition makes the finding unknown and one step lower (medium).",
    why: "An image is a full copy of a server's boot disk. Images built from running servers often still hold SSH host keys, application secrets, database dumps or source code, and anyone who can use a public image can boot it and read them.",
    fix: Fix {
        console: "Compute Engine → Images → tick the image → Permissions (info panel) → remove the principals `allUsers` and `allAuthenticatedUsers` → Save. Share images with named projects, groups or service accounts instead.",
        cli: "gcloud compute images remove-iam-policy-binding IMAGE \\\n  --member=allAuthenticatedUsers --role=roles/compute.imageUser",
        terraform: "# Share with a named group, never allUsers or allAuthenticatedUsers.\nresource \"google_compute_image_iam_member\" \"partners\" {\n  image  = google_compute_image.base.name\n  role   = \"roles/compute.imageUser\"\n  member = \"group:image-users@example.com\"\n}",
    },
    remediation: "Remove allUsers and allAuthenticatedUsers from the image's IAM policy; share it with named principals only.",
    equivalents: &[],
    references: &[
        "https://cloud.google.com/compute/docs/images/managing-access-custom-images",
        "https://cloud.google.com/iam/docs/principals-overview#all-users",
    ],
};

fn any_role(_role: &str) -> Truth {
    Truth::Yes
}

impl Rule for ImagePublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::GrantHolder(holder) = &resource.kind else { return };
        hits.extend(grant_holder_hit(resource, &holder.grants, "image", Severity::High, any_role, ""));
    }
}

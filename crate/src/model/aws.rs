//! AWS resource settings. Every field is optional: a source fills in what it
//! saw, and resources of the same identity from several files are merged.

use super::{Attr, Origin, PolicyDoc};

/// The four S3 Block Public Access flags, as set on a bucket or an account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublicAccessBlock {
    pub block_public_acls: Option<Attr<bool>>,
    pub ignore_public_acls: Option<Attr<bool>>,
    pub block_public_policy: Option<Attr<bool>>,
    pub restrict_public_buckets: Option<Attr<bool>>,
    /// Where the configuration as a whole was found (or reported missing).
    pub at: Option<Origin>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grantee {
    AllUsers,
    AuthenticatedUsers,
    /// Any other group, a canonical user, an e-mail grantee.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AclPermission {
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    FullControl,
}

impl AclPermission {
    /// Parses both the CLI's `READ_ACP` and AWS Config's `ReadAcp` spellings.
    pub fn parse(text: &str) -> Option<Self> {
        let folded: String = text.chars().filter(|c| *c != '_').collect::<String>().to_ascii_lowercase();
        Some(match folded.as_str() {
            "read" => AclPermission::Read,
            "write" => AclPermission::Write,
            "readacp" => AclPermission::ReadAcp,
            "writeacp" => AclPermission::WriteAcp,
            "fullcontrol" => AclPermission::FullControl,
            _ => return None,
        })
    }

    pub fn as_cli(self) -> &'static str {
        match self {
            AclPermission::Read => "READ",
            AclPermission::Write => "WRITE",
            AclPermission::ReadAcp => "READ_ACP",
            AclPermission::WriteAcp => "WRITE_ACP",
            AclPermission::FullControl => "FULL_CONTROL",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AclGrant {
    pub grantee: Grantee,
    pub permission: AclPermission,
    pub at: Origin,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Acl {
    pub grants: Vec<AclGrant>,
}

#[derive(Debug, Clone, Default)]
pub struct S3Bucket {
    pub acl: Option<Attr<Acl>>,
    pub policy: Option<Attr<PolicyDoc>>,
    pub public_access_block: Option<PublicAccessBlock>,
    /// `BucketOwnerEnforced`, `BucketOwnerPreferred` or `ObjectWriter`.
    pub object_ownership: Option<Attr<String>>,
    pub encryption: Option<Attr<bool>>,
    pub logging: Option<Attr<bool>>,
    /// ISO 8601 creation time, when known.
    pub created: Option<String>,
    /// True when the source declares a bucket to be created (Terraform plan,
    /// CloudFormation), where AWS's 2023 defaults apply at deploy time.
    pub declared: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IngressRule {
    /// Lower-case protocol: `tcp`, `udp`, `icmp`, `-1` (all), or a number.
    pub protocol: Attr<String>,
    /// Inclusive port range; `None` means every port.
    pub ports: Option<Attr<(u32, u32)>>,
    /// Source ranges, each with its origin.
    pub sources: Vec<Attr<String>>,
    /// Managed prefix lists the rule admits (`pl-...`). Their entries are
    /// in no export or template, so each counts as a source that could not
    /// be resolved: never the whole internet, never nothing.
    pub prefix_lists: Vec<Attr<String>>,
    pub at: Origin,
}

#[derive(Debug, Clone, Default)]
pub struct SecurityGroup {
    pub group_name: Option<String>,
    pub vpc_id: Option<String>,
    pub ingress: Vec<IngressRule>,
}

#[derive(Debug, Clone, Default)]
pub struct Instance {
    pub public_ip: Option<Attr<String>>,
    pub security_groups: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct RdsInstance {
    pub publicly_accessible: Option<Attr<bool>>,
    pub storage_encrypted: Option<Attr<bool>>,
    pub port: Option<u32>,
    pub engine: Option<String>,
    pub security_groups: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotFamily {
    Ebs,
    RdsInstance,
    RdsCluster,
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub family: SnapshotFamily,
    /// The `createVolumePermission` or `restore` attribute values, each with
    /// its origin (`all` means public).
    pub shared_with: Option<Attr<Vec<Attr<String>>>>,
    pub encrypted: Option<Attr<bool>>,
}

#[derive(Debug, Clone, Default)]
pub struct Image {
    pub public: Option<Attr<bool>>,
}

#[derive(Debug, Clone, Default)]
pub struct RedshiftCluster {
    pub publicly_accessible: Option<Attr<bool>>,
    pub encrypted: Option<Attr<bool>>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchDomain {
    /// True when the domain sits in a VPC.
    pub in_vpc: Option<Attr<bool>>,
    pub policy: Option<Attr<PolicyDoc>>,
}

#[derive(Debug, Clone, Default)]
pub struct PolicyHolder {
    pub policy: Option<Attr<PolicyDoc>>,
}

#[derive(Debug, Clone, Default)]
pub struct LambdaFunction {
    pub policy: Option<Attr<PolicyDoc>>,
    /// The function URL's `AuthType` (`NONE` or `AWS_IAM`).
    pub url_auth_type: Option<Attr<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct IamRole {
    pub trust_policy: Option<Attr<PolicyDoc>>,
}

#[derive(Debug, Clone, Default)]
pub struct EbsVolume {
    pub encrypted: Option<Attr<bool>>,
}

/// Account-wide settings seen in the upload.
#[derive(Debug, Clone, Default)]
pub struct AccountSettings {
    pub s3_public_access_block: Option<PublicAccessBlock>,
}

//! GCP resource settings, filled from Cloud Asset Inventory exports,
//! `gcloud --format=json` outputs and Terraform's google provider.

use super::{Attr, Origin};

/// One IAM binding, or one ACL entry, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub role: String,
    pub member: String,
    /// True when a condition limits the binding.
    pub conditional: bool,
    pub at: Origin,
}

#[derive(Debug, Clone, Default)]
pub struct GcsBucket {
    /// IAM bindings and legacy ACL entries.
    pub grants: Vec<Grant>,
    /// `iamConfiguration.publicAccessPrevention` (`enforced`, `inherited`, `unspecified`).
    pub public_access_prevention: Option<Attr<String>>,
    /// `iamConfiguration.uniformBucketLevelAccess.enabled`.
    pub uniform_access: Option<Attr<bool>>,
}

#[derive(Debug, Clone, Default)]
pub struct SqlInstance {
    pub ipv4_enabled: Option<Attr<bool>>,
    /// `authorizedNetworks[].value`.
    pub authorized_networks: Vec<Attr<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FirewallAllow {
    /// `tcp`, `udp`, `all`, a number.
    pub protocol: Attr<String>,
    /// Port ranges as written (`22`, `1000-2000`); empty means every port.
    pub ports: Vec<Attr<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Firewall {
    /// `INGRESS` or `EGRESS`.
    pub direction: Option<Attr<String>>,
    pub disabled: Option<Attr<bool>>,
    pub source_ranges: Vec<Attr<String>>,
    pub allowed: Vec<FirewallAllow>,
}

/// BigQuery datasets, compute images and cloud functions: resources whose
/// exposure is who the grants name.
#[derive(Debug, Clone, Default)]
pub struct GrantHolder {
    pub grants: Vec<Grant>,
}

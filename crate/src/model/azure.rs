//! Azure resource settings, filled from ARM templates, `az` CLI outputs,
//! Resource Graph exports and Terraform's azurerm provider.

use super::Attr;

#[derive(Debug, Clone, Default)]
pub struct StorageAccount {
    /// `allowBlobPublicAccess`; absent means the API version's default.
    pub allow_blob_public_access: Option<Attr<bool>>,
    /// `networkAcls.defaultAction` (`Allow` or `Deny`).
    pub network_default_action: Option<Attr<String>>,
    /// `publicNetworkAccess` (`Enabled`, `Disabled`, `SecuredByPerimeter`).
    pub public_network_access: Option<Attr<String>>,
    /// `supportsHttpsTrafficOnly`.
    pub https_only: Option<Attr<bool>>,
    /// The ARM `apiVersion`, where defaults depend on it.
    pub api_version: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct StorageContainer {
    /// The storage account's resource id (or name), to find its settings.
    pub account: Option<String>,
    /// `publicAccess`: `None`, `Blob` or `Container`.
    pub public_access: Option<Attr<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FirewallRule {
    pub name: String,
    pub start: Attr<String>,
    pub end: Attr<String>,
}

/// SQL, PostgreSQL and MySQL servers with their firewall rules.
#[derive(Debug, Clone, Default)]
pub struct SqlServer {
    pub firewall_rules: Vec<FirewallRule>,
    pub public_network_access: Option<Attr<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NsgRule {
    pub name: String,
    /// `Inbound` or `Outbound`.
    pub direction: Attr<String>,
    /// `Allow` or `Deny`.
    pub access: Attr<String>,
    /// `Tcp`, `Udp`, `Icmp`, `*`...
    pub protocol: Attr<String>,
    pub priority: Option<i64>,
    /// `sourceAddressPrefix(es)`: `*`, `Internet`, CIDRs, service tags.
    pub sources: Vec<Attr<String>>,
    /// `destinationPortRange(s)`: `22`, `1000-2000`, `*`.
    pub ports: Vec<Attr<String>>,
    pub at: super::Origin,
}

#[derive(Debug, Clone, Default)]
pub struct NetworkSecurityGroup {
    pub rules: Vec<NsgRule>,
}

#[derive(Debug, Clone, Default)]
pub struct CosmosAccount {
    pub public_network_access: Option<Attr<String>>,
    pub ip_rules: Option<Attr<Vec<String>>>,
    pub virtual_network_rules: Option<Attr<usize>>,
    pub virtual_network_filter_enabled: Option<Attr<bool>>,
}

#[derive(Debug, Clone, Default)]
pub struct KeyVault {
    pub network_default_action: Option<Attr<String>>,
    pub public_network_access: Option<Attr<String>>,
}

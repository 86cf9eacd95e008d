use crate::model::{Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{port_hits, TYPES};

pub struct OpenAdminPort;

/// Remote administration ports, as the catalogue lists them for Azure.
pub const ADMIN_PORTS: &[u32] = &[22, 3389, 5985, 5986];

pub static META: RuleMeta = RuleMeta {
    id: "azure-nsg-open-admin-port",
    title: "Network security group opens a remote administration port to the internet",
    provider: Provider::Azure,
    service: "nsg",
    resource_types: TYPES,
    severity: Severity::High,
    verdict: Verdict::Exposed,
    what: "Flags each inbound Allow rule of a network security group, inline in `securityRules` or declared on its own, whose source is the internet (`*`, `Internet`, `Any`, `0.0.0.0/0`, `::/0`, or prefixes that together cover the whole address space) and whose destination ports include 22 (SSH), 3389 (RDP) or 5985/5986 (WinRM), over `Tcp` or `*`. Port ranges (`20-25`), lists (`destinationPortRanges`) and `*` count. Service tags are compared without regard to case.\n\nEach rule is judged on its own, as the other tools do: a higher-priority Deny rule that covers the same traffic is not taken into account. When the direction, access, protocol, a source or the port range cannot be resolved or read (a value Azure does not accept, the wrong type, a `null` rule list, a source that is neither an address nor a service tag name) and the rule could be open, the finding is unknown and one step lower (medium).",
    why: "SSH, RDP and WinRM open to the internet are found by scanners within minutes and then attacked with password guessing and exploits; exposed RDP is a leading way into networks for ransomware. Administration should go through Azure Bastion, a VPN, or just-in-time access limited to known addresses.",
    fix: Fix {
        console: "Network security groups → the group → Settings → Inbound security rules → the rule → Source: IP Addresses, your office or VPN range (never Any or Internet) → Save; or delete it and use Azure Bastion.",
        cli: "az network nsg rule update --resource-group GROUP --nsg-name NSG --name RULE \\\n  --source-address-prefixes 203.0.113.0/24",
        terraform: "resource \"azurerm_network_security_rule\" \"ssh\" {\n  name                        = \"ssh-from-office\"\n  priority                    = 100\n  direction                   = \"Inbound\"\n  access                      = \"Allow\"\n  protocol                    = \"Tcp\"\n  source_port_range           = \"*\"\n  destination_port_range      = \"22\"\n  source_address_prefix       = \"203.0.113.0/24\" # never \"*\" or \"Internet\"\n  destination_address_prefix  = \"*\"\n  resource_group_name         = azurerm_resource_group.this.name\n  network_security_group_name = azurerm_network_security_group.this.name\n}",
    },
    remediation: "Limit the rule's source to known address ranges, or remove it and use Azure Bastion, a VPN or just-in-time access.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AZURE_9", same: false },
        Equivalent { tool: "Checkov", id: "CKV_AZURE_10", same: false },
        Equivalent { tool: "KICS", id: "2ade1579-4b2c-4590-bebb-f99bf597f612", same: false },
        Equivalent { tool: "KICS", id: "59cb3da7-f206-4ae6-b827-7abf0a9cab9d", same: false },
        Equivalent { tool: "Regula", id: "FG_R00190", same: false },
        Equivalent { tool: "Regula", id: "FG_R00191", same: false },
        Equivalent { tool: "Prowler", id: "network_ssh_internet_access_restricted", same: false },
        Equivalent { tool: "Prowler", id: "network_rdp_internet_access_restricted", same: false },
    ],
    references: &[
        "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview",
        "https://learn.microsoft.com/azure/bastion/bastion-overview",
    ],
};

impl Rule for OpenAdminPort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        port_hits(
            resource,
            ADMIN_PORTS,
            crate::rules::aws::ec2::security_group_open_admin_port::admin_port_name,
            "remote administration",
            Severity::High,
            hits,
        );
    }
}

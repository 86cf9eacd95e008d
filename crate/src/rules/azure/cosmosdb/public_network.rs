use crate::model::{Kind, Provenance, Provider, Resource, Truth};
use crate::net;
use crate::report::{Severity, Verdict};
use crate::rules::azure::public_access_on;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};
use crate::sources::azure::COSMOS_ACCOUNT;

pub struct PublicNetwork;

pub static META: RuleMeta = RuleMeta {
    id: "azure-cosmosdb-public-network",
    title: "Cosmos DB account accepts connections from any network",
    provider: Provider::Azure,
    service: "cosmosdb",
    resource_types: &[COSMOS_ACCOUNT],
    severity: Severity::High,
    verdict: Verdict::Exposed,
    what: "Flags a Cosmos DB account whose public network access is enabled (`publicNetworkAccess` is `Enabled` or not set) with no IP rule (`ipRules`, or the older `ipRangeFilter`) and no virtual network rule in force (`virtualNetworkRules` with `isVirtualNetworkFilterEnabled: true`): such an account accepts connections from every address. An IP rule that is itself the whole internet (`0.0.0.0/0`) restricts nothing. `SecuredByPerimeter` leaves the decision to a network security perimeter Keyhole cannot see, and unresolvable settings make the finding unknown (medium).",
    why: "Cosmos DB is reached with account keys or connection strings, which end up in application settings, scripts and repositories. With no network restriction, a leaked key gives anyone on the internet the whole database.",
    fix: Fix {
        console: "Azure Cosmos DB → the account → Settings → Networking → Public network access: \"Selected networks\" (add your virtual networks and addresses) or \"Disabled\" with a private endpoint → Save.",
        cli: "az cosmosdb update --name ACCOUNT --resource-group GROUP --ip-range-filter 203.0.113.0/24\n# or: az cosmosdb update --name ACCOUNT --resource-group GROUP --public-network-access Disabled",
        terraform: "resource \"azurerm_cosmosdb_account\" \"this\" {\n  # ...\n  public_network_access_enabled     = false\n  is_virtual_network_filter_enabled = true\n  ip_range_filter                   = [\"203.0.113.0/24\"]\n}",
    },
    remediation: "Restrict the Cosmos DB account to selected networks (IP and virtual network rules), or disable public network access and use a private endpoint.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AZURE_99", same: false },
        Equivalent { tool: "Checkov", id: "CKV_AZURE_101", same: false },
    ],
    references: &[
        "https://learn.microsoft.com/azure/cosmos-db/how-to-configure-firewall",
        "https://learn.microsoft.com/azure/cosmos-db/how-to-configure-vnet-service-endpoint",
    ],
};

impl Rule for PublicNetwork {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::CosmosAccount(account) = &resource.kind else { return };
        let Some(access) = &account.public_network_access else { return };
        let public = public_access_on(Some(access));
        // IP rules restrict unless one of them is the whole internet.
        let (ip_open, ip_at, ip_note) = match &account.ip_rules {
            None => (Truth::Unknown, None, "IP rules were not exported".to_string()),
            Some(rules) => match rules.known() {
                None => (Truth::Unknown, Some(&rules.at), "IP rules could not be resolved".to_string()),
                Some(list) if list.is_empty() => (Truth::Yes, Some(&rules.at), "no IP rules".to_string()),
                Some(list) if list.iter().any(|r| net::is_world(r)) => {
                    (Truth::Yes, Some(&rules.at), "an IP rule is the whole internet".to_string())
                }
                Some(_) => (Truth::No, Some(&rules.at), String::new()),
            },
        };
        let filter = account.virtual_network_filter_enabled.as_ref().map_or(Truth::No, |f| f.truth());
        let vnet_rules = match account.virtual_network_rules.as_ref().map(|r| r.known().copied()) {
            Some(Some(count)) => {
                if count > 0 {
                    Truth::Yes
                } else {
                    Truth::No
                }
            }
            Some(None) => Truth::Unknown,
            None => Truth::No,
        };
        let vnet_open = !(filter.and(vnet_rules));
        let truth = public.and(ip_open).and(vnet_open);
        let reason = if public == Truth::Unknown {
            "publicNetworkAccess could not be resolved, or leaves the decision to a network security perimeter"
        } else {
            "its IP or virtual network rules could not be resolved"
        };
        let access_note = match (access.known(), access.provenance) {
            (Some(_), Provenance::Defaulted) => "publicNetworkAccess is not set (enabled by default)".to_string(),
            (Some(value), _) => format!("publicNetworkAccess is {value}"),
            (None, _) => "publicNetworkAccess could not be resolved".to_string(),
        };
        let unenforced = account.virtual_network_rules.as_ref().and_then(|r| r.known()).is_some_and(|n| *n > 0);
        let vnet_note =
            if unenforced { "virtual network rules that are not enforced" } else { "no virtual network rules" };
        let mut hit = match truth {
            Truth::No => return,
            Truth::Yes => Hit::new(
                Severity::High,
                Verdict::Exposed,
                format!("Cosmos DB account {} accepts connections from any network: {access_note}, {ip_note} and {vnet_note}", resource.name),
            ),
            Truth::Unknown => Hit::unknown(
                Severity::High,
                format!("Cosmos DB account {} may accept connections from any network: {reason}", resource.name),
            )
            .note(format!("Keyhole could not decide this because {reason}; it is reported, one step lower, rather than taken as safe.")),
        };
        hit.evidence.push((access.at.clone(), access_note));
        if let Some(at) = ip_at {
            if *at != access.at {
                hit.evidence.push((at.clone(), if ip_note.is_empty() { "IP rules".to_string() } else { ip_note }));
            }
        }
        match (&account.virtual_network_rules, &account.virtual_network_filter_enabled) {
            (Some(rules), Some(filter)) if rules.known().is_some_and(|n| *n > 0) && filter.value != Some(true) => {
                hit.evidence.push((
                    filter.at.clone(),
                    "virtual network rules are not enforced: isVirtualNetworkFilterEnabled is not true".to_string(),
                ));
            }
            (Some(rules), _) if rules.at != access.at => {
                let note = match rules.known() {
                    Some(0) => "no virtual network rules".to_string(),
                    Some(n) => format!("{n} virtual network rules"),
                    None => "virtual network rules could not be resolved".to_string(),
                };
                hit.evidence.push((rules.at.clone(), note));
            }
            _ => {}
        }
        hits.push(hit);
    }
}

use crate::model::{Kind, Provenance, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::azure::{hit, is_one_of, public_access_on};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::ACCOUNT_TYPES;

pub struct AccountOpenNetwork;

pub static META: RuleMeta = RuleMeta {
    id: "azure-storage-account-open-network",
    title: "Storage account accepts connections from any network",
    provider: Provider::Azure,
    service: "storage",
    resource_types: ACCOUNT_TYPES,
    severity: Severity::Medium,
    verdict: Verdict::Exposed,
    what: "Flags a storage account whose firewall lets every network in: `networkAcls.defaultAction` (`networkRuleSet` in `az` output) is `Allow`, or absent, which is the default, while `publicNetworkAccess` is not `Disabled`. With `publicNetworkAccess: Disabled` only private endpoints reach the account, whatever the firewall says. `SecuredByPerimeter` leaves the decision to a network security perimeter Keyhole cannot see, and an unresolvable value makes the finding unknown (low).",
    why: "A storage account open to all networks can be reached by anyone on the internet who holds, guesses or steals a key or a shared access signature, and leaked SAS URLs and connection strings are common. Denying by default and allowing only your virtual networks and office addresses means a leaked key is not enough on its own.",
    fix: Fix {
        console: "Storage accounts → the account → Security + networking → Networking → Firewalls and virtual networks → Public network access: \"Enabled from selected virtual networks and IP addresses\" (or Disabled) → add your networks and addresses → Save.",
        cli: "az storage account update --name ACCOUNT --resource-group GROUP --default-action Deny\naz storage account network-rule add --account-name ACCOUNT --resource-group GROUP --ip-address 203.0.113.0/24",
        terraform: "resource \"azurerm_storage_account\" \"this\" {\n  # ...\n  network_rules {\n    default_action = \"Deny\"\n    ip_rules       = [\"203.0.113.0/24\"]\n    bypass         = [\"AzureServices\"]\n  }\n}",
    },
    remediation: "Set the storage firewall's default action to Deny and allow only the networks that need the account, or disable public network access.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AZURE_35", same: false },
        Equivalent { tool: "KICS", id: "9073f073-5d60-4b46-b569-0d6baa80ed95", same: false },
        Equivalent { tool: "KICS", id: "d855ced8-6157-448f-9f1d-f05a41d046f7", same: true },
        Equivalent { tool: "Regula", id: "FG_R00154", same: false },
        Equivalent { tool: "Prowler", id: "storage_default_network_access_rule_is_denied", same: false },
    ],
    references: &[
        "https://learn.microsoft.com/azure/storage/common/storage-network-security",
        "https://learn.microsoft.com/azure/storage/common/storage-network-security-set-default-access",
    ],
};

impl Rule for AccountOpenNetwork {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::StorageAccount(account) = &resource.kind else { return };
        let Some(action) = &account.network_default_action else { return };
        let allows = is_one_of(action, &["Allow"]);
        let public = public_access_on(account.public_network_access.as_ref());
        let truth = allows.and(public);
        let action_note = match (action.known(), action.provenance) {
            (Some(value), Provenance::Defaulted) => format!("no network rules: the default action is {value}"),
            (Some(value), _) => format!("networkAcls.defaultAction is {value}"),
            (None, _) => "networkAcls.defaultAction could not be resolved".to_string(),
        };
        let reason = if allows == Truth::Unknown {
            "the firewall's default action could not be resolved"
        } else {
            "publicNetworkAccess could not be resolved, or leaves the decision to a network security perimeter"
        };
        let Some(mut found) = hit(
            truth,
            Severity::Medium,
            Verdict::Exposed,
            format!("storage account {} accepts connections from any network: {action_note}", resource.name),
            format!("storage account {} may accept connections from any network: {reason}", resource.name),
            reason,
        ) else {
            return;
        };
        found = found.evidence(&action.at, action_note);
        // The access setting is evidence when written, or when it is what is undecided.
        if let Some(access) = account.public_network_access.as_ref().filter(|a| a.provenance != Provenance::Defaulted) {
            let note = match access.known() {
                Some(value) => format!("publicNetworkAccess is {value}"),
                None => "publicNetworkAccess could not be resolved".to_string(),
            };
            found = found.evidence(&access.at, note);
        }
        hits.push(found);
    }
}

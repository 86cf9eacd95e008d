use crate::model::{Kind, Provenance, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::azure::{hit, is_one_of, public_access_on};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};
use crate::sources::azure::KEY_VAULT;

pub struct PublicNetwork;

pub static META: RuleMeta = RuleMeta {
    id: "azure-keyvault-public-network",
    title: "Key vault accepts connections from any network",
    provider: Provider::Azure,
    service: "keyvault",
    resource_types: &[KEY_VAULT],
    severity: Severity::Medium,
    verdict: Verdict::Exposed,
    what: "Flags a key vault whose network ACL's default action is `Allow`: `networkAcls.defaultAction` is `Allow`, or `networkAcls` is absent, which lets every network in, while `publicNetworkAccess` is not `Disabled`. IP rules listed under an `Allow` default restrict nothing. `SecuredByPerimeter` and unresolvable values make the finding unknown (low).",
    why: "A key vault holds the secrets, keys and certificates that open everything else. Open to all networks, a leaked or phished credential with vault access is enough to read them from anywhere; with the firewall on, the attacker must also be inside your networks.",
    fix: Fix {
        console: "Key vaults → the vault → Settings → Networking → Firewalls and virtual networks → Allow public access from specific virtual networks and IP addresses (or Disable public access) → add your networks → Apply.",
        cli: "az keyvault update --name VAULT --resource-group GROUP --default-action Deny --bypass AzureServices\naz keyvault network-rule add --name VAULT --resource-group GROUP --ip-address 203.0.113.0/24",
        terraform: "resource \"azurerm_key_vault\" \"this\" {\n  # ...\n  network_acls {\n    default_action = \"Deny\"\n    bypass         = \"AzureServices\"\n    ip_rules       = [\"203.0.113.0/24\"]\n  }\n}",
    },
    remediation: "Set the key vault firewall's default action to Deny and allow only the networks that need it, or disable public network access.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AZURE_109", same: true },
        Equivalent { tool: "Checkov", id: "CKV_AZURE_189", same: false },
    ],
    references: &[
        "https://learn.microsoft.com/azure/key-vault/general/network-security",
        "https://learn.microsoft.com/azure/key-vault/general/how-to-azure-key-vault-network-security",
    ],
};

impl Rule for PublicNetwork {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::KeyVault(vault) = &resource.kind else { return };
        let Some(action) = &vault.network_default_action else { return };
        let allows = is_one_of(action, &["Allow"]);
        let public = public_access_on(vault.public_network_access.as_ref());
        let note = match (action.known(), action.provenance) {
            (Some(_), Provenance::Defaulted) => "no network ACLs: every network may connect".to_string(),
            (Some(value), _) => format!("networkAcls.defaultAction is {value}"),
            (None, _) => "networkAcls.defaultAction could not be resolved".to_string(),
        };
        let reason = if allows == Truth::Unknown {
            "the network ACL's default action could not be resolved"
        } else {
            "publicNetworkAccess could not be resolved, or leaves the decision to a network security perimeter"
        };
        let Some(mut found) = hit(
            allows.and(public),
            Severity::Medium,
            Verdict::Exposed,
            format!("key vault {} accepts connections from any network: {note}", resource.name),
            format!("key vault {} may accept connections from any network: {reason}", resource.name),
            reason,
        ) else {
            return;
        };
        found = found.evidence(&action.at, note);
        // The access setting is evidence when written, or when it is what is undecided.
        if let Some(access) = vault.public_network_access.as_ref().filter(|a| a.provenance != Provenance::Defaulted) {
            let note = match access.known() {
                Some(value) => format!("publicNetworkAccess is {value}"),
                None => "publicNetworkAccess could not be resolved".to_string(),
            };
            found = found.evidence(&access.at, note);
        }
        hits.push(found);
    }
}

use crate::model::{Kind, Provenance, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::azure::hit;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::ACCOUNT_TYPES;

pub struct AccountHttpAllowed;

pub static META: RuleMeta = RuleMeta {
    id: "azure-storage-account-http-allowed",
    title: "Storage account accepts unencrypted HTTP",
    provider: Provider::Azure,
    service: "storage",
    resource_types: ACCOUNT_TYPES,
    severity: Severity::Medium,
    verdict: Verdict::Weak,
    what: "Flags a storage account whose `supportsHttpsTrafficOnly` (\"Secure transfer required\"; `enableHttpsTrafficOnly` in `az` output) is `false`. In an ARM template an absent setting takes the API version's default: `true` from `2019-04-01`, `false` before, so a template on an older `apiVersion` that does not set it is flagged. An unresolvable value is unknown (low).",
    why: "Over plain HTTP, the data and the shared access signatures or keys that authorize requests travel in clear text, readable and replayable by anyone on the path (public Wi-Fi, a compromised router). Requiring HTTPS also makes Azure refuse unencrypted SMB connections to file shares.",
    fix: Fix {
        console: "Storage accounts → the account → Settings → Configuration → Secure transfer required → Enabled → Save.",
        cli: "az storage account update --name ACCOUNT --resource-group GROUP --https-only true",
        terraform: "resource \"azurerm_storage_account\" \"this\" {\n  # ...\n  https_traffic_only_enabled = true # enable_https_traffic_only before azurerm 4.0\n  min_tls_version            = \"TLS1_2\"\n}",
    },
    remediation: "Require secure transfer (HTTPS only) on the storage account.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AZURE_3", same: true },
        Equivalent { tool: "KICS", id: "1367dd13-2c90-4020-80b7-e4339a3dc2c4", same: true },
        Equivalent { tool: "Regula", id: "FG_R00152", same: true },
        Equivalent { tool: "Prowler", id: "storage_secure_transfer_required_is_enabled", same: true },
    ],
    references: &["https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer"],
};

impl Rule for AccountHttpAllowed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::StorageAccount(account) = &resource.kind else { return };
        let Some(https) = &account.https_only else { return };
        let note = match (https.value, https.provenance) {
            (Some(false), Provenance::Defaulted) => format!(
                "supportsHttpsTrafficOnly is not set; with API version {} (before 2019-04-01) it defaults to false",
                account.api_version.as_deref().unwrap_or("of this template")
            ),
            (Some(value), _) => format!("supportsHttpsTrafficOnly is {value}"),
            (None, _) => "supportsHttpsTrafficOnly could not be resolved".to_string(),
        };
        // The setting is "HTTPS only": HTTP is allowed when it is off.
        let truth = !https.truth();
        let Some(found) = hit(
            truth,
            Severity::Medium,
            Verdict::Weak,
            format!("storage account {} accepts unencrypted HTTP: {note}", resource.name),
            format!("storage account {} may accept unencrypted HTTP: {note}", resource.name),
            "supportsHttpsTrafficOnly (or the apiVersion that decides its default) could not be resolved",
        ) else {
            return;
        };
        hits.push(found.evidence(&https.at, note));
    }
}

use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::azure::hit;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{allow_blob_public_access, allow_blob_public_access_note, ACCOUNT_TYPES};

pub struct AccountPublicBlobAccess;

pub static META: RuleMeta = RuleMeta {
    id: "azure-storage-account-public-blob-access",
    title: "Storage account allows anonymous blob access",
    provider: Provider::Azure,
    service: "storage",
    resource_types: ACCOUNT_TYPES,
    severity: Severity::Medium,
    verdict: Verdict::Weak,
    what: "Flags a storage account whose `allowBlobPublicAccess` is `true`, or absent where the default is `true`. This setting is the account-wide switch that lets any container be made anonymous; `azure-storage-container-public` reports the containers that actually are.\n\nThe default depends on the API version: the storage REST API documents `true` (\"the default interpretation is true\") up to version `2022-09-01` and `false` from `2023-01-01`, and Azure changed new accounts to `false` in late 2023 whatever the tool. So: in an ARM template, an absent setting with an `apiVersion` before `2023-01-01` is flagged, and one from `2023-01-01` is not; an unresolvable `apiVersion` makes the finding unknown (low). In a live export (`az storage account list`, Resource Graph), a value that is `null` or absent belongs to an account created before the change, and is flagged.",
    why: "With anonymous access allowed on the account, one container set to `Blob` or `Container` (a mistaken click, a copied template) publishes its data to anyone with the URL. Turning it off on the account makes every container private, whatever its own setting, and is Microsoft's recommendation for every account that does not serve public content.",
    fix: Fix {
        console: "Storage accounts → the account → Settings → Configuration → Allow Blob anonymous access → Disabled → Save.",
        cli: "az storage account update --name ACCOUNT --resource-group GROUP --allow-blob-public-access false",
        terraform: "resource \"azurerm_storage_account\" \"this\" {\n  # ...\n  allow_nested_items_to_be_public = false\n}",
    },
    remediation: "Set allowBlobPublicAccess to false on the storage account (Allow Blob anonymous access: Disabled).",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AZURE_190", same: false },
        Equivalent { tool: "Prowler", id: "storage_blob_public_access_level_is_disabled", same: false },
    ],
    references: &[
        "https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent",
        "https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create",
    ],
};

impl Rule for AccountPublicBlobAccess {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::StorageAccount(account) = &resource.kind else { return };
        let Some(allow) = allow_blob_public_access(account, resource) else { return };
        let note = allow_blob_public_access_note(&allow, account);
        let Some(found) = hit(
            allow.truth(),
            Severity::Medium,
            Verdict::Weak,
            format!("storage account {} allows anonymous blob access: {note}", resource.name),
            format!("storage account {} may allow anonymous blob access: {note}", resource.name),
            "allowBlobPublicAccess (or the apiVersion that decides its default) could not be resolved",
        ) else {
            return;
        };
        hits.push(found.evidence(&allow.at, note));
    }
}

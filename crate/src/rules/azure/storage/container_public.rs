use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{allow_blob_public_access, allow_blob_public_access_note, container_account, CONTAINER_TYPES};

pub struct ContainerPublic;

pub static META: RuleMeta = RuleMeta {
    id: "azure-storage-container-public",
    title: "Blob container allows anonymous public access",
    provider: Provider::Azure,
    service: "storage",
    resource_types: CONTAINER_TYPES,
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags a blob container whose public access level (`publicAccess`) is `Blob` (anyone can read a blob whose URL they know) or `Container` (anyone can also list every blob), when its storage account does not switch anonymous access off (`allowBlobPublicAccess` is not `false`).\n\nThe account setting overrides every container: with `allowBlobPublicAccess: false` no container is public, whatever its own level. When the account's setting is absent, the storage API version decides: before `2023-01-01` it defaults to `true`, from `2023-01-01` to `false`; a live account that reports no value predates that change and allows anonymous access.\n\nWhen the account is not in the upload (or its settings were not exported), the container is judged on its own setting, as S3 buckets are when the account-level Block Public Access is missing: Azure refuses a `Blob` or `Container` level while the account disallows anonymous access, so a container that has one was public when it was set, and the finding says the account was not seen. When a setting is a template expression Keyhole cannot resolve, the finding is unknown and one step lower (high).",
    why: "Anonymous blob access needs no key, token or identity: anyone with the URL (and, at the `Container` level, anyone at all, since the listing gives every URL) downloads the data. Storage account and container names are guessable and scanned for; exports, backups and CRM extracts in public containers are a common source of data leaks.",
    fix: Fix {
        console: "Storage accounts → the account → Data storage → Containers → select the container → Change access level → Private (no anonymous access) → OK. To close every container at once: the account → Settings → Configuration → Allow Blob anonymous access → Disabled → Save.",
        cli: "az storage container set-permission --account-name ACCOUNT --name CONTAINER --public-access off --auth-mode login\n# or, for the whole account:\naz storage account update --name ACCOUNT --resource-group GROUP --allow-blob-public-access false",
        terraform: "resource \"azurerm_storage_account\" \"this\" {\n  # ...\n  allow_nested_items_to_be_public = false\n}\n\nresource \"azurerm_storage_container\" \"exports\" {\n  name                  = \"exports\"\n  storage_account_id    = azurerm_storage_account.this.id\n  container_access_type = \"private\"\n}",
    },
    remediation: "Set the container's access level to private, and turn off anonymous blob access on the storage account.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AZURE_34", same: false },
        Equivalent { tool: "KICS", id: "a0ab985d-660b-41f7-ac81-70957ee8e627", same: false },
        Equivalent { tool: "Regula", id: "FG_R00207", same: false },
        Equivalent { tool: "Prowler", id: "storage_blob_public_access_level_is_disabled", same: false },
    ],
    references: &[
        "https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-configure",
        "https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent",
    ],
};

impl Rule for ContainerPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::StorageContainer(container) = &resource.kind else { return };
        let Some(access) = &container.public_access else { return };
        let (level_truth, what) = match access.known().map(|v| v.trim().to_ascii_lowercase()) {
            Some(level) if level == "container" => (Truth::Yes, "anyone can list and read every blob in it"),
            Some(level) if level == "blob" => (Truth::Yes, "anyone can read its blobs by URL"),
            Some(_) => return,
            None => (Truth::Unknown, "its access level could not be resolved"),
        };
        let mut evidence = vec![(
            access.at.clone(),
            match access.known() {
                Some(level) => format!("publicAccess is {level}"),
                None => "publicAccess could not be resolved".to_string(),
            },
        )];
        let mut notes = Vec::new();
        let missing_account = |name: String, notes: &mut Vec<String>| {
            notes.push(format!(
                "The storage account {} and its allowBlobPublicAccess setting are not in the upload, so the container was judged on its own access level (Azure refuses a public level while the account disallows anonymous access). Upload the account's settings (`az storage account list`) to check whether anonymous access has since been switched off.",
                if name.is_empty() { "(unnamed)".to_string() } else { name }
            ));
        };
        let (account_truth, account_label, reason) = match container_account(ctx, container) {
            Some((account_resource, account)) => match allow_blob_public_access(account, account_resource) {
                Some(allow) => {
                    let truth = allow.truth();
                    evidence.push((allow.at.clone(), allow_blob_public_access_note(&allow, account)));
                    (
                        truth,
                        account_resource.name.clone(),
                        "the storage account's allowBlobPublicAccess could not be resolved",
                    )
                }
                None => {
                    missing_account(account_resource.name.clone(), &mut notes);
                    (Truth::Yes, String::new(), "")
                }
            },
            None => {
                missing_account(
                    super::account_name(container.account.as_deref().unwrap_or_default()).to_string(),
                    &mut notes,
                );
                (Truth::Yes, String::new(), "")
            }
        };
        let truth = level_truth.and(account_truth);
        let reason =
            if level_truth == Truth::Unknown { "the container's access level could not be resolved" } else { reason };
        let message = match truth {
            Truth::No => return,
            Truth::Yes => format!("container {} allows anonymous access: {what}", resource.name),
            Truth::Unknown => format!("container {} may allow anonymous access: {reason}", resource.name),
        };
        let mut hit = match truth {
            Truth::Yes => Hit::new(Severity::Critical, Verdict::Public, message),
            _ => Hit::unknown(Severity::Critical, message).note(format!(
                "Keyhole could not decide this because {reason}; it is reported, one step lower, rather than taken as safe."
            )),
        };
        if !account_label.is_empty() && truth == Truth::Yes {
            hit.notes.push(format!("Storage account {account_label} does not switch anonymous access off."));
        }
        hit.evidence = evidence;
        hit.notes.extend(notes);
        hits.push(hit);
    }
}

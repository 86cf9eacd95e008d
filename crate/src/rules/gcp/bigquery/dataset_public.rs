use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::gcp::grant_holder_hit;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct DatasetPublic;

pub static META: RuleMeta = RuleMeta {
    id: "gcp-bigquery-dataset-public",
    title: "BigQuery dataset is readable by everyone",
    provider: Provider::Gcp,
    service: "bigquery",
    resource_types: &["bigquery.googleapis.com/Dataset"],
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags a dataset whose access list or IAM policy grants any role to `allUsers` or `allAuthenticatedUsers`: an access entry with `iamMember: allUsers` or `specialGroup: allAuthenticatedUsers` (as `bq show` prints it), or an IAM binding to either member (as Cloud Asset Inventory exports it). A binding limited by an IAM condition makes the finding unknown and one step lower (high).",
    why: "A dataset grant to everyone lets anyone query every table in it, and BigQuery bills the queries to whoever runs them, so the data can be copied out in bulk without a trace in your bill. Datasets of CRM exports, service histories and marketing lists hold exactly the personal data that must not be public.",
    fix: Fix {
        console: "BigQuery → the dataset → Sharing → Permissions: remove `allUsers` and `allAuthenticatedUsers` from every role → Save.",
        cli: "bq show --format=prettyjson PROJECT:DATASET > dataset.json\n# delete the access entries with \"iamMember\": \"allUsers\" or \"specialGroup\": \"allAuthenticatedUsers\"\nbq update --source dataset.json PROJECT:DATASET",
        terraform: "resource \"google_bigquery_dataset\" \"crm\" {\n  dataset_id = \"crm\"\n  location   = \"EU\"\n  # No access { special_group = \"allAuthenticatedUsers\" } or iam_member = \"allUsers\" blocks,\n  # and no google_bigquery_dataset_iam_member with those members.\n  access {\n    role          = \"OWNER\"\n    special_group = \"projectOwners\"\n  }\n}",
    },
    remediation: "Remove allUsers and allAuthenticatedUsers from the dataset's access list and IAM policy.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_GCP_15", same: true },
        Equivalent { tool: "Prowler", id: "bigquery_dataset_public_access", same: true },
        Equivalent { tool: "CIS GCP", id: "7.1", same: true },
    ],
    references: &[
        "https://cloud.google.com/bigquery/docs/control-access-to-resources-iam",
        "https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets#Dataset.FIELDS.access",
    ],
};

fn any_role(_role: &str) -> Truth {
    Truth::Yes
}

impl Rule for DatasetPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::GrantHolder(holder) = &resource.kind else { return };
        hits.extend(grant_holder_hit(resource, &holder.grants, "dataset", Severity::Critical, any_role, ""));
    }
}

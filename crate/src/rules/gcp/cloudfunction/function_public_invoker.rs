use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::gcp::grant_holder_hit;
use crate::rules::{Context, Fix, Hit, Rule, RuleMeta};

pub struct FunctionPublicInvoker;

/// Predefined roles that include `cloudfunctions.functions.invoke` (or, for
/// functions served by Cloud Run, `run.routes.invoke`) and may be granted
/// to everyone.
const INVOKER_ROLES: &[&str] = &[
    "roles/cloudfunctions.invoker",
    "roles/cloudfunctions.developer",
    "roles/cloudfunctions.admin",
    "roles/run.invoker",
    "roles/run.developer",
    "roles/run.admin",
    "roles/editor",
    "roles/owner",
];

fn invoker(role: &str) -> Truth {
    if INVOKER_ROLES.contains(&role) {
        Truth::Yes
    } else if role.starts_with("projects/") || role.starts_with("organizations/") {
        // A custom role: its permissions are not in the export.
        Truth::Unknown
    } else {
        Truth::No
    }
}

pub static META: RuleMeta = RuleMeta {
    id: "gcp-cloudfunction-public-invoker",
    title: "Cloud Function can be invoked by everyone",
    provider: Provider::Gcp,
    service: "cloudfunction",
    resource_types: &["cloudfunctions.googleapis.com/CloudFunction", "cloudfunctions.googleapis.com/Function"],
    severity: Severity::Medium,
    verdict: Verdict::Public,
    what: "Flags a Cloud Function whose IAM policy grants the invoker role (`roles/cloudfunctions.invoker`, `roles/run.invoker`, or a broader role that includes invocation) to `allUsers` or `allAuthenticatedUsers`, so anyone can call it without credentials. This is often intended (a webhook, a public API, a website form), so the finding carries a note. A custom role granted to everyone, or a binding limited by an IAM condition, makes the finding unknown and one step lower (low).\n\nFor 2nd gen functions the invoker permission lives on the underlying Cloud Run service; Keyhole reads it from the function's own IAM policy when the export holds it there.",
    why: "A public function runs with its service account's permissions for anyone who calls it. Functions written for internal jobs (exports, data fixes, admin tasks) often trust their caller and return or change data they should not; public functions also let anyone run up your bill.",
    fix: Fix {
        console: "Cloud Run functions → the function → Permissions → remove `allUsers` and `allAuthenticatedUsers` from Cloud Functions Invoker (or Cloud Run Invoker) → Save. If callers are other services, grant the invoker role to their service accounts; if the function must stay public, make sure it authenticates requests itself.",
        cli: "gcloud functions remove-iam-policy-binding FUNCTION --region=REGION \\\n  --member=allUsers --role=roles/cloudfunctions.invoker\n# 2nd gen:\ngcloud functions remove-invoker-policy-binding FUNCTION --region=REGION --member=allUsers",
        terraform: "resource \"google_cloudfunctions_function_iam_member\" \"invoker\" {\n  cloud_function = google_cloudfunctions_function.export.name\n  region         = google_cloudfunctions_function.export.region\n  role           = \"roles/cloudfunctions.invoker\"\n  member         = \"serviceAccount:scheduler@PROJECT.iam.gserviceaccount.com\" # not allUsers\n}",
    },
    remediation: "Remove allUsers and allAuthenticatedUsers from the function's invoker role unless the function is meant to be public, and grant it to the calling service accounts instead.",
    equivalents: &[],
    references: &[
        "https://cloud.google.com/functions/docs/securing/managing-access-iam",
        "https://cloud.google.com/functions/docs/securing/authenticating",
    ],
};

impl Rule for FunctionPublicInvoker {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::GrantHolder(holder) = &resource.kind else { return };
        let unknown_role = "a custom role granted to everyone may include the invoke permission";
        if let Some(hit) =
            grant_holder_hit(resource, &holder.grants, "function", Severity::Medium, invoker, unknown_role)
        {
            hits.push(hit.note(
                "Public functions are often intended (webhooks, public APIs, website forms). If this one is, make sure it authenticates or validates its callers itself and suppress this finding; if not, remove the public grant.",
            ));
        }
    }
}

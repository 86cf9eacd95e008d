use crate::model::{Kind, Provider, Resource};
use crate::policy::PolicyKind;
use crate::report::{Severity, Verdict};
use crate::rules::aws::resource_policy::policy_hit;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct KeyPublicPolicy;

pub static META: RuleMeta = RuleMeta {
    id: "aws-kms-key-public-policy",
    title: "KMS key policy allows access to everyone",
    provider: Provider::Aws,
    service: "kms",
    resource_types: &["AWS::KMS::Key"],
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags a KMS key whose key policy has an `Allow` statement for an anonymous principal (`\"*\"`, `{\"AWS\": \"*\"}`, or `NotPrincipal`) that no condition restricts. Besides the catalogue's general restricting keys (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce` and the like, with fixed values), key policies are restricted by `kms:CallerAccount`, alone or together with `kms:ViaService`; the common AWS-generated statement `\"Principal\": {\"AWS\": \"*\"}` with `kms:CallerAccount` and `kms:ViaService` is therefore not flagged. A statement whose conditions use other keys is reported as unknown, one step lower (high), never as safe.",
    why: "The key protects everything encrypted with it: EBS volumes and snapshots, RDS databases, S3 objects, secrets. A public key policy lets anyone decrypt that data when they get hold of the ciphertext, or use and even manage the key, undoing the protection encryption was meant to add.",
    fix: Fix {
        console: "AWS KMS → Customer managed keys → the key → Key policy → Edit: replace `\"Principal\": {\"AWS\": \"*\"}` with the account root or named roles, or add a `kms:CallerAccount` condition with your account id → Save changes.",
        cli: "aws kms put-key-policy --key-id KEY_ID --policy-name default --policy file://key-policy.json",
        terraform: "resource \"aws_kms_key\" \"this\" {\n  # ...\n  policy = data.aws_iam_policy_document.key.json # account root and named roles, no \"*\"\n}",
    },
    remediation: "Remove the anonymous Allow from the key policy, or restrict it with kms:CallerAccount.",
    equivalents: &[Equivalent { tool: "Prowler", id: "kms_key_not_publicly_accessible", same: false }],
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account",
    ],
};

impl Rule for KeyPublicPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::PolicyHolder(holder) = &resource.kind else { return };
        hits.extend(policy_hit(
            resource,
            &ctx.policies(resource, holder.policy.as_ref()),
            PolicyKind::Resource("kms"),
            Severity::Critical,
            "key",
        ));
    }
}

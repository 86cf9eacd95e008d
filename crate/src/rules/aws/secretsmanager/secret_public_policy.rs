use crate::model::{Kind, Provider, Resource};
use crate::policy::PolicyKind;
use crate::report::{Severity, Verdict};
use crate::rules::aws::resource_policy::policy_hit;
use crate::rules::{Context, Fix, Hit, Rule, RuleMeta};

pub struct SecretPublicPolicy;

pub static META: RuleMeta = RuleMeta {
    id: "aws-secretsmanager-secret-public-policy",
    title: "Secrets Manager secret policy allows access to everyone",
    provider: Provider::Aws,
    service: "secretsmanager",
    resource_types: &["AWS::SecretsManager::Secret"],
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags a secret whose resource policy has an `Allow` statement for an anonymous principal (`\"*\"`, `{\"AWS\": \"*\"}`, or `NotPrincipal`) that no condition restricts. A condition restricts only through the catalogue's keys with fixed values (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce`, `aws:SourceIp` ranges that do not cover the internet, and the like). A statement whose conditions use other keys is reported as unknown, one step lower (high), never as safe.",
    why: "A secret is usually a database password, an API key or a private key. If the policy grants `secretsmanager:GetSecretValue` to everyone, any AWS account can read it (the default KMS key of Secrets Manager stops cross-account reads, but a customer-managed key shared as widely does not), and with it reach the system it protects.",
    fix: Fix {
        console: "AWS Secrets Manager → Secrets → the secret → Overview → Resource permissions → Edit permissions: remove the statement with `\"Principal\": \"*\"` or replace it with named roles → Save. \"Block public access\" on the same page refuses such policies.",
        cli: "aws secretsmanager put-resource-policy --secret-id SECRET \\\n  --resource-policy file://secret-policy.json --block-public-policy\n# or remove it:\naws secretsmanager delete-resource-policy --secret-id SECRET",
        terraform: "resource \"aws_secretsmanager_secret_policy\" \"this\" {\n  secret_arn          = aws_secretsmanager_secret.this.arn\n  policy              = data.aws_iam_policy_document.secret.json # named roles, no \"*\"\n  block_public_policy = true\n}",
    },
    remediation: "Remove the anonymous Allow from the secret's resource policy and put policies with --block-public-policy.",
    equivalents: &[],
    references: &[
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/determine-acccess_examine-iam-policies.html",
    ],
};

impl Rule for SecretPublicPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::PolicyHolder(holder) = &resource.kind else { return };
        let kind = PolicyKind::Resource("secretsmanager");
        hits.extend(policy_hit(
            resource,
            &ctx.policies(resource, holder.policy.as_ref()),
            kind,
            Severity::Critical,
            "secret",
        ));
    }
}

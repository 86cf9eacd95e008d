use crate::model::{Kind, Provider, Resource};
use crate::policy::PolicyKind;
use crate::report::{Severity, Verdict};
use crate::rules::aws::resource_policy::policy_hit;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct RepositoryPublicPolicy;

pub static META: RuleMeta = RuleMeta {
    id: "aws-ecr-repository-public-policy",
    title: "ECR repository policy allows access to everyone",
    provider: Provider::Aws,
    service: "ecr",
    resource_types: &["AWS::ECR::Repository"],
    severity: Severity::High,
    verdict: Verdict::Public,
    what: "Flags a private ECR repository whose repository policy has an `Allow` statement for an anonymous principal (`\"*\"`, `{\"AWS\": \"*\"}`, or `NotPrincipal`) that no condition restricts. A condition restricts only through the catalogue's keys with fixed values (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce`, `aws:SourceIp` ranges that do not cover the internet, and the like). A statement whose conditions use other keys is reported as unknown, one step lower (medium), never as safe.",
    why: "Anyone with AWS credentials can then pull the images, which often hold application code, configuration and baked-in secrets; if the statement grants push actions, anyone can replace an image your services will run.",
    fix: Fix {
        console: "Amazon ECR → Private registry → Repositories → the repository → Permissions → Edit policy JSON: replace `\"Principal\": \"*\"` with the accounts that pull, or add an `aws:PrincipalOrgID` condition → Save.",
        cli: "aws ecr set-repository-policy --repository-name REPOSITORY --policy-text file://repo-policy.json\n# or remove the policy entirely:\naws ecr delete-repository-policy --repository-name REPOSITORY",
        terraform: "resource \"aws_ecr_repository_policy\" \"this\" {\n  repository = aws_ecr_repository.this.name\n  policy     = data.aws_iam_policy_document.pull.json # named accounts or aws:PrincipalOrgID\n}",
    },
    remediation: "Remove the anonymous Allow from the repository policy, or restrict it with aws:PrincipalOrgID or named accounts.",
    equivalents: &[Equivalent { tool: "Prowler", id: "ecr_repositories_not_publicly_accessible", same: false }],
    references: &["https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html"],
};

impl Rule for RepositoryPublicPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::PolicyHolder(holder) = &resource.kind else { return };
        hits.extend(policy_hit(
            resource,
            &ctx.policies(resource, holder.policy.as_ref()),
            PolicyKind::Resource("ecr"),
            Severity::High,
            "repository",
        ));
    }
}

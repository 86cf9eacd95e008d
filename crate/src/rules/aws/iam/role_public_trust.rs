use crate::model::{Kind, Provider, Resource, Truth};
use crate::policy::PolicyKind;
use crate::report::{Severity, Verdict};
use crate::rules::aws::resource_policy::{describe_actions, exposure};
use crate::rules::{Context, Fix, Hit, Rule, RuleMeta};

pub struct RolePublicTrust;

pub static META: RuleMeta = RuleMeta {
    id: "aws-iam-role-public-trust",
    title: "IAM role can be assumed by anyone",
    provider: Provider::Aws,
    service: "iam",
    resource_types: &["AWS::IAM::Role"],
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags a role whose trust policy has an `Allow` of `sts:AssumeRole` (or `AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`, `sts:*`, `*`) for an anonymous principal (`\"*\"`, `{\"AWS\": \"*\"}`, an ARN with a wildcard account, or `NotPrincipal`) that no condition restricts. Service principals (`ec2.amazonaws.com`) and federated principals are not anonymous. A condition restricts only through the catalogue's keys with fixed values (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn` with a fixed account, `aws:SourceIp` ranges that do not cover the internet, and the like); `sts:ExternalId` alone does not, since anyone who learns the value can use it, so such a statement is reported as unknown, one step lower (high), never as safe.",
    why: "Whoever can assume the role gets all of its permissions. A trust policy open to `*` hands those permissions to every AWS account in the world, and attackers scan for such roles by guessing common role names.",
    fix: Fix {
        console: "IAM → Roles → the role → Trust relationships → Edit trust policy: replace `\"Principal\": {\"AWS\": \"*\"}` with the account or role ARNs that need it (and `sts:ExternalId` for third parties) → Update policy.",
        cli: "aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust-policy.json",
        terraform: "data \"aws_iam_policy_document\" \"trust\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"AWS\"\n      identifiers = [\"arn:aws:iam::111122223333:root\"] # never \"*\"\n    }\n  }\n}\n\nresource \"aws_iam_role\" \"this\" {\n  name               = \"partner-access\"\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}",
    },
    remediation: "Replace the anonymous principal in the trust policy with the specific accounts or roles that need to assume the role.",
    equivalents: &[],
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#term_trust-policy",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html#access-analyzer-iam-role",
    ],
};

impl Rule for RolePublicTrust {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::IamRole(role) = &resource.kind else { return };
        let Some(trust) = exposure(&role.trust_policy.iter().collect::<Vec<_>>(), PolicyKind::Trust) else { return };
        let name = &resource.name;
        let what = describe_actions(&trust.actions);
        let mut hit = match (trust.truth, trust.unresolved) {
            (Truth::Yes, _) => Hit::new(
                Severity::Critical,
                Verdict::Public,
                format!("the trust policy of role {name} lets anyone assume it ({what}), with no restricting condition"),
            ),
            (_, true) => Hit::unknown(Severity::Critical, format!("the trust policy of role {name} could not be resolved")),
            (_, false) => Hit::unknown(
                Severity::Critical,
                format!("the trust policy of role {name} lets anyone assume it ({what}) under conditions Keyhole cannot judge"),
            )
            .note("A statement lets an anonymous principal assume the role under a condition Keyhole cannot evaluate; check whether it really limits callers to your accounts."),
        };
        hit.evidence = trust.evidence;
        hits.push(hit);
    }
}

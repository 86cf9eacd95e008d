use crate::model::{Kind, Provider, Resource, Truth};
use crate::policy::PolicyKind;
use crate::report::{Severity, Verdict};
use crate::rules::aws::resource_policy::{describe_actions, exposure};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct DomainPublic;

pub static META: RuleMeta = RuleMeta {
    id: "aws-opensearch-domain-public",
    title: "OpenSearch domain is open to the internet",
    provider: Provider::Aws,
    service: "opensearch",
    resource_types: &["AWS::OpenSearch::Domain"],
    severity: Severity::Critical,
    verdict: Verdict::Public,
    what: "Flags an OpenSearch (or Elasticsearch) domain that is not in a VPC, so its endpoint is on the internet, and whose access policy has an `Allow` for an anonymous principal (`\"*\"`, `{\"AWS\": \"*\"}`) that no condition restricts. Only the catalogue's restricting keys count: `aws:SourceIp` ranges that do not cover the internet, `aws:SourceVpc`, `aws:SourceVpce`, `aws:PrincipalOrgID`, `aws:SourceAccount` and the like, with fixed values. A domain in a VPC is not flagged, whatever its policy. When the policy cannot be resolved, or restricts only through keys Keyhole cannot judge, or the VPC setting cannot be resolved, the finding is unknown and one step lower (high).",
    why: "An internet-facing domain with an open access policy answers search and index requests from anyone: every document can be read, changed or deleted. Open Elasticsearch clusters are among the most common sources of large data leaks, and automated scripts wipe them and leave ransom notes.",
    fix: Fix {
        console: "Amazon OpenSearch Service → Domains → the domain → Security configuration → Edit → Access policy: replace the `\"Principal\": {\"AWS\": \"*\"}` statement with one naming your IAM roles, or add an `aws:SourceIp` condition with your own ranges → Save changes. For new domains choose \"VPC access\" under Network.",
        cli: "aws opensearch update-domain-config --domain-name mydomain \\\n  --access-policies file://access-policy.json",
        terraform: "resource \"aws_opensearch_domain_policy\" \"this\" {\n  domain_name     = aws_opensearch_domain.this.domain_name\n  access_policies = data.aws_iam_policy_document.search.json # named roles, no \"*\"\n}\n\nresource \"aws_opensearch_domain\" \"this\" {\n  # ...\n  vpc_options {\n    subnet_ids         = [aws_subnet.private.id]\n    security_group_ids = [aws_security_group.search.id]\n  }\n}",
    },
    remediation: "Restrict the domain's access policy to named principals or your IP ranges, and place the domain in a VPC.",
    equivalents: &[Equivalent { tool: "Prowler", id: "opensearch_service_domains_not_publicly_accessible", same: false }],
    references: &[
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ac.html",
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html",
    ],
};

impl Rule for DomainPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::SearchDomain(domain) = &resource.kind else { return };
        let outside_vpc = match domain.in_vpc.as_ref() {
            Some(in_vpc) => !in_vpc.truth(),
            None => Truth::Unknown,
        };
        if outside_vpc == Truth::No {
            return;
        }
        let Some(policy) = exposure(&ctx.policies(resource, domain.policy.as_ref()), PolicyKind::Resource("es")) else {
            return;
        };
        let truth = outside_vpc.and(policy.truth);
        let what = describe_actions(&policy.actions);
        let name = &resource.name;
        let mut hit = match truth {
            Truth::No => return,
            Truth::Yes => Hit::new(
                Severity::Critical,
                Verdict::Public,
                format!("OpenSearch domain {name} is not in a VPC and its access policy allows {what} to anyone"),
            ),
            Truth::Unknown if policy.unresolved => {
                Hit::unknown(Severity::Critical, format!("the access policy of OpenSearch domain {name} could not be resolved"))
            }
            Truth::Unknown if policy.truth == Truth::Unknown => Hit::unknown(
                Severity::Critical,
                format!("OpenSearch domain {name} allows {what} to anyone under conditions Keyhole cannot judge"),
            )
            .note("A statement lets an anonymous principal in under a condition Keyhole cannot evaluate; check whether it really limits callers to your accounts or networks."),
            Truth::Unknown => Hit::unknown(
                Severity::Critical,
                format!("OpenSearch domain {name} allows {what} to anyone, and whether it sits in a VPC could not be resolved"),
            ),
        };
        match domain.in_vpc.as_ref() {
            Some(in_vpc) if in_vpc.known().is_none() => hit = hit.evidence(&in_vpc.at, "unresolved VPC options"),
            Some(in_vpc) => {
                let note = if in_vpc.provenance == crate::model::Provenance::Defaulted {
                    "no VPCOptions: the endpoint is public"
                } else {
                    "VPCOptions name no VPC: the endpoint is public"
                };
                hit = hit.evidence(&in_vpc.at, note);
            }
            None => hit = hit.note("The domain's VPC options were not in the upload."),
        }
        hit.evidence.extend(policy.evidence);
        hits.push(hit);
    }
}

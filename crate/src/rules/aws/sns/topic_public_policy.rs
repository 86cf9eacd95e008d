use crate::model::{Kind, Provider, Resource};
use crate::policy::PolicyKind;
use crate::report::{Severity, Verdict};
use crate::rules::aws::resource_policy::policy_hit;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct TopicPublicPolicy;

pub static META: RuleMeta = RuleMeta {
    id: "aws-sns-topic-public-policy",
    title: "SNS topic policy allows access to everyone",
    provider: Provider::Aws,
    service: "sns",
    resource_types: &["AWS::SNS::Topic"],
    severity: Severity::High,
    verdict: Verdict::Public,
    what: "Flags a topic whose access policy has an `Allow` statement for an anonymous principal (`\"*\"`, `{\"AWS\": \"*\"}`, or `NotPrincipal`) that no condition restricts. A condition restricts only through the catalogue's keys with fixed values: `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOwner`, `aws:PrincipalOrgID`, `aws:SourceIp` ranges that do not cover the internet, and the like. A statement whose conditions use other keys is reported as unknown, one step lower (medium), never as safe.",
    why: "A public topic lets anyone publish messages that every subscriber trusts (e-mails, SMS, queue and Lambda triggers), or subscribe their own endpoint and receive every notification, which often carries customer and order details.",
    fix: Fix {
        console: "Amazon SNS → Topics → the topic → Edit → Access policy: replace `\"Principal\": {\"AWS\": \"*\"}` with the accounts that publish or subscribe, or add a condition on `aws:SourceOwner` / `aws:SourceArn` → Save changes.",
        cli: "aws sns set-topic-attributes --topic-arn arn:aws:sns:REGION:ACCOUNT:TOPIC \\\n  --attribute-name Policy --attribute-value file://topic-policy.json",
        terraform: "resource \"aws_sns_topic_policy\" \"this\" {\n  arn    = aws_sns_topic.this.arn\n  policy = data.aws_iam_policy_document.topic.json # named principals or aws:SourceOwner\n}",
    },
    remediation: "Remove the anonymous Allow from the topic policy, or restrict it with aws:SourceOwner, aws:SourceArn or aws:PrincipalOrgID.",
    equivalents: &[Equivalent { tool: "Prowler", id: "sns_topics_not_publicly_accessible", same: false }],
    references: &["https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html"],
};

impl Rule for TopicPublicPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::PolicyHolder(holder) = &resource.kind else { return };
        hits.extend(policy_hit(
            resource,
            &ctx.policies(resource, holder.policy.as_ref()),
            PolicyKind::Resource("sns"),
            Severity::High,
            "topic",
        ));
    }
}

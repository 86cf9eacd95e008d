use crate::model::{Kind, Provider, Resource};
use crate::policy::PolicyKind;
use crate::report::{Severity, Verdict};
use crate::rules::aws::resource_policy::policy_hit;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

pub struct QueuePublicPolicy;

pub static META: RuleMeta = RuleMeta {
    id: "aws-sqs-queue-public-policy",
    title: "SQS queue policy allows access to everyone",
    provider: Provider::Aws,
    service: "sqs",
    resource_types: &["AWS::SQS::Queue"],
    severity: Severity::High,
    verdict: Verdict::Public,
    what: "Flags a queue whose access policy has an `Allow` statement for an anonymous principal (`\"*\"`, `{\"AWS\": \"*\"}`, or `NotPrincipal`) that no condition restricts. A condition restricts only through the catalogue's keys with fixed values: `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceVpce`, `aws:PrincipalOrgID`, `aws:SourceIp` ranges that do not cover the internet, and the like. A statement whose conditions use other keys is reported as unknown, one step lower (medium), never as safe.",
    why: "A public queue lets anyone send messages into your application (injecting jobs or payloads it trusts), read and delete the messages meant for your workers, or purge the queue. Queues often carry order, customer and payment events.",
    fix: Fix {
        console: "Amazon SQS → Queues → the queue → Access policy → Edit: replace `\"Principal\": \"*\"` with the accounts or roles that use the queue, or, for an SNS or S3 sender, keep the service principal and add a condition on `aws:SourceArn` → Save.",
        cli: "aws sqs set-queue-attributes --queue-url https://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE \\\n  --attributes file://queue-policy.json   # {\"Policy\": \"<policy without the anonymous Allow>\"}",
        terraform: "resource \"aws_sqs_queue_policy\" \"this\" {\n  queue_url = aws_sqs_queue.this.id\n  policy    = data.aws_iam_policy_document.queue.json\n}\n\ndata \"aws_iam_policy_document\" \"queue\" {\n  statement {\n    actions   = [\"sqs:SendMessage\"]\n    resources = [aws_sqs_queue.this.arn]\n    principals {\n      type        = \"Service\"\n      identifiers = [\"sns.amazonaws.com\"]\n    }\n    condition {\n      test     = \"ArnEquals\"\n      variable = \"aws:SourceArn\"\n      values   = [aws_sns_topic.this.arn]\n    }\n  }\n}",
    },
    remediation: "Remove the anonymous Allow from the queue policy, or restrict it with aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID.",
    equivalents: &[Equivalent { tool: "Prowler", id: "sqs_queues_not_publicly_accessible", same: false }],
    references: &["https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-using-identity-based-policies.html"],
};

impl Rule for QueuePublicPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::PolicyHolder(holder) = &resource.kind else { return };
        hits.extend(policy_hit(
            resource,
            &ctx.policies(resource, holder.policy.as_ref()),
            PolicyKind::Resource("sqs"),
            Severity::High,
            "queue",
        ));
    }
}

use crate::model::{Kind, Provider, Resource};
use crate::policy::PolicyKind;
use crate::report::{Severity, Verdict};
use crate::rules::aws::resource_policy::policy_hit;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::FUNCTION_TYPES;

pub struct FunctionPublicPolicy;

pub static META: RuleMeta = RuleMeta {
    id: "aws-lambda-function-public-policy",
    title: "Lambda function policy allows access to everyone",
    provider: Provider::Aws,
    service: "lambda",
    resource_types: FUNCTION_TYPES,
    severity: Severity::High,
    verdict: Verdict::Public,
    what: "Flags a function whose resource-based policy has an `Allow` statement for an anonymous principal (`\"*\"`, `{\"AWS\": \"*\"}`, or `NotPrincipal`) that no condition restricts. Permissions added for a service (`s3.amazonaws.com`, `events.amazonaws.com`) with `aws:SourceArn` or `aws:SourceAccount` are restricted and not flagged. A statement whose conditions use other keys (such as `lambda:FunctionUrlAuthType` alone) is reported as unknown, one step lower (medium), never as safe.",
    why: "Anyone with an AWS account can then invoke the function (running your code with its role's permissions and at your cost), or, with broader actions, read its code and configuration, including environment variables that often hold secrets.",
    fix: Fix {
        console: "Lambda → Functions → the function → Configuration → Permissions → Resource-based policy statements: delete the statement whose principal is `*`, and add it back with the principal and source ARN of the service or account that calls the function.",
        cli: "aws lambda remove-permission --function-name FUNCTION --statement-id STATEMENT_ID\naws lambda add-permission --function-name FUNCTION --statement-id s3-invoke \\\n  --action lambda:InvokeFunction --principal s3.amazonaws.com \\\n  --source-arn arn:aws:s3:::BUCKET --source-account ACCOUNT",
        terraform: "resource \"aws_lambda_permission\" \"s3\" {\n  statement_id   = \"s3-invoke\"\n  action         = \"lambda:InvokeFunction\"\n  function_name  = aws_lambda_function.this.function_name\n  principal      = \"s3.amazonaws.com\"\n  source_arn     = aws_s3_bucket.this.arn\n  source_account = data.aws_caller_identity.current.account_id\n}",
    },
    remediation: "Remove the anonymous statement from the function policy; grant invoke to specific services or accounts with a source ARN.",
    equivalents: &[Equivalent { tool: "Prowler", id: "awslambda_function_not_publicly_accessible", same: false }],
    references: &["https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html"],
};

impl Rule for FunctionPublicPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::LambdaFunction(function) = &resource.kind else { return };
        hits.extend(policy_hit(
            resource,
            &ctx.policies(resource, function.policy.as_ref()),
            PolicyKind::Resource("lambda"),
            Severity::High,
            "function",
        ));
    }
}

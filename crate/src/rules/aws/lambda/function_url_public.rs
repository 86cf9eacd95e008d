use crate::model::{Kind, Provider, Resource};
use crate::report::{Severity, Verdict};
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::FUNCTION_TYPES;

pub struct FunctionUrlPublic;

pub static META: RuleMeta = RuleMeta {
    id: "aws-lambda-function-url-public",
    title: "Lambda function URL requires no authentication",
    provider: Provider::Aws,
    service: "lambda",
    resource_types: FUNCTION_TYPES,
    severity: Severity::Medium,
    verdict: Verdict::Exposed,
    what: "Flags a function URL whose `AuthType` is `NONE`: anyone who knows the URL can call the function over HTTPS without signing the request. (Lambda also wants a resource-policy statement granting `lambda:InvokeFunctionUrl` to `*`, which the console adds by itself when you choose NONE.) URLs with `AWS_IAM` are not flagged. When the auth type cannot be resolved, the finding is unknown and one step lower (low). This is often intended, for webhooks and public APIs; the finding asks you to confirm that the function does its own authentication.",
    why: "An unauthenticated URL is a public HTTP endpoint for code that runs with the function's IAM role. Unless the function checks callers itself, anyone can trigger it, read what it returns and run up its cost; function URLs are easy to create and then forget.",
    fix: Fix {
        console: "Lambda → Functions → the function → Configuration → Function URL → Edit → Auth type: AWS_IAM → Save. Or put the function behind API Gateway with an authorizer and delete the URL.",
        cli: "aws lambda update-function-url-config --function-name FUNCTION --auth-type AWS_IAM\n# or remove the URL:\naws lambda delete-function-url-config --function-name FUNCTION",
        terraform: "resource \"aws_lambda_function_url\" \"this\" {\n  function_name      = aws_lambda_function.this.function_name\n  authorization_type = \"AWS_IAM\"\n}",
    },
    remediation: "Set the function URL's auth type to AWS_IAM, or make sure the function authenticates every caller itself.",
    equivalents: &[Equivalent { tool: "Prowler", id: "awslambda_function_url_public", same: true }],
    references: &["https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"],
};

impl Rule for FunctionUrlPublic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::LambdaFunction(function) = &resource.kind else { return };
        let Some(auth) = &function.url_auth_type else { return };
        match auth.known() {
            Some(kind) if kind.eq_ignore_ascii_case("NONE") => hits.push(
                Hit::new(
                    Severity::Medium,
                    Verdict::Exposed,
                    format!("the function URL of {} requires no authentication (AuthType NONE)", resource.name),
                )
                .evidence(&auth.at, "AuthType NONE: anyone with the URL can invoke the function")
                .note("Function URLs without authentication are sometimes intended (webhooks, public APIs); confirm the function checks its callers itself."),
            ),
            Some(_) => {}
            None => hits.push(
                Hit::unknown(
                    Severity::Medium,
                    format!("the auth type of the function URL of {} could not be resolved", resource.name),
                )
                .evidence(&auth.at, "unresolved AuthType"),
            ),
        }
    }
}

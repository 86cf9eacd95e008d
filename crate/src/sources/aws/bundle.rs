//! The Keyhole AWS export bundle (`keyhole-aws-export/1`, docs/aws-export-bundle.md):
//! raw CLI outputs, each with the call that produced it.

use crate::model::Gap;
use crate::sources::{Collector, Node};

use super::cli::{adapt_answer, adapt_call, Call};

pub const MARKER: &str = "aws-export/1";

pub fn is_bundle(root: &Node) -> bool {
    root.get("keyhole").and_then(|k| k.str()) == Some(MARKER)
}

/// The error code of a failed call: `{"code": ...}`, or found in the CLI's
/// `An error occurred (Code) when calling ...` text.
fn error_code(error: &Node) -> (String, String) {
    if let Some(code) = error.get_ci("code").and_then(|c| c.string()) {
        let message = error.get_ci("message").and_then(|m| m.string()).unwrap_or_default();
        return (code, message);
    }
    let text = error.string().unwrap_or_default();
    let code = text
        .split_once("An error occurred (")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(code, _)| code.to_string())
        .unwrap_or_else(|| "Error".to_string());
    (code, text.trim().to_string())
}

/// The bundle's own identity fields, which every call inherits.
pub struct Scope {
    pub account: Option<String>,
    pub region: Option<String>,
}

/// The account from `sts get-caller-identity`, when the bundle does not say.
pub fn caller_account(call: &Node) -> Option<String> {
    (call.get("operation")?.str()? == "get-caller-identity").then_some(())?;
    call.get("output")?.get("Account")?.string()
}

pub fn adapt(root: &Node, collector: &mut Collector) {
    let calls: Vec<Node> = collector.records(root, "calls");
    let scope = Scope {
        account: root.get("account").and_then(|a| a.string()).or_else(|| calls.iter().find_map(caller_account)),
        region: root.get("region").and_then(|r| r.string()),
    };
    if !root.has("calls") {
        collector.note("The bundle holds no `calls` list, so there was nothing to audit.");
    }
    for entry in &calls {
        adapt_entry(entry, &scope, collector);
    }
}

/// One element of `calls`.
pub fn adapt_entry(entry: &Node, scope: &Scope, collector: &mut Collector) {
    let text = |key: &str| entry.get(key).and_then(|n| n.str());
    let (Some(service), Some(operation)) = (text("service"), text("operation")) else {
        collector.skip(&entry.at, "call without `service` and `operation`");
        return;
    };
    let output = entry.get("output").or_else(|| entry.get("error"));
    let Some(output) = output else {
        collector.skip(&entry.at, "call with neither `output` nor `error`");
        return;
    };
    // AWS CLI JSON output is an object; anything else holds nothing Keyhole can read.
    if let Some(output) = entry.get("output").filter(|o| !o.value.is_object()) {
        let what = crate::sources::kind(output.value);
        collector.skip(
            &output.at,
            format!(
                "the output of {service} {operation} should be an object, but it is {what}: nothing in it was read"
            ),
        );
        return;
    }
    let call = Call {
        service,
        operation,
        params: entry.get("params"),
        output,
        account: entry.get("account").and_then(|a| a.string()).or_else(|| scope.account.clone()),
        region: entry.get("region").and_then(|r| r.string()).or_else(|| scope.region.clone()),
    };
    if entry.get("output").is_none() {
        let (code, message) = error_code(&call.output);
        if !adapt_answer(&call, &code, collector) {
            collector.gap(Gap {
                account: call.account.clone(),
                region: call.region.clone(),
                what: format!("{service} {operation}{}", describe_params(&call)),
                reason: format!("the export call failed with {code}: {message}"),
                command: Some(call.command()),
                file: None,
            });
        }
        return;
    }
    if !adapt_call(&call, collector) {
        collector.skip(&entry.at, format!("{service} {operation} is not read by Keyhole"));
    }
}

fn describe_params(call: &Call) -> String {
    let values: Vec<String> =
        call.params.iter().flat_map(|p| p.entries().filter_map(|(_, v)| v.string()).collect::<Vec<_>>()).collect();
    if values.is_empty() {
        String::new()
    } else {
        format!(" for {}", values.join(", "))
    }
}

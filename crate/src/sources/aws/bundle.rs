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

pub fn adapt(root: &Node, collector: &mut Collector) {
    let calls: Vec<Node> = root.get("calls").map(|c| c.items().collect()).unwrap_or_default();
    // The account: the bundle's own field, else `sts get-caller-identity`.
    let account = root.get("account").and_then(|a| a.string()).or_else(|| {
        calls.iter().find_map(|c| {
            (c.get("operation")?.str()? == "get-caller-identity").then_some(())?;
            c.get("output")?.get("Account")?.string()
        })
    });
    let region = root.get("region").and_then(|r| r.string());
    if root.get("calls").is_none() {
        collector.note("The bundle holds no `calls` list, so there was nothing to audit.");
    }
    for entry in calls {
        let text = |key: &str| entry.get(key).and_then(|n| n.str());
        let (Some(service), Some(operation)) = (text("service"), text("operation")) else {
            collector.skip(&entry.at, "call without `service` and `operation`");
            continue;
        };
        let output = entry.get("output").or_else(|| entry.get("error"));
        let Some(output) = output else {
            collector.skip(&entry.at, "call with neither `output` nor `error`");
            continue;
        };
        let call = Call {
            service,
            operation,
            params: entry.get("params"),
            output,
            account: entry.get("account").and_then(|a| a.string()).or_else(|| account.clone()),
            region: entry.get("region").and_then(|r| r.string()).or_else(|| region.clone()),
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
            continue;
        }
        if !adapt_call(&call, collector) {
            collector.skip(&entry.at, format!("{service} {operation} is not read by Keyhole"));
        }
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

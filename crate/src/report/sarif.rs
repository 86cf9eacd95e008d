//! SARIF 2.1.0, for code-scanning dashboards. Rule metadata goes into
//! `tool.driver.rules`; each finding's pointer becomes a logical location.

use serde_json::{json, Value};

use super::{Report, Severity};
use crate::rules;

/// A file name as a SARIF `uri-reference`: forward slashes, and every byte
/// outside RFC 3986's unreserved set, `/` and `(`/`)` percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/()".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` scale (0–10).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

pub fn to_sarif(report: &Report) -> String {
    let catalogue = rules::catalogue();
    let driver_rules: Vec<Value> = catalogue
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.title,
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": r.what },
                "help": { "text": r.remediation, "markdown": r.to_markdown() },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "tags": ["security", r.service.as_str()],
                    "security-severity": security_severity(r.severity),
                },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let locations: Vec<Value> = f
                .evidence
                .iter()
                .map(|e| {
                    let mut pointer = e.pointer.clone();
                    if let Some(inner) = &e.inner {
                        pointer = format!("{pointer} (inner {inner})");
                    }
                    let mut physical = json!({ "artifactLocation": { "uri": uri(&e.file) } });
                    if let (Some(line), Some(column)) = (e.line, e.column) {
                        physical["region"] = json!({ "startLine": line, "startColumn": column });
                    }
                    json!({
                        "physicalLocation": physical,
                        "logicalLocations": [{ "name": f.resource.name, "fullyQualifiedName": pointer, "kind": "resource" }],
                        "message": { "text": e.note },
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": locations,
                "partialFingerprints": { "keyhole/v1": format!("{}|{}", f.rule, f.resource.id) },
                "properties": {
                    "severity": f.severity.as_str(),
                    "verdict": f.verdict,
                    "resource": f.resource,
                    "sensitive": f.sensitive,
                    "notes": f.notes,
                    "security-severity": security_severity(f.severity),
                },
            });
            if let Some(index) = catalogue.iter().position(|r| r.id == f.rule) {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .inputs
        .iter()
        .filter_map(|i| {
            i.error.as_ref().map(|e| {
                json!({
                    "level": "error",
                    "message": { "text": format!("{}: {e}", i.file) },
                    "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&i.file) } } }],
                })
            })
        })
        .collect();
    let artifacts: Vec<Value> = report.inputs.iter().map(|i| json!({ "location": { "uri": uri(&i.file) } })).collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "keyhole",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": "https://github.com/keyhole-audit/keyhole",
                "rules": driver_rules,
            }},
            "artifacts": artifacts,
            "invocations": [{
                "executionSuccessful": !report.has_input_errors(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(uri("exports/dealer export (1).json"), "exports/dealer%20export%20(1).json");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("C:\\exports\\a.json"), "C%3A/exports/a.json");
        assert_eq!(uri("caf\u{e9}.json"), "caf%C3%A9.json");
    }
}

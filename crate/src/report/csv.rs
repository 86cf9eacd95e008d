//! CSV: one row per finding, for spreadsheets.

use super::Report;

const HEADER: &[&str] = &[
    "severity",
    "verdict",
    "rule",
    "title",
    "resource_type",
    "resource_name",
    "resource_id",
    "account",
    "region",
    "message",
    "file",
    "pointer",
    "sensitive",
    "remediation",
];

/// Quotes a cell (RFC 4180) and defuses spreadsheet formulas: resource
/// names are chosen by whoever created the resource, and a cell starting
/// with `=`, `+`, `-` or `@` would run as a formula when opened.
fn cell(text: &str) -> String {
    let defused =
        if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

pub fn to_csv(report: &Report) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for f in &report.findings {
        let first = f.evidence.first();
        let verdict =
            serde_json::to_value(f.verdict).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        let row = [
            f.severity.as_str().to_string(),
            verdict,
            f.rule.to_string(),
            f.title.to_string(),
            f.resource.type_name.clone(),
            f.resource.name.clone(),
            f.resource.id.clone(),
            f.resource.account.clone().unwrap_or_default(),
            f.resource.region.clone().unwrap_or_default(),
            f.message.clone(),
            first.map(|e| e.file.clone()).unwrap_or_default(),
            first.map(|e| e.pointer.clone()).unwrap_or_default(),
            f.sensitive.join(" "),
            f.remediation.to_string(),
        ];
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn quotes_and_defuses() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
    }
}

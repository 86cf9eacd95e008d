//! The text report, for people at a terminal: grouped by severity, worst
//! first, with a summary line. Colour only when asked (on a terminal).

use super::{Report, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextStyle {
    Plain,
    Color,
}

fn paint(style: TextStyle, code: &str, text: &str) -> String {
    match style {
        TextStyle::Plain => text.to_string(),
        TextStyle::Color => format!("\x1b[{code}m{text}\x1b[0m"),
    }
}

fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    }
}

pub fn to_text(report: &Report, style: TextStyle) -> String {
    let mut out = String::new();
    for severity in Severity::ALL {
        let findings: Vec<_> = report.findings.iter().filter(|f| f.severity == severity).collect();
        if findings.is_empty() {
            continue;
        }
        let heading = format!("{} ({})", severity.as_str().to_uppercase(), findings.len());
        out.push_str(&paint(style, colour(severity), &heading));
        out.push('\n');
        for f in findings {
            let place = [f.resource.account.as_deref(), f.resource.region.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            out.push_str(&format!(
                "  {}  {} ({}{})\n",
                paint(style, "1", &f.rule),
                f.resource.name,
                f.resource.type_name,
                if place.is_empty() { String::new() } else { format!(", {place}") }
            ));
            out.push_str(&format!("    {}\n", f.message));
            for e in &f.evidence {
                let inner = e.inner.as_ref().map(|i| format!(" → {i}")).unwrap_or_default();
                let place = match (e.line, e.column) {
                    (Some(line), Some(column)) => format!(" (line {line}, column {column})"),
                    _ => String::new(),
                };
                out.push_str(&format!("    at {} {}{inner}{place}: {}\n", e.file, e.pointer, e.note));
            }
            if !f.sensitive.is_empty() {
                out.push_str(&format!("    may hold personal data: {}\n", f.sensitive.join(", ")));
            }
            for note in &f.notes {
                out.push_str(&format!("    note: {note}\n"));
            }
            out.push_str(&format!("    fix: {}\n", f.remediation));
        }
        out.push('\n');
    }
    out.push_str("Inputs\n");
    for input in &report.inputs {
        match &input.error {
            Some(error) => out.push_str(&format!("  {}: {} {error}\n", input.file, paint(style, "1;31", "error:"))),
            None => out.push_str(&format!(
                "  {}: {}, {} resources{}\n",
                input.file,
                input.format.as_deref().unwrap_or("?"),
                input.resources,
                if input.skipped.is_empty() { String::new() } else { format!(", {} skipped", input.skipped.len()) }
            )),
        }
        for note in &input.notes {
            out.push_str(&format!("    note: {note}\n"));
        }
    }
    if !report.unchecked.is_empty() {
        out.push_str("\nNot checked\n");
        for u in &report.unchecked {
            let account = u.account.as_deref().map(|a| format!(" (account {a})")).unwrap_or_default();
            out.push_str(&format!("  {}{account}: {}\n", u.what, u.reason));
            if let Some(command) = &u.command {
                out.push_str(&format!("    export it with: {command}\n"));
            }
        }
    }
    let s = &report.summary;
    let errors = report.inputs.iter().filter(|i| i.error.is_some()).count();
    out.push_str(&format!(
        "\n{} critical, {} high, {} medium, {} low, {} info: {} findings in {} file{}{}\n",
        s.critical,
        s.high,
        s.medium,
        s.low,
        s.info,
        s.total(),
        report.inputs.len(),
        if report.inputs.len() == 1 { "" } else { "s" },
        if errors > 0 { format!(" ({errors} could not be read)") } else { String::new() }
    ));
    out
}

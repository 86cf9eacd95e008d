//! The report: Keyhole's public output contract (`keyhole-report/1`), shared
//! by the CLI, the npm API and the page, and its renderings.

mod csv;
mod sarif;
mod text;

use serde::{Deserialize, Serialize};

pub use self::csv::to_csv;
pub use sarif::to_sarif;
pub use text::{to_text, TextStyle};

pub const SCHEMA: &str = "keyhole-report/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    // Declared from most to least severe, so sorting puts the worst first.
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(text))
    }

    /// One step more severe, up to critical.
    pub fn raised(self) -> Severity {
        match self {
            Severity::Critical | Severity::High => Severity::Critical,
            Severity::Medium => Severity::High,
            Severity::Low => Severity::Medium,
            Severity::Info => Severity::Low,
        }
    }

    /// One step less severe, down to info.
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }

    /// True when `self` is at least as severe as `threshold`.
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Readable or writable by anyone on the internet.
    Public,
    /// Reachable from the internet, such as an open port.
    Exposed,
    /// A hygiene gap: no encryption, no logging.
    Weak,
    /// A layer could not be resolved; the finding says which.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub pointer: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputSummary {
    pub file: String,
    /// The detected format, or `null` when the file could not be read.
    pub format: Option<String>,
    pub resources: usize,
    pub skipped: Vec<Skipped>,
    pub error: Option<String>,
    /// Things worth knowing about how the file was read, such as "decoded
    /// as UTF-16LE text written by Windows PowerShell".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    pub provider: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub id: String,
    pub name: String,
    pub account: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    pub file: String,
    pub pointer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner: Option<String>,
    /// 1-based line and column, for inputs that are not JSON (YAML templates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub note: String,
}

/// Text that is usually a rule's static metadata: borrowed, so a report with
/// a hundred thousand findings does not copy each rule's title and
/// remediation a hundred thousand times.
pub type Text = std::borrow::Cow<'static, str>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Text,
    pub severity: Severity,
    pub verdict: Verdict,
    pub title: Text,
    pub message: String,
    pub resource: ResourceRef,
    pub evidence: Vec<Evidence>,
    pub sensitive: Vec<String>,
    pub remediation: Text,
    /// Caveats, such as the layer that could not be resolved or was not in
    /// the upload.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A layer the upload did not let Keyhole check, said once per account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unchecked {
    pub account: Option<String>,
    pub region: Option<String>,
    pub what: String,
    pub reason: String,
    pub command: Option<String>,
    pub file: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl Summary {
    pub fn count(&mut self, severity: Severity) {
        *self.slot(severity) += 1;
    }

    fn slot(&mut self, severity: Severity) -> &mut usize {
        match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }

    pub fn get(&self, severity: Severity) -> usize {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    pub fn total(&self) -> usize {
        Severity::ALL.iter().map(|s| self.get(*s)).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub tool: Tool,
    pub inputs: Vec<InputSummary>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Layers not seen in the upload, or calls that failed during export.
    #[serde(default)]
    pub unchecked: Vec<Unchecked>,
}

impl Report {
    /// True when some input could not be read or understood.
    pub fn has_input_errors(&self) -> bool {
        self.inputs.iter().any(|i| i.error.is_some())
    }

    /// The CLI's exit code, as report.md defines it.
    pub fn exit_code(&self, fail_on: Severity) -> i32 {
        if self.has_input_errors() {
            2
        } else if self.findings.iter().any(|f| f.severity.at_least(fail_on)) {
            1
        } else {
            0
        }
    }

    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }
}

/// The output formats every front end offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Sarif,
    Csv,
    Text,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        Some(match text.to_ascii_lowercase().as_str() {
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "csv" => Format::Csv,
            "text" => Format::Text,
            _ => return None,
        })
    }
}

/// Renders a report in the given format (text without colour).
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Json => report.to_json(),
        Format::Sarif => to_sarif(report),
        Format::Csv => to_csv(report),
        Format::Text => to_text(report, TextStyle::Plain),
    }
}

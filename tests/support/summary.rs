//! Fixture files audited together, and findings compared apart from file and
//! pointer, for the tests that check one setup across formats (`tests/azure.rs`, `tests/equivalence.rs`).

use std::collections::BTreeSet;
use std::path::Path;

use keyhole::report::{Finding, Report};
use keyhole::{audit, InputFile, Options};

/// A fixture file, named by its path below `root`, with its bytes.
pub fn read(root: &Path, path: &Path) -> (String, Vec<u8>) {
    let name = path.strip_prefix(root).unwrap_or(path).to_string_lossy().to_string();
    (name, std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Audits named files together, with the default options.
pub fn run(files: &[(String, Vec<u8>)]) -> Report {
    let inputs: Vec<InputFile> = files.iter().map(|(name, bytes)| InputFile { name, bytes }).collect();
    audit(&inputs, &Options::default())
}

/// A finding apart from file and pointer: (rule, resource, verdict, severity).
pub type Summary = (String, String, String, String);

/// Every finding of the report, its resource named by `resource`.
pub fn summaries(report: &Report, resource: impl Fn(&Finding) -> String) -> BTreeSet<Summary> {
    report
        .findings
        .iter()
        .map(|f| {
            let verdict = serde_json::to_value(f.verdict).ok().and_then(|v| v.as_str().map(str::to_string));
            (f.rule.to_string(), resource(f), verdict.unwrap_or_default(), f.severity.as_str().to_string())
        })
        .collect()
}

pub fn s(rule: &str, resource: &str, verdict: &str, severity: &str) -> Summary {
    (rule.into(), resource.into(), verdict.into(), severity.into())
}

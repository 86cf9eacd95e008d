//! The core issue's acceptance scenario: one dealership account spread over
//! an AWS Config snapshot (gzipped), a select-resource-config output,
//! separate CLI outputs and a Keyhole bundle, audited as one upload. Every
//! resource gets exactly the exposure verdicts `expected.json` states, and
//! the look-alikes stay quiet. Also the demo export against its README.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use keyhole::report::Report;
use keyhole::{audit, InputFile, Options};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expectation {
    resource: String,
    #[serde(rename = "type")]
    type_name: String,
    expect: BTreeMap<String, String>,
    #[serde(default)]
    not: Vec<String>,
    why: String,
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn audit_dir(dir: &Path) -> Report {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            (name.ends_with(".json") || name.ends_with(".json.gz")) && name != "expected.json"
        })
        .collect();
    paths.sort();
    let loaded: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read(p).unwrap()))
        .collect();
    let files: Vec<InputFile> = loaded.iter().map(|(n, b)| InputFile { name: n, bytes: b }).collect();
    audit(&files, &Options::default())
}

/// The rules whose verdict `expected.json` pins for every resource.
fn exposure_rules(expectations: &[Expectation]) -> BTreeSet<String> {
    expectations.iter().flat_map(|e| e.expect.keys().chain(e.not.iter()).cloned()).collect()
}

#[test]
fn mixed_upload_gives_the_right_verdict_for_every_resource() {
    let dir = repo("tests/fixtures/aws/mixed");
    let expectations: Vec<Expectation> =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let report = audit_dir(&dir);
    for input in &report.inputs {
        assert!(input.error.is_none(), "{}: {:?}", input.file, input.error);
    }
    let formats: BTreeSet<&str> = report.inputs.iter().filter_map(|i| i.format.as_deref()).collect();
    for format in ["aws-config-snapshot", "aws-config-items", "keyhole-aws-export", "aws-cli-describe-security-groups"]
    {
        assert!(formats.contains(format), "no input was read as {format}: {formats:?}");
    }
    let rules = exposure_rules(&expectations);
    let mut failures = Vec::new();
    let mut accounted = BTreeSet::new();
    for e in &expectations {
        let found: BTreeMap<&str, String> = report
            .findings
            .iter()
            .filter(|f| f.resource.name == e.resource && f.resource.type_name == e.type_name)
            .map(|f| (&*f.rule, serde_json::to_value(f.verdict).unwrap().as_str().unwrap().to_string()))
            .collect();
        for (rule, verdict) in &e.expect {
            match found.get(rule.as_str()) {
                Some(v) if v == verdict => {}
                other => failures.push(format!(
                    "{} {}: expected {rule} = {verdict}, got {other:?} ({})",
                    e.type_name, e.resource, e.why
                )),
            }
            accounted.insert((e.resource.clone(), rule.clone()));
        }
        for rule in &e.not {
            if let Some(v) = found.get(rule.as_str()) {
                failures.push(format!("{} {}: {rule} must not fire, got {v} ({})", e.type_name, e.resource, e.why));
            }
        }
    }
    for f in report.findings.iter().filter(|f| rules.contains(&*f.rule)) {
        if !accounted.contains(&(f.resource.name.clone(), f.rule.to_string())) {
            failures.push(format!(
                "unexpected {} on {} ({}): {}",
                f.rule, f.resource.name, f.resource.type_name, f.message
            ));
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn demo_export_reads_cleanly_and_shows_the_toyota_exposures() {
    let bytes = std::fs::read(repo("demo/dealership-aws.json")).unwrap();
    let report = audit(&[InputFile { name: "dealership-aws.json", bytes: &bytes }], &Options::default());
    let input = &report.inputs[0];
    assert_eq!(input.error, None);
    assert_eq!(input.format.as_deref(), Some("keyhole-aws-export"));
    assert!(input.resources >= 25, "{input:?}");
    let public: Vec<_> = report.findings.iter().filter(|f| f.rule.starts_with("aws-s3-bucket-public")).collect();
    assert!(public.iter().any(|f| !f.sensitive.is_empty() && f.severity == keyhole::report::Severity::Critical));
    assert!(report.summary.critical >= 3, "{:?}", report.summary);
    assert!(!report.unchecked.is_empty(), "the demo's failed call should be listed as not checked");
}

//! Per-rule fixtures: `tests/fixtures/rules/<rule-id>/` holds `valid*.json`
//! files on which the rule must stay silent, `invalid*.json` files on which it
//! must fire, and `expected.json` giving, for each invalid file, exactly the
//! findings expected: `{"invalid.json": [{"resource": "name", "verdict":
//! "public", "severity": "critical"}]}`. Counts are asserted first. Every
//! rule in the registry must have both kinds of fixture.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use keyhole::report::Finding;
use keyhole::{audit, rules, InputFile, Options};
use serde::Deserialize;

#[derive(Deserialize, Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Expected {
    resource: String,
    verdict: String,
    severity: String,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/rules")
}

fn run(path: &Path) -> keyhole::report::Report {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    audit(&[InputFile { name: &name, bytes: &bytes }], &Options::default())
}

fn summary(f: &Finding) -> Expected {
    Expected {
        resource: f.resource.name.clone(),
        verdict: serde_json::to_value(f.verdict).unwrap().as_str().unwrap().to_string(),
        severity: f.severity.as_str().to_string(),
    }
}

fn files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    out.sort();
    out
}

#[test]
fn every_rule_fires_on_its_invalid_fixtures_and_only_there() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in rules::registry() {
        let id = rule.meta().id;
        let dir = fixtures().join(id);
        if !dir.is_dir() {
            failures.push(format!("{id}: no fixture directory {}", dir.display()));
            continue;
        }
        let expected: BTreeMap<String, Vec<Expected>> = serde_json::from_slice(
            &std::fs::read(dir.join("expected.json")).unwrap_or_else(|_| panic!("{id}: expected.json missing")),
        )
        .unwrap_or_else(|e| panic!("{id}: expected.json: {e}"));
        let valid = files(&dir, "valid");
        let invalid = files(&dir, "invalid");
        if valid.is_empty() || invalid.is_empty() {
            failures.push(format!("{id}: needs valid*.json and invalid*.json fixtures"));
        }
        for path in valid {
            let report = run(&path);
            assert!(report.inputs.iter().all(|i| i.error.is_none()), "{}: {:?}", path.display(), report.inputs);
            let hits: Vec<_> = report.findings.iter().filter(|f| f.rule == id).collect();
            if !hits.is_empty() {
                failures.push(format!(
                    "{id}: {} should not fire but gave {:?}",
                    path.display(),
                    hits.iter().map(|f| &f.message).collect::<Vec<_>>()
                ));
            }
            checked += 1;
        }
        for path in invalid {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let report = run(&path);
            assert!(report.inputs.iter().all(|i| i.error.is_none()), "{}: {:?}", path.display(), report.inputs);
            let mut got: Vec<Expected> = report.findings.iter().filter(|f| f.rule == id).map(summary).collect();
            let mut want =
                expected.get(&name).cloned().unwrap_or_else(|| panic!("{id}: expected.json has no entry for {name}"));
            if got.len() != want.len() {
                failures.push(format!("{id}: {name}: expected {} findings, got {}: {got:?}", want.len(), got.len()));
                continue;
            }
            got.sort();
            want.sort();
            if got != want {
                failures.push(format!("{id}: {name}: expected {want:?}, got {got:?}"));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} rule fixture failures:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 2 * rules::registry().len(), "too few fixtures checked: {checked}");
}

/// Resolves an RFC 6901 pointer, and an inner pointer inside a JSON string.
fn resolve<'a>(root: &'a serde_json::Value, pointer: &str) -> Option<&'a serde_json::Value> {
    root.pointer(pointer)
}

#[test]
fn every_evidence_pointer_resolves_on_its_input() {
    let mut checked = 0;
    for rule in rules::registry() {
        let dir = fixtures().join(rule.meta().id);
        for path in files(&dir, "invalid") {
            let report = run(&path);
            let text = std::fs::read_to_string(&path).unwrap();
            let root: serde_json::Value = serde_json::from_str(&text).unwrap();
            for finding in &report.findings {
                for e in &finding.evidence {
                    let value = resolve(&root, &e.pointer).unwrap_or_else(|| {
                        panic!("{}: pointer {} does not resolve ({})", path.display(), e.pointer, finding.rule)
                    });
                    if let Some(inner) = &e.inner {
                        let embedded: serde_json::Value = serde_json::from_str(value.as_str().unwrap_or_else(|| {
                            panic!("{}: pointer {} has an inner pointer but is not a string", path.display(), e.pointer)
                        }))
                        .unwrap();
                        assert!(
                            resolve(&embedded, inner).is_some(),
                            "{}: inner pointer {inner} does not resolve inside {}",
                            path.display(),
                            e.pointer
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0);
}

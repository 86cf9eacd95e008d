//! Conformance with policyuniverse's `is_internet_accessible()` verdicts.
//!
//! Runs every case under the shared corpus's `policyuniverse/` folder
//! (`<corpus>/policyuniverse/<case_id>/{input.json,expected.json}`). Format
//! `iam-policy` is a whole policy; `iam-policy-statement` is one statement,
//! wrapped as `{"Statement": [statement]}`.
//!
//! `flag` (policyuniverse says internet-accessible) matches `Access::Public`;
//! `clean` matches `Access::NotPublic`. Anything else is a deviation, and every
//! deviation must be listed with its reason in
//! `fixtures/policy/policyuniverse-deviations.json`. The test fails on an
//! undocumented deviation, and on a listed one that no longer deviates.
//!
//! The corpus is found at `$KEYHOLE_CORPUS_DIR`, else at `../shared/corpus`
//! beside the repository. When it is missing the test is skipped with a
//! message, unless `CI=true`, when it fails.

use keyhole::policy::{evaluate, Access, PolicyKind};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

fn corpus_dir() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("KEYHOLE_CORPUS_DIR") {
        candidates.push(PathBuf::from(dir));
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // The crate lives in <repo>/crate; the corpus in <repo>/../shared/corpus.
    candidates.push(manifest.join("../../shared/corpus"));
    candidates.push(manifest.join("../shared/corpus"));
    candidates.into_iter().map(|c| c.join("policyuniverse")).find(|c| c.is_dir())
}

fn read_json(path: &PathBuf) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

#[test]
fn policyuniverse_corpus() {
    let Some(dir) = corpus_dir() else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!ci, "the policyuniverse corpus is missing (set KEYHOLE_CORPUS_DIR or add ../shared/corpus)");
        println!("skipped: the policyuniverse corpus is not here (set KEYHOLE_CORPUS_DIR to run it)");
        return;
    };
    let deviations: BTreeMap<String, String> =
        serde_json::from_str(include_str!("fixtures/policy/policyuniverse-deviations.json"))
            .expect("policyuniverse-deviations.json is a JSON object of case id to reason");

    let mut ids: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    assert!(!ids.is_empty(), "{} holds no cases", dir.display());

    let (mut matched, mut documented) = (0, 0);
    let mut problems = Vec::new();
    for id in &ids {
        let case = dir.join(id);
        let input = read_json(&case.join("input.json"));
        let expected = read_json(&case.join("expected.json"));
        let document = match expected["format"].as_str() {
            Some("iam-policy") => input,
            Some("iam-policy-statement") => serde_json::json!({ "Statement": [input] }),
            other => {
                problems.push(format!("{id}: unexpected format {other:?}"));
                continue;
            }
        };
        let want = match expected["expect"].as_str() {
            Some("flag") => Access::Public,
            Some("clean") => Access::NotPublic,
            other => {
                problems.push(format!("{id}: unexpected expect {other:?}"));
                continue;
            }
        };
        let got = evaluate(&document, PolicyKind::Resource("s3"));
        match (got.access == want, deviations.get(id)) {
            (true, None) => matched += 1,
            (true, Some(_)) => problems.push(format!("{id}: listed as a deviation but now gives {want:?}; unlist it")),
            (false, Some(reason)) if !reason.trim().is_empty() => documented += 1,
            (false, _) => problems.push(format!(
                "{id}: expected {want:?}, got {:?} (undocumented deviation): {:#?}",
                got.access, got.statements
            )),
        }
    }
    for id in deviations.keys() {
        if !ids.contains(id) {
            problems.push(format!("{id}: listed as a deviation but not in the corpus"));
        }
    }
    println!(
        "policyuniverse: {} cases, {matched} match, {documented} documented deviations, {} problems",
        ids.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

//! Generated documentation stays current, and every rule's docs are complete.

use std::collections::HashSet;
use std::path::Path;

use keyhole::rules;

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

#[test]
fn docs_rules_md_is_current() {
    let generated = rules::docs_markdown();
    let path = repo("docs/rules.md");
    if std::env::var_os("KEYHOLE_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/rules.md is stale: run `cargo run -q -- rules --format markdown > docs/rules.md` (or KEYHOLE_BLESS=1 cargo test --test docs)"
    );
}

#[test]
fn rule_ids_are_unique_and_documented() {
    let mut seen = HashSet::new();
    for rule in rules::registry() {
        let meta = rule.meta();
        assert!(seen.insert(meta.id), "duplicate rule id {}", meta.id);
        let prefix = format!("{}-{}-", serde_json::to_value(meta.provider).unwrap().as_str().unwrap(), meta.service);
        assert!(meta.id.starts_with(&prefix), "{}: id should start with {prefix}", meta.id);
        for (field, text) in [
            ("title", meta.title),
            ("what", meta.what),
            ("why", meta.why),
            ("fix.console", meta.fix.console),
            ("fix.cli", meta.fix.cli),
            ("fix.terraform", meta.fix.terraform),
            ("remediation", meta.remediation),
        ] {
            assert!(text.trim().len() >= 10, "{}: {field} is missing or too short", meta.id);
        }
        assert!(!meta.resource_types.is_empty(), "{}: no resource types", meta.id);
        assert!(!meta.references.is_empty(), "{}: no references", meta.id);
        assert!(
            meta.title.chars().next().is_some_and(char::is_uppercase),
            "{}: title should start upper-case",
            meta.id
        );
        assert!(!meta.title.ends_with('.'), "{}: title should not end with a period", meta.id);
    }
}

/// Every rule id of the shared catalogue is implemented (by provider, as the
/// providers arrive).
#[test]
fn catalogue_ids_are_implemented() {
    let catalogue = std::fs::read_to_string(repo("../shared/reference/rules.md"));
    let Ok(catalogue) = catalogue else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "../shared/reference/rules.md is missing under CI");
        eprintln!("skipped: ../shared/reference/rules.md not found");
        return;
    };
    let implemented: HashSet<&str> = rules::registry().iter().map(|r| r.meta().id).collect();
    let providers: HashSet<String> = rules::registry()
        .iter()
        .map(|r| serde_json::to_value(r.meta().provider).unwrap().as_str().unwrap().to_string())
        .collect();
    let mut missing = Vec::new();
    for line in catalogue.lines() {
        let Some(id) = line.strip_prefix("| ").and_then(|l| l.split(' ').next()) else { continue };
        let provider = id.split('-').next().unwrap_or_default();
        if !["aws", "azure", "gcp"].contains(&provider) || !providers.contains(provider) {
            continue;
        }
        if !implemented.contains(id) {
            missing.push(id.to_string());
        }
    }
    assert!(missing.is_empty(), "catalogue rules not implemented: {missing:?}");
}

//! Azure sources: the same dealership setup written as an ARM template, a
//! Blueprint artifact, `az` CLI outputs, a Resource Graph result and a Keyhole
//! Azure bundle gives the same findings, apart from file and pointer
//! (`tests/fixtures/azure/`). Also: format names, gaps from failed bundle
//! calls, listings without settings, evidence pointers, and every `arm` case
//! of the shared corpus read without an error.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use keyhole::report::Report;
use keyhole::rules;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/azure")
}

fn read(path: &Path) -> (String, Vec<u8>) {
    summary::read(&fixtures(), path)
}

fn run_paths(paths: &[PathBuf]) -> Report {
    let files: Vec<(String, Vec<u8>)> = paths.iter().map(|p| read(p)).collect();
    run(&files)
}

/// The CLI outputs of the setup (the bare `az resource list` is tested apart).
fn cli_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures().join("cli"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with("resource-list.json"))
        .collect();
    paths.sort();
    paths
}

#[path = "support/summary.rs"]
mod summary;
use summary::{run, s, Summary};

fn summaries(report: &Report) -> BTreeSet<Summary> {
    summary::summaries(report, |f| f.resource.name.clone())
}

fn assert_read(report: &Report) {
    for input in &report.inputs {
        assert!(input.error.is_none(), "{}: {:?}", input.file, input.error);
    }
}

/// What the setup deserves. Every name holds `dealer`, which raises the
/// severity one step (critical stays critical).
fn expected() -> BTreeSet<Summary> {
    [
        s("azure-storage-container-public", "dealercrm/exports", "public", "critical"),
        s("azure-storage-account-public-blob-access", "dealercrm", "weak", "high"),
        s("azure-storage-account-open-network", "dealercrm", "exposed", "high"),
        s("azure-storage-account-http-allowed", "dealercrm", "weak", "high"),
        s("azure-nsg-open-admin-port", "dealer-web-nsg", "exposed", "critical"),
        s("azure-nsg-open-database-port", "dealer-web-nsg", "exposed", "critical"),
        s("azure-sql-server-firewall-open", "dealer-sql", "exposed", "critical"),
        s("azure-sql-server-allow-azure-services", "dealer-sql", "exposed", "high"),
        s("azure-cosmosdb-public-network", "dealer-inventory", "exposed", "critical"),
        s("azure-keyvault-public-network", "dealer-kv", "exposed", "high"),
    ]
    .into_iter()
    .collect()
}

/// Resource Graph holds neither blob containers nor database firewall rules.
const NOT_IN_RESOURCE_GRAPH: &[&str] =
    &["azure-storage-container-public", "azure-sql-server-firewall-open", "azure-sql-server-allow-azure-services"];

fn blueprint_of(template: &[u8]) -> Vec<u8> {
    let template: Value = serde_json::from_slice(template).unwrap();
    let artifact = serde_json::json!({
        "kind": "template",
        "id": "/providers/Microsoft.Management/managementGroups/dealer/providers/Microsoft.Blueprint/blueprints/dealer/artifacts/storage",
        "type": "Microsoft.Blueprint/blueprints/artifacts",
        "name": "storage",
        "properties": { "template": template, "resourceGroup": "dealer-rg", "parameters": {} }
    });
    serde_json::to_vec_pretty(&artifact).unwrap()
}

#[test]
fn the_same_setup_gives_the_same_findings_in_every_format() {
    let want = expected();

    let template = run_paths(&[fixtures().join("template.json")]);
    assert_read(&template);
    assert_eq!(summaries(&template), want, "ARM template");

    let (_, bytes) = read(&fixtures().join("template.json"));
    let blueprint = run(&[("blueprint.json".to_string(), blueprint_of(&bytes))]);
    assert_read(&blueprint);
    assert_eq!(summaries(&blueprint), want, "Blueprint artifact");

    let cli = run_paths(&cli_paths());
    assert_read(&cli);
    assert_eq!(summaries(&cli), want, "az CLI outputs");

    let bundle = run_paths(&[fixtures().join("bundle.json")]);
    assert_read(&bundle);
    assert_eq!(summaries(&bundle), want, "Keyhole Azure bundle");

    let graph = run_paths(&[fixtures().join("resource-graph.json")]);
    assert_read(&graph);
    let want_graph: BTreeSet<Summary> =
        want.iter().filter(|f| !NOT_IN_RESOURCE_GRAPH.contains(&f.0.as_str())).cloned().collect();
    assert_eq!(summaries(&graph), want_graph, "Resource Graph");
}

#[test]
fn every_azure_rule_fires_in_a_template_and_in_an_export() {
    let template = summaries(&run_paths(&[fixtures().join("template.json")]));
    let mut exports = summaries(&run_paths(&cli_paths()));
    exports.extend(summaries(&run_paths(&[fixtures().join("bundle.json")])));
    exports.extend(summaries(&run_paths(&[fixtures().join("resource-graph.json")])));
    for rule in rules::registry().iter().filter(|r| r.meta().id.starts_with("azure-")) {
        let id = rule.meta().id;
        assert!(template.iter().any(|f| f.0 == id), "{id} does not fire on the ARM template");
        assert!(exports.iter().any(|f| f.0 == id), "{id} does not fire on any az, bundle or Resource Graph export");
    }
}

#[test]
fn formats_are_named_by_content() {
    let mut paths = cli_paths();
    paths.push(fixtures().join("cli/resource-list.json"));
    paths.push(fixtures().join("template.json"));
    paths.push(fixtures().join("resource-graph.json"));
    paths.push(fixtures().join("bundle.json"));
    let report = run_paths(&paths);
    let formats: Vec<(String, String)> =
        report.inputs.iter().map(|i| (i.file.clone(), i.format.clone().unwrap_or_default())).collect();
    for (file, format) in [
        ("cli/cosmosdb-list.json", "azure-cli-cosmosdb-list"),
        ("cli/keyvault-show.json", "azure-cli-keyvault-show"),
        ("cli/network-nsg-list.json", "azure-cli-network-nsg-list"),
        ("cli/sql-server-firewall-rule-list.json", "azure-cli-sql-server-firewall-rule-list"),
        ("cli/sql-server-list.json", "azure-cli-sql-server-list"),
        ("cli/storage-account-list.json", "azure-cli-storage-account-list"),
        ("cli/storage-container-rm-list.json", "azure-cli-storage-container-rm-list"),
        ("cli/resource-list.json", "azure-cli-resource-list"),
        ("template.json", "arm-template"),
        ("resource-graph.json", "azure-resource-graph"),
        ("bundle.json", "keyhole-azure-export"),
    ] {
        assert!(
            formats.contains(&(file.to_string(), format.to_string())),
            "{file}: expected {format}, got {formats:?}"
        );
    }
}

#[test]
fn failed_bundle_calls_are_listed_as_not_checked() {
    let report = run_paths(&[fixtures().join("bundle.json")]);
    let unchecked: Vec<&str> = report.unchecked.iter().map(|u| u.what.as_str()).collect();
    assert!(unchecked.contains(&"storage container list for dealerlogs, dealer-rg"), "{unchecked:?}");
    assert!(unchecked.contains(&"postgres flexible-server list"), "{unchecked:?}");
    let containers = report.unchecked.iter().find(|u| u.what.starts_with("storage container list")).unwrap();
    assert_eq!(containers.account.as_deref(), Some("11111111-2222-3333-4444-555555555555"));
    assert!(containers
        .command
        .as_deref()
        .unwrap_or_default()
        .starts_with("az storage container list --account-name dealerlogs"));
    // `keyvault list` names the vault and `keyvault show` describes it: no note about missing settings.
    assert!(report.inputs[0].notes.is_empty(), "{:?}", report.inputs[0].notes);
}

#[test]
fn listings_without_settings_are_read_but_not_judged() {
    let report = run_paths(&[fixtures().join("cli/resource-list.json")]);
    assert_read(&report);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    let input = &report.inputs[0];
    assert_eq!(input.resources, 3);
    assert_eq!(input.skipped.len(), 1, "the virtual machine is skipped: {:?}", input.skipped);
    assert!(input.notes.iter().any(|n| n.contains("without settings")), "{:?}", input.notes);

    // Together with the settings, the findings are the setup's own.
    let mut paths = cli_paths();
    paths.push(fixtures().join("cli/resource-list.json"));
    assert_eq!(summaries(&run_paths(&paths)), expected());
}

#[test]
fn a_bare_container_listing_is_refused_with_a_hint() {
    let listing = serde_json::json!([{
        "deleted": null, "metadata": null, "name": "exports", "version": null,
        "properties": { "publicAccess": "blob", "lease": { "state": "available" }, "lastModified": "2024-05-01T00:00:00+00:00" }
    }]);
    let bytes = serde_json::to_vec(&listing).unwrap();
    let report = run(&[("containers.json".to_string(), bytes)]);
    assert!(report.inputs[0].error.is_some(), "a listing that names no account cannot be judged");
    let node = keyhole::sources::Node::new(&listing, keyhole::model::Origin::new(0, ""));
    let hint = keyhole::sources::azure::anonymous_hint(&node).unwrap_or_default();
    assert!(hint.contains("container-rm list"), "{hint}");
}

/// Resolves an RFC 6901 pointer.
fn resolves(root: &Value, pointer: &str) -> bool {
    root.pointer(pointer).is_some()
}

#[test]
fn evidence_points_at_the_blamed_values() {
    let mut paths = cli_paths();
    paths.extend(["template.json", "bundle.json", "resource-graph.json"].iter().map(|f| fixtures().join(f)));
    let mut checked = 0;
    for path in paths {
        let report = run_paths(std::slice::from_ref(&path));
        let root: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        for finding in &report.findings {
            assert!(!finding.evidence.is_empty(), "{}: {} has no evidence", path.display(), finding.rule);
            for evidence in &finding.evidence {
                assert!(
                    resolves(&root, &evidence.pointer),
                    "{}: {} evidence {} does not resolve",
                    path.display(),
                    finding.rule,
                    evidence.pointer
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "too little evidence checked: {checked}");
}

/// Every `arm` case of the shared corpus is read as an ARM template without
/// an error (the conformance suite judges the verdicts).
#[test]
fn every_arm_case_of_the_corpus_is_read() {
    let corpus = std::env::var("KEYHOLE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "the corpus is missing under CI");
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    };
    let mut read = 0;
    let mut failures = Vec::new();
    for line in manifest.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        let [source, case, format, ..] = columns.as_slice() else { continue };
        if *format != "arm" {
            continue;
        }
        let path = corpus.join(source).join(case).join("input.json");
        let report = run(&[(case.to_string(), std::fs::read(&path).unwrap())]);
        let input = &report.inputs[0];
        if input.error.is_some() || input.format.as_deref() != Some("arm-template") {
            failures.push(format!("{source}/{case}: {:?} {:?}", input.format, input.error));
        }
        read += 1;
    }
    assert!(failures.is_empty(), "{} arm cases not read:\n{}", failures.len(), failures.join("\n"));
    assert!(read > 0);
}

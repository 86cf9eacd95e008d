//! GCP inputs and rules:
//! - every sample under `tests/fixtures/gcp/formats/` is recognised by its
//!   content as the format its file name starts with;
//! - the same dealership configuration (`tests/fixtures/gcp/dealership/`)
//!   gives the same findings, apart from file and pointer, as a Cloud Asset
//!   Inventory export (newline-delimited), an asset listing (JSON array) and
//!   a Keyhole bundle; standalone `gcloud`/`bq` outputs give the findings
//!   they can express;
//! - evidence pointers resolve, also into newline-delimited files;
//! - failed bundle calls are listed as not checked;
//! - every `gcp-cai` case of the conformance corpus is read without error,
//!   and the cases of concerns Keyhole has a rule for get the corpus's verdict;
//! - odd values in the right envelopes never panic.

use std::path::{Path, PathBuf};

use keyhole::report::{Finding, Report};
use keyhole::{audit, InputFile, Options};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/gcp")
}

fn audit_paths(paths: &[PathBuf]) -> Report {
    let contents: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read(p).unwrap()))
        .collect();
    let inputs: Vec<InputFile> = contents.iter().map(|(name, bytes)| InputFile { name, bytes }).collect();
    audit(&inputs, &Options::default())
}

fn audit_bytes(name: &str, bytes: &[u8]) -> Report {
    audit(&[InputFile { name, bytes }], &Options::default())
}

/// A finding apart from where its evidence is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Logical {
    rule: String,
    severity: String,
    verdict: String,
    type_name: String,
    id: String,
    name: String,
    message: String,
}

fn logical(report: &Report) -> Vec<Logical> {
    let mut out: Vec<Logical> = report
        .findings
        .iter()
        .map(|f: &Finding| Logical {
            rule: f.rule.to_string(),
            severity: f.severity.as_str().to_string(),
            verdict: serde_json::to_value(f.verdict).unwrap().as_str().unwrap().to_string(),
            type_name: f.resource.type_name.clone(),
            id: f.resource.id.clone(),
            name: f.resource.name.clone(),
            message: f.message.clone(),
        })
        .collect();
    out.sort();
    out
}

fn assert_read(report: &Report) {
    for input in &report.inputs {
        assert_eq!(input.error, None, "{} could not be read", input.file);
        assert!(input.resources > 0, "{}: no resources read", input.file);
    }
}

/// The file as JSON; a JSON Lines file as the array of its non-empty lines,
/// as `crate::decode` defines pointers into it.
fn document(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(_) => Value::Array(
            text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect(),
        ),
    }
}

fn assert_pointers_resolve(report: &Report, paths: &[PathBuf]) {
    let mut checked = 0;
    for finding in &report.findings {
        assert!(!finding.evidence.is_empty(), "{}: no evidence for {}", finding.rule, finding.resource.id);
        for evidence in &finding.evidence {
            let path = paths.iter().find(|p| p.file_name().unwrap().to_string_lossy() == evidence.file).unwrap();
            let root = document(path);
            assert!(
                root.pointer(&evidence.pointer).is_some(),
                "{}: pointer {} does not resolve ({})",
                evidence.file,
                evidence.pointer,
                finding.rule
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
}

fn dealership(names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(|n| fixtures().join("dealership").join(n)).collect()
}

const STANDALONE: &[&str] = &[
    "gcloud-storage-buckets-list.json",
    "gcloud-sql-instances-list.json",
    "gcloud-compute-firewall-rules-list.json",
    "bq-show-marketing_lists.json",
    "bq-show-sales_internal.json",
];

#[test]
fn format_samples_are_recognised_by_content() {
    let dir = fixtures().join("formats");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("anonymous.") {
            continue;
        }
        // A neutral name: detection must not depend on it.
        let report = audit_bytes("upload.json", &std::fs::read(&path).unwrap());
        let input = &report.inputs[0];
        assert_eq!(input.error, None, "{name}");
        assert!(input.resources > 0, "{name}: no resources read");
        let expected = name.split('.').next().unwrap();
        assert_eq!(input.format.as_deref(), Some(expected), "{name}");
        checked += 1;
    }
    assert!(checked >= 18, "only {checked} samples");
}

#[test]
fn an_iam_policy_alone_is_refused_with_a_way_to_export_it() {
    let path = fixtures().join("formats/anonymous.storage-buckets-get-iam-policy.json");
    let report = audit_bytes("policy.json", &std::fs::read(path).unwrap());
    let error = report.inputs[0].error.as_deref().expect("an IAM policy alone names no resource");
    assert!(error.contains("get-iam-policy") && error.contains("bundle"), "{error}");
}

#[test]
fn the_same_configuration_gives_the_same_findings_in_every_format() {
    let ndjson = audit_paths(&dealership(&["cai-export.ndjson"]));
    let array = audit_paths(&dealership(&["cai-list.json"]));
    let bundle = audit_paths(&dealership(&["keyhole-gcp-export.json"]));
    for report in [&ndjson, &array, &bundle] {
        assert_read(report);
    }
    let expected = logical(&ndjson);
    let rules: Vec<&str> = expected.iter().map(|f| &*f.rule).collect();
    for rule in [
        "gcp-storage-bucket-public",
        "gcp-storage-bucket-uniform-access-off",
        "gcp-sql-instance-open-network",
        "gcp-sql-instance-public-ip",
        "gcp-compute-firewall-open-admin-port",
        "gcp-compute-firewall-open-database-port",
        "gcp-bigquery-dataset-public",
        "gcp-compute-image-public",
        "gcp-cloudfunction-public-invoker",
    ] {
        assert!(rules.contains(&rule), "the dealership should trigger {rule}: {expected:#?}");
    }
    assert_eq!(expected.len(), 10, "{expected:#?}");
    assert_eq!(logical(&array), expected, "asset listing (array) differs from the export");
    assert_eq!(logical(&bundle), expected, "bundle differs from the export");
    // Nothing is reported twice for the resource and IAM-policy records of one asset.
    let mut keys: Vec<(&str, &str)> = expected.iter().map(|f| (&*f.rule, f.id.as_str())).collect();
    keys.dedup();
    assert_eq!(keys.len(), expected.len());
}

#[test]
fn standalone_gcloud_outputs_give_the_findings_they_can_express() {
    let standalone = audit_paths(&dealership(STANDALONE));
    assert_read(&standalone);
    // IAM policies of buckets, images and functions need a bundle (or an
    // asset export): what remains must match the export exactly.
    let iam_only = ["northwind-website", "showroom-kiosk-image", "lead-webhook"];
    let expected: Vec<Logical> = logical(&audit_paths(&dealership(&["cai-export.ndjson"])))
        .into_iter()
        .filter(|f| !iam_only.contains(&f.name.as_str()))
        .collect();
    assert_eq!(logical(&standalone), expected);
}

#[test]
fn evidence_pointers_resolve_in_every_format() {
    for names in [&["cai-export.ndjson"][..], &["cai-list.json"], &["keyhole-gcp-export.json"], STANDALONE] {
        let paths = dealership(names);
        assert_pointers_resolve(&audit_paths(&paths), &paths);
    }
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/rules");
    for entry in std::fs::read_dir(&rules).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.file_name().unwrap().to_string_lossy().starts_with("gcp-") {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            if path.file_name().unwrap().to_string_lossy().starts_with("invalid") {
                let paths = std::slice::from_ref(&path);
                assert_pointers_resolve(&audit_paths(paths), paths);
            }
        }
    }
}

#[test]
fn an_ndjson_pointer_counts_non_empty_lines() {
    // Blank lines (a trailing newline, a line break left by an editor) do
    // not shift the numbering.
    let path = fixtures().join("dealership/cai-export.ndjson");
    let text = std::fs::read_to_string(&path).unwrap();
    let spaced = text.replacen('\n', "\n\n", 3);
    let report = audit_bytes("cai-export.ndjson", spaced.as_bytes());
    let original = audit_paths(&[path]);
    let pointers = |r: &Report| -> Vec<String> {
        let mut out: Vec<String> =
            r.findings.iter().flat_map(|f| f.evidence.iter().map(|e| e.pointer.clone())).collect();
        out.sort();
        out
    };
    assert_eq!(pointers(&report), pointers(&original));
}

#[test]
fn failed_bundle_calls_are_listed_as_not_checked() {
    let report = audit_paths(&dealership(&["keyhole-gcp-export.json"]));
    let finance = report.unchecked.iter().find(|u| u.what.contains("finance")).expect("the failed `bq show` is a gap");
    assert!(finance.reason.starts_with("permission was denied"), "{}", finance.reason);
    assert_eq!(finance.command.as_deref(), Some("bq show --format=prettyjson northwind-motors:finance"));
    assert_eq!(finance.account.as_deref(), Some("northwind-motors"));
    let asset =
        report.unchecked.iter().find(|u| u.what.starts_with("asset ")).expect("the failed asset search is a gap");
    assert!(asset.reason.contains("not enabled"), "{}", asset.reason);
    assert!(asset.command.as_deref().unwrap().starts_with("gcloud asset search-all-iam-policies"));
}

#[test]
fn bundle_calls_may_be_whole_command_lines() {
    let bundle = serde_json::json!({
        "keyhole": "gcp-export/1",
        "calls": [
            {
                "command": "gcloud storage buckets get-iam-policy gs://site-assets/ --format=json",
                "output": {"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}], "etag": "CAE="}
            },
            {
                "command": "gcloud functions get-iam-policy hook --region europe-west1 --project acme --format=json",
                "output": {"bindings": [{"role": "roles/cloudfunctions.invoker", "members": ["allUsers"]}]}
            },
            {"command": "gcloud compute images get-iam-policy base --project=acme", "error": "ERROR: (gcloud.compute.images.get-iam-policy) PERMISSION_DENIED: Required 'compute.images.getIamPolicy' permission"}
        ]
    });
    let report = audit_bytes("bundle.json", bundle.to_string().as_bytes());
    assert_eq!(report.inputs[0].error, None);
    let ids: Vec<&str> = report.findings.iter().map(|f| f.resource.id.as_str()).collect();
    assert!(ids.contains(&"//storage.googleapis.com/site-assets"), "{ids:?}");
    assert!(
        ids.contains(&"//cloudfunctions.googleapis.com/projects/acme/locations/europe-west1/functions/hook"),
        "{ids:?}"
    );
    let gap = report.unchecked.iter().find(|u| u.what.contains("images")).expect("a gap for the image");
    assert_eq!(gap.what, "compute images get-iam-policy for base");
    assert_eq!(gap.account.as_deref(), Some("acme"));
}

/// Rules for the corpus concerns Keyhole covers.
const CONCERNS: &[(&str, &str)] = &[
    ("gcs-public-iam", "gcp-storage-bucket-public"),
    ("gcs-uniform-access-disabled", "gcp-storage-bucket-uniform-access-off"),
    ("cloudsql-public-ip", "gcp-sql-instance-public-ip"),
    ("cloudsql-authorized-network-open", "gcp-sql-instance-open-network"),
    ("bigquery-public-iam", "gcp-bigquery-dataset-public"),
];

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("KEYHOLE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

#[test]
fn every_gcp_cai_corpus_case_is_read_and_covered_concerns_match() {
    let Some(dir) = corpus() else {
        assert!(std::env::var("CI").is_err(), "the conformance corpus is missing");
        eprintln!("conformance corpus not found; skipped");
        return;
    };
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut judged = 0;
    for row in manifest.lines().skip(1) {
        let fields: Vec<&str> = row.split('\t').collect();
        let [source, case, format, concern, expect] = fields[..] else { continue };
        if format != "gcp-cai" {
            continue;
        }
        cases += 1;
        let case_dir = dir.join(source).join(case);
        let input = case_dir.join("input.json");
        let report = audit_paths(std::slice::from_ref(&input));
        if let Some(error) = &report.inputs[0].error {
            failures.push(format!("{case}: not read: {error}"));
            continue;
        }
        let Some(&(_, rule)) = CONCERNS.iter().find(|(c, _)| *c == concern) else { continue };
        judged += 1;
        let expected: Value = serde_json::from_slice(&std::fs::read(case_dir.join("expected.json")).unwrap()).unwrap();
        let details = &expected["details"];
        let names = |key: &str| -> Vec<String> {
            details[key]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
                .unwrap_or_default()
        };
        let mut flag = names("expected_violating_assets");
        let mut clean = names("expected_clean_assets");
        if let Some(asset) = details["asset_name"].as_str() {
            if expect == "flag" {
                flag.push(asset.to_string())
            } else {
                clean.push(asset.to_string())
            }
        }
        let flagged: Vec<&str> =
            report.findings.iter().filter(|f| f.rule == rule).map(|f| f.resource.id.as_str()).collect();
        for asset in &flag {
            if !flagged.contains(&asset.as_str()) {
                failures.push(format!("{case}: {asset} should be flagged by {rule}"));
            }
        }
        for asset in &clean {
            if flagged.contains(&asset.as_str()) {
                failures.push(format!("{case}: {asset} should not be flagged by {rule}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} corpus failures:\n{}", failures.len(), failures.join("\n"));
    assert!(cases >= 37, "only {cases} gcp-cai cases");
    assert!(judged >= 20, "only {judged} cases judged");
}

#[test]
fn odd_values_in_the_right_envelopes_never_panic() {
    let assets = serde_json::json!([
        {"name": "//storage.googleapis.com/b1", "asset_type": "storage.googleapis.com/Bucket",
         "resource": {"data": {"iamConfiguration": [], "acl": {"x": 1}, "defaultObjectAcl": [null, 5, {"entity": 7}]}},
         "iam_policy": {"bindings": [null, {"role": 5}, {"role": "r", "members": "allUsers"},
                                      {"role": "r", "members": [null, 3, "allUsers"], "condition": null}]}},
        {"name": "//storage.googleapis.com/b2", "asset_type": "storage.googleapis.com/Bucket",
         "resource": {"data": {"iamConfiguration": {"publicAccessPrevention": 7, "uniformBucketLevelAccess": {"enabled": "maybe"}},
                               "acl": [{"entity": "allUsers", "role": null}]}}},
        {"name": "//cloudsql.googleapis.com/projects/p/instances/i", "asset_type": "sqladmin.googleapis.com/Instance",
         "resource": {"data": {"settings": {"ipConfiguration": {"ipv4Enabled": "yes", "authorizedNetworks": [{"value": null}, {"value": 5}, "0.0.0.0/0"]}}, "ipAddresses": "x"}}},
        {"name": "//compute.googleapis.com/projects/p/global/firewalls/f", "asset_type": "compute.googleapis.com/Firewall",
         "resource": {"data": {"direction": 5, "disabled": "no", "sourceRanges": "0.0.0.0/0",
                               "allowed": [{"IPProtocol": null, "ports": [null, "a-b", "99999999999", "22-", "-"]}, "tcp", {"ports": 22}]}}},
        {"name": "//compute.googleapis.com/projects/p/global/firewalls/g", "asset_type": "compute.googleapis.com/Firewall",
         "resource": {"data": {"sourceRanges": ["0.0.0.0/0", 5, null], "allowed": [{"IPProtocol": "tcp", "ports": ["0-4294967296"]}]}}},
        {"name": "//bigquery.googleapis.com/projects/p/datasets/d", "asset_type": "bigquery.googleapis.com/Dataset",
         "resource": {"data": {"access": [{"iamMember": ["x"]}, null, {"specialGroup": "allUsers"}], "datasetReference": "x"}}},
        {"name": "//cloudfunctions.googleapis.com/projects//locations//functions/", "asset_type": "cloudfunctions.googleapis.com/CloudFunction",
         "iam_policy": {"bindings": [{"role": "roles/cloudfunctions.invoker", "members": ["allUsers"]}]}},
        {"name": "", "asset_type": "compute.googleapis.com/Image", "iam_policy": "nope"},
        {"resource": "//storage.googleapis.com/b3", "assetType": "storage.googleapis.com/Bucket", "policy": []},
        {"name": "//storage.googleapis.com/b4", "assetType": "storage.googleapis.com/Bucket", "versionedResources": [null, {"resource": 5}]}
    ]);
    let report = audit_bytes("assets.json", assets.to_string().as_bytes());
    assert_eq!(report.inputs[0].error, None);
    let bundle = serde_json::json!({
        "keyhole": "gcp-export/1",
        "project": 7,
        "calls": [
            null, 5, {"command": 5}, {"command": ""}, {"command": "storage buckets get-iam-policy"},
            {"command": "storage buckets get-iam-policy", "output": {"bindings": 3}},
            {"command": "storage buckets get-iam-policy", "params": {"bucket": "gs://"}, "output": {"bindings": 3}},
            {"command": "bq show", "output": "text"}, {"command": "bq ls", "output": []},
            {"command": "functions get-iam-policy", "params": {"function": "f"}, "output": {}},
            {"command": "compute images get-iam-policy", "params": ["x"], "output": {}},
            {"command": "asset list", "output": [null, {"name": "x"}]},
            {"command": "sql instances list", "error": null},
            {"command": "sql instances list", "error": {"error": {"code": 403}}},
            {"command": "gcloud", "output": {}}, {"command": "gcloud alpha", "output": {}},
            {"command": "bq get-iam-policy --format=prettyjson", "output": {}}
        ]
    });
    let report = audit_bytes("bundle.json", bundle.to_string().as_bytes());
    assert_eq!(report.inputs[0].error, None);
    for odd in [
        &b"[{\"kind\": \"sql#instance\"}]"[..],
        b"{\"kind\": \"compute#firewall\", \"name\": 5}",
        b"[{\"storage_url\": \"gs://\"}]",
    ] {
        let report = audit_bytes("odd.json", odd);
        assert!(report.findings.is_empty());
    }
}

//! `keyhole audit --format sarif` against the official SARIF 2.1.0 JSON
//! schema (a local copy, see `tests/fixtures/sarif/README.md`; nothing is
//! fetched), plus the cross-references the schema cannot check: rule ids and
//! indexes, levels, and input errors as tool execution notifications.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use jsonschema::{Draft, Validator};
use serde_json::Value;

/// The repository root: the binary runs there, so file names in reports are
/// repository-relative, as a CI job would pass them.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch directory of this test, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn keyhole(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyhole"))
        .args(args)
        .current_dir(root())
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().expect("keyhole was killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(!run.stderr.contains("panicked"), "keyhole panicked:\n{}", run.stderr);
    run
}

/// The SARIF and the JSON report of the same upload.
fn sarif_and_json(inputs: &[&str]) -> (Run, Value, Value) {
    let mut args = vec!["audit", "--format", "sarif"];
    args.extend_from_slice(inputs);
    let run = keyhole(&args, None);
    let sarif: Value = serde_json::from_str(&run.stdout).expect("the SARIF output is JSON");
    let mut args = vec!["audit", "--format", "json"];
    args.extend_from_slice(inputs);
    let json_run = keyhole(&args, None);
    assert_eq!(json_run.code, run.code, "the format does not change the exit code");
    let report: Value = serde_json::from_str(&json_run.stdout).unwrap();
    (run, sarif, report)
}

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json")).unwrap();
        let mut schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        // The published schema's `language` patterns (of `run` and `toolComponent`) have a stray
        // `]` (oasis-tcs/sarif-spec PR #490 and #562), which `jsonschema` refuses as a regex when it
        // checks the schema against the draft-07 meta-schema. Use the upstream fix in memory; the
        // committed file stays as published. Keyhole writes neither `language`.
        for owner in ["run", "toolComponent"] {
            let language = &mut schema["definitions"][owner]["properties"]["language"]["pattern"];
            assert_eq!(*language, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$", "{owner}.language");
            *language = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
        }
        // Draft 7 and its meta-schema are built into `jsonschema`; the SARIF schema refers only to
        // its own `#/definitions`, so nothing is resolved remotely (the crate is built without its
        // HTTP and file resolvers). `format` is checked too: SARIF consumers rely on `uri-reference`.
        jsonschema::options().with_draft(Draft::Draft7).should_validate_formats(true).build(&schema).unwrap()
    })
}

fn assert_schema_valid(sarif: &Value) {
    let errors: Vec<String> =
        validator().iter_errors(sarif).map(|e| format!("{} at {}", e, e.instance_path())).take(20).collect();
    assert!(errors.is_empty(), "the SARIF does not validate against the SARIF 2.1.0 schema:\n{}", errors.join("\n"));
}

fn expected_level(severity: &str) -> &'static str {
    match severity {
        "critical" | "high" => "error",
        "medium" => "warning",
        "low" | "info" => "note",
        other => panic!("unknown severity {other}"),
    }
}

/// Everything the schema cannot check, against the JSON report of the same
/// upload: results in the report's order, rule ids and indexes, levels,
/// locations, and input errors as notifications.
fn assert_consistent(sarif: &Value, report: &Value) {
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "keyhole");

    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let catalogue: Vec<String> = keyhole::rules::catalogue().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, catalogue, "tool.driver.rules lists the catalogue, in order");
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "rule ids are unique");
    for rule in rules {
        assert!(rule["shortDescription"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        let severity = keyhole::rules::find(rule["id"].as_str().unwrap()).unwrap().meta().severity;
        assert_eq!(level, expected_level(severity.as_str()), "default level of {}", rule["id"]);
    }

    let results = run["results"].as_array().unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len(), "one result per finding");
    for (result, finding) in results.iter().zip(findings) {
        let rule_id = result["ruleId"].as_str().unwrap();
        assert_eq!(rule_id, finding["rule"]);
        let index = result["ruleIndex"].as_u64().unwrap_or_else(|| panic!("{rule_id}: no ruleIndex")) as usize;
        assert_eq!(rules[index]["id"], rule_id, "ruleIndex points at the rule");
        let severity = finding["severity"].as_str().unwrap();
        assert_eq!(result["level"], expected_level(severity), "{rule_id} is {severity}");
        assert_eq!(result["message"]["text"], finding["message"]);
        let locations = result["locations"].as_array().unwrap();
        let evidence = finding["evidence"].as_array().unwrap();
        assert_eq!(locations.len(), evidence.len());
        for (location, evidence) in locations.iter().zip(evidence) {
            assert_eq!(location["physicalLocation"]["artifactLocation"]["uri"], evidence["file"]);
            let name = location["logicalLocations"][0]["fullyQualifiedName"].as_str().unwrap();
            assert!(name.starts_with(evidence["pointer"].as_str().unwrap()), "{name} vs {}", evidence["pointer"]);
        }
    }

    let invocations = run["invocations"].as_array().unwrap();
    assert_eq!(invocations.len(), 1);
    let invocation = &invocations[0];
    let errored: Vec<(&str, &str)> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["error"].as_str().map(|e| (i["file"].as_str().unwrap(), e)))
        .collect();
    assert_eq!(invocation["executionSuccessful"], errored.is_empty());
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notifications.len(), errored.len(), "one notification per unreadable input");
    for (notification, (file, error)) in notifications.iter().zip(&errored) {
        assert_eq!(notification["level"], "error");
        let text = notification["message"]["text"].as_str().unwrap();
        assert!(text.contains(file) && text.contains(error), "{text:?} names {file} and its error");
        assert_eq!(notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], *file);
    }

    let artifacts: Vec<&Value> = run["artifacts"].as_array().unwrap().iter().map(|a| &a["location"]["uri"]).collect();
    let inputs: Vec<&Value> = report["inputs"].as_array().unwrap().iter().map(|i| &i["file"]).collect();
    assert_eq!(artifacts, inputs, "one artifact per input, in order");
}

const MIXED: &str = "tests/fixtures/aws/mixed";
const MIXED_INPUTS: &[&str] = &[
    "tests/fixtures/aws/mixed/bundle.json",
    "tests/fixtures/aws/mixed/describe-db-instances.json",
    "tests/fixtures/aws/mixed/describe-images.json",
    "tests/fixtures/aws/mixed/describe-security-groups.json",
    "tests/fixtures/aws/mixed/describe-snapshots.json",
    "tests/fixtures/aws/mixed/select-resource-config.json",
    "tests/fixtures/aws/mixed/snapshot.json.gz",
];
const DEMO: &str = "demo/dealership-aws.json";

#[test]
fn the_schema_is_the_sarif_2_1_0_schema_and_rejects_a_broken_log() {
    let v = validator();
    assert!(v.is_valid(&serde_json::json!({ "version": "2.1.0", "runs": [] })));
    // Wrong version, a result without a message, an unknown level: each is refused.
    assert!(!v.is_valid(&serde_json::json!({ "version": "2.0.0", "runs": [] })));
    let run = |result: Value| serde_json::json!({ "version": "2.1.0", "runs": [{ "tool": { "driver": { "name": "x" } }, "results": [result] }] });
    assert!(v.is_valid(&run(serde_json::json!({ "message": { "text": "m" }, "level": "error" }))));
    assert!(!v.is_valid(&run(serde_json::json!({ "level": "error" }))));
    assert!(!v.is_valid(&run(serde_json::json!({ "message": { "text": "m" }, "level": "critical" }))));
    // Formats are checked: an artifact URI with a space is not a URI reference.
    let uri = |uri: &str| {
        run(serde_json::json!({ "message": { "text": "m" },
            "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri } } }] }))
    };
    assert!(v.is_valid(&uri("tests/fixtures/a.json")));
    assert!(!v.is_valid(&uri("a b.json")));
}

#[test]
fn mixed_fixture_directory_is_valid_sarif() {
    // The directory holds the oracle `expected.json` next to the exports: it is not an export, so
    // the run reports it as an input error (exit 2) and audits the seven others.
    let (run, sarif, report) = sarif_and_json(&[MIXED]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_schema_valid(&sarif);
    assert_consistent(&sarif, &report);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notifications.len(), 1);
    assert!(notifications[0]["message"]["text"].as_str().unwrap().contains("mixed/expected.json"));
    assert!(sarif["runs"][0]["results"].as_array().unwrap().len() > 20);
}

#[test]
fn mixed_fixture_exports_are_valid_sarif() {
    let (run, sarif, report) = sarif_and_json(MIXED_INPUTS);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_schema_valid(&sarif);
    assert_consistent(&sarif, &report);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert_eq!(invocation["toolExecutionNotifications"], serde_json::json!([]));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let levels: BTreeSet<&str> = results.iter().map(|r| r["level"].as_str().unwrap()).collect();
    assert!(levels.contains("error") && levels.contains("warning"), "{levels:?}");
}

#[test]
fn demo_export_is_valid_sarif() {
    let (run, sarif, report) = sarif_and_json(&[DEMO]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_schema_valid(&sarif);
    assert_consistent(&sarif, &report);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), report["findings"].as_array().unwrap().len());
    // The demo has findings of three levels.
    let levels: BTreeSet<&str> = results.iter().map(|r| r["level"].as_str().unwrap()).collect();
    assert_eq!(levels, BTreeSet::from(["error", "warning", "note"]));
}

#[test]
fn upload_with_unreadable_files_is_valid_sarif_with_notifications() {
    let dir = scratch("unreadable");
    let truncated = dir.join("cut-off.json");
    std::fs::write(&truncated, b"{\n  \"SecurityGroups\": [\n    {\n      \"GroupName\": \"half").unwrap();
    let truncated = truncated.to_str().unwrap();
    let missing = "tests/fixtures/sarif/no-such-export.json";
    let (run, sarif, report) = sarif_and_json(&[truncated, DEMO, missing]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_schema_valid(&sarif);
    assert_consistent(&sarif, &report);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let texts: Vec<&str> = invocation["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    // The text ends after column 24 of line 4: the error points at its last character or just after.
    assert!(texts[0].contains("cut-off.json: line 4, column 2"), "{texts:?}");
    assert!(texts[1].contains("no-such-export.json") && texts[1].contains("no such file"), "{texts:?}");
    // The demo is still audited and its findings are results.
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn stdin_upload_is_valid_sarif() {
    let bytes = std::fs::read(root().join(DEMO)).unwrap();
    let run = keyhole(&["audit", "-", "--format", "sarif"], Some(&bytes));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_schema_valid(&sarif);
}

#[test]
fn file_name_with_spaces_is_valid_sarif() {
    // Browsers save a second download as `name (1).json`; people name files with spaces.
    let dir = scratch("spaces");
    let file = dir.join("dealer export (1).json");
    std::fs::copy(root().join(DEMO), &file).unwrap();
    let run = keyhole(&["audit", file.to_str().unwrap(), "--format", "sarif"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_schema_valid(&sarif);
}

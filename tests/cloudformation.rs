//! CloudFormation templates, JSON and YAML: the same dealership setup gives
//! the same findings in both; short-form tags, parameters, conditions and
//! intrinsics resolve only as far as the template alone allows; YAML evidence
//! names its line and column; broken YAML is a clear error; and every
//! CloudFormation case of the conformance corpus is read.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use keyhole::report::{Finding, Report, Severity, Verdict};
use keyhole::{audit, InputFile, Options};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/cloudformation").join(name)
}

fn run(name: &str) -> Report {
    let bytes = std::fs::read(fixture(name)).unwrap();
    audit(&[InputFile { name, bytes: &bytes }], &Options::default())
}

fn key(f: &Finding) -> (String, String, Severity, Verdict, String) {
    (f.rule.to_string(), f.resource.id.clone(), f.severity, f.verdict, f.message.clone())
}

fn has(report: &Report, rule: &str, id: &str, verdict: Verdict) -> bool {
    report.findings.iter().any(|f| f.rule == rule && f.resource.id == id && f.verdict == verdict)
}

/// Rules that say something is open, not merely weak.
fn exposures(report: &Report) -> BTreeSet<(String, String)> {
    report
        .findings
        .iter()
        .filter(|f| f.verdict != Verdict::Weak)
        .map(|f| (f.rule.to_string(), f.resource.id.clone()))
        .collect()
}

#[test]
fn yaml_and_json_templates_give_the_same_findings() {
    let yaml = run("dealership.yaml");
    let json = run("dealership.json");
    for report in [&yaml, &json] {
        let input = &report.inputs[0];
        assert_eq!(input.format.as_deref(), Some("cloudformation"), "{input:?}");
        assert_eq!(input.error, None);
        assert_eq!(input.resources, 21);
        assert!(input.skipped.is_empty(), "{:?}", input.skipped);
    }
    let from_yaml: Vec<_> = yaml.findings.iter().map(key).collect();
    let from_json: Vec<_> = json.findings.iter().map(key).collect();
    assert!(!from_yaml.is_empty());
    assert_eq!(from_yaml, from_json);
}

#[test]
fn dealership_template_gets_the_findings_it_deserves() {
    let report = run("dealership.yaml");
    let expected: BTreeSet<(String, String)> = [
        ("aws-s3-bucket-public-acl", "CustomerRecordsBucket"),
        ("aws-s3-bucket-public-policy", "CustomerRecordsBucket"),
        ("aws-s3-bucket-public-acl", "VinTelematicsBucket"),
        ("aws-ec2-security-group-open-admin-port", "BastionSecurityGroup"),
        ("aws-ec2-security-group-open-database-port", "CrmPostgresSecurityGroup"),
        ("aws-rds-instance-public", "CrmDatabase"),
    ]
    .into_iter()
    .map(|(rule, id)| (rule.to_string(), id.to_string()))
    .collect();
    // The look-alikes stay quiet, and nothing is left unknown: every
    // intrinsic in this template resolves or names a fixed thing.
    assert_eq!(exposures(&report), expected);
    assert!(report.findings.iter().all(|f| f.verdict != Verdict::Unknown));
    assert!(has(&report, "aws-rds-instance-public", "CrmDatabase", Verdict::Exposed));
    let db = report.findings.iter().find(|f| f.rule == "aws-rds-instance-public").unwrap();
    assert!(db.message.contains("crm-postgres-sg"), "{}", db.message);
    assert!(has(&report, "aws-rds-instance-unencrypted", "CrmDatabase", Verdict::Weak));
    assert!(has(&report, "aws-ebs-volume-unencrypted", "CrmAppRootVolume", Verdict::Weak));
    let notes = &report.inputs[0].notes;
    assert!(notes.iter().any(|n| n.contains("default values") && n.contains("OfficeCidr")), "{notes:?}");
}

#[test]
fn yaml_evidence_names_line_and_column() {
    let report = run("dealership.yaml");
    let text = std::fs::read_to_string(fixture("dealership.yaml")).unwrap();
    let (index, line) = text.lines().enumerate().find(|(_, l)| l.contains("AccessControl: PublicRead")).unwrap();
    let column = line.len() - line.trim_start().len() + 1;
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "aws-s3-bucket-public-acl" && f.resource.id == "CustomerRecordsBucket")
        .unwrap();
    let evidence = &finding.evidence[0];
    assert_eq!(evidence.pointer, "/Resources/CustomerRecordsBucket/Properties/AccessControl");
    assert_eq!((evidence.line, evidence.column), (Some(index + 1), Some(column)));
    for evidence in report.findings.iter().flat_map(|f| &f.evidence) {
        assert!(evidence.line.is_some() && evidence.column.is_some(), "{evidence:?}");
    }
    // A JSON template has no line and column: its pointers are its places.
    let json = run("dealership.json");
    assert!(json.findings.iter().flat_map(|f| &f.evidence).all(|e| e.line.is_none()));
}

#[test]
fn evidence_pointers_resolve_in_the_template() {
    // The JSON twin has the structure the YAML pointers address.
    let twin: Value = serde_json::from_slice(&std::fs::read(fixture("dealership.json")).unwrap()).unwrap();
    for name in ["dealership.json", "dealership.yaml"] {
        let report = run(name);
        for evidence in report.findings.iter().flat_map(|f| &f.evidence) {
            assert!(twin.pointer(&evidence.pointer).is_some(), "{name}: {} does not resolve", evidence.pointer);
        }
    }
}

#[test]
fn a_parameter_without_default_is_unresolved_never_guessed() {
    let report = run("parameters.yaml");
    assert_eq!(report.inputs[0].error, None);
    assert!(has(&report, "aws-s3-bucket-public-acl", "UploadsBucket", Verdict::Unknown));
    let uploads =
        report.findings.iter().find(|f| f.rule == "aws-s3-bucket-public-acl" && f.resource.id == "UploadsBucket");
    assert_eq!(uploads.unwrap().evidence[0].pointer, "/Resources/UploadsBucket/Properties/AccessControl");
    // `!Sub "${AWS::StackName}-uploads"` is no name: the logical id stands in.
    assert_eq!(uploads.unwrap().resource.name, "UploadsBucket");
    assert!(has(&report, "aws-ec2-security-group-open-admin-port", "AdminSecurityGroup", Verdict::Unknown));
}

#[test]
fn a_decidable_if_picks_its_branch() {
    let report = run("parameters.yaml");
    let preview = report
        .findings
        .iter()
        .find(|f| f.rule == "aws-s3-bucket-public-acl" && f.resource.id == "PreviewBucket")
        .expect("Environment defaults to staging, so PreviewBucket is PublicRead");
    assert_eq!(preview.verdict, Verdict::Public);
    assert_eq!(preview.evidence[0].pointer, "/Resources/PreviewBucket/Properties/AccessControl/Fn::If/1");
    assert!(preview.evidence[0].line.is_some());
    let notes = &report.inputs[0].notes;
    assert!(notes.iter().any(|n| n.contains("default values") && n.contains("Environment")), "{notes:?}");
}

#[test]
fn a_resource_whose_condition_is_false_is_not_audited() {
    let report = run("parameters.yaml");
    assert!(report.findings.iter().all(|f| f.resource.id != "ProductionOnlyBucket"));
    let notes = &report.inputs[0].notes;
    assert!(notes.iter().any(|n| n.contains("ProductionOnlyBucket is not audited")), "{notes:?}");
    // A condition on the region cannot be decided: audited as if created.
    assert!(notes.iter().any(|n| n.contains("SydneyBucket") && n.contains("as if created")), "{notes:?}");
    assert_eq!(report.inputs[0].resources, 4);
}

#[test]
fn every_mapped_type_reaches_its_rule() {
    let report = run("policies.yaml");
    let input = &report.inputs[0];
    assert_eq!(input.error, None);
    let found = exposures(&report);
    for (rule, id) in [
        ("aws-lambda-function-public-policy", "PricingFunction"),
        ("aws-lambda-function-url-public", "PricingFunction"),
        ("aws-opensearch-domain-public", "InventorySearch"),
        ("aws-ecr-repository-public-policy", "ImagesRepository"),
        ("aws-kms-key-public-policy", "SharedKey"),
        ("aws-secretsmanager-secret-public-policy", "DealerApiSecret"),
        ("aws-iam-role-public-trust", "PartnerRole"),
        ("aws-redshift-cluster-public", "ReportingCluster"),
        ("aws-rds-instance-public", "LegacyDatabase"),
    ] {
        assert!(found.contains(&(rule.to_string(), id.to_string())), "{rule} on {id}: {found:?}");
    }
    // PubliclyAccessible left out: AWS decides by the network, so unknown.
    assert!(has(&report, "aws-rds-instance-public", "LegacyDatabase", Verdict::Unknown));
    let reasons: Vec<&str> = input.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("AWS::KinesisFirehose::DeliveryStream")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("nested stack")), "{reasons:?}");
}

#[test]
fn sam_templates_read_function_urls_and_skip_the_rest() {
    let report = run("sam.yaml");
    let input = &report.inputs[0];
    assert_eq!(input.format.as_deref(), Some("cloudformation"));
    assert!(has(&report, "aws-lambda-function-url-public", "QuoteWebhook", Verdict::Exposed));
    let skipped: Vec<&str> = input.skipped.iter().map(|s| s.pointer.as_str()).collect();
    assert_eq!(skipped, ["/Resources/QuoteApi", "/Resources/QuoteTable"]);
    assert!(input.skipped.iter().all(|s| s.reason.contains("--template-stage Processed")));
}

#[test]
fn get_template_output_is_read_like_the_template() {
    let wrapped = run("get-template-yaml.json");
    let plain = run("parameters.yaml");
    assert_eq!(wrapped.inputs[0].format.as_deref(), Some("cloudformation"));
    let ids = |r: &Report| r.findings.iter().map(|f| (f.rule.to_string(), f.resource.id.clone())).collect::<Vec<_>>();
    assert_eq!(ids(&wrapped), ids(&plain));
    // The template is a string inside the JSON: evidence points into it.
    let evidence = &wrapped.findings[0].evidence[0];
    assert!(evidence.pointer.starts_with("/TemplateBody") && evidence.inner.is_some(), "{evidence:?}");
}

#[test]
fn broken_yaml_is_a_clear_error_with_its_place() {
    for (name, line, hint) in [("bad-tab.yaml", 4, "tab"), ("bad-quote.yaml", 4, "quote")] {
        let report = run(name);
        let input = &report.inputs[0];
        assert_eq!(input.format, None);
        let error = input.error.as_deref().unwrap_or_default();
        assert!(error.contains("not valid YAML"), "{name}: {error}");
        assert!(error.contains(&format!("line {line}, column")), "{name}: {error}");
        assert!(error.contains(hint), "{name}: {error}");
    }
}

#[test]
fn yaml_that_is_not_a_template_is_not_claimed() {
    let report = run("kubernetes.yaml");
    let error = report.inputs[0].error.as_deref().unwrap_or_default();
    assert_eq!(report.inputs[0].format, None);
    assert!(!error.is_empty() && !error.contains("CloudFormation"), "{error}");
    // Broken JSON stays JSON's error, even when it names AWS types.
    let broken = br#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}"#;
    let report = audit(&[InputFile { name: "t.json", bytes: broken }], &Options::default());
    let error = report.inputs[0].error.as_deref().unwrap_or_default();
    assert!(!error.contains("YAML"), "{error}");
}

#[test]
fn truncated_and_mangled_templates_never_panic() {
    let text = std::fs::read(fixture("dealership.yaml")).unwrap();
    for end in (0..text.len()).step_by(97) {
        let _ = audit(&[InputFile { name: "cut.yaml", bytes: &text[..end] }], &Options::default());
    }
    let json = std::fs::read(fixture("dealership.json")).unwrap();
    let mut value: Value = serde_json::from_slice(&json).unwrap();
    // Every property replaced by odd values and intrinsics.
    let odd = [
        serde_json::json!(null),
        serde_json::json!({"Fn::If": "x"}),
        serde_json::json!({"Ref": ["a"]}),
        serde_json::json!([{"Fn::Sub": 1}]),
        serde_json::json!({"Fn::Select": [99, {"Fn::GetAZs": ""}]}),
        serde_json::json!({"Condition": "Nope"}),
    ];
    if let Some(resources) = value.get_mut("Resources").and_then(Value::as_object_mut) {
        for (i, resource) in resources.values_mut().enumerate() {
            if let Some(properties) = resource.get_mut("Properties").and_then(Value::as_object_mut) {
                for (j, v) in properties.values_mut().enumerate() {
                    *v = odd[(i + j) % odd.len()].clone();
                }
            }
        }
    }
    let bytes = serde_json::to_vec(&value).unwrap();
    let report = audit(&[InputFile { name: "odd.json", bytes: &bytes }], &Options::default());
    assert_eq!(report.inputs[0].format.as_deref(), Some("cloudformation"));
}

/// Every CloudFormation case of the conformance corpus is read as a
/// template, without error. Whether each verdict matches is the conformance
/// suite's job.
#[test]
fn corpus_templates_are_read() {
    let root = std::env::var_os("KEYHOLE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    let Ok(manifest) = std::fs::read_to_string(root.join("MANIFEST.tsv")) else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "the corpus is missing at {}", root.display());
        eprintln!("corpus not found at {}: skipped", root.display());
        return;
    };
    let mut read = 0;
    for row in manifest.lines().skip(1) {
        let fields: Vec<&str> = row.split('\t').collect();
        let [source, case, "cloudformation", ..] = fields.as_slice() else { continue };
        let dir = root.join(source).join(case);
        let Some(input) = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("input.")))
        else {
            panic!("{case}: no input file");
        };
        let bytes = std::fs::read(&input).unwrap();
        let report = audit(&[InputFile { name: "input", bytes: &bytes }], &Options::default());
        let summary = &report.inputs[0];
        assert_eq!(summary.error, None, "{source}/{case}");
        assert_eq!(summary.format.as_deref(), Some("cloudformation"), "{source}/{case}");
        read += 1;
    }
    assert!(read >= 100, "only {read} CloudFormation cases");
}

#[test]
fn what_cannot_be_expanded_is_skipped_with_its_reason() {
    let template = br#"
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Conditions:
  InSydney: !Equals [!Ref AWS::Region, ap-southeast-2]
Resources:
  Fn::ForEach::Buckets:
    - Name
    - [a, b]
    - Bucket${Name}:
        Type: AWS::S3::Bucket
  Maybe:
    Type: AWS::S3::Bucket
    Properties: !If [InSydney, {AccessControl: PublicRead}, {AccessControl: Private}]
"#;
    let report = audit(&[InputFile { name: "t.yaml", bytes: template }], &Options::default());
    let input = &report.inputs[0];
    assert_eq!(input.format.as_deref(), Some("cloudformation"));
    assert_eq!(input.resources, 0);
    let reasons: Vec<&str> = input.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("LanguageExtensions")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("Maybe") && r.contains("InSydney")), "{reasons:?}");
}

#[test]
fn aurora_instances_take_their_clusters_encryption() {
    let template = br#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Plain:
    Type: AWS::RDS::DBCluster
    Properties: { Engine: aurora-mysql }
  PlainWriter:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: aurora-mysql, DBInstanceClass: db.r6g.large, DBClusterIdentifier: !Ref Plain }
  Serverless:
    Type: AWS::RDS::DBCluster
    Properties: { Engine: aurora-mysql, EngineMode: serverless }
  ServerlessWriter:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: aurora-mysql, DBInstanceClass: db.r6g.large, DBClusterIdentifier: !Ref Serverless }
  Elsewhere:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: aurora-mysql, DBInstanceClass: db.r6g.large, DBClusterIdentifier: shared-cluster }
  MultiAz:
    Type: AWS::RDS::DBCluster
    Properties: { Engine: mysql, DBClusterInstanceClass: db.m6gd.large, StorageEncrypted: false }
"#;
    let report = audit(&[InputFile { name: "t.yaml", bytes: template }], &Options::default());
    let unencrypted: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "aws-rds-instance-unencrypted")
        .map(|f| f.resource.id.as_str())
        .collect();
    // AWS's default for a provisioned cluster is unencrypted; Serverless v1
    // is always encrypted; a cluster outside the template is not judged.
    assert_eq!(unencrypted, ["PlainWriter"], "{:?}", report.findings);
    let finding = report.findings.iter().find(|f| f.rule == "aws-rds-instance-unencrypted").unwrap();
    assert_eq!(finding.evidence[0].pointer, "/Resources/Plain");
    // A Multi-AZ DB cluster has no instances to carry its settings.
    let skipped: Vec<&str> = report.inputs[0].skipped.iter().map(|s| s.pointer.as_str()).collect();
    assert_eq!(skipped, ["/Resources/MultiAz"]);
}

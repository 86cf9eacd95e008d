//! Terraform `terraform show -json` plans and states, read through the
//! public API: which findings a dealership's plan and state give, how
//! values unknown until apply and references between resources are read,
//! that every evidence pointer resolves in the file, and that the peer
//! projects' `tfplan` cases of the conformance corpus are read.
//!
//! The fixtures are in the exact shape Terraform 1.11 writes (see
//! `tests/fixtures/terraform/README.md`).

use std::path::{Path, PathBuf};

use keyhole::report::{Finding, Report, Verdict};
use keyhole::{audit, InputFile, Options};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/terraform").join(name)
}

fn run(files: &[(&str, Vec<u8>)]) -> Report {
    let inputs: Vec<InputFile> = files.iter().map(|(name, bytes)| InputFile { name, bytes }).collect();
    audit(&inputs, &Options::default())
}

fn audit_fixture(name: &str) -> (Report, Value) {
    let bytes = std::fs::read(fixture(name)).unwrap();
    let json: Value = serde_json::from_slice(&bytes).unwrap();
    (run(&[(name, bytes)]), json)
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Public => "public",
        Verdict::Exposed => "exposed",
        Verdict::Weak => "weak",
        Verdict::Unknown => "unknown",
    }
}

/// (rule, resource name, verdict) of the findings of one provider, sorted.
fn findings(report: &Report, provider: &str) -> Vec<(String, String, &'static str)> {
    let mut out: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.resource.provider == provider)
        .map(|f| (f.rule.to_string(), f.resource.name.clone(), verdict(f.verdict)))
        .collect();
    out.sort();
    out
}

fn expect(list: &[(&str, &str, &str)]) -> Vec<(String, String, &'static str)> {
    let mut out: Vec<_> = list
        .iter()
        .map(|(rule, name, v)| {
            let v = match *v {
                "public" => "public",
                "exposed" => "exposed",
                "weak" => "weak",
                _ => "unknown",
            };
            (rule.to_string(), name.to_string(), v)
        })
        .collect();
    out.sort();
    out
}

/// Every evidence pointer resolves in the file; an inner pointer resolves
/// in the JSON held by the string the pointer reaches.
fn assert_evidence_resolves(finding: &Finding, file: &Value) {
    for evidence in &finding.evidence {
        let target = file
            .pointer(&evidence.pointer)
            .unwrap_or_else(|| panic!("{}: pointer {} does not resolve", finding.rule, evidence.pointer));
        if let Some(inner) = &evidence.inner {
            let text =
                target.as_str().unwrap_or_else(|| panic!("{}: {} is not a string", finding.rule, evidence.pointer));
            let embedded: Value = serde_json::from_str(text).unwrap();
            assert!(embedded.pointer(inner).is_some(), "{}: inner pointer {inner} does not resolve", finding.rule);
        }
    }
}

#[test]
fn dealership_plan() {
    let (report, json) = audit_fixture("dealership.tfplan.json");
    let input = &report.inputs[0];
    assert_eq!(input.format.as_deref(), Some("terraform-plan"));
    assert_eq!(input.error, None);
    // 10 AWS, 6 Azure and 4 Google resources; the configuring resources
    // (bucket ACL, policy, rules, IAM members...) attach to them.
    assert_eq!(input.resources, 20, "{:#?}", report.inputs);
    let skipped: Vec<&str> = input.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        skipped,
        ["resource type aws_vpc is not audited", "resource type azurerm_resource_group is not audited"],
        "{skipped:?}"
    );
    assert_eq!(input.skipped[0].pointer, "/planned_values/root_module/resources/0");
    assert!(input.notes.iter().any(|n| n == "1 resource that this plan deletes was not audited."), "{:?}", input.notes);

    assert_eq!(
        findings(&report, "aws"),
        expect(&[
            ("aws-s3-bucket-public-acl", "aws_s3_bucket.service_records", "public"),
            ("aws-s3-bucket-public-policy", "aws_s3_bucket.service_records", "public"),
            ("aws-s3-block-public-access-off", "aws_s3_bucket.service_records", "weak"),
            ("aws-s3-bucket-no-access-logging", "aws_s3_bucket.service_records", "weak"),
            ("aws-s3-bucket-no-access-logging", "module.crm.aws_s3_bucket.exports", "weak"),
            ("aws-ec2-security-group-open-admin-port", "aws_security_group.web", "exposed"),
            ("aws-ec2-security-group-open-database-port", "aws_security_group.db", "exposed"),
            ("aws-rds-instance-public", "aws_db_instance.dms", "exposed"),
            ("aws-rds-instance-unencrypted", "aws_db_instance.dms", "weak"),
            ("aws-sqs-queue-public-policy", "module.crm.aws_sqs_queue.leads", "public"),
            ("aws-lambda-function-url-public", "module.crm.aws_lambda_function.webhook", "exposed"),
            // The permission's statement carries AWS's
            // `lambda:FunctionUrlAuthType` condition, which the policy
            // evaluator does not judge.
            ("aws-lambda-function-public-policy", "module.crm.aws_lambda_function.webhook", "unknown"),
            ("aws-ebs-volume-unencrypted", "module.crm.module.archive.aws_ebs_volume.archive", "weak"),
        ])
    );
    for finding in &report.findings {
        assert_evidence_resolves(finding, &json);
    }

    // Evidence points into planned_values; the bucket policy's into the
    // policy string.
    let policy = report.findings.iter().find(|f| f.rule == "aws-s3-bucket-public-policy").unwrap();
    let evidence = &policy.evidence[0];
    assert!(evidence.pointer.starts_with("/planned_values/root_module/resources/"), "{evidence:?}");
    assert!(evidence.pointer.ends_with("/values/policy"), "{evidence:?}");
    assert_eq!(evidence.inner.as_deref(), Some("/Statement/0"));
    // The new bucket's ACL is not refused at deploy: Object Ownership is
    // ObjectWriter.
    let acl = report.findings.iter().find(|f| f.rule == "aws-s3-bucket-public-acl").unwrap();
    assert!(acl.evidence.iter().any(|e| json.pointer(&e.pointer) == Some(&Value::from("public-read"))), "{acl:?}");
    // The database's security group is found through the configuration's
    // reference: its id is unknown until apply.
    let db = report.findings.iter().find(|f| f.rule == "aws-rds-instance-public").unwrap();
    assert!(db.message.contains("aws_security_group.db"), "{}", db.message);

    // The Azure and GCP rules are checked as far as they are registered.
    assert_eq!(
        findings(&report, "azure"),
        registered(&[
            ("azure-storage-account-public-blob-access", "azurerm_storage_account.docs", "weak"),
            ("azure-storage-account-http-allowed", "azurerm_storage_account.docs", "weak"),
            // No `network_rules`: Azure's default action, Allow.
            ("azure-storage-account-open-network", "azurerm_storage_account.docs", "exposed"),
            // Its account is found through `storage_account_id`, unknown until apply.
            ("azure-storage-container-public", "azurerm_storage_container.invoices", "public"),
            ("azure-sql-server-firewall-open", "azurerm_mssql_server.dms", "exposed"),
            ("azure-sql-server-allow-azure-services", "azurerm_mssql_server.dms", "exposed"),
            // The inline `rdp` rule and the separate `ssh` rule.
            ("azure-nsg-open-admin-port", "azurerm_network_security_group.branch", "exposed"),
            ("azure-nsg-open-admin-port", "azurerm_network_security_group.branch", "exposed"),
            ("azure-keyvault-public-network", "azurerm_key_vault.secrets", "exposed"),
            ("azure-cosmosdb-public-network", "azurerm_cosmosdb_account.inventory", "exposed"),
        ])
    );
    assert_eq!(
        findings(&report, "gcp"),
        registered(&[
            // Granted by a separate `google_storage_bucket_iam_member`.
            ("gcp-storage-bucket-public", "google_storage_bucket.brochures", "public"),
            ("gcp-storage-bucket-uniform-access-off", "google_storage_bucket.brochures", "weak"),
            ("gcp-sql-instance-open-network", "google_sql_database_instance.warranty", "exposed"),
            ("gcp-sql-instance-public-ip", "google_sql_database_instance.warranty", "exposed"),
            ("gcp-compute-firewall-open-admin-port", "google_compute_firewall.allow_ssh", "exposed"),
            ("gcp-bigquery-dataset-public", "google_bigquery_dataset.sales", "public"),
        ])
    );
}

/// The expected findings of rules that are registered: the Azure and GCP
/// rules were written alongside this adapter.
fn registered(list: &[(&str, &str, &str)]) -> Vec<(String, String, &'static str)> {
    let known: Vec<(&str, &str, &str)> =
        list.iter().copied().filter(|(rule, _, _)| keyhole::rules::find(rule).is_some()).collect();
    expect(&known)
}

#[test]
fn dealership_state() {
    let (report, json) = audit_fixture("dealership.tfstate.json");
    let input = &report.inputs[0];
    assert_eq!(input.format.as_deref(), Some("terraform-state"));
    assert_eq!(input.error, None);
    assert!(input.skipped.is_empty(), "{:?}", input.skipped);
    // Bucket, group, database, queue; storage account and container; GCS bucket.
    assert_eq!(input.resources, 7);
    assert_eq!(
        findings(&report, "aws"),
        expect(&[
            ("aws-s3-bucket-public-acl", "aws_s3_bucket.service_records", "public"),
            ("aws-s3-bucket-public-policy", "aws_s3_bucket.service_records", "public"),
            ("aws-s3-block-public-access-off", "aws_s3_bucket.service_records", "weak"),
            ("aws-s3-bucket-no-access-logging", "aws_s3_bucket.service_records", "weak"),
            // The rule is listed both inline (as the API reports it) and as
            // its own resource: one finding.
            ("aws-ec2-security-group-open-database-port", "aws_security_group.db", "exposed"),
            ("aws-rds-instance-public", "aws_db_instance.dms", "exposed"),
            ("aws-rds-instance-unencrypted", "aws_db_instance.dms", "weak"),
            ("aws-sqs-queue-public-policy", "module.crm.aws_sqs_queue.leads", "public"),
        ])
    );
    for finding in &report.findings {
        assert_evidence_resolves(finding, &json);
        assert!(finding.evidence.iter().all(|e| e.pointer.starts_with("/values/root_module/")), "{finding:?}");
    }
    let db = report.findings.iter().find(|f| f.rule == "aws-rds-instance-public").unwrap();
    assert!(db.message.contains("aws_security_group.db"), "{}", db.message);
    // A private container in an account that denies other networks, and a
    // bucket whose public access prevention is enforced: nothing to report.
    assert_eq!(findings(&report, "azure"), expect(&[]));
    assert_eq!(findings(&report, "gcp"), expect(&[]));
}

#[test]
fn unknown_values_and_references() {
    let (report, json) = audit_fixture("unknown-bucket.tfplan.json");
    let input = &report.inputs[0];
    assert_eq!(input.format.as_deref(), Some("terraform-plan"));
    assert_eq!(input.error, None);
    // uploads, photos, logs[0], site["north"], site["south"], tenant's bucket.
    assert_eq!(input.resources, 6);
    let skipped: Vec<(&str, &str)> = input.skipped.iter().map(|s| (s.pointer.as_str(), s.reason.as_str())).collect();
    assert!(skipped.contains(&(
        "/planned_values/root_module/resources/15",
        "aws_s3_bucket_policy.mystery: which bucket it applies to is not known until apply, and the configuration does not say"
    )), "{skipped:?}");
    assert!(skipped.iter().any(|(_, r)| *r == "resource type random_pet is not audited"), "{skipped:?}");
    assert!(input.notes.iter().any(|n| n.contains("1 resource that this plan deletes")), "{:?}", input.notes);

    assert_eq!(
        findings(&report, "aws"),
        expect(&[
            // Names unknown until apply; the policy and block attach through
            // the configuration's references.
            ("aws-s3-bucket-public-policy", "aws_s3_bucket.uploads", "public"),
            ("aws-s3-block-public-access-off", "aws_s3_bucket.uploads", "weak"),
            ("aws-s3-bucket-no-access-logging", "aws_s3_bucket.uploads", "weak"),
            // The policy document itself is unknown until apply.
            ("aws-s3-bucket-public-policy", "aws_s3_bucket.photos", "unknown"),
            ("aws-s3-block-public-access-off", "aws_s3_bucket.photos", "weak"),
            ("aws-s3-bucket-no-access-logging", "aws_s3_bucket.photos", "weak"),
            // count: `aws_s3_bucket.logs[0]`.
            ("aws-s3-bucket-no-access-logging", "aws_s3_bucket.logs[0]", "weak"),
            // for_each: each ACL and block finds its own instance by key.
            ("aws-s3-bucket-public-acl", "aws_s3_bucket.site[\"north\"]", "public"),
            ("aws-s3-bucket-public-acl", "aws_s3_bucket.site[\"south\"]", "public"),
            ("aws-s3-block-public-access-off", "aws_s3_bucket.site[\"north\"]", "weak"),
            ("aws-s3-block-public-access-off", "aws_s3_bucket.site[\"south\"]", "weak"),
            ("aws-s3-bucket-no-access-logging", "aws_s3_bucket.site[\"north\"]", "weak"),
            ("aws-s3-bucket-no-access-logging", "aws_s3_bucket.site[\"south\"]", "weak"),
            // Its block comes from the root through the module's output.
            ("aws-s3-bucket-no-access-logging", "module.tenant[0].aws_s3_bucket.this", "weak"),
        ])
    );
    for finding in &report.findings {
        assert_evidence_resolves(finding, &json);
    }
    // The unknown policy points at its `after_unknown` marker.
    let unknown = report
        .findings
        .iter()
        .find(|f| f.rule == "aws-s3-bucket-public-policy" && f.verdict == Verdict::Unknown)
        .unwrap();
    let marker = &unknown.evidence[0];
    assert!(marker.pointer.starts_with("/resource_changes/"), "{marker:?}");
    assert!(marker.pointer.ends_with("/change/after_unknown/policy"), "{marker:?}");
    assert_eq!(json.pointer(&marker.pointer), Some(&Value::Bool(true)));
    // The module's ownership controls reach the root bucket through
    // `var.bucket`: no note about ACLs being refused at deploy.
    let public = report
        .findings
        .iter()
        .find(|f| f.rule == "aws-s3-bucket-public-policy" && f.resource.name == "aws_s3_bucket.uploads")
        .unwrap();
    assert!(public.evidence.iter().any(|e| e.pointer.contains("/resources/2/values/policy")), "{public:?}");
}

#[test]
fn plan_and_state_of_one_configuration_merge() {
    let plan = std::fs::read(fixture("dealership.tfplan.json")).unwrap();
    let state = std::fs::read(fixture("dealership.tfstate.json")).unwrap();
    let report = run(&[("plan.json", plan), ("state.json", state)]);
    assert!(report.inputs.iter().all(|i| i.error.is_none()));
    let acl: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == "aws-s3-bucket-public-acl").collect();
    assert_eq!(acl.len(), 1, "{acl:#?}");
}

#[test]
fn empty_state_and_detection() {
    let report = run(&[("empty.json", br#"{"format_version":"1.0"}"#.to_vec())]);
    assert_eq!(report.inputs[0].format.as_deref(), Some("terraform-state"));
    assert_eq!(report.inputs[0].resources, 0);
    // A provider schema dump also has `format_version`, but is not a plan or state.
    let report = run(&[("schemas.json", br#"{"format_version":"1.0","provider_schemas":{}}"#.to_vec())]);
    assert!(report.inputs[0].error.is_some());
}

/// Nothing the adapter reads can make it panic.
#[test]
fn odd_shapes_do_not_panic() {
    for text in [
        r#"{"format_version":"1.2","planned_values":null}"#,
        r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":1}]}}}"#,
        r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_s3_bucket.b","type":"aws_s3_bucket","name":"b","values":null}]}},"resource_changes":[{"address":"aws_s3_bucket.b","change":{"actions":["create"],"after_unknown":true}}]}"#,
        r#"{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bucket_policy.p","type":"aws_s3_bucket_policy","name":"p","change":{"actions":["create"],"after":{"policy":"{not json"},"after_unknown":{"bucket":true}}}],"configuration":{"root_module":{"resources":[{"address":"aws_s3_bucket_policy.p","expressions":{"bucket":{"references":["module.x.y","var.z","aws_s3_bucket.b[\"k\"]","module"]}}}]}}}"#,
        r#"{"format_version":"1.0","values":{"root_module":{"child_modules":[{"address":"module.a[\"x.y\"]","resources":[{"address":"module.a[\"x.y\"].aws_security_group_rule.r","type":"aws_security_group_rule","name":"r","values":{"type":"ingress","from_port":"x","security_group_id":7,"cidr_blocks":"0.0.0.0/0"}}]}]}}}"#,
    ] {
        let report = run(&[("odd.json", text.as_bytes().to_vec())]);
        assert!(report.inputs[0].format.as_deref().is_some_and(|f| f.starts_with("terraform-")), "{text}");
    }
}

/// The `tfplan` cases of the conformance corpus (KICS, Checkov, Regula) are
/// all read as plans, without errors, into resources.
#[test]
fn corpus_plans_are_read() {
    let root = std::env::var_os("KEYHOLE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    let Ok(manifest) = std::fs::read_to_string(root.join("MANIFEST.tsv")) else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "the corpus is missing under CI");
        eprintln!("corpus not found at {}: skipped", root.display());
        return;
    };
    let mut read = 0;
    for line in manifest.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        let [source, case, format, ..] = columns.as_slice() else { continue };
        if *format != "tfplan" {
            continue;
        }
        let bytes = std::fs::read(root.join(source).join(case).join("input.json")).unwrap();
        let report = run(&[("input.json", bytes)]);
        let input = &report.inputs[0];
        assert_eq!(input.error, None, "{source}/{case}");
        assert_eq!(input.format.as_deref(), Some("terraform-plan"), "{source}/{case}");
        assert!(input.resources > 0 || !input.skipped.is_empty(), "{source}/{case}: nothing read");
        read += 1;
    }
    assert!(read >= 16, "only {read} tfplan cases");
}

/// Many instances of one module, as a big plan has them: every instance's
/// ACL, block, policy and rule attaches to its own bucket and group. (Speed
/// is measured by `cargo bench --bench audit -- --terraform-copies 3000`.)
#[test]
fn every_module_instance_of_a_big_plan_is_read() {
    let report = run(&[("big.json", big_plan::terraform_plan(300))]);
    assert_eq!(report.inputs[0].error, None);
    assert_eq!(report.inputs[0].resources, 900);
    assert_eq!(report.findings.len(), 2100);
}

#[path = "support/big_plan.rs"]
mod big_plan;

/// An Aurora instance takes its cluster's encryption, by value in a state;
/// a Multi-AZ DB cluster has no instances to carry it and stays skipped.
#[test]
fn aurora_instances_take_their_clusters_encryption() {
    let state = br#"{"format_version":"1.0","values":{"root_module":{"resources":[
      {"address":"aws_rds_cluster.plain","mode":"managed","type":"aws_rds_cluster","name":"plain",
       "values":{"cluster_identifier":"plain","id":"plain","engine":"aurora-mysql","storage_encrypted":false}},
      {"address":"aws_rds_cluster_instance.plain","mode":"managed","type":"aws_rds_cluster_instance","name":"plain",
       "values":{"identifier":"plain-1","cluster_identifier":"plain","engine":"aurora-mysql","publicly_accessible":false}},
      {"address":"aws_rds_cluster_instance.elsewhere","mode":"managed","type":"aws_rds_cluster_instance","name":"elsewhere",
       "values":{"identifier":"other-1","cluster_identifier":"shared","engine":"aurora-mysql","publicly_accessible":false}},
      {"address":"aws_rds_cluster.multi_az","mode":"managed","type":"aws_rds_cluster","name":"multi_az",
       "values":{"cluster_identifier":"multi","id":"multi","engine":"mysql","db_cluster_instance_class":"db.m6gd.large","storage_encrypted":false}}
    ]}}}"#;
    let report = run(&[("state.json", state.to_vec())]);
    let unencrypted: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "aws-rds-instance-unencrypted")
        .map(|f| f.resource.name.as_str())
        .collect();
    assert_eq!(unencrypted, ["aws_rds_cluster_instance.plain"], "{:?}", report.findings);
    let skipped: Vec<&str> = report.inputs[0].skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0].contains("aws_rds_cluster"), "{skipped:?}");
}

//! Equivalence across AWS formats: one dealership setup (Harbour Motors,
//! `tests/fixtures/equivalence/aws/`) written as an AWS Config snapshot,
//! standalone AWS CLI outputs, a Keyhole AWS bundle, a Terraform plan and
//! state (`terraform show -json`) and a CloudFormation template in JSON and
//! in YAML gives the same findings, apart from file and pointer.
//!
//! The Azure and GCP equivalents live beside their adapters' tests
//! (`tests/azure.rs`, `tests/gcp.rs`), and CloudFormation JSON against YAML
//! in `tests/cloudformation.rs`.
//!
//! **The normalised key.** A finding is compared as (rule id, resource,
//! verdict, severity). Each format names a resource its own way: the exports
//! by the cloud's name (`harbour-crm`) or id, CloudFormation by the physical
//! name it sets (else the logical id), Terraform by its address
//! (`aws_db_instance.crm`). [`IDENTITIES`] maps every name a format reports
//! to one key of the setup, `kind/name` (`rds/crm`); a name it does not list
//! fails the test, so a finding cannot slip through on an unexpected
//! resource.
//!
//! **What a format cannot say** is stated per format in [`expected_for`],
//! never left out silently:
//! - CloudFormation has no account-level Block Public Access resource, so the
//!   account's BlockPublicAcls and BlockPublicPolicy do not complete the
//!   brochures bucket's own IgnorePublicAcls and RestrictPublicBuckets: one
//!   more `aws-s3-block-public-access-off`, low (the bucket is provably not
//!   public).
//! - Standalone `s3api` outputs do not name their bucket, so Keyhole reads
//!   them only inside a bundle: the CLI files hold no bucket, hence no bucket
//!   finding.
//!
//! The sensitive-data hint reads names, so the fixtures keep the same words
//! (`customer`, `crm`) in every format's name of a resource; severities then
//! agree as well.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use keyhole::report::{Report, Verdict};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/equivalence/aws")
}

fn read(path: &Path) -> (String, Vec<u8>) {
    summary::read(&fixtures(), path)
}

/// The formats of the setup, each with its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    ConfigSnapshot,
    CliOutputs,
    Bundle,
    TerraformPlan,
    TerraformState,
    CloudFormationJson,
    CloudFormationYaml,
}

const FORMATS: [Format; 7] = [
    Format::ConfigSnapshot,
    Format::CliOutputs,
    Format::Bundle,
    Format::TerraformPlan,
    Format::TerraformState,
    Format::CloudFormationJson,
    Format::CloudFormationYaml,
];

impl Format {
    fn files(self) -> Vec<PathBuf> {
        let one = |name: &str| vec![fixtures().join(name)];
        match self {
            Format::ConfigSnapshot => one("config-snapshot.json"),
            Format::CliOutputs => {
                let mut paths: Vec<PathBuf> =
                    std::fs::read_dir(fixtures().join("cli")).unwrap().map(|e| e.unwrap().path()).collect();
                paths.sort();
                paths
            }
            Format::Bundle => one("bundle.json"),
            Format::TerraformPlan => one("plan.tfplan.json"),
            Format::TerraformState => one("state.tfstate.json"),
            Format::CloudFormationJson => one("template.json"),
            Format::CloudFormationYaml => one("template.yaml"),
        }
    }

    fn run(self) -> Report {
        let files: Vec<(String, Vec<u8>)> = self.files().iter().map(|p| read(p)).collect();
        run(&files)
    }

    fn is_cloudformation(self) -> bool {
        matches!(self, Format::CloudFormationJson | Format::CloudFormationYaml)
    }
}

/// Every name a format reports for a resource of the setup, by key.
const IDENTITIES: &[(&str, &[&str])] = &[
    ("s3/customer-records", &["harbour-customer-records", "aws_s3_bucket.customer_records"]),
    ("s3/service-photos", &["harbour-service-photos", "aws_s3_bucket.service_photos"]),
    ("s3/brochures", &["harbour-brochures", "aws_s3_bucket.brochures"]),
    ("s3/partner-feed", &["harbour-partner-feed", "aws_s3_bucket.partner_feed"]),
    ("s3/access-logs", &["harbour-access-logs", "aws_s3_bucket.access_logs"]),
    ("sg/bastion", &["harbour-bastion", "aws_security_group.bastion"]),
    ("sg/office-ssh", &["harbour-office-ssh", "aws_security_group.office_ssh"]),
    ("sg/crm-db", &["harbour-crm-db", "aws_security_group.crm_db"]),
    ("sg/inventory-db", &["harbour-inventory-db", "aws_security_group.inventory_db"]),
    ("sg/partner-vpn", &["harbour-partner-vpn", "aws_security_group.partner_vpn"]),
    ("rds/crm", &["harbour-crm", "aws_db_instance.crm"]),
    ("rds/inventory", &["harbour-inventory", "aws_db_instance.inventory"]),
    ("rds/reporting-1", &["harbour-reporting-1", "aws_rds_cluster_instance.reporting"]),
    ("ebs/app-data", &["harbour-app-data", "aws_ebs_volume.app_data"]),
    ("ebs/build-cache", &["harbour-build-cache", "aws_ebs_volume.build_cache"]),
    ("sqs/web-leads", &["harbour-web-leads", "aws_sqs_queue.web_leads"]),
];

fn key_of(name: &str) -> &'static str {
    IDENTITIES
        .iter()
        .find(|(_, names)| names.contains(&name))
        .map(|(key, _)| *key)
        .unwrap_or_else(|| panic!("finding on {name}, which is not a resource of the setup (add it to IDENTITIES)"))
}

#[path = "support/summary.rs"]
mod summary;
use summary::{run, s, Summary};

/// The findings as (rule, resource key, verdict, severity).
fn summaries(report: &Report) -> BTreeSet<Summary> {
    summary::summaries(report, |f| key_of(&f.resource.name).to_string())
}

/// What the setup deserves, read from a format that can say everything.
/// Names holding `customer` or `crm` raise the severity one step.
fn expected() -> BTreeSet<Summary> {
    [
        // Public through its policy; its own Block Public Access is off.
        s("aws-s3-bucket-public-policy", "s3/customer-records", "public", "critical"),
        s("aws-s3-block-public-access-off", "s3/customer-records", "weak", "high"),
        // Public through its ACL.
        s("aws-s3-bucket-public-acl", "s3/service-photos", "public", "critical"),
        s("aws-s3-block-public-access-off", "s3/service-photos", "weak", "medium"),
        s("aws-s3-bucket-no-access-logging", "s3/service-photos", "weak", "low"),
        // Its public-read ACL is neutralised by IgnorePublicAcls, and its own
        // two flags with the account's two make all four: nothing but logging.
        s("aws-s3-bucket-no-access-logging", "s3/brochures", "weak", "low"),
        // Principal "*" restricted by aws:SourceIp: not public, so the block
        // finding is low.
        s("aws-s3-block-public-access-off", "s3/partner-feed", "weak", "low"),
        s("aws-s3-bucket-no-access-logging", "s3/partner-feed", "weak", "low"),
        s("aws-s3-bucket-no-access-logging", "s3/access-logs", "weak", "low"),
        // No aws-s3-bucket-unencrypted anywhere: the exports show SSE-S3, and
        // the templates and plan create buckets AWS encrypts by default.
        s("aws-ec2-security-group-open-admin-port", "sg/bastion", "exposed", "high"),
        s("aws-ec2-security-group-open-database-port", "sg/crm-db", "exposed", "critical"),
        // MySQL from a managed prefix list: its ranges are in no export, so
        // undecided, one step lower; never open, never clean.
        s("aws-ec2-security-group-open-database-port", "sg/partner-vpn", "unknown", "high"),
        // Public, behind a group open on its port: critical.
        s("aws-rds-instance-public", "rds/crm", "exposed", "critical"),
        s("aws-rds-instance-unencrypted", "rds/crm", "weak", "high"),
        // The Aurora instance is unencrypted because its cluster is.
        s("aws-rds-instance-unencrypted", "rds/reporting-1", "weak", "medium"),
        s("aws-ebs-volume-unencrypted", "ebs/app-data", "weak", "low"),
        s("aws-sqs-queue-public-policy", "sqs/web-leads", "public", "high"),
    ]
    .into_iter()
    .collect()
}

/// What one format can say of the setup: [`expected`] with its stated
/// differences.
fn expected_for(format: Format) -> BTreeSet<Summary> {
    let mut want = expected();
    if format.is_cloudformation() {
        // No account-level Block Public Access in a template.
        want.insert(s("aws-s3-block-public-access-off", "s3/brochures", "weak", "low"));
    }
    if format == Format::CliOutputs {
        // Bucket settings come only in a bundle.
        want.retain(|f| !f.1.starts_with("s3/"));
    }
    want
}

fn assert_read(format: Format, report: &Report) {
    for input in &report.inputs {
        assert!(input.error.is_none(), "{format:?} {}: {:?}", input.file, input.error);
        assert!(input.resources > 0, "{format:?} {}: nothing read", input.file);
    }
}

#[test]
fn the_same_setup_gives_the_same_findings_in_every_aws_format() {
    for format in FORMATS {
        let report = format.run();
        assert_read(format, &report);
        let got = summaries(&report);
        let want = expected_for(format);
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{format:?}: missing {missing:#?}\nextra {extra:#?}");
    }
}

#[test]
fn formats_are_named_by_content() {
    let mut seen: Vec<(Format, String, String)> = Vec::new();
    for format in FORMATS {
        for input in format.run().inputs {
            seen.push((format, input.file.clone(), input.format.clone().unwrap_or_default()));
        }
    }
    for (file, name) in [
        ("config-snapshot.json", "aws-config-snapshot"),
        ("cli/ec2-describe-security-groups.json", "aws-cli-describe-security-groups"),
        ("cli/ec2-describe-volumes.json", "aws-cli-describe-volumes"),
        ("cli/rds-describe-db-instances.json", "aws-cli-describe-db-instances"),
        ("cli/s3control-get-public-access-block.json", "aws-cli-get-public-access-block"),
        ("cli/sqs-get-queue-attributes.json", "aws-cli-get-queue-attributes"),
        ("bundle.json", "keyhole-aws-export"),
        ("plan.tfplan.json", "terraform-plan"),
        ("state.tfstate.json", "terraform-state"),
        ("template.json", "cloudformation"),
        ("template.yaml", "cloudformation"),
    ] {
        assert!(seen.iter().any(|(_, f, n)| f == file && n == name), "{file}: expected {name}, got {seen:?}");
    }
}

/// The Aurora cluster is read into its instance in the templates and the
/// plan (as the exports show it), so nothing about it is left skipped.
#[test]
fn the_aurora_cluster_is_read_into_its_instance() {
    for format in [Format::TerraformPlan, Format::TerraformState, Format::CloudFormationYaml] {
        let report = format.run();
        assert!(report.inputs[0].skipped.is_empty(), "{format:?}: {:?}", report.inputs[0].skipped);
        let finding = report
            .findings
            .iter()
            .find(|f| f.rule == "aws-rds-instance-unencrypted" && key_of(&f.resource.name) == "rds/reporting-1")
            .unwrap_or_else(|| panic!("{format:?}: no encryption finding on the Aurora instance"));
        // The plan cannot know the instance's own copy until apply, and a
        // template sets it on the cluster only: the evidence is the
        // cluster's setting.
        let pointer = finding.evidence[0].pointer.as_str();
        match format {
            Format::CloudFormationYaml => {
                assert_eq!(pointer, "/Resources/ReportingCluster/Properties/StorageEncrypted")
            }
            Format::TerraformPlan => {
                let (_, bytes) = read(&fixtures().join("plan.tfplan.json"));
                let plan: Value = serde_json::from_slice(&bytes).unwrap();
                let resource = pointer.strip_suffix("/values/storage_encrypted").expect(pointer);
                assert_eq!(plan.pointer(resource).unwrap()["address"], "aws_rds_cluster.reporting", "{pointer}");
            }
            _ => assert!(pointer.ends_with("/values/storage_encrypted"), "{format:?}: {pointer}"),
        }
    }
}

#[test]
fn a_prefix_list_source_is_unknown_with_its_place_as_evidence() {
    for format in FORMATS {
        let report = format.run();
        let finding = report
            .findings
            .iter()
            .find(|f| key_of(&f.resource.name) == "sg/partner-vpn")
            .unwrap_or_else(|| panic!("{format:?}: the prefix-list rule gives no finding"));
        assert_eq!(finding.verdict, Verdict::Unknown, "{format:?}");
        let evidence = finding
            .evidence
            .iter()
            .find(|e| e.note.contains("pl-0c1d2e3f4a5b60789") && e.note.contains("prefix list"))
            .unwrap_or_else(|| panic!("{format:?}: {:?}", finding.evidence));
        assert!(evidence.pointer.to_ascii_lowercase().contains("prefix"), "{format:?}: {}", evidence.pointer);
    }
}

/// Providers before 5.0 show the encryption and logging blocks a new
/// bucket's configuration leaves out as `[]`: AWS's defaults apply, so the
/// plan says what the 5.x plan and the template say.
#[test]
fn an_empty_encryption_block_of_an_older_provider_means_the_default() {
    let (_, bytes) = read(&fixtures().join("plan.tfplan.json"));
    let mut plan: Value = serde_json::from_slice(&bytes).unwrap();
    let mut changed = 0;
    for resource in plan["planned_values"]["root_module"]["resources"].as_array_mut().unwrap() {
        if resource["type"] == "aws_s3_bucket" {
            resource["values"]["server_side_encryption_configuration"] = Value::Array(Vec::new());
            resource["values"]["logging"] = Value::Array(Vec::new());
            changed += 1;
        }
    }
    for change in plan["resource_changes"].as_array_mut().unwrap() {
        if change["type"] == "aws_s3_bucket" {
            let unknown = change["change"]["after_unknown"].as_object_mut().unwrap();
            unknown.remove("server_side_encryption_configuration");
            unknown.remove("logging");
        }
    }
    assert_eq!(changed, 5);
    // The bucket logged by a separate aws_s3_bucket_logging keeps its logging.
    let report = run(&[("plan-v4.json".to_string(), serde_json::to_vec(&plan).unwrap())]);
    assert_read(Format::TerraformPlan, &report);
    assert_eq!(summaries(&report), expected_for(Format::TerraformPlan));

    // On a bucket that exists already (a state), `[]` is AWS's answer: off.
    let (_, bytes) = read(&fixtures().join("state.tfstate.json"));
    let mut state: Value = serde_json::from_slice(&bytes).unwrap();
    for resource in state["values"]["root_module"]["resources"].as_array_mut().unwrap() {
        if resource["address"] == "aws_s3_bucket.access_logs" {
            resource["values"]["server_side_encryption_configuration"] = Value::Array(Vec::new());
        }
    }
    let report = run(&[("state-old-bucket.json".to_string(), serde_json::to_vec(&state).unwrap())]);
    let mut want = expected_for(Format::TerraformState);
    want.insert(s("aws-s3-bucket-unencrypted", "s3/access-logs", "weak", "low"));
    assert_eq!(summaries(&report), want);
}

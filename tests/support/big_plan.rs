//! A big Terraform plan made from the dealership plan fixture, shared by
//! `tests/terraform.rs` and `crate/benches/audit.rs`.

/// A Terraform plan of `copies` instances of a module holding seven
/// resources of the dealership plan fixture (a bucket with its ACL, Block
/// Public Access and policy, a security group and its rule, a database):
/// 3,000 copies make the 21,000-resource plan that Checkov needs 211 s for.
pub fn terraform_plan(copies: usize) -> Vec<u8> {
    use serde_json::{json, Value};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/terraform/dealership.tfplan.json");
    let plan: Value = serde_json::from_slice(&std::fs::read(path).expect("the dealership plan fixture")).expect("JSON");
    let picked = [
        "aws_s3_bucket.service_records",
        "aws_s3_bucket_acl.service_records",
        "aws_s3_bucket_public_access_block.service_records",
        "aws_s3_bucket_policy.service_records",
        "aws_security_group.db",
        "aws_security_group_rule.db_postgres",
        "aws_db_instance.dms",
    ];
    let chosen = |list: &Value| -> Vec<Value> {
        list.as_array()
            .into_iter()
            .flatten()
            .filter(|r| picked.contains(&r["address"].as_str().unwrap_or_default()))
            .cloned()
            .collect()
    };
    let planned = chosen(&plan["planned_values"]["root_module"]["resources"]);
    let changes = chosen(&plan["resource_changes"]);
    let config = chosen(&plan["configuration"]["root_module"]["resources"]);
    let mut modules = Vec::new();
    let mut all_changes = Vec::new();
    for i in 0..copies {
        let module = format!("module.site[\"{i:04}\"]");
        let prefix = |r: &Value| {
            let mut r = r.clone();
            r["address"] = Value::from(format!("{module}.{}", r["address"].as_str().unwrap_or_default()));
            r
        };
        modules.push(json!({"resources": planned.iter().map(prefix).collect::<Vec<_>>(), "address": module}));
        for change in &changes {
            let mut change = prefix(change);
            change["module_address"] = Value::from(module.clone());
            all_changes.push(change);
        }
    }
    let big = json!({
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"child_modules": modules}},
        "resource_changes": all_changes,
        "configuration": {"root_module": {"module_calls": {"site": {
            "source": "./site", "for_each_expression": {"references": ["var.sites"]},
            "module": {"resources": config}}}}},
    });
    serde_json::to_vec(&big).expect("serialises")
}

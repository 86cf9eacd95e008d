//! Throughput and memory of the audit against plain JSON parsing.
//!
//! `cargo bench --bench audit -- [--size-mb N] [--runs R]` generates a
//! synthetic AWS Config snapshot of about N MB (a dealership account's mix
//! of buckets with ACLs and policies, security groups, databases and
//! snapshots, repeated), then prints, for the same bytes in one run:
//! parse-only (decode + `serde_json::Value`, then freeing it) and full-audit
//! (read, adapt, run every rule, build the report, then free it) throughput in
//! MB/s (median of R runs), their ratio, and the peak heap of each, from a
//! counting allocator. It is a benchmark, not a test: it asserts nothing.
//!
//! `--terraform-copies N` audits a Terraform plan instead: N instances of a
//! module of seven resources from `tests/fixtures/terraform/`. `--write PATH`
//! also saves the generated input, to run another tool on the same bytes.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use keyhole::{audit, decode, InputFile, Options};

/// Counts the bytes held, over the allocator the `keyhole` command line uses.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { mimalloc::MiMalloc.alloc(layout) };
        if !ptr.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    // Forwarded, not left to the default (a new block and a copy every time a vector grows).
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn reset_peak() -> usize {
    let now = CURRENT.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

fn peak_since(base: usize) -> usize {
    PEAK.load(Ordering::Relaxed).saturating_sub(base)
}

/// One dealership's worth of configuration items, numbered `n`.
fn items(n: usize, out: &mut String) {
    let acl = format!(
        r#"{{\"grantSet\":null,\"grantList\":[{{\"grantee\":{{\"id\":\"c0ffee{n}\",\"displayName\":null}},\"permission\":\"FullControl\"}}{}],\"owner\":{{\"id\":\"c0ffee{n}\"}},\"isRequesterCharged\":false}}"#,
        if n.is_multiple_of(7) { r#",{\"grantee\":\"AllUsers\",\"permission\":\"Read\"}"# } else { "" }
    );
    let policy = format!(
        r#"{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Sid\":\"Site\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bucket-{n}/*\"{}}}]}}"#,
        if n.is_multiple_of(3) {
            ""
        } else {
            r#",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":[\"203.0.113.0/24\"]}}"#
        }
    );
    let pab = if n.is_multiple_of(5) { "true" } else { "false" };
    out.push_str(&format!(
        r#"{{"version":"1.3","configurationItemCaptureTime":"2026-11-01T00:00:00.000Z","configurationItemStatus":"OK","resourceType":"AWS::S3::Bucket","resourceId":"bucket-{n}","resourceName":"bucket-{n}","ARN":"arn:aws:s3:::bucket-{n}","awsRegion":"ap-southeast-2","awsAccountId":"123456789012","tags":{{"team":"service-{n}"}},"relationships":[],"configuration":{{"name":"bucket-{n}","owner":{{"id":"c0ffee{n}"}},"creationDate":"2019-04-01T00:00:00.000Z"}},"supplementaryConfiguration":{{"AccessControlList":"{acl}","BucketPolicy":{{"policyText":"{policy}"}},"PublicAccessBlockConfiguration":{{"blockPublicAcls":{pab},"ignorePublicAcls":{pab},"blockPublicPolicy":{pab},"restrictPublicBuckets":{pab}}},"ServerSideEncryptionConfiguration":{{"rules":[{{"applyServerSideEncryptionByDefault":{{"sseAlgorithm":"AES256"}}}}]}},"BucketLoggingConfiguration":{{"destinationBucketName":null}}}}}},"#
    ));
    let open = if n.is_multiple_of(4) { "0.0.0.0/0" } else { "10.0.0.0/8" };
    out.push_str(&format!(
        r#"{{"version":"1.3","resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-{n:08x}","resourceName":"web-{n}","awsRegion":"ap-southeast-2","awsAccountId":"123456789012","tags":{{}},"configuration":{{"description":"web tier","groupName":"web-{n}","ipPermissions":[{{"fromPort":22,"ipProtocol":"tcp","ipv6Ranges":[],"prefixListIds":[],"toPort":22,"userIdGroupPairs":[],"ipv4Ranges":[{{"cidrIp":"{open}"}}],"ipRanges":["{open}"]}},{{"fromPort":443,"ipProtocol":"tcp","ipv6Ranges":[{{"cidrIpv6":"::/0"}}],"prefixListIds":[],"toPort":443,"userIdGroupPairs":[],"ipv4Ranges":[{{"cidrIp":"0.0.0.0/0"}}],"ipRanges":["0.0.0.0/0"]}}],"ownerId":"123456789012","groupId":"sg-{n:08x}","ipPermissionsEgress":[],"vpcId":"vpc-0abc"}},"supplementaryConfiguration":{{}}}},"#
    ));
    out.push_str(&format!(
        r#"{{"version":"1.3","resourceType":"AWS::RDS::DBInstance","resourceId":"db-{n}","resourceName":"orders-{n}","awsRegion":"ap-southeast-2","awsAccountId":"123456789012","tags":{{}},"configuration":{{"dBInstanceIdentifier":"orders-{n}","dBInstanceClass":"db.t3.medium","engine":"postgres","publiclyAccessible":{},"storageEncrypted":true,"endpoint":{{"address":"orders-{n}.example","port":5432}},"vpcSecurityGroups":[{{"vpcSecurityGroupId":"sg-{n:08x}","status":"active"}}]}},"supplementaryConfiguration":{{}}}},"#,
        n.is_multiple_of(6)
    ));
}

fn snapshot(target_bytes: usize) -> Vec<u8> {
    let mut out = String::with_capacity(target_bytes + 4096);
    out.push_str(r#"{"fileVersion":"1.0","configSnapshotId":"bench","configurationItems":["#);
    let mut n = 0;
    while out.len() < target_bytes {
        items(n, &mut out);
        n += 1;
    }
    out.pop();
    out.push_str("]}");
    out.into_bytes()
}

#[path = "../../tests/support/big_plan.rs"]
mod big_plan;
use big_plan::terraform_plan;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// The value after `name` on the command line.
fn arg_text(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

fn arg(name: &str, default: usize) -> usize {
    arg_text(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let size_mb = arg("--size-mb", 100);
    let runs = arg("--runs", 5).max(1);
    let copies = arg("--terraform-copies", 0);
    let (bytes, what) = if copies > 0 {
        (terraform_plan(copies), format!("Terraform plan of {copies} module copies ({} resources)", copies * 7))
    } else {
        (snapshot(size_mb * 1_000_000), "synthetic AWS Config snapshot".to_string())
    };
    if let Some(path) = arg_text("--write") {
        // For side-by-side runs of other tools on the very same input.
        std::fs::write(&path, &bytes).expect("writes the generated input");
        println!("wrote {path}");
    }
    let mb = bytes.len() as f64 / 1e6;
    let options = Options::default();
    println!("input: {what}, {mb:.1} MB, {runs} runs each (median)");

    let mut parse_times = Vec::new();
    let mut parse_peak = 0;
    for _ in 0..runs {
        let base = reset_peak();
        let start = Instant::now();
        let decoded = decode::decode(&bytes, &options.limits).expect("decodes");
        // A plain parse, as any reader would do it (not Keyhole's own, which skips what it does not read).
        let document: serde_json::Value = serde_json::from_str(&decoded.text).expect("parses");
        parse_peak = parse_peak.max(peak_since(base));
        // Freeing the tree is part of what parsing costs a caller.
        drop(document);
        drop(decoded);
        parse_times.push(start.elapsed().as_secs_f64());
    }
    let mut audit_times = Vec::new();
    let mut audit_peak = 0;
    let mut findings = 0;
    let mut resources = 0;
    for _ in 0..runs {
        let base = reset_peak();
        let start = Instant::now();
        let report = audit(&[InputFile { name: "bench.json", bytes: &bytes }], &options);
        audit_peak = audit_peak.max(peak_since(base));
        findings = report.findings.len();
        resources = report.inputs[0].resources;
        drop(report);
        audit_times.push(start.elapsed().as_secs_f64());
    }
    let parse = median(parse_times);
    let full = median(audit_times);
    let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
    println!("resources: {resources}, findings: {findings}");
    println!(
        "parse only : {:>8.1} MB/s  ({:.3} s)  peak heap {:>7.1} MiB ({:.1}x input)",
        mb / parse,
        parse,
        mib(parse_peak),
        parse_peak as f64 / bytes.len() as f64
    );
    println!(
        "full audit : {:>8.1} MB/s  ({:.3} s)  peak heap {:>7.1} MiB ({:.1}x input)",
        mb / full,
        full,
        mib(audit_peak),
        audit_peak as f64 / bytes.len() as f64
    );
    println!("audit / parse time: {:.2}x", full / parse);
}

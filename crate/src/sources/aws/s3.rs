//! S3 buckets and account-level Block Public Access, from AWS Config items
//! and from `s3api` / `s3control` CLI outputs.

use crate::model::{
    Acl, AclGrant, AclPermission, Attr, Grantee, Kind, Origin, PolicyDoc, Provider, PublicAccessBlock, Resource,
    S3Bucket,
};
use crate::sources::{Collector, Node};

use super::cli::Call;
use super::config::{read_tags, ConfigItem};

pub const BUCKET: &str = "AWS::S3::Bucket";

pub fn bucket_arn(name: &str) -> String {
    format!("arn:aws:s3:::{name}")
}

fn bucket(name: &str, account: Option<String>, region: Option<String>, at: Origin, bucket: S3Bucket) -> Resource {
    Resource {
        provider: Provider::Aws,
        type_name: BUCKET,
        id: bucket_arn(name),
        name: name.to_string(),
        account,
        region,
        tags: Vec::new(),
        at,
        kind: Kind::S3Bucket(bucket),
    }
}

/// The four flags from `{blockPublicAcls, ...}` in either casing. A flag
/// missing from a present configuration is off, as in the S3 API.
pub fn read_public_access_block(node: &Node) -> PublicAccessBlock {
    let flag = |key: &str| -> Option<Attr<bool>> {
        Some(match node.get_ci(key) {
            Some(value) => value.bool_attr(),
            None => Attr::defaulted(false, node.at.clone()),
        })
    };
    PublicAccessBlock {
        block_public_acls: flag("BlockPublicAcls"),
        ignore_public_acls: flag("IgnorePublicAcls"),
        block_public_policy: flag("BlockPublicPolicy"),
        restrict_public_buckets: flag("RestrictPublicBuckets"),
        at: Some(node.at.clone()),
    }
}

/// No Block Public Access configured at all: every flag off, as stated at `at`.
pub fn public_access_block_absent(at: &Origin, explicit: bool) -> PublicAccessBlock {
    let off = || Some(if explicit { Attr::explicit(false, at.clone()) } else { Attr::defaulted(false, at.clone()) });
    PublicAccessBlock {
        block_public_acls: off(),
        ignore_public_acls: off(),
        block_public_policy: off(),
        restrict_public_buckets: off(),
        at: Some(at.clone()),
    }
}

fn grantee(node: &Node) -> Grantee {
    let text = match node.str() {
        Some(s) => s.to_string(),
        None => ["URI", "uri", "identifier", "Identifier"]
            .iter()
            .find_map(|k| node.get_ci(k).and_then(|n| n.string()))
            .unwrap_or_default(),
    };
    if text.ends_with("AllUsers") {
        Grantee::AllUsers
    } else if text.ends_with("AuthenticatedUsers") {
        Grantee::AuthenticatedUsers
    } else {
        Grantee::Other
    }
}

/// Grants from the CLI's `Grants` or Config's `grantList`.
fn read_acl(grants: &Node, grantee_key: &str) -> Acl {
    let mut acl = Acl::default();
    for grant in grants.items() {
        let who = grant.get_ci(grantee_key).map(|g| grantee(&g)).unwrap_or(Grantee::Other);
        let Some(permission) = grant.get_ci("permission").and_then(|p| p.str().and_then(AclPermission::parse)) else {
            continue;
        };
        acl.grants.push(AclGrant { grantee: who, permission, at: grant.at.clone() });
    }
    acl
}

fn ownership(node: &Node) -> Option<Attr<String>> {
    let rules = node.get_ci("OwnershipControls").unwrap_or_else(|| node.clone());
    let rule = rules.get_ci("rules")?.items().next()?;
    Some(rule.get_ci("ObjectOwnership")?.string_attr())
}

pub fn bucket_from_config(item: &ConfigItem, collector: &mut Collector) -> bool {
    let name = item.name();
    let config = item.configuration.as_ref();
    let mut b = S3Bucket {
        created: config.and_then(|c| c.node().get_ci("creationDate").and_then(|n| n.string())),
        ..S3Bucket::default()
    };
    let supplementary = item.node.get_ci("supplementaryConfiguration").map(|n| n.at).unwrap_or(item.node.at.clone());

    if let Some(doc) = item.supplement("AccessControlList") {
        let node = doc.node();
        let grants = node.get_ci("grantList").map(|g| read_acl(&g, "grantee")).unwrap_or_default();
        b.acl = Some(Attr::explicit(grants, node.at.clone()));
    }
    if let Some(doc) = item.supplement("BucketPolicy") {
        let node = doc.node();
        // `policyText: null` means the bucket has no policy.
        if let Some(text) = node.get_ci("policyText") {
            b.policy = Some(match text.document() {
                Some(policy) => Attr::explicit(PolicyDoc { document: policy.value.into_owned() }, policy.at),
                None => Attr::unresolved(text.at.clone()),
            });
        }
    }
    match item.supplement("PublicAccessBlockConfiguration") {
        Some(doc) => b.public_access_block = Some(read_public_access_block(&doc.node())),
        // Config omits the entry when the bucket has none.
        None if item.complete => b.public_access_block = Some(public_access_block_absent(&supplementary, false)),
        None => {}
    }
    for key in ["BucketOwnershipControls", "OwnershipControls"] {
        if let Some(doc) = item.supplement(key) {
            b.object_ownership = ownership(&doc.node());
        }
    }
    match item.supplement("ServerSideEncryptionConfiguration") {
        Some(doc) => {
            let on = doc.node().get_ci("rules").is_some_and(|r| r.items().next().is_some());
            b.encryption = Some(Attr::explicit(on, doc.at.clone()));
        }
        None if item.complete => b.encryption = Some(Attr::defaulted(false, supplementary.clone())),
        None => {}
    }
    match item.supplement("BucketLoggingConfiguration") {
        Some(doc) => {
            let on = doc.node().get_ci("destinationBucketName").is_some();
            b.logging = Some(Attr::explicit(on, doc.at.clone()));
        }
        None if item.complete => b.logging = Some(Attr::defaulted(false, supplementary.clone())),
        None => {}
    }
    let mut resource = item.resource(BUCKET, bucket_arn(&name), name, Kind::S3Bucket(b));
    if resource.tags.is_empty() {
        if let Some(doc) = item.supplement("BucketTaggingConfiguration") {
            // `{"tagSets": [{"tags": {"k": "v"}}]}`
            let node = doc.node();
            if let Some(set) = node.get_ci("tagSets").and_then(|s| s.items().next()) {
                resource.tags = read_tags(set.get_ci("tags"));
            }
        }
    }
    collector.add(resource);
    true
}

pub fn account_block_from_config(item: &ConfigItem, collector: &mut Collector) -> bool {
    let Some(config) = &item.configuration else { return false };
    let block = read_public_access_block(&config.node());
    let account = item.account.clone().or_else(|| Some(item.resource_id.clone()).filter(|s| !s.is_empty()));
    collector.model.account_mut(account.as_deref()).s3_public_access_block = Some(block);
    collector.resources += 1;
    true
}

/// `s3control get-public-access-block`: account-wide. A standalone file
/// names no account; it then applies to every account of the upload.
pub fn account_block_from_cli(call: &Call, collector: &mut Collector) -> bool {
    let account = call.param("AccountId").or_else(|| call.account.clone());
    let Some(config) = call.output.get_ci("PublicAccessBlockConfiguration") else { return false };
    let block = read_public_access_block(&config);
    if account.is_none() {
        collector.note(
            "This account-level Block Public Access output does not say which account it describes; Keyhole applies it to every account in the upload.",
        );
    }
    collector.model.account_mut(account.as_deref()).s3_public_access_block = Some(block);
    collector.resources += 1;
    true
}

/// `s3api` outputs. All but `list-buckets` name their bucket in `params`.
pub fn from_cli(call: &Call, collector: &mut Collector) -> bool {
    let out = &call.output;
    if call.operation == "list-buckets" {
        for entry in out.get_ci("Buckets").into_iter().flat_map(|b| b.items().collect::<Vec<_>>()) {
            let Some(name) = entry.get_ci("Name").and_then(|n| n.string()) else { continue };
            let b = S3Bucket { created: entry.get_ci("CreationDate").and_then(|n| n.string()), ..S3Bucket::default() };
            let region = entry.get_ci("BucketRegion").and_then(|n| n.string());
            collector.add(bucket(&name, call.account.clone(), region, entry.at.clone(), b));
        }
        return true;
    }
    let Some(name) = call.param("Bucket") else { return false };
    let mut b = S3Bucket::default();
    let mut region = None;
    let mut tags = Vec::new();
    match call.operation {
        "get-bucket-acl" => {
            let grants = out.get_ci("Grants").map(|g| read_acl(&g, "Grantee")).unwrap_or_default();
            b.acl = Some(Attr::explicit(grants, out.at.clone()));
        }
        "get-bucket-policy" => {
            let Some(text) = out.get_ci("Policy") else { return false };
            b.policy = Some(match text.document() {
                Some(policy) => Attr::explicit(PolicyDoc { document: policy.value.into_owned() }, policy.at),
                None => Attr::unresolved(text.at.clone()),
            });
        }
        "get-public-access-block" => {
            let Some(config) = out.get_ci("PublicAccessBlockConfiguration") else { return false };
            b.public_access_block = Some(read_public_access_block(&config));
        }
        "get-bucket-ownership-controls" => b.object_ownership = ownership(out),
        "get-bucket-encryption" => {
            let on = out.get_ci("ServerSideEncryptionConfiguration").and_then(|c| c.get_ci("Rules")).is_some();
            b.encryption = Some(Attr::explicit(on, out.at.clone()));
        }
        "get-bucket-logging" => {
            let enabled = out.get_ci("LoggingEnabled");
            b.logging = Some(Attr::explicit(enabled.is_some(), enabled.map(|e| e.at).unwrap_or(out.at.clone())));
        }
        "get-bucket-tagging" => tags = read_tags(out.get_ci("TagSet")),
        "get-bucket-location" => {
            region = Some(out.get_ci("LocationConstraint").and_then(|n| n.string()).unwrap_or("us-east-1".into()))
        }
        "get-bucket-policy-status" | "get-bucket-versioning" | "get-bucket-website" => {}
        _ => return false,
    }
    let mut resource = bucket(&name, call.account.clone(), region, out.at.clone(), b);
    resource.tags = tags;
    collector.add(resource);
    true
}

/// Error codes that are answers: "this bucket has no policy" and the like.
pub fn answer(call: &Call, code: &str, collector: &mut Collector) -> bool {
    let at = call.output.at.clone();
    if call.service == "s3control" {
        if code != "NoSuchPublicAccessBlockConfiguration" {
            return false;
        }
        let account = call.param("AccountId").or_else(|| call.account.clone());
        collector.model.account_mut(account.as_deref()).s3_public_access_block =
            Some(public_access_block_absent(&at, true));
        return true;
    }
    let Some(name) = call.param("Bucket") else { return false };
    let mut b = S3Bucket::default();
    match (call.operation, code) {
        ("get-bucket-policy", "NoSuchBucketPolicy") => {}
        ("get-public-access-block", "NoSuchPublicAccessBlockConfiguration") => {
            b.public_access_block = Some(public_access_block_absent(&at, true))
        }
        ("get-bucket-ownership-controls", "OwnershipControlsNotFoundError") => {
            b.object_ownership = Some(Attr::explicit("ObjectWriter".to_string(), at.clone()))
        }
        ("get-bucket-encryption", "ServerSideEncryptionConfigurationNotFoundError") => {
            b.encryption = Some(Attr::explicit(false, at.clone()))
        }
        ("get-bucket-tagging", "NoSuchTagSet") => {}
        _ => return false,
    }
    collector.add(bucket(&name, call.account.clone(), None, at, b));
    true
}

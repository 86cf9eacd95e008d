//! AWS Config: configuration snapshots, and the items returned by
//! `get-resource-config-history`, `batch-get-resource-config` and
//! `select-resource-config`.
//!
//! Snapshots hold `configuration` as an object; the history and batch APIs
//! hold it (and each `supplementaryConfiguration` value) as a JSON string and
//! spell some keys differently (`arn`, `accountId`). [`ConfigItem`] hides
//! both.

use crate::model::{Provider, Resource};
use crate::sources::{Collector, Doc, Node};

use super::{ec2, iam, policies, rds, s3};

/// One configuration item, whichever API produced it.
pub struct ConfigItem<'a> {
    pub node: Node<'a>,
    pub resource_type: String,
    pub resource_id: String,
    pub resource_name: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub arn: Option<String>,
    pub tags: Vec<(String, String)>,
    pub configuration: Option<Doc<'a>>,
    /// False for `select-resource-config` results, which hold only the
    /// selected fields: an absent field there says nothing.
    pub complete: bool,
}

impl<'a> ConfigItem<'a> {
    pub fn read(node: Node<'a>, complete: bool) -> Option<ConfigItem<'a>> {
        let text = |key: &str| node.get_ci(key).and_then(|n| n.string());
        let resource_type = text("resourceType")?;
        let resource_name = text("resourceName");
        let resource_id = text("resourceId").or_else(|| resource_name.clone()).unwrap_or_default();
        Some(ConfigItem {
            resource_type,
            resource_id,
            resource_name,
            account: text("awsAccountId").or_else(|| text("accountId")),
            region: text("awsRegion"),
            arn: text("ARN"),
            tags: read_tags(node.get_ci("tags")),
            configuration: node.get_ci("configuration").and_then(|n| n.document()),
            complete,
            node,
        })
    }

    /// A `supplementaryConfiguration` entry, parsed when it is a JSON string.
    pub fn supplement(&self, key: &str) -> Option<Doc<'a>> {
        self.node.get_ci("supplementaryConfiguration")?.get_ci(key)?.document()
    }

    /// Whether the entry is present at all (even as `null`).
    pub fn has_supplement(&self, key: &str) -> bool {
        self.node.get_ci("supplementaryConfiguration").is_some_and(|n| n.get_ci(key).is_some())
    }

    /// A resource with this item's identity.
    pub fn resource(&self, type_name: &'static str, id: String, name: String, kind: crate::model::Kind) -> Resource {
        Resource {
            provider: Provider::Aws,
            type_name,
            id,
            name,
            account: self.account.clone(),
            region: self.region.clone(),
            tags: self.tags.clone(),
            at: self.node.at.clone(),
            kind,
        }
    }

    pub fn name(&self) -> String {
        self.resource_name.clone().unwrap_or_else(|| self.resource_id.clone())
    }
}

/// Tags as a map (`{"k": "v"}`) or a list of `{key, value}` / `{Key, Value}`.
pub fn read_tags(node: Option<Node>) -> Vec<(String, String)> {
    let Some(node) = node else { return Vec::new() };
    let node = match node.document() {
        Some(doc) => doc.into_value(),
        None => return Vec::new(),
    };
    let mut tags = Vec::new();
    match &node {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                tags.push((k.clone(), v.as_str().unwrap_or_default().to_string()));
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                let field = |k: &str| {
                    item.as_object()
                        .and_then(|m| m.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)))
                        .and_then(|(_, v)| v.as_str())
                        .map(str::to_string)
                };
                if let Some(key) = field("key") {
                    tags.push((key, field("value").unwrap_or_default()));
                }
            }
        }
        _ => {}
    }
    tags
}

/// Adapts a list of items (`configurationItems`, `baseConfigurationItems`).
pub fn adapt_items(items: &Node, complete: bool, collector: &mut Collector) {
    for item in items.items() {
        adapt_node(item, complete, collector);
    }
}

/// One element of `configurationItems` or `baseConfigurationItems`.
pub fn adapt_node(node: Node, complete: bool, collector: &mut Collector) {
    let at = node.at.clone();
    match ConfigItem::read(node, complete) {
        Some(item) => adapt_item(&item, collector),
        None => collector.skip(&at, "not an AWS Config configuration item (no resourceType)"),
    }
}

/// `select-resource-config`: `Results` is a list of JSON strings.
pub fn adapt_select(results: &Node, collector: &mut Collector) {
    for result in results.items() {
        adapt_select_result(&result, collector);
    }
}

/// One element of `Results`: a JSON string holding the selected fields.
pub fn adapt_select_result(result: &Node, collector: &mut Collector) {
    let Some(doc) = result.document() else {
        collector.skip(&result.at, "result is not a JSON object");
        return;
    };
    match ConfigItem::read(doc.node(), false) {
        Some(item) => adapt_item(&item, collector),
        None => collector.skip(
            &result.at,
            "result has no resourceType: select it (SELECT resourceType, resourceId, configuration, supplementaryConfiguration ...)",
        ),
    }
}

pub fn adapt_item(item: &ConfigItem, collector: &mut Collector) {
    let handled = match item.resource_type.as_str() {
        "AWS::S3::Bucket" => s3::bucket_from_config(item, collector),
        "AWS::S3::AccountPublicAccessBlock" => s3::account_block_from_config(item, collector),
        "AWS::EC2::SecurityGroup" => ec2::security_group_from_config(item, collector),
        "AWS::EC2::Instance" => ec2::instance_from_config(item, collector),
        "AWS::EC2::Volume" => ec2::volume_from_config(item, collector),
        "AWS::RDS::DBInstance" => rds::instance_from_config(item, collector),
        "AWS::RDS::DBSnapshot" | "AWS::RDS::DBClusterSnapshot" => rds::snapshot_from_config(item, collector),
        "AWS::Redshift::Cluster" => rds::redshift_from_config(item, collector),
        "AWS::IAM::Role" => iam::role_from_config(item, collector),
        "AWS::SQS::Queue"
        | "AWS::SNS::Topic"
        | "AWS::KMS::Key"
        | "AWS::ECR::Repository"
        | "AWS::SecretsManager::Secret"
        | "AWS::Lambda::Function"
        | "AWS::OpenSearch::Domain"
        | "AWS::Elasticsearch::Domain" => policies::from_config(item, collector),
        _ => false,
    };
    if !handled {
        collector.skip(&item.node.at, format!("resource type {} is not audited", item.resource_type));
    }
}

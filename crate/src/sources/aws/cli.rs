//! AWS CLI `--output json` outputs: one call's output, either standalone in
//! its own file (when it describes itself) or inside a Keyhole bundle.

use crate::sources::{Collector, Node};

use super::{ec2, iam, policies, rds, s3};

/// One CLI call: what was asked and what came back.
pub struct Call<'a> {
    pub service: &'a str,
    pub operation: &'a str,
    pub params: Option<Node<'a>>,
    /// The output; for an error that is an answer, the error object.
    pub output: Node<'a>,
    pub account: Option<String>,
    pub region: Option<String>,
}

impl Call<'_> {
    /// A parameter by its API name, compared case-insensitively.
    pub fn param(&self, key: &str) -> Option<String> {
        self.params.as_ref()?.get_ci(key)?.string()
    }

    /// The command that would repeat this call, for "not checked" notes.
    pub fn command(&self) -> String {
        let mut out = format!("aws {} {}", self.service, self.operation);
        if let Some(params) = &self.params {
            for (key, value) in params.entries() {
                if let Some(text) = value.string() {
                    out.push_str(&format!(" --{} {}", kebab(key), text));
                }
            }
        }
        if let Some(region) = &self.region {
            out.push_str(&format!(" --region {region}"));
        }
        out
    }
}

/// `DBSnapshotIdentifier` → `db-snapshot-identifier`, as the CLI spells flags.
fn kebab(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev_lower = i > 0 && chars[i - 1].is_lowercase();
        if c.is_uppercase() && i > 0 && (prev_lower || next_lower) {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Outputs that describe themselves, recognised by their top-level key:
/// (key, service, operation, format name).
const SELF_DESCRIBING: &[(&str, &str, &str, &str)] = &[
    ("SecurityGroups", "ec2", "describe-security-groups", "aws-cli-describe-security-groups"),
    ("Reservations", "ec2", "describe-instances", "aws-cli-describe-instances"),
    ("Snapshots", "ec2", "describe-snapshots", "aws-cli-describe-snapshots"),
    ("CreateVolumePermissions", "ec2", "describe-snapshot-attribute", "aws-cli-describe-snapshot-attribute"),
    ("Images", "ec2", "describe-images", "aws-cli-describe-images"),
    ("Volumes", "ec2", "describe-volumes", "aws-cli-describe-volumes"),
    ("DBInstances", "rds", "describe-db-instances", "aws-cli-describe-db-instances"),
    ("DBSnapshots", "rds", "describe-db-snapshots", "aws-cli-describe-db-snapshots"),
    ("DBClusterSnapshots", "rds", "describe-db-cluster-snapshots", "aws-cli-describe-db-cluster-snapshots"),
    ("DBSnapshotAttributesResult", "rds", "describe-db-snapshot-attributes", "aws-cli-describe-db-snapshot-attributes"),
    (
        "DBClusterSnapshotAttributesResult",
        "rds",
        "describe-db-cluster-snapshot-attributes",
        "aws-cli-describe-db-cluster-snapshot-attributes",
    ),
    ("Clusters", "redshift", "describe-clusters", "aws-cli-describe-clusters"),
    ("RoleDetailList", "iam", "get-account-authorization-details", "aws-cli-get-account-authorization-details"),
    ("DomainStatusList", "opensearch", "describe-domains", "aws-cli-describe-domains"),
    ("PublicAccessBlockConfiguration", "s3control", "get-public-access-block", "aws-cli-get-public-access-block"),
    ("repositoryName", "ecr", "get-repository-policy", "aws-cli-get-repository-policy"),
    ("ResourcePolicy", "secretsmanager", "get-resource-policy", "aws-cli-get-resource-policy"),
    ("Attributes", "sqs", "get-queue-attributes", "aws-cli-get-queue-attributes"),
    ("Attributes", "sns", "get-topic-attributes", "aws-cli-get-topic-attributes"),
];

/// Outputs that do not say what they describe, by a key they hold: Keyhole
/// can only read them inside a bundle.
const ANONYMOUS: &[(&str, &str)] = &[
    ("Grants", "`aws s3api get-bucket-acl`"),
    ("LoggingEnabled", "`aws s3api get-bucket-logging`"),
    ("ServerSideEncryptionConfiguration", "`aws s3api get-bucket-encryption`"),
    ("OwnershipControls", "`aws s3api get-bucket-ownership-controls`"),
    ("TagSet", "`aws s3api get-bucket-tagging`"),
    ("Policy", "`aws s3api get-bucket-policy`, `aws lambda get-policy` or `aws kms get-key-policy`"),
    ("AuthType", "`aws lambda get-function-url-config`"),
    ("Buckets", "`aws s3api list-buckets`"),
    ("UserId", "`aws sts get-caller-identity`"),
];

/// A sentence for an AWS CLI output that cannot be read on its own.
pub fn anonymous_hint(root: &Node) -> Option<String> {
    let (_, command) = ANONYMOUS.iter().find(|(key, _)| root.has(key))?;
    Some(format!(
        " It looks like the output of {command}, which does not say which resource it describes: export it with `export/aws.sh`, or put it in a Keyhole bundle with the call that produced it (docs/aws-export-bundle.md)."
    ))
}

/// A standalone CLI output: recognised by its top-level key.
pub fn adapt_standalone(root: &Node, collector: &mut Collector) -> Option<&'static str> {
    let map = root.value.as_object()?;
    let &(_, service, operation, format) = SELF_DESCRIBING.iter().find(|(key, service, _, _)| {
        map.contains_key(*key)
            && match (*key, *service) {
                // `Clusters` is also ECS's and EKS's key: require Redshift's identifier.
                ("Clusters", _) => root.get("Clusters").is_some_and(|c| c.items().all(|i| i.has("ClusterIdentifier"))),
                // Queue and topic attributes name themselves by their ARN.
                ("Attributes", "sqs") => root.get("Attributes").is_some_and(|a| a.has("QueueArn")),
                ("Attributes", "sns") => root.get("Attributes").is_some_and(|a| a.has("TopicArn")),
                ("repositoryName", _) => map.contains_key("policyText"),
                _ => true,
            }
    })?;
    let call = Call { service, operation, params: None, output: root.clone(), account: None, region: None };
    if adapt_call(&call, collector) {
        Some(format)
    } else {
        None
    }
}

/// Adapts one call's output; false when Keyhole does not read this call.
pub fn adapt_call(call: &Call, collector: &mut Collector) -> bool {
    if LISTINGS.contains(&(call.service, call.operation)) {
        return true;
    }
    match call.service {
        "s3api" => s3::from_cli(call, collector),
        "s3control" if call.operation == "get-public-access-block" => s3::account_block_from_cli(call, collector),
        "ec2" => ec2::from_cli(call, collector),
        "rds" | "redshift" => rds::from_cli(call, collector),
        "iam" => iam::from_cli(call, collector),
        "sqs" | "sns" | "lambda" | "kms" | "ecr" | "secretsmanager" | "opensearch" | "es" => {
            policies::from_cli(call, collector)
        }
        "sts" => call.operation == "get-caller-identity",
        _ => false,
    }
}

/// Calls that only list names for the exporter's next calls: read, with
/// nothing to audit in them (a failure means the service was not checked).
const LISTINGS: &[(&str, &str)] = &[
    ("ec2", "describe-regions"),
    ("sqs", "list-queues"),
    ("sns", "list-topics"),
    ("kms", "list-keys"),
    ("kms", "list-aliases"),
    ("ecr", "describe-repositories"),
    ("secretsmanager", "list-secrets"),
    ("opensearch", "list-domain-names"),
    ("es", "list-domain-names"),
    ("rds", "describe-db-clusters"),
];

/// An error code that answers the question ("no policy"); false when it is
/// a real failure.
pub fn adapt_answer(call: &Call, code: &str, collector: &mut Collector) -> bool {
    match call.service {
        "s3api" | "s3control" => s3::answer(call, code, collector),
        "lambda" | "ecr" | "secretsmanager" => policies::answer(call, code, collector),
        _ => false,
    }
}

//! The aws provider: resources mapped into the same model the AWS exports
//! fill, with the separate resources that configure a bucket, a security
//! group, a function or a snapshot attached to it.

use serde_json::{json, Map, Value};

use crate::model::{
    Acl, AclGrant, AclPermission, Attr, EbsVolume, Grantee, IamRole, Image, IngressRule, Kind, LambdaFunction, Origin,
    PolicyDoc, PolicyHolder, Provider, PublicAccessBlock, RdsInstance, RedshiftCluster, Resource, S3Bucket,
    SearchDomain, SecurityGroup, Snapshot, SnapshotFamily,
};
use crate::sources::aws::s3::{bucket_arn, BUCKET};
use crate::sources::Collector;

use super::index::{Entry, Index, Target};
use super::value::{Read, Val};
use super::{find_target, resource};

const SECURITY_GROUP: &str = "AWS::EC2::SecurityGroup";
const DB_INSTANCE: &str = "AWS::RDS::DBInstance";
const DB_SNAPSHOT: &str = "AWS::RDS::DBSnapshot";
const DB_CLUSTER_SNAPSHOT: &str = "AWS::RDS::DBClusterSnapshot";
const REDSHIFT_CLUSTER: &str = "AWS::Redshift::Cluster";
const VOLUME: &str = "AWS::EC2::Volume";
const EBS_SNAPSHOT: &str = "AWS::EC2::Snapshot";
const IMAGE: &str = "AWS::EC2::Image";
const QUEUE: &str = "AWS::SQS::Queue";
const TOPIC: &str = "AWS::SNS::Topic";
const KEY: &str = "AWS::KMS::Key";
const REPOSITORY: &str = "AWS::ECR::Repository";
const SECRET: &str = "AWS::SecretsManager::Secret";
const FUNCTION: &str = "AWS::Lambda::Function";
const DOMAIN: &str = "AWS::OpenSearch::Domain";
const ROLE: &str = "AWS::IAM::Role";

/// Terraform types an attaching resource may point at, with their model type.
type Targets = &'static [(&'static str, &'static str)];
const BUCKETS: Targets = &[("aws_s3_bucket", BUCKET)];
const GROUPS: Targets = &[("aws_security_group", SECURITY_GROUP), ("aws_default_security_group", SECURITY_GROUP)];
const EBS_SNAPSHOTS: Targets = &[("aws_ebs_snapshot", EBS_SNAPSHOT), ("aws_ebs_snapshot_copy", EBS_SNAPSHOT)];
const IMAGES: Targets = &[("aws_ami", IMAGE), ("aws_ami_copy", IMAGE), ("aws_ami_from_instance", IMAGE)];
const QUEUES: Targets = &[("aws_sqs_queue", QUEUE)];
const TOPICS: Targets = &[("aws_sns_topic", TOPIC)];
const KEYS: Targets = &[("aws_kms_key", KEY)];
const REPOSITORIES: Targets = &[("aws_ecr_repository", REPOSITORY)];
const SECRETS: Targets = &[("aws_secretsmanager_secret", SECRET)];
const FUNCTIONS: Targets = &[("aws_lambda_function", FUNCTION)];
const CLUSTERS: Targets = &[("aws_rds_cluster", "AWS::RDS::DBCluster")];
const DOMAINS: Targets = &[("aws_opensearch_domain", DOMAIN), ("aws_elasticsearch_domain", DOMAIN)];

/// Resources that configure another resource rather than being one.
pub fn attaches(type_name: &str) -> bool {
    matches!(
        type_name,
        "aws_s3_bucket_policy"
            | "aws_s3_bucket_acl"
            | "aws_s3_bucket_public_access_block"
            | "aws_s3_bucket_ownership_controls"
            | "aws_s3_bucket_server_side_encryption_configuration"
            | "aws_s3_bucket_logging"
            | "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule"
            | "aws_snapshot_create_volume_permission"
            | "aws_ami_launch_permission"
            | "aws_sqs_queue_policy"
            | "aws_sns_topic_policy"
            | "aws_lambda_permission"
            | "aws_lambda_function_url"
            | "aws_kms_key_policy"
            | "aws_ecr_repository_policy"
            | "aws_secretsmanager_secret_policy"
            | "aws_opensearch_domain_policy"
            | "aws_elasticsearch_domain_policy"
    )
}

fn aws(entry: &Entry, type_name: &'static str, kind: Kind) -> Resource {
    resource(entry, Provider::Aws, type_name, kind)
}

/// A resource outside the plan, known by the value that names it.
fn external(type_name: &'static str, id: &str, kind: Kind, at: Origin) -> Resource {
    Resource {
        provider: Provider::Aws,
        type_name,
        id: id.to_string(),
        name: id.to_string(),
        account: None,
        region: None,
        tags: Vec::new(),
        at,
        kind,
    }
}

/// Adds a resource this plan or state describes. False when the type is not
/// one Keyhole audits.
pub fn primary(entry: &Entry, index: &Index, collector: &mut Collector) -> bool {
    let r = match entry.type_name {
        "aws_s3_bucket" => bucket(entry),
        "aws_s3_account_public_access_block" => {
            let block = public_access_block(entry);
            collector.model.account_mut(None).s3_public_access_block = Some(block);
            collector.resources += 1;
            return true;
        }
        "aws_security_group" | "aws_default_security_group" => security_group(entry),
        "aws_db_instance" => db_instance(entry, index),
        // Read into its instances (`cluster_instance`), which the rules judge,
        // as the AWS exports show them. A Multi-AZ DB cluster (with its own
        // instance class) has none, so it stays listed as skipped.
        "aws_rds_cluster" if !entry.is_set("db_cluster_instance_class") => {
            collector.resources += 1;
            return true;
        }
        "aws_rds_cluster_instance" => cluster_instance(entry, index),
        "aws_db_snapshot" => db_snapshot(entry, SnapshotFamily::RdsInstance, DB_SNAPSHOT),
        "aws_db_cluster_snapshot" => db_snapshot(entry, SnapshotFamily::RdsCluster, DB_CLUSTER_SNAPSHOT),
        "aws_redshift_cluster" => aws(
            entry,
            REDSHIFT_CLUSTER,
            Kind::RedshiftCluster(RedshiftCluster {
                publicly_accessible: entry.attr("publicly_accessible").bool_attr(),
                encrypted: entry.attr("encrypted").bool_attr(),
            }),
        ),
        "aws_ebs_volume" => {
            aws(entry, VOLUME, Kind::EbsVolume(EbsVolume { encrypted: entry.computed("encrypted").bool_attr() }))
        }
        "aws_ebs_snapshot" | "aws_ebs_snapshot_copy" => aws(
            entry,
            EBS_SNAPSHOT,
            Kind::Snapshot(Snapshot {
                family: SnapshotFamily::Ebs,
                shared_with: None,
                encrypted: entry.computed("encrypted").bool_attr(),
            }),
        ),
        "aws_ami" | "aws_ami_copy" | "aws_ami_from_instance" => aws(entry, IMAGE, Kind::Image(Image { public: None })),
        "aws_sqs_queue" => holder(entry, QUEUE, entry.computed("policy").policy_attr()),
        "aws_sns_topic" => holder(entry, TOPIC, entry.computed("policy").policy_attr()),
        "aws_kms_key" => holder(entry, KEY, entry.computed("policy").policy_attr()),
        "aws_ecr_repository" => holder(entry, REPOSITORY, None),
        "aws_secretsmanager_secret" => holder(entry, SECRET, entry.computed("policy").policy_attr()),
        "aws_lambda_function" => aws(entry, FUNCTION, Kind::LambdaFunction(LambdaFunction::default())),
        "aws_opensearch_domain" | "aws_elasticsearch_domain" => domain(entry),
        "aws_iam_role" => {
            aws(entry, ROLE, Kind::IamRole(IamRole { trust_policy: entry.attr("assume_role_policy").policy_attr() }))
        }
        _ => return false,
    };
    collector.add(r);
    true
}

fn holder(entry: &Entry, type_name: &'static str, policy: Option<Attr<PolicyDoc>>) -> Resource {
    aws(entry, type_name, Kind::PolicyHolder(PolicyHolder { policy }))
}

// ---- S3 ------------------------------------------------------------------

fn bucket(entry: &Entry) -> Resource {
    let mut b = S3Bucket {
        acl: inline_acl(entry),
        policy: entry.computed("policy").policy_attr(),
        encryption: bucket_block(entry, "server_side_encryption_configuration"),
        logging: bucket_block(entry, "logging"),
        declared: entry.declared,
        ..S3Bucket::default()
    };
    if entry.declared {
        // Left to AWS on a bucket this plan creates: since January 2023 S3
        // encrypts every new bucket with SSE-S3, and logging stays off
        // unless an `aws_s3_bucket_logging` resource (attached later) says so.
        let at = entry.at();
        b.encryption.get_or_insert_with(|| Attr::defaulted(true, at.clone()));
        b.logging.get_or_insert_with(|| Attr::defaulted(false, at));
    }
    aws(entry, BUCKET, Kind::S3Bucket(b))
}

/// A bucket's inline encryption or logging block. Providers before 5.0 show
/// a block the configuration leaves out of a new bucket as `[]`: that is
/// "left to AWS", so it reads as absent and the new-bucket defaults apply,
/// as for a CloudFormation bucket without the property. An existing bucket's
/// `[]` (a state) is AWS's answer: off.
fn bucket_block(entry: &Entry, key: &str) -> Option<Attr<bool>> {
    let block = entry.computed(key);
    let configured = entry.config.is_some_and(|c| c.contains_key(key));
    if entry.declared && !configured && !block.is_unknown() && !block.has_content() {
        return None;
    }
    block_present(&block)
}

/// Whether a nested configuration block (`logging`, `rule`...) is present.
fn block_present(val: &Val) -> Option<Attr<bool>> {
    match val.read() {
        Read::Known(node) => Some(Attr::explicit(node.value.as_array().is_some_and(|a| !a.is_empty()), node.at)),
        Read::Unknown(at) => Some(Attr::unresolved(at)),
        Read::Absent => None,
    }
}

fn grantee(uri: Option<&str>) -> Grantee {
    match uri {
        Some(uri) if uri.ends_with("AllUsers") => Grantee::AllUsers,
        Some(uri) if uri.ends_with("AuthenticatedUsers") => Grantee::AuthenticatedUsers,
        _ => Grantee::Other,
    }
}

/// The grants a canned ACL gives besides the owner's; `None` for a name
/// S3 does not define.
fn canned_grants(name: &str) -> Option<&'static [(Grantee, AclPermission)]> {
    Some(match name {
        "private" | "bucket-owner-read" | "bucket-owner-full-control" | "aws-exec-read" | "log-delivery-write" => &[],
        "public-read" => &[(Grantee::AllUsers, AclPermission::Read)],
        "public-read-write" => &[(Grantee::AllUsers, AclPermission::Read), (Grantee::AllUsers, AclPermission::Write)],
        "authenticated-read" => &[(Grantee::AuthenticatedUsers, AclPermission::Read)],
        _ => return None,
    })
}

fn canned_acl(val: &Val) -> Option<Attr<Acl>> {
    match val.read() {
        Read::Known(node) => {
            let name = node.str()?.trim();
            if name.is_empty() {
                return None;
            }
            Some(match canned_grants(name) {
                Some(grants) => {
                    let grants = grants
                        .iter()
                        .map(|&(grantee, permission)| AclGrant { grantee, permission, at: node.at.clone() })
                        .collect();
                    Attr::explicit(Acl { grants }, node.at.clone())
                }
                None => Attr::unresolved(node.at.clone()),
            })
        }
        Read::Unknown(at) => Some(Attr::unresolved(at)),
        Read::Absent => None,
    }
}

/// The inline `grant` blocks of provider v3 and of states:
/// `[{type, uri, id, permissions: [...]}]`.
fn inline_grants(list: &Val) -> Acl {
    let mut acl = Acl::default();
    for grant in list.items() {
        let who = grantee(grant.get("uri").str());
        for permission in grant.get("permissions").items() {
            if let (Some(p), Some(at)) = (permission.str().and_then(AclPermission::parse), permission.at()) {
                acl.grants.push(AclGrant { grantee: who, permission: p, at });
            }
        }
    }
    acl
}

/// A bucket's own ACL: the `grant` list when it has entries (states list
/// the bucket's actual grants there), else the canned `acl`.
fn inline_acl(entry: &Entry) -> Option<Attr<Acl>> {
    let grants = entry.computed("grant");
    match grants.read() {
        Read::Known(node) if grants.has_content() => Some(Attr::explicit(inline_grants(&grants), node.at)),
        Read::Unknown(at) => Some(Attr::unresolved(at)),
        _ => canned_acl(&entry.computed("acl")),
    }
}

/// `aws_s3_bucket_acl`: a canned `acl`, or `access_control_policy` grants.
fn bucket_acl(entry: &Entry) -> Option<Attr<Acl>> {
    if let Some(acl) = canned_acl(&entry.attr("acl")) {
        return Some(acl);
    }
    let policy = entry.computed("access_control_policy");
    match policy.read() {
        Read::Known(node) => {
            let mut acl = Acl::default();
            for grant in policy.first().get("grant").items() {
                let who = grantee(grant.get("grantee").first().get("uri").str());
                let permission = grant.get("permission").str().and_then(AclPermission::parse);
                if let (Some(permission), Some(at)) = (permission, grant.at()) {
                    acl.grants.push(AclGrant { grantee: who, permission, at });
                }
            }
            Some(Attr::explicit(acl, node.at))
        }
        Read::Unknown(at) => Some(Attr::unresolved(at)),
        Read::Absent => None,
    }
}

/// The four flags of `aws_s3_(bucket|account)_public_access_block`; an
/// unset flag is off, the provider's default.
fn public_access_block(entry: &Entry) -> PublicAccessBlock {
    let at = entry.values_at();
    let flag = |key: &str| Some(entry.attr(key).bool_attr().unwrap_or_else(|| Attr::defaulted(false, at.clone())));
    PublicAccessBlock {
        block_public_acls: flag("block_public_acls"),
        ignore_public_acls: flag("ignore_public_acls"),
        block_public_policy: flag("block_public_policy"),
        restrict_public_buckets: flag("restrict_public_buckets"),
        at: Some(at.clone()),
    }
}

fn orphan_bucket(name: &str, at: &Origin) -> Resource {
    let mut r = external(BUCKET, &bucket_arn(name), Kind::S3Bucket(S3Bucket::default()), at.clone());
    r.name = name.to_string();
    r
}

fn with_bucket(entry: &Entry, index: &Index, collector: &mut Collector, change: impl FnOnce(&mut S3Bucket)) {
    let at = entry.at();
    let found =
        find_target(index, entry, collector, "bucket", BUCKETS, "bucket", |name| Some(orphan_bucket(name, &at)));
    if let Some(Kind::S3Bucket(b)) = found.map(|r| &mut r.kind) {
        change(b);
    }
}

// ---- EC2 -----------------------------------------------------------------

/// The attribute names of one way of writing an ingress rule.
struct RuleKeys {
    protocol: &'static str,
    cidrs: &'static [&'static str],
    prefix_lists: &'static str,
}

const INLINE_RULE: RuleKeys =
    RuleKeys { protocol: "protocol", cidrs: &["cidr_blocks", "ipv6_cidr_blocks"], prefix_lists: "prefix_list_ids" };
const VPC_RULE: RuleKeys =
    RuleKeys { protocol: "ip_protocol", cidrs: &["cidr_ipv4", "cidr_ipv6"], prefix_lists: "prefix_list_id" };

fn strings(val: &Val) -> Vec<Attr<String>> {
    match val.read() {
        Read::Known(node) if node.value.is_array() => val.string_list(),
        _ => val.text_attr().into_iter().collect(),
    }
}

fn ingress_rule(rule: &Val, keys: &RuleKeys, at: Origin) -> IngressRule {
    let protocol = match rule.get(keys.protocol).read() {
        Read::Known(node) => match node.string() {
            Some(p) => Attr::explicit(p.to_ascii_lowercase(), node.at),
            None => Attr::unresolved(node.at),
        },
        Read::Unknown(marker) => Attr::unresolved(marker),
        Read::Absent => Attr::unresolved(at.clone()),
    };
    let all_ports = protocol.known().is_some_and(|p| p == "-1" || p == "all");
    let ports = if all_ports {
        None
    } else {
        let in_range = |p: i64| (0..=65535).contains(&p);
        match (rule.get("from_port").read(), rule.get("to_port").read()) {
            (Read::Unknown(marker), _) | (_, Read::Unknown(marker)) => Some(Attr::unresolved(marker)),
            (Read::Known(from), Read::Known(to)) => match (from.int(), to.int()) {
                // -1 means every port (ICMP type "all").
                (Some(-1), _) | (_, Some(-1)) => None,
                (Some(a), Some(b)) if in_range(a) && in_range(b) => {
                    Some(Attr::explicit((a.min(b) as u32, a.max(b) as u32), from.at))
                }
                _ => Some(Attr::unresolved(from.at)),
            },
            (Read::Known(from), Read::Absent) => match from.int() {
                Some(-1) => None,
                Some(a) if in_range(a) => Some(Attr::explicit((a as u32, a as u32), from.at)),
                _ => Some(Attr::unresolved(from.at)),
            },
            _ => None,
        }
    };
    let sources = keys.cidrs.iter().flat_map(|key| strings(&rule.get(key))).collect();
    let prefix_lists = strings(&rule.get(keys.prefix_lists)).into_iter().filter(|p| p.known() != Some(&String::new()));
    IngressRule { protocol, ports, sources, prefix_lists: prefix_lists.collect(), at }
}

/// A rule list unknown until apply: one rule with nothing resolved, so the
/// rules report it as unknown rather than staying silent.
fn unresolved_rule(at: Origin) -> IngressRule {
    IngressRule {
        protocol: Attr::unresolved(at.clone()),
        ports: Some(Attr::unresolved(at.clone())),
        sources: vec![Attr::unresolved(at.clone())],
        prefix_lists: Vec::new(),
        at,
    }
}

fn security_group(entry: &Entry) -> Resource {
    let list = entry.computed("ingress");
    let ingress = match list.read() {
        Read::Unknown(at) => vec![unresolved_rule(at)],
        _ => list
            .items()
            .iter()
            .map(|rule| {
                let at = rule.at().unwrap_or_else(|| entry.values_at());
                ingress_rule(rule, &INLINE_RULE, at)
            })
            .collect(),
    };
    let group = SecurityGroup {
        group_name: entry.text("name").map(str::to_string),
        vpc_id: entry.text("vpc_id").map(str::to_string),
        ingress,
    };
    aws(entry, SECURITY_GROUP, Kind::SecurityGroup(group))
}

fn with_group(entry: &Entry, index: &Index, collector: &mut Collector, rule: IngressRule) {
    let at = entry.at();
    let orphan = |id: &str| Some(external(SECURITY_GROUP, id, Kind::SecurityGroup(SecurityGroup::default()), at));
    let found = find_target(index, entry, collector, "security_group_id", GROUPS, "security group", orphan);
    if let Some(Kind::SecurityGroup(group)) = found.map(|r| &mut r.kind) {
        // A state lists a group's separately managed rules inline as well.
        let same = |r: &IngressRule| {
            r.protocol.value == rule.protocol.value
                && r.ports.as_ref().map(|p| p.value) == rule.ports.as_ref().map(|p| p.value)
                && r.sources.iter().map(|s| &s.value).eq(rule.sources.iter().map(|s| &s.value))
                && r.prefix_lists.iter().map(|s| &s.value).eq(rule.prefix_lists.iter().map(|s| &s.value))
        };
        if !group.ingress.iter().any(same) {
            group.ingress.push(rule);
        }
    }
}

/// Security group ids as model ids: the address of a group of this plan,
/// else the id as written.
fn group_ids(index: &Index, entry: &Entry, key: &str) -> Vec<String> {
    let list = entry.attr(key);
    let mut out: Vec<String> = Vec::new();
    let mut unknown = list.is_unknown();
    for item in list.items() {
        match item.str() {
            Some(id) => {
                let address = index.by_value(GROUPS, id).and_then(|at| index.get(at)).map(|e| e.address.to_string());
                out.push(address.unwrap_or_else(|| id.to_string()));
            }
            None => unknown |= item.is_unknown(),
        }
    }
    if unknown {
        for at in index.referenced(entry, key, GROUPS) {
            if let Some(found) = index.get(at) {
                if !out.iter().any(|o| o == found.address) {
                    out.push(found.address.to_string());
                }
            }
        }
    }
    out
}

fn db_instance(entry: &Entry, index: &Index) -> Resource {
    let engine = entry.text("engine").map(str::to_string);
    let mut encrypted = entry.computed("storage_encrypted").bool_attr();
    // A new non-Aurora instance that neither sets it nor copies a snapshot
    // or source database is unencrypted: AWS's default.
    let inherits =
        ["snapshot_identifier", "replicate_source_db", "restore_to_point_in_time"].iter().any(|k| entry.is_set(k));
    let aurora = engine.as_deref().is_none_or(|e| e.starts_with("aurora"));
    if encrypted.is_none() && entry.declared && !inherits && !aurora {
        encrypted = Some(Attr::defaulted(false, entry.at()));
    }
    let db = RdsInstance {
        publicly_accessible: entry.attr("publicly_accessible").bool_attr(),
        storage_encrypted: encrypted,
        port: entry.attr("port").int().filter(|p| (1..=65535).contains(p)).map(|p| p as u32),
        engine,
        security_groups: group_ids(index, entry, "vpc_security_group_ids"),
    };
    aws(entry, DB_INSTANCE, Kind::RdsInstance(db))
}

/// The storage encryption of an `aws_rds_cluster`: the provider's default
/// is off, except for Aurora Serverless v1; a restored or replicated cluster
/// takes its source's.
fn cluster_encryption(cluster: &Entry) -> Option<Attr<bool>> {
    let encrypted = cluster.computed("storage_encrypted").bool_attr();
    if encrypted.is_some() || !cluster.declared {
        return encrypted;
    }
    let inherits = ["snapshot_identifier", "replication_source_identifier", "restore_to_point_in_time", "s3_import"]
        .iter()
        .any(|k| cluster.is_set(k));
    Some(if inherits {
        Attr::unresolved(cluster.at())
    } else {
        Attr::defaulted(cluster.text("engine_mode") == Some("serverless"), cluster.at())
    })
}

/// An Aurora instance: encrypted exactly when its cluster is, and behind
/// its cluster's security groups. A state shows the instance's own copy of
/// the encryption; a plan leaves it unknown, so it comes from the cluster.
fn cluster_instance(entry: &Entry, index: &Index) -> Resource {
    let cluster = match index.target(entry, "cluster_identifier", CLUSTERS) {
        Target::Entry(at) => index.get(at),
        Target::External(_) | Target::Unresolved => None,
    };
    let own = entry.computed("storage_encrypted").bool_attr().filter(|a| a.known().is_some());
    let storage_encrypted = own.or_else(|| cluster.and_then(cluster_encryption));
    let port = entry.attr("port").int().or_else(|| cluster.and_then(|c| c.attr("port").int()));
    let db = RdsInstance {
        publicly_accessible: entry.attr("publicly_accessible").bool_attr(),
        storage_encrypted,
        port: port.filter(|p| (1..=65535).contains(p)).map(|p| p as u32),
        engine: entry.text("engine").map(str::to_string),
        security_groups: cluster.map(|c| group_ids(index, c, "vpc_security_group_ids")).unwrap_or_default(),
    };
    aws(entry, DB_INSTANCE, Kind::RdsInstance(db))
}

fn db_snapshot(entry: &Entry, family: SnapshotFamily, type_name: &'static str) -> Resource {
    let shared = entry.attr("shared_accounts");
    let shared_with = match shared.read() {
        Read::Known(node) => Some(Attr::explicit(shared.string_list(), node.at)),
        Read::Unknown(at) => Some(Attr::unresolved(at)),
        Read::Absent => None,
    };
    let encrypted =
        entry.computed(if family == SnapshotFamily::RdsCluster { "storage_encrypted" } else { "encrypted" });
    aws(entry, type_name, Kind::Snapshot(Snapshot { family, shared_with, encrypted: encrypted.bool_attr() }))
}

fn domain(entry: &Entry) -> Resource {
    let vpc = entry.computed("vpc_options");
    let in_vpc = match vpc.read() {
        Read::Known(node) => {
            let options = vpc.first();
            let subnets = options.get("subnet_ids");
            let inside = subnets.is_unknown() || subnets.has_content() || options.get("vpc_id").has_content();
            Attr::explicit(inside, node.at)
        }
        Read::Unknown(at) => Attr::unresolved(at),
        Read::Absent => Attr::defaulted(false, entry.at()),
    };
    let d = SearchDomain { in_vpc: Some(in_vpc), policy: entry.computed("access_policies").policy_attr() };
    aws(entry, DOMAIN, Kind::SearchDomain(d))
}

// ---- Lambda --------------------------------------------------------------

/// The resource-policy statement an `aws_lambda_permission` adds, or the
/// origin of what keeps it from being known.
fn permission_statement(entry: &Entry) -> Result<Value, Origin> {
    let principal = match entry.attr("principal").read() {
        Read::Known(node) => node.string().ok_or(node.at)?,
        Read::Unknown(at) => return Err(at),
        Read::Absent => return Err(entry.values_at()),
    };
    let anonymous = principal == "*";
    let mut condition = Map::new();
    for (key, operator, condition_key) in [
        ("source_arn", "ArnLike", "AWS:SourceArn"),
        ("source_account", "StringEquals", "AWS:SourceAccount"),
        ("principal_org_id", "StringEquals", "aws:PrincipalOrgID"),
        // AWS writes this condition into the statement of a function URL
        // permission.
        ("function_url_auth_type", "StringEquals", "lambda:FunctionUrlAuthType"),
    ] {
        match entry.attr(key).read() {
            Read::Known(node) => {
                if let Some(value) = node.string().filter(|v| !v.is_empty()) {
                    let block = condition.entry(operator).or_insert_with(|| json!({}));
                    if let Some(block) = block.as_object_mut() {
                        block.insert(condition_key.to_string(), Value::String(value));
                    }
                }
            }
            // An unknown condition value only matters when the principal
            // is anonymous: for a named service or account the statement
            // is not public whatever the condition says.
            Read::Unknown(at) if anonymous => return Err(at),
            _ => {}
        }
    }
    let principal = if anonymous {
        json!("*")
    } else if principal.ends_with(".amazonaws.com") {
        json!({ "Service": principal })
    } else {
        json!({ "AWS": principal })
    };
    let mut statement = json!({
        "Sid": entry.attr("statement_id").string().unwrap_or_default(),
        "Effect": "Allow",
        "Principal": principal,
        "Action": entry.attr("action").string().unwrap_or_else(|| "lambda:InvokeFunction".to_string()),
        "Resource": "*",
    });
    if !condition.is_empty() {
        statement["Condition"] = Value::Object(condition);
    }
    Ok(statement)
}

/// Adds a permission's statement to the function's policy. The policy is
/// assembled from several resources, so its origin is the permission
/// resource itself (opaque: there is no statement to point into); the
/// first anonymous permission wins that place.
fn add_permission(function: &mut LambdaFunction, entry: &Entry) {
    let at = Origin { opaque: true, ..entry.values_at() };
    let statement = match permission_statement(entry) {
        Ok(statement) => statement,
        Err(unknown) => {
            function.policy = Some(Attr::unresolved(unknown));
            return;
        }
    };
    let anonymous = statement.get("Principal") == Some(&json!("*"));
    match &mut function.policy {
        Some(policy) => {
            let Some(doc) = policy.value.as_mut() else { return };
            if let Some(list) = doc.document.get_mut("Statement").and_then(Value::as_array_mut) {
                let had_anonymous = list.iter().any(|s| s.get("Principal") == Some(&json!("*")));
                list.push(statement);
                if anonymous && !had_anonymous {
                    policy.at = at;
                }
            }
        }
        None => {
            let document = json!({ "Version": "2012-10-17", "Statement": [statement] });
            function.policy = Some(Attr::explicit(PolicyDoc { document }, at));
        }
    }
}

// ---- Attachments ---------------------------------------------------------

fn with_holder(
    entry: &Entry,
    index: &Index,
    collector: &mut Collector,
    key: &str,
    targets: Targets,
    what: &str,
    policy_key: &str,
) {
    let Some(&(_, type_name)) = targets.first() else { return };
    let policy = entry.attr(policy_key).policy_attr();
    let at = entry.at();
    let orphan = |id: &str| {
        let kind = if type_name == DOMAIN {
            Kind::SearchDomain(SearchDomain::default())
        } else {
            Kind::PolicyHolder(PolicyHolder::default())
        };
        Some(external(type_name, id, kind, at))
    };
    match find_target(index, entry, collector, key, targets, what, orphan).map(|r| &mut r.kind) {
        Some(Kind::PolicyHolder(h)) => h.policy = policy,
        Some(Kind::SearchDomain(d)) => d.policy = policy,
        _ => {}
    }
}

fn with_function(entry: &Entry, index: &Index, collector: &mut Collector, change: impl FnOnce(&mut LambdaFunction)) {
    let at = entry.at();
    let orphan = |name: &str| {
        // `function_name` may be a name, an ARN or a partial ARN.
        let short = name.rsplit(':').find(|s| !s.is_empty() && s.parse::<u64>().is_err()).unwrap_or(name);
        Some(external(FUNCTION, short, Kind::LambdaFunction(LambdaFunction::default()), at))
    };
    if let Some(Kind::LambdaFunction(f)) =
        find_target(index, entry, collector, "function_name", FUNCTIONS, "function", orphan).map(|r| &mut r.kind)
    {
        change(f);
    }
}

/// Applies a resource that configures another one.
pub fn attach(entry: &Entry, index: &Index, collector: &mut Collector) {
    match entry.type_name {
        "aws_s3_bucket_policy" => {
            let policy = entry.attr("policy").policy_attr();
            with_bucket(entry, index, collector, |b| b.policy = policy);
        }
        "aws_s3_bucket_acl" => {
            let acl = bucket_acl(entry);
            with_bucket(entry, index, collector, |b| {
                if acl.is_some() {
                    b.acl = acl;
                }
            });
        }
        "aws_s3_bucket_public_access_block" => {
            let block = public_access_block(entry);
            with_bucket(entry, index, collector, |b| b.public_access_block = Some(block));
        }
        "aws_s3_bucket_ownership_controls" => {
            let ownership = entry.attr("rule").first().get("object_ownership").string_attr();
            let ownership = ownership.or_else(|| entry.attr("rule").at().map(Attr::unresolved));
            with_bucket(entry, index, collector, |b| b.object_ownership = ownership);
        }
        "aws_s3_bucket_server_side_encryption_configuration" => {
            let rule = entry.attr("rule");
            let encryption = match rule.read() {
                Read::Unknown(at) => Attr::unresolved(at),
                _ => Attr::explicit(true, rule.at().unwrap_or_else(|| entry.values_at())),
            };
            with_bucket(entry, index, collector, |b| b.encryption = Some(encryption));
        }
        "aws_s3_bucket_logging" => {
            let target = entry.attr("target_bucket");
            let logging = match target.read() {
                Read::Known(node) => Attr::explicit(true, node.at),
                // Still logging, to a bucket named at apply time.
                Read::Unknown(_) | Read::Absent => Attr::explicit(true, entry.values_at()),
            };
            with_bucket(entry, index, collector, |b| b.logging = Some(logging));
        }
        "aws_security_group_rule" => match entry.text("type") {
            Some("ingress") => {
                let rule = ingress_rule(&entry.values, &INLINE_RULE, entry.values_at());
                with_group(entry, index, collector, rule);
            }
            Some(_) => {}
            None => collector.skip(
                &entry.at(),
                format!("{}: whether it is an ingress or egress rule is not known until apply", entry.address),
            ),
        },
        "aws_vpc_security_group_ingress_rule" => {
            let rule = ingress_rule(&entry.values, &VPC_RULE, entry.values_at());
            with_group(entry, index, collector, rule);
        }
        "aws_snapshot_create_volume_permission" => {
            let account = entry.attr("account_id").string_attr();
            let at = entry.at();
            let orphan = |id: &str| {
                let s = Snapshot { family: SnapshotFamily::Ebs, shared_with: None, encrypted: None };
                Some(external(EBS_SNAPSHOT, id, Kind::Snapshot(s), at))
            };
            let found = find_target(index, entry, collector, "snapshot_id", EBS_SNAPSHOTS, "snapshot", orphan);
            if let (Some(Kind::Snapshot(s)), Some(account)) = (found.map(|r| &mut r.kind), account) {
                let list = s.shared_with.get_or_insert_with(|| Attr::explicit(Vec::new(), entry.values_at()));
                if let Some(values) = list.value.as_mut() {
                    values.push(account);
                }
            }
        }
        "aws_ami_launch_permission" => {
            let group = entry.attr("group");
            let public = match group.read() {
                Read::Known(node) => node.str().map(|g| Attr::explicit(g.eq_ignore_ascii_case("all"), node.at)),
                Read::Unknown(at) => Some(Attr::unresolved(at)),
                Read::Absent => None,
            };
            let at = entry.at();
            let orphan = |id: &str| Some(external(IMAGE, id, Kind::Image(Image::default()), at));
            let found = find_target(index, entry, collector, "image_id", IMAGES, "image", orphan);
            if let (Some(Kind::Image(image)), Some(public)) = (found.map(|r| &mut r.kind), public) {
                // One permission for `all` makes the image public, whatever
                // the others say.
                if image.public.as_ref().and_then(|p| p.value) != Some(true) {
                    image.public = Some(public);
                }
            }
        }
        "aws_sqs_queue_policy" => with_holder(entry, index, collector, "queue_url", QUEUES, "queue", "policy"),
        "aws_sns_topic_policy" => with_holder(entry, index, collector, "arn", TOPICS, "topic", "policy"),
        "aws_kms_key_policy" => with_holder(entry, index, collector, "key_id", KEYS, "key", "policy"),
        "aws_ecr_repository_policy" => {
            with_holder(entry, index, collector, "repository", REPOSITORIES, "repository", "policy")
        }
        "aws_secretsmanager_secret_policy" => {
            with_holder(entry, index, collector, "secret_arn", SECRETS, "secret", "policy")
        }
        "aws_opensearch_domain_policy" | "aws_elasticsearch_domain_policy" => {
            with_holder(entry, index, collector, "domain_name", DOMAINS, "domain", "access_policies")
        }
        "aws_lambda_permission" => with_function(entry, index, collector, |f| add_permission(f, entry)),
        "aws_lambda_function_url" => {
            let auth = entry.attr("authorization_type").string_attr();
            with_function(entry, index, collector, |f| f.url_auth_type = auth);
        }
        // Egress rules open nothing to the internet.
        _ => {}
    }
}

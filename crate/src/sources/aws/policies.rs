//! Resources whose exposure is a resource policy: SQS queues, SNS topics, KMS
//! keys, ECR repositories, Secrets Manager secrets, Lambda functions and
//! OpenSearch / Elasticsearch domains.

use crate::model::{Attr, Kind, LambdaFunction, PolicyDoc, PolicyHolder, Provider, Resource, SearchDomain};
use crate::sources::{Collector, Node};

use super::cli::Call;
use super::config::ConfigItem;

pub const QUEUE: &str = "AWS::SQS::Queue";
pub const TOPIC: &str = "AWS::SNS::Topic";
pub const KEY: &str = "AWS::KMS::Key";
pub const REPOSITORY: &str = "AWS::ECR::Repository";
pub const SECRET: &str = "AWS::SecretsManager::Secret";
pub const FUNCTION: &str = "AWS::Lambda::Function";
pub const DOMAIN: &str = "AWS::OpenSearch::Domain";

/// A policy held as a JSON string or an object.
pub fn policy_attr(node: &Node) -> Attr<PolicyDoc> {
    match node.document() {
        Some(doc) => Attr::explicit(PolicyDoc { document: doc.value.into_owned() }, doc.at),
        None => Attr::unresolved(node.at.clone()),
    }
}

/// The last segment of an ARN or URL, as a person would name the resource.
fn short_name(id: &str) -> String {
    id.rsplit([':', '/']).find(|s| !s.is_empty()).unwrap_or(id).to_string()
}

fn base(type_name: &'static str, id: String, name: String, at: &Node, kind: Kind) -> Resource {
    Resource {
        provider: Provider::Aws,
        type_name,
        id,
        name,
        account: None,
        region: None,
        tags: Vec::new(),
        at: at.at.clone(),
        kind,
    }
}

fn holder(policy: Option<Attr<PolicyDoc>>) -> Kind {
    Kind::PolicyHolder(PolicyHolder { policy })
}

pub fn from_cli(call: &Call, collector: &mut Collector) -> bool {
    let out = &call.output;
    let mut found = Vec::new();
    match (call.service, call.operation) {
        ("sqs", "get-queue-attributes") => {
            let attributes = out.get_ci("Attributes");
            let arn = attributes.as_ref().and_then(|a| a.get_ci("QueueArn")).and_then(|n| n.string());
            let Some(id) = arn.or_else(|| call.param("QueueUrl")) else { return false };
            let policy = attributes.as_ref().and_then(|a| a.get_ci("Policy")).map(|p| policy_attr(&p));
            found.push(base(QUEUE, id.clone(), short_name(&id), out, holder(policy)));
        }
        ("sns", "get-topic-attributes") => {
            let attributes = out.get_ci("Attributes");
            let arn = attributes.as_ref().and_then(|a| a.get_ci("TopicArn")).and_then(|n| n.string());
            let Some(id) = arn.or_else(|| call.param("TopicArn")) else { return false };
            let policy = attributes.as_ref().and_then(|a| a.get_ci("Policy")).map(|p| policy_attr(&p));
            found.push(base(TOPIC, id.clone(), short_name(&id), out, holder(policy)));
        }
        ("kms", "get-key-policy") => {
            let Some(id) = call.param("KeyId") else { return false };
            let policy = out.get_ci("Policy").map(|p| policy_attr(&p));
            found.push(base(KEY, id.clone(), short_name(&id), out, holder(policy)));
        }
        ("ecr", "get-repository-policy") => {
            let name = out.get_ci("repositoryName").and_then(|n| n.string()).or_else(|| call.param("repositoryName"));
            let Some(name) = name else { return false };
            let policy = out.get_ci("policyText").map(|p| policy_attr(&p));
            found.push(base(REPOSITORY, name.clone(), name, out, holder(policy)));
        }
        ("secretsmanager", "get-resource-policy") => {
            let arn = out.get_ci("ARN").and_then(|n| n.string()).or_else(|| call.param("SecretId"));
            let Some(id) = arn else { return false };
            let name = out.get_ci("Name").and_then(|n| n.string()).unwrap_or_else(|| short_name(&id));
            let policy = out.get_ci("ResourcePolicy").map(|p| policy_attr(&p));
            found.push(base(SECRET, id, name, out, holder(policy)));
        }
        ("lambda", "list-functions") => {
            for f in out.get_ci("Functions").into_iter().flat_map(|n| n.items().collect::<Vec<_>>()) {
                if let Some(name) = f.get_ci("FunctionName").and_then(|n| n.string()) {
                    found.push(base(FUNCTION, name.clone(), name, &f, Kind::LambdaFunction(LambdaFunction::default())));
                }
            }
        }
        ("lambda", "get-policy") => {
            let Some(name) = call.param("FunctionName") else { return false };
            let policy = out.get_ci("Policy").map(|p| policy_attr(&p));
            let f = LambdaFunction { policy, url_auth_type: None };
            found.push(base(FUNCTION, short_name(&name), short_name(&name), out, Kind::LambdaFunction(f)));
        }
        ("lambda", "list-function-url-configs") => {
            let Some(name) = call.param("FunctionName") else { return false };
            // Every URL of the function (aliases included): the most open one counts.
            let configs: Vec<Node> = out.get_ci("FunctionUrlConfigs").map(|c| c.items().collect()).unwrap_or_default();
            let open =
                configs.iter().find(|c| c.get_ci("AuthType").and_then(|a| a.string()).as_deref() == Some("NONE"));
            let Some(config) = open.or(configs.first()) else { return true };
            let f = LambdaFunction { policy: None, url_auth_type: config.get_ci("AuthType").map(|a| a.string_attr()) };
            found.push(base(FUNCTION, short_name(&name), short_name(&name), out, Kind::LambdaFunction(f)));
        }
        ("lambda", "get-function-url-config") => {
            let Some(name) = call.param("FunctionName") else { return false };
            let f = LambdaFunction { policy: None, url_auth_type: out.get_ci("AuthType").map(|a| a.string_attr()) };
            found.push(base(FUNCTION, short_name(&name), short_name(&name), out, Kind::LambdaFunction(f)));
        }
        ("opensearch", "describe-domains") | ("es", "describe-elasticsearch-domains") => {
            for d in out.get_ci("DomainStatusList").into_iter().flat_map(|n| n.items().collect::<Vec<_>>()) {
                if let Some(r) = domain(&d) {
                    found.push(r);
                }
            }
        }
        _ => return false,
    }
    for mut r in found {
        r.account = call.account.clone();
        r.region = call.region.clone();
        collector.add(r);
    }
    true
}

fn domain(node: &Node) -> Option<Resource> {
    let name = node.get_ci("DomainName").and_then(|n| n.string())?;
    let vpc = node.get_ci("VPCOptions");
    let in_vpc = match &vpc {
        Some(v) => Attr::explicit(
            v.get_ci("VPCId").is_some() || v.get_ci("SubnetIds").is_some_and(|s| s.items().next().is_some()),
            v.at.clone(),
        ),
        None => Attr::defaulted(false, node.at.clone()),
    };
    let policy = node.get_ci("AccessPolicies").map(|p| policy_attr(&p));
    let d = SearchDomain { in_vpc: Some(in_vpc), policy };
    Some(base(DOMAIN, name.clone(), name, node, Kind::SearchDomain(d)))
}

/// "No policy" answers.
pub fn answer(call: &Call, code: &str, collector: &mut Collector) -> bool {
    let at = &call.output;
    let r = match (call.service, call.operation, code) {
        ("lambda", "get-policy" | "get-function-url-config", "ResourceNotFoundException") => {
            let Some(name) = call.param("FunctionName") else { return false };
            base(FUNCTION, short_name(&name), short_name(&name), at, Kind::LambdaFunction(LambdaFunction::default()))
        }
        ("ecr", "get-repository-policy", "RepositoryPolicyNotFoundException") => {
            let Some(name) = call.param("repositoryName") else { return false };
            base(REPOSITORY, name.clone(), name, at, holder(None))
        }
        ("secretsmanager", "get-resource-policy", "ResourceNotFoundException") => return true,
        _ => return false,
    };
    collector.add(Resource { account: call.account.clone(), region: call.region.clone(), ..r });
    true
}

const POLICY_KEYS: &[&str] =
    &["Policy", "AccessPolicies", "RepositoryPolicyText", "ResourcePolicy", "KeyPolicy", "PolicyDocument"];

pub fn from_config(item: &ConfigItem, collector: &mut Collector) -> bool {
    let config = item.configuration.as_ref().map(|c| c.node());
    let policy = POLICY_KEYS
        .iter()
        .find_map(|k| config.as_ref().and_then(|c| c.get_ci(k)).map(|p| policy_attr(&p)))
        .or_else(|| {
            POLICY_KEYS
                .iter()
                .find_map(|k| item.supplement(k))
                .map(|doc| Attr::explicit(PolicyDoc { document: doc.value.into_owned() }, doc.at))
        });
    let type_name = item.resource_type.as_str();
    let name = item.name();
    let (type_name, id, kind) = match type_name {
        "AWS::Lambda::Function" => {
            (FUNCTION, short_name(&name), Kind::LambdaFunction(LambdaFunction { policy, url_auth_type: None }))
        }
        "AWS::OpenSearch::Domain" | "AWS::Elasticsearch::Domain" => {
            let Some(config) = config else { return false };
            let Some(r) = domain(&config) else { return false };
            let mut r = item.resource(DOMAIN, r.id.clone(), r.name.clone(), r.kind);
            if let Kind::SearchDomain(d) = &mut r.kind {
                if d.policy.is_none() {
                    d.policy = policy;
                }
            }
            collector.add(r);
            return true;
        }
        "AWS::SQS::Queue" => (QUEUE, item.arn.clone().unwrap_or_else(|| item.resource_id.clone()), holder(policy)),
        "AWS::SNS::Topic" => (TOPIC, item.arn.clone().unwrap_or_else(|| item.resource_id.clone()), holder(policy)),
        "AWS::KMS::Key" => (KEY, item.resource_id.clone(), holder(policy)),
        "AWS::ECR::Repository" => (REPOSITORY, name.clone(), holder(policy)),
        "AWS::SecretsManager::Secret" => {
            (SECRET, item.arn.clone().unwrap_or_else(|| item.resource_id.clone()), holder(policy))
        }
        _ => return false,
    };
    let display = short_name(&name);
    collector.add(item.resource(type_name, id, display, kind));
    true
}

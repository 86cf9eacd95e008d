//! Template resources mapped into the AWS model the AWS exports fill. A
//! resource's `id` is its logical id, its `name` the physical name property
//! when that is literal. Resources that only configure another one (a bucket
//! policy, a standalone ingress rule, a Lambda permission) are attached to
//! their target once every resource is read.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::model::{
    Acl, AclGrant, AclPermission, Attr, EbsVolume, Grantee, IamRole, IngressRule, Instance, Kind, LambdaFunction,
    Origin, PolicyDoc, PolicyHolder, Provider, PublicAccessBlock, RdsInstance, RedshiftCluster, Resource, S3Bucket,
    SearchDomain, SecurityGroup,
};

use super::intrinsics::{Mode, Outcome, Resolved, Template};

const BUCKET: &str = "AWS::S3::Bucket";
const SECURITY_GROUP: &str = "AWS::EC2::SecurityGroup";
const QUEUE: &str = "AWS::SQS::Queue";
const TOPIC: &str = "AWS::SNS::Topic";
const FUNCTION: &str = "AWS::Lambda::Function";
const SECRET: &str = "AWS::SecretsManager::Secret";
/// The model's name for OpenSearch and Elasticsearch domains alike.
const DOMAIN: &str = "AWS::OpenSearch::Domain";

/// Where the SAM transform's output can be had, for skipped SAM resources.
pub const SAM_HINT: &str = "a SAM resource: Keyhole reads only its function URL; audit the transformed template (`aws cloudformation get-template --stack-name STACK --template-stage Processed`, or `sam validate --debug`) for the rest";

/// A resource of the template, as the adapter sees it.
pub struct Declared<'a> {
    pub logical_id: &'a str,
    pub type_name: &'a str,
    /// `/Resources/<LogicalId>`.
    pub at: Origin,
    pub properties: Resolved<'a>,
}

/// What a resource that configures another one names as its target.
enum Target {
    /// A resource of this template, by logical id.
    Local(String),
    /// A literal name, ARN or URL of a resource the template does not create.
    Literal(String),
    Unknown(String),
}

/// One `AWS::Lambda::Permission`, turned into a policy statement.
struct Permission {
    statement: Value,
    at: Origin,
    /// Whether its principal is `*` or could not be resolved: the one
    /// evidence should point at when the function's policy is public.
    open: bool,
}

pub struct Builder<'a, 't> {
    template: &'t Template<'a>,
    resources: Vec<Resource>,
    index: HashMap<(&'static str, String), usize>,
    permissions: Vec<(usize, Permission)>,
    /// The storage encryption of the template's Aurora clusters, by logical
    /// id: their instances are encrypted exactly when the cluster is.
    clusters: HashMap<&'a str, Attr<bool>>,
    /// A second policy attached to a resource that already has one (two
    /// bucket policies on one bucket): carried by a copy of the resource, so
    /// the model keeps and evaluates both.
    overflow: Vec<Resource>,
    pub skipped: Vec<(Origin, String)>,
    pub notes: Vec<String>,
}

impl<'a, 't> Builder<'a, 't> {
    pub fn new(template: &'t Template<'a>) -> Self {
        Builder {
            template,
            resources: Vec::new(),
            index: HashMap::new(),
            permissions: Vec::new(),
            clusters: HashMap::new(),
            overflow: Vec::new(),
            skipped: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The resources read, with Lambda permissions folded into their
    /// functions' policies.
    pub fn finish(mut self) -> (Vec<Resource>, Vec<(Origin, String)>, Vec<String>) {
        let mut by_function: HashMap<usize, Vec<Permission>> = HashMap::new();
        for (function, permission) in std::mem::take(&mut self.permissions) {
            by_function.entry(function).or_default().push(permission);
        }
        for (function, permissions) in by_function {
            // The statements are made up from the permissions' properties, so
            // evidence cannot point inside them: it points at one permission,
            // the open one when there is one.
            let Some(anchor) = permissions.iter().find(|p| p.open).or(permissions.first()) else { continue };
            let at = Origin { opaque: true, ..anchor.at.clone() };
            let statements: Vec<Value> = permissions.into_iter().map(|p| p.statement).collect();
            let document = json!({"Version": "2012-10-17", "Statement": statements});
            if let Some(Kind::LambdaFunction(f)) = self.resources.get_mut(function).map(|r| &mut r.kind) {
                f.policy = Some(Attr::explicit(PolicyDoc { document }, at));
            }
        }
        self.resources.append(&mut self.overflow);
        (self.resources, self.skipped, self.notes)
    }

    fn insert(&mut self, resource: Resource) -> usize {
        let key = (resource.type_name, resource.id.clone());
        if let Some(&at) = self.index.get(&key) {
            return at;
        }
        self.resources.push(resource);
        let at = self.resources.len() - 1;
        self.index.insert(key, at);
        at
    }

    fn skip(&mut self, at: &Origin, reason: impl Into<String>) {
        self.skipped.push((at.clone(), reason.into()));
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    fn get(&self, parent: &Resolved<'a>, key: &str) -> Option<Resolved<'a>> {
        self.template.get(parent, key)
    }

    fn text(&self, parent: &Resolved<'a>, key: &str) -> Option<String> {
        self.get(parent, key).and_then(|v| v.text())
    }

    fn items(&self, parent: &Resolved<'a>, key: &str) -> Vec<Resolved<'a>> {
        self.get(parent, key).map(|list| self.template.items(&list)).unwrap_or_default()
    }

    /// A list property, also accepting a single element written without
    /// the list (which some templates do, and CloudFormation tolerates for
    /// some properties).
    fn list(&self, parent: &Resolved<'a>, key: &str) -> Vec<Resolved<'a>> {
        match self.get(parent, key) {
            Some(value) if value.known().is_some_and(Value::is_array) => self.template.items(&value),
            Some(value) => vec![value],
            None => Vec::new(),
        }
    }

    /// A resource of the model, named by its physical name when literal.
    fn resource(&self, declared: &Declared<'a>, type_name: &'static str, name_key: &str, kind: Kind) -> Resource {
        let name = self.text(&declared.properties, name_key).unwrap_or_else(|| declared.logical_id.to_string());
        Resource {
            provider: Provider::Aws,
            type_name,
            id: declared.logical_id.to_string(),
            name,
            account: None,
            region: None,
            tags: self.tags(&declared.properties),
            at: declared.at.clone(),
            kind,
        }
    }

    /// `Tags: [{Key, Value}]`, or a map of tags; unresolved tags are left out.
    fn tags(&self, properties: &Resolved<'a>) -> Vec<(String, String)> {
        let Some(tags) = self.get(properties, "Tags") else { return Vec::new() };
        let mut out = Vec::new();
        match tags.known() {
            Some(Value::Array(_)) => {
                for tag in self.template.items(&tags) {
                    if let (Some(key), Some(value)) = (self.text(&tag, "Key"), self.text(&tag, "Value")) {
                        out.push((key, value));
                    }
                }
            }
            Some(Value::Object(map)) => {
                for key in map.keys() {
                    if let Some(value) = self.text(&tags, key) {
                        out.push((key.clone(), value));
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// A policy document property, as an object or a JSON string. Names of
    /// the account and of the template's resources are kept as `{Name}`
    /// text (they are never wildcards); other unresolved values stay as
    /// written, for the policy evaluator to call unknown.
    fn policy(&self, parent: &Resolved<'a>, key: &str) -> Option<Attr<PolicyDoc>> {
        let raw = match &parent.outcome {
            Outcome::Known(Cow::Borrowed(value)) => value.get(key)?,
            Outcome::Known(Cow::Owned(value)) => {
                let document = value.get(key)?.clone();
                return Some(Attr::explicit(PolicyDoc { document }, parent.at.child(key)));
            }
            _ => return None,
        };
        if raw.is_null() {
            return None;
        }
        let resolved = self.template.eval(raw, parent.at.child(key), Mode::Symbolic, 0);
        let at = resolved.at.clone();
        Some(match resolved.outcome {
            Outcome::Known(Cow::Borrowed(Value::String(text))) => match serde_json::from_str::<Value>(text) {
                Ok(document) => Attr::explicit(PolicyDoc { document }, at.embedded()),
                Err(_) => Attr::unresolved(at),
            },
            // Text built by Fn::Sub or Fn::Join: no pointer can go inside it.
            Outcome::Known(Cow::Owned(Value::String(text))) => match serde_json::from_str::<Value>(&text) {
                Ok(document) => Attr::explicit(PolicyDoc { document }, Origin { opaque: true, ..at }),
                Err(_) => Attr::unresolved(at),
            },
            Outcome::Known(Cow::Borrowed(value)) => match self.template.document(value, at.clone()) {
                Some(document) => Attr::explicit(PolicyDoc { document }, at),
                None => return None,
            },
            Outcome::Known(Cow::Owned(document)) => Attr::explicit(PolicyDoc { document }, at),
            Outcome::NoValue => return None,
            Outcome::Reference { .. } | Outcome::Unknown(_) => Attr::unresolved(at),
        })
    }

    fn target(&self, parent: &Resolved<'a>, key: &str) -> Option<Target> {
        let value = self.get(parent, key)?;
        Some(target_of(&value))
    }

    /// Remembers a DB cluster's storage encryption for its instances, which
    /// may come before it in the template. AWS's default is unencrypted,
    /// except for Aurora Serverless v1; a restored or replicated cluster
    /// takes its source's setting.
    pub fn cluster(&mut self, declared: &Declared<'a>) {
        let props = &declared.properties;
        let encrypted = match self.get(props, "StorageEncrypted") {
            Some(value) => value.bool_attr(),
            None if ["SnapshotIdentifier", "SourceDBClusterIdentifier", "ReplicationSourceIdentifier"]
                .iter()
                .any(|k| self.get(props, k).is_some()) =>
            {
                Attr::unresolved(declared.at.clone())
            }
            None => {
                let serverless = self.text(props, "EngineMode").is_some_and(|m| m.eq_ignore_ascii_case("serverless"));
                Attr::defaulted(serverless, declared.at.clone())
            }
        };
        self.clusters.insert(declared.logical_id, encrypted);
    }

    /// Reads one resource. Returns false when its type is not one Keyhole
    /// reads.
    pub fn declare(&mut self, declared: &Declared<'a>) -> bool {
        let props = &declared.properties;
        let resource = match declared.type_name {
            BUCKET => self.bucket(declared),
            SECURITY_GROUP => {
                let rules = self.list(props, "SecurityGroupIngress").iter().map(|r| self.ingress(r)).collect();
                let group = SecurityGroup {
                    group_name: self.text(props, "GroupName"),
                    vpc_id: self.text(props, "VpcId"),
                    ingress: rules,
                };
                self.resource(declared, SECURITY_GROUP, "GroupName", Kind::SecurityGroup(group))
            }
            "AWS::EC2::Instance" => {
                let mut groups = self.group_ids(props, "SecurityGroupIds");
                groups.extend(self.group_ids(props, "SecurityGroups"));
                let instance = Instance { public_ip: None, security_groups: groups };
                let mut r = self.resource(declared, "AWS::EC2::Instance", "", Kind::Instance(instance));
                if let Some((_, name)) = r.tags.iter().find(|(k, _)| k == "Name") {
                    r.name = name.clone();
                }
                r
            }
            "AWS::RDS::DBInstance" => self.db_instance(declared),
            "AWS::Redshift::Cluster" => self.redshift(declared),
            "AWS::EC2::Volume" => {
                let encrypted = match self.get(props, "Encrypted") {
                    Some(value) => value.bool_attr(),
                    // A volume made from a snapshot takes the snapshot's encryption.
                    None if self.get(props, "SnapshotId").is_some() => Attr::unresolved(declared.at.clone()),
                    None => Attr::defaulted(false, declared.at.clone()),
                };
                let mut r = self.resource(
                    declared,
                    "AWS::EC2::Volume",
                    "",
                    Kind::EbsVolume(EbsVolume { encrypted: Some(encrypted) }),
                );
                if let Some((_, name)) = r.tags.iter().find(|(k, _)| k == "Name") {
                    r.name = name.clone();
                }
                r
            }
            QUEUE => self.resource(declared, QUEUE, "QueueName", holder(None)),
            TOPIC => self.resource(declared, TOPIC, "TopicName", holder(None)),
            SECRET => self.resource(declared, SECRET, "Name", holder(None)),
            "AWS::KMS::Key" => {
                let policy = self.policy(props, "KeyPolicy");
                self.resource(declared, "AWS::KMS::Key", "", holder(policy))
            }
            "AWS::ECR::Repository" => {
                let policy = self.policy(props, "RepositoryPolicyText");
                self.resource(declared, "AWS::ECR::Repository", "RepositoryName", holder(policy))
            }
            FUNCTION => {
                self.resource(declared, FUNCTION, "FunctionName", Kind::LambdaFunction(LambdaFunction::default()))
            }
            "AWS::Serverless::Function" => {
                let auth = self.get(props, "FunctionUrlConfig").and_then(|c| self.get(&c, "AuthType"));
                let function = LambdaFunction { policy: None, url_auth_type: auth.map(|a| a.string_attr()) };
                self.note(format!("{} is {SAM_HINT}.", declared.logical_id));
                self.resource(declared, FUNCTION, "FunctionName", Kind::LambdaFunction(function))
            }
            "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" => self.domain(declared),
            "AWS::IAM::Role" => {
                let trust = self.policy(props, "AssumeRolePolicyDocument");
                self.resource(declared, "AWS::IAM::Role", "RoleName", Kind::IamRole(IamRole { trust_policy: trust }))
            }
            _ => return false,
        };
        self.insert(resource);
        true
    }

    /// Reads a resource that configures another. Returns false when its type
    /// is not one Keyhole reads.
    pub fn attach(&mut self, declared: &Declared<'a>) -> bool {
        let props = &declared.properties;
        match declared.type_name {
            // Read beforehand, into its instances (`cluster`). A Multi-AZ DB
            // cluster (with its own instance class) has no instances to carry
            // its settings, so it stays listed as skipped.
            "AWS::RDS::DBCluster" if self.get(props, "DBClusterInstanceClass").is_none() => {}
            "AWS::S3::BucketPolicy" => {
                let policy = self.policy(props, "PolicyDocument");
                self.attach_to(declared, "Bucket", BUCKET, |_, r| {
                    let Kind::S3Bucket(b) = &mut r.kind else { return None };
                    if b.policy.is_none() {
                        b.policy = policy.clone();
                        return None;
                    }
                    let bucket = S3Bucket { policy: policy.clone(), ..S3Bucket::default() };
                    Some(Resource { kind: Kind::S3Bucket(bucket), ..r.clone() })
                });
            }
            "AWS::EC2::SecurityGroupIngress" => {
                let rule = self.ingress(props);
                let key = if self.get(props, "GroupId").is_some() { "GroupId" } else { "GroupName" };
                self.attach_to(declared, key, SECURITY_GROUP, |_, r| {
                    if let Kind::SecurityGroup(g) = &mut r.kind {
                        g.ingress.push(rule.clone());
                    }
                    None
                });
            }
            "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
                let (list, type_name) =
                    if declared.type_name == "AWS::SQS::QueuePolicy" { ("Queues", QUEUE) } else { ("Topics", TOPIC) };
                let policy = self.policy(props, "PolicyDocument");
                let targets = self.items(props, list);
                if targets.is_empty() {
                    self.skip(&declared.at, format!("{}: its {list} could not be resolved", declared.type_name));
                }
                for target in targets {
                    let target = target_of(&target);
                    self.attach_target(declared, target, type_name, &|_, r| {
                        let Kind::PolicyHolder(h) = &mut r.kind else { return None };
                        if h.policy.is_none() {
                            h.policy = policy.clone();
                            return None;
                        }
                        let holder = PolicyHolder { policy: policy.clone() };
                        Some(Resource { kind: Kind::PolicyHolder(holder), ..r.clone() })
                    });
                }
            }
            "AWS::SecretsManager::ResourcePolicy" => {
                let policy = self.policy(props, "ResourcePolicy");
                self.attach_to(declared, "SecretId", SECRET, |_, r| {
                    let Kind::PolicyHolder(h) = &mut r.kind else { return None };
                    if h.policy.is_none() {
                        h.policy = policy.clone();
                        return None;
                    }
                    let holder = PolicyHolder { policy: policy.clone() };
                    Some(Resource { kind: Kind::PolicyHolder(holder), ..r.clone() })
                });
            }
            "AWS::Lambda::Url" => {
                let auth = self.get(props, "AuthType").map(|a| a.string_attr());
                self.attach_to(declared, "TargetFunctionArn", FUNCTION, |_, r| {
                    if let Kind::LambdaFunction(f) = &mut r.kind {
                        if f.url_auth_type.is_none() {
                            f.url_auth_type = auth.clone();
                        }
                    }
                    None
                });
            }
            "AWS::Lambda::Permission" => {
                let permission = self.permission(declared);
                let Some(target) = self.target(props, "FunctionName") else {
                    self.skip(&declared.at, "AWS::Lambda::Permission without a FunctionName");
                    return true;
                };
                if let Some(function) = self.target_index(declared, target, FUNCTION) {
                    self.permissions.push((function, permission));
                }
            }
            _ => return false,
        }
        true
    }

    fn attach_to(
        &mut self,
        declared: &Declared<'a>,
        key: &str,
        type_name: &'static str,
        apply: impl Fn(&str, &mut Resource) -> Option<Resource>,
    ) {
        match self.target(&declared.properties, key) {
            Some(target) => self.attach_target(declared, target, type_name, &apply),
            None => self.skip(&declared.at, format!("{}: it has no {key}", declared.type_name)),
        }
    }

    fn attach_target(
        &mut self,
        declared: &Declared<'a>,
        target: Target,
        type_name: &'static str,
        apply: &dyn Fn(&str, &mut Resource) -> Option<Resource>,
    ) {
        if let Some(index) = self.target_index(declared, target, type_name) {
            if let Some(resource) = self.resources.get_mut(index) {
                if let Some(extra) = apply(declared.logical_id, resource) {
                    self.overflow.push(extra);
                }
            }
        }
    }

    /// The model index of the resource a configuring resource names: one of
    /// the template's, or one the template does not create (named by a
    /// literal), made on first use. `None`, with a skip, when it cannot be told.
    fn target_index(&mut self, declared: &Declared<'a>, target: Target, type_name: &'static str) -> Option<usize> {
        match target {
            Target::Local(logical_id) if self.template.is_resource(&logical_id) => {
                if let Some(&index) = self.index.get(&(type_name, logical_id.clone())) {
                    return Some(index);
                }
                let reason = match self.template.resource_type(&logical_id) {
                    Some(other) if model_type(other) != type_name => {
                        format!("{}: its target {logical_id} is a {other}, not a {type_name}", declared.type_name)
                    }
                    _ => format!("{}: its target {logical_id} is not created or not read", declared.type_name),
                };
                self.skip(&declared.at, reason);
                None
            }
            // A `Ref` to a name the template does not declare: CloudFormation
            // would refuse the template, but what it configures is still
            // worth judging, on a resource of that name.
            Target::Local(name) => {
                self.note(format!(
                    "{} refers to {name}, which the template does not declare; it was read as configuring an existing {type_name} of that name.",
                    declared.logical_id
                ));
                self.target_index(declared, Target::Literal(name), type_name)
            }
            Target::Literal(text) => {
                let name = short_name(&text);
                let local = self
                    .resources
                    .iter()
                    .position(|r| r.type_name == type_name && (r.name == text || r.name == name || r.id == text));
                if local.is_some() {
                    return local;
                }
                let kind = match type_name {
                    BUCKET => Kind::S3Bucket(S3Bucket::default()),
                    SECURITY_GROUP => Kind::SecurityGroup(SecurityGroup::default()),
                    FUNCTION => Kind::LambdaFunction(LambdaFunction::default()),
                    _ => holder(None),
                };
                let id = match type_name {
                    BUCKET => format!("arn:aws:s3:::{name}"),
                    SECURITY_GROUP => text.clone(),
                    _ => text.clone(),
                };
                let resource = Resource {
                    provider: Provider::Aws,
                    type_name,
                    id,
                    name,
                    account: None,
                    region: None,
                    tags: Vec::new(),
                    at: declared.at.clone(),
                    kind,
                };
                Some(self.insert(resource))
            }
            Target::Unknown(why) => {
                self.skip(&declared.at, format!("{}: its target could not be resolved ({why})", declared.type_name));
                None
            }
        }
    }

    fn bucket(&mut self, declared: &Declared<'a>) -> Resource {
        let props = &declared.properties;
        let at = &declared.at;
        let acl = match self.get(props, "AccessControl") {
            Some(value) => match value.text() {
                Some(canned) => Attr::explicit(canned_acl(&canned, &value.at), value.at.clone()),
                None => Attr::unresolved(value.at.clone()),
            },
            // A new bucket's ACL is private.
            None => Attr::defaulted(Acl::default(), at.clone()),
        };
        let public_access_block = self.get(props, "PublicAccessBlockConfiguration").map(|c| self.access_block(&c));
        let object_ownership = self.get(props, "OwnershipControls").map(|controls| {
            let rule = self.get(&controls, "Rules").and_then(|rules| self.template.items(&rules).into_iter().next());
            match rule.and_then(|r| self.get(&r, "ObjectOwnership")) {
                Some(ownership) => ownership.string_attr(),
                None => Attr::unresolved(controls.at.clone()),
            }
        });
        let encryption = match self.get(props, "BucketEncryption") {
            Some(config) if config.is_known() => {
                let rules = self.items(&config, "ServerSideEncryptionConfiguration");
                Attr::explicit(!rules.is_empty(), config.at.clone())
            }
            Some(config) => Attr::unresolved(config.at.clone()),
            // Since January 2023 S3 encrypts every new bucket with SSE-S3.
            None => Attr::defaulted(true, at.clone()),
        };
        let logging = match self.get(props, "LoggingConfiguration") {
            // Present, even without a destination: logs go to the bucket itself.
            Some(config) if config.is_known() => Attr::explicit(true, config.at.clone()),
            Some(config) => Attr::unresolved(config.at.clone()),
            None => Attr::defaulted(false, at.clone()),
        };
        let bucket = S3Bucket {
            acl: Some(acl),
            policy: None,
            public_access_block,
            object_ownership,
            encryption: Some(encryption),
            logging: Some(logging),
            created: None,
            declared: true,
        };
        self.resource(declared, BUCKET, "BucketName", Kind::S3Bucket(bucket))
    }

    /// `PublicAccessBlockConfiguration`: a flag left out is off, as in the
    /// S3 API.
    fn access_block(&self, config: &Resolved<'a>) -> PublicAccessBlock {
        let flag = |key: &str| -> Option<Attr<bool>> {
            Some(match (config.is_known(), self.get(config, key)) {
                (_, Some(value)) => value.bool_attr(),
                (true, None) => Attr::defaulted(false, config.at.clone()),
                (false, None) => Attr::unresolved(config.at.clone()),
            })
        };
        PublicAccessBlock {
            block_public_acls: flag("BlockPublicAcls"),
            ignore_public_acls: flag("IgnorePublicAcls"),
            block_public_policy: flag("BlockPublicPolicy"),
            restrict_public_buckets: flag("RestrictPublicBuckets"),
            at: Some(config.at.clone()),
        }
    }

    /// One ingress rule, inline or a standalone `AWS::EC2::SecurityGroupIngress`.
    fn ingress(&self, rule: &Resolved<'a>) -> IngressRule {
        // EC2 requires a protocol; without one the rule cannot be judged.
        let protocol = match self.get(rule, "IpProtocol") {
            Some(p) => match p.text() {
                Some(text) => Attr::explicit(text.to_ascii_lowercase(), p.at.clone()),
                None => Attr::unresolved(p.at.clone()),
            },
            None => Attr::unresolved(rule.at.clone()),
        };
        let every_port = protocol.known().is_some_and(|p| p == "-1" || p == "all");
        let port = |value: &Resolved| value.int().filter(|p| (-1..=65535).contains(p));
        let ports = if every_port {
            None
        } else {
            match (self.get(rule, "FromPort"), self.get(rule, "ToPort")) {
                (Some(from), Some(to)) => match (port(&from), port(&to)) {
                    // -1 means every port (ICMP type or code "all").
                    (Some(-1), _) | (_, Some(-1)) => None,
                    (Some(a), Some(b)) => Some(Attr::explicit((a.min(b) as u32, a.max(b) as u32), from.at.clone())),
                    _ => Some(Attr::unresolved(from.at.clone())),
                },
                (Some(from), None) => match port(&from) {
                    Some(-1) => None,
                    Some(a) => Some(Attr::explicit((a as u32, a as u32), from.at.clone())),
                    None => Some(Attr::unresolved(from.at.clone())),
                },
                (None, Some(to)) => match port(&to) {
                    Some(-1) => None,
                    Some(b) => Some(Attr::explicit((b as u32, b as u32), to.at.clone())),
                    None => Some(Attr::unresolved(to.at.clone())),
                },
                (None, None) if rule.is_known() => None,
                (None, None) => Some(Attr::unresolved(rule.at.clone())),
            }
        };
        let mut sources = Vec::new();
        for key in ["CidrIp", "CidrIpv6"] {
            if let Some(cidr) = self.get(rule, key) {
                sources.push(cidr.string_attr());
            }
        }
        // A rule that is itself undecided (`!If` on a deploy-time condition)
        // may open anything.
        if !rule.is_known() {
            sources.push(Attr::unresolved(rule.at.clone()));
        }
        let prefix_lists = self.get(rule, "SourcePrefixListId").map(|id| id.string_attr()).into_iter().collect();
        IngressRule { protocol, ports, sources, prefix_lists, at: rule.at.clone() }
    }

    /// Security group ids: the logical ids of the template's groups, or
    /// literal ids.
    fn group_ids(&self, props: &Resolved<'a>, key: &str) -> Vec<String> {
        self.items(props, key)
            .iter()
            .filter_map(|g| match target_of(g) {
                Target::Local(id) | Target::Literal(id) => Some(id),
                Target::Unknown(_) => None,
            })
            .collect()
    }

    fn db_instance(&mut self, declared: &Declared<'a>) -> Resource {
        let props = &declared.properties;
        let at = &declared.at;
        let publicly_accessible = match self.get(props, "PubliclyAccessible") {
            Some(value) => value.bool_attr(),
            None => {
                self.note(format!(
                    "DB instance {} does not set PubliclyAccessible: AWS then makes it public when its subnets' VPC has an internet gateway, which the template alone does not show.",
                    declared.logical_id
                ));
                Attr::unresolved(at.clone())
            }
        };
        let cluster = self.target(props, "DBClusterIdentifier");
        let storage_encrypted = match self.get(props, "StorageEncrypted") {
            // Aurora instances are encrypted, or not, by their cluster; AWS
            // ignores the instance's own setting. A cluster the template does
            // not create is not judged here.
            _ if cluster.is_some() => match cluster {
                Some(Target::Local(id)) => self.clusters.get(id.as_str()).cloned(),
                _ => None,
            },
            Some(value) => Some(value.bool_attr()),
            // Replicas and restores take their source's encryption.
            None if ["SourceDBInstanceIdentifier", "DBSnapshotIdentifier", "SourceDBClusterIdentifier"]
                .iter()
                .any(|k| self.get(props, k).is_some()) =>
            {
                Some(Attr::unresolved(at.clone()))
            }
            None => Some(Attr::defaulted(false, at.clone())),
        };
        let db = RdsInstance {
            publicly_accessible: Some(publicly_accessible),
            storage_encrypted,
            port: self.get(props, "Port").and_then(|p| p.int()).filter(|p| (1..=65535).contains(p)).map(|p| p as u32),
            engine: self.text(props, "Engine"),
            security_groups: self.group_ids(props, "VPCSecurityGroups"),
        };
        self.resource(declared, "AWS::RDS::DBInstance", "DBInstanceIdentifier", Kind::RdsInstance(db))
    }

    fn redshift(&mut self, declared: &Declared<'a>) -> Resource {
        let props = &declared.properties;
        let at = &declared.at;
        let mut defaulted = Vec::new();
        let publicly_accessible = match self.get(props, "PubliclyAccessible") {
            Some(value) => value.bool_attr(),
            None => {
                defaulted.push("private");
                Attr::defaulted(false, at.clone())
            }
        };
        let encrypted = match self.get(props, "Encrypted") {
            Some(value) => value.bool_attr(),
            None => {
                defaulted.push("encrypted");
                Attr::defaulted(true, at.clone())
            }
        };
        if !defaulted.is_empty() {
            self.note(format!(
                "Redshift cluster {} was taken as {}: AWS's default for clusters created since January 2025.",
                declared.logical_id,
                defaulted.join(" and ")
            ));
        }
        let cluster = RedshiftCluster { publicly_accessible: Some(publicly_accessible), encrypted: Some(encrypted) };
        self.resource(declared, "AWS::Redshift::Cluster", "ClusterIdentifier", Kind::RedshiftCluster(cluster))
    }

    fn domain(&mut self, declared: &Declared<'a>) -> Resource {
        let props = &declared.properties;
        let in_vpc = match self.get(props, "VPCOptions") {
            Some(options) if options.is_known() => {
                let subnets = self.get(&options, "SubnetIds");
                // Subnets named by a deploy-time value still put the domain in a VPC.
                let in_vpc = subnets.is_some_and(|s| !s.is_known() || !self.template.items(&s).is_empty());
                Attr::explicit(in_vpc, options.at.clone())
            }
            Some(options) => Attr::unresolved(options.at.clone()),
            None => Attr::defaulted(false, declared.at.clone()),
        };
        let policy = self.policy(props, "AccessPolicies");
        let domain = SearchDomain { in_vpc: Some(in_vpc), policy };
        self.resource(declared, DOMAIN, "DomainName", Kind::SearchDomain(domain))
    }

    /// An `AWS::Lambda::Permission` as the statement `lambda get-policy`
    /// would show for it.
    fn permission(&self, declared: &Declared<'a>) -> Permission {
        let props = &declared.properties;
        let symbolic = |key: &str| -> Option<Value> {
            let raw = props.known()?.get(key)?;
            self.template.document(raw, props.at.child(key))
        };
        let principal_value = symbolic("Principal");
        let open = match &principal_value {
            Some(Value::String(p)) => p == "*",
            _ => true,
        };
        let principal = match principal_value {
            Some(Value::String(p)) if p == "*" => json!("*"),
            Some(Value::String(p)) if p.ends_with(".amazonaws.com") || p.ends_with(".amazonaws.com.cn") => {
                json!({"Service": p})
            }
            Some(Value::String(p)) => json!({"AWS": p}),
            Some(other) => json!({"AWS": other}),
            // No principal: the statement cannot be judged.
            None => json!({"AWS": null}),
        };
        let mut statement = Map::new();
        statement.insert("Sid".into(), json!(declared.logical_id));
        statement.insert("Effect".into(), json!("Allow"));
        statement.insert("Principal".into(), principal);
        statement.insert("Action".into(), symbolic("Action").unwrap_or_else(|| json!("lambda:InvokeFunction")));
        statement.insert("Resource".into(), json!("*"));
        let mut condition = Map::new();
        let mut add = |operator: &str, key: &str, value: Option<Value>| {
            if let Some(value) = value {
                let entry = condition.entry(operator.to_string()).or_insert_with(|| json!({}));
                if let Some(map) = entry.as_object_mut() {
                    map.insert(key.to_string(), value);
                }
            }
        };
        add("ArnLike", "AWS:SourceArn", symbolic("SourceArn"));
        add("StringEquals", "AWS:SourceAccount", symbolic("SourceAccount"));
        add("StringEquals", "aws:PrincipalOrgID", symbolic("PrincipalOrgID"));
        add("StringEquals", "lambda:FunctionUrlAuthType", symbolic("FunctionUrlAuthType"));
        add("StringEquals", "lambda:EventSourceToken", symbolic("EventSourceToken"));
        if !condition.is_empty() {
            statement.insert("Condition".into(), Value::Object(condition));
        }
        Permission { statement: Value::Object(statement), at: declared.at.clone(), open }
    }
}

fn holder(policy: Option<Attr<PolicyDoc>>) -> Kind {
    Kind::PolicyHolder(PolicyHolder { policy })
}

fn target_of(value: &Resolved) -> Target {
    match &value.outcome {
        Outcome::Reference { target } => Target::Local(target.clone()),
        Outcome::Known(_) => match value.text() {
            Some(text) => Target::Literal(text),
            None => Target::Unknown("it is not a name".to_string()),
        },
        Outcome::Unknown(why) => Target::Unknown(why.clone()),
        Outcome::NoValue => Target::Unknown("AWS::NoValue".to_string()),
    }
}

/// The model type a template type is read as.
fn model_type(template_type: &str) -> &str {
    match template_type {
        "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" => DOMAIN,
        "AWS::Serverless::Function" => FUNCTION,
        other => other,
    }
}

/// The last segment of an ARN or URL (`arn:aws:s3:::b` → `b`).
fn short_name(text: &str) -> String {
    text.rsplit([':', '/']).find(|s| !s.is_empty()).unwrap_or(text).to_string()
}

/// The grants of a canned ACL (`PublicRead`, or the API's `public-read`).
fn canned_acl(canned: &str, at: &Origin) -> Acl {
    let folded: String = canned.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    let grant = |grantee, permission| AclGrant { grantee, permission, at: at.clone() };
    let grants = match folded.as_str() {
        "publicread" => vec![grant(Grantee::AllUsers, AclPermission::Read)],
        "publicreadwrite" => {
            vec![grant(Grantee::AllUsers, AclPermission::Read), grant(Grantee::AllUsers, AclPermission::Write)]
        }
        "authenticatedread" => vec![grant(Grantee::AuthenticatedUsers, AclPermission::Read)],
        "logdeliverywrite" => {
            vec![grant(Grantee::Other, AclPermission::Write), grant(Grantee::Other, AclPermission::ReadAcp)]
        }
        "awsexecread" | "bucketownerread" => vec![grant(Grantee::Other, AclPermission::Read)],
        // Private, BucketOwnerFullControl: only the owner.
        _ => Vec::new(),
    };
    Acl { grants }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_acls_in_both_spellings() {
        let at = Origin::new(0, "/x");
        assert_eq!(canned_acl("PublicRead", &at).grants.len(), 1);
        assert_eq!(canned_acl("public-read-write", &at).grants.len(), 2);
        assert_eq!(canned_acl("AuthenticatedRead", &at).grants[0].grantee, Grantee::AuthenticatedUsers);
        assert!(canned_acl("Private", &at).grants.is_empty());
        assert!(canned_acl("LogDeliveryWrite", &at).grants.iter().all(|g| g.grantee == Grantee::Other));
    }

    #[test]
    fn short_names() {
        assert_eq!(short_name("arn:aws:s3:::bucket"), "bucket");
        assert_eq!(short_name("https://sqs.eu-west-1.amazonaws.com/1/queue"), "queue");
        assert_eq!(short_name("plain"), "plain");
    }
}

//! The resources of one plan or state, indexed so that a resource that
//! configures another (a bucket policy, a security group rule, an IAM member)
//! finds it in constant time: by address, by the references its
//! configuration makes, or by an identifying value such as a bucket name.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::{Map, Value};

use crate::model::Origin;
use crate::sources::Node;

use super::value::Val;

/// A multiply-rotate hasher (as in rustc's FxHash): the keys here are
/// addresses and names from the user's own file, and a plan of tens of
/// thousands of resources spends much of its indexing time in SipHash.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
        for &byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(SEED);
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.write(&[byte]);
    }

    fn write_usize(&mut self, n: usize) {
        self.write(&n.to_le_bytes());
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

/// One resource instance of the plan or state.
pub struct Entry<'a> {
    pub address: &'a str,
    pub type_name: &'a str,
    pub name: &'a str,
    pub data: bool,
    /// The module instance address, such as `module.a["x"]`; empty at the root.
    pub module: &'a str,
    /// The instance key as Terraform prints it (`[0]`, `["x"]`), or empty.
    pub key: String,
    /// The resource object, for evidence about missing attributes.
    pub node: Node<'a>,
    pub values: Val<'a>,
    /// Its block in `configuration`, when the plan has one.
    pub config: Option<&'a Map<String, Value>>,
    /// True when the plan creates it (actions include `create`).
    pub declared: bool,
}

impl<'a> Entry<'a> {
    pub fn attr(&self, key: &str) -> Val<'a> {
        self.values.get(key)
    }

    /// A known, non-null value, read in place without building its origin
    /// (for values that are compared or copied, not blamed).
    pub fn raw(&self, key: &str) -> Option<&'a Value> {
        self.values.known.as_ref()?.value.get(key).filter(|v| !v.is_null())
    }

    /// A string value read in place.
    pub fn text(&self, key: &str) -> Option<&'a str> {
        self.raw(key).and_then(Value::as_str)
    }

    /// True when the value is unknown until apply, read in place.
    pub fn raw_unknown(&self, key: &str) -> bool {
        self.values.unknown.as_ref().is_some_and(|marker| {
            marker.value.as_bool() == Some(true) || marker.value.get(key).and_then(Value::as_bool) == Some(true)
        })
    }

    /// True when the value is set to something: a non-empty string, list
    /// or object, a number or a boolean; or unknown until apply.
    pub fn is_set(&self, key: &str) -> bool {
        let content = match self.raw(key) {
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            Some(Value::Object(o)) => !o.is_empty(),
            Some(_) => true,
            None => false,
        };
        content || self.raw_unknown(key)
    }

    /// An attribute the provider computes when the configuration leaves it
    /// out (the deprecated inline `acl` or `policy` of a bucket, a group's
    /// `ingress` managed by separate rules). Unknown *and* not configured
    /// means "left to the provider and the separate resources": it is read
    /// as absent. Unknown while configured stays unresolved.
    pub fn computed(&self, key: &str) -> Val<'a> {
        match self.config {
            Some(config) if self.raw_unknown(key) && !config.contains_key(key) => {
                Val::new(self.values.known.as_ref().and_then(|n| n.get(key)), None)
            }
            _ => self.values.get(key),
        }
    }

    pub fn at(&self) -> Origin {
        self.node.at.clone()
    }

    /// Where the attributes are (the `values` object), else the resource.
    pub fn values_at(&self) -> Origin {
        self.values.known.as_ref().map(|n| n.at.clone()).unwrap_or_else(|| self.at())
    }

    /// Where an unset attribute is: its `null` when the values list it,
    /// else the resource.
    pub fn unset_at(&self, key: &str) -> Origin {
        match &self.values.known {
            Some(values) if values.has(key) => values.at.child(key),
            _ => self.at(),
        }
    }

    /// User tags (`tags`, or Google's `labels`).
    pub fn tags(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for key in ["tags", "labels"] {
            for (k, v) in self.raw(key).and_then(Value::as_object).into_iter().flatten() {
                if let Some(text) = v.as_str() {
                    out.push((k.clone(), text.to_string()));
                }
            }
        }
        out
    }
}

/// Configuration of one module (`configuration.root_module` or a
/// `module_calls.<name>.module`).
#[derive(Default)]
pub struct ModuleConfig<'a> {
    /// By (data source?, type, name).
    resources: FastMap<(bool, &'a str, &'a str), &'a Map<String, Value>>,
    calls: Option<&'a Map<String, Value>>,
    outputs: Option<&'a Map<String, Value>>,
}

impl<'a> ModuleConfig<'a> {
    /// The configuration block of a resource.
    pub fn resource(&self, data: bool, type_name: &str, name: &str) -> Option<&'a Map<String, Value>> {
        self.resources.get(&(data, type_name, name)).copied()
    }
}

/// The Terraform types an attaching resource may point at, each with the
/// model type it maps to.
pub type Types<'t> = &'t [(&'t str, &'static str)];

/// Where an attaching resource's target is.
pub enum Target {
    /// A resource of this plan, by entry index.
    Entry(usize),
    /// A resource outside the plan, named by this value (a bucket name, a
    /// security group id).
    External(String),
    /// Not known until apply, or not set.
    Unresolved,
}

/// Attribute names by which other resources name a resource of this type
/// (a bucket policy's `bucket`, a rule's `security_group_id`...).
fn identifying(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "aws_s3_bucket" => &["bucket", "id", "arn"],
        "aws_security_group" | "aws_default_security_group" => &["id", "arn"],
        "aws_sqs_queue" => &["id", "url", "arn", "name"],
        "aws_sns_topic" | "aws_secretsmanager_secret" => &["id", "arn", "name"],
        "aws_lambda_function" => &["function_name", "arn", "id"],
        "aws_kms_key" => &["key_id", "id", "arn"],
        "aws_rds_cluster" => &["cluster_identifier", "id", "arn"],
        "aws_ecr_repository" => &["name", "id", "arn"],
        "aws_opensearch_domain" | "aws_elasticsearch_domain" => &["domain_name", "id", "arn"],
        "aws_ebs_snapshot" | "aws_ebs_snapshot_copy" | "aws_ami" | "aws_ami_copy" | "aws_ami_from_instance" => &["id"],
        "google_bigquery_dataset" => &["dataset_id", "id"],
        "google_compute_image" | "google_cloudfunctions_function" => &["name", "id", "self_link"],
        t if t.starts_with("azurerm_") || t.starts_with("google_") => &["name", "id"],
        _ => &[],
    }
}

static NO_EXPRESSIONS: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

/// Reference chains through module variables and outputs are followed this deep.
const MAX_HOPS: usize = 12;

#[derive(Default)]
pub struct Index<'a> {
    pub entries: Vec<Entry<'a>>,
    by_address: FastMap<&'a str, usize>,
    /// Address without the instance key, as (module, data source?, type,
    /// name) → instances.
    by_base: FastMap<(&'a str, bool, &'a str, &'a str), Vec<usize>>,
    /// (type, identifying value) → entry; `None` when several share it.
    by_value: FastMap<(&'a str, &'a str), Option<usize>>,
    /// Configuration by module path without instance keys (`module.a.module.b`).
    modules: FastMap<String, ModuleConfig<'a>>,
    /// (parent module instance, call name) → child module instances.
    children: FastMap<(String, String), Vec<String>>,
    known_modules: FastSet<String>,
}

/// The first token of an address or reference, and the rest after its
/// dot: dots inside an instance key (`a["x.y"]`) do not split.
fn next_token(text: &str) -> (&str, &str) {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in text.char_indices() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                return (text.get(..i).unwrap_or_default(), text.get(i + 1..).unwrap_or_default());
            }
            _ => {}
        }
    }
    (text, "")
}

/// Splits an address or reference at the dots that are not inside an
/// instance key (`module.a["x.y"].aws_s3_bucket.b[0]`).
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let (token, tail) = next_token(rest);
        out.push(token);
        if tail.is_empty() && token.len() == rest.len() {
            return out;
        }
        rest = tail;
    }
}

/// `b[0]` → (`b`, `[0]`).
fn split_key(token: &str) -> (&str, &str) {
    match token.find('[') {
        Some(i) => (token.get(..i).unwrap_or_default(), token.get(i..).unwrap_or_default()),
        None => (token, ""),
    }
}

/// The configuration path of a module instance: `module.a["x"].module.b[0]`
/// → `module.a.module.b`.
fn config_path(module: &str) -> String {
    if module.is_empty() {
        return String::new();
    }
    tokens(module).into_iter().map(|t| split_key(t).0).collect::<Vec<_>>().join(".")
}

/// The parent instance and the last call token: `module.a.module.b[0]` →
/// (`module.a`, `b[0]`).
fn parent_module(module: &str) -> Option<(String, &str)> {
    let parts = tokens(module);
    let (call, rest) = parts.split_last()?;
    let (keyword, parent) = rest.split_last()?;
    if *keyword != "module" {
        return None;
    }
    Some((parent.join("."), call))
}

fn prefixed(module: &str, rest: &str) -> String {
    if module.is_empty() {
        rest.to_string()
    } else {
        format!("{module}.{rest}")
    }
}

/// `0` → `[0]`, `"x"` → `["x"]`, as Terraform prints instance keys.
pub fn render_key(index: Option<&Value>) -> String {
    match index {
        Some(Value::Number(n)) => format!("[{n}]"),
        Some(Value::String(s)) => format!("[{}]", Value::String(s.clone())),
        _ => String::new(),
    }
}

fn references(expression: Option<&Value>) -> impl Iterator<Item = &str> {
    expression
        .and_then(|e| e.get("references"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

impl<'a> Index<'a> {
    /// Reads `configuration.root_module` and its module calls, at any depth.
    pub fn read_configuration(&mut self, root: Option<&'a Value>) {
        let mut stack: Vec<(String, &'a Value)> = root.map(|r| (String::new(), r)).into_iter().collect();
        while let Some((path, module)) = stack.pop() {
            let mut config = ModuleConfig::default();
            for resource in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
                // A resource that sets no argument has no `expressions` at all.
                let expressions = resource.get("expressions").and_then(Value::as_object).unwrap_or(&NO_EXPRESSIONS);
                let text = |key: &str| resource.get(key).and_then(Value::as_str);
                if let (Some(type_name), Some(name)) = (text("type"), text("name")) {
                    config.resources.insert((text("mode") == Some("data"), type_name, name), expressions);
                }
            }
            config.calls = module.get("module_calls").and_then(Value::as_object);
            config.outputs = module.get("outputs").and_then(Value::as_object);
            for (name, call) in config.calls.into_iter().flatten() {
                if let Some(child) = call.get("module") {
                    stack.push((prefixed(&path, &format!("module.{name}")), child));
                }
            }
            self.modules.insert(path, config);
        }
    }

    /// The configuration of a module instance.
    pub fn module_config(&self, module: &str) -> Option<&ModuleConfig<'a>> {
        self.modules.get(&config_path(module))
    }

    /// Room for about `count` resources.
    pub fn reserve(&mut self, count: usize) {
        self.entries.reserve(count);
        self.by_address.reserve(count);
        self.by_base.reserve(count);
    }

    /// Records a module instance seen in the plan or state, and its ancestors.
    pub fn add_module(&mut self, module: &str) {
        let mut current = module.to_string();
        while !self.known_modules.contains(&current) {
            let Some((parent, call)) = parent_module(&current) else { break };
            let call = split_key(call).0.to_string();
            self.known_modules.insert(current.clone());
            self.children.entry((parent.clone(), call)).or_default().push(current);
            current = parent;
        }
    }

    pub fn add(&mut self, entry: Entry<'a>) {
        let at = self.entries.len();
        if self.by_address.contains_key(entry.address) {
            return;
        }
        self.by_address.insert(entry.address, at);
        self.by_base.entry((entry.module, entry.data, entry.type_name, entry.name)).or_default().push(at);
        if !entry.data {
            if let Some(values) = entry.values.known.as_ref().and_then(|n| n.value.as_object()) {
                for key in identifying(entry.type_name) {
                    if let Some(value) = values.get(*key).and_then(Value::as_str).filter(|v| !v.is_empty()) {
                        self.by_value
                            .entry((entry.type_name, value))
                            .and_modify(|slot| {
                                if *slot != Some(at) {
                                    *slot = None
                                }
                            })
                            .or_insert(Some(at));
                    }
                }
            }
        }
        self.entries.push(entry);
    }

    pub fn get(&self, at: usize) -> Option<&Entry<'a>> {
        self.entries.get(at)
    }

    pub fn by_address(&self, address: &str) -> Option<usize> {
        self.by_address.get(address).copied()
    }

    /// A resource of one of the `types` (Terraform type, model type)
    /// identified by `value` (a name, id or ARN).
    pub fn by_value(&self, types: Types, value: &str) -> Option<usize> {
        let mut found = None;
        for (type_name, _) in types {
            match self.by_value.get(&(*type_name, value)) {
                Some(Some(at)) if found.is_none() => found = Some(*at),
                Some(_) => return None,
                None => {}
            }
        }
        found
    }

    /// The resources of `types` that attribute `key` of `entry` refers to
    /// in the configuration.
    pub fn referenced(&self, entry: &Entry<'a>, key: &str, types: Types) -> Vec<usize> {
        let mut out = Vec::new();
        for reference in references(entry.config.and_then(|c| c.get(key))) {
            for at in self.resolve(entry.module, reference, &entry.key, 0) {
                let wanted = self.entries.get(at).is_some_and(|e| types.iter().any(|(t, _)| *t == e.type_name));
                if wanted && !out.contains(&at) {
                    out.push(at);
                }
            }
        }
        out
    }

    /// What a reference made in module instance `module` points at:
    /// resources directly, or through a module variable or output.
    /// `key` is the referring instance's key, for `aws_s3_bucket.b[count.index]`.
    fn resolve(&self, module: &str, reference: &str, key: &str, hops: usize) -> Vec<usize> {
        if hops > MAX_HOPS {
            return Vec::new();
        }
        let (head, rest) = next_token(reference);
        let (second, rest) = next_token(rest);
        let third = next_token(rest).0;
        if second.is_empty() {
            return Vec::new();
        }
        match head {
            "var" => {
                let variable = split_key(second).0;
                let Some((parent, call_token)) = parent_module(module) else { return Vec::new() };
                let (call, call_key) = split_key(call_token);
                let expression = self
                    .modules
                    .get(&config_path(&parent))
                    .and_then(|m| m.calls)
                    .and_then(|calls| calls.get(call))
                    .and_then(|c| c.get("expressions"))
                    .and_then(|e| e.get(variable));
                references(expression).flat_map(|r| self.resolve(&parent, r, call_key, hops + 1)).collect()
            }
            "module" => {
                let (call, call_key) = split_key(second);
                let output = split_key(third).0;
                if output.is_empty() {
                    return Vec::new();
                }
                let instance = if call_key.is_empty() {
                    let instances = self.children.get(&(module.to_string(), call.to_string()));
                    match instances.map(Vec::as_slice) {
                        Some([one]) => one.clone(),
                        Some(_) if !key.is_empty() => prefixed(module, &format!("module.{call}{key}")),
                        _ => return Vec::new(),
                    }
                } else {
                    prefixed(module, &format!("module.{second}"))
                };
                let expression = self
                    .modules
                    .get(&config_path(&instance))
                    .and_then(|m| m.outputs)
                    .and_then(|o| o.get(output))
                    .and_then(|o| o.get("expression"));
                references(expression).flat_map(|r| self.resolve(&instance, r, "", hops + 1)).collect()
            }
            "local" | "count" | "each" | "path" | "terraform" | "self" | "data" => Vec::new(),
            type_name => {
                let (name, own_key) = split_key(second);
                let instance = |key: &str| {
                    let address = prefixed(module, &format!("{type_name}.{name}{key}"));
                    self.by_address(&address).into_iter().collect()
                };
                if !own_key.is_empty() {
                    return instance(own_key);
                }
                match self.by_base.get(&(module, false, type_name, name)).map(Vec::as_slice) {
                    Some([one]) => vec![*one],
                    Some(_) if !key.is_empty() => instance(key),
                    _ => Vec::new(),
                }
            }
        }
    }

    /// The resource of `types` that attribute `key` of `entry` designates:
    /// through the configuration's references first (which work when the
    /// value is unknown until apply), then by the value itself, then (in a
    /// state) through `depends_on`.
    pub fn target(&self, entry: &Entry<'a>, key: &str, types: Types) -> Target {
        if let [one] = self.referenced(entry, key, types).as_slice() {
            return Target::Entry(*one);
        }
        if !entry.raw_unknown(key) {
            if let Some(text) = entry.text(key).map(str::trim).filter(|s| !s.is_empty()) {
                // Google IAM resources accept `b/<name>` for a bucket.
                let text = text.strip_prefix("b/").unwrap_or(text);
                if let Some(at) = self.by_value(types, text) {
                    return Target::Entry(at);
                }
                return self.depends_on(entry, types).map(Target::Entry).unwrap_or(Target::External(text.to_string()));
            }
        }
        self.depends_on(entry, types).map(Target::Entry).unwrap_or(Target::Unresolved)
    }

    /// The one resource of `types` among a state entry's `depends_on`.
    fn depends_on(&self, entry: &Entry<'a>, types: Types) -> Option<usize> {
        let list = entry.node.value.get("depends_on")?.as_array()?;
        let mut found = None;
        for address in list.iter().filter_map(Value::as_str) {
            let Some(at) = self.by_address(address) else { continue };
            if self.entries.get(at).is_some_and(|e| types.iter().any(|(t, _)| *t == e.type_name)) {
                if found.is_some_and(|f| f != at) {
                    return None;
                }
                found = Some(at);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_respect_instance_keys() {
        assert_eq!(
            tokens(r#"module.a["x.y"].aws_s3_bucket.b[0].id"#),
            vec!["module", r#"a["x.y"]"#, "aws_s3_bucket", "b[0]", "id"]
        );
        assert_eq!(config_path(r#"module.a["x"].module.b[0]"#), "module.a.module.b");
        assert_eq!(parent_module("module.a.module.b[0]"), Some(("module.a".to_string(), "b[0]")));
        assert_eq!(parent_module("module.a"), Some((String::new(), "a")));
        assert_eq!(parent_module(""), None);
        assert_eq!(render_key(Some(&serde_json::json!("k"))), r#"["k"]"#);
        assert_eq!(render_key(Some(&serde_json::json!(3))), "[3]");
    }
}

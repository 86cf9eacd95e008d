//! ARM templates (`arm-template`): `resources[]` with `type`, `name`,
//! `apiVersion` and `properties`, child resources nested in `resources` or
//! declared at the top level with a segmented type and name
//! (`account/default/container`), nested deployments with inline templates,
//! and Blueprint artifacts that wrap a template under `properties.template`.

use crate::sources::{Collector, Node};

use super::expr::{Resolve, Scope, Val};
use super::resources::{self, ApiVersion, Defaults, Item, Parent};
use super::types::{self, Family};

/// How deep nested resources and nested deployments may go.
const MAX_NESTING: usize = 32;

/// The template in this document: the document itself, or the template a
/// Blueprint artifact wraps.
pub fn find<'a>(root: &Node<'a>) -> Option<Node<'a>> {
    if is_template(root) {
        return Some(root.clone());
    }
    let template = root.get("properties")?.get("template")?;
    let artifact = root
        .get("type")
        .and_then(|t| t.str())
        .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Blueprint/blueprints/artifacts"))
        || root.get("kind").and_then(|k| k.str()).is_some_and(|k| k.eq_ignore_ascii_case("template"));
    (artifact && is_template(&template)).then_some(template)
}

fn is_template(node: &Node) -> bool {
    let schema = node
        .get("$schema")
        .and_then(|s| s.str())
        .is_some_and(|s| s.to_ascii_lowercase().contains("deploymenttemplate.json"));
    if schema {
        return true;
    }
    let declares = |value: &serde_json::Value| value.get("type").is_some() && value.get("apiVersion").is_some();
    match node.get("resources").map(|r| r.value) {
        Some(serde_json::Value::Array(items)) => items.iter().any(declares),
        // Language version 2.0 templates name their resources.
        Some(serde_json::Value::Object(map)) => map.values().any(declares),
        _ => false,
    }
}

/// A resource as declared, before mapping.
struct Declared<'a> {
    node: Node<'a>,
    scope: usize,
    /// The full type, such as `Microsoft.Storage/storageAccounts/blobServices/containers`.
    full_type: String,
    /// The full name's segments, unresolved parts written `[expression]`.
    segments: Vec<String>,
}

struct Reader<'a> {
    scopes: Vec<Scope<'a>>,
    declared: Vec<Declared<'a>>,
}

/// Splits a name on `/`, except inside `[...]` (unresolved parts).
fn segments(name: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '/' if depth == 0 => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

impl<'a> Reader<'a> {
    fn walk(
        &mut self,
        resources: Option<Node<'a>>,
        scope: usize,
        parent: Option<(&str, &[String])>,
        depth: usize,
        collector: &mut Collector,
    ) {
        let Some(resources) = resources else { return };
        if depth > MAX_NESTING {
            collector.skip(&resources.at, "resources nested too deeply to read");
            return;
        }
        let list: Vec<Node<'a>> = if resources.value.is_object() {
            resources.entries().map(|(_, node)| node).collect()
        } else {
            resources.items().collect()
        };
        for node in list {
            let Some(scope_ref) = self.scopes.get(scope) else { return };
            if !node.value.is_object() {
                collector.skip(&node.at, "not a resource object");
                continue;
            }
            let resource = Val::Node(node.clone());
            if resource.get("condition", scope_ref).and_then(|c| c.bool()) == Some(false) {
                collector.skip(&node.at, "the resource's condition is false, so it is not deployed");
                continue;
            }
            if node.get("existing").and_then(|e| e.bool()) == Some(true) {
                collector.skip(&node.at, "an existing resource, declared elsewhere");
                continue;
            }
            let Some(type_name) = resource.get("type", scope_ref).and_then(|t| t.string()) else {
                collector.skip(&node.at, "the resource type could not be resolved");
                continue;
            };
            if type_name.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
                self.deployment(&node, scope, depth, collector);
                continue;
            }
            let full_type = match parent {
                Some((parent_type, _)) if !types::is_qualified(&type_name) => format!("{parent_type}/{type_name}"),
                _ => type_name,
            };
            let name = match node.get("name") {
                Some(name) => scope_ref.resolve_node(name).render(),
                None => String::new(),
            };
            let mut parts = segments(&name);
            // A nested child names itself relative to its parent.
            let wanted = full_type.split('/').count().saturating_sub(1);
            if let Some((_, parent_segments)) = parent {
                if parts.len() < wanted {
                    let missing = wanted - parts.len();
                    let mut full: Vec<String> = parent_segments.iter().take(missing).cloned().collect();
                    full.append(&mut parts);
                    parts = full;
                }
            }
            self.declared.push(Declared {
                node: node.clone(),
                scope,
                full_type: full_type.clone(),
                segments: parts.clone(),
            });
            self.walk(node.get("resources"), scope, Some((&full_type, &parts)), depth + 1, collector);
        }
    }

    /// A nested deployment: its inline template is read with the outer
    /// template's parameters and variables (the default `outer` scope), or
    /// with its own, given the values the deployment passes (`inner`).
    fn deployment(&mut self, node: &Node<'a>, outer: usize, depth: usize, collector: &mut Collector) {
        let Some(outer_scope) = self.scopes.get(outer) else { return };
        let properties = Val::Node(node.clone()).get("properties", outer_scope);
        let template = match properties.as_ref().and_then(|p| p.get("template", outer_scope)) {
            Some(Val::Node(template)) if template.value.is_object() => template,
            _ => {
                let linked = properties.as_ref().and_then(|p| p.get("templateLink", outer_scope)).is_some();
                let reason = if linked {
                    "a linked template (templateLink) is not in the upload; upload it too"
                } else {
                    "a nested deployment without an inline template"
                };
                collector.skip(&node.at, reason);
                return;
            }
        };
        let inner = properties
            .as_ref()
            .and_then(|p| p.get("expressionEvaluationOptions", outer_scope))
            .and_then(|o| o.get("scope", outer_scope))
            .and_then(|s| s.string())
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        let scope = if inner {
            let mut scope = Scope::new(&template);
            if let Some(Val::Node(given)) = properties.as_ref().and_then(|p| p.get("parameters", outer_scope)) {
                for (name, parameter) in given.entries() {
                    if let Some(value) = parameter.get("value") {
                        scope.supply(name, outer_scope.resolve_node(value));
                    }
                }
            }
            self.scopes.push(scope);
            self.scopes.len() - 1
        } else {
            outer
        };
        self.walk(template.get("resources"), scope, None, depth + 1, collector);
    }
}

/// A provider-relative resource id: `Microsoft.Storage/storageAccounts/acct/blobServices/default/containers/logs`.
/// A name with unresolved parts is only the same resource within one file.
fn resource_id(type_name: &str, segments: &[String], file: usize) -> String {
    let mut types = type_name.split('/');
    let mut out = types.next().unwrap_or_default().to_string();
    for (kind, name) in types.zip(segments) {
        out.push('/');
        out.push_str(kind);
        out.push('/');
        out.push_str(name);
    }
    if segments.iter().any(|s| s.contains('[')) {
        out.push_str(&format!("#file{file}"));
    }
    out
}

/// Reads the template and adds the resources Keyhole audits.
pub fn adapt(template: &Node, collector: &mut Collector) {
    let mut reader = Reader { scopes: vec![Scope::new(template)], declared: Vec::new() };
    if template.get("resources").is_none() {
        collector.note("This template declares no resources.");
    }
    reader.walk(template.get("resources"), 0, None, 0, collector);
    for declared in &reader.declared {
        let Some(scope) = reader.scopes.get(declared.scope) else { continue };
        match types::family(&declared.full_type) {
            Some(family) => map(declared, family, scope, collector),
            None => collector.skip(&declared.node.at, format!("resource type {} is not audited", declared.full_type)),
        }
    }
}

fn map<'a>(declared: &Declared<'a>, family: Family, scope: &Scope<'a>, collector: &mut Collector) {
    let type_name = family.type_name();
    let wanted = type_name.split('/').count().saturating_sub(1);
    if declared.segments.len() != wanted || declared.segments.iter().any(String::is_empty) {
        collector.skip(
            &declared.node.at,
            format!(
                "the name {:?} does not have the {wanted} segments a {type_name} name has",
                declared.segments.join("/")
            ),
        );
        return;
    }
    let r: &dyn Resolve<'a> = scope;
    let resource = Val::Node(declared.node.clone());
    let parent = family.parent().map(|parent_family| {
        // Parents are top-level resources: the first name segment.
        let parent_segments = declared.segments.get(..1).unwrap_or(&[]);
        Parent {
            id: resource_id(parent_family.type_name(), parent_segments, collector.file),
            name: parent_segments.first().cloned().unwrap_or_default(),
        }
    });
    let props = resource
        .get("properties", r)
        .unwrap_or_else(|| Val::Value(serde_json::Value::Object(Default::default()), declared.node.at.clone()));
    let item = Item {
        family,
        id: resource_id(type_name, &declared.segments, collector.file),
        name: declared.segments.last().cloned().unwrap_or_default(),
        parent,
        at: declared.node.at.clone(),
        props: Some(props),
        defaults: Defaults::Template(ApiVersion::read(resource.get("apiVersion", r).as_ref(), &declared.node.at)),
        subscription: None,
        region: resource.get("location", r).and_then(|l| l.string()),
        tags: resources::tags(resource.get("tags", r), r),
    };
    resources::add(&item, r, collector);
}

#[cfg(test)]
mod tests {
    use super::segments;

    #[test]
    fn names_split_outside_unresolved_parts() {
        assert_eq!(segments("acct/default/logs"), ["acct", "default", "logs"]);
        assert_eq!(segments("[parameters('a/b')]/default"), ["[parameters('a/b')]", "default"]);
        assert_eq!(segments(""), [""]);
    }
}

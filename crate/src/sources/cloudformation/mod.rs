//! CloudFormation templates, JSON and YAML (with the short-form intrinsic
//! tags), and `aws cloudformation get-template` output. Recognised by content:
//! a `Resources` map whose entries have an AWS `Type`, or an
//! `AWSTemplateFormatVersion`.
//!
//! A template declares resources that do not exist yet, so what only
//! CloudFormation knows at deploy time (pseudo parameters, imports, attributes
//! of created resources, parameters without defaults) is unresolved, never
//! guessed. Parameters with defaults, mappings and conditions built from them
//! are resolved, and said so in the input's notes.

mod intrinsics;
mod resources;
mod yaml;

use serde_json::Value;

use crate::model::Truth;
use crate::sources::{Collector, Node};

use intrinsics::{Outcome, Resolved, Template};
use resources::{Builder, Declared, SAM_HINT};

pub const FORMAT: &str = "cloudformation";

/// A JSON template, or `get-template` output holding one.
pub fn adapt(root: &Node, collector: &mut Collector) -> Option<&'static str> {
    if is_template(root.value) {
        read(root, collector);
        return Some(FORMAT);
    }
    // `aws cloudformation get-template`: the template is an object when it
    // was written in JSON, and YAML text otherwise.
    let body = root.get("TemplateBody")?;
    match body.value {
        Value::Object(_) if is_template(body.value) => {
            read(&body, collector);
            Some(FORMAT)
        }
        Value::String(text) => {
            let converted = yaml::convert(text).ok()??;
            if !is_template(&converted.value) {
                return None;
            }
            // Inside a string only an inner pointer can name a place.
            let inner = Node::new(&converted.value, body.at.embedded());
            read(&inner, collector);
            Some(FORMAT)
        }
        _ => None,
    }
}

/// A template that is not JSON: YAML, with short-form intrinsic tags.
/// `None` when the text is not a YAML CloudFormation template.
pub fn adapt_yaml(text: &str, collector: &mut Collector) -> Option<Result<&'static str, String>> {
    match yaml::convert(text) {
        Ok(Some(converted)) => {
            if !is_template(&converted.value) {
                return None;
            }
            for (pointer, line, column) in converted.positions {
                collector.position(pointer, line, column);
            }
            let root = Node::new(&converted.value, collector.origin(""));
            read(&root, collector);
            Some(Ok(FORMAT))
        }
        Ok(None) => None,
        Err(error) => {
            // Broken JSON is JSON's error to report; YAML that does not look
            // like a template is no reader's.
            let start = text.trim_start_matches('\u{feff}').trim_start();
            if start.starts_with(['{', '[']) || !looks_like_template(text) {
                return None;
            }
            Some(Err(error.sentence()))
        }
    }
}

/// Whether a document is a CloudFormation template.
fn is_template(value: &Value) -> bool {
    let Some(map) = value.as_object() else { return false };
    if map.contains_key("AWSTemplateFormatVersion") {
        return true;
    }
    let serverless = |t: &Value| t.as_str().is_some_and(|s| s.starts_with("AWS::Serverless"));
    if map.get("Transform").is_some_and(|t| serverless(t) || t.as_array().is_some_and(|a| a.iter().any(serverless))) {
        return true;
    }
    let Some(resources) = map.get("Resources").and_then(Value::as_object) else { return false };
    resources.values().any(|r| {
        r.get("Type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::") || t.starts_with("Alexa::"))
    })
}

/// For YAML that could not be parsed: whether it was meant as a template.
fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || (text.contains("Resources") && text.contains("AWS::"))
}

/// Reads a template's resources into the model.
fn read(root: &Node, collector: &mut Collector) {
    let template = Template::new(root.value);
    let Some(resources) = root.get("Resources") else {
        collector.note("The template declares no resources.");
        return;
    };
    let mut declared = Vec::new();
    let mut notes = Vec::new();
    for (logical_id, node) in resources.entries() {
        let Some(type_name) = node.get("Type").and_then(|t| t.str()) else {
            let reason = if logical_id.starts_with("Fn::ForEach") {
                format!("{logical_id}: loops of the AWS::LanguageExtensions transform are not expanded; audit the processed template (`aws cloudformation get-template --template-stage Processed`)")
            } else {
                format!("resource {logical_id} has no Type")
            };
            collector.skip(&node.at, reason);
            continue;
        };
        if let Some(condition) = node.get("Condition").and_then(|c| c.str()) {
            match template.condition(condition) {
                Truth::Yes => {}
                Truth::No => {
                    notes.push(format!(
                        "{logical_id} is not audited: it is created only when the condition {condition} holds, which is false with the parameters' defaults."
                    ));
                    continue;
                }
                Truth::Unknown => notes.push(format!(
                    "{logical_id} is created only when the condition {condition} holds, which depends on values known at deploy time; it was audited as if created."
                )),
            }
        }
        let properties = match node.get("Properties") {
            Some(properties) => match template.resolve(properties.value, properties.at) {
                Resolved { outcome: Outcome::Unknown(why), at } => {
                    collector
                        .skip(&at, format!("{type_name} {logical_id}: its properties could not be resolved ({why})"));
                    continue;
                }
                resolved => resolved,
            },
            None => Resolved {
                outcome: Outcome::Known(std::borrow::Cow::Owned(Value::Object(Default::default()))),
                at: node.at.child("Properties"),
            },
        };
        declared.push(Declared { logical_id, type_name, at: node.at.clone(), properties });
    }
    let mut builder = Builder::new(&template);
    for resource in declared.iter().filter(|d| d.type_name == "AWS::RDS::DBCluster") {
        builder.cluster(resource);
    }
    let mut configuring = Vec::new();
    for resource in &declared {
        if !builder.declare(resource) {
            configuring.push(resource);
        }
    }
    let mut skipped = Vec::new();
    for resource in configuring {
        if builder.attach(resource) {
            continue;
        }
        let reason = if resource.type_name.starts_with("AWS::Serverless::") {
            format!("{}: {SAM_HINT}", resource.type_name)
        } else if resource.type_name == "AWS::CloudFormation::Stack" {
            "AWS::CloudFormation::Stack: a nested stack; upload its template too".to_string()
        } else {
            format!("{}: no Keyhole rule reads this resource type", resource.type_name)
        };
        skipped.push((resource.at.clone(), reason));
    }
    let (resources, builder_skips, builder_notes) = builder.finish();
    for resource in resources {
        collector.add(resource);
    }
    for (at, reason) in builder_skips.into_iter().chain(skipped) {
        collector.skip(&at, reason);
    }
    let defaults = template.defaults_used.borrow();
    if !defaults.is_empty() {
        let names: Vec<&str> = defaults.iter().map(String::as_str).collect();
        collector.note(format!(
            "Parameters were taken at their default values, as a deployment without overrides would: {}.",
            names.join(", ")
        ));
    }
    for note in notes.into_iter().chain(builder_notes) {
        collector.note(note);
    }
}

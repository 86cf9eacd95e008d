//! Sources: recognise an input by its content and adapt it into the model.
//!
//! Detection never looks at the file name. Each format module says whether a
//! document is its own and, if so, fills the model through a [`Collector`].

pub mod aws;
pub mod azure;
pub mod cloudformation;
pub mod gcp;
mod node;
pub mod terraform;

pub use node::{Doc, Node};

use std::collections::HashSet;

use serde_json::Value;

use crate::decode::Document;
use crate::model::{Gap, Model, Origin, Resource};
use crate::report::Skipped;

/// "an object", "a number"…: a JSON value's type, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// What an adapter writes into while reading one file.
pub struct Collector<'m> {
    pub model: &'m mut Model,
    pub file: usize,
    /// Distinct resources this file described (a bucket seen in ten CLI
    /// outputs of one bundle counts once), plus account-wide records.
    pub resources: usize,
    seen: HashSet<usize>,
    pub skipped: Vec<Skipped>,
    pub notes: Vec<String>,
}

impl<'m> Collector<'m> {
    pub fn new(model: &'m mut Model, file: usize) -> Self {
        Collector { model, file, resources: 0, seen: HashSet::new(), skipped: Vec::new(), notes: Vec::new() }
    }

    pub fn origin(&self, pointer: impl Into<String>) -> Origin {
        Origin::new(self.file, pointer)
    }

    /// Adds (or merges) a resource and counts it for this file.
    pub fn add(&mut self, resource: Resource) {
        let at = self.model.add(resource);
        if self.seen.insert(at) {
            self.resources += 1;
        }
    }

    pub fn skip(&mut self, at: &Origin, reason: impl Into<String>) {
        self.skipped.push(Skipped { pointer: at.pointer.clone(), reason: reason.into() });
    }

    /// The elements of the list of records `key` of `parent`. A list that is null or of
    /// another type (`"SecurityGroups": {…}`) is listed as skipped, never read as empty.
    pub fn records<'a>(&mut self, parent: &Node<'a>, key: &str) -> Vec<Node<'a>> {
        match parent.get_ci(key) {
            Some(list) if list.value.is_array() => list.items().collect(),
            Some(other) => {
                let what = kind(other.value);
                self.skip(&other.at, format!("`{key}` should be a list, but it is {what}: nothing in it was read"));
                Vec::new()
            }
            None => {
                if let Some(at) = parent.null_member(key) {
                    self.skip(&at, format!("`{key}` should be a list, but it is null: nothing in it was read"));
                }
                Vec::new()
            }
        }
    }

    pub fn gap(&mut self, mut gap: Gap) {
        gap.file = Some(self.file);
        self.model.add_gap(gap);
    }

    /// Records where a pointer of this file sits in its text (YAML inputs).
    pub fn position(&mut self, pointer: String, line: usize, column: usize) {
        self.model.positions.entry(self.file).or_default().insert(pointer, (line, column));
    }

    pub fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

/// Recognises the document and adapts it. Returns the format name of
/// report.md, or an error sentence saying what the file seems to be.
pub fn adapt(document: &Document, collector: &mut Collector) -> Result<&'static str, String> {
    match document {
        Document::Single(value) => {
            let root = Node::new(value, collector.origin(""));
            let adapters: [fn(&Node, &mut Collector) -> Option<&'static str>; 5] =
                [aws::adapt, terraform::adapt, cloudformation::adapt, azure::adapt, gcp::adapt];
            for adapt in adapters {
                if let Some(format) = adapt(&root, collector) {
                    return Ok(format);
                }
            }
            Err(unrecognised(
                value,
                aws::cli::anonymous_hint(&root)
                    .or_else(|| gcp::anonymous_hint(&root))
                    .or_else(|| azure::anonymous_hint(&root)),
            ))
        }
        Document::Lines(lines) => {
            if let Some(format) = aws::adapt_lines(lines, collector) {
                return Ok(format);
            }
            if let Some(format) = gcp::adapt_lines(lines, collector) {
                return Ok(format);
            }
            Err("this is a JSON Lines file, but its lines are not records Keyhole reads".to_string())
        }
    }
}

/// An error sentence for a JSON document of no known format, naming what it
/// looks like when that is easy to tell.
fn unrecognised(value: &Value, known: Option<String>) -> String {
    let hint = match value {
        _ if known.is_some() => known.unwrap_or_default(),
        Value::Object(map) => {
            if map.contains_key("dependencies") || map.contains_key("devDependencies") || map.contains_key("scripts") {
                " It looks like an npm package.json.".to_string()
            } else if map.contains_key("apiVersion") && map.contains_key("kind") {
                " It looks like a Kubernetes manifest.".to_string()
            } else if map.is_empty() {
                " It is an empty JSON object.".to_string()
            } else {
                let mut keys: Vec<&str> = map.keys().map(String::as_str).take(5).collect();
                keys.sort_unstable();
                format!(" Its top-level keys are: {}.", keys.join(", "))
            }
        }
        Value::Array(items) if items.is_empty() => " It is an empty JSON array.".to_string(),
        Value::Array(_) => " It is a JSON array of records Keyhole does not recognise.".to_string(),
        _ => " It holds a single JSON value, not a configuration export.".to_string(),
    };
    format!(
        "this JSON is not a configuration export Keyhole reads.{hint} See docs/inputs.md for the commands that produce supported exports."
    )
}

/// Text that is not JSON but may still be an input: a YAML CloudFormation
/// template. `None` when no reader claims it.
pub fn adapt_text(text: &str, collector: &mut Collector) -> Option<Result<&'static str, String>> {
    cloudformation::adapt_yaml(text, collector)
}

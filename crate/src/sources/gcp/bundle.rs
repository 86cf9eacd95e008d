//! The Keyhole GCP export bundle (`gcp-export/1`, docs/gcp-export-bundle.md):
//! raw `gcloud` and `bq` JSON outputs, each with the command that produced
//! it, so outputs that do not name their resource (`get-iam-policy`) can be
//! read, and failed calls are reported as not checked.

use crate::model::Gap;
use crate::sources::{Collector, Node};

use super::asset;
use super::gcloud;
use super::resources::{self, Parts, Place};

pub const MARKER: &str = "gcp-export/1";
pub const FORMAT: &str = "keyhole-gcp-export";

pub fn is_bundle(root: &Node) -> bool {
    root.get("keyhole").and_then(|k| k.str()) == Some(MARKER)
}

/// What Keyhole does with a command's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// A list or describe output that names its resources.
    Listing,
    /// An IAM policy of the resource the parameters name.
    Policy(&'static str),
    /// Cloud Asset Inventory records.
    Assets,
}

/// The commands Keyhole reads, without `gcloud`, as typed.
const COMMANDS: &[(&str, Reader)] = &[
    ("storage buckets list", Reader::Listing),
    ("storage buckets describe", Reader::Listing),
    ("storage buckets get-iam-policy", Reader::Policy(resources::BUCKET)),
    ("sql instances list", Reader::Listing),
    ("sql instances describe", Reader::Listing),
    ("compute firewall-rules list", Reader::Listing),
    ("compute firewall-rules describe", Reader::Listing),
    ("compute images list", Reader::Listing),
    ("compute images describe", Reader::Listing),
    ("compute images get-iam-policy", Reader::Policy(resources::IMAGE)),
    ("functions list", Reader::Listing),
    ("functions describe", Reader::Listing),
    ("functions get-iam-policy", Reader::Policy(resources::FUNCTION)),
    ("bq ls", Reader::Listing),
    ("bq show", Reader::Listing),
    ("bq get-iam-policy", Reader::Policy(resources::DATASET)),
    ("asset list", Reader::Assets),
    ("asset search-all-resources", Reader::Assets),
    ("asset search-all-iam-policies", Reader::Assets),
    ("asset export", Reader::Assets),
];

/// Flags whose value follows as the next word (`--project p`).
const VALUED_FLAGS: &[&str] = &["project", "region", "location", "format", "filter", "project_id", "dataset_id"];

/// One call: the command, and its parameters from `params`, from `project`
/// and `region` beside them, or from the command line itself.
struct Call {
    /// The command words as listed in [`COMMANDS`], or as written when
    /// unknown.
    command: String,
    reader: Option<Reader>,
    /// The first positional argument of a full command line.
    positional: Option<String>,
    /// `--flag value` and `--flag=value` of a full command line.
    flags: Vec<(String, String)>,
}

impl Call {
    fn parse(text: &str) -> Call {
        let mut words: Vec<&str> = text.split_whitespace().collect();
        if words.first() == Some(&"gcloud") {
            words.remove(0);
        }
        if matches!(words.first(), Some(&"alpha" | &"beta")) {
            words.remove(0);
        }
        let found = COMMANDS
            .iter()
            .filter(|(command, _)| {
                let parts: Vec<&str> = command.split(' ').collect();
                words.len() >= parts.len() && words.iter().zip(&parts).all(|(a, b)| a.eq_ignore_ascii_case(b))
            })
            .max_by_key(|(command, _)| command.len());
        let Some(&(command, reader)) = found else {
            return Call { command: words.join(" "), reader: None, positional: None, flags: Vec::new() };
        };
        let rest = words.get(command.split(' ').count()..).unwrap_or_default();
        let mut positional = None;
        let mut flags = Vec::new();
        let mut i = 0;
        while let Some(word) = rest.get(i) {
            if let Some(flag) = word.strip_prefix("--") {
                match flag.split_once('=') {
                    Some((key, value)) => flags.push((key.to_string(), value.to_string())),
                    None if VALUED_FLAGS.contains(&flag) => {
                        if let Some(value) = rest.get(i + 1) {
                            flags.push((flag.to_string(), value.to_string()));
                            i += 1;
                        }
                    }
                    None => {}
                }
            } else if !word.starts_with('-') && positional.is_none() {
                positional = Some(word.to_string());
            }
            i += 1;
        }
        Call { command: command.to_string(), reader: Some(reader), positional, flags }
    }

    fn flag(&self, key: &str) -> Option<String> {
        self.flags.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }
}

/// The bundle's own fields, which every call inherits.
struct Scope {
    project: Option<String>,
}

pub fn adapt(root: &Node, collector: &mut Collector) {
    let scope = Scope { project: root.get("project").and_then(|p| p.string()) };
    let Some(calls) = root.get("calls") else {
        collector.note("The bundle holds no `calls` list, so there was nothing to audit.");
        return;
    };
    for entry in calls.items() {
        adapt_entry(&entry, &scope, collector);
    }
}

fn adapt_entry(entry: &Node, scope: &Scope, collector: &mut Collector) {
    let Some(text) = entry.get("command").and_then(|c| c.str()) else {
        collector.skip(&entry.at, "call without `command`");
        return;
    };
    let call = Call::parse(text);
    let params = entry.get("params");
    let param = |key: &str| -> Option<String> {
        params.as_ref().and_then(|p| p.get_ci(key)).and_then(|v| v.string()).or_else(|| call.flag(key))
    };
    let place = Place {
        project: entry.get("project").and_then(|p| p.string()).or_else(|| param("project")).or(scope.project.clone()),
        region: entry.get("region").and_then(|r| r.string()).or_else(|| param("region")).or_else(|| param("location")),
    };
    let Some(reader) = call.reader else {
        collector.skip(&entry.at, format!("`{}` is not a command Keyhole reads", call.command));
        return;
    };
    let Some(output) = entry.get("output") else {
        match entry.get("error") {
            Some(error) => collector.gap(failure(&call, &error, &param, &place)),
            None => collector.skip(&entry.at, "call with neither `output` nor `error`"),
        }
        return;
    };
    match reader {
        Reader::Listing => {
            if gcloud::adapt_output(&output, &place, collector).is_none() && !is_empty_list(&output) {
                collector
                    .skip(&output.at, format!("the output of `{}` is not in the shape Keyhole expects", call.command));
            }
        }
        Reader::Assets => {
            let records: Vec<Node> = match output.value {
                serde_json::Value::Array(_) => output.items().collect(),
                _ => vec![output.clone()],
            };
            asset::adapt_records(&records, collector);
        }
        Reader::Policy(type_name) => adapt_policy(entry, &call, type_name, &output, &param, &place, collector),
    }
}

fn is_empty_list(output: &Node) -> bool {
    output.value.as_array().is_some_and(Vec::is_empty)
}

/// The resource a `get-iam-policy` call is about, from its parameters (or
/// the command line's positional argument).
fn policy_target(
    call: &Call,
    type_name: &'static str,
    param: &dyn Fn(&str) -> Option<String>,
    place: &Place,
) -> Result<(&'static str, String), String> {
    let positional = || call.positional.clone();
    let project = place.project.as_deref();
    match type_name {
        resources::BUCKET => {
            let bucket = param("bucket").or_else(positional).ok_or("the call does not name its `bucket`")?;
            let name = bucket.trim_start_matches("gs://").trim_end_matches('/');
            Ok((type_name, resources::bucket_id(name)))
        }
        resources::IMAGE => {
            let image = param("image").or_else(positional).ok_or("the call does not name its `image`")?;
            let project = project.ok_or("the call does not say its `project`")?;
            Ok((type_name, resources::image_id(project, &image)))
        }
        resources::DATASET => {
            let dataset = param("dataset").or_else(positional).ok_or("the call does not name its `dataset`")?;
            let (project, dataset) = match dataset.rsplit_once(':') {
                Some((p, d)) => (p.to_string(), d.to_string()),
                None => (project.ok_or("the call does not say its `project`")?.to_string(), dataset.clone()),
            };
            Ok((type_name, resources::dataset_id(&project, &dataset)))
        }
        _ => {
            let function = param("function").or_else(positional).ok_or("the call does not name its `function`")?;
            let gen2 = param("environment").is_some_and(|e| e.eq_ignore_ascii_case("GEN_2"))
                || param("gen2").is_some_and(|g| g == "true");
            let type_name = if gen2 { resources::FUNCTION_GEN2 } else { resources::FUNCTION };
            if function.starts_with("projects/") {
                return Ok((type_name, format!("//cloudfunctions.googleapis.com/{function}")));
            }
            let project = project.ok_or("the call does not say its `project`")?;
            let region = place.region.as_deref().ok_or("the call does not say its `region`")?;
            Ok((type_name, resources::function_id(project, region, &function)))
        }
    }
}

fn adapt_policy(
    entry: &Node,
    call: &Call,
    type_name: &'static str,
    output: &Node,
    param: &dyn Fn(&str) -> Option<String>,
    place: &Place,
    collector: &mut Collector,
) {
    let (type_name, id) = match policy_target(call, type_name, param, place) {
        Ok(target) => target,
        Err(reason) => {
            collector.skip(&entry.at, format!("`{}`: {reason}", call.command));
            return;
        }
    };
    let parts = Parts {
        type_name,
        id: Some(id),
        data: None,
        policy: Some(output.clone()),
        labels: None,
        place: place.clone(),
        at: output.at.clone(),
    };
    match resources::build(parts) {
        Ok(resource) => collector.add(resource),
        Err(reason) => collector.skip(&entry.at, reason),
    }
}

/// The text of an `error`: gcloud's stderr as a string, or an object with a
/// `message` (and `code` or `status`), possibly under `error` as the REST
/// APIs write it.
fn error_text(error: &Node) -> String {
    if let Some(text) = error.str() {
        return text.trim().to_string();
    }
    let inner = error.get("error").unwrap_or_else(|| error.clone());
    let field = |key: &str| inner.get(key).and_then(|v| v.string());
    let parts: Vec<String> = ["status", "code", "message"].iter().filter_map(|k| field(k)).collect();
    parts.join(": ")
}

/// Why the call failed, in words.
fn classify(call: &Call, text: &str) -> &'static str {
    let lower = text.to_ascii_lowercase();
    let disabled =
        ["service_disabled", "has not been used in project", "it is disabled", "api not enabled", "is not enabled"];
    let denied =
        ["permission_denied", "permission denied", "access denied", "does not have", "denied on", "forbidden", "403"];
    if disabled.iter().any(|d| lower.contains(d)) {
        if call.command.starts_with("asset ") {
            "the Cloud Asset API is not enabled in the project"
        } else {
            "the API is not enabled in the project, so the project most likely holds none of these resources"
        }
    } else if denied.iter().any(|d| lower.contains(d)) {
        "permission was denied"
    } else if lower.contains("not_found") || lower.contains("404") || lower.contains("not found") {
        "the resource was not found"
    } else {
        "the call failed"
    }
}

/// A failed call as a gap: what was not checked, why, and how to retry.
fn failure(call: &Call, error: &Node, param: &dyn Fn(&str) -> Option<String>, place: &Place) -> Gap {
    let text = error_text(error);
    let message: String = text.lines().next().unwrap_or_default().chars().take(400).collect();
    let target: Vec<String> = ["bucket", "dataset", "image", "function"]
        .iter()
        .filter_map(|k| param(k))
        .chain(call.positional.clone().filter(|_| call.reader.is_some_and(|r| matches!(r, Reader::Policy(_)))))
        .collect();
    let mut what = call.command.clone();
    if let Some(first) = target.first() {
        what.push_str(&format!(" for {first}"));
    }
    Gap {
        account: place.project.clone(),
        region: place.region.clone(),
        what,
        reason: format!("{}: {message}", classify(call, &text)),
        command: Some(retry_command(call, target.first(), place)),
        file: None,
    }
}

/// The command that repeats a call, for the report's "not checked" list.
fn retry_command(call: &Call, target: Option<&String>, place: &Place) -> String {
    let bq = call.command.starts_with("bq ");
    let mut out = if bq { call.command.clone() } else { format!("gcloud {}", call.command) };
    if bq {
        out.push_str(" --format=prettyjson");
    }
    if let Some(target) = target {
        if call.command.starts_with("storage ") && !target.starts_with("gs://") {
            out.push_str(&format!(" gs://{target}"));
        } else {
            out.push_str(&format!(" {target}"));
        }
    }
    if !bq {
        if let Some(project) = &place.project {
            out.push_str(&format!(" --project={project}"));
        }
        if let (Some(region), true) = (&place.region, call.command.starts_with("functions ")) {
            out.push_str(&format!(" --region={region}"));
        }
        out.push_str(" --format=json");
    }
    out
}

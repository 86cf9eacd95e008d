//! The audit: read every input, build one model, run every rule, report.

use std::collections::HashMap;

use crate::decode::{self, Limits};
use crate::model::{Model, Origin, Resource};
use crate::report::{Evidence, Finding, InputSummary, Report, ResourceRef, Summary, Tool, Unchecked, Verdict, SCHEMA};
use crate::rules::{self, Context, Hit, Rule};
use crate::sources::{self, Collector};
use crate::{sensitive, VERSION};

/// One dropped or named file: its name and its raw bytes.
#[derive(Debug, Clone, Copy)]
pub struct InputFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

#[derive(Debug, Clone)]
pub struct Options {
    pub limits: Limits,
    /// Words in names, tags or labels that suggest personal data.
    pub sensitive_words: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            sensitive_words: sensitive::DEFAULT_WORDS.iter().map(|w| w.to_string()).collect(),
        }
    }
}

/// Audits a set of files as one upload. Never fails: a file that cannot be
/// read gets an error in its `inputs` entry, and the others are audited.
pub fn audit(files: &[InputFile], options: &Options) -> Report {
    let mut model = Model::default();
    let inputs: Vec<InputSummary> =
        files.iter().enumerate().map(|(index, file)| read_input(index, file, options, &mut model)).collect();
    let names: Vec<&str> = files.iter().map(|f| f.name).collect();
    let mut findings = run_rules(&model, options, &names);
    fn first(f: &Finding) -> Option<(&str, &str)> {
        f.evidence.first().map(|e| (e.file.as_str(), e.pointer.as_str()))
    }
    findings.sort_by(|a, b| {
        (a.severity, &a.rule, first(a), &a.resource.id).cmp(&(b.severity, &b.rule, first(b), &b.resource.id))
    });
    let mut summary = Summary::default();
    for finding in &findings {
        summary.count(finding.severity);
    }
    let mut unchecked: Vec<Unchecked> = coverage_gaps(&model)
        .into_iter()
        .chain(model.gaps.iter().cloned())
        .map(|g| Unchecked {
            account: g.account,
            region: g.region,
            what: g.what,
            reason: g.reason,
            command: g.command,
            file: g.file.and_then(|i| names.get(i)).map(|s| s.to_string()),
        })
        .collect();
    unchecked.sort();
    unchecked.dedup();
    Report {
        schema: SCHEMA.to_string(),
        tool: Tool { name: "keyhole".to_string(), version: VERSION.to_string() },
        inputs,
        findings,
        summary,
        unchecked,
    }
}

fn read_input(index: usize, file: &InputFile, options: &Options, model: &mut Model) -> InputSummary {
    let mut summary = InputSummary {
        file: file.name.to_string(),
        format: None,
        resources: 0,
        skipped: Vec::new(),
        error: None,
        notes: Vec::new(),
    };
    // A bug in a reader must cost one file, not the whole upload: natively a
    // panic is caught here. (In wasm a panic aborts; the page restarts its
    // worker and names the file.)
    #[cfg(not(target_arch = "wasm32"))]
    {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_into(index, file, options, model, &mut summary);
        }));
        if outcome.is_err() {
            summary.error = Some(
                "Keyhole hit an internal error while reading this file; the other files were still audited. Please report this file's shape (not its contents) to the Keyhole maintainers."
                    .to_string(),
            );
        }
    }
    #[cfg(target_arch = "wasm32")]
    read_into(index, file, options, model, &mut summary);
    summary
}

fn read_into(index: usize, file: &InputFile, options: &Options, model: &mut Model, summary: &mut InputSummary) {
    let decoded = match decode::decode(file.bytes, &options.limits) {
        Ok(decoded) => decoded,
        Err(error) => {
            summary.error = Some(error.to_string());
            return;
        }
    };
    summary.notes = decoded.notes;
    let mut collector = Collector::new(model, index);
    // Big exports are read record by record; everything else, and anything
    // the streaming reader does not accept, as one document.
    if let Some(format) = sources::aws::stream::adapt(&decoded.text, &mut collector) {
        summary.format = Some(format.to_string());
    } else {
        match decode::parse(&decoded.text) {
            Ok(document) => match sources::adapt(&document, &mut collector) {
                Ok(format) => summary.format = Some(format.to_string()),
                Err(error) => summary.error = Some(error),
            },
            Err(error) => match sources::adapt_text(&decoded.text, &mut collector) {
                Some(Ok(format)) => summary.format = Some(format.to_string()),
                Some(Err(yaml_error)) => summary.error = Some(yaml_error),
                None => summary.error = Some(error.to_string()),
            },
        }
    }
    summary.resources = collector.resources;
    summary.skipped = collector.skipped;
    summary.notes.extend(collector.notes);
}

fn run_rules(model: &Model, options: &Options, names: &[&str]) -> Vec<Finding> {
    let ctx = Context { model };
    let registry = rules::registry();
    let mut findings = Vec::new();
    let mut hits = Vec::new();
    // The rules that read each resource type, found once per type rather
    // than by scanning the registry for every resource.
    let mut by_type: HashMap<&'static str, Vec<&'static dyn Rule>> = HashMap::new();
    for resource in model.resources() {
        let mut sensitive: Option<Vec<String>> = None;
        let rules = by_type.entry(resource.type_name).or_insert_with(|| {
            registry.iter().copied().filter(|r| r.meta().resource_types.contains(&resource.type_name)).collect()
        });
        for rule in rules.iter() {
            rule.check(resource, &ctx, &mut hits);
            if hits.is_empty() {
                continue;
            }
            let words = sensitive.get_or_insert_with(|| sensitive::scan(resource, &options.sensitive_words));
            for hit in hits.drain(..) {
                findings.push(finding(*rule, resource, hit, words, names, model));
            }
        }
    }
    findings
}

fn finding(
    rule: &dyn Rule,
    resource: &Resource,
    hit: Hit,
    sensitive: &[String],
    names: &[&str],
    model: &Model,
) -> Finding {
    let meta = rule.meta();
    let mut severity = hit.severity;
    let mut notes = hit.notes;
    if !sensitive.is_empty() {
        severity = severity.raised();
        notes.push(format!(
            "The name or tags suggest personal data ({}), so the severity was raised one step.",
            sensitive.join(", ")
        ));
    }
    if hit.verdict == Verdict::Unknown {
        notes.push(
            "Keyhole could not decide every layer in front of this resource, so it reports it as unknown, one severity step lower. It is not known to be safe: check the layer named in the evidence."
                .to_string(),
        );
    }
    let evidence = hit.evidence.into_iter().map(|(at, note)| evidence(&at, note, names, model)).collect();
    Finding {
        rule: meta.id.into(),
        severity,
        verdict: hit.verdict,
        title: meta.title.into(),
        message: hit.message,
        resource: ResourceRef {
            provider: serde_json::to_value(resource.provider)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            type_name: resource.type_name.to_string(),
            id: resource.id.clone(),
            name: resource.name.clone(),
            account: resource.account.clone(),
            region: resource.region.clone(),
        },
        evidence,
        sensitive: sensitive.to_vec(),
        remediation: meta.remediation.into(),
        notes,
    }
}

fn evidence(at: &Origin, note: String, names: &[&str], model: &Model) -> Evidence {
    let place = model.position(at.file, &at.pointer);
    Evidence {
        line: place.map(|p| p.0),
        column: place.map(|p| p.1),
        file: names.get(at.file).map(|s| s.to_string()).unwrap_or_default(),
        pointer: at.pointer.clone(),
        inner: at.inner.clone().filter(|i| !i.is_empty()),
        note,
    }
}

/// Layers the upload did not hold, said once per account: today the
/// account-level S3 Block Public Access of accounts that have buckets.
fn coverage_gaps(model: &Model) -> Vec<crate::model::Gap> {
    let mut accounts: Vec<Option<String>> = model
        .resources()
        .iter()
        .filter(|r| r.type_name == sources::aws::s3::BUCKET)
        .filter(|r| model.account_public_access_block(r.account.as_deref()).is_none())
        .map(|r| r.account.clone())
        .collect();
    accounts.sort();
    accounts.dedup();
    accounts
        .into_iter()
        .map(|account| crate::model::Gap {
            command: Some(format!(
                "aws s3control get-public-access-block --account-id {}",
                account.as_deref().unwrap_or("<account id>")
            )),
            account,
            region: None,
            what: "account-level S3 Block Public Access".to_string(),
            reason: "the upload holds no account-level Block Public Access record, so buckets were judged on their own settings".to_string(),
            file: None,
        })
        .collect()
}

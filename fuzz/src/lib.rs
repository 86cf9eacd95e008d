//! What the fuzz targets share: how bytes become input files, and the
//! invariants checked on every report. A failed check panics, and libFuzzer
//! reports the panic as a crash with the input that caused it.
//!
//! `keyhole::audit` catches a panic in a reader and turns it into an input
//! error; under libFuzzer that does not hide it, because libfuzzer-sys
//! installs a panic hook that aborts the process first. The check on the
//! "internal error" sentence below is a second net.

use keyhole::decode::{self, Document, Limits};
use keyhole::policy::{self, PolicyKind};
use keyhole::report::{self, Format, Report};
use keyhole::{audit, InputFile, Options};
use serde_json::Value;

/// Separates files in an `audit_many` input. Seeds are real files joined
/// with it, so mutations keep the multi-file shape.
pub const FILE_SEPARATOR: &[u8] = b"\n--keyhole-fuzz-file--\n";

/// Smaller than the default gzip bound (1 GiB), so that a gzip bomb costs
/// milliseconds rather than the whole RSS budget; the bound itself is
/// tested in tests/decode_inputs.rs.
pub fn limits() -> Limits {
    Limits { max_decompressed: 16 << 20 }
}

fn options() -> Options {
    Options { limits: limits(), ..Options::default() }
}

/// Audits one file and checks the report.
pub fn audit_one(data: &[u8]) {
    audit_files(&[data]);
}

/// Audits the parts of `data` between [`FILE_SEPARATOR`]s as one upload.
pub fn audit_many(data: &[u8]) {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = find(rest, FILE_SEPARATOR) {
        parts.push(&rest[..at]);
        rest = &rest[at + FILE_SEPARATOR.len()..];
    }
    parts.push(rest);
    audit_files(&parts);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn audit_files(parts: &[&[u8]]) {
    // Names are unique so that evidence can be traced back to its file;
    // detection never looks at them.
    let names: Vec<String> = (0..parts.len()).map(|i| format!("input-{i}.json")).collect();
    let files: Vec<InputFile> = parts.iter().zip(&names).map(|(bytes, name)| InputFile { name, bytes }).collect();
    let report = audit(&files, &options());
    check_report(&report, &files);
}

/// Invariants every report must hold, whatever the input.
pub fn check_report(report: &Report, files: &[InputFile]) {
    assert_eq!(report.inputs.len(), files.len(), "one input summary per file");
    for input in &report.inputs {
        let error = input.error.as_deref().unwrap_or_default();
        assert!(!error.contains("internal error"), "a reader panicked on {}: {error}", input.file);
    }
    assert_eq!(report.summary.total(), report.findings.len(), "the summary counts every finding");

    let json = report.to_json();
    let reread: Value = serde_json::from_str(&json).expect("the JSON report is JSON");
    assert!(reread.is_object());
    // Not SARIF: it writes the whole rule catalogue every time, which cost
    // most of each run while testing nothing about the input.
    for format in [Format::Csv, Format::Text] {
        let _ = report::render(report, format);
    }

    // Every evidence pointer resolves in the file it names, when that file
    // is JSON (YAML templates are located by line and column instead).
    let documents: Vec<Option<Value>> = files.iter().map(|f| parsed(f.bytes)).collect();
    for finding in &report.findings {
        for evidence in &finding.evidence {
            let index = files
                .iter()
                .position(|f| f.name == evidence.file)
                .unwrap_or_else(|| panic!("{}: evidence names an unknown file {:?}", finding.rule, evidence.file));
            let Some(document) = &documents[index] else { continue };
            let target = document
                .pointer(&evidence.pointer)
                .unwrap_or_else(|| panic!("{}: pointer {:?} does not resolve", finding.rule, evidence.pointer));
            if let Some(inner) = &evidence.inner {
                let text = target.as_str().unwrap_or_else(|| {
                    panic!("{}: {:?} has an inner pointer but is not text", finding.rule, evidence.pointer)
                });
                // Embedded JSON (a policy string) must hold the inner
                // pointer; an embedded YAML template body is not checked.
                let Ok(embedded) = serde_json::from_str::<Value>(text) else { continue };
                assert!(
                    embedded.pointer(inner).is_some(),
                    "{}: inner pointer {inner:?} does not resolve in {:?}",
                    finding.rule,
                    evidence.pointer
                );
            }
        }
    }
}

/// The file as one JSON value (JSON Lines as the list of its lines, as
/// pointers treat it), or `None` when it is not JSON.
fn parsed(bytes: &[u8]) -> Option<Value> {
    let decoded = decode::decode(bytes, &limits()).ok()?;
    match decode::parse(&decoded.text).ok()? {
        Document::Single(value) => Some(value),
        Document::Lines(lines) => Some(Value::Array(lines)),
    }
}

/// Bytes to text to JSON: never a panic, and errors are placed sensibly.
pub fn decode_and_parse(data: &[u8]) {
    let decoded = match decode::decode(data, &limits()) {
        Ok(decoded) => decoded,
        Err(error) => {
            assert!(!error.message.is_empty(), "a decode error says something");
            return;
        }
    };
    if !decoded.gzipped && decoded.encoding == decode::Encoding::Utf8 {
        assert_eq!(decoded.text.as_bytes(), data, "plain UTF-8 is passed through unchanged");
    }
    if let Err(error) = decode::parse(&decoded.text) {
        assert!(!error.message.is_empty(), "a parse error says something");
        if let (Some(line), Some(column)) = (error.line, error.column) {
            assert!(line >= 1 && column >= 1, "places count from 1: {error}");
            assert!(line <= decoded.text.lines().count().max(1) + 1, "line {line} is past the end: {error}");
        }
    }
}

/// Kinds a policy is evaluated as; the first input byte picks one.
const KINDS: [PolicyKind; 9] = [
    PolicyKind::Resource("s3"),
    PolicyKind::Resource("sqs"),
    PolicyKind::Resource("sns"),
    PolicyKind::Resource("lambda"),
    PolicyKind::Resource("kms"),
    PolicyKind::Resource("ecr"),
    PolicyKind::Resource("secretsmanager"),
    PolicyKind::Resource("es"),
    PolicyKind::Trust,
];

/// Evaluates a policy (first byte: the kind, the rest: the JSON document)
/// and checks what must hold for any policy: every statement verdict points
/// into the document, and neither the order of statements nor a repeated
/// statement changes the verdict.
pub fn evaluate_policy(data: &[u8]) {
    let Some((&selector, json)) = data.split_first() else { return };
    let kind = KINDS[usize::from(selector) % KINDS.len()];
    let Ok(document) = serde_json::from_slice::<Value>(json) else { return };
    let evaluation = policy::evaluate(&document, kind);
    for statement in &evaluation.statements {
        assert!(document.pointer(&statement.pointer).is_some(), "{:?} does not resolve", statement.pointer);
        assert!(!statement.note.is_empty(), "every verdict says why");
    }

    let Some(Value::Array(statements)) = document.get("Statement") else { return };
    let mut reversed = document.clone();
    reversed["Statement"] = Value::Array(statements.iter().rev().cloned().collect());
    assert_eq!(policy::evaluate(&reversed, kind).access, evaluation.access, "statement order changed the verdict");

    if let Some(first) = statements.first() {
        let mut repeated = document.clone();
        let mut with_copy = statements.clone();
        with_copy.push(first.clone());
        repeated["Statement"] = Value::Array(with_copy);
        assert_eq!(
            policy::evaluate(&repeated, kind).access,
            evaluation.access,
            "a repeated statement changed the verdict"
        );
    }
}

/// The streaming AWS reader against the whole-document reader: when the
/// streaming reader takes a file, both must build the same model (resources
/// with their origins, gaps, account settings) and name the same format;
/// when it declines, it must have written nothing, since the engine then
/// reads the same file again into the same model.
pub fn stream_matches_whole(data: &[u8]) {
    use keyhole::model::Model;
    use keyhole::sources::{self, Collector};

    let Ok(decoded) = decode::decode(data, &limits()) else { return };
    let mut streamed = Model::default();
    let streamed_format = {
        let mut collector = Collector::new(&mut streamed, 0);
        sources::aws::stream::adapt(&decoded.text, &mut collector)
    };
    let Some(streamed_format) = streamed_format else {
        assert!(streamed.resources().is_empty(), "the streaming reader declined after adding resources");
        assert!(streamed.gaps.is_empty(), "the streaming reader declined after adding gaps");
        return;
    };
    // The whole parse refuses nesting deeper than 128 levels, where the
    // streaming reader skips just the deep record: nothing to compare then.
    let document = match decode::parse(&decoded.text) {
        Ok(document) => document,
        Err(error) if error.message.contains("nested too deeply") => return,
        Err(error) => panic!("the streaming reader took text the whole parse refuses: {error}"),
    };
    let mut whole = Model::default();
    let whole_format = {
        let mut collector = Collector::new(&mut whole, 0);
        sources::adapt(&document, &mut collector)
    };
    assert_eq!(Ok(streamed_format), whole_format, "the two readers name different formats");
    assert_eq!(format!("{:?}", streamed.resources()), format!("{:?}", whole.resources()), "different resources");
    assert_eq!(format!("{:?}", streamed.gaps), format!("{:?}", whole.gaps), "different gaps");
    assert_eq!(format!("{:?}", streamed.accounts), format!("{:?}", whole.accounts), "different account settings");
}

//! WebAssembly bindings for the page and the npm package: decode the
//! arguments, call the core, encode the result. No rule logic lives here.
//!
//! Every failure reaches JavaScript as a real `Error` (see [`into_error`]).
//! Problems with an input file are not failures: like the CLI, `audit`
//! reports them in `inputs[].error` and still audits the other files.

use js_sys::{Array, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::report::{self, Format, Report};
use crate::{InputFile, Options};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** One file to audit: its name (as shown in the report) and its raw bytes (JSON, JSON Lines, gzip, UTF-16...). */
export interface InputFile { name: string; bytes: Uint8Array | ArrayBuffer }
export type Severity = "critical" | "high" | "medium" | "low" | "info";
export type Verdict = "public" | "exposed" | "weak" | "unknown";
export interface Evidence { file: string; pointer: string; inner?: string; line?: number; column?: number; note: string }
/** Options for `audit`: the words in names and tags that mark personal data (replacing the defaults). */
export interface AuditOptions { sensitiveWords?: string[] }
export interface Finding {
  rule: string; severity: Severity; verdict: Verdict; title: string; message: string;
  resource: { provider: string; type: string; id: string; name: string; account: string | null; region: string | null };
  evidence: Evidence[]; sensitive: string[]; remediation: string; notes?: string[];
}
export interface InputSummary {
  file: string; format: string | null; resources: number;
  skipped: { pointer: string; reason: string }[]; error: string | null; notes?: string[];
}
export interface Unchecked { account: string | null; region: string | null; what: string; reason: string; command: string | null; file: string | null }
/** The report of ../shared/reference/report.md (`keyhole-report/1`). */
export interface Report {
  schema: string; tool: { name: string; version: string }; inputs: InputSummary[]; findings: Finding[];
  summary: Record<Severity, number>; unchecked: Unchecked[];
}
export interface RuleDoc {
  id: string; title: string; provider: string; service: string; resource_types: string[];
  severity: Severity; verdict: Verdict; what: string; why: string;
  fix: { console: string; cli: string; terraform: string }; remediation: string;
  equivalents: { tool: string; id: string; same: boolean }[]; references: string[];
}
export type ReportFormat = "json" | "sarif" | "csv" | "text";
"#;

/// Installs the panic hook: a panic prints its message to the console, and
/// the message is kept in `globalThis.__keyholePanic` so that the caller can
/// turn the resulting `RuntimeError: unreachable` into an `Error` that says
/// what happened.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &JsValue::from_str("__keyholePanic"),
            &JsValue::from_str(&format!("Keyhole hit an internal error: {info}")),
        );
    }));
}

/// The one way a failure reaches JavaScript: a real `Error` carrying the
/// message the CLI would print.
fn into_error(message: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&message.to_string()).into()
}

/// Plain JSON-like values: `null` for `None`, objects (not `Map`s) for maps,
/// numbers for integers.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(into_error)
}

/// The files handed over by JavaScript, copied into wasm memory.
struct OwnedFile {
    name: String,
    bytes: Vec<u8>,
}

fn read_files(files: &JsValue) -> Result<Vec<OwnedFile>, JsValue> {
    if !Array::is_array(files) {
        return Err(into_error("audit expects an array of files, each { name: string, bytes: Uint8Array }"));
    }
    let files: &Array = files.unchecked_ref();
    let mut out = Vec::with_capacity(files.length() as usize);
    for (index, file) in files.iter().enumerate() {
        if !file.is_object() {
            return Err(into_error(format!("file {index}: expected an object {{ name, bytes }}")));
        }
        let name = js_sys::Reflect::get(&file, &JsValue::from_str("name"))?
            .as_string()
            .ok_or_else(|| into_error(format!("file {index}: `name` must be a string")))?;
        let bytes = js_sys::Reflect::get(&file, &JsValue::from_str("bytes"))?;
        let bytes = if let Some(array) = bytes.dyn_ref::<Uint8Array>() {
            array.to_vec()
        } else if bytes.is_instance_of::<js_sys::ArrayBuffer>() {
            Uint8Array::new(&bytes).to_vec()
        } else {
            return Err(into_error(format!("{name}: `bytes` must be a Uint8Array or an ArrayBuffer")));
        };
        out.push(OwnedFile { name, bytes });
    }
    Ok(out)
}

/// `{ sensitiveWords?: string[] }` from JavaScript.
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AuditOptions {
    sensitive_words: Option<Vec<String>>,
}

/// The most a gzip file may expand to in WebAssembly (the CLI allows 1 GB): a
/// wasm32 heap is at most 4 GB, and in the page it shares the tab's memory.
/// docs/inputs.md states it.
const WASM_MAX_DECOMPRESSED: usize = 256 << 20;

fn read_options(options: &JsValue) -> Result<Options, JsValue> {
    let mut out = Options::default();
    out.limits.max_decompressed = WASM_MAX_DECOMPRESSED;
    if options.is_undefined() || options.is_null() {
        return Ok(out);
    }
    // serde-wasm-bindgen reads only the fields it knows: refuse a misspelt
    // option rather than ignore it. (`is_object`, not `dyn_ref`: an object
    // from another realm is not an `instanceof Object` here.)
    if options.is_object() {
        for key in js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if key != "sensitiveWords" {
                return Err(into_error(format!("bad audit options: unknown option `{key}` (expected sensitiveWords)")));
            }
        }
    }
    let parsed: AuditOptions =
        serde_wasm_bindgen::from_value(options.clone()).map_err(|e| into_error(format!("bad audit options: {e}")))?;
    if let Some(words) = parsed.sensitive_words {
        // As the CLI's --sensitive-words does.
        out.sensitive_words = words.into_iter().map(|w| w.trim().to_string()).filter(|w| !w.is_empty()).collect();
    }
    Ok(out)
}

fn run_audit(files: &JsValue, options: &JsValue) -> Result<Report, JsValue> {
    let owned = read_files(files)?;
    let options = read_options(options)?;
    let inputs: Vec<InputFile<'_>> = owned.iter().map(|f| InputFile { name: &f.name, bytes: &f.bytes }).collect();
    Ok(crate::audit(&inputs, &options))
}

fn parse_format(format: &str) -> Result<Format, JsValue> {
    Format::parse(format)
        .ok_or_else(|| into_error(format!("unknown format '{format}': expected json, sarif, csv or text")))
}

/// Audits the files and returns the report object.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn audit(
    #[wasm_bindgen(unchecked_param_type = "InputFile[]")] files: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AuditOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    to_js(&run_audit(&files, &options)?)
}

/// Audits the files and returns the report as compact JSON text. For big
/// reports, `JSON.parse(auditJson(files))` is several times faster than
/// `audit(files)`.
#[wasm_bindgen(js_name = auditJson)]
pub fn audit_json(
    #[wasm_bindgen(unchecked_param_type = "InputFile[]")] files: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AuditOptions | undefined")] options: JsValue,
) -> Result<String, JsValue> {
    serde_json::to_string(&run_audit(&files, &options)?).map_err(into_error)
}

/// `docs/rules.md`: every rule's documentation as Markdown, as
/// `keyhole rules --format markdown` prints it.
#[wasm_bindgen(js_name = rulesMarkdown)]
pub fn rules_markdown() -> String {
    crate::rules::docs_markdown()
}

/// One rule's documentation as Markdown, as `keyhole explain RULE` prints
/// it; `undefined` when there is no such rule.
#[wasm_bindgen]
pub fn explain(id: &str) -> Option<String> {
    crate::rules::find(id).map(|rule| crate::rules::RuleDoc::from(rule.meta()).to_markdown())
}

/// The documentation of every rule.
#[wasm_bindgen(unchecked_return_type = "RuleDoc[]")]
pub fn rules() -> Result<JsValue, JsValue> {
    to_js(&crate::rules::catalogue())
}

/// Keyhole's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// Renders a report object (as returned by `audit`) as json, sarif, csv or
/// text: the same bytes as `keyhole audit --format <format>`.
#[wasm_bindgen]
pub fn render(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ReportFormat")] format: &str,
) -> Result<String, JsValue> {
    let format = parse_format(format)?;
    let report: Report =
        serde_wasm_bindgen::from_value(report).map_err(|e| into_error(format!("not a Keyhole report: {e}")))?;
    Ok(report::render(&report, format))
}

/// Like `render`, for a report given as JSON text (what `auditJson` returns).
#[wasm_bindgen(js_name = renderJson)]
pub fn render_json(
    report_json: &str,
    #[wasm_bindgen(unchecked_param_type = "ReportFormat")] format: &str,
) -> Result<String, JsValue> {
    let format = parse_format(format)?;
    let report: Report =
        serde_json::from_str(report_json).map_err(|e| into_error(format!("not a Keyhole report: {e}")))?;
    Ok(report::render(&report, format))
}

// The bindings, tested in wasm itself (Node runs them through
// wasm-bindgen-test-runner; see scripts/test-web.sh). The page's end-to-end
// tests cover them again in Chromium.
#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    const SNAPSHOT: &str = r#"{"fileVersion":"1.0","configurationItems":[{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","resourceName":"rdp","awsAccountId":"123456789012","awsRegion":"ap-southeast-2","ARN":"arn:aws:ec2:ap-southeast-2:123456789012:security-group/sg-1","tags":{},"configuration":{"groupName":"rdp","groupId":"sg-1","ipPermissions":[{"ipProtocol":"tcp","fromPort":3389,"toPort":3389,"ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}],"ipRanges":["0.0.0.0/0"],"ipv6Ranges":[],"prefixListIds":[],"userIdGroupPairs":[]}]},"supplementaryConfiguration":{}}]}"#;

    fn file(name: &str, bytes: &[u8]) -> JsValue {
        let obj = js_sys::Object::new();
        js_sys::Reflect::set(&obj, &"name".into(), &name.into()).unwrap();
        js_sys::Reflect::set(&obj, &"bytes".into(), &Uint8Array::from(bytes).into()).unwrap();
        obj.into()
    }

    fn files(list: &[(&str, &[u8])]) -> JsValue {
        list.iter().map(|(n, b)| file(n, b)).collect::<Array>().into()
    }

    fn message(err: JsValue) -> String {
        assert!(err.is_instance_of::<js_sys::Error>(), "not an Error: {err:?}");
        String::from(err.unchecked_into::<js_sys::Error>().message())
    }

    #[wasm_bindgen_test]
    fn audit_matches_the_core() {
        let input = files(&[("sg.json", SNAPSHOT.as_bytes())]);
        let expected = crate::audit(&[InputFile { name: "sg.json", bytes: SNAPSHOT.as_bytes() }], &Options::default());
        let object: Report = serde_wasm_bindgen::from_value(audit(input.clone(), JsValue::UNDEFINED).unwrap()).unwrap();
        assert_eq!(object, expected);
        let text: Report = serde_json::from_str(&audit_json(input, JsValue::UNDEFINED).unwrap()).unwrap();
        assert_eq!(text, expected);
        assert!(!expected.findings.is_empty());
    }

    #[wasm_bindgen_test]
    fn the_report_object_is_plain_json() {
        let report = audit(files(&[("sg.json", SNAPSHOT.as_bytes())]), JsValue::UNDEFINED).unwrap();
        // Plain objects and null, not Maps and undefined: JSON.stringify round-trips it.
        let json = String::from(js_sys::JSON::stringify(&report).unwrap());
        let parsed: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            audit_json(files(&[("sg.json", SNAPSHOT.as_bytes())]), JsValue::UNDEFINED).unwrap()
        );
        let inputs = js_sys::Reflect::get(&report, &"inputs".into()).unwrap();
        let first = js_sys::Reflect::get(&inputs, &0.into()).unwrap();
        assert!(js_sys::Reflect::get(&first, &"error".into()).unwrap().is_null());
    }

    #[wasm_bindgen_test]
    fn an_unreadable_file_is_reported_not_thrown() {
        let report: Report = serde_wasm_bindgen::from_value(
            audit(files(&[("bad.json", b"{ nope"), ("sg.json", SNAPSHOT.as_bytes())]), JsValue::UNDEFINED).unwrap(),
        )
        .unwrap();
        assert!(report.inputs[0].error.is_some());
        assert!(report.inputs[1].error.is_none());
        assert!(!report.findings.is_empty());
    }

    #[wasm_bindgen_test]
    fn array_buffers_are_accepted() {
        let obj = js_sys::Object::new();
        js_sys::Reflect::set(&obj, &"name".into(), &"sg.json".into()).unwrap();
        js_sys::Reflect::set(&obj, &"bytes".into(), &Uint8Array::from(SNAPSHOT.as_bytes()).buffer().into()).unwrap();
        let report: Report =
            serde_json::from_str(&audit_json(Array::of1(&obj).into(), JsValue::UNDEFINED).unwrap()).unwrap();
        assert!(!report.findings.is_empty());
    }

    #[wasm_bindgen_test]
    fn bad_arguments_throw_errors() {
        assert!(
            message(audit(JsValue::from_str("sg.json"), JsValue::UNDEFINED).unwrap_err()).contains("array of files")
        );
        assert!(message(audit(Array::of1(&JsValue::NULL).into(), JsValue::UNDEFINED).unwrap_err()).contains("file 0"));
        let no_bytes = js_sys::Object::new();
        js_sys::Reflect::set(&no_bytes, &"name".into(), &"x.json".into()).unwrap();
        assert!(
            message(audit(Array::of1(&no_bytes).into(), JsValue::UNDEFINED).unwrap_err()).contains("x.json: `bytes`")
        );
    }

    #[wasm_bindgen_test]
    fn render_gives_the_cli_formats() {
        let bytes = SNAPSHOT.as_bytes();
        let report = crate::audit(&[InputFile { name: "sg.json", bytes }], &Options::default());
        let object = audit(files(&[("sg.json", bytes)]), JsValue::UNDEFINED).unwrap();
        let json = audit_json(files(&[("sg.json", bytes)]), JsValue::UNDEFINED).unwrap();
        for name in ["json", "sarif", "csv", "text"] {
            let format = Format::parse(name).unwrap();
            assert_eq!(render(object.clone(), name).unwrap(), report::render(&report, format));
            assert_eq!(render_json(&json, name).unwrap(), report::render(&report, format));
        }
        assert!(message(render(object, "xml").unwrap_err()).contains("unknown format 'xml'"));
        assert!(message(render(JsValue::from_str("nope"), "json").unwrap_err()).starts_with("not a Keyhole report"));
        assert!(message(render_json("{}", "json").unwrap_err()).starts_with("not a Keyhole report"));
    }

    #[wasm_bindgen_test]
    fn rules_and_version() {
        let rules = rules().unwrap();
        let list: Vec<crate::rules::RuleDoc> = serde_wasm_bindgen::from_value(rules).unwrap();
        assert_eq!(list, crate::rules::catalogue());
        assert_eq!(version(), crate::VERSION);
    }

    #[wasm_bindgen_test]
    fn options_and_rule_docs() {
        let bytes = SNAPSHOT.as_bytes();
        let words = vec!["web".to_string()];
        let expected = crate::audit(
            &[InputFile { name: "sg.json", bytes }],
            &Options { sensitive_words: words.clone(), ..Options::default() },
        );
        let options = js_sys::Object::new();
        let list = Array::new();
        list.push(&"web".into());
        js_sys::Reflect::set(&options, &"sensitiveWords".into(), &list).unwrap();
        let got: Report =
            serde_json::from_str(&audit_json(files(&[("sg.json", bytes)]), options.into()).unwrap()).unwrap();
        assert_eq!(got, expected);
        let bad = js_sys::Object::new();
        js_sys::Reflect::set(&bad, &"colour".into(), &true.into()).unwrap();
        assert!(message(audit(files(&[("sg.json", bytes)]), bad.into()).unwrap_err()).starts_with("bad audit options"));
        assert_eq!(rules_markdown(), crate::rules::docs_markdown());
        assert!(explain("aws-s3-bucket-public-acl").unwrap().contains("### What it does"));
        assert_eq!(explain("nope"), None);
    }
}

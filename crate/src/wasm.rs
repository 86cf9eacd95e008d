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
export interface Evidence { file: string; pointer: string; inner?: string; note: string }
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
pub fn start() {
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
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(into_error)
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

fn run_audit(files: &JsValue) -> Result<Report, JsValue> {
    let owned = read_files(files)?;
    let inputs: Vec<InputFile<'_>> = owned.iter().map(|f| InputFile { name: &f.name, bytes: &f.bytes }).collect();
    Ok(crate::audit(&inputs, &Options::default()))
}

fn parse_format(format: &str) -> Result<Format, JsValue> {
    Format::parse(format)
        .ok_or_else(|| into_error(format!("unknown format '{format}': expected json, sarif, csv or text")))
}

/// Audits the files and returns the report object.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn audit(#[wasm_bindgen(unchecked_param_type = "InputFile[]")] files: JsValue) -> Result<JsValue, JsValue> {
    to_js(&run_audit(&files)?)
}

/// Audits the files and returns the report as compact JSON text. For big
/// reports, `JSON.parse(auditJson(files))` is several times faster than
/// `audit(files)`.
#[wasm_bindgen(js_name = auditJson)]
pub fn audit_json(#[wasm_bindgen(unchecked_param_type = "InputFile[]")] files: JsValue) -> Result<String, JsValue> {
    serde_json::to_string(&run_audit(&files)?).map_err(into_error)
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
    let report: Report = serde_wasm_bindgen::from_value(report)
        .map_err(|e| into_error(format!("not a Keyhole report: {e}")))?;
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

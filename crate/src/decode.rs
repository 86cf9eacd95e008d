//! Bytes to JSON documents: the front door for every input file.
//!
//! Two steps, both of which turn any bad input into an [`InputError`] with a sentence a
//! non-expert can act on, and never panic (a panic in wasm kills the page):
//!
//! 1. [`decode`]: bytes to text. Recognises gzip by its magic bytes (whatever the file is
//!    called) and decompresses it with a hard size bound; reads UTF-8 with or without a byte
//!    order mark and UTF-16 in either byte order, with or without one (Windows PowerShell 5.1
//!    writes UTF-16LE); recognises common binary formats (ZIP, PNG, PDF…) and says so.
//! 2. [`parse`]: text to JSON, either one document or JSON Lines (one value per line, as
//!    `gcloud asset export` writes). Errors name the line and column, counted in characters
//!    from 1, as text editors show them.
//!
//! Nothing here allocates more than a small multiple of the input: the text is copied once
//! (not at all after gzip) and a single document that parses fine is parsed once.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::borrow::Cow;
use std::fmt;
use std::io::{ErrorKind, Read};

use serde_json::Value;

use crate::lean::LeanValue;

/// How the bytes were turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest decompressed size accepted from a gzip file, in bytes.
    pub max_decompressed: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_decompressed: 1 << 30 }
    }
}

/// Decoded text and what was done to get it.
/// The text borrows the input when it is plain UTF-8, so a big file is not
/// copied.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    pub gzipped: bool,
    /// Sentences for the user, such as "decoded as UTF-16LE text (Windows PowerShell)".
    pub notes: Vec<String>,
}

/// A failure with the place it happened, when known. `message` is a full sentence
/// a non-expert can act on, without the file name (the caller adds it).
///
/// `message` does not repeat the place; [`fmt::Display`] puts it in front:
/// `line 3, column 17: this is not UTF-8 text: …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub message: String,
    /// 1-based line and column in the decoded text.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl InputError {
    /// An error with no place (about the file as a whole).
    pub fn new(message: impl Into<String>) -> Self {
        InputError { message: message.into(), line: None, column: None }
    }

    /// An error at a 1-based line and column.
    pub fn at(message: impl Into<String>, line: usize, column: usize) -> Self {
        InputError { message: message.into(), line: Some(line), column: Some(column) }
    }

    /// An error at a byte offset of `text`, converted to line and (character) column.
    fn at_offset(message: impl Into<String>, text: &str, offset: usize) -> Self {
        let (line, column) = place(text, offset);
        Self::at(message, line, column)
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line}, column {column}: {}", self.message),
            (Some(line), None) => write!(f, "line {line}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// A parsed input: one JSON document, or JSON Lines (each non-empty line a document;
/// pointers into a JSON Lines file treat it as an array of its non-empty lines).
///
/// Objects are read into `serde_json` maps, which keep keys sorted (not in file order). When an
/// object repeats a key, **the last value wins**, silently: `{"a": 1, "a": 2}` reads as
/// `{"a": 2}`, as in JavaScript's `JSON.parse`.
#[derive(Debug)]
pub enum Document {
    Single(Value),
    Lines(Vec<Value>),
}

const MB: usize = 1 << 20;
/// How many gzip layers are unwrapped (a `.gz` of a `.gz` happens; deeper is refused).
const MAX_GZIP_LAYERS: usize = 2;
/// How much of the start of a file the encoding and binary checks look at.
const SNIFF: usize = 4096;
/// `serde_json`'s recursion limit, kept: it turns deep nesting into an error, not a stack overflow.
const MAX_DEPTH: usize = 128;

/// Turns the bytes of a file into text: gunzips (bounded by `limits.max_decompressed`), then
/// reads UTF-8 (a byte order mark is dropped) or UTF-16 (little- or big-endian, with a byte order
/// mark or recognised by its zero bytes). Refuses empty files, binary files and text in other
/// encodings with a sentence that says what the file seems to be.
pub fn decode<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Decoded<'a>, InputError> {
    if bytes.is_empty() {
        return Err(InputError::new("the file is empty"));
    }
    let mut notes = Vec::new();
    let mut data = Cow::Borrowed(bytes);
    let mut layers = 0;
    while is_gzip(&data) {
        if layers == MAX_GZIP_LAYERS {
            return Err(InputError::new(format!(
                "this file is gzip-compressed more than {MAX_GZIP_LAYERS} times over; decompress it and try again"
            )));
        }
        let Gunzipped { data: inflated, members, zero_padding } = gunzip(&data, limits.max_decompressed)?;
        if inflated.is_empty() {
            return Err(InputError::new("the file is empty: it is a gzip file with nothing inside"));
        }
        notes.push(if layers == 0 {
            format!(
                "The file was gzip-compressed; Keyhole decompressed it ({} became {}).",
                size(data.len()),
                size(inflated.len())
            )
        } else {
            "It was gzip-compressed twice over; Keyhole decompressed it again.".to_owned()
        });
        if members > 1 {
            notes.push(format!(
                "The gzip file holds {members} compressed parts joined together; Keyhole read them all."
            ));
        }
        if zero_padding > 0 {
            notes.push(format!(
                "The gzip file ends with {} of zero padding after its content; Keyhole ignored it.",
                size(zero_padding)
            ));
        }
        data = Cow::Owned(inflated);
        layers += 1;
    }
    let gzipped = layers > 0;

    if let Some(kind) = binary_kind(&data) {
        return Err(not_text(gzipped, &format!("it looks like {kind}")));
    }

    let (text, encoding) = match data.get(..4).unwrap_or(&data) {
        [0xFF, 0xFE, 0, 0] | [0, 0, 0xFE, 0xFF] => {
            return Err(InputError::new(
                "this is UTF-32 text, which Keyhole does not read; save it as UTF-8 and try again",
            ))
        }
        [0xEF, 0xBB, 0xBF, ..] => {
            notes.push(
                "The text starts with a UTF-8 byte order mark (as Windows tools write); Keyhole ignored it.".to_owned(),
            );
            (utf8_text(data, 3, gzipped)?, Encoding::Utf8Bom)
        }
        [0xFF, 0xFE, ..] => {
            notes.push("Decoded as UTF-16LE text, as Windows PowerShell writes it.".to_owned());
            (Cow::Owned(utf16_text(data.get(2..).unwrap_or_default(), 2, false)?), Encoding::Utf16Le)
        }
        [0xFE, 0xFF, ..] => {
            notes.push("Decoded as UTF-16BE text.".to_owned());
            (Cow::Owned(utf16_text(data.get(2..).unwrap_or_default(), 2, true)?), Encoding::Utf16Be)
        }
        _ => {
            let head = data.get(..SNIFF).unwrap_or(&data);
            if head.contains(&0) {
                match utf16_without_bom(head) {
                    Some(big_endian) => {
                        let (name, encoding) =
                            if big_endian { ("UTF-16BE", Encoding::Utf16Be) } else { ("UTF-16LE", Encoding::Utf16Le) };
                        notes.push(format!(
                            "Decoded as {name} text (it has no byte order mark; Keyhole recognised it by its zero \
                             bytes)."
                        ));
                        (Cow::Owned(utf16_text(&data, 0, big_endian)?), encoding)
                    }
                    None => {
                        return Err(not_text(gzipped, "it contains zero bytes, as binary files do"));
                    }
                }
            } else {
                (utf8_text(data, 0, gzipped)?, Encoding::Utf8)
            }
        }
    };
    Ok(Decoded { text, encoding, gzipped, notes })
}

/// Parses decoded text as one JSON document or as JSON Lines.
///
/// JSON Lines is recognised when a complete value fills the first non-empty line and more text
/// follows on later lines; then each non-empty line must be one JSON value, and an error names
/// the bad line. A single document that parses is parsed once, however large.
///
/// The top level must be an object or a list. Nesting 128 levels deep or more is refused
/// (serde_json's recursion limit, kept so that deep input cannot overflow the stack).
/// Duplicate keys: the last value wins (see [`Document`]).
pub fn parse(text: &str) -> Result<Document, InputError> {
    // A byte order mark can reach here when the text did not come through `decode`.
    let base = if text.starts_with('\u{FEFF}') { '\u{FEFF}'.len_utf8() } else { 0 };
    let body = text.get(base..).unwrap_or_default();
    let Some(first) = body.find(|c| !is_json_space(c)).map(|i| i + base) else {
        return Err(InputError::new(if body.is_empty() {
            "the file is empty"
        } else {
            "the file is empty: it holds only blank space"
        }));
    };
    let first_char = text.get(first..).and_then(|s| s.chars().next()).unwrap_or(' ');
    if first_char != '{' && first_char != '[' {
        return Err(not_json(text, first));
    }

    // One pass: the first value, then a look at what follows it.
    let rest = text.get(first..).unwrap_or_default();
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<LeanValue>();
    let value = match stream.next() {
        Some(Ok(LeanValue(value))) => value,
        Some(Err(err)) => return Err(json_error(text, first, &err, Context::Document)),
        None => return Err(InputError::new("the file is empty")),
    };
    let end = first.saturating_add(stream.byte_offset());
    let after = text.get(end..).unwrap_or_default();
    let Some(next) = after.find(|c| !is_json_space(c)).map(|i| i + end) else {
        return Ok(Document::Single(value));
    };

    // More text follows. JSON Lines if the first value sat alone on its line.
    let first_value = text.get(first..end).unwrap_or_default();
    let line_break = text.get(end..next).and_then(|gap| gap.find('\n')).map(|i| i + end);
    match line_break {
        Some(line_break) if !first_value.contains('\n') => {
            let mut values = vec![value];
            parse_lines(text, line_break.saturating_add(1), &mut values)?;
            Ok(Document::Lines(values))
        }
        _ => Err(InputError::at_offset(
            format!(
                "there is more text after the end of the JSON document (starting with {}); the file may hold several \
                 documents glued together, or stray characters at the end",
                snippet(text, next)
            ),
            text,
            next,
        )),
    }
}

/// Parses each non-empty line of `text` from byte `start` on as one JSON value.
fn parse_lines(text: &str, start: usize, values: &mut Vec<Value>) -> Result<(), InputError> {
    let mut offset = start;
    for line in text.get(start..).unwrap_or_default().split('\n') {
        if let Some(first) = line.find(|c| !is_json_space(c)) {
            match serde_json::from_str::<Value>(line) {
                Ok(value) => values.push(value),
                // Only one value so far and then no value at all: rather a document with trailing text.
                Err(_) if values.len() == 1 && !line.get(first..).is_some_and(|s| s.starts_with(['{', '['])) => {
                    let next = offset.saturating_add(first);
                    return Err(InputError::at_offset(
                        format!(
                            "there is more text after the end of the JSON document (starting with {})",
                            snippet(text, next)
                        ),
                        text,
                        next,
                    ));
                }
                Err(err) => return Err(json_error(text, offset, &err, Context::Line)),
            }
        }
        offset = offset.saturating_add(line.len()).saturating_add(1);
    }
    Ok(())
}

/// Where a `serde_json` error happened: the whole document, or one line of JSON Lines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Document,
    Line,
}

/// Maps a `serde_json` error in the slice of `text` starting at byte `base` to an [`InputError`]
/// placed in `text`. Never shows `serde_json`'s own wording unless nothing better is known.
fn json_error(text: &str, base: usize, err: &serde_json::Error, context: Context) -> InputError {
    let slice = text.get(base..).unwrap_or_default();
    // serde_json's column is the 1-based byte column of the offending byte (0: just after a newline).
    let offset = base
        .saturating_add(line_start(slice, err.line()))
        .saturating_add(err.column().saturating_sub(1))
        .min(text.len());
    let raw = err.to_string();
    let code = raw.rfind(" at line ").and_then(|i| raw.get(..i)).unwrap_or(&raw);
    let found = snippet(text, offset);
    let cut_off = "the file may be cut off (an incomplete download or copy?)";

    let detail = match err.classify() {
        serde_json::error::Category::Eof if code.contains("string") => {
            format!("the JSON ends inside a text value (a missing closing quote?); {cut_off}")
        }
        serde_json::error::Category::Eof => match context {
            Context::Document => format!("the JSON ends early: {cut_off}"),
            Context::Line => format!("this line ends before its JSON value is complete: {cut_off}"),
        },
        serde_json::error::Category::Io => "the JSON could not be read".to_owned(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Data => {
            syntax_message(text, offset, code, &found, context)
        }
    };
    let message = match context {
        Context::Document => detail,
        Context::Line => format!("this JSON Lines file (one JSON value per line) has a bad line: {detail}"),
    };
    InputError::at_offset(message, text, offset)
}

/// A sentence for a `serde_json` syntax error `code`, with `here` the text at the error.
fn syntax_message(text: &str, offset: usize, code: &str, found: &str, context: Context) -> String {
    let here = text.get(floor_boundary(text, offset)..).unwrap_or_default();
    let non_finite = |word: &str| {
        format!(
            "`{word}` is not valid JSON: the program that wrote this file produced a number JSON cannot hold (it \
             should be written as null or a string)"
        )
    };
    if here.starts_with("NaN") {
        return non_finite("NaN");
    }
    if here.starts_with("Infinity") || here.starts_with("-Infinity") {
        return non_finite("Infinity");
    }
    if here.starts_with("//") || here.starts_with("/*") {
        return "JSON does not allow comments".to_owned();
    }
    match code {
        "recursion limit exceeded" => {
            format!(
                "the JSON is nested too deeply ({MAX_DEPTH} levels or more); Keyhole stops there to protect your \
                 machine"
            )
        }
        "trailing characters" => match context {
            Context::Line => format!("the line holds more than one JSON value (more text starts with {found})"),
            Context::Document => {
                format!("there is more text after the end of the JSON document (starting with {found})")
            }
        },
        "trailing comma" => "there is a comma just before a closing bracket; JSON does not allow that".to_owned(),
        "expected value" | "expected ident" | "key must be a string" | "expected `\"`" => {
            if here.starts_with('\'') {
                "JSON needs double quotes (\"), not single quotes (')".to_owned()
            } else if here.starts_with("undefined") {
                "`undefined` is not valid JSON (it should be null)".to_owned()
            } else if here.starts_with(',') {
                format!("a value is missing here (found {found}; two commas in a row?)")
            } else if code == "key must be a string" || code == "expected `\"`" {
                format!("expected a key in double quotes, found {found}")
            } else if code == "expected ident" {
                format!("{} is not valid JSON here (only true, false and null are)", token_at(text, offset))
            } else {
                format!(
                    "expected a value (an object, a list, a number, text in double quotes, true, false or null), \
                     found {found}"
                )
            }
        }
        "expected `:`" => format!("expected a colon (:) after the key, found {found}"),
        "expected `,` or `]`" => {
            format!("expected a comma or the closing ] of a list, found {found} (a missing comma?)")
        }
        "expected `,` or `}`" => {
            format!("expected a comma or the closing }} of an object, found {found} (a missing comma?)")
        }
        "invalid escape" => "a backslash in a text value starts an invalid escape (a Windows path needs double \
                             backslashes, as in C:\\\\Users)"
            .to_owned(),
        "invalid number" => format!("this is not a valid number: {}", token_at(text, offset)),
        "number out of range" => format!("this number is too large to read: {}", token_at(text, offset)),
        "invalid unicode code point" | "lone leading surrogate in hex escape" | "unexpected end of hex escape" => {
            "a \\u escape in a text value is not a valid character".to_owned()
        }
        c if c.starts_with("control character") => {
            "a text value contains a raw control character such as a line break or tab (it must be written as \
             \\n or \\t), or a closing quote is missing"
                .to_owned()
        }
        other => format!("this is not valid JSON ({other})"),
    }
}

/// The error for text whose first non-space character (at byte `first`) cannot start an
/// object or a list, with a guess at what it is instead.
fn not_json(text: &str, first: usize) -> InputError {
    let rest = text.get(first..).unwrap_or_default();
    let line = rest.split(['\n', '\r']).next().unwrap_or_default();
    let quoted = snippet(text, first);
    // Valid JSON, but a lone value such as `42` or `"text"`.
    if rest.starts_with(|c: char| c == '"' || c == '-' || c.is_ascii_digit()) || rest.starts_with(['t', 'f', 'n']) {
        if let Ok(value) = serde_json::from_str::<Value>(rest) {
            if !value.is_object() && !value.is_array() {
                return InputError::at_offset(
                    format!(
                        "this holds a single JSON value ({quoted}), not the object or list that a cloud export contains"
                    ),
                    text,
                    first,
                );
            }
        }
    }
    let lower = line.to_ascii_lowercase();
    let guess = if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        " — an HTML page, perhaps a sign-in or error page saved instead of the export?"
    } else if lower.starts_with("<?xml") || line.starts_with('<') {
        " — XML?"
    } else if line.starts_with("%PDF") {
        " — a PDF document?"
    } else if lower.starts_with("apiversion:") || (line.starts_with("---") && text.contains("\napiVersion:")) {
        " — a Kubernetes manifest in YAML? Keyhole reads cloud configuration exports, not Kubernetes objects"
    } else if line.starts_with("---") || line.starts_with("- ") || looks_like_yaml_key(line) {
        " — YAML?"
    } else if line.contains('\t') {
        " — tab-separated text?"
    } else if line.contains(',') || line.contains(';') {
        " — CSV?"
    } else {
        ""
    };
    InputError::at_offset(format!("this is not JSON (it starts with {quoted}{guess})"), text, first)
}

/// `Resources:` or `apiVersion: v1`: a word, a colon, then a space or the end of the line.
fn looks_like_yaml_key(line: &str) -> bool {
    let Some(colon) = line.find(':') else { return false };
    let key = line.get(..colon).unwrap_or_default();
    let after = line.get(colon + 1..).unwrap_or_default();
    !key.is_empty()
        && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '"' | '\''))
        && (after.is_empty() || after.starts_with([' ', '\t']))
}

fn is_json_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Up to 30 characters of the line at byte `offset`, in backticks, control characters made visible.
fn snippet(text: &str, offset: usize) -> String {
    let rest = text.get(floor_boundary(text, offset)..).unwrap_or_default();
    let line = rest.split(['\n', '\r']).next().unwrap_or_default();
    if line.is_empty() {
        return if rest.is_empty() { "the end of the text".to_owned() } else { "the end of the line".to_owned() };
    }
    let mut out = String::from("`");
    for (i, c) in line.chars().enumerate() {
        if i == 30 {
            out.push('…');
            break;
        }
        if c == '\t' {
            out.push(' ');
        } else if c.is_control() {
            out.push_str(&format!("\\x{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

/// The token (a number or a word) that the error at byte `offset` is in or just after, quoted:
/// serde_json points past the end of a bad number or word.
fn token_at(text: &str, offset: usize) -> String {
    let is_token_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.');
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let before = bytes.get(..offset).unwrap_or_default();
    let start = before.iter().rposition(|b| !is_token_byte(b)).map_or(0, |i| i + 1);
    let after = bytes.get(offset..).unwrap_or_default();
    let end = after.iter().position(|b| !is_token_byte(b)).map_or(bytes.len(), |i| i + offset);
    match text.get(start..end) {
        Some(token) if !token.is_empty() && token.len() <= 40 => format!("`{token}`"),
        _ => snippet(text, offset),
    }
}

/// 1-based line and character column of byte `offset` of `text` (clamped to the text).
fn place(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..floor_boundary(text, offset)).unwrap_or_default();
    let line = 1 + before.bytes().filter(|&b| b == b'\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut column = 1 + before.get(line_start..).map_or(0, |s| s.chars().count());
    // Editors do not show a byte order mark, so it does not count.
    if line_start == 0 && before.starts_with('\u{FEFF}') {
        column -= 1;
    }
    (line, column)
}

/// Byte offset where 1-based `line` of `text` starts (the end of the text when it has fewer lines).
fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
}

/// The largest character boundary of `text` at or before `offset`.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1F, 0x8B])
}

/// Decompressed gzip data and how it was put together.
struct Gunzipped {
    data: Vec<u8>,
    /// Gzip members joined one after another (`cat a.gz b.gz`), usually 1.
    members: usize,
    /// Zero bytes after the last member (padding some tools add), ignored.
    zero_padding: usize,
}

/// Decompresses all gzip members of `data`, refusing to produce more than `max` bytes.
fn gunzip(data: &[u8], max: usize) -> Result<Gunzipped, InputError> {
    // A gzip file ends with its last member's size modulo 2^32 (the real size
    // is never smaller), and deflate expands at most about 1,032 times. When
    // that plausible size is over the limit, the file is first inflated
    // without keeping the output: a bomb then costs time but no memory (in
    // the page, keeping up to the limit would cost the limit), and a file
    // whose end is cut off or damaged still gets that error, not "a bomb".
    let declared = data.len().checked_sub(4).and_then(|start| data.get(start..)).and_then(|tail| match *tail {
        [a, b, c, d] => Some(u32::from_le_bytes([a, b, c, d]) as usize),
        _ => None,
    });
    let declared = declared.filter(|&size| size <= data.len().saturating_mul(1032));
    if declared.is_some_and(|size| size > max) {
        inflate(data, max, None)?;
    }
    let capacity = declared.unwrap_or(data.len().saturating_mul(4)).min(max).min(256 * MB);
    let mut out = Vec::with_capacity(capacity);
    let (members, zero_padding) = inflate(data, max, Some(&mut out))?;
    Ok(Gunzipped { data: out, members, zero_padding })
}

/// Inflates every member of `data` into `out` (or only counts the bytes, when `out` is `None`),
/// refusing more than `max` bytes. Returns the number of members and of zero bytes after them.
fn inflate(data: &[u8], max: usize, mut out: Option<&mut Vec<u8>>) -> Result<(usize, usize), InputError> {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut rest = data;
    let mut members = 0;
    let mut total: usize = 0;
    loop {
        let mut decoder = flate2::bufread::GzDecoder::new(rest);
        loop {
            match decoder.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    total = total.saturating_add(n);
                    if total > max {
                        return Err(InputError::new(format!(
                            "this gzip file expands to more than {}; Keyhole stops there to protect your machine \
                             (a gzip bomb?)",
                            size(max)
                        )));
                    }
                    if let Some(out) = out.as_deref_mut() {
                        out.extend_from_slice(chunk.get(..n).unwrap_or_default());
                    }
                }
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) => {
                    let message = if err.kind() == ErrorKind::UnexpectedEof {
                        "the gzip file is cut off: its compressed data ends early (an incomplete download or copy?)"
                    } else if err.to_string().contains("checksum") {
                        "the gzip file is damaged: its checksum does not match its content (a damaged download or \
                         copy?)"
                    } else {
                        "the gzip file is damaged: its compressed data cannot be read (a damaged download or copy?)"
                    };
                    return Err(InputError::new(message));
                }
            }
        }
        members += 1;
        rest = decoder.into_inner();
        if rest.iter().all(|&b| b == 0) {
            return Ok((members, rest.len()));
        }
        if !is_gzip(rest) {
            return Err(InputError::new(format!(
                "the gzip file is damaged: {} of other data follow the end of its compressed content (a damaged \
                 download or copy?)",
                size(rest.len())
            )));
        }
    }
}

/// What a binary file looks like, from its first bytes, when that is cheap to tell.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a ZIP archive; .xlsx and .docx files are ZIP archives too"),
        (b"PK\x05\x06", "an empty ZIP archive"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"\xFD7zXZ\x00", "an xz-compressed file"),
        (b"\x28\xB5\x2F\xFD", "a zstd-compressed file"),
        (b"BZh", "a bzip2-compressed file"),
        (b"Rar!\x1A\x07", "a RAR archive"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "an old Microsoft Office file (.xls or .doc)"),
        (b"SQLite format 3\x00", "an SQLite database"),
        (b"\x7FELF", "a program (ELF executable)"),
        (b"MZ", "a Windows program (.exe or .dll)"),
    ];
    for (magic, kind) in MAGIC {
        if bytes.starts_with(magic) {
            // `BZh` and `MZ` are ordinary letters too: trust them only with more evidence.
            let sure = match *magic {
                b"BZh" => {
                    bytes.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) && bytes.get(4..10) == Some(b"1AY&SY")
                }
                b"MZ" => bytes.get(..SNIFF).unwrap_or(bytes).contains(&0),
                _ => true,
            };
            if sure {
                return Some(kind);
            }
        }
    }
    if bytes.get(257..262) == Some(b"ustar") {
        return Some("a tar archive (a .tar.gz file?): unpack it and choose the JSON files inside");
    }
    None
}

/// For text with zero bytes near the start and no byte order mark: `Some(big_endian)` when it
/// looks like UTF-16 (mostly ASCII characters, so every other byte is zero).
fn utf16_without_bom(head: &[u8]) -> Option<bool> {
    let (mut le, mut be, mut pairs) = (0usize, 0usize, 0usize);
    for pair in head.chunks_exact(2) {
        if let [lo, hi] = *pair {
            pairs += 1;
            match (lo, hi) {
                (0, 0) => {}
                (_, 0) => le += 1,
                (0, _) => be += 1,
                _ => {}
            }
        }
    }
    // At least 3 in 5 characters ASCII, and hardly any in the other byte order.
    if pairs == 0 {
        None
    } else if le * 5 >= pairs * 3 && be * 20 <= pairs {
        Some(false)
    } else if be * 5 >= pairs * 3 && le * 20 <= pairs {
        Some(true)
    } else {
        None
    }
}

/// UTF-8 text from `data` after its first `skip` bytes (a byte order mark). Owned data is
/// reused, not copied.
fn utf8_text(data: Cow<'_, [u8]>, skip: usize, gzipped: bool) -> Result<Cow<'_, str>, InputError> {
    match data {
        Cow::Borrowed(bytes) => {
            let body = bytes.get(skip..).unwrap_or_default();
            match std::str::from_utf8(body) {
                Ok(text) => Ok(Cow::Borrowed(text)),
                Err(err) => Err(utf8_error(body, &err, gzipped)),
            }
        }
        Cow::Owned(mut bytes) => {
            bytes.drain(..skip.min(bytes.len()));
            String::from_utf8(bytes)
                .map(Cow::Owned)
                .map_err(|err| utf8_error(err.as_bytes(), &err.utf8_error(), gzipped))
        }
    }
}

fn utf8_error(body: &[u8], err: &std::str::Utf8Error, gzipped: bool) -> InputError {
    let good = body.get(..err.valid_up_to()).unwrap_or_default();
    let good = std::str::from_utf8(good).unwrap_or_default();
    let byte = body.get(err.valid_up_to()).copied().unwrap_or_default();
    if err.error_len().is_some() && looks_binary(body) {
        return not_text(gzipped, "it has many control characters and invalid bytes, as binary files do");
    }
    let message = if err.error_len().is_none() {
        format!(
            "the text ends in the middle of a character (byte 0x{byte:02X} starts one that is cut off): the file may \
             be cut off (an incomplete download or copy?)"
        )
    } else {
        format!(
            "this is not UTF-8 text: byte 0x{byte:02X} cannot appear here; the file may be saved in another encoding \
             (such as Windows-1252): save it as UTF-8 and try again"
        )
    };
    let (line, column) = place(good, good.len());
    InputError::at(message, line, column)
}

/// The error for data that is not text; `why` says what it looks like instead.
fn not_text(gzipped: bool, why: &str) -> InputError {
    let what = if gzipped { "the gzip file holds something that is not text" } else { "this is not a text file" };
    InputError::new(format!("{what} ({why}); Keyhole reads the JSON that cloud tools export"))
}

/// Many control characters near the start: not text, whatever the encoding.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = bytes.get(..SNIFF).unwrap_or(bytes);
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)).count();
    control * 20 > head.len()
}

/// UTF-16 text from `bytes` (without a byte order mark), which start at byte `base` of the file.
fn utf16_text(bytes: &[u8], base: usize, big_endian: bool) -> Result<String, InputError> {
    let name = if big_endian { "UTF-16BE" } else { "UTF-16LE" };
    let units = bytes.chunks_exact(2).map(|pair| match *pair {
        [a, b] if big_endian => u16::from_be_bytes([a, b]),
        [a, b] => u16::from_le_bytes([a, b]),
        _ => 0,
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut offset = base;
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(c) => {
                text.push(c);
                offset += c.len_utf16() * 2;
            }
            Err(err) => {
                let (line, column) = place(&text, text.len());
                return Err(InputError::at(
                    format!(
                        "this is not valid {name} text: a lone surrogate 0x{:04X} at byte offset {} cannot stand on \
                         its own (the file may be damaged or cut off)",
                        err.unpaired_surrogate(),
                        offset
                    ),
                    line,
                    column,
                ));
            }
        }
    }
    if bytes.len() % 2 == 1 {
        let (line, column) = place(&text, text.len());
        return Err(InputError::at(
            format!(
                "the {name} text has an odd number of bytes, so its last character is cut off at byte offset {}: \
                 the file may be cut off (an incomplete download or copy?)",
                base + bytes.len() - 1
            ),
            line,
            column,
        ));
    }
    Ok(text)
}

/// A size for people: `512 bytes`, `12 KB`, `3.4 MB`.
fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < MB {
        format!("{} KB", bytes / 1024)
    } else if bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn text_of(bytes: &[u8]) -> Decoded<'_> {
        decode(bytes, &Limits::default()).unwrap()
    }

    fn parse_err(text: &str) -> InputError {
        parse(text).unwrap_err()
    }

    #[test]
    fn place_counts_characters_from_one() {
        let text = "ab\nçd\n";
        assert_eq!(place(text, 0), (1, 1));
        assert_eq!(place(text, 3), (2, 1));
        assert_eq!(place(text, 5), (2, 2)); // 'd', after the two-byte 'ç'
        assert_eq!(place(text, 4), (2, 1)); // inside 'ç': floored to its start
        assert_eq!(place(text, 99), (3, 1));
        assert_eq!(place("", 0), (1, 1));
        assert_eq!(place("\u{FEFF}ab", 4), (1, 2));
    }

    #[test]
    fn line_starts() {
        assert_eq!(line_start("a\nb\nc", 1), 0);
        assert_eq!(line_start("a\nb\nc", 3), 4);
        assert_eq!(line_start("a\nb\nc", 9), 5);
        assert_eq!(line_start("", 0), 0);
    }

    #[test]
    fn snippets_are_short_and_visible() {
        assert_eq!(snippet("x\tyz\nmore", 0), "`x yz`");
        assert_eq!(snippet("\u{1}a", 0), "`\\x01a`");
        assert_eq!(snippet("abc", 3), "the end of the text");
        assert_eq!(snippet("abc\n", 3), "the end of the line");
        assert_eq!(snippet(&"y".repeat(100), 0), format!("`{}…`", "y".repeat(30)));
        assert_eq!(snippet("é", 1), "`é`");
    }

    #[test]
    fn tokens_are_quoted_whole() {
        assert_eq!(token_at("[1e999]", 6), "`1e999`");
        assert_eq!(token_at("[tru]", 4), "`tru`");
        assert_eq!(token_at("", 0), "the end of the text");
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(size(0), "0 bytes");
        assert_eq!(size(2048), "2 KB");
        assert_eq!(size(MB), "1 MB");
        assert_eq!(size(1 << 30), "1024 MB");
        assert_eq!(size(MB + MB / 2), "1.5 MB");
    }

    #[test]
    fn utf16_heuristic() {
        assert_eq!(utf16_without_bom(b"{\0\"\0a\0"), Some(false));
        assert_eq!(utf16_without_bom(b"\0{\0\"\0a"), Some(true));
        assert_eq!(utf16_without_bom(b"\0\0\0\0\x01\x02"), None);
        assert_eq!(utf16_without_bom(b"{"), None);
        assert_eq!(utf16_without_bom(b""), None);
    }

    #[test]
    fn display_puts_the_place_first() {
        assert_eq!(InputError::at("bad", 3, 17).to_string(), "line 3, column 17: bad");
        assert_eq!(InputError { message: "bad".into(), line: Some(2), column: None }.to_string(), "line 2: bad");
        assert_eq!(InputError::new("the file is empty").to_string(), "the file is empty");
        let boxed: Box<dyn std::error::Error> = Box::new(InputError::new("x"));
        assert_eq!(boxed.to_string(), "x");
    }

    #[test]
    fn utf8_plain_and_bom() {
        let d = text_of(b"{}");
        assert_eq!((d.text.as_ref(), d.encoding, d.gzipped), ("{}", Encoding::Utf8, false));
        assert!(d.notes.is_empty());
        let d = text_of(b"\xEF\xBB\xBF{}");
        assert_eq!((d.text.as_ref(), d.encoding), ("{}", Encoding::Utf8Bom));
        assert_eq!(d.notes.len(), 1);
        // A lone BOM is empty text, which parse refuses.
        assert_eq!(text_of(b"\xEF\xBB\xBF").text, "");
        assert_eq!(parse("").unwrap_err().message, "the file is empty");
    }

    #[test]
    fn binary_magic() {
        for (bytes, word) in [
            (&b"PK\x03\x04rest"[..], "ZIP"),
            (b"\x89PNG\r\n\x1a\nxx", "PNG"),
            (b"%PDF-1.4\n", "PDF"),
            (b"\xFF\xD8\xFF\xE0", "JPEG"),
            (b"BZh91AY&SYxx", "bzip2"),
            (b"MZ\x90\x00\x03", "Windows program"),
        ] {
            let err = decode(bytes, &Limits::default()).unwrap_err();
            assert!(err.message.contains("not a text file") && err.message.contains(word), "{err}");
        }
        // Letters that merely look like a magic number are text.
        assert_eq!(text_of(b"MZ is a word").text, "MZ is a word");
        assert_eq!(text_of(b"BZh").text, "BZh");
    }

    #[test]
    fn tar_inside_gzip() {
        let mut tar = vec![0u8; 1024];
        tar[..9].copy_from_slice(b"data.json");
        tar[257..262].copy_from_slice(b"ustar");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).unwrap();
        let err = decode(&gz.finish().unwrap(), &Limits::default()).unwrap_err();
        assert!(err.message.starts_with("the gzip file holds something that is not text"), "{err}");
        assert!(err.message.contains("tar archive"), "{err}");
    }

    #[test]
    fn control_heavy_junk_without_zero_bytes_is_binary() {
        let junk: Vec<u8> = (0..512u32).map(|i| (i * 37 % 255 + 1) as u8).collect();
        let err = decode(&junk, &Limits::default()).unwrap_err();
        assert!(err.message.starts_with("this is not a text file"), "{err}");
    }

    #[test]
    fn utf16_errors_name_the_offset() {
        let err = decode(b"\xFF\xFE{\0\n\0\x00\xD8}\0", &Limits::default()).unwrap_err();
        assert!(err.message.contains("lone surrogate 0xD800 at byte offset 6"), "{err}");
        assert_eq!((err.line, err.column), (Some(2), Some(1)));
        let err = decode(b"\xFE\xFF\0{\0", &Limits::default()).unwrap_err();
        assert!(err.message.contains("odd number of bytes"), "{err}");
        assert!(err.message.contains("byte offset 4"), "{err}");
    }

    #[test]
    fn parse_messages() {
        let cases: &[(&str, &str, usize, usize)] = &[
            ("[1,2,]", "comma just before a closing bracket", 1, 6),
            ("{'a':1}", "double quotes", 1, 2),
            ("{\"a\":1 // c\n}", "comments", 1, 8),
            ("[1 /* c */]", "comments", 1, 4),
            ("{\"a\":1 \"b\":2}", "comma or the closing }", 1, 8),
            ("[1 2]", "comma or the closing ]", 1, 4),
            ("{// c\n}", "comments", 1, 2),
            ("{\"a\" 1}", "colon", 1, 6),
            ("{\"a\":undefined}", "`undefined`", 1, 6),
            ("[1,,2]", "two commas", 1, 4),
            ("[tru]", "`tru`", 1, 5),
            ("[1e999]", "too large", 1, 6),
            ("[01]", "not a valid number", 1, 3),
            ("{\"p\":\"C:\\Users\"}", "backslash", 1, 10),
            ("{\"a\":\"x\ty\"}", "control character", 1, 8),
            ("[\"\\ud800\"]", "\\u escape", 1, 9),
            ("[-Infinity]", "`Infinity`", 1, 3),
            ("{\"a\": NaN}", "`NaN` is not valid JSON", 1, 7),
            ("{\"a\":1}}", "more text after the end", 1, 8),
            ("  \n\n  ", "blank space", 0, 0),
        ];
        for &(text, needle, line, column) in cases {
            let err = parse_err(text);
            assert!(err.message.contains(needle), "{text:?}: {err}");
            if line > 0 {
                assert_eq!((err.line, err.column), (Some(line), Some(column)), "{text:?}: {err}");
            }
            assert!(!err.message.contains("at line"), "{text:?}: serde_json's place leaked: {err}");
        }
    }

    #[test]
    fn not_json_guesses() {
        for (text, needle) in [
            ("Resources:\n  B: 1", "it starts with `Resources:` — YAML?"),
            ("apiVersion: v1\n", "a Kubernetes manifest in YAML?"),
            ("---\napiVersion: apps/v1\nkind: Deployment\n", "a Kubernetes manifest in YAML?"),
            ("---\na: 1", "YAML?"),
            ("- a\n- b", "YAML?"),
            ("<?xml version=\"1.0\"?><a/>", "XML?"),
            ("<!DOCTYPE html>\n<html>", "HTML page"),
            ("Name,Type\nx,y", "CSV?"),
            ("Name\tType\nx\ty", "tab-separated"),
            ("hello", "it starts with `hello`)"),
            ("42", "single JSON value (`42`)"),
            ("\"text\"", "single JSON value"),
            ("null", "single JSON value"),
            ("NaN", "it starts with `NaN`"),
        ] {
            let err = parse_err(text);
            assert!(err.message.contains(needle), "{text:?}: {err}");
            assert_eq!((err.line, err.column), (Some(1), Some(1)), "{text:?}");
        }
        // The place of the first character, after blank lines and a byte order mark.
        let err = parse_err("\u{FEFF}\n\n  key: value");
        assert_eq!((err.line, err.column), (Some(3), Some(3)));
        let err = parse_err("\u{FEFF}key: value");
        assert_eq!((err.line, err.column), (Some(1), Some(1)));
    }

    #[test]
    fn single_documents_and_lines() {
        assert!(matches!(parse(" {\"a\":1}\r\n\r\n").unwrap(), Document::Single(_)));
        assert!(matches!(parse("\u{FEFF}[]").unwrap(), Document::Single(_)));
        let Document::Lines(values) = parse("\n{\"a\":1}\r\n\r\n[2]\n  \n\"three\"\n4").unwrap() else {
            panic!("expected JSON Lines")
        };
        assert_eq!(values.len(), 4);
        assert_eq!(values[3], serde_json::json!(4));
        // A pretty-printed document followed by another is not JSON Lines.
        let err = parse_err("{\n\"a\": 1\n}\n{\"b\": 2}\n");
        assert!(err.message.starts_with("there is more text after the end"), "{err}");
        assert_eq!((err.line, err.column), (Some(4), Some(1)));
        // Two values on the first line are not JSON Lines either.
        let err = parse_err("{} {}\n{}\n");
        assert_eq!((err.line, err.column), (Some(1), Some(4)));
        // One line and then junk: trailing text rather than a bad JSON Lines line.
        let err = parse_err("{\"a\":1}\n}\n");
        assert!(err.message.starts_with("there is more text after the end"), "{err}");
        assert_eq!((err.line, err.column), (Some(2), Some(1)));
    }

    #[test]
    fn lines_errors_name_the_line() {
        let err = parse_err("{\"a\":1}\n{\"b\":2}\n{\"c\" 3}\n{\"d\":4}\n");
        assert_eq!((err.line, err.column), (Some(3), Some(6)));
        assert!(err.message.contains("JSON Lines"), "{err}");
        let err = parse_err("{}\r\n{}\r\n{\"c\": \"é\" x}\r\n");
        assert_eq!((err.line, err.column), (Some(3), Some(11)));
        let err = parse_err("{}\n{}\n{\"c\":");
        assert_eq!((err.line, err.column), (Some(3), Some(5)));
        assert!(err.message.contains("cut off"), "{err}");
        let err = parse_err("{}\n{}\n{} []\n");
        assert!(err.message.contains("more than one JSON value"), "{err}");
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let Document::Single(value) = parse(r#"{"a": 1, "b": {"c": 1, "c": [2]}, "a": 3}"#).unwrap() else {
            panic!("expected one document")
        };
        assert_eq!(value, serde_json::json!({"a": 3, "b": {"c": [2]}}));
    }

    #[test]
    fn deep_nesting_is_refused_cleanly() {
        for text in [
            "[".repeat(1_000_000),
            "{\"a\":".repeat(1_000_000),
            format!("{{}}\n{{}}\n{}", "[".repeat(1_000_000)),
            format!("{}{}", "[".repeat(128), "]".repeat(128)),
        ] {
            let err = parse_err(&text);
            assert!(err.message.contains("nested too deeply (128 levels or more)"), "{err}");
        }
        assert!(parse(&format!("{}{}", "[".repeat(127), "]".repeat(127))).is_ok());
    }
}

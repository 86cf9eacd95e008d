//! Bad input gets a clear error and loses nothing, and never a panic: `keyhole::decode`
//! against the files people actually hand over (PowerShell UTF-16, gzip exports, JSON Lines)
//! and against junk.

use std::io::Write;

use keyhole::decode::{decode, parse, Decoded, Document, Encoding, InputError, Limits};
use serde_json::json;

const POWERSHELL_UTF16LE: &[u8] = include_bytes!("fixtures/decode/powershell-utf16le.json");
const GCLOUD_ASSETS_GZ: &[u8] = include_bytes!("fixtures/decode/gcloud-assets.jsonl.gz");
const GCLOUD_BAD_LINE_3: &[u8] = include_bytes!("fixtures/decode/gcloud-assets-bad-line3.jsonl");

/// A small document with CRLF line ends and a non-ASCII character.
const SAMPLE: &str = "{\r\n  \"name\": \"crm-db\",\r\n  \"owner\": \"Müller\",\r\n  \"ports\": [22, 3389]\r\n}\r\n";

fn sample_value() -> serde_json::Value {
    json!({"name": "crm-db", "owner": "Müller", "ports": [22, 3389]})
}

fn limits() -> Limits {
    Limits::default()
}

/// Decodes, keeping an owned copy of the text so call sites may pass temporaries.
fn decoded(bytes: &[u8]) -> Decoded<'static> {
    match decode(bytes, &limits()) {
        Ok(decoded) => Decoded { text: std::borrow::Cow::Owned(decoded.text.into_owned()), ..decoded },
        Err(err) => panic!("decode failed: {err}"),
    }
}

fn decode_err(bytes: &[u8]) -> InputError {
    match decode(bytes, &limits()) {
        Ok(decoded) => panic!("decode should fail, gave {:?}", decoded.text),
        Err(err) => err,
    }
}

fn single(text: &str) -> serde_json::Value {
    match parse(text) {
        Ok(Document::Single(value)) => value,
        Ok(Document::Lines(_)) => panic!("expected one document, got JSON Lines"),
        Err(err) => panic!("parse failed: {err}"),
    }
}

fn parse_err(text: &str) -> InputError {
    match parse(text) {
        Ok(_) => panic!("parse should fail: {text:?}"),
        Err(err) => err,
    }
}

fn place(err: &InputError) -> (Option<usize>, Option<usize>) {
    (err.line, err.column)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn utf16be(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

fn with_prefix(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    [prefix, rest].concat()
}

/// A simple deterministic byte generator (64-bit LCG, top byte).
struct Lcg(u64);

impl Lcg {
    fn byte(&mut self) -> u8 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 56) as u8
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }
}

// --- Encodings -------------------------------------------------------------------------------

#[test]
fn utf16le_with_bom_as_powershell_writes() {
    let d = decoded(POWERSHELL_UTF16LE);
    assert_eq!(d.encoding, Encoding::Utf16Le);
    assert!(!d.gzipped);
    assert_eq!(d.notes, ["Decoded as UTF-16LE text, as Windows PowerShell writes it."]);
    assert!(!d.text.starts_with('\u{FEFF}'));
    let value = single(&d.text);
    assert_eq!(value["Tags"]["owner"], "Müller");
    assert_eq!(value["AllowBlobPublicAccess"], true);
}

#[test]
fn utf16be_with_bom() {
    let d = decoded(&with_prefix(&[0xFE, 0xFF], &utf16be(SAMPLE)));
    assert_eq!(d.encoding, Encoding::Utf16Be);
    assert_eq!(d.text, SAMPLE);
    assert_eq!(single(&d.text), sample_value());
}

#[test]
fn utf16le_without_bom() {
    let d = decoded(&utf16le(SAMPLE));
    assert_eq!(d.encoding, Encoding::Utf16Le);
    assert_eq!(d.text, SAMPLE);
    assert!(d.notes.iter().any(|n| n.contains("no byte order mark")), "{:?}", d.notes);
}

#[test]
fn utf16be_without_bom() {
    let d = decoded(&utf16be("[{\"a\": 1}]"));
    assert_eq!(d.encoding, Encoding::Utf16Be);
    assert_eq!(single(&d.text), json!([{"a": 1}]));
}

#[test]
fn utf8_with_bom() {
    let d = decoded(&with_prefix(b"\xEF\xBB\xBF", SAMPLE.as_bytes()));
    assert_eq!(d.encoding, Encoding::Utf8Bom);
    assert_eq!(d.text, SAMPLE);
    assert_eq!(d.notes.len(), 1);
    assert!(d.notes[0].contains("byte order mark"));
}

#[test]
fn utf8_plain_with_crlf() {
    let d = decoded(SAMPLE.as_bytes());
    assert_eq!((d.encoding, d.gzipped), (Encoding::Utf8, false));
    assert!(d.notes.is_empty());
    assert_eq!(single(&d.text), sample_value());
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let err = decode_err(b"{\r\n  \"a\": 1,\r\n  \"name\": \"caf\xFF\"\r\n}");
    assert_eq!(place(&err), (Some(3), Some(15)));
    assert!(err.message.starts_with("this is not UTF-8 text: byte 0xFF"), "{err}");
    assert!(err.to_string().starts_with("line 3, column 15: this is not UTF-8 text: byte 0xFF"), "{err}");
    // Windows-1252 'é' after a multi-byte UTF-8 character: columns count characters.
    let err = decode_err("{\"ü\": \"caf".bytes().chain(*b"\xE9\"}").collect::<Vec<_>>().as_slice());
    assert_eq!(place(&err), (Some(1), Some(11)));
    assert!(err.message.contains("0xE9"), "{err}");
}

#[test]
fn utf8_cut_inside_a_character() {
    let err = decode_err("[\"€\"]".as_bytes().get(..4).unwrap());
    assert!(err.message.contains("ends in the middle of a character"), "{err}");
    assert_eq!(place(&err), (Some(1), Some(3)));
}

#[test]
fn utf16_odd_length_and_lone_surrogate() {
    let mut odd = with_prefix(&[0xFF, 0xFE], &utf16le("{\"a\":1}"));
    odd.push(b'\n');
    let err = decode_err(&odd);
    assert!(err.message.contains("odd number of bytes") && err.message.contains("byte offset 16"), "{err}");

    let mut lone = with_prefix(&[0xFF, 0xFE], &utf16le("{\n\"a\":\""));
    lone.extend([0x3D, 0xD8]); // a high surrogate, then no low one
    lone.extend(utf16le("\"}"));
    let err = decode_err(&lone);
    assert!(err.message.contains("lone surrogate 0xD83D at byte offset 16"), "{err}");
    assert_eq!(place(&err), (Some(2), Some(6)));
}

#[test]
fn utf32_is_named() {
    let err = decode_err(b"\xFF\xFE\0\0{\0\0\0}\0\0\0");
    assert!(err.message.contains("UTF-32"), "{err}");
}

// --- gzip ----------------------------------------------------------------------------------------

#[test]
fn gzip_json_lines_export() {
    let d = decoded(GCLOUD_ASSETS_GZ);
    assert!(d.gzipped);
    assert_eq!(d.encoding, Encoding::Utf8);
    assert!(d.notes[0].starts_with("The file was gzip-compressed"), "{:?}", d.notes);
    let Ok(Document::Lines(lines)) = parse(&d.text) else { panic!("expected JSON Lines") };
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["asset_type"], "compute.googleapis.com/Firewall");
}

#[test]
fn gzip_is_recognised_by_content_not_name() {
    let d = decoded(&gzip(SAMPLE.as_bytes()));
    assert!(d.gzipped);
    assert_eq!(single(&d.text), sample_value());
}

#[test]
fn gzip_of_utf16() {
    let d = decoded(&gzip(&with_prefix(&[0xFF, 0xFE], &utf16le(SAMPLE))));
    assert!(d.gzipped);
    assert_eq!(d.encoding, Encoding::Utf16Le);
    assert_eq!(d.notes.len(), 2, "{:?}", d.notes);
    assert_eq!(single(&d.text), sample_value());
}

#[test]
fn gzip_multi_member_and_padding() {
    let joined = [gzip(b"{\"a\":1}\n"), gzip(b"{\"b\":2}\n"), gzip(b"{\"c\":3}\n")].concat();
    let d = decoded(&joined);
    assert_eq!(d.text, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
    assert!(d.notes.iter().any(|n| n.contains("3 compressed parts")), "{:?}", d.notes);

    let mut padded = gzip(SAMPLE.as_bytes());
    padded.extend([0; 512]);
    let d = decoded(&padded);
    assert_eq!(d.text, SAMPLE);
    assert!(d.notes.iter().any(|n| n.contains("zero padding")), "{:?}", d.notes);

    let mut junk_after = gzip(SAMPLE.as_bytes());
    junk_after.extend(b"junk");
    let err = decode_err(&junk_after);
    assert!(err.message.starts_with("the gzip file is damaged"), "{err}");
}

#[test]
fn gzip_twice() {
    let d = decoded(&gzip(&gzip(SAMPLE.as_bytes())));
    assert_eq!(d.text, SAMPLE);
    assert_eq!(d.notes.len(), 2, "{:?}", d.notes);
}

#[test]
fn gzip_bomb_is_refused() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 100_000);
    let err = decode(&bomb, &Limits { max_decompressed: 1 << 20 }).unwrap_err();
    assert_eq!(
        err.message,
        "this gzip file expands to more than 1 MB; Keyhole stops there to protect your machine (a gzip bomb?)"
    );
    // Exactly at the limit is fine.
    let compressed = gzip(SAMPLE.as_bytes());
    let d = decode(&compressed, &Limits { max_decompressed: SAMPLE.len() }).unwrap();
    assert_eq!(d.text, SAMPLE);
    assert!(decode(&gzip(SAMPLE.as_bytes()), &Limits { max_decompressed: SAMPLE.len() - 1 }).is_err());
}

#[test]
fn truncated_gzip_at_every_length() {
    let full = gzip(SAMPLE.as_bytes());
    for n in 2..full.len() {
        let err = decode_err(&full[..n]);
        assert!(err.message.starts_with("the gzip file is cut off"), "{n}: {err}");
        assert_eq!(place(&err), (None, None));
    }
}

#[test]
fn corrupt_gzip() {
    let mut bad = gzip(SAMPLE.as_bytes());
    let len = bad.len();
    bad[len - 6] ^= 0x01; // in the CRC
    let err = decode_err(&bad);
    assert!(err.message.starts_with("the gzip file is damaged"), "{err}");
    let mut bad = gzip(SAMPLE.as_bytes());
    bad[10] = 0xFF; // an invalid deflate block type
    let err = decode_err(&bad);
    assert!(err.message.starts_with("the gzip file is damaged"), "{err}");
}

// --- Empty and binary files --------------------------------------------------------------------

#[test]
fn zero_byte_file() {
    assert_eq!(decode_err(b"").message, "the file is empty");
    assert_eq!(decode_err(b"").to_string(), "the file is empty");
    assert_eq!(parse_err("").message, "the file is empty");
    assert!(parse_err(" \r\n\t\r\n").message.starts_with("the file is empty"));
}

#[test]
fn zero_byte_gz() {
    let err = decode_err(&gzip(b""));
    assert!(err.message.starts_with("the file is empty"), "{err}");
    // Only the 10-byte header: cut off.
    let err = decode_err(&gzip(b"")[..10]);
    assert!(err.message.starts_with("the gzip file is cut off"), "{err}");
}

#[test]
fn binary_junk() {
    let cases: [(&[u8], &str); 4] = [
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01", "it looks like a PNG image"),
        (b"PK\x03\x04\x14\0\0\0\x08\0", "it looks like a ZIP archive"),
        (b"\x01\x02\0\0\x05\x06\x07\0\0\0\x80\x81", "zero bytes"),
        (b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", "PDF"),
    ];
    for (bytes, needle) in cases {
        let err = decode_err(bytes);
        assert!(err.message.starts_with("this is not a text file"), "{err}");
        assert!(err.message.contains(needle), "{err}");
    }
    let err = decode_err(&gzip(b"PK\x03\x04\x14\0\0\0"));
    assert!(err.message.starts_with("the gzip file holds something that is not text"), "{err}");
    let err = decode_err(&Lcg(7).bytes(4096));
    assert!(err.message.starts_with("this is not a text file"), "{err}");
}

// --- JSON ------------------------------------------------------------------------------------------

#[test]
fn truncated_json() {
    let text: String = SAMPLE.lines().take(3).collect::<Vec<_>>().join("\r\n");
    let err = parse_err(&text);
    assert!(err.message.starts_with("the JSON ends early"), "{err}");
    assert!(err.message.contains("cut off"), "{err}");
    assert_eq!(err.line, Some(3));
    let err = parse_err("{\"a\": \"unfinished");
    assert!(err.message.contains("ends inside a text value"), "{err}");
}

#[test]
fn trailing_garbage() {
    let err = parse_err("{\"a\": 1}\r\n\r\n  }x");
    assert!(err.message.starts_with("there is more text after the end of the JSON document"), "{err}");
    assert_eq!(place(&err), (Some(3), Some(3)));
    let err = parse_err("[1, 2] 3");
    assert_eq!(place(&err), (Some(1), Some(8)));
}

#[test]
fn nan_and_infinity_are_named() {
    let err = parse_err("{\n  \"cpu\": NaN\n}");
    assert!(err.message.starts_with("`NaN` is not valid JSON"), "{err}");
    assert_eq!(place(&err), (Some(2), Some(10)));
    assert!(parse_err("[Infinity]").message.starts_with("`Infinity` is not valid JSON"));
    assert!(parse_err("[-Infinity]").message.starts_with("`Infinity` is not valid JSON"));
}

#[test]
fn not_json_at_all() {
    let err = parse_err("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n");
    assert_eq!(err.message, "this is not JSON (it starts with `Resources:` — YAML?)");
    assert_eq!(err.to_string(), "line 1, column 1: this is not JSON (it starts with `Resources:` — YAML?)");
    assert!(parse_err("Name,Location\nx,y\n").message.contains("CSV?"));
}

#[test]
fn million_deep_nesting_is_a_clean_error() {
    let deep = "[".repeat(1_000_000);
    let err = parse_err(&deep);
    assert!(err.message.contains("nested too deeply"), "{err}");
    assert_eq!(err.line, Some(1));
    // Through decode too (gzip keeps it small on disk).
    let d = decoded(&gzip(deep.as_bytes()));
    assert!(parse_err(&d.text).message.contains("nested too deeply"));
    // As a line of JSON Lines.
    let lines = format!("{{\"a\":1}}\n{{\"b\":2}}\n{deep}\n");
    let err = parse_err(&lines);
    assert!(err.message.contains("nested too deeply"), "{err}");
    assert_eq!(err.line, Some(3));
    let objects = "{\"a\":".repeat(1_000_000);
    assert!(parse_err(&objects).message.contains("nested too deeply"));
}

#[test]
fn json_lines_with_a_bad_line_3() {
    let d = decoded(GCLOUD_BAD_LINE_3);
    let err = parse_err(&d.text);
    assert_eq!(err.line, Some(3));
    assert_eq!(err.column, Some(75));
    assert!(err.message.contains("JSON Lines"), "{err}");
    assert!(err.message.contains("colon"), "{err}");
    assert!(err.to_string().starts_with("line 3, column 75: "), "{err}");
}

#[test]
fn json_lines_with_crlf_and_blank_lines() {
    let Ok(Document::Lines(values)) = parse("{\"a\":1}\r\n\r\n{\"b\":2}\r\n[3]\r\n") else {
        panic!("expected JSON Lines")
    };
    assert_eq!(values, [json!({"a": 1}), json!({"b": 2}), json!([3])]);
}

#[test]
fn duplicate_keys_last_wins() {
    assert_eq!(single("{\"port\": 22, \"port\": 3389}"), json!({"port": 3389}));
}

#[test]
fn errors_are_std_errors() {
    let err: Box<dyn std::error::Error> = Box::new(parse_err("[1,]"));
    assert_eq!(
        err.to_string(),
        "line 1, column 4: there is a comma just before a closing bracket; JSON does not allow that"
    );
}

// --- No panic, whatever the bytes ----------------------------------------------------------------

/// Runs `decode` and, when it gives text, `parse`; returns normally whatever happens (a panic
/// fails the test). Checks that every error has a message and a sane place.
fn run(bytes: &[u8], limits: &Limits) {
    let check = |err: &InputError| {
        assert!(!err.message.is_empty());
        assert!(!err.message.contains("Error(") && !err.message.contains(" at line "), "debug output: {err}");
        assert_eq!(err.line.is_some(), err.column.is_some(), "{err}");
        assert!(err.line != Some(0) && err.column != Some(0), "{err}");
    };
    match decode(bytes, limits) {
        Ok(d) => {
            if let Err(err) = parse(&d.text) {
                check(&err);
            }
        }
        Err(err) => check(&err),
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Err(err) = parse(text) {
            check(&err);
        }
    }
}

#[test]
fn malformed_input_never_panics() {
    let small = Limits { max_decompressed: 4096 };
    let json_lines = "{\"a\":[1,2.5e3,\"x\\u00e9\\n\"]}\r\n{\"b\":{\"c\":null}}\r\n[true,false]\n";
    let samples: Vec<Vec<u8>> = vec![
        SAMPLE.as_bytes().to_vec(),
        json_lines.as_bytes().to_vec(),
        with_prefix(b"\xEF\xBB\xBF", SAMPLE.as_bytes()),
        with_prefix(&[0xFF, 0xFE], &utf16le(SAMPLE)),
        with_prefix(&[0xFE, 0xFF], &utf16be(json_lines)),
        utf16le(json_lines),
        gzip(SAMPLE.as_bytes()),
        gzip(&with_prefix(&[0xFF, 0xFE], &utf16le(json_lines))),
        [gzip(b"{}\n"), gzip(json_lines.as_bytes())].concat(),
        POWERSHELL_UTF16LE.to_vec(),
        GCLOUD_ASSETS_GZ.to_vec(),
        GCLOUD_BAD_LINE_3.to_vec(),
    ];
    let mut lcg = Lcg(0x5EED);
    for sample in &samples {
        // Every prefix.
        for n in 0..=sample.len() {
            run(&sample[..n], &small);
        }
        // Every suffix, and each byte changed.
        for n in 0..sample.len() {
            run(&sample[n..], &small);
            let mut changed = sample.clone();
            changed[n] ^= lcg.byte() | 1;
            run(&changed, &small);
        }
    }
    // Junk: random bytes, random bytes behind each known start, and JSON-ish characters.
    let alphabet = b"{}[]\":,\\ \n\r\t-+.eE0123456789truefalsnNaI/'\x00\xC3\xA9\xFF\xFE\xEF\xBB\xBF\x1F\x8B";
    for round in 0..2000 {
        let len = (lcg.byte() as usize) * 2 + round % 7;
        let junk = lcg.bytes(len);
        run(&junk, &small);
        let prefix: &[u8] = match round % 6 {
            0 => b"\x1F\x8B",
            1 => b"\xFF\xFE",
            2 => b"\xFE\xFF",
            3 => b"\xEF\xBB\xBF",
            4 => b"{\"a\":",
            _ => b"{}\n",
        };
        run(&with_prefix(prefix, &junk), &small);
        let jsonish: Vec<u8> = (0..len).map(|_| alphabet[lcg.byte() as usize % alphabet.len()]).collect();
        run(&jsonish, &small);
    }
}

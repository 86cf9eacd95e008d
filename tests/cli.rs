//! The `keyhole` command line as a CI pipeline uses it: exit codes, bad
//! inputs (each refused with one sentence naming the file, never a panic,
//! while the other files are still audited), directories and standard input,
//! the output formats, `rules` and `explain`.
//!
//! The binary runs in the repository root, so report file names are the
//! repository-relative paths given on the command line. Scratch files go to
//! `CARGO_TARGET_TMPDIR`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flate2::{Compress, Compression, FlushCompress};
use keyhole::decode::{self, Limits};
use keyhole::report::Report;
use keyhole::{InputFile, Options};
use serde_json::Value;

/// No finding at all: two security groups open to private or office ranges only.
const CLEAN: &str = "tests/fixtures/cli/clean.json";
/// Four security groups with SSH or RDP open to the internet: four high findings, nothing
/// else. Their names start with `=`, `+`, `@` and `-`, as spreadsheet formulas do.
const HIGH: &str = "tests/fixtures/cli/formula-names.json";
const HIGH_FINDINGS: usize = 4;
const DEMO: &str = "demo/dealership-aws.json";
const MIXED_SNAPSHOT: &str = "tests/fixtures/aws/mixed/snapshot.json.gz";
const MIXED_INPUTS: &[&str] = &[
    "tests/fixtures/aws/mixed/bundle.json",
    "tests/fixtures/aws/mixed/describe-db-instances.json",
    "tests/fixtures/aws/mixed/describe-images.json",
    "tests/fixtures/aws/mixed/describe-security-groups.json",
    "tests/fixtures/aws/mixed/describe-snapshots.json",
    "tests/fixtures/aws/mixed/select-resource-config.json",
    "tests/fixtures/aws/mixed/snapshot.json.gz",
];

// ---------------------------------------------------------------------------------------------
// Helpers

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap()
}

/// A scratch directory for one test, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

fn keyhole_with(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyhole"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || pipe.write_all(&bytes).unwrap());
    }
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().expect("keyhole was killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    assert!(!run.stderr.contains("panicked"), "keyhole panicked:\n{}", run.stderr);
    assert!(!run.stderr.contains("RUST_BACKTRACE"), "keyhole panicked:\n{}", run.stderr);
    run
}

fn keyhole(args: &[&str]) -> Run {
    keyhole_with(args, None)
}

fn findings_in<'a>(report: &'a Value, file: &str) -> Vec<&'a Value> {
    report["findings"].as_array().unwrap().iter().filter(|f| f["evidence"][0]["file"] == file).collect()
}

fn input<'a>(report: &'a Value, file: &str) -> &'a Value {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file"] == file)
        .unwrap_or_else(|| panic!("{file} is not among the inputs: {}", report["inputs"]))
}

/// The error contract for an input that cannot be read or understood: audited next to the HIGH
/// fixture, in both orders, the run exits 2, prints one line on stderr naming the file (with
/// every `expected` fragment), lists the file in `inputs` with that error, and still reports
/// the other file's findings. Returns the error message.
fn assert_refused(bad: &str, expected: &[&str]) -> String {
    let mut message = String::new();
    for order in [[bad, HIGH], [HIGH, bad]] {
        let run = keyhole(&["audit", order[0], order[1], "--format", "json"]);
        assert_eq!(run.code, 2, "{bad}: exit code\n{}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one paragraph on stderr:\n{}", run.stderr);
        let prefix = format!("keyhole: {bad}: ");
        let line = lines[0].strip_prefix(&prefix).unwrap_or_else(|| panic!("{:?} names the file", lines[0]));
        for fragment in expected {
            assert!(line.contains(fragment), "{line:?} should contain {fragment:?}");
        }
        for debug in ["Error {", "Os {", "kind:", "Utf8Error", "called `"] {
            assert!(!line.contains(debug), "{line:?} is a Rust debug string");
        }
        message = line.to_string();

        let report = run.json();
        let files: Vec<&str> =
            report["inputs"].as_array().unwrap().iter().map(|i| i["file"].as_str().unwrap()).collect();
        assert_eq!(files, order, "inputs are listed in command-line order");
        let entry = input(&report, bad);
        assert_eq!(entry["error"], message.as_str());
        assert_eq!(entry["format"], Value::Null);
        assert_eq!(entry["resources"], 0);
        let good = input(&report, HIGH);
        assert_eq!(good["error"], Value::Null);
        assert_eq!(good["format"], "aws-cli-describe-security-groups");
        assert_eq!(findings_in(&report, HIGH).len(), HIGH_FINDINGS, "the other file is still audited");
        assert_eq!(report["summary"]["high"], HIGH_FINDINGS);
    }
    message
}

/// Severity rank, rule, first evidence file and pointer: the documented order of findings.
fn order_key(finding: &Value) -> (usize, String, String, String) {
    let rank = ["critical", "high", "medium", "low", "info"]
        .iter()
        .position(|s| finding["severity"] == *s)
        .unwrap_or_else(|| panic!("severity {}", finding["severity"]));
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (rank, text(&finding["rule"]), text(&finding["evidence"][0]["file"]), text(&finding["evidence"][0]["pointer"]))
}

/// RFC 4180 rows (CRLF line ends, double quotes doubled inside quoted cells).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(!quoted && cell.is_empty() && row.is_empty(), "the CSV ends with CRLF after a complete row");
    rows
}

/// A single-member gzip file of `mib` MiB of zeros, built without compressing them all: a deflate
/// block of 1 MiB of zeros, flushed to a byte boundary, decodes the same wherever the window
/// already holds zeros, so it is repeated. The trailer's CRC is not computed (`crc` false: zero)
/// because Keyhole must stop long before it reads the trailer.
fn gzip_of_zeros(mib: usize, crc: bool) -> Vec<u8> {
    let zeros = vec![0u8; 1 << 20];
    let mut deflate = Compress::new(Compression::best(), false);
    let mut block = |input: &[u8], flush| {
        let mut out = Vec::with_capacity(64 << 10);
        let before = deflate.total_in();
        deflate.compress_vec(input, &mut out, flush).unwrap();
        assert_eq!(deflate.total_in() - before, input.len() as u64, "all input consumed");
        out
    };
    let first = block(&zeros, FlushCompress::Sync);
    let steady = block(&zeros, FlushCompress::Sync);
    let end = block(&[], FlushCompress::Finish);
    let mut gz = vec![0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 2, 0xFF];
    gz.extend_from_slice(&first);
    for _ in 1..mib {
        gz.extend_from_slice(&steady);
    }
    gz.extend_from_slice(&end);
    let checksum = if crc {
        let mut crc = flate2::Crc::new();
        for _ in 0..mib {
            crc.update(&zeros);
        }
        crc.sum()
    } else {
        0
    };
    gz.extend_from_slice(&checksum.to_le_bytes());
    gz.extend_from_slice(&((mib << 20) as u32).to_le_bytes());
    gz
}

// ---------------------------------------------------------------------------------------------
// Exit codes

#[test]
fn exit_0_when_no_finding_reaches_the_default_threshold() {
    let run = keyhole(&["audit", CLEAN]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout.contains("0 critical, 0 high, 0 medium, 0 low, 0 info: 0 findings in 1 file\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn exit_1_when_a_finding_is_at_or_above_the_threshold() {
    let run = keyhole(&["audit", HIGH]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let run = keyhole(&["audit", CLEAN, HIGH]);
    assert_eq!(run.code, 1, "one file with findings is enough");
}

#[test]
fn fail_on_sets_the_threshold() {
    // HIGH holds only high findings.
    for (fail_on, code) in [("critical", 0), ("high", 1), ("medium", 1), ("low", 1), ("info", 1), ("never", 0)] {
        let run = keyhole(&["audit", HIGH, "--fail-on", fail_on, "--format", "json"]);
        assert_eq!(run.code, code, "--fail-on {fail_on}: {}", run.stderr);
        assert_eq!(run.json()["summary"]["high"], HIGH_FINDINGS);
    }
    for fail_on in ["critical", "high", "medium", "low", "info", "never"] {
        assert_eq!(keyhole(&["audit", CLEAN, "--fail-on", fail_on]).code, 0, "--fail-on {fail_on}");
    }
    // The demo has findings of every level down to low.
    assert_eq!(keyhole(&["audit", DEMO, "--fail-on", "critical"]).code, 1);
    assert_eq!(keyhole(&["audit", DEMO, "--fail-on", "never"]).code, 0);
}

#[test]
fn fail_on_never_still_exits_2_on_input_errors() {
    let run = keyhole(&["audit", CLEAN, "tests/fixtures/cli/does-not-exist.json", "--fail-on", "never"]);
    assert_eq!(run.code, 2);
    let run = keyhole(&["audit", HIGH, "tests/fixtures/cli/does-not-exist.json", "--fail-on", "critical"]);
    assert_eq!(run.code, 2, "an input error wins over the findings");
}

#[test]
fn unknown_fail_on_value_is_a_usage_error() {
    let run = keyhole(&["audit", CLEAN, "--fail-on", "severe"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("severe") && run.stderr.contains("critical"), "{}", run.stderr);
}

#[test]
fn sensitive_words_raise_the_severity() {
    // Without the word, the bastion group is high; `--sensitive-words` makes its name personal data.
    assert_eq!(keyhole(&["audit", HIGH, "--fail-on", "critical"]).code, 0);
    let run = keyhole(&["audit", HIGH, "--fail-on", "critical", "--sensitive-words", " bastion ,", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let critical: Vec<&Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["severity"] == "critical").collect();
    assert_eq!(critical.len(), 1);
    assert_eq!(critical[0]["resource"]["name"], "-2+3 bastion");
    assert_eq!(critical[0]["sensitive"], serde_json::json!(["bastion"]));
}

// ---------------------------------------------------------------------------------------------
// Inputs that cannot be read or understood

#[test]
fn truncated_json_names_line_and_column() {
    let dir = scratch("truncated");
    let bad = write(&dir, "cut-off.json", b"{\n  \"SecurityGroups\": [\n    {\n      \"GroupName\": \"half");
    // Line 4 is 24 characters long: the error points at its end.
    let message = assert_refused(&bad, &["line 4, column 2", "cut off"]);
    assert!(message.starts_with("line 4, column 24:") || message.starts_with("line 4, column 25:"), "{message}");

    // Cut in the middle of the HIGH fixture itself.
    let text = read(HIGH);
    let bad = write(&dir, "half.json", &text[..text.len() / 2]);
    let lines = text[..text.len() / 2].split(|&b| b == b'\n').count();
    assert_refused(&bad, &[&format!("line {lines}, column "), "cut off"]);
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let dir = scratch("utf8");
    // `café` saved as Windows-1252: é is the byte 0xE9, at column 22 of line 3.
    let bad = write(&dir, "latin1.json", b"{\n  \"SecurityGroups\": [],\n  \"Description\": \"caf\xE9\"\n}\n");
    let message = assert_refused(&bad, &["line 3, column 22", "not UTF-8", "0xE9"]);
    assert!(message.contains("save it as UTF-8"), "{message}");
}

#[test]
fn utf16le_with_bom_from_powershell_is_decoded_and_audited() {
    let dir = scratch("utf16");
    let text = String::from_utf8(read(HIGH)).unwrap().replace('\n', "\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let file = write(&dir, "powershell.json", &bytes);
    let run = keyhole(&["audit", &file, "--format", "json"]);
    assert_eq!(run.code, 1, "audited like the UTF-8 file: {}", run.stderr);
    assert_eq!(run.stderr, "");
    let report = run.json();
    let entry = input(&report, &file);
    assert_eq!(entry["error"], Value::Null);
    assert_eq!(entry["format"], "aws-cli-describe-security-groups");
    let notes = entry["notes"].to_string();
    assert!(notes.contains("UTF-16LE") && notes.contains("PowerShell"), "{notes}");
    assert_eq!(findings_in(&report, &file).len(), HIGH_FINDINGS);

    // The same findings, at the same pointers, as from the UTF-8 original.
    let utf8 = keyhole(&["audit", HIGH, "--format", "json"]).json();
    let pointers = |r: &Value| -> Vec<Value> {
        r["findings"].as_array().unwrap().iter().map(|f| f["evidence"][0]["pointer"].clone()).collect()
    };
    assert_eq!(pointers(&report), pointers(&utf8));
}

#[test]
fn gzip_files_are_decompressed_and_audited() {
    // The mixed scenario's Config snapshot is delivered gzipped, as AWS does.
    let run = keyhole(&["audit", MIXED_SNAPSHOT, "--format", "json", "--fail-on", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let entry = input(&report, MIXED_SNAPSHOT);
    assert_eq!(entry["format"], "aws-config-snapshot");
    assert!(entry["notes"].to_string().contains("gzip-compressed"), "{}", entry["notes"]);
    assert!(!findings_in(&report, MIXED_SNAPSHOT).is_empty());

    // Recognised by content, whatever the name.
    let dir = scratch("gzip");
    let file = write(&dir, "export.json", &gzip(&read(HIGH)));
    let run = keyhole(&["audit", &file, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert!(input(&report, &file)["notes"].to_string().contains("gzip-compressed"));
    assert_eq!(findings_in(&report, &file).len(), HIGH_FINDINGS);
}

#[test]
fn gzip_bomb_construction_is_valid_gzip() {
    // The bomb of the next test, small and with its CRC: a gzip decoder reads it to the end.
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzip_of_zeros(3, true)[..]), &mut out).unwrap();
    assert_eq!(out.len(), 3 << 20);
    assert!(out.iter().all(|&b| b == 0));
}

#[test]
fn gzip_bomb_is_refused_by_the_cli() {
    // 1.1 GB of zeros in a 1.1 MB file, over the default 1 GiB bound. Takes a few seconds in a
    // debug build, and up to 1 GiB of memory in the keyhole process.
    let dir = scratch("bomb");
    let bad = write(&dir, "bomb.json.gz", &gzip_of_zeros(1100, false));
    assert!(std::fs::metadata(&bad).unwrap().len() < 2 << 20);
    let run = keyhole(&["audit", &bad, HIGH, "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "keyhole: {bad}: this gzip file expands to more than 1024 MB; Keyhole stops there to protect your machine \
             (a gzip bomb?)\n"
        )
    );
    let report = run.json();
    assert_eq!(findings_in(&report, HIGH).len(), HIGH_FINDINGS, "the other file is still audited");
}

#[test]
fn gzip_bound_holds_in_the_library() {
    let limits = Limits { max_decompressed: 1 << 20 };
    let error = decode::decode(&gzip_of_zeros(3, true), &limits).unwrap_err();
    assert!(error.message.contains("expands to more than 1 MB"), "{error}");
    assert!(error.message.contains("gzip bomb"), "{error}");
    // Exactly at the bound is fine.
    let mut text = b"{\"SecurityGroups\": [], \"pad\": \"".to_vec();
    text.resize((1 << 20) - 3, b' ');
    text.extend_from_slice(b"\"}\n");
    assert_eq!(text.len(), 1 << 20);
    let compressed = gzip(&text);
    let decoded = decode::decode(&compressed, &limits).unwrap();
    assert_eq!(decoded.text.len(), 1 << 20);
    assert!(decoded.gzipped);
    // One byte more is not.
    text.push(b'\n');
    assert!(decode::decode(&gzip(&text), &limits).is_err());
}

#[test]
fn empty_file_is_refused() {
    let dir = scratch("empty");
    let bad = write(&dir, "empty.json", b"");
    assert_eq!(assert_refused(&bad, &[]), "the file is empty");
    let bad = write(&dir, "blank.json", b"  \r\n\n");
    assert_refused(&bad, &["the file is empty"]);
}

#[test]
fn binary_junk_is_refused() {
    let dir = scratch("binary");
    let mut state = 0x2545_F491_u32;
    let junk: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    let bad = write(&dir, "junk.json", &junk);
    assert_refused(&bad, &["not a text file"]);
    let mut xlsx = b"PK\x03\x04".to_vec();
    xlsx.extend_from_slice(&junk);
    let bad = write(&dir, "report.xlsx.json", &xlsx);
    assert_refused(&bad, &["ZIP archive", ".xlsx"]);
}

#[test]
fn npm_package_json_is_refused() {
    let dir = scratch("package");
    let bad = write(
        &dir,
        "package.json",
        br#"{ "name": "dealer-portal", "version": "1.2.0", "scripts": { "build": "vite build" }, "dependencies": { "react": "^18.2.0" } }"#,
    );
    assert_refused(&bad, &["not a configuration export", "npm package.json"]);
}

#[test]
fn kubernetes_manifest_is_refused() {
    let dir = scratch("kubernetes");
    let bad = write(
        &dir,
        "deployment.json",
        br#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "crm"}, "spec": {"replicas": 2}}"#,
    );
    assert_refused(&bad, &["not a configuration export", "Kubernetes manifest"]);
}

#[test]
fn html_page_saved_instead_of_the_export_is_refused() {
    let dir = scratch("html");
    let bad = write(&dir, "export.json", b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head></html>\n");
    assert_refused(&bad, &["line 1, column 1", "not JSON", "HTML page"]);
}

#[test]
fn nonexistent_path_is_refused() {
    assert_eq!(assert_refused("tests/fixtures/cli/no-such-export.json", &[]), "there is no such file");
}

#[test]
fn million_deep_nesting_is_refused_without_overflowing_the_stack() {
    let dir = scratch("deep");
    let depth = 1_000_000;
    let arrays = "[".repeat(depth) + &"]".repeat(depth);
    let bad = write(&dir, "arrays.json", arrays.as_bytes());
    assert_refused(&bad, &["line 1, column 128", "nested too deeply"]);
    let objects = "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
    let bad = write(&dir, "objects.json", objects.as_bytes());
    assert_refused(&bad, &["line 1, column ", "nested too deeply"]);
}

#[test]
fn several_bad_files_each_get_one_line() {
    let dir = scratch("several");
    let empty = write(&dir, "empty.json", b"");
    let missing = dir.join("missing.json").to_str().unwrap().to_string();
    let run = keyhole(&["audit", &empty, HIGH, &missing, "--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, format!("keyhole: {empty}: the file is empty\nkeyhole: {missing}: there is no such file\n"));
    let report = run.json();
    let files: Vec<&str> = report["inputs"].as_array().unwrap().iter().map(|i| i["file"].as_str().unwrap()).collect();
    assert_eq!(files, [empty.as_str(), HIGH, missing.as_str()]);
    assert_eq!(findings_in(&report, HIGH).len(), HIGH_FINDINGS);
}

// ---------------------------------------------------------------------------------------------
// Directories and standard input

#[test]
fn directory_is_searched_recursively_for_export_files_only() {
    let dir = scratch("directory");
    write(&dir, "a.json", &read(CLEAN));
    write(&dir, "nested/deeper/b.json.gz", &gzip(&read(HIGH)));
    write(&dir, "nested/C.JSON", &read(CLEAN));
    let snapshot: Value = serde_json::from_slice(&read("tests/fixtures/aws/formats/config-snapshot.json")).unwrap();
    let lines: String = snapshot["configurationItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| serde_json::to_string(item).unwrap() + "\n")
        .collect();
    write(&dir, "items.jsonl", lines.as_bytes());
    write(&dir, "items.ndjson", lines.as_bytes());
    // Not export files: never read (each would be an input error if it were).
    write(&dir, "README.md", b"# exports\n");
    write(&dir, "notes.txt", b"not json");
    write(&dir, "export.yaml", b"Resources: {}\n");
    write(&dir, "picture.png", b"\x89PNG\r\n\x1a\n\0\0");
    write(&dir, "nested/export.json.bak", b"{");
    write(&dir, "nested/export.json~", b"{");

    let run = keyhole(&["audit", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let report = run.json();
    let files: Vec<String> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(i["error"], Value::Null, "{i}");
            Path::new(i["file"].as_str().unwrap()).strip_prefix(&dir).unwrap().to_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(files, ["a.json", "items.jsonl", "items.ndjson", "nested/C.JSON", "nested/deeper/b.json.gz"]);
    let formats: Vec<&str> =
        report["inputs"].as_array().unwrap().iter().map(|i| i["format"].as_str().unwrap()).collect();
    assert_eq!(formats[1], "aws-config-items");
    assert_eq!(formats[2], "aws-config-items");
    let gz = dir.join("nested/deeper/b.json.gz");
    assert_eq!(findings_in(&report, gz.to_str().unwrap()).len(), HIGH_FINDINGS);
}

#[test]
fn directory_with_no_export_files_exits_2() {
    let dir = scratch("no-exports");
    write(&dir, "README.md", b"# nothing here\n");
    let run = keyhole(&["audit", dir.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no input files found"), "{}", run.stderr);
    assert!(run.stderr.contains(".json.gz"), "says which files are searched: {}", run.stderr);
}

#[test]
fn directory_skips_gz_files_that_are_not_json() {
    let dir = scratch("other-gz");
    write(&dir, "export.json", &read(CLEAN));
    write(&dir, "access-log.txt.gz", &gzip(b"GET /index.html 200\n"));
    write(&dir, "backup.tar.gz", &gzip(&[0; 1024]));
    let run = keyhole(&["audit", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "only .json.gz is searched for, as the CLI says: {}", run.stderr);
    assert_eq!(run.json()["inputs"].as_array().unwrap().len(), 1);
}

#[cfg(unix)]
#[test]
fn directory_symlink_loop_reads_each_file_once() {
    let dir = scratch("symlink-loop");
    write(&dir, "export.json", &read(CLEAN));
    std::os::unix::fs::symlink(".", dir.join("loop")).unwrap();
    let run = keyhole(&["audit", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr.lines().next().unwrap_or_default());
    assert_eq!(run.json()["inputs"].as_array().unwrap().len(), 1);
}

#[test]
fn dash_reads_standard_input() {
    let run = keyhole_with(&["audit", "-", "--format", "json"], Some(&read(HIGH)));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["inputs"][0]["file"], "<stdin>");
    assert_eq!(report["inputs"][0]["format"], "aws-cli-describe-security-groups");
    assert_eq!(findings_in(&report, "<stdin>").len(), HIGH_FINDINGS);

    // With files, gzipped (as `aws ... | gzip` would be), in command-line order.
    let run = keyhole_with(&["audit", CLEAN, "-", "--format", "json"], Some(&gzip(&read(HIGH))));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["inputs"][0]["file"], CLEAN);
    assert_eq!(report["inputs"][1]["file"], "<stdin>");
    assert_eq!(findings_in(&report, "<stdin>").len(), HIGH_FINDINGS);

    // Nothing on standard input is an empty file.
    let run = keyhole_with(&["audit", "-", HIGH], Some(b""));
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "keyhole: <stdin>: the file is empty\n");
}

// ---------------------------------------------------------------------------------------------
// Output formats

#[test]
fn json_report_has_the_documented_fields() {
    let run = keyhole(&["audit", HIGH, CLEAN, "--format", "json"]);
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(report["schema"], "keyhole-report/1");
    assert_eq!(report["tool"], serde_json::json!({ "name": "keyhole", "version": keyhole::VERSION }));
    for entry in report["inputs"].as_array().unwrap() {
        for key in ["file", "format", "resources", "skipped", "error"] {
            assert!(entry.get(key).is_some(), "inputs[].{key} in {entry}");
        }
    }
    assert_eq!(input(&report, CLEAN)["resources"], 2);
    assert_eq!(input(&report, HIGH)["resources"], 4);
    let source: Value = serde_json::from_slice(&read(HIGH)).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), HIGH_FINDINGS);
    for finding in findings {
        for key in
            ["rule", "severity", "verdict", "title", "message", "resource", "evidence", "sensitive", "remediation"]
        {
            assert!(finding.get(key).is_some(), "findings[].{key} in {finding}");
        }
        for key in ["provider", "type", "id", "name", "account", "region"] {
            assert!(finding["resource"].get(key).is_some(), "findings[].resource.{key} in {finding}");
        }
        assert_eq!(finding["resource"]["provider"], "aws");
        assert_eq!(finding["verdict"], "exposed");
        for evidence in finding["evidence"].as_array().unwrap() {
            assert_eq!(evidence["file"], HIGH);
            assert!(evidence["note"].as_str().is_some_and(|n| !n.is_empty()));
            // The pointer resolves in the input file.
            let pointer = evidence["pointer"].as_str().unwrap();
            assert!(source.pointer(pointer).is_some(), "{pointer} does not resolve in {HIGH}");
        }
    }
    let summary = &report["summary"];
    assert_eq!(*summary, serde_json::json!({ "critical": 0, "high": 4, "medium": 0, "low": 0, "info": 0 }));
    // And it reads back as the library's report type.
    let typed: Report = serde_json::from_value(report.clone()).unwrap();
    assert_eq!(typed.summary.total(), typed.findings.len());
}

#[test]
fn output_option_writes_the_file_and_nothing_to_stdout() {
    let dir = scratch("output");
    for format in ["json", "sarif", "csv", "text"] {
        let out = dir.join(format!("report.{format}"));
        let run = keyhole(&["audit", HIGH, "--format", format, "--output", out.to_str().unwrap()]);
        assert_eq!(run.code, 1, "the exit code still reflects the findings");
        assert_eq!(run.stdout, "", "--format {format}");
        assert_eq!(run.stderr, "");
        let written = std::fs::read_to_string(&out).unwrap();
        let printed = keyhole(&["audit", HIGH, "--format", format]).stdout;
        assert_eq!(written, printed, "--output writes what stdout would show (--format {format})");
    }
    let run = keyhole(&["audit", HIGH, "-o", dir.join("short.json").to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.stdout, "");
    assert_eq!(
        serde_json::from_slice::<Value>(&std::fs::read(dir.join("short.json")).unwrap()).unwrap()["schema"],
        "keyhole-report/1"
    );
}

#[test]
fn output_to_an_unwritable_place_exits_2() {
    let dir = scratch("unwritable");
    let out = dir.join("no-such-dir").join("report.json");
    let run = keyhole(&["audit", CLEAN, "--output", out.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with(&format!("keyhole: could not write {}", out.display())), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1);
}

#[test]
fn csv_has_a_header_and_one_row_per_finding_with_formulas_defused() {
    let run = keyhole(&["audit", HIGH, DEMO, "--format", "csv"]);
    assert_eq!(run.code, 1);
    let rows = parse_csv(&run.stdout);
    let header = [
        "severity",
        "verdict",
        "rule",
        "title",
        "resource_type",
        "resource_name",
        "resource_id",
        "account",
        "region",
        "message",
        "file",
        "pointer",
        "sensitive",
        "remediation",
    ];
    assert_eq!(rows[0], header);
    let report = keyhole(&["audit", HIGH, DEMO, "--format", "json"]).json();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(rows.len() - 1, findings.len(), "one row per finding");
    for (row, finding) in rows[1..].iter().zip(findings) {
        assert_eq!(row.len(), header.len());
        assert_eq!(row[0], finding["severity"]);
        assert_eq!(row[2], finding["rule"]);
        assert_eq!(row[6], finding["resource"]["id"]);
        assert_eq!(row[11], finding["evidence"][0]["pointer"]);
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "cell {cell:?} would run as a formula");
        }
    }
    let names: Vec<&str> = rows[1..].iter().filter(|r| r[10] == HIGH).map(|r| r[5].as_str()).collect();
    assert_eq!(names, ["'=cmd|' /C calc'!A0", "'+SUM(1,1)", "'@import-jump", "'-2+3 bastion"]);
}

#[test]
fn text_has_severity_headings_a_summary_line_and_no_ansi_escapes() {
    let run = keyhole(&["audit", DEMO, "--format", "text"]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains('\x1b'), "no ANSI escapes when stdout is not a terminal");
    let summary = keyhole(&["audit", DEMO, "--format", "json"]).json()["summary"].clone();
    let count = |s: &str| summary[s].as_u64().unwrap();
    let mut at = 0;
    for severity in ["critical", "high", "medium", "low", "info"] {
        let heading = format!("\n{} ({})\n", severity.to_uppercase(), count(severity));
        let heading = &heading[if at == 0 { 1 } else { 0 }..];
        match run.stdout.find(heading) {
            Some(found) if count(severity) > 0 => {
                assert!(found >= at, "{severity} comes after the more severe groups");
                at = found;
            }
            None if count(severity) == 0 => {}
            other => panic!("heading {heading:?}: {other:?}\n{}", run.stdout),
        }
    }
    let total: u64 = ["critical", "high", "medium", "low", "info"].iter().map(|s| count(s)).sum();
    let line = format!(
        "\n{} critical, {} high, {} medium, {} low, {} info: {total} findings in 1 file\n",
        count("critical"),
        count("high"),
        count("medium"),
        count("low"),
        count("info")
    );
    assert!(run.stdout.ends_with(&line), "summary line {line:?}:\n{}", run.stdout);

    // Also plain when colour would otherwise be possible but output goes to a file.
    let dir = scratch("text");
    let out = dir.join("report.txt");
    keyhole(&["audit", DEMO, "--output", out.to_str().unwrap()]);
    assert!(!std::fs::read_to_string(out).unwrap().contains('\x1b'));
}

#[test]
fn text_report_snapshot() {
    let run = keyhole(&["audit", HIGH]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("\n  aws-ec2-security-group-open-admin-port  ").count(), HIGH_FINDINGS);
    insta::assert_snapshot!("text_report_formula_names", run.stdout);
}

#[test]
fn findings_are_deterministic_and_in_the_documented_order() {
    let mut args = vec!["audit", "--format", "json", DEMO, HIGH];
    args.extend_from_slice(MIXED_INPUTS);
    let first = keyhole(&args);
    let second = keyhole(&args);
    assert_eq!(first.code, 1);
    assert_eq!(first.stdout, second.stdout, "byte-identical JSON");
    for format in ["sarif", "csv", "text"] {
        args[2] = format;
        assert_eq!(keyhole(&args).stdout, keyhole(&args).stdout, "byte-identical {format}");
    }
    let report = first.json();
    let keys: Vec<_> = report["findings"].as_array().unwrap().iter().map(order_key).collect();
    assert!(keys.len() > 50, "{} findings", keys.len());
    for pair in keys.windows(2) {
        assert!(pair[0] <= pair[1], "out of order: {:?} before {:?}", pair[0], pair[1]);
    }
    // The order does not depend on the order of the files on the command line.
    let mut reversed = vec!["audit", "--format", "json"];
    reversed.extend(MIXED_INPUTS.iter().rev());
    reversed.extend([HIGH, DEMO]);
    let again = keyhole(&reversed).json();
    let ids = |r: &Value| -> Vec<(Value, Value)> {
        r["findings"].as_array().unwrap().iter().map(|f| (f["rule"].clone(), f["resource"]["id"].clone())).collect()
    };
    assert_eq!(ids(&report), ids(&again));
}

// ---------------------------------------------------------------------------------------------
// rules and explain

#[test]
fn rules_lists_every_rule() {
    let catalogue = keyhole::rules::catalogue();
    assert!(!catalogue.is_empty());
    let run = keyhole(&["rules"]);
    assert_eq!(run.code, 0);
    let listed: Vec<&str> = run.stdout.lines().map(|l| l.split_whitespace().next().unwrap()).collect();
    let ids: Vec<&str> = catalogue.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(listed, ids);
    for rule in &catalogue {
        let line = run.stdout.lines().find(|l| l.starts_with(&format!("{} ", rule.id))).unwrap();
        assert!(line.contains(rule.severity.as_str()) && line.contains(&rule.title), "{line}");
    }

    let json: Value = serde_json::from_str(&keyhole(&["rules", "--format", "json"]).stdout).unwrap();
    let json_ids: Vec<&str> = json.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(json_ids, ids);

    let markdown = keyhole(&["rules", "--format", "markdown"]);
    assert_eq!(markdown.code, 0);
    for id in &ids {
        assert!(markdown.stdout.contains(&format!("## {id}\n")), "{id} in the markdown");
    }
}

#[test]
fn explain_prints_a_rules_documentation() {
    let run = keyhole(&["explain", "aws-s3-bucket-public-acl"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stderr, "");
    assert!(run.stdout.starts_with("## aws-s3-bucket-public-acl\n"), "{}", run.stdout);
    let mut at = 0;
    for section in ["### What it does\n", "### Why it matters\n", "### How to fix\n"] {
        let found = run.stdout.find(section).unwrap_or_else(|| panic!("{section:?} in\n{}", run.stdout));
        assert!(found > at, "{section:?} in order");
        at = found;
    }
    for rule in keyhole::rules::catalogue() {
        let run = keyhole(&["explain", &rule.id]);
        assert_eq!(run.code, 0, "{}", rule.id);
        assert!(run.stdout.contains("### How to fix"), "{}", rule.id);
    }
}

#[test]
fn explain_unknown_rule_exits_2_with_a_helpful_message() {
    let run = keyhole(&["explain", "nope"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("`nope`") && run.stderr.contains("keyhole rules"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1);
}

// ---------------------------------------------------------------------------------------------
// The CLI and the library agree

#[test]
fn cli_json_matches_the_library_audit() {
    let cases: Vec<Vec<&str>> = vec![vec![HIGH], vec![DEMO], vec![MIXED_SNAPSHOT], MIXED_INPUTS.to_vec()];
    for files in cases {
        let mut args = vec!["audit", "--format", "json", "--fail-on", "never"];
        args.extend_from_slice(&files);
        let run = keyhole(&args);
        assert_eq!(run.code, 0, "{files:?}: {}", run.stderr);
        let cli: Report = serde_json::from_str(&run.stdout).unwrap();

        let bytes: Vec<Vec<u8>> = files.iter().map(|f| read(f)).collect();
        let inputs: Vec<InputFile> = files.iter().zip(&bytes).map(|(name, bytes)| InputFile { name, bytes }).collect();
        let library = keyhole::audit(&inputs, &Options::default());

        assert_eq!(cli.findings.len(), library.findings.len(), "{files:?}: finding count");
        assert_eq!(cli.summary, library.summary, "{files:?}: counts per severity");
        assert_eq!(cli.inputs.len(), library.inputs.len());
        assert_eq!(cli, library, "{files:?}: the same report");
    }
}

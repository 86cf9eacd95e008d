//! Every real-shape sample under `tests/fixtures/aws/formats/` is recognised
//! by its content as the format its name says, read without error, and yields
//! resources; outputs that do not say what they describe are refused with a
//! sentence that says how to export them instead.

use std::path::Path;

use keyhole::{audit, InputFile, Options};

/// Samples that cannot be read alone, and the command the error names.
const ANONYMOUS: &[(&str, &str)] = &[
    ("cli-s3api-get-bucket-acl.json", "get-bucket-acl"),
    ("cli-s3api-get-bucket-encryption.json", "get-bucket-encryption"),
    ("cli-s3api-get-bucket-logging.json", "get-bucket-logging"),
    ("cli-s3api-get-bucket-ownership-controls.json", "get-bucket-ownership-controls"),
    ("cli-s3api-get-bucket-policy.json", "get-bucket-policy"),
    ("cli-s3api-list-buckets.json", "list-buckets"),
    ("cli-kms-get-key-policy.json", "get-key-policy"),
    ("cli-lambda-get-policy.json", "get-policy"),
    ("cli-lambda-get-function-url-config.json", "get-function-url-config"),
    ("cli-sts-get-caller-identity.json", "get-caller-identity"),
];

#[test]
fn every_sample_is_recognised_by_content() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/aws/formats");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        // A neutral name: detection must not depend on it.
        let report = audit(&[InputFile { name: "upload.json", bytes: &bytes }], &Options::default());
        let input = &report.inputs[0];
        if let Some((_, command)) = ANONYMOUS.iter().find(|(file, _)| *file == name) {
            let error = input.error.as_deref().unwrap_or_else(|| panic!("{name} should be refused"));
            assert!(error.contains(command) && error.contains("bundle"), "{name}: {error}");
        } else {
            assert_eq!(input.error, None, "{name}");
            assert!(input.resources > 0, "{name}: no resources read");
            let format = input.format.as_deref().unwrap();
            let expected = if name.starts_with("config-snapshot") {
                "aws-config-snapshot"
            } else if name.starts_with("config-") {
                "aws-config-items"
            } else if name.starts_with("keyhole-") {
                "keyhole-aws-export"
            } else {
                "aws-cli-"
            };
            assert!(format.starts_with(expected), "{name}: read as {format}");
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} samples");
}

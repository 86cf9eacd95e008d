//! Large AWS exports read one record at a time. An AWS Config snapshot, a
//! page of Config items or a bundle is a small envelope around one long
//! list; parsing the list's elements one by one (the envelope skims them as
//! raw text) keeps memory near the size of the file and the working set in
//! cache, instead of building one tree for the whole file.
//!
//! Anything unexpected returns `None`, and the caller falls back to parsing
//! the whole document, which also gives located error messages.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::model::Origin;
use crate::sources::{Collector, Node};

use super::{bundle, config};

/// The envelope of a big export: its long lists skimmed as raw text in one
/// pass, everything else skipped.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    keyhole: Option<&'a RawValue>,
    #[serde(borrow)]
    calls: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    account: Option<&'a RawValue>,
    #[serde(borrow)]
    region: Option<&'a RawValue>,
    #[serde(rename = "fileVersion", borrow)]
    file_version: Option<&'a RawValue>,
    #[serde(rename = "configurationItems", borrow)]
    configuration_items: Option<Vec<&'a RawValue>>,
    #[serde(rename = "baseConfigurationItems", borrow)]
    base_configuration_items: Option<Vec<&'a RawValue>>,
    #[serde(rename = "Results", borrow)]
    results: Option<Vec<&'a RawValue>>,
}

fn parse(raw: &RawValue) -> Option<Value> {
    serde_json::from_str(raw.get()).ok()
}

/// Adapts each element in turn. The envelope's parse already checked the
/// syntax, so an element fails here only by going past the nesting limit;
/// it is then listed as skipped and the others are still read.
fn each(list: &[&RawValue], key: &str, collector: &mut Collector, mut adapt: impl FnMut(Node, &mut Collector)) {
    for (i, raw) in list.iter().enumerate() {
        let at = Origin::new(collector.file, format!("/{key}/{i}"));
        match parse(raw) {
            Some(value) => adapt(Node::new(&value, at), collector),
            None => collector.skip(&at, "this record could not be read: it is nested too deeply"),
        }
    }
}

pub fn adapt(text: &str, collector: &mut Collector) -> Option<&'static str> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    // Anything else than the expected shape (a list that is not a list, a
    // repeated key) falls back to the whole parse.
    let envelope: Envelope = serde_json::from_str(text).ok()?;
    if let Some(marker) = envelope.keyhole {
        if parse(marker)?.as_str() != Some(bundle::MARKER) {
            return None;
        }
        let calls = envelope.calls?;
        let field = |raw: Option<&RawValue>| raw.and_then(parse).and_then(|v| v.as_str().map(str::to_string));
        let mut scope = bundle::Scope { account: field(envelope.account), region: field(envelope.region) };
        if scope.account.is_none() {
            scope.account = calls.iter().filter(|raw| raw.get().contains("get-caller-identity")).find_map(|raw| {
                let value = parse(raw)?;
                bundle::caller_account(&Node::new(&value, Origin::new(collector.file, "")))
            });
        }
        each(&calls, "calls", collector, |node, c| bundle::adapt_entry(&node, &scope, c));
        return Some("keyhole-aws-export");
    }
    if envelope.file_version.is_some() {
        let items = envelope.configuration_items?;
        each(&items, "configurationItems", collector, |node, c| config::adapt_node(node, true, c));
        return Some("aws-config-snapshot");
    }
    for (key, list) in [
        ("configurationItems", envelope.configuration_items),
        ("baseConfigurationItems", envelope.base_configuration_items),
    ] {
        if let Some(items) = list {
            each(&items, key, collector, |node, c| config::adapt_node(node, true, c));
            return Some("aws-config-items");
        }
    }
    if let Some(results) = envelope.results {
        if !results.iter().all(|r| r.get().starts_with('"')) {
            return None;
        }
        each(&results, "Results", collector, |node, c| config::adapt_select_result(&node, c));
        return Some("aws-config-items");
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::decode::{parse, Document};
    use crate::model::Model;
    use crate::sources::{self, Collector};

    fn both_ways(text: &str) -> (String, String) {
        let mut streamed = Model::default();
        let mut c = Collector::new(&mut streamed, 0);
        let format = super::adapt(text, &mut c).expect("streams");
        let (skipped_streamed, count_streamed) = (c.skipped.clone(), c.resources);
        let mut whole = Model::default();
        let mut c = Collector::new(&mut whole, 0);
        let document = parse(text).unwrap();
        assert!(matches!(document, Document::Single(_)));
        assert_eq!(sources::adapt(&document, &mut c).unwrap(), format);
        assert_eq!((c.skipped.clone(), c.resources), (skipped_streamed, count_streamed));
        (format!("{:?}", streamed.resources()), format!("{:?}", whole.resources()))
    }

    #[test]
    fn streaming_gives_the_same_model_as_a_whole_parse() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/");
        for file in [
            "rules/aws-s3-bucket-public-acl/invalid.json",
            "rules/aws-s3-bucket-public-acl/invalid-bundle.json",
            "aws/mixed/bundle.json",
            "aws/mixed/select-resource-config.json",
            "aws/formats/config-history.json",
            "aws/formats/config-batch.json",
        ] {
            let text = std::fs::read_to_string(format!("{root}{file}")).unwrap();
            let (streamed, whole) = both_ways(&text);
            assert_eq!(streamed, whole, "{file}");
        }
    }

    #[test]
    fn an_item_nested_too_deeply_is_skipped_and_the_rest_read() {
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        let text = format!(
            r#"{{"fileVersion":"1.0","configurationItems":[{{"resourceType":"AWS::S3::Bucket","resourceName":"a","configuration":{deep}}},{{"resourceType":"AWS::S3::Bucket","resourceName":"b","supplementaryConfiguration":{{}}}}]}}"#
        );
        let mut model = Model::default();
        let mut c = Collector::new(&mut model, 0);
        assert_eq!(super::adapt(&text, &mut c), Some("aws-config-snapshot"));
        assert_eq!(c.resources, 1);
        assert_eq!(c.skipped.len(), 1);
        assert_eq!(c.skipped[0].pointer, "/configurationItems/0");
    }

    #[test]
    fn other_documents_are_left_to_the_whole_parse() {
        let mut model = Model::default();
        let mut c = Collector::new(&mut model, 0);
        assert_eq!(super::adapt(r#"{"SecurityGroups": []}"#, &mut c), None);
        assert_eq!(super::adapt(r#"[1, 2]"#, &mut c), None);
        assert_eq!(super::adapt(r#"{"fileVersion": "1.0", "configurationItems": [1,"#, &mut c), None);
        assert_eq!(c.resources, 0);
    }
}

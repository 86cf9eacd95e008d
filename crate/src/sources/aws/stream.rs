//! Large AWS exports read one record at a time. An AWS Config snapshot, a
//! page of Config items or a bundle is a small envelope around one long
//! list; parsing the list's elements one by one (the envelope skims them as
//! raw text) keeps memory near the size of the file and the working set in
//! cache, instead of building one tree for the whole file.
//!
//! Anything unexpected returns `None`, and the caller falls back to parsing
//! the whole document, which also gives located error messages.

use std::borrow::Cow;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::model::Origin;
use crate::sources::{Collector, Node};

use super::{bundle, config};

/// The envelope of a big export: its long lists skimmed as raw text in one
/// pass, everything else skipped.
#[derive(Default)]
struct Envelope<'a> {
    keyhole: Option<&'a RawValue>,
    calls: Option<Vec<&'a RawValue>>,
    account: Option<&'a RawValue>,
    region: Option<&'a RawValue>,
    file_version: Option<&'a RawValue>,
    configuration_items: Option<Vec<&'a RawValue>>,
    base_configuration_items: Option<Vec<&'a RawValue>>,
    results: Option<Vec<&'a RawValue>>,
}

/// Top-level keys that mark another format (Terraform, CloudFormation, ARM):
/// the skim stops at the first one instead of reading the whole document
/// only to find no AWS envelope.
const FOREIGN_KEYS: &[&str] = &[
    "format_version",
    "terraform_version",
    "planned_values",
    "resource_changes",
    "prior_state",
    "values",
    "configuration",
    "AWSTemplateFormatVersion",
    "Resources",
    "$schema",
    "contentVersion",
];

impl<'de> Deserialize<'de> for Envelope<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Envelope<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an AWS export envelope")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        // `null` reads as absent, as it does for an `Option` field.
        fn set<T, E: de::Error>(slot: &mut Option<T>, value: Option<T>, key: &str) -> Result<(), E> {
            // A repeated key is left to the whole parse, which has one rule for it.
            if slot.is_some() {
                return Err(E::custom(format_args!("duplicate key {key}")));
            }
            *slot = value;
            Ok(())
        }
        let mut envelope = Envelope::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "keyhole" => set(&mut envelope.keyhole, map.next_value()?, &key)?,
                "calls" => set(&mut envelope.calls, map.next_value()?, &key)?,
                "account" => set(&mut envelope.account, map.next_value()?, &key)?,
                "region" => set(&mut envelope.region, map.next_value()?, &key)?,
                "fileVersion" => set(&mut envelope.file_version, map.next_value()?, &key)?,
                "configurationItems" => set(&mut envelope.configuration_items, map.next_value()?, &key)?,
                "baseConfigurationItems" => set(&mut envelope.base_configuration_items, map.next_value()?, &key)?,
                "Results" => set(&mut envelope.results, map.next_value()?, &key)?,
                other if FOREIGN_KEYS.contains(&other) => {
                    return Err(de::Error::custom("not an AWS export envelope"));
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(envelope)
    }
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

//! CloudFormation templates, JSON and YAML. Being written.

use crate::sources::{Collector, Node};

pub fn adapt(_root: &Node, _collector: &mut Collector) -> Option<&'static str> {
    None
}

/// A template that is not JSON: YAML, with short-form intrinsic tags.
/// `None` when the text is not a YAML CloudFormation template.
pub fn adapt_yaml(_text: &str, _collector: &mut Collector) -> Option<Result<&'static str, String>> {
    None
}

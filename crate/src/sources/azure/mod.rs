//! Azure: ARM templates, `az` CLI outputs, Resource Graph exports and the
//! Keyhole Azure bundle. Being written.

use crate::sources::{Collector, Node};

pub fn adapt(_root: &Node, _collector: &mut Collector) -> Option<&'static str> {
    None
}

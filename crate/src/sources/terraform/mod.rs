//! Terraform `terraform show -json` output (plans and state). Being written.

use crate::sources::{Collector, Node};

pub fn adapt(_root: &Node, _collector: &mut Collector) -> Option<&'static str> {
    None
}

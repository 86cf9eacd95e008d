//! Azure rules, one file each, grouped by service. Being written.

use super::Rule;

/// Every Azure rule, in catalogue order.
pub static RULES: &[&dyn Rule] = &[];

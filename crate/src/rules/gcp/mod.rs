//! GCP rules, one file each, grouped by service. Being written.

use super::Rule;

/// Every GCP rule, in catalogue order.
pub static RULES: &[&dyn Rule] = &[];

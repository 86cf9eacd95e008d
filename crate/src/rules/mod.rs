//! The rule registry. Each rule lives in its own file under
//! `rules/<provider>/<service>/`, holding its metadata, its documentation and
//! its logic; this module lists them and runs them.

pub mod aws;
mod context;
mod meta;

pub use context::{Context, Hit};
pub use meta::{Equivalent, Fix, RuleDoc, RuleMeta};

use crate::model::Resource;

/// A check over one resource of the model.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Pushes zero or more hits for this resource.
    fn check(&self, resource: &Resource, ctx: &Context, hits: &mut Vec<Hit>);
}

/// Every rule, in catalogue order. Ids are stable and never reused.
pub fn registry() -> &'static [&'static dyn Rule] {
    aws::RULES
}

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    registry().iter().copied().find(|r| r.meta().id.eq_ignore_ascii_case(id))
}

/// The documentation of every rule, for `keyhole rules`, the page and the
/// generated `docs/rules.md`.
pub fn catalogue() -> Vec<RuleDoc> {
    registry().iter().map(|r| RuleDoc::from(r.meta())).collect()
}

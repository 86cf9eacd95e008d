//! Snapshot sharing, for `aws-ec2-snapshot-public` and
//! `aws-rds-snapshot-public`: the `createVolumePermission` or `restore`
//! attribute includes the value `all`.

use crate::model::{Origin, Snapshot, Truth};

/// Whether the snapshot is shared with every AWS account. `None` when the
/// upload does not hold its sharing attribute, or it is shared with named
/// accounts only. The origins point at the `all` values (or at what could
/// not be resolved).
pub fn shared_with_all(snapshot: &Snapshot) -> Option<(Truth, Vec<Origin>)> {
    let shared = snapshot.shared_with.as_ref()?;
    let Some(values) = shared.known() else {
        return Some((Truth::Unknown, vec![shared.at.clone()]));
    };
    let all: Vec<Origin> = values
        .iter()
        .filter(|v| v.known().is_some_and(|text| text.eq_ignore_ascii_case("all")))
        .map(|v| v.at.clone())
        .collect();
    if !all.is_empty() {
        return Some((Truth::Yes, all));
    }
    let unresolved: Vec<Origin> = values.iter().filter(|v| v.known().is_none()).map(|v| v.at.clone()).collect();
    if unresolved.is_empty() {
        None
    } else {
        Some((Truth::Unknown, unresolved))
    }
}

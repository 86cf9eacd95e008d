//! IAM policies (`{"bindings": [{"role", "members", "condition"}]}`), as
//! Cloud Asset Inventory, `gcloud ... get-iam-policy` and
//! `asset search-all-iam-policies` print them.

use crate::model::Grant;
use crate::sources::Node;

/// One grant per member of each binding. A binding with a `condition` is
/// conditional: it applies only when its expression holds, which Keyhole
/// does not evaluate.
pub fn grants(policy: &Node) -> Vec<Grant> {
    let mut out = Vec::new();
    for binding in policy.get("bindings").into_iter().flat_map(|b| b.items().collect::<Vec<_>>()) {
        let Some(role) = binding.get("role").and_then(|r| r.string()) else { continue };
        let conditional = binding.get("condition").is_some();
        for member in binding.get("members").into_iter().flat_map(|m| m.items().collect::<Vec<_>>()) {
            if let Some(name) = member.str() {
                out.push(Grant { role: role.clone(), member: name.to_string(), conditional, at: member.at.clone() });
            }
        }
    }
    out
}

/// True when the value looks like an IAM policy and nothing else: the shape
/// of a standalone `get-iam-policy` output.
pub fn is_policy(node: &Node) -> bool {
    let Some(map) = node.value.as_object() else { return false };
    let known = ["bindings", "etag", "version", "auditConfigs"];
    map.get("bindings").is_some_and(|b| b.is_array()) && map.keys().all(|k| known.contains(&k.as_str()))
        || (map.contains_key("etag") && !map.is_empty() && map.keys().all(|k| known.contains(&k.as_str())))
}

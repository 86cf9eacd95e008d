//! A Terraform attribute value read together with its "unknown until apply"
//! marker, so that an unknown value becomes an unresolved attribute instead
//! of an absent one.
//!
//! In a plan, `planned_values` (and `resource_changes[].change.after`) leave
//! out a value Terraform only learns at apply time; the parallel
//! `change.after_unknown` tree marks it `true` at the same path. A [`Val`]
//! walks both trees in step. An unknown value's origin is that `true`
//! marker: resolving the evidence pointer on the plan shows why the value
//! could not be judged.

use serde_json::Value;

use crate::model::{Attr, Origin, PolicyDoc};
use crate::sources::Node;

/// What a value turned out to be.
pub enum Read<'a> {
    Known(Node<'a>),
    /// Known only after apply; the origin is the `after_unknown` marker.
    Unknown(Origin),
    /// Not set (absent or `null`).
    Absent,
}

/// A value of the plan or state, with its `after_unknown` counterpart.
#[derive(Debug, Clone, Default)]
pub struct Val<'a> {
    pub known: Option<Node<'a>>,
    pub unknown: Option<Node<'a>>,
}

fn is_marker(node: &Node) -> bool {
    node.value.as_bool() == Some(true)
}

impl<'a> Val<'a> {
    pub fn new(known: Option<Node<'a>>, unknown: Option<Node<'a>>) -> Self {
        Val { known, unknown }
    }

    /// The member `key`. Inside a value that is unknown as a whole, every
    /// member is unknown too.
    pub fn get(&self, key: &str) -> Val<'a> {
        let unknown = match &self.unknown {
            Some(marker) if is_marker(marker) => Some(marker.clone()),
            Some(marker) => marker.get(key),
            None => None,
        };
        Val { known: self.known.as_ref().and_then(|n| n.get(key)), unknown }
    }

    pub fn read(&self) -> Read<'a> {
        if let Some(marker) = self.unknown.as_ref().filter(|m| is_marker(m)) {
            return Read::Unknown(marker.at.clone());
        }
        match &self.known {
            Some(node) => Read::Known(node.clone()),
            None => Read::Absent,
        }
    }

    pub fn is_unknown(&self) -> bool {
        self.unknown.as_ref().is_some_and(is_marker)
    }

    /// Elements of a list or set. Unknown elements are `null` in the planned
    /// values and `true` at the same index of the marker list.
    pub fn items(&self) -> Vec<Val<'a>> {
        if self.is_unknown() {
            return Vec::new();
        }
        let markers: Vec<Node<'a>> = self.unknown.as_ref().map(|u| u.items().collect()).unwrap_or_default();
        match self.known.as_ref().filter(|n| n.value.is_array()) {
            Some(list) => list
                .items()
                .enumerate()
                .map(|(i, item)| Val {
                    known: (!item.value.is_null()).then_some(item),
                    unknown: markers.get(i).cloned(),
                })
                .collect(),
            None => markers.into_iter().map(|m| Val { known: None, unknown: Some(m) }).collect(),
        }
    }

    /// The first element of a nested block list (`rule`, `network_rules`...).
    pub fn first(&self) -> Val<'a> {
        if self.is_unknown() {
            return self.clone();
        }
        self.items().into_iter().next().unwrap_or_default()
    }

    pub fn str(&self) -> Option<&'a str> {
        match self.read() {
            Read::Known(node) => node.str(),
            _ => None,
        }
    }

    pub fn string(&self) -> Option<String> {
        match self.read() {
            Read::Known(node) => node.string(),
            _ => None,
        }
    }

    pub fn int(&self) -> Option<i64> {
        match self.read() {
            Read::Known(node) => node.int(),
            _ => None,
        }
    }

    /// Where the value is, or where it is marked unknown.
    pub fn at(&self) -> Option<Origin> {
        match self.read() {
            Read::Known(node) => Some(node.at),
            Read::Unknown(at) => Some(at),
            Read::Absent => None,
        }
    }

    pub fn bool_attr(&self) -> Option<Attr<bool>> {
        match self.read() {
            Read::Known(node) => Some(node.bool_attr()),
            Read::Unknown(at) => Some(Attr::unresolved(at)),
            Read::Absent => None,
        }
    }

    pub fn string_attr(&self) -> Option<Attr<String>> {
        match self.read() {
            Read::Known(node) => Some(node.string_attr()),
            Read::Unknown(at) => Some(Attr::unresolved(at)),
            Read::Absent => None,
        }
    }

    /// A non-empty string attribute; Terraform writes `""` for unset
    /// optional strings.
    pub fn text_attr(&self) -> Option<Attr<String>> {
        match self.read() {
            Read::Known(node) if node.str().is_some_and(|s| s.trim().is_empty()) => None,
            _ => self.string_attr(),
        }
    }

    /// A boolean that the model spells `Enabled` / `Disabled` (Azure's
    /// `publicNetworkAccess`).
    pub fn enabled_attr(&self) -> Option<Attr<String>> {
        self.bool_attr().map(|flag| match flag.value {
            Some(on) => Attr {
                value: Some(if on { "Enabled" } else { "Disabled" }.to_string()),
                provenance: flag.provenance,
                at: flag.at,
            },
            None => Attr::unresolved(flag.at),
        })
    }

    /// A policy held as a JSON string (or, rarely, an object). An empty
    /// string means no policy.
    pub fn policy_attr(&self) -> Option<Attr<PolicyDoc>> {
        match self.read() {
            Read::Known(node) => {
                if node.str().is_some_and(|s| s.trim().is_empty()) {
                    return None;
                }
                Some(match node.document() {
                    Some(doc) => Attr::explicit(PolicyDoc { document: doc.value.into_owned() }, doc.at),
                    None => Attr::unresolved(node.at.clone()),
                })
            }
            Read::Unknown(at) => Some(Attr::unresolved(at)),
            Read::Absent => None,
        }
    }

    /// String elements of a list, each with its origin; an unknown list is
    /// one unresolved element.
    pub fn string_list(&self) -> Vec<Attr<String>> {
        if let Read::Unknown(at) = self.read() {
            return vec![Attr::unresolved(at)];
        }
        self.items()
            .iter()
            .filter_map(|item| match item.read() {
                Read::Known(node) if node.str().is_some_and(|s| s.trim().is_empty()) => None,
                _ => item.string_attr(),
            })
            .collect()
    }

    /// True when the value is a non-empty list or a non-empty object.
    pub fn has_content(&self) -> bool {
        match &self.known {
            Some(node) => match node.value {
                Value::Array(items) => !items.is_empty(),
                Value::Object(map) => !map.is_empty(),
                Value::String(s) => !s.is_empty(),
                Value::Null => false,
                _ => true,
            },
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_values_are_unresolved_at_their_marker() {
        let after = json!({"acl": "private", "list": ["a", null]});
        let marker = json!({"policy": true, "list": [false, true]});
        let val =
            Val::new(Some(Node::new(&after, Origin::new(0, "/a"))), Some(Node::new(&marker, Origin::new(0, "/u"))));
        assert_eq!(val.get("acl").str(), Some("private"));
        let policy = val.get("policy").policy_attr().unwrap();
        assert_eq!(policy.value, None);
        assert_eq!(policy.at.pointer, "/u/policy");
        let list = val.get("list").string_list();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].value.as_deref(), Some("a"));
        assert_eq!(list[1].value, None);
        assert_eq!(list[1].at.pointer, "/u/list/1");
        assert!(matches!(val.get("missing").read(), Read::Absent));
    }
}

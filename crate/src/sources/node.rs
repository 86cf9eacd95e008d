//! A JSON value together with its place in the user's file, so adapters keep
//! an evidence pointer for everything they read.

use std::borrow::Cow;

use serde_json::Value;

use crate::model::{Attr, Origin};

#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub value: &'a Value,
    pub at: Origin,
}

impl<'a> Node<'a> {
    pub fn new(value: &'a Value, at: Origin) -> Self {
        Node { value, at }
    }

    /// The member `key`, or `None` when it is absent or `null`.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        let child = self.value.as_object()?.get(key)?;
        if child.is_null() {
            return None;
        }
        Some(Node::new(child, self.at.child(key)))
    }

    /// The member `key` compared case-insensitively, since the same field is
    /// `PubliclyAccessible` in the CLI and `publiclyAccessible` in AWS Config.
    pub fn get_ci(&self, key: &str) -> Option<Node<'a>> {
        if let Some(found) = self.get(key) {
            return Some(found);
        }
        let map = self.value.as_object()?;
        // AWS Config's spelling of a CLI key is usually the same with a
        // lower-case first letter (`GroupId` → `groupId`); try it before
        // scanning every key.
        let mut chars = key.chars();
        if let Some(first) = chars.next().filter(char::is_ascii_uppercase) {
            let camel: String = first.to_ascii_lowercase().to_string() + chars.as_str();
            if let Some(found) = self.get(&camel) {
                return Some(found);
            }
        }
        let (name, child) = map.iter().find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_null())?;
        Some(Node::new(child, self.at.child(name)))
    }

    /// The place of member `key` (compared case-insensitively) when it is present but `null`
    /// and no other spelling of it has a value: a field that was there but could not be read.
    pub fn null_member(&self, key: &str) -> Option<Origin> {
        if self.get_ci(key).is_some() {
            return None;
        }
        let map = self.value.as_object()?;
        let (name, _) = map.iter().find(|(k, v)| k.eq_ignore_ascii_case(key) && v.is_null())?;
        Some(self.at.child(name))
    }

    /// True when the member is present, even as `null`.
    pub fn has(&self, key: &str) -> bool {
        self.value.as_object().is_some_and(|m| m.contains_key(key))
    }

    /// Array elements; nothing when this is not an array.
    pub fn items(&self) -> impl Iterator<Item = Node<'a>> + '_ {
        let items: &'a [Value] = self.value.as_array().map(Vec::as_slice).unwrap_or(&[]);
        items.iter().enumerate().map(move |(i, v)| Node::new(v, self.at.child(i)))
    }

    /// Object members; nothing when this is not an object.
    pub fn entries(&self) -> impl Iterator<Item = (&'a str, Node<'a>)> + '_ {
        self.value
            .as_object()
            .into_iter()
            .flat_map(|m| m.iter())
            .map(move |(k, v)| (k.as_str(), Node::new(v, self.at.child(k))))
    }

    pub fn str(&self) -> Option<&'a str> {
        self.value.as_str()
    }

    pub fn string(&self) -> Option<String> {
        match self.value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A boolean, also accepting `"true"`/`"false"` strings that some
    /// exports write.
    pub fn bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// A non-negative integer, also from a numeric string (`"FromPort": "22"`).
    pub fn int(&self) -> Option<i64> {
        match self.value {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A boolean attribute; a present value of the wrong type is unresolved
    /// rather than guessed.
    pub fn bool_attr(&self) -> Attr<bool> {
        match self.bool() {
            Some(b) => Attr::explicit(b, self.at.clone()),
            None => Attr::unresolved(self.at.clone()),
        }
    }

    pub fn string_attr(&self) -> Attr<String> {
        match self.string() {
            Some(s) => Attr::explicit(s, self.at.clone()),
            None => Attr::unresolved(self.at.clone()),
        }
    }

    /// An address range (CIDR or address); anything else (`7`, `"x"`) is unresolved, so a
    /// source that cannot be read is never taken for a private one.
    pub fn cidr_attr(&self) -> Attr<String> {
        match self.string() {
            Some(cidr) if crate::net::parse_cidr(&cidr).is_some() => Attr::explicit(cidr, self.at.clone()),
            _ => Attr::unresolved(self.at.clone()),
        }
    }

    /// This value as a JSON document: itself when it is an object or array,
    /// parsed when it is a string holding JSON (AWS Config's
    /// `AccessControlList`, the CLI's `{"Policy": "..."}`), in which case
    /// the origin gains an inner pointer.
    pub fn document(&self) -> Option<Doc<'a>> {
        match self.value {
            Value::String(text) => {
                let parsed: Value = serde_json::from_str(text).ok()?;
                Some(Doc { value: Cow::Owned(parsed), at: self.at.embedded() })
            }
            Value::Object(_) | Value::Array(_) => Some(Doc { value: Cow::Borrowed(self.value), at: self.at.clone() }),
            _ => None,
        }
    }
}

/// A JSON document that may have been parsed out of a string.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub value: Cow<'a, Value>,
    pub at: Origin,
}

impl<'a> Doc<'a> {
    pub fn node(&self) -> Node<'_> {
        Node::new(self.value.as_ref(), self.at.clone())
    }

    pub fn into_value(self) -> Value {
        self.value.into_owned()
    }
}

//! The whole-document parse, leaving out what no adapter reads.
//!
//! A Terraform plan repeats each resource: once in `planned_values`, and
//! again in `resource_changes` as `change.after`, next to `before` and the
//! `*_sensitive` masks. The adapter reads values from `planned_values` and
//! only `actions` and `after_unknown` from a change, so those copies (a fifth
//! of a big plan) are skipped over instead of built into a tree and freed.
//! `after` is kept whenever it could be needed: when `resource_changes`
//! comes before `planned_values`, or `planned_values` has no `root_module`.
//!
//! Everything else parses exactly as a `serde_json::Value` does, a repeated
//! key included (the last one wins).

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

/// A scalar where a container was expected reads as the plain value it is.
macro_rules! scalars_as_values {
    () => {
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
            TopLevel.visit_bool(v)
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
            TopLevel.visit_i64(v)
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
            TopLevel.visit_u64(v)
        }

        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
            TopLevel.visit_f64(v)
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
            TopLevel.visit_str(v)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
            TopLevel.visit_unit()
        }
    };
}

/// A parsed document, with the unread parts of known formats left out.
pub struct LeanValue(pub Value);

impl<'de> Deserialize<'de> for LeanValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TopLevel).map(LeanValue)
    }
}

/// The top level: a plain value unless it is an object with `resource_changes`.
struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Value, M::Error> {
        let mut object = Map::new();
        let mut values_planned = false;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let value = if key == "resource_changes" {
                map.next_value_seed(Changes { keep_after: !values_planned })?
            } else {
                let value: Value = map.next_value()?;
                if key == "planned_values" {
                    values_planned = value.get("root_module").is_some();
                }
                value
            };
            object.insert(key.into_owned(), value);
        }
        Ok(Value::Object(object))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Value, S::Error> {
        Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

/// `resource_changes`: a list of changes; anything else parses as it is.
struct Changes {
    keep_after: bool,
}

impl<'de> DeserializeSeed<'de> for Changes {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Changes {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of resource changes")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Value, S::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(Fields { keep_after: self.keep_after, nested: true })? {
            list.push(item);
        }
        Ok(Value::Array(list))
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Value, M::Error> {
        Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))
    }

    scalars_as_values!();
}

/// One resource change (`nested`: its `change` is read the same way, one
/// level down), or a `change` object whose unread copies are skipped.
struct Fields {
    keep_after: bool,
    nested: bool,
}

impl Fields {
    fn skips(&self, key: &str) -> bool {
        !self.nested
            && (matches!(key, "before" | "before_sensitive" | "after_sensitive")
                || (key == "after" && !self.keep_after))
    }
}

impl<'de> DeserializeSeed<'de> for Fields {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Fields {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a resource change")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Value, M::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if self.skips(&key) {
                map.next_value::<IgnoredAny>()?;
                // A repeated key still ends with its last value, as in a plain parse.
                object.remove(key.as_ref());
                continue;
            }
            let value = if self.nested && key == "change" {
                map.next_value_seed(Fields { keep_after: self.keep_after, nested: false })?
            } else {
                map.next_value()?
            };
            object.insert(key.into_owned(), value);
        }
        Ok(Value::Object(object))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Value, S::Error> {
        TopLevel.visit_seq(seq)
    }

    scalars_as_values!();
}

#[cfg(test)]
mod tests {
    use super::LeanValue;
    use serde_json::{json, Value};

    fn lean(text: &str) -> Value {
        serde_json::from_str::<LeanValue>(text).unwrap().0
    }

    #[test]
    fn anything_but_a_plan_parses_as_a_plain_value() {
        for text in [
            r#"{"a": [1, 2.5, -3, "x", null, true, {"b": {}}], "a": "last wins"}"#,
            r#"[{"resource_changes": [{"change": {"before": 1}}]}]"#,
            r#""text""#,
            "12",
            "null",
        ] {
            assert_eq!(lean(text), serde_json::from_str::<Value>(text).unwrap(), "{text}");
        }
    }

    #[test]
    fn a_plan_keeps_what_the_adapter_reads() {
        let text = r#"{"planned_values": {"root_module": {}}, "resource_changes": [
            {"address": "a.b", "change": {"actions": ["create"], "before": null, "after": {"x": 1},
             "after_unknown": {"id": true}, "after_sensitive": {}, "before_sensitive": false}}]}"#;
        assert_eq!(
            lean(text),
            json!({"planned_values": {"root_module": {}}, "resource_changes": [
                {"address": "a.b", "change": {"actions": ["create"], "after_unknown": {"id": true}}}]})
        );
    }

    #[test]
    fn after_is_kept_when_it_may_be_the_only_copy() {
        let changes = r#""resource_changes": [{"change": {"after": {"x": 1}, "before": 2}}]"#;
        for text in [
            format!("{{{changes}}}"),
            format!(r#"{{{changes}, "planned_values": {{"root_module": {{}}}}}}"#),
            format!(r#"{{"planned_values": {{}}, {changes}}}"#),
        ] {
            assert_eq!(lean(&text)["resource_changes"][0]["change"], json!({"after": {"x": 1}}), "{text}");
        }
    }

    #[test]
    fn a_repeated_skipped_key_does_not_leave_an_earlier_value() {
        let text = r#"{"planned_values": {"root_module": {}},
            "resource_changes": [{"change": {"after": 1, "after": 2}}]}"#;
        assert_eq!(lean(text)["resource_changes"][0]["change"], json!({}));
    }
}

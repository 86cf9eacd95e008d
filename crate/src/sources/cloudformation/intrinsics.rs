//! What a template's values are before deployment: parameters with defaults,
//! mappings and decidable conditions resolve; everything only known at deploy
//! time (pseudo parameters, imports, attributes of created resources,
//! parameters without defaults) stays unresolved, never guessed.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use crate::model::{Attr, Origin, Truth};

/// Intrinsics nested deeper than this are not evaluated (a guard against
/// cycles through conditions and mappings, and against stack exhaustion).
const MAX_DEPTH: usize = 64;

/// Pseudo parameters that name one fixed thing of the deploying account. In
/// a policy document they cannot be a wildcard, so they are kept as text
/// (see [`placeholder`]).
const FIXED_PSEUDO: &[&str] =
    &["AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::URLSuffix", "AWS::StackName", "AWS::StackId"];

/// What a template value is.
#[derive(Debug, Clone)]
pub enum Outcome<'a> {
    /// A literal, or what an intrinsic resolved to.
    Known(Cow<'a, Value>),
    /// `Ref` to a resource, or `Fn::GetAtt` of one: of this template, or a
    /// name it does not declare.
    Reference { target: String },
    /// Only known at deploy time; the text says why.
    Unknown(String),
    /// `AWS::NoValue`: the property is absent.
    NoValue,
}

/// A value with the place it was read from.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    pub outcome: Outcome<'a>,
    pub at: Origin,
}

impl<'a> Resolved<'a> {
    pub fn known(&self) -> Option<&Value> {
        match &self.outcome {
            Outcome::Known(value) => Some(value.as_ref()),
            _ => None,
        }
    }

    /// A string, number or boolean as text.
    pub fn text(&self) -> Option<String> {
        scalar_text(self.known()?)
    }

    pub fn bool(&self) -> Option<bool> {
        match self.known()? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn int(&self) -> Option<i64> {
        match self.known()? {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A boolean, or unresolved when it is not one.
    pub fn bool_attr(&self) -> Attr<bool> {
        match self.bool() {
            Some(b) => Attr::explicit(b, self.at.clone()),
            None => Attr::unresolved(self.at.clone()),
        }
    }

    pub fn string_attr(&self) -> Attr<String> {
        match self.text() {
            Some(s) => Attr::explicit(s, self.at.clone()),
            None => Attr::unresolved(self.at.clone()),
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self.outcome, Outcome::Known(_))
    }
}

/// How intrinsics that name deploy-time things are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Settings: anything not known before deployment is unresolved.
    Strict,
    /// Policy documents: a `Ref` to a resource or to the account's own
    /// pseudo parameters names one fixed thing, never a wildcard, so it is
    /// kept as `{Name}` text and the policy can still be judged.
    Symbolic,
}

/// A template's parameters, mappings, conditions and resource names.
pub struct Template<'a> {
    parameters: Option<&'a Map<String, Value>>,
    mappings: Option<&'a Map<String, Value>>,
    conditions: Option<&'a Map<String, Value>>,
    resources: Option<&'a Map<String, Value>>,
    decided: RefCell<HashMap<String, Truth>>,
    deciding: RefCell<BTreeSet<String>>,
    /// Parameters taken at their default, for the input's notes.
    pub defaults_used: RefCell<BTreeSet<String>>,
    /// Conditions a decision depended on, with their outcome.
    pub conditions_used: RefCell<BTreeSet<(String, bool)>>,
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `("Fn::Join", args)` when the value is an intrinsic function call.
pub fn intrinsic(value: &Value) -> Option<(&str, &Value)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (name, argument) = map.iter().next()?;
    (name == "Ref" || name.starts_with("Fn::")).then_some((name.as_str(), argument))
}

impl<'a> Template<'a> {
    pub fn new(root: &'a Value) -> Self {
        let section = |key: &str| root.get(key).and_then(Value::as_object);
        Template {
            parameters: section("Parameters"),
            mappings: section("Mappings"),
            conditions: section("Conditions"),
            resources: section("Resources"),
            decided: RefCell::new(HashMap::new()),
            deciding: RefCell::new(BTreeSet::new()),
            defaults_used: RefCell::new(BTreeSet::new()),
            conditions_used: RefCell::new(BTreeSet::new()),
        }
    }

    pub fn is_resource(&self, name: &str) -> bool {
        self.resources.is_some_and(|r| r.contains_key(name))
    }

    /// The `Type` of a resource of this template.
    pub fn resource_type(&self, name: &str) -> Option<&'a str> {
        self.resources?.get(name)?.get("Type")?.as_str()
    }

    /// Resolves a value read at `at`.
    pub fn resolve(&self, value: &'a Value, at: Origin) -> Resolved<'a> {
        self.eval(value, at, Mode::Strict, 0)
    }

    /// The member `key` of an object, resolved. `None` when absent, null or
    /// `AWS::NoValue`.
    pub fn get(&self, parent: &Resolved<'a>, key: &str) -> Option<Resolved<'a>> {
        let at = parent.at.child(key);
        let resolved = match &parent.outcome {
            Outcome::Known(Cow::Borrowed(value)) => self.resolve(value.get(key)?, at),
            Outcome::Known(Cow::Owned(value)) => {
                Resolved { outcome: Outcome::Known(Cow::Owned(value.get(key)?.clone())), at }
            }
            _ => return None,
        };
        match resolved.outcome {
            Outcome::NoValue => None,
            Outcome::Known(ref v) if v.is_null() => None,
            _ => Some(resolved),
        }
    }

    /// The elements of a list, each resolved; `AWS::NoValue` elements are
    /// dropped. Nothing when the value is not a known list.
    pub fn items(&self, list: &Resolved<'a>) -> Vec<Resolved<'a>> {
        let resolved = match &list.outcome {
            Outcome::Known(Cow::Borrowed(Value::Array(items))) => {
                items.iter().enumerate().map(|(i, item)| self.resolve(item, list.at.child(i))).collect()
            }
            Outcome::Known(Cow::Owned(Value::Array(items))) => items
                .iter()
                .enumerate()
                .map(|(i, item)| Resolved { outcome: Outcome::Known(Cow::Owned(item.clone())), at: list.at.child(i) })
                .collect(),
            _ => Vec::new(),
        };
        resolved.into_iter().filter(|r| !matches!(r.outcome, Outcome::NoValue)).collect()
    }

    /// Evaluates a value: literals as they are, intrinsics as far as the
    /// template alone allows.
    pub fn eval(&self, value: &'a Value, at: Origin, mode: Mode, depth: usize) -> Resolved<'a> {
        let Some((name, argument)) = intrinsic(value) else {
            return Resolved { outcome: Outcome::Known(Cow::Borrowed(value)), at };
        };
        if depth > MAX_DEPTH {
            return unknown(at, "intrinsic functions are nested too deeply to evaluate");
        }
        let inner = at.child(name);
        let outcome = match name {
            "Ref" => match argument.as_str() {
                Some(target) => self.reference(target, mode),
                None => Outcome::Unknown("a Ref whose argument is not a name".to_string()),
            },
            "Fn::GetAtt" => self.get_att(argument, &inner, mode, depth),
            "Fn::If" => return self.branch(argument, inner, at, mode, depth),
            "Fn::Sub" => self.sub(argument, &inner, mode, depth),
            "Fn::Join" => self.join(argument, &inner, mode, depth),
            "Fn::Select" => return self.select(argument, inner, at, mode, depth),
            "Fn::Split" => self.split(argument, &inner, mode, depth),
            "Fn::FindInMap" => return self.find_in_map(argument, inner, at, mode, depth),
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" => {
                Outcome::Unknown(format!("{name} is a condition function, not a value"))
            }
            _ => Outcome::Unknown(format!("{name} is only evaluated by CloudFormation at deploy time")),
        };
        Resolved { outcome, at }
    }

    fn reference(&self, target: &str, mode: Mode) -> Outcome<'a> {
        if target == "AWS::NoValue" {
            return Outcome::NoValue;
        }
        if target.starts_with("AWS::") {
            if mode == Mode::Symbolic && FIXED_PSEUDO.contains(&target) {
                return Outcome::Known(Cow::Owned(Value::String(placeholder(target))));
            }
            return Outcome::Unknown(format!("the pseudo parameter {target} is only known at deploy time"));
        }
        if let Some(parameter) = self.parameters.and_then(|p| p.get(target)) {
            return self.parameter(target, parameter);
        }
        match mode {
            Mode::Symbolic if self.is_resource(target) => {
                Outcome::Known(Cow::Owned(Value::String(placeholder(target))))
            }
            Mode::Symbolic => Outcome::Unknown(format!("Ref names {target}, which this template does not declare")),
            // A name the template does not declare (an invalid template, or
            // a sample that names an existing resource): whoever needs a
            // target decides what to make of it.
            Mode::Strict => Outcome::Reference { target: target.to_string() },
        }
    }

    fn parameter(&self, name: &str, parameter: &'a Value) -> Outcome<'a> {
        let kind = parameter.get("Type").and_then(Value::as_str).unwrap_or("String");
        let Some(default) = parameter.get("Default").filter(|d| !d.is_null()) else {
            return Outcome::Unknown(format!(
                "the parameter {name} has no default, so its value is only known at deploy time"
            ));
        };
        if kind.starts_with("AWS::SSM::Parameter") {
            return Outcome::Unknown(format!(
                "the parameter {name} is read from Systems Manager Parameter Store at deploy time"
            ));
        }
        self.defaults_used.borrow_mut().insert(name.to_string());
        let is_list = kind == "CommaDelimitedList" || kind.starts_with("List<");
        match default {
            Value::String(text) if is_list => Outcome::Known(Cow::Owned(Value::Array(
                text.split(',').map(|s| Value::String(s.trim().to_string())).collect(),
            ))),
            other => Outcome::Known(Cow::Borrowed(other)),
        }
    }

    fn get_att(&self, argument: &'a Value, at: &Origin, mode: Mode, depth: usize) -> Outcome<'a> {
        let (target, attribute) = match argument {
            Value::Array(parts) if parts.len() == 2 => {
                let attribute = self.eval(&parts[1], at.child(1), mode, depth + 1);
                (parts[0].as_str(), attribute.text())
            }
            Value::String(text) => match text.split_once('.') {
                Some((target, attribute)) => (Some(target), Some(attribute.to_string())),
                None => (None, None),
            },
            _ => (None, None),
        };
        let Some(target) = target else {
            return Outcome::Unknown("an Fn::GetAtt that names no resource".to_string());
        };
        match mode {
            Mode::Strict => Outcome::Reference { target: target.to_string() },
            Mode::Symbolic if !self.is_resource(target) => {
                Outcome::Unknown(format!("Fn::GetAtt names {target}, which this template does not declare"))
            }
            Mode::Symbolic => {
                let attribute = attribute.unwrap_or_default();
                Outcome::Known(Cow::Owned(Value::String(placeholder(&format!("{target}.{attribute}")))))
            }
        }
    }

    fn branch(&self, argument: &'a Value, inner: Origin, at: Origin, mode: Mode, depth: usize) -> Resolved<'a> {
        let Some([condition, yes, no]) = argument.as_array().map(Vec::as_slice) else {
            return unknown(at, "an Fn::If without its three arguments");
        };
        let Some(name) = condition.as_str() else {
            return unknown(at, "an Fn::If whose condition is not a name");
        };
        match self.condition(name) {
            Truth::Yes => self.eval(yes, inner.child(1), mode, depth + 1),
            Truth::No => self.eval(no, inner.child(2), mode, depth + 1),
            Truth::Unknown => unknown(at, &format!("the condition {name} cannot be decided from the template alone")),
        }
    }

    fn text_of(&self, value: &'a Value, at: Origin, mode: Mode, depth: usize) -> Result<String, String> {
        let resolved = self.eval(value, at, mode, depth + 1);
        match resolved.outcome {
            Outcome::Known(v) => scalar_text(&v).ok_or_else(|| "a value that is not text".to_string()),
            Outcome::Unknown(why) => Err(why),
            Outcome::Reference { target } => Err(format!("{target} is only known once it is created")),
            Outcome::NoValue => Err("AWS::NoValue where text is needed".to_string()),
        }
    }

    fn sub(&self, argument: &'a Value, at: &Origin, mode: Mode, depth: usize) -> Outcome<'a> {
        let (text, variables) = match argument {
            Value::String(text) => (text.as_str(), None),
            Value::Array(parts) if !parts.is_empty() => match parts[0].as_str() {
                Some(text) => (text, parts.get(1).and_then(Value::as_object)),
                None => return Outcome::Unknown("an Fn::Sub whose template is not text".to_string()),
            },
            _ => return Outcome::Unknown("an Fn::Sub whose template is not text".to_string()),
        };
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let value = match variables.and_then(|v| v.get(name)) {
                Some(value) => self.text_of(value, at.child(1).child(name), mode, depth),
                None => match name.split_once('.') {
                    Some((target, _)) if self.is_resource(target) => match mode {
                        Mode::Symbolic => Ok(placeholder(name)),
                        Mode::Strict => Err(format!("{name} is only known once {target} is created")),
                    },
                    _ => match self.reference(name, mode) {
                        Outcome::Known(v) => scalar_text(&v).ok_or_else(|| format!("{name} is not text")),
                        Outcome::Unknown(why) => Err(why),
                        Outcome::Reference { target } => Err(format!("{target} is only known once it is created")),
                        Outcome::NoValue => Err("AWS::NoValue inside Fn::Sub".to_string()),
                    },
                },
            };
            match value {
                Ok(text) => out.push_str(&text),
                Err(why) => return Outcome::Unknown(why),
            }
        }
        out.push_str(rest);
        Outcome::Known(Cow::Owned(Value::String(out)))
    }

    /// The elements of a list argument, each evaluated.
    fn list_of(&self, value: &'a Value, at: Origin, mode: Mode, depth: usize) -> Result<Vec<Resolved<'a>>, String> {
        let list = self.eval(value, at, mode, depth + 1);
        match list.outcome {
            Outcome::Known(Cow::Borrowed(Value::Array(items))) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, item)| self.eval(item, list.at.child(i), mode, depth + 1))
                .filter(|r| !matches!(r.outcome, Outcome::NoValue))
                .collect()),
            Outcome::Known(Cow::Owned(Value::Array(items))) => Ok(items
                .into_iter()
                .enumerate()
                .map(|(i, item)| Resolved { outcome: Outcome::Known(Cow::Owned(item)), at: list.at.child(i) })
                .collect()),
            Outcome::Unknown(why) => Err(why),
            _ => Err("a value that is not a list".to_string()),
        }
    }

    fn join(&self, argument: &'a Value, at: &Origin, mode: Mode, depth: usize) -> Outcome<'a> {
        let Some([delimiter, list]) = argument.as_array().map(Vec::as_slice) else {
            return Outcome::Unknown("an Fn::Join without its two arguments".to_string());
        };
        let delimiter = match self.text_of(delimiter, at.child(0), mode, depth) {
            Ok(d) => d,
            Err(why) => return Outcome::Unknown(why),
        };
        let items = match self.list_of(list, at.child(1), mode, depth) {
            Ok(items) => items,
            Err(why) => return Outcome::Unknown(why),
        };
        let mut parts = Vec::with_capacity(items.len());
        for item in items {
            match item.outcome {
                Outcome::Known(v) => match scalar_text(&v) {
                    Some(text) => parts.push(text),
                    None => return Outcome::Unknown("Fn::Join of a value that is not text".to_string()),
                },
                Outcome::Unknown(why) => return Outcome::Unknown(why),
                Outcome::Reference { target } => {
                    return Outcome::Unknown(format!("{target} is only known once it is created"))
                }
                Outcome::NoValue => {}
            }
        }
        Outcome::Known(Cow::Owned(Value::String(parts.join(&delimiter))))
    }

    fn select(&self, argument: &'a Value, inner: Origin, at: Origin, mode: Mode, depth: usize) -> Resolved<'a> {
        let Some([index, list]) = argument.as_array().map(Vec::as_slice) else {
            return unknown(at, "an Fn::Select without its two arguments");
        };
        let index = match self.text_of(index, inner.child(0), mode, depth).map(|t| t.trim().parse::<usize>()) {
            Ok(Ok(index)) => index,
            Ok(Err(_)) => return unknown(at, "an Fn::Select whose index is not a number"),
            Err(why) => return unknown(at, &why),
        };
        match self.list_of(list, inner.child(1), mode, depth) {
            Ok(mut items) if index < items.len() => items.swap_remove(index),
            Ok(_) => unknown(at, "an Fn::Select whose index is past the end of its list"),
            Err(why) => unknown(at, &why),
        }
    }

    fn split(&self, argument: &'a Value, at: &Origin, mode: Mode, depth: usize) -> Outcome<'a> {
        let Some([delimiter, source]) = argument.as_array().map(Vec::as_slice) else {
            return Outcome::Unknown("an Fn::Split without its two arguments".to_string());
        };
        let delimiter = match self.text_of(delimiter, at.child(0), mode, depth) {
            Ok(d) if !d.is_empty() => d,
            Ok(_) => return Outcome::Unknown("an Fn::Split with an empty delimiter".to_string()),
            Err(why) => return Outcome::Unknown(why),
        };
        match self.text_of(source, at.child(1), mode, depth) {
            Ok(text) => Outcome::Known(Cow::Owned(Value::Array(
                text.split(delimiter.as_str()).map(|s| Value::String(s.to_string())).collect(),
            ))),
            Err(why) => Outcome::Unknown(why),
        }
    }

    fn find_in_map(&self, argument: &'a Value, inner: Origin, at: Origin, mode: Mode, depth: usize) -> Resolved<'a> {
        let Some(parts) = argument.as_array().filter(|p| p.len() >= 3) else {
            return unknown(at, "an Fn::FindInMap without its three arguments");
        };
        let mut keys = Vec::with_capacity(3);
        for (i, part) in parts.iter().take(3).enumerate() {
            match self.text_of(part, inner.child(i), mode, depth) {
                Ok(key) => keys.push(key),
                Err(why) => return unknown(at, &why),
            }
        }
        let found = self
            .mappings
            .and_then(|m| m.get(&keys[0]))
            .and_then(|top| top.get(&keys[1]))
            .and_then(|second| second.get(&keys[2]));
        match found {
            // Mappings hold literals only.
            Some(value) => Resolved { outcome: Outcome::Known(Cow::Borrowed(value)), at },
            None => match parts.get(3).and_then(|d| d.get("DefaultValue")) {
                Some(default) => self.eval(default, inner.child(3).child("DefaultValue"), mode, depth + 1),
                None => unknown(at, &format!("the mapping {} has no entry {} / {}", keys[0], keys[1], keys[2])),
            },
        }
    }

    /// Whether a named condition holds with the parameters' defaults.
    pub fn condition(&self, name: &str) -> Truth {
        if let Some(truth) = self.decided.borrow().get(name) {
            return *truth;
        }
        // A condition that refers back to itself cannot be decided.
        if !self.deciding.borrow_mut().insert(name.to_string()) {
            return Truth::Unknown;
        }
        let truth = match self.conditions.and_then(|c| c.get(name)) {
            Some(definition) => self.truth(definition, 0),
            None => Truth::Unknown,
        };
        self.deciding.borrow_mut().remove(name);
        self.decided.borrow_mut().insert(name.to_string(), truth);
        if truth != Truth::Unknown {
            self.conditions_used.borrow_mut().insert((name.to_string(), truth == Truth::Yes));
        }
        truth
    }

    fn truth(&self, value: &'a Value, depth: usize) -> Truth {
        if depth > MAX_DEPTH {
            return Truth::Unknown;
        }
        if let Value::Bool(b) = value {
            return if *b { Truth::Yes } else { Truth::No };
        }
        let Some((name, argument)) = value.as_object().filter(|m| m.len() == 1).and_then(|m| m.iter().next()) else {
            return Truth::Unknown;
        };
        let items = argument.as_array().map(Vec::as_slice).unwrap_or_default();
        match name.as_str() {
            "Condition" => argument.as_str().map_or(Truth::Unknown, |n| self.condition(n)),
            "Fn::Not" => match items {
                [inner] => !self.truth(inner, depth + 1),
                _ => Truth::Unknown,
            },
            "Fn::And" if !items.is_empty() => {
                items.iter().fold(Truth::Yes, |acc, item| acc.and(self.truth(item, depth + 1)))
            }
            "Fn::Or" if !items.is_empty() => {
                items.iter().fold(Truth::No, |acc, item| acc.or(self.truth(item, depth + 1)))
            }
            "Fn::Equals" => match items {
                [a, b] => {
                    let here = Origin::new(0, "");
                    let a = self.eval(a, here.clone(), Mode::Strict, depth + 1);
                    let b = self.eval(b, here, Mode::Strict, depth + 1);
                    match (a.known(), b.known()) {
                        (Some(a), Some(b)) => {
                            let same = match (scalar_text(a), scalar_text(b)) {
                                (Some(a), Some(b)) => a == b,
                                _ => a == b,
                            };
                            if same {
                                Truth::Yes
                            } else {
                                Truth::No
                            }
                        }
                        _ => Truth::Unknown,
                    }
                }
                _ => Truth::Unknown,
            },
            _ => Truth::Unknown,
        }
    }

    /// A copy of a document (a policy) with every intrinsic that can be
    /// resolved replaced by its value, in [`Mode::Symbolic`]; the others are
    /// kept as written, so whoever reads the document sees something it
    /// cannot judge. `None` when the whole document is `AWS::NoValue`.
    pub fn document(&self, value: &'a Value, at: Origin) -> Option<Value> {
        self.deep(value, at, 0)
    }

    fn deep(&self, value: &'a Value, at: Origin, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return Some(value.clone());
        }
        if intrinsic(value).is_some() {
            let resolved = self.eval(value, at, Mode::Symbolic, depth);
            return match resolved.outcome {
                Outcome::Known(Cow::Borrowed(inner)) => self.deep(inner, resolved.at, depth + 1),
                Outcome::Known(Cow::Owned(inner)) => Some(inner),
                Outcome::NoValue => None,
                Outcome::Reference { .. } | Outcome::Unknown(_) => Some(value.clone()),
            };
        }
        Some(match value {
            Value::Object(map) => Value::Object(
                map.iter().filter_map(|(k, v)| self.deep(v, at.child(k), depth + 1).map(|v| (k.clone(), v))).collect(),
            ),
            Value::Array(items) => Value::Array(
                items.iter().enumerate().filter_map(|(i, v)| self.deep(v, at.child(i), depth + 1)).collect(),
            ),
            other => other.clone(),
        })
    }
}

/// How a name only known at deploy time, but never a wildcard, is written in
/// a policy document: `{AWS.AccountId}`, `{MyBucket.Arn}`. Not `${...}`,
/// which IAM reads as a policy variable, and without colons, which would
/// shift the fields of an ARN around it.
fn placeholder(name: &str) -> String {
    format!("{{{}}}", name.replace("::", "."))
}

fn unknown<'a>(at: Origin, why: &str) -> Resolved<'a> {
    Resolved { outcome: Outcome::Unknown(why.to_string()), at }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn template() -> Value {
        json!({
            "Parameters": {
                "Env": {"Type": "String", "Default": "prod"},
                "Acl": {"Type": "String"},
                "Cidrs": {"Type": "CommaDelimitedList", "Default": "10.0.0.0/8, 192.168.0.0/16"},
                "Port": {"Type": "Number", "Default": 5432},
                "Ami": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/aws/ami"}
            },
            "Mappings": {"Net": {"prod": {"Cidr": "0.0.0.0/0"}}},
            "Conditions": {
                "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
                "InUsEast": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
                "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "InUsEast"}]},
                "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "InUsEast"}]},
                "Loop": {"Fn::Not": [{"Condition": "Loop"}]}
            },
            "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}
        })
    }

    fn eval(root: &Value, value: Value, mode: Mode) -> Outcome<'static> {
        let t = Template::new(root);
        match t.eval(&value, Origin::new(0, ""), mode, 0).outcome {
            Outcome::Known(v) => Outcome::Known(Cow::Owned(v.into_owned())),
            Outcome::Reference { target } => Outcome::Reference { target },
            Outcome::Unknown(why) => Outcome::Unknown(why),
            Outcome::NoValue => Outcome::NoValue,
        }
    }

    fn known(root: &Value, value: Value) -> Option<Value> {
        match eval(root, value, Mode::Strict) {
            Outcome::Known(v) => Some(v.into_owned()),
            _ => None,
        }
    }

    #[test]
    fn parameters_resolve_only_with_defaults() {
        let root = template();
        assert_eq!(known(&root, json!({"Ref": "Env"})), Some(json!("prod")));
        assert_eq!(known(&root, json!({"Ref": "Acl"})), None);
        assert_eq!(known(&root, json!({"Ref": "Ami"})), None);
        assert_eq!(known(&root, json!({"Ref": "Cidrs"})), Some(json!(["10.0.0.0/8", "192.168.0.0/16"])));
        assert_eq!(known(&root, json!({"Ref": "AWS::Region"})), None);
        assert!(matches!(eval(&root, json!({"Ref": "AWS::NoValue"}), Mode::Strict), Outcome::NoValue));
        assert!(matches!(eval(&root, json!({"Ref": "Bucket"}), Mode::Strict), Outcome::Reference { .. }));
    }

    #[test]
    fn conditions_decide_when_they_can() {
        let root = template();
        let t = Template::new(&root);
        assert_eq!(t.condition("IsProd"), Truth::Yes);
        assert_eq!(t.condition("IsDev"), Truth::No);
        assert_eq!(t.condition("InUsEast"), Truth::Unknown);
        assert_eq!(t.condition("Both"), Truth::Unknown);
        assert_eq!(t.condition("Either"), Truth::Yes);
        assert_eq!(t.condition("Loop"), Truth::Unknown);
        assert_eq!(t.condition("Missing"), Truth::Unknown);
        assert_eq!(known(&root, json!({"Fn::If": ["IsProd", "a", "b"]})), Some(json!("a")));
        assert_eq!(known(&root, json!({"Fn::If": ["IsDev", "a", "b"]})), Some(json!("b")));
        assert_eq!(known(&root, json!({"Fn::If": ["InUsEast", "a", "b"]})), None);
    }

    #[test]
    fn string_functions() {
        let root = template();
        assert_eq!(known(&root, json!({"Fn::Sub": "${Env}-data-${!Literal}"})), Some(json!("prod-data-${Literal}")));
        assert_eq!(known(&root, json!({"Fn::Sub": ["${X}-${Env}", {"X": "a"}]})), Some(json!("a-prod")));
        assert_eq!(known(&root, json!({"Fn::Sub": "${AWS::StackName}-x"})), None);
        assert_eq!(known(&root, json!({"Fn::Join": ["-", ["a", {"Ref": "Env"}]]})), Some(json!("a-prod")));
        assert_eq!(known(&root, json!({"Fn::Select": [1, {"Ref": "Cidrs"}]})), Some(json!("192.168.0.0/16")));
        assert_eq!(known(&root, json!({"Fn::Select": ["0", {"Fn::Split": [",", "a,b"]}]})), Some(json!("a")));
        assert_eq!(known(&root, json!({"Fn::FindInMap": ["Net", {"Ref": "Env"}, "Cidr"]})), Some(json!("0.0.0.0/0")));
        assert_eq!(known(&root, json!({"Fn::FindInMap": ["Net", "dev", "Cidr"]})), None);
        assert_eq!(known(&root, json!({"Fn::GetAZs": ""})), None);
        assert_eq!(known(&root, json!({"Fn::ImportValue": "x"})), None);
        assert_eq!(known(&root, json!({"Fn::Select": [5, ["a"]]})), None);
    }

    #[test]
    fn symbolic_mode_keeps_fixed_names_as_text() {
        let root = template();
        let t = Template::new(&root);
        let doc = json!({
            "Statement": [{
                "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}},
                "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]},
                "Condition": {"IpAddress": {"aws:SourceIp": {"Ref": "Acl"}}}
            }, {"Fn::If": ["IsDev", {"Effect": "Allow"}, {"Ref": "AWS::NoValue"}]}]
        });
        let resolved = t.document(&doc, Origin::new(0, "")).unwrap();
        assert_eq!(
            resolved,
            json!({"Statement": [{
                "Principal": {"AWS": "arn:aws:iam::{AWS.AccountId}:root"},
                "Resource": "{Bucket.Arn}/*",
                "Condition": {"IpAddress": {"aws:SourceIp": {"Ref": "Acl"}}}
            }]})
        );
    }

    #[test]
    fn if_branches_point_into_the_chosen_branch() {
        let root = template();
        let t = Template::new(&root);
        let value = json!({"Fn::If": ["IsDev", "a", "b"]});
        let resolved = t.resolve(&value, Origin::new(0, "/x"));
        assert_eq!(resolved.at.pointer, "/x/Fn::If/2");
    }

    #[test]
    fn malformed_intrinsics_are_unknown_not_panics() {
        let root = template();
        for value in [
            json!({"Fn::If": "x"}),
            json!({"Fn::Join": [1]}),
            json!({"Fn::Select": ["x", []]}),
            json!({"Fn::Sub": 5}),
            json!({"Fn::Sub": "${unclosed"}),
            json!({"Fn::FindInMap": []}),
            json!({"Fn::GetAtt": 3}),
            json!({"Ref": 3}),
            json!({"Fn::Split": ["", "a"]}),
        ] {
            let _ = eval(&root, value, Mode::Strict);
        }
        assert_eq!(known(&root, json!({"Fn::Sub": "${unclosed"})), Some(json!("${unclosed")));
    }
}

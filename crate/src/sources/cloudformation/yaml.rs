//! YAML templates: turns the text into the JSON shape of a JSON template, with
//! the short-form intrinsic tags written out (`!Ref X` → `{"Ref": "X"}`,
//! `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`, `!Sub s` → `{"Fn::Sub": s}`),
//! so one adapter serves both. Every converted node's pointer is recorded with
//! its line and column, so evidence can name the place in the text.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};
use serde_json::{Map, Number, Value};

use crate::model::escape_token;

/// Deeper than any real template; a guard against stack exhaustion.
const MAX_DEPTH: usize = 256;

/// The first document of a YAML text, as JSON, with the line and column
/// (both 1-based) of every node's pointer.
pub struct Converted {
    pub value: Value,
    pub positions: Vec<(String, usize, usize)>,
}

/// Why a YAML text could not be read, with the place in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl YamlError {
    fn at(span: &Span, message: impl Into<String>) -> Self {
        YamlError { message: message.into(), line: span.start.line(), column: span.start.col() + 1 }
    }

    fn scan(error: &ScanError) -> Self {
        let mark = error.marker();
        // The parser's own guard against deep flow nesting (`[[[[…`), said as ours is.
        let message = match error.info() {
            "recursion limit exceeded" => {
                "the document is nested too deeply; Keyhole stops there to protect your machine"
            }
            other => other,
        };
        YamlError { message: message.to_string(), line: mark.line(), column: mark.col() + 1 }
    }

    /// A sentence for the report, with a hint for the usual mistakes.
    pub fn sentence(&self) -> String {
        let hint = if self.message.contains("tab") {
            " YAML does not allow tab characters for indentation; replace them with spaces."
        } else if self.message.contains("quoted scalar") {
            " A quoted string is probably not closed: check the quotes on this line and the lines before it."
        } else if self.message.contains("mapping values are not allowed") {
            " A line is probably indented more or less than its neighbours, or a value holds an unquoted ': '."
        } else {
            ""
        };
        format!(
            "this CloudFormation template is not valid YAML: {} (line {}, column {}).{hint}",
            self.message, self.line, self.column
        )
    }
}

/// Converts the first document of `text`. `Ok(None)` when the text holds no
/// document at all.
pub fn convert(text: &str) -> Result<Option<Converted>, YamlError> {
    let mut reader = Reader {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        positions: Vec::new(),
        // Aliases may expand a small text into a huge tree ("billion laughs");
        // allow what a real template could need and refuse the rest.
        budget: 100_000 + text.len(),
    };
    loop {
        let (event, span) = reader.next()?;
        match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
            Event::StreamEnd => return Ok(None),
            Event::DocumentEnd => {}
            other => {
                let mut pointer = String::new();
                reader.place(&pointer, &span);
                let value = reader.node(other, span, &mut pointer, 0)?;
                return Ok(Some(Converted { value, positions: reader.positions }));
            }
        }
    }
}

struct Reader<'t> {
    parser: Parser<'t, saphyr_parser::StrInput<'t>>,
    anchors: HashMap<usize, Value>,
    positions: Vec<(String, usize, usize)>,
    budget: usize,
}

impl<'t> Reader<'t> {
    fn next(&mut self) -> Result<(Event<'t>, Span), YamlError> {
        match self.parser.next_event() {
            Some(Ok(pair)) => Ok(pair),
            Some(Err(error)) => Err(YamlError::scan(&error)),
            None => Err(YamlError { message: "unexpected end of the text".to_string(), line: 0, column: 0 }),
        }
    }

    fn place(&mut self, pointer: &str, span: &Span) {
        self.positions.push((pointer.to_string(), span.start.line(), span.start.col() + 1));
    }

    fn spend(&mut self, span: &Span, amount: usize) -> Result<(), YamlError> {
        if amount > self.budget {
            return Err(YamlError::at(span, "aliases expand the document beyond any real template's size"));
        }
        self.budget -= amount;
        Ok(())
    }

    /// Reads the node that starts with `event`. `pointer` is its pointer, and
    /// is restored before returning.
    fn node(&mut self, event: Event<'t>, span: Span, pointer: &mut String, depth: usize) -> Result<Value, YamlError> {
        if depth > MAX_DEPTH {
            return Err(YamlError::at(
                &span,
                format!(
                "the document is nested too deeply (more than {MAX_DEPTH} levels); Keyhole stops there to protect your \
                 machine"
            ),
            ));
        }
        self.spend(&span, 1)?;
        let own_length = pointer.len();
        let (value, anchor, tag) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(&text, style, tag.as_deref());
                let value = match tag.as_deref().and_then(intrinsic) {
                    Some(name) => self.tagged(name, value, &span, pointer),
                    None => value,
                };
                (value, anchor, None)
            }
            Event::SequenceStart(anchor, tag) => {
                let mut items = Vec::new();
                let length = self.content_pointer(pointer, tag.as_deref(), &span);
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    pointer.truncate(length);
                    pointer.push('/');
                    pointer.push_str(&items.len().to_string());
                    self.place(pointer, &span);
                    let item = self.node(event, span, pointer, depth + 1)?;
                    pointer.truncate(length);
                    items.push(item);
                }
                pointer.truncate(own_length);
                (Value::Array(items), anchor, tag)
            }
            Event::MappingStart(anchor, tag) => {
                let mut map = Map::new();
                let length = self.content_pointer(pointer, tag.as_deref(), &span);
                loop {
                    let (event, key_span) = self.next()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let key = match event {
                        Event::Scalar(text, ..) => text.into_owned(),
                        Event::Alias(id) => match self.anchors.get(&id) {
                            Some(Value::String(text)) => text.clone(),
                            Some(other) => other.to_string(),
                            None => {
                                return Err(YamlError::at(&key_span, "an alias names an anchor not defined before it"))
                            }
                        },
                        // A key that is itself a list or a map: read it and
                        // use its JSON text, as no template has one.
                        other => {
                            let mut scratch = String::new();
                            self.node(other, key_span, &mut scratch, depth + 1)?.to_string()
                        }
                    };
                    let (event, span) = self.next()?;
                    pointer.truncate(length);
                    pointer.push('/');
                    pointer.push_str(&escape_token(&key));
                    // The key's place: where a reader looks for a property.
                    self.place(pointer, &key_span);
                    let value = self.node(event, span, pointer, depth + 1)?;
                    pointer.truncate(length);
                    map.insert(key, value);
                }
                pointer.truncate(own_length);
                (Value::Object(map), anchor, tag)
            }
            Event::Alias(id) => {
                let value = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| YamlError::at(&span, "an alias names an anchor not defined before it"))?;
                self.spend(&span, size(&value))?;
                (value, 0, None)
            }
            _ => return Err(YamlError::at(&span, "unexpected YAML structure")),
        };
        // A tagged collection: wrap it now that its content is read.
        let value = match tag.as_deref().and_then(intrinsic) {
            Some(name) => wrap(name, value),
            None => value,
        };
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        Ok(value)
    }

    /// For a collection tagged with an intrinsic, its content sits one level
    /// down (`/Fn::Join`): extends the pointer and records that place.
    /// Returns the length of the pointer its items hang from.
    fn content_pointer(&mut self, pointer: &mut String, tag: Option<&Tag>, span: &Span) -> usize {
        if let Some(name) = tag.and_then(intrinsic) {
            pointer.push('/');
            pointer.push_str(&escape_token(name));
            self.place(pointer, span);
        }
        pointer.len()
    }

    /// A tagged scalar: `!Ref X`, `!Sub "..."`, `!GetAtt A.B`.
    fn tagged(&mut self, name: &str, value: Value, span: &Span, pointer: &str) -> Value {
        let inner = format!("{pointer}/{}", escape_token(name));
        self.place(&inner, span);
        if name == "Fn::GetAtt" {
            if let Value::String(text) = &value {
                if let Some((resource, attribute)) = text.split_once('.') {
                    self.place(&format!("{inner}/0"), span);
                    self.place(&format!("{inner}/1"), span);
                    return wrap(name, Value::Array(vec![resource.into(), attribute.into()]));
                }
            }
        }
        wrap(name, value)
    }
}

fn wrap(name: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(name.to_string(), value);
    Value::Object(map)
}

/// The long-form key of a short-form tag: `!Ref` → `Ref`, `!Condition` →
/// `Condition`, `!Sub` → `Fn::Sub`. `None` for other tags (`!!str`).
fn intrinsic(tag: &Tag) -> Option<&'static str> {
    if tag.handle != "!" {
        return None;
    }
    Some(match tag.suffix.as_str() {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "Sub" => "Fn::Sub",
        "GetAtt" => "Fn::GetAtt",
        "Join" => "Fn::Join",
        "If" => "Fn::If",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "FindInMap" => "Fn::FindInMap",
        "Equals" => "Fn::Equals",
        "Not" => "Fn::Not",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "ImportValue" => "Fn::ImportValue",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "GetAZs" => "Fn::GetAZs",
        "Transform" => "Fn::Transform",
        "Length" => "Fn::Length",
        "ToJsonString" => "Fn::ToJsonString",
        "ForEach" => "Fn::ForEach",
        "Contains" => "Fn::Contains",
        "EachMemberEquals" => "Fn::EachMemberEquals",
        "EachMemberIn" => "Fn::EachMemberIn",
        "RefAll" => "Fn::RefAll",
        "ValueOf" => "Fn::ValueOf",
        "ValueOfAll" => "Fn::ValueOfAll",
        "Implies" => "Fn::Implies",
        _ => return None,
    })
}

/// A scalar's JSON value. Plain scalars are typed as YAML 1.2's core schema
/// says, except that numbers with leading zeros (account ids such as
/// `012345678901`) stay text, so no digit is lost.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
        return match tag.suffix.as_str() {
            "str" => Value::String(text.to_string()),
            "null" => Value::Null,
            "bool" => text.parse::<bool>().map(Value::Bool).unwrap_or_else(|_| Value::String(text.to_string())),
            "int" | "float" => number(text).unwrap_or_else(|| Value::String(text.to_string())),
            _ => Value::String(text.to_string()),
        };
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => number(text).unwrap_or_else(|| Value::String(text.to_string())),
    }
}

fn number(text: &str) -> Option<Value> {
    // JSON's number syntax is YAML's usual one, and refuses leading zeros;
    // serde_json's parser is in the build already, the standard library's
    // float parser would add to the page's size.
    let number: Number = serde_json::from_str(text.strip_prefix('+').unwrap_or(text)).ok()?;
    let integral = !text.contains(['.', 'e', 'E']);
    // An integer too large for 64 bits would lose digits as a float.
    (!(integral && number.is_f64())).then_some(Value::Number(number))
}

/// Nodes in a value, for the alias budget.
fn size(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(size).sum::<usize>(),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn value(text: &str) -> Value {
        convert(text).unwrap().unwrap().value
    }

    fn place(text: &str, pointer: &str) -> Option<(usize, usize)> {
        let converted = convert(text).unwrap().unwrap();
        converted.positions.iter().find(|(p, ..)| p == pointer).map(|(_, l, c)| (*l, *c))
    }

    #[test]
    fn short_forms_become_long_forms() {
        let text = "a: !Ref X\nb: !GetAtt R.Arn\nc: !Sub '${AWS::Region}'\nd: !Join ['', [x, !Ref Y]]\ne: !GetAtt [R, Arn]\nf: !Condition C\ng: !GetAZs ''\n";
        assert_eq!(
            value(text),
            json!({
                "a": {"Ref": "X"},
                "b": {"Fn::GetAtt": ["R", "Arn"]},
                "c": {"Fn::Sub": "${AWS::Region}"},
                "d": {"Fn::Join": ["", ["x", {"Ref": "Y"}]]},
                "e": {"Fn::GetAtt": ["R", "Arn"]},
                "f": {"Condition": "C"},
                "g": {"Fn::GetAZs": ""},
            })
        );
    }

    #[test]
    fn nested_attribute_names_keep_their_dots() {
        assert_eq!(value("a: !GetAtt Db.Endpoint.Address"), json!({"a": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}}));
    }

    #[test]
    fn scalars_are_typed_without_losing_digits() {
        let text = "a: 22\nb: '22'\nc: 012345678901\nd: true\ne: ~\nf: 1.5\ng: yes\nh: !!str 5\ni: -1\nj: .inf\nk: 123456789012345678901234567890\nl: 1e3\n";
        assert_eq!(
            value(text),
            json!({"a": 22, "b": "22", "c": "012345678901", "d": true, "e": null, "f": 1.5, "g": "yes", "h": "5", "i": -1, "j": ".inf", "k": "123456789012345678901234567890", "l": 1000.0})
        );
    }

    #[test]
    fn anchors_and_aliases_are_expanded() {
        assert_eq!(value("a: &x {k: v}\nb: *x\n"), json!({"a": {"k": "v"}, "b": {"k": "v"}}));
    }

    #[test]
    fn positions_are_one_based_and_name_keys() {
        let text = "Resources:\n  B:\n    Properties:\n      AccessControl: !Ref Acl\n      List:\n        - x\n";
        assert_eq!(place(text, ""), Some((1, 1)));
        assert_eq!(place(text, "/Resources/B/Properties/AccessControl"), Some((4, 7)));
        assert_eq!(place(text, "/Resources/B/Properties/AccessControl/Ref"), Some((4, 22)));
        assert_eq!(place(text, "/Resources/B/Properties/List/0"), Some((6, 11)));
    }

    #[test]
    fn tagged_collections_get_a_pointer_for_their_content() {
        let text = "a: !Join\n  - ''\n  - [x]\n";
        assert_eq!(place(text, "/a/Fn::Join/1/0"), Some((3, 6)));
        assert!(place(text, "/a/Fn::Join").is_some());
    }

    #[test]
    fn errors_name_the_place() {
        let tab = convert("Resources:\n  B:\n\tType: AWS::S3::Bucket\n").err().unwrap();
        assert_eq!(tab.line, 3);
        assert!(tab.sentence().contains("tab"), "{}", tab.sentence());
        let quote = convert("Resources:\n  B:\n    Type: \"AWS::S3::Bucket\n    Properties: {}\n").err().unwrap();
        assert_eq!(quote.line, 3);
        assert!(quote.sentence().contains("line 3"), "{}", quote.sentence());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(convert(&text).is_err());
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(5000) + &"]".repeat(5000);
        assert!(convert(&text).is_err());
    }

    #[test]
    fn empty_text_holds_no_document() {
        assert!(convert("").unwrap().is_none());
        assert!(convert("# only a comment\n").unwrap().is_none());
    }
}

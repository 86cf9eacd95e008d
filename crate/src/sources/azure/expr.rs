//! ARM template expressions: strings written `[function(...)]`.
//!
//! Keyhole resolves what a template says for itself: `parameters('x')` with a
//! `defaultValue`, `variables('y')`, and the cheap functions over literals
//! (`concat`, `format`, `toLower`, `if` on a decided condition, ...).
//! Everything else (`resourceGroup()`, `reference()`, `uniqueString()`, a
//! parameter without a default) stays unresolved and is never guessed.
//! Unresolved parts keep their text, so a name such as
//! `[concat(parameters('account'), '/default/logs')]` still splits into the
//! segments `[parameters('account')]`, `default` and `logs`.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::model::{Attr, Origin};
use crate::sources::Node;

/// How deep parameters and variables may refer to each other, and how deep
/// an expression may nest, before Keyhole stops and calls it unresolved.
const MAX_DEPTH: usize = 32;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Str(String),
    Int(i64),
    /// A function call, with its source text for unresolved rendering.
    Call {
        name: String,
        args: Vec<Expr>,
        text: String,
    },
    /// `base.property` or `base[index]`.
    Access {
        base: Box<Expr>,
        key: Box<Expr>,
        text: String,
    },
}

impl Expr {
    fn text(&self) -> String {
        match self {
            Expr::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Expr::Int(i) => i.to_string(),
            Expr::Call { text, .. } | Expr::Access { text, .. } => text.clone(),
        }
    }
}

/// A recursive-descent parser over the expression's characters.
struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn slice(&self, from: usize) -> String {
        self.chars.get(from..self.at).map(|c| c.iter().collect::<String>()).unwrap_or_default().trim().to_string()
    }

    fn expression(&mut self, depth: usize) -> Option<Expr> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        let start = self.at;
        let mut expr = self.primary(depth)?;
        loop {
            self.skip_space();
            match self.peek() {
                Some('.') => {
                    self.at += 1;
                    let name = self.identifier()?;
                    expr = Expr::Access { base: Box::new(expr), key: Box::new(Expr::Str(name)), text: String::new() };
                }
                Some('[') => {
                    self.at += 1;
                    let key = self.expression(depth + 1)?;
                    if !self.eat(']') {
                        return None;
                    }
                    expr = Expr::Access { base: Box::new(expr), key: Box::new(key), text: String::new() };
                }
                _ => break,
            }
            if let Expr::Access { text, .. } = &mut expr {
                *text = self.slice(start);
            }
        }
        Some(expr)
    }

    fn identifier(&mut self) -> Option<String> {
        self.skip_space();
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.at += 1;
        }
        (self.at > start).then(|| self.slice(start))
    }

    fn primary(&mut self, depth: usize) -> Option<Expr> {
        self.skip_space();
        let start = self.at;
        match self.peek()? {
            '\'' => {
                self.at += 1;
                let mut text = String::new();
                loop {
                    let c = self.peek()?;
                    self.at += 1;
                    if c == '\'' {
                        // `''` is a quote inside the string.
                        if self.peek() == Some('\'') {
                            self.at += 1;
                            text.push('\'');
                            continue;
                        }
                        return Some(Expr::Str(text));
                    }
                    text.push(c);
                }
            }
            c if c.is_ascii_digit() || c == '-' => {
                self.at += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.at += 1;
                }
                self.slice(start).parse().ok().map(Expr::Int)
            }
            _ => {
                let name = self.identifier()?;
                if !self.eat('(') {
                    return None;
                }
                let mut args = Vec::new();
                if !self.eat(')') {
                    loop {
                        args.push(self.expression(depth + 1)?);
                        if self.eat(',') {
                            continue;
                        }
                        if self.eat(')') {
                            break;
                        }
                        return None;
                    }
                }
                Some(Expr::Call { name, args, text: self.slice(start) })
            }
        }
    }
}

/// Parses the inside of `[...]`; `None` when it is not a well-formed expression.
fn parse(source: &str) -> Option<Expr> {
    let mut parser = Parser { chars: source.chars().collect(), at: 0 };
    let expr = parser.expression(0)?;
    parser.skip_space();
    (parser.at == parser.chars.len()).then_some(expr)
}

/// The inside of a template expression string, or `None` for a literal. A
/// string that starts with `[[` is a literal starting with `[`.
pub fn expression_text(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    (!inner.starts_with('[')).then_some(inner)
}

/// The literal a `[[...]` string stands for.
pub fn unescape(text: &str) -> &str {
    match text.strip_prefix("[[") {
        Some(_) => text.get(1..).unwrap_or(text),
        None => text,
    }
}

/// What an expression evaluated to.
#[derive(Debug, Clone)]
pub enum Ev<'a> {
    /// A JSON value written in the file (a parameter default, a variable).
    Node(Node<'a>),
    /// A value computed from literals.
    Value(Value),
    /// A string of which some parts are unresolved, written with those parts
    /// as `[expression]`.
    Partial(String),
    /// Not resolvable here; the expression's text.
    Unresolved(String),
}

impl<'a> Ev<'a> {
    fn value(&self) -> Option<&Value> {
        match self {
            Ev::Node(node) => Some(node.value),
            Ev::Value(value) => Some(value),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        self.value().and_then(Value::as_str)
    }

    fn known(&self) -> bool {
        self.value().is_some()
    }

    /// The text used where the value is a name: resolved strings as they are,
    /// unresolved parts as `[expression]`.
    pub fn render(&self) -> String {
        match self {
            Ev::Partial(text) => text.clone(),
            Ev::Unresolved(text) => format!("[{text}]"),
            Ev::Node(_) | Ev::Value(_) => match self.value() {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            },
        }
    }

    /// Whether every part resolved.
    pub fn resolved(&self) -> bool {
        self.known()
    }
}

/// A template's parameters and variables, against which expressions are
/// evaluated.
#[derive(Debug, Clone, Default)]
pub struct Scope<'a> {
    parameters: Option<Node<'a>>,
    variables: Option<Node<'a>>,
    /// Parameter values given by an enclosing deployment (nested templates
    /// with the `inner` scope), already evaluated in the outer scope.
    supplied: HashMap<String, Ev<'a>>,
}

/// The member `key` compared case-insensitively, as ARM compares parameter
/// and variable names.
fn member<'a>(object: &Node<'a>, key: &str) -> Option<Node<'a>> {
    object.get(key).or_else(|| {
        let (name, _) = object.value.as_object()?.iter().find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_null())?;
        object.get(name)
    })
}

impl<'a> Scope<'a> {
    pub fn new(template: &Node<'a>) -> Self {
        Scope { parameters: template.get("parameters"), variables: template.get("variables"), supplied: HashMap::new() }
    }

    /// Gives a parameter a value from the enclosing deployment.
    pub fn supply(&mut self, name: &str, value: Ev<'a>) {
        self.supplied.insert(name.to_ascii_lowercase(), value);
    }

    /// Evaluates a JSON value of the template: expression strings are
    /// evaluated, anything else is itself.
    pub fn resolve_node(&self, node: Node<'a>) -> Ev<'a> {
        self.resolve_at(node, 0)
    }

    fn resolve_at(&self, node: Node<'a>, depth: usize) -> Ev<'a> {
        let Some(text) = node.str() else { return Ev::Node(node) };
        match expression_text(text) {
            Some(inner) => match parse(inner) {
                Some(expr) => self.eval(&expr, depth),
                None => Ev::Unresolved(inner.to_string()),
            },
            None if text.starts_with("[[") => Ev::Value(Value::String(unescape(text).to_string())),
            None => Ev::Node(node),
        }
    }

    fn parameter(&self, name: &str, text: &str, depth: usize) -> Ev<'a> {
        if let Some(value) = self.supplied.get(&name.to_ascii_lowercase()) {
            return value.clone();
        }
        let default = self.parameters.as_ref().and_then(|p| member(p, name)).and_then(|p| member(&p, "defaultValue"));
        match default {
            Some(node) => self.resolve_at(node, depth + 1),
            None => Ev::Unresolved(text.to_string()),
        }
    }

    fn variable(&self, name: &str, text: &str, depth: usize) -> Ev<'a> {
        match self.variables.as_ref().and_then(|v| member(v, name)) {
            Some(node) => self.resolve_at(node, depth + 1),
            None => Ev::Unresolved(text.to_string()),
        }
    }

    fn eval(&self, expr: &Expr, depth: usize) -> Ev<'a> {
        if depth > MAX_DEPTH {
            return Ev::Unresolved(expr.text());
        }
        match expr {
            Expr::Str(s) => Ev::Value(Value::String(s.clone())),
            Expr::Int(i) => Ev::Value(Value::from(*i)),
            Expr::Access { base, key, text } => {
                let base = self.eval(base, depth + 1);
                let key = self.eval(key, depth + 1);
                access(base, &key).unwrap_or_else(|| Ev::Unresolved(text.clone()))
            }
            Expr::Call { name, args, text } => {
                self.call(&name.to_ascii_lowercase(), args, depth).unwrap_or_else(|| Ev::Unresolved(text.clone()))
            }
        }
    }

    /// A function call; `None` when it cannot be resolved.
    fn call(&self, name: &str, args: &[Expr], depth: usize) -> Option<Ev<'a>> {
        let text = |i: usize| args.get(i).map(Expr::text).unwrap_or_default();
        let arg = |i: usize| args.get(i).map(|a| self.eval(a, depth + 1));
        match name {
            "parameters" | "variables" => {
                let key = arg(0)?;
                let key = key.str()?;
                let whole = format!("{name}({})", text(0));
                Some(if name == "parameters" {
                    self.parameter(key, &whole, depth)
                } else {
                    self.variable(key, &whole, depth)
                })
            }
            "concat" => {
                let values: Vec<Ev> = args.iter().map(|a| self.eval(a, depth + 1)).collect();
                concat(&values)
            }
            "format" => {
                let values: Vec<Ev> = args.iter().map(|a| self.eval(a, depth + 1)).collect();
                format_string(&values)
            }
            "tolower" | "toupper" | "trim" => {
                let s = arg(0)?;
                let s = s.str()?;
                Some(Ev::Value(Value::String(match name {
                    "tolower" => s.to_lowercase(),
                    "toupper" => s.to_uppercase(),
                    _ => s.trim().to_string(),
                })))
            }
            "string" => {
                let v = arg(0)?;
                Some(Ev::Value(Value::String(match v.value()? {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })))
            }
            "bool" => Some(Ev::Value(Value::Bool(truthy(arg(0)?.value()?)?))),
            "int" => {
                let v = arg(0)?;
                let n = match v.value()? {
                    Value::Number(n) => n.as_i64()?,
                    Value::String(s) => s.trim().parse().ok()?,
                    _ => return None,
                };
                Some(Ev::Value(Value::from(n)))
            }
            "true" if args.is_empty() => Some(Ev::Value(Value::Bool(true))),
            "false" if args.is_empty() => Some(Ev::Value(Value::Bool(false))),
            "null" if args.is_empty() => Some(Ev::Value(Value::Null)),
            "json" => {
                let v = arg(0)?;
                serde_json::from_str(v.str()?).ok().map(Ev::Value)
            }
            "if" => {
                let condition = truthy(arg(0)?.value()?)?;
                arg(if condition { 1 } else { 2 })
            }
            "equals" => {
                let (a, b) = (arg(0)?, arg(1)?);
                Some(Ev::Value(Value::Bool(a.value()? == b.value()?)))
            }
            "not" => Some(Ev::Value(Value::Bool(!truthy(arg(0)?.value()?)?))),
            "and" | "or" => {
                let mut values = Vec::new();
                for a in args {
                    values.push(truthy(self.eval(a, depth + 1).value()?)?);
                }
                let result = if name == "and" { values.iter().all(|b| *b) } else { values.iter().any(|b| *b) };
                Some(Ev::Value(Value::Bool(result)))
            }
            "empty" => {
                let v = arg(0)?;
                Some(Ev::Value(Value::Bool(match v.value()? {
                    Value::Null => true,
                    Value::String(s) => s.is_empty(),
                    Value::Array(a) => a.is_empty(),
                    Value::Object(o) => o.is_empty(),
                    _ => false,
                })))
            }
            "createarray" => {
                let mut items = Vec::new();
                for a in args {
                    items.push(self.eval(a, depth + 1).value()?.clone());
                }
                Some(Ev::Value(Value::Array(items)))
            }
            "createobject" => {
                let mut map = Map::new();
                for pair in args.chunks(2) {
                    let key = self.eval(pair.first()?, depth + 1);
                    let value = self.eval(pair.get(1)?, depth + 1);
                    map.insert(key.str()?.to_string(), value.value()?.clone());
                }
                Some(Ev::Value(Value::Object(map)))
            }
            _ => None,
        }
    }
}

/// `true`/`false`, also from the strings ARM accepts.
fn truthy(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        _ => None,
    }
}

/// `base.key` or `base[key]` on resolved values.
fn access<'a>(base: Ev<'a>, key: &Ev<'a>) -> Option<Ev<'a>> {
    let key = key.value()?;
    match base {
        Ev::Node(node) => {
            let child = match key {
                Value::String(k) => member(&node, k)?,
                Value::Number(n) => node.items().nth(usize::try_from(n.as_u64()?).ok()?)?,
                _ => return None,
            };
            Some(Ev::Node(child))
        }
        Ev::Value(value) => {
            let child = match (key, &value) {
                (Value::String(k), Value::Object(map)) => {
                    map.iter().find(|(name, _)| name.eq_ignore_ascii_case(k)).map(|(_, v)| v.clone())?
                }
                (Value::Number(n), Value::Array(items)) => items.get(usize::try_from(n.as_u64()?).ok()?)?.clone(),
                _ => return None,
            };
            Some(Ev::Value(child))
        }
        Ev::Partial(_) | Ev::Unresolved(_) => None,
    }
}

/// A scalar as it appears inside a string.
fn piece(ev: &Ev) -> Option<String> {
    match ev.value()? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn concat<'a>(values: &[Ev<'a>]) -> Option<Ev<'a>> {
    if !values.is_empty() && values.iter().all(|v| v.value().is_some_and(Value::is_array)) {
        let items = values.iter().filter_map(|v| v.value()?.as_array().cloned()).flatten().collect();
        return Some(Ev::Value(Value::Array(items)));
    }
    let mut out = String::new();
    let mut complete = true;
    for value in values {
        match value {
            Ev::Partial(_) | Ev::Unresolved(_) => {
                complete = false;
                out.push_str(&value.render());
            }
            _ => out.push_str(&piece(value)?),
        }
    }
    Some(if complete { Ev::Value(Value::String(out)) } else { Ev::Partial(out) })
}

/// `format('{0}/{1}', a, b)`, with `{{` and `}}` for braces and `{0:fmt}`
/// taking the value as it is.
fn format_string<'a>(values: &[Ev<'a>]) -> Option<Ev<'a>> {
    let (template, args) = values.split_first()?;
    let template = template.str()?;
    let mut out = String::new();
    let mut complete = true;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut spec = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    spec.push(c);
                }
                let index: usize = spec.split(':').next()?.trim().parse().ok()?;
                let arg = args.get(index)?;
                match arg {
                    Ev::Partial(_) | Ev::Unresolved(_) => {
                        complete = false;
                        out.push_str(&arg.render());
                    }
                    _ => out.push_str(&piece(arg)?),
                }
            }
            other => out.push(other),
        }
    }
    Some(if complete { Ev::Value(Value::String(out)) } else { Ev::Partial(out) })
}

/// A value read from a template or an export, as the resource mappers see
/// it: a JSON value in the file, a value computed from an expression (placed
/// where the expression is written), or an expression Keyhole cannot resolve.
#[derive(Debug, Clone)]
pub enum Val<'a> {
    Node(Node<'a>),
    Value(Value, Origin),
    Unresolved(Origin),
}

/// How values are read: literally (exports), or with template expressions
/// evaluated.
pub trait Resolve<'a> {
    fn resolve(&self, node: Node<'a>) -> Val<'a>;
}

/// Exports hold values as they are: a string starting with `[` is just a string.
pub struct Literal;

impl<'a> Resolve<'a> for Literal {
    fn resolve(&self, node: Node<'a>) -> Val<'a> {
        Val::Node(node)
    }
}

impl<'a> Resolve<'a> for Scope<'a> {
    fn resolve(&self, node: Node<'a>) -> Val<'a> {
        let at = node.at.clone();
        match self.resolve_node(node) {
            // Objects and arrays keep their own place, so values inside a
            // variable point into the variable; a scalar points at the
            // expression the user wrote.
            Ev::Node(found) if found.value.is_object() || found.value.is_array() => Val::Node(found),
            Ev::Node(found) if found.at == at => Val::Node(found),
            Ev::Node(found) => Val::Value(found.value.clone(), at),
            Ev::Value(Value::Null) => Val::Value(Value::Null, at),
            Ev::Value(value) => Val::Value(value, at),
            Ev::Partial(_) | Ev::Unresolved(_) => Val::Unresolved(at),
        }
    }
}

impl<'a> Val<'a> {
    pub fn at(&self) -> &Origin {
        match self {
            Val::Node(node) => &node.at,
            Val::Value(_, at) | Val::Unresolved(at) => at,
        }
    }

    pub fn value(&self) -> Option<&Value> {
        match self {
            Val::Node(node) => Some(node.value),
            Val::Value(value, _) => Some(value),
            Val::Unresolved(_) => None,
        }
    }

    pub fn is_unresolved(&self) -> bool {
        matches!(self, Val::Unresolved(_))
    }

    /// The member `key`, compared case-insensitively (ARM property names
    /// are); `None` when absent or null. An unresolved object has unresolved
    /// members.
    pub fn get(&self, key: &str, r: &dyn Resolve<'a>) -> Option<Val<'a>> {
        match self {
            Val::Node(node) => member(node, key).map(|child| r.resolve(child)).filter(|v| !v.is_null()),
            Val::Value(Value::Object(map), at) => map
                .iter()
                .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_null())
                .map(|(_, v)| Val::Value(v.clone(), at.clone())),
            Val::Value(..) => None,
            Val::Unresolved(at) => Some(Val::Unresolved(at.clone())),
        }
    }

    /// Where `key` is present but `null`: a value that was exported yet
    /// cannot be read (`get` treats it as absent).
    pub fn null_member(&self, key: &str) -> Option<Origin> {
        match self {
            Val::Node(node) => {
                let (name, _) =
                    node.value.as_object()?.iter().find(|(k, v)| k.eq_ignore_ascii_case(key) && v.is_null())?;
                Some(node.at.child(name.as_str()))
            }
            Val::Value(Value::Object(map), at) => {
                map.iter().any(|(k, v)| k.eq_ignore_ascii_case(key) && v.is_null()).then(|| at.clone())
            }
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.value().is_some_and(Value::is_null)
    }

    /// Array elements; `None` when this is not a resolved array.
    pub fn items(&self, r: &dyn Resolve<'a>) -> Option<Vec<Val<'a>>> {
        match self {
            Val::Node(node) if node.value.is_array() => Some(node.items().map(|i| r.resolve(i)).collect()),
            Val::Value(Value::Array(items), at) => {
                Some(items.iter().map(|v| Val::Value(v.clone(), at.clone())).collect())
            }
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        self.value().and_then(Value::as_str)
    }

    /// A string, also from a number or a boolean.
    pub fn string(&self) -> Option<String> {
        match self.value()? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn bool(&self) -> Option<bool> {
        truthy(self.value()?).filter(|_| !self.value().is_some_and(Value::is_number))
    }

    pub fn int(&self) -> Option<i64> {
        match self.value()? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A boolean attribute; a value of another type is unresolved, never guessed.
    pub fn bool_attr(&self) -> Attr<bool> {
        match self.bool() {
            Some(b) => Attr::explicit(b, self.at().clone()),
            None => Attr::unresolved(self.at().clone()),
        }
    }

    pub fn string_attr(&self) -> Attr<String> {
        match self.string() {
            Some(s) => Attr::explicit(s, self.at().clone()),
            None => Attr::unresolved(self.at().clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval_in(template: &Value, text: &str) -> String {
        let root = Node::new(template, Origin::new(0, ""));
        let scope = Scope::new(&root);
        let value = Value::String(text.to_string());
        scope.resolve_node(Node::new(&value, Origin::new(0, "/x"))).render()
    }

    #[test]
    fn parameters_and_variables_resolve_through_defaults() {
        let t = json!({
            "parameters": {"name": {"type": "string", "defaultValue": "dealercrm"}, "open": {"defaultValue": "[variables('flag')]"}, "bare": {"type": "string"}},
            "variables": {"flag": "[bool('true')]", "suffix": "logs", "acls": {"defaultAction": "Allow"}}
        });
        assert_eq!(eval_in(&t, "[parameters('name')]"), "dealercrm");
        assert_eq!(eval_in(&t, "[parameters('NAME')]"), "dealercrm");
        assert_eq!(eval_in(&t, "[parameters('open')]"), "true");
        assert_eq!(
            eval_in(&t, "[concat(parameters('name'), '/default/', variables('suffix'))]"),
            "dealercrm/default/logs"
        );
        assert_eq!(eval_in(&t, "[format('{0}-{1}', parameters('name'), 2)]"), "dealercrm-2");
        assert_eq!(eval_in(&t, "[variables('acls').defaultAction]"), "Allow");
        assert_eq!(eval_in(&t, "[toLower('ABC')]"), "abc");
        assert_eq!(eval_in(&t, "[if(equals(parameters('name'), 'dealercrm'), 'yes', 'no')]"), "yes");
        assert_eq!(eval_in(&t, "[[literal]"), "[literal]");
        assert_eq!(eval_in(&t, "plain"), "plain");
    }

    #[test]
    fn unresolved_parts_keep_their_text() {
        let t = json!({"parameters": {"bare": {"type": "string"}}});
        assert_eq!(eval_in(&t, "[parameters('bare')]"), "[parameters('bare')]");
        assert_eq!(eval_in(&t, "[concat(parameters('bare'), '/default')]"), "[parameters('bare')]/default");
        assert_eq!(
            eval_in(&t, "[concat('store', uniqueString(resourceGroup().id))]"),
            "store[uniqueString(resourceGroup().id)]"
        );
        assert_eq!(eval_in(&t, "[resourceGroup().location]"), "[resourceGroup().location]");
    }

    #[test]
    fn hostile_input_never_panics() {
        let t = json!({"variables": {"a": "[variables('b')]", "b": "[variables('a')]"}});
        assert_eq!(eval_in(&t, "[variables('a')]"), "[variables('a')]");
        for text in [
            "[",
            "[]",
            "[(]",
            "[concat(]",
            "['unterminated]",
            "[a.b.c]",
            "[x()[0]",
            "[format('{9}', 1)]",
            "[format('{', 1)]",
        ] {
            let _ = eval_in(&t, text);
        }
        let deep = format!("[{}1{}]", "concat(".repeat(200), ")".repeat(200));
        let _ = eval_in(&t, &deep);
    }
}

//! Does a statement's `Condition` keep anonymous internet callers out?
//!
//! The list of keys that restrict is AWS's own definition of a public S3 bucket
//! policy ("The meaning of public", S3 User Guide), applied to every resource
//! policy, as the project's rule catalogue asks (`rules.md`, "Anonymous and
//! restricted principals"). A condition restricts a statement when it grants
//! only to **fixed** values (no `*`, no `?`, no `${...}` policy variable) of:
//! `aws:SourceIp` (unless the ranges cover the whole IPv4 or IPv6 space),
//! `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceArn`, `aws:SourceAccount`,
//! `aws:SourceOwner`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
//! `aws:PrincipalAccount`, `aws:PrincipalArn` (a fixed account is enough),
//! `aws:userid` (other than `AROLEID:*` forms, which have a wildcard),
//! `s3:x-amz-server-side-encryption-aws-kms-key-id`, `s3:DataAccessPointArn`,
//! `s3:DataAccessPointAccount`, and in KMS key policies `kms:CallerAccount`.
//!
//! How operators are read, for an anonymous caller:
//! - Keys are case-insensitive, operator names are not: `stringequals` or
//!   `ARNLike` is an operator Keyhole does not know, so the verdict is unknown.
//! - Keys within a block, and blocks, are ANDed: one restricting entry restricts
//!   the statement. Values under one key are ORed: one open value opens the key.
//! - `...IfExists` never restricts: the condition passes when the key is absent,
//!   and an anonymous caller's request carries none of the restricting keys; even
//!   `aws:SourceIp` is absent from a request sent through the caller's own VPC
//!   endpoint. (Some documentation says `ForAnyValue:` ignores `IfExists`; Keyhole
//!   does not rely on that either way.)
//! - `ForAllValues:` passes when the key is absent, so it does not restrict.
//!   `ForAnyValue:` fails when the key is absent, so with a positive operator it
//!   restricts exactly as the plain operator does.
//! - Negated operators (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, ...) pass
//!   when the key is absent and otherwise exclude only the listed values, so on
//!   an `Allow` they never restrict a restricting key. Two exceptions are unknown
//!   rather than open: `NotIpAddress` excluding a whole address family, and a
//!   negated `aws:userid` whose values match `anonymous`, the user id AWS gives
//!   anonymous callers.
//!
//! Keys special-cased as known **not** to restrict (the statement stays public
//! rather than unknown):
//! - `aws:Referer` and `aws:UserAgent`, with string operators: HTTP headers the
//!   caller writes, so any value can be sent (AWS warns against relying on
//!   `aws:Referer`). S3's definition of public ignores them too.
//! - `aws:SecureTransport` with `Bool` and boolean values: it only chooses between
//!   HTTPS and HTTP, and the caller picks the protocol.
//! - `kms:ViaService` (KMS key policies) with a negated operator: absent on a
//!   direct call, so the condition passes. With a positive operator it is unknown:
//!   it restricts only together with `kms:CallerAccount`, whose own entry then
//!   restricts the statement anyway.
//!
//! Every other key (`aws:PrincipalType`, `s3:prefix`, `sts:ExternalId`, ...) makes
//! the statement unknown, unless another entry restricts it.

use super::PolicyKind;
use crate::net;
use serde_json::Value;
use std::borrow::Cow;

/// What a statement's condition means for an anonymous caller.
pub(super) enum Assessment {
    /// Some entry keeps anonymous callers out.
    Restricted,
    /// Nothing stops an anonymous caller. The phrase explains a condition that
    /// was present but does not restrict; `None` when there was none.
    Open(Option<String>),
    /// Keyhole cannot tell; the phrase says why.
    Unknown(String),
}

/// One `operator: {key: values}` entry's meaning on its own.
enum Outcome {
    Restricts,
    Open(String),
    Unknown(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// How values are compared.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Compare {
    Exact,
    IgnoreCase,
    /// `*` and `?` wildcards (`StringLike`, and every ARN operator).
    Like,
    /// Numbers, dates, booleans, addresses: not compared as strings here.
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    AnyValue,
    AllValues,
}

/// A condition operator as AWS spells it, with its `ForAnyValue:`/`ForAllValues:`
/// prefix and `IfExists` suffix taken apart.
struct Operator<'a> {
    name: &'a str,
    family: Family,
    compare: Compare,
    negated: bool,
    set: Option<SetOp>,
    if_exists: bool,
}

/// The base operators AWS defines, case-sensitive.
const OPERATORS: &[(&str, Family, Compare, bool)] = &[
    ("StringEquals", Family::String, Compare::Exact, false),
    ("StringNotEquals", Family::String, Compare::Exact, true),
    ("StringEqualsIgnoreCase", Family::String, Compare::IgnoreCase, false),
    ("StringNotEqualsIgnoreCase", Family::String, Compare::IgnoreCase, true),
    ("StringLike", Family::String, Compare::Like, false),
    ("StringNotLike", Family::String, Compare::Like, true),
    ("NumericEquals", Family::Numeric, Compare::Other, false),
    ("NumericNotEquals", Family::Numeric, Compare::Other, true),
    ("NumericLessThan", Family::Numeric, Compare::Other, false),
    ("NumericLessThanEquals", Family::Numeric, Compare::Other, false),
    ("NumericGreaterThan", Family::Numeric, Compare::Other, false),
    ("NumericGreaterThanEquals", Family::Numeric, Compare::Other, false),
    ("DateEquals", Family::Date, Compare::Other, false),
    ("DateNotEquals", Family::Date, Compare::Other, true),
    ("DateLessThan", Family::Date, Compare::Other, false),
    ("DateLessThanEquals", Family::Date, Compare::Other, false),
    ("DateGreaterThan", Family::Date, Compare::Other, false),
    ("DateGreaterThanEquals", Family::Date, Compare::Other, false),
    ("Bool", Family::Bool, Compare::Other, false),
    ("BinaryEquals", Family::Binary, Compare::Other, false),
    ("IpAddress", Family::Ip, Compare::Other, false),
    ("NotIpAddress", Family::Ip, Compare::Other, true),
    ("ArnEquals", Family::Arn, Compare::Like, false),
    ("ArnLike", Family::Arn, Compare::Like, false),
    ("ArnNotEquals", Family::Arn, Compare::Like, true),
    ("ArnNotLike", Family::Arn, Compare::Like, true),
    ("Null", Family::Null, Compare::Other, false),
];

impl<'a> Operator<'a> {
    fn parse(name: &'a str) -> Option<Self> {
        let (set, rest) = if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetOp::AnyValue), rest)
        } else if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetOp::AllValues), rest)
        } else {
            (None, name)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let &(_, family, compare, negated) = OPERATORS.iter().find(|(n, ..)| *n == base)?;
        if family == Family::Null && (if_exists || set.is_some()) {
            return None;
        }
        Some(Operator { name, family, compare, negated, set, if_exists })
    }

    /// Whether a policy value would match the request value `actual`.
    fn value_matches(&self, policy: &str, actual: &str) -> bool {
        match self.compare {
            Compare::Exact => policy == actual,
            Compare::IgnoreCase => policy.eq_ignore_ascii_case(actual),
            Compare::Like => super::glob::matches(policy, actual, false),
            Compare::Other => false,
        }
    }
}

/// How a restricting key's values must look to pin callers down.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pin {
    /// A plain string: fixed means no wildcard or variable anywhere.
    Plain,
    /// An ARN, compared with string or ARN operators; fixed as for `Plain`.
    Arn,
    /// `aws:PrincipalArn`: a fixed account field is enough.
    PrincipalArn,
    /// `aws:userid`: fixed, and not the `anonymous` that anonymous callers have.
    UserId,
}

enum KeyClass {
    SourceIp,
    Pinned(Pin),
    /// `aws:Referer`, `aws:UserAgent`: headers the caller writes.
    CallerSet,
    SecureTransport,
    ViaService,
    Other,
}

const PINNED: &[(&str, Pin)] = &[
    ("aws:SourceVpc", Pin::Plain),
    ("aws:SourceVpce", Pin::Plain),
    ("aws:SourceArn", Pin::Arn),
    ("aws:SourceAccount", Pin::Plain),
    ("aws:SourceOwner", Pin::Plain),
    ("aws:PrincipalOrgID", Pin::Plain),
    ("aws:PrincipalOrgPaths", Pin::Plain),
    ("aws:PrincipalAccount", Pin::Plain),
    ("aws:PrincipalArn", Pin::PrincipalArn),
    ("aws:userid", Pin::UserId),
    ("s3:x-amz-server-side-encryption-aws-kms-key-id", Pin::Plain),
    ("s3:DataAccessPointArn", Pin::Arn),
    ("s3:DataAccessPointAccount", Pin::Plain),
];

fn classify_key(key: &str, kind: PolicyKind) -> KeyClass {
    let is = |name: &str| key.eq_ignore_ascii_case(name);
    if is("aws:SourceIp") {
        return KeyClass::SourceIp;
    }
    if let Some(&(_, pin)) = PINNED.iter().find(|(name, _)| is(name)) {
        return KeyClass::Pinned(pin);
    }
    if is("aws:Referer") || is("aws:UserAgent") {
        return KeyClass::CallerSet;
    }
    if is("aws:SecureTransport") {
        return KeyClass::SecureTransport;
    }
    if kind == PolicyKind::Resource("kms") {
        if is("kms:CallerAccount") {
            return KeyClass::Pinned(Pin::Plain);
        }
        if is("kms:ViaService") {
            return KeyClass::ViaService;
        }
    }
    KeyClass::Other
}

/// No wildcard and no policy variable anywhere.
fn fixed(value: &str) -> bool {
    !value.contains(['*', '?']) && !value.contains("${")
}

/// Whether a value pins callers to a fixed set, for this kind of key.
fn pinned(pin: Pin, value: &str) -> bool {
    match pin {
        Pin::Plain | Pin::Arn | Pin::UserId => fixed(value),
        // Everything up to and including the account field must be fixed
        // (`arn:aws:iam::111122223333:role/*` stays inside one account).
        Pin::PrincipalArn => {
            super::principal::arn_account(value).is_some_and(|account| !account.is_empty())
                && value.splitn(6, ':').take(5).all(fixed)
        }
    }
}

/// Which operator families can compare this kind of key.
fn fits(pin: Pin, family: Family) -> bool {
    match pin {
        Pin::Plain | Pin::UserId => family == Family::String,
        Pin::Arn | Pin::PrincipalArn => matches!(family, Family::String | Family::Arn),
    }
}

/// A condition's values: a string, boolean or number, or a list of them.
fn read_values(raw: &Value) -> Option<Vec<Cow<'_, str>>> {
    fn scalar(v: &Value) -> Option<Cow<'_, str>> {
        match v {
            Value::String(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Value::Number(n) => Some(Cow::Owned(n.to_string())),
            _ => None,
        }
    }
    match raw {
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => scalar(other).map(|v| vec![v]),
    }
}

/// The values for a note: up to three, then a count.
fn list(values: &[Cow<'_, str>]) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().take(3).enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == values.len() { " or " } else { ", " });
        }
        out.push_str(v);
    }
    if values.len() > 3 {
        out.push_str(&format!(" or {} more", values.len() - 3));
    }
    out
}

/// Reads an `Allow` statement's condition.
pub(super) fn assess_allow(condition: Option<&Value>, kind: PolicyKind) -> Assessment {
    let blocks = match condition {
        None | Some(Value::Null) => return Assessment::Open(None),
        Some(Value::Object(blocks)) => blocks,
        Some(_) => return Assessment::Unknown("its Condition is not a JSON object".to_string()),
    };
    let mut open: Option<String> = None;
    let mut unknown: Option<String> = None;
    for (name, block) in blocks {
        let Some(op) = Operator::parse(name) else {
            if unknown.is_none() {
                unknown = Some(format!(
                    "the condition operator {name} is not one AWS defines (operator names are case-sensitive)"
                ));
            }
            continue;
        };
        let Value::Object(entries) = block else {
            if unknown.is_none() {
                unknown = Some(format!("its {name} condition is not a JSON object"));
            }
            continue;
        };
        for (key, raw) in entries {
            let outcome = match read_values(raw) {
                Some(values) => allow_entry(&op, key, &values, kind),
                None => Outcome::Unknown(format!("the {name} values for {key} are not strings")),
            };
            match outcome {
                Outcome::Restricts => return Assessment::Restricted,
                Outcome::Open(why) => {
                    open.get_or_insert(why);
                }
                Outcome::Unknown(why) => {
                    unknown.get_or_insert(why);
                }
            }
        }
    }
    match unknown {
        Some(why) => Assessment::Unknown(why),
        None => Assessment::Open(open),
    }
}

fn not_reliable(key: &str) -> Outcome {
    Outcome::Unknown(format!("condition key {key} is not one Keyhole can rely on to restrict access"))
}

fn mismatch(op: &Operator, key: &str) -> Outcome {
    if op.family == Family::Null {
        return Outcome::Unknown(format!(
            "its Null operator only tests whether {key} is present, which Keyhole cannot rely on to restrict access"
        ));
    }
    Outcome::Unknown(format!("the operator {} cannot compare the condition key {key}", op.name))
}

fn allow_entry(op: &Operator, key: &str, values: &[Cow<'_, str>], kind: PolicyKind) -> Outcome {
    if values.is_empty() {
        return Outcome::Unknown(format!("its {} condition on {key} lists no values", op.name));
    }
    match classify_key(key, kind) {
        KeyClass::Other => not_reliable(key),
        KeyClass::CallerSet if op.family == Family::String => Outcome::Open(format!(
            "{key} is sent by the caller and can be forged, so it does not restrict who can call"
        )),
        KeyClass::SecureTransport
            if op.family == Family::Bool
                && values.iter().all(|v| v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")) =>
        {
            Outcome::Open(format!("{key} only chooses between HTTPS and HTTP, and any caller can choose either"))
        }
        KeyClass::CallerSet | KeyClass::SecureTransport => mismatch(op, key),
        KeyClass::ViaService if op.negated => Outcome::Open(format!(
            "{} on {key} only shuts out the listed services, and a direct call has no {key}",
            op.name
        )),
        KeyClass::ViaService => Outcome::Unknown(format!(
            "{key} restricts access only together with kms:CallerAccount, which this statement does not pin"
        )),
        KeyClass::SourceIp => source_ip(op, key, values),
        KeyClass::Pinned(pin) => pinned_entry(op, key, pin, values),
    }
}

fn source_ip(op: &Operator, key: &str, values: &[Cow<'_, str>]) -> Outcome {
    if op.family != Family::Ip {
        return mismatch(op, key);
    }
    if let Some(bad) = values.iter().find(|v| net::parse_cidr(v).is_none()) {
        return Outcome::Unknown(format!("the {key} value {bad} is not an IP range Keyhole can read"));
    }
    if op.negated {
        if op.set == Some(SetOp::AnyValue) {
            return Outcome::Unknown(format!("Keyhole cannot tell what {} on {key} lets in", op.name));
        }
        if net::covers_all_ipv4(values) || net::covers_all_ipv6(values) {
            return Outcome::Unknown(format!(
                "{} on {key} shuts out a whole address family, and callers may still arrive over the other \
                 one or through a VPC endpoint",
                op.name
            ));
        }
        return Outcome::Open(format!("{} on {key} only shuts out {}", op.name, list(values)));
    }
    if op.if_exists {
        return Outcome::Open(format!(
            "{} lets in requests that carry no {key}, such as those sent through the caller's own VPC endpoint",
            op.name
        ));
    }
    if op.set == Some(SetOp::AllValues) {
        return Outcome::Open(format!(
            "{} matches requests that carry no {key}, such as those sent through a VPC endpoint",
            op.name
        ));
    }
    if let Some(world) = values.iter().find(|v| net::is_world(v)) {
        return Outcome::Open(format!("its {key} range {world} is the whole internet"));
    }
    if net::covers_internet(values) {
        return Outcome::Open(format!("its {key} ranges together cover the whole internet"));
    }
    Outcome::Restricts
}

fn pinned_entry(op: &Operator, key: &str, pin: Pin, values: &[Cow<'_, str>]) -> Outcome {
    if !fits(pin, op.family) {
        return mismatch(op, key);
    }
    let matches_anonymous = |v: &Cow<'_, str>| pin == Pin::UserId && op.value_matches(v, "anonymous");
    if op.negated {
        if op.set == Some(SetOp::AnyValue) {
            return Outcome::Unknown(format!("Keyhole cannot tell what {} on {key} lets in", op.name));
        }
        if values.iter().any(matches_anonymous) {
            return Outcome::Unknown(format!(
                "{} on {key} may shut out anonymous callers, whose user id is \"anonymous\"",
                op.name
            ));
        }
        return Outcome::Open(format!(
            "{} on {key} only shuts out {}, and lets in callers whose requests carry no {key}",
            op.name,
            list(values)
        ));
    }
    if op.if_exists {
        return Outcome::Open(format!(
            "{} lets in requests that carry no {key}, as an anonymous caller's requests do not",
            op.name
        ));
    }
    if op.set == Some(SetOp::AllValues) {
        return Outcome::Open(format!(
            "{} matches requests that carry no {key}, as an anonymous caller's requests do not",
            op.name
        ));
    }
    if let Some(loose) = values.iter().find(|v| !pinned(pin, v)) {
        return Outcome::Open(format!(
            "its {key} value {loose} has a wildcard or a policy variable, so it does not pin callers down"
        ));
    }
    if values.iter().any(matches_anonymous) {
        return Outcome::Open(format!("its {key} value \"anonymous\" is the user id of anonymous callers"));
    }
    Outcome::Restricts
}

/// Whether a `Deny` statement's condition holds for every anonymous caller
/// outside a restricted set, so that it restricts an `Allow` of the same
/// actions exactly as the positive condition would. That is: no condition at
/// all, or only negated operators on restricting keys with fixed values (`Deny`
/// entries are ANDed, so a caller escapes through any entry that is false for
/// them; each escape must lead into a restricted set).
pub(super) fn deny_restricts(condition: Option<&Value>, kind: PolicyKind) -> bool {
    let blocks = match condition {
        None | Some(Value::Null) => return true,
        Some(Value::Object(blocks)) => blocks,
        Some(_) => return false,
    };
    for (name, block) in blocks {
        let Some(op) = Operator::parse(name) else { return false };
        let Value::Object(entries) = block else { return false };
        if !op.negated || op.set == Some(SetOp::AnyValue) {
            // A positive operator or ForAnyValue: a caller escapes the Deny by
            // not matching, or by leaving the key out.
            if entries.is_empty() {
                continue;
            }
            return false;
        }
        for (key, raw) in entries {
            let Some(values) = read_values(raw) else { return false };
            if values.is_empty() {
                return false;
            }
            let restricts = match classify_key(key, kind) {
                KeyClass::SourceIp => {
                    op.family == Family::Ip
                        && values.iter().all(|v| net::parse_cidr(v).is_some())
                        && !net::covers_internet(&values)
                }
                KeyClass::Pinned(pin) => {
                    fits(pin, op.family)
                        && values.iter().all(|v| pinned(pin, v))
                        && !(pin == Pin::UserId && values.iter().any(|v| op.value_matches(v, "anonymous")))
                }
                _ => false,
            };
            if !restricts {
                return false;
            }
        }
    }
    true
}

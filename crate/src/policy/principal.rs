//! Who a statement applies to: is an anonymous internet caller among them?

use serde_json::{Map, Value};

/// Whether an `Allow` statement's principal includes anonymous callers.
pub(super) enum Who {
    /// Anyone, with a phrase for the note such as `everyone ("Principal": "*")`.
    Anonymous(String),
    NotAnonymous,
    /// The principal could not be read; the sentence says why.
    Unknown(String),
}

/// What one `Principal`/`NotPrincipal` value names.
#[derive(Default)]
struct Scan {
    /// A literal `"*"`, as the whole principal or as an `AWS` value.
    star: bool,
    /// An ARN whose account field has a wildcard (`arn:aws:iam::*:root`).
    wildcard_account: Option<String>,
    /// The first thing that could not be read.
    malformed: Option<String>,
}

const TYPES: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

fn scan(value: &Value, element: &str) -> Scan {
    let mut out = Scan::default();
    match value {
        Value::String(s) => scan_aws(s, &mut out),
        Value::Object(map) => {
            for (kind, ids) in map {
                if !TYPES.contains(&kind.as_str()) {
                    out.malformed
                        .get_or_insert_with(|| format!("the {element} type \"{kind}\" is not one AWS defines"));
                    continue;
                }
                let mut visit = |id: &Value| match id {
                    Value::String(s) if kind == "AWS" => scan_aws(s, &mut out),
                    // Service, federated and canonical-user principals are never anonymous.
                    // A federated principal can still be broad (any Cognito identity pool
                    // user, say), but that is a trust question about the identity provider,
                    // which this evaluator does not judge.
                    Value::String(_) => {}
                    _ => {
                        out.malformed.get_or_insert_with(|| {
                            format!("one of its \"{kind}\" values in {element} is not a string")
                        });
                    }
                };
                match ids {
                    Value::Array(items) => items.iter().for_each(&mut visit),
                    other => visit(other),
                }
            }
        }
        _ => out.malformed = Some(format!("{element} is neither a string nor an object")),
    }
    out
}

/// An `AWS` principal: `*`, an account id, or an ARN.
///
/// AWS only accepts a wildcard as the whole principal, so an ARN like
/// `arn:aws:iam::*:root` is refused when the policy is saved. A document that
/// holds one anyway (a template not yet deployed, a hand-written export) is read
/// the way its author seems to mean it, "any account", which is as good as
/// anonymous: anyone can create an AWS account. A wildcard elsewhere in the ARN,
/// with a fixed account (`arn:aws:iam::111122223333:role/*`), stays inside that
/// account and is not anonymous.
fn scan_aws(id: &str, out: &mut Scan) {
    if id == "*" {
        out.star = true;
    } else if out.wildcard_account.is_none() && arn_account(id).is_some_and(|a| a.contains(['*', '?'])) {
        out.wildcard_account = Some(id.to_string());
    }
}

/// The account field of an ARN (`arn:partition:service:region:account:...`).
pub(super) fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    parts.nth(3)
}

/// Reads the principal of an `Allow` statement.
pub(super) fn allow(statement: &Map<String, Value>) -> Who {
    match (statement.get("Principal"), statement.get("NotPrincipal")) {
        (Some(_), Some(_)) => Who::Unknown("the statement has both Principal and NotPrincipal".to_string()),
        (None, None) => Who::Unknown("the statement names no Principal".to_string()),
        (Some(principal), None) => {
            let found = scan(principal, "Principal");
            if found.star {
                let phrase = match principal {
                    Value::String(_) => r#"everyone ("Principal": "*")"#,
                    Value::Object(map) if map.get("AWS").is_some_and(|v| v == "*") => {
                        r#"everyone ("Principal": {"AWS": "*"})"#
                    }
                    _ => r#"everyone (its AWS principals include "*")"#,
                };
                Who::Anonymous(phrase.to_string())
            } else if let Some(arn) = found.wildcard_account {
                Who::Anonymous(format!("any AWS account (the principal {arn} has a wildcard account)"))
            } else if let Some(why) = found.malformed {
                Who::Unknown(why)
            } else {
                Who::NotAnonymous
            }
        }
        (None, Some(not_principal)) => {
            let found = scan(not_principal, "NotPrincipal");
            if found.star {
                // "everyone except everyone": the statement applies to no one.
                Who::NotAnonymous
            } else if let Some(why) = found.malformed {
                Who::Unknown(why)
            } else {
                Who::Anonymous("everyone except the principals listed in NotPrincipal".to_string())
            }
        }
    }
}

/// Whether a `Deny` statement certainly applies to anonymous callers: its
/// principal is a literal `"*"` (not merely a wildcard account), or it uses a
/// well-formed `NotPrincipal` that does not exclude `"*"` (a `Deny` with
/// `NotPrincipal` denies everyone else, anonymous callers included).
pub(super) fn deny_covers_anonymous(statement: &Map<String, Value>) -> bool {
    match (statement.get("Principal"), statement.get("NotPrincipal")) {
        (Some(principal), None) => scan(principal, "Principal").star,
        (None, Some(not_principal)) => {
            let found = scan(not_principal, "NotPrincipal");
            !found.star && found.malformed.is_none()
        }
        _ => false,
    }
}

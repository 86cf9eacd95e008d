//! Table-driven cases for the IAM policy evaluator (`keyhole::policy::evaluate`).
//!
//! Each case in `fixtures/policy/cases.json` has a `name`, a `kind` (`trust`, or
//! the service of a resource policy such as `s3` or `kms`), a `policy` and the
//! expected verdict (`public`, `unknown` or `not_public`). Optional fields check
//! more: `pointers` lists the pointers of the reported statements, in order, and
//! `note_contains` is text that one of their notes must contain.

use keyhole::policy::{evaluate, Access, Evaluation, PolicyKind};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    kind: String,
    expect: String,
    policy: Value,
    #[serde(default)]
    pointers: Option<Vec<String>>,
    #[serde(default)]
    note_contains: Option<String>,
}

fn kind(name: &str) -> Option<PolicyKind> {
    Some(match name {
        "trust" => PolicyKind::Trust,
        "s3" => PolicyKind::Resource("s3"),
        "sqs" => PolicyKind::Resource("sqs"),
        "sns" => PolicyKind::Resource("sns"),
        "lambda" => PolicyKind::Resource("lambda"),
        "kms" => PolicyKind::Resource("kms"),
        "ecr" => PolicyKind::Resource("ecr"),
        "secretsmanager" => PolicyKind::Resource("secretsmanager"),
        "es" => PolicyKind::Resource("es"),
        _ => return None,
    })
}

fn access(name: &str) -> Option<Access> {
    match name {
        "public" => Some(Access::Public),
        "unknown" => Some(Access::Unknown),
        "not_public" => Some(Access::NotPublic),
        _ => None,
    }
}

/// Checks one case; returns what is wrong with it.
fn check(case: &Case) -> Result<(), String> {
    let kind = kind(&case.kind).ok_or_else(|| format!("unknown kind {:?}", case.kind))?;
    let want = access(&case.expect).ok_or_else(|| format!("unknown expect {:?}", case.expect))?;
    let got: Evaluation = evaluate(&case.policy, kind);
    if got.access != want {
        return Err(format!("expected {want:?}, got {:?}: {:#?}", got.access, got.statements));
    }
    // The overall verdict is the most open statement's, and only open or unknown statements are listed.
    let most_open = got.statements.iter().map(|s| s.access).min().unwrap_or(Access::NotPublic);
    if most_open != got.access {
        return Err(format!("overall {:?} disagrees with the statements: {:#?}", got.access, got.statements));
    }
    if got.statements.iter().any(|s| s.access == Access::NotPublic || s.note.trim().is_empty()) {
        return Err(format!("a listed statement is not public or has no note: {:#?}", got.statements));
    }
    if let Some(pointers) = &case.pointers {
        let listed: Vec<&str> = got.statements.iter().map(|s| s.pointer.as_str()).collect();
        if listed != *pointers {
            return Err(format!("expected pointers {pointers:?}, got {listed:?}"));
        }
    }
    if let Some(text) = &case.note_contains {
        if !got.statements.iter().any(|s| s.note.contains(text.as_str())) {
            return Err(format!("no note contains {text:?}: {:#?}", got.statements));
        }
    }
    // Every listed pointer resolves in the document.
    for s in &got.statements {
        if case.policy.pointer(&s.pointer).is_none() {
            return Err(format!("pointer {:?} does not resolve", s.pointer));
        }
    }
    Ok(())
}

#[test]
fn policy_table() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("fixtures/policy/cases.json")).expect("cases.json parses");
    assert!(cases.len() >= 60, "the table should stay thorough, it has {} cases", cases.len());
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    for case in &cases {
        if !names.insert(case.name.as_str()) {
            failures.push(format!("{}: duplicate case name", case.name));
        }
        if let Err(why) = check(case) {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    for expect in ["public", "unknown", "not_public"] {
        assert!(cases.iter().any(|c| c.expect == expect), "no case expects {expect}");
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    println!("policy table: {} cases pass", cases.len());
}

#[test]
fn statement_verdicts_carry_actions_as_written() {
    let policy: Value = serde_json::json!({
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
            {"Effect": "Allow", "Principal": "*", "NotAction": "s3:DeleteObject", "Resource": "*"}
        ]
    });
    let got = evaluate(&policy, PolicyKind::Resource("s3"));
    let actions: Vec<&[String]> = got.statements.iter().map(|s| s.actions.as_slice()).collect();
    assert_eq!(
        actions,
        [
            &["s3:GetObject".to_string(), "s3:ListBucket".to_string()][..],
            &["NotAction:s3:DeleteObject".to_string()][..]
        ]
    );
}

//! Unit tests for the evaluator. The table of cases lives in
//! `tests/fixtures/policy/cases.json`; these cover notes, robustness and
//! properties that a table cannot state.

use super::*;
use serde_json::json;

const S3: PolicyKind = PolicyKind::Resource("s3");

fn statement(s: Value) -> Value {
    json!({ "Version": "2012-10-17", "Statement": [s] })
}

#[test]
fn notes_read_as_sentences() {
    let got = evaluate(
        &statement(json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})),
        S3,
    );
    assert_eq!(got.access, Access::Public);
    assert_eq!(
        got.statements[0].note,
        r#"Allow s3:GetObject to everyone ("Principal": "*") with no restricting condition."#
    );

    let got = evaluate(
        &statement(json!({
            "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": "*", "Condition": {"StringEquals": {"aws:UserAgentX": "x"}}
        })),
        S3,
    );
    assert_eq!(got.access, Access::Unknown);
    assert_eq!(
        got.statements[0].note,
        r#"Allows s3:GetObject, s3:GetObjectVersion, s3:ListBucket and 1 more to everyone ("Principal": {"AWS": "*"}), but condition key aws:UserAgentX is not one Keyhole can rely on to restrict access."#
    );

    let got = evaluate(
        &statement(json!({
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/0"]}}
        })),
        S3,
    );
    assert_eq!(
        got.statements[0].note,
        r#"Allow s3:GetObject to everyone ("Principal": "*"); its condition does not restrict it, because its aws:SourceIp range 0.0.0.0/0 is the whole internet."#
    );
}

/// The reasons in `tests/fixtures/policy/policyuniverse-deviations.json` claim
/// what Keyhole answers once the operators are spelled as AWS spells them.
#[test]
fn policyuniverse_deviation_reasons_hold() {
    let with = |operator: &str, key_value: Value| {
        evaluate(
            &statement(json!({
                "Effect": "Allow", "Principal": "*", "Action": ["rds:*"], "Resource": "*",
                "Condition": { operator: key_value }
            })),
            S3,
        )
        .access
    };
    let role = "arn:aws:iam::012345678910:role/SomeTestRoleForTesting";
    // statement07 / statement27
    assert_eq!(with("ForAllValues:ARNEqualsIfExists", json!({"AWS:SourceArn": [role]})), Access::Unknown);
    assert_eq!(with("ForAllValues:ArnEqualsIfExists", json!({"AWS:SourceArn": [role]})), Access::Public);
    assert_eq!(with("ForAllValues:ArnEqualsIfExists", json!({"AWS:SourceArn": role})), Access::Public);
    // statement08
    assert_eq!(with("ForAnyValue:ArnEquals", json!({"AWS:SourceArn": [role, role]})), Access::NotPublic);
    // statement13
    let both = |arn_operator: &str| {
        evaluate(
            &statement(json!({
                "Effect": "Allow", "Principal": "*", "Action": ["rds:*"], "Resource": "*",
                "Condition": {
                    "StringNotLike": {"AWS:userid": "AROAI1111111111111111:*"},
                    arn_operator: {"AWS:SourceArn": "arn:aws:iam::012345678910:role/Admin"}
                }
            })),
            S3,
        )
        .access
    };
    assert_eq!(both("ARNLike"), Access::Unknown);
    assert_eq!(both("ArnLike"), Access::NotPublic);
    // statement18
    assert_eq!(with("ArnLike", json!({"AWS:SourceArn": "arn:aws:iam::*:role/Admin"})), Access::Public);
}

#[test]
fn malformed_documents_give_unknown_with_a_note() {
    for document in [
        json!(null),
        json!("policy"),
        json!(7),
        json!([]),
        json!({}),
        json!({"Statement": 3}),
        json!({"Statement": null}),
        json!({"Statement": [null]}),
        json!({"Statement": [[{"Effect": "Allow"}]]}),
    ] {
        let got = evaluate(&document, S3);
        assert_eq!(got.access, Access::Unknown, "{document}");
        assert_eq!(got.statements.len(), 1, "{document}");
        assert!(!got.statements[0].note.is_empty());
    }
}

/// The evaluator never recurses into the document: a deeply nested value in any
/// position is read on a small stack. (The value is leaked, because dropping it
/// recurses, in serde_json, not here.)
#[test]
fn deep_nesting_does_not_overflow() {
    fn nested(depth: usize) -> Value {
        let mut v = json!("*");
        for i in 0..depth {
            v = if i % 2 == 0 {
                Value::Array(vec![v])
            } else {
                Value::Object(Map::from_iter([("AWS".to_string(), v)]))
            };
        }
        v
    }
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            // Built by hand: `json!` would serialize (and so recurse into) its arguments.
            let deep = || nested(50_000);
            let object =
                |pairs: Vec<(&str, Value)>| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            let text = |s: &str| Value::String(s.to_string());
            let document = object(vec![(
                "Statement",
                Value::Array(vec![
                    object(vec![
                        ("Effect", text("Allow")),
                        ("Principal", deep()),
                        ("Action", text("s3:GetObject")),
                        ("Resource", text("*")),
                    ]),
                    object(vec![
                        ("Effect", text("Allow")),
                        ("Principal", text("*")),
                        ("Action", deep()),
                        ("Resource", text("*")),
                    ]),
                    object(vec![
                        ("Effect", text("Allow")),
                        ("Principal", text("*")),
                        ("Action", text("s3:GetObject")),
                        ("Resource", deep()),
                        (
                            "Condition",
                            object(vec![
                                ("StringEquals", object(vec![("aws:SourceVpce", deep())])),
                                ("IpAddress", deep()),
                            ]),
                        ),
                    ]),
                    object(vec![
                        ("Effect", text("Deny")),
                        ("Principal", text("*")),
                        ("Action", text("*")),
                        ("Resource", deep()),
                        ("Condition", object(vec![("NotIpAddress", object(vec![("aws:SourceIp", deep())]))])),
                    ]),
                    deep(),
                ]),
            )]);
            let got = evaluate(&document, S3);
            let accesses: Vec<Access> = got.statements.iter().map(|s| s.access).collect();
            std::mem::forget(document);
            accesses
        })
        .expect("spawn");
    let accesses = handle.join().expect("no stack overflow");
    assert_eq!(accesses, [Access::Unknown, Access::Unknown, Access::Unknown, Access::Unknown]);
}

/// A small deterministic generator of policy-shaped junk.
struct Junk {
    state: u64,
    words: Vec<&'static str>,
    keys: Vec<&'static str>,
}

impl Junk {
    fn new(seed: u64) -> Self {
        let mut words: Vec<&str> = "* Allow Deny allow s3:* s3:GetObject s3:Get* sts:AssumeRole sts:* ? 0.0.0.0/0 \
            10.0.0.0/8 0.0.0.0/1 128.0.0.0/1 ::/0 vpce-1 vpce-* o-123 anonymous arn:aws:iam::*:root \
            arn:aws:iam::111122223333:root arn:aws:s3:::b/* true ${aws:username}"
            .split_whitespace()
            .collect();
        words.push("");
        let keys = "Effect Principal NotPrincipal Action NotAction Resource NotResource Condition AWS Service \
            Federated StringEquals StringNotEquals StringLike ForAnyValue:StringEquals ForAllValues:StringEquals \
            StringEqualsIfExists IpAddress NotIpAddress ArnLike ArnNotLike Bool Null aws:SourceIp aws:SourceVpce \
            aws:PrincipalOrgID aws:PrincipalArn aws:userid aws:Referer aws:SecureTransport kms:CallerAccount \
            kms:ViaService s3:prefix Statement"
            .split_whitespace()
            .collect();
        Junk { state: seed, words, keys }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    fn pick(&mut self, from: fn(&Junk) -> &[&'static str]) -> &'static str {
        let n = self.next();
        let items = from(self);
        items[(n % items.len() as u64) as usize]
    }

    fn words(&mut self) -> &'static str {
        self.pick(|j| &j.words)
    }

    fn keys(&mut self) -> &'static str {
        self.pick(|j| &j.keys)
    }

    fn value(&mut self, depth: u32) -> Value {
        match self.next() % if depth == 0 { 4 } else { 7 } {
            0 | 1 => Value::String(self.words().to_string()),
            2 => json!(self.next().is_multiple_of(3)),
            3 => json!(self.next() % 100),
            4 | 5 => {
                let n = self.next() % 4;
                Value::Object((0..n).map(|_| (self.keys().to_string(), self.value(depth - 1))).collect())
            }
            _ => Value::Array((0..self.next() % 4).map(|_| self.value(depth - 1)).collect()),
        }
    }

    fn statement(&mut self) -> Value {
        let mut s = Map::new();
        for key in ["Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "Condition"] {
            if !self.next().is_multiple_of(3) {
                let v = match key {
                    "Effect" => {
                        Value::String(["Allow", "Allow", "Deny", "allow"][(self.next() % 4) as usize].to_string())
                    }
                    "Condition" => {
                        let mut c = Map::new();
                        for _ in 0..self.next() % 3 {
                            let mut block = Map::new();
                            for _ in 0..1 + self.next() % 2 {
                                block.insert(self.keys().to_string(), self.value(1));
                            }
                            c.insert(self.keys().to_string(), Value::Object(block));
                        }
                        Value::Object(c)
                    }
                    _ => self.value(2),
                };
                s.insert(key.to_string(), v);
            }
        }
        Value::Object(s)
    }

    fn policy(&mut self) -> Value {
        let statements: Vec<Value> = (0..1 + self.next() % 4).map(|_| self.statement()).collect();
        json!({ "Statement": statements })
    }
}

const KINDS: [PolicyKind; 4] =
    [PolicyKind::Resource("s3"), PolicyKind::Resource("kms"), PolicyKind::Resource("sqs"), PolicyKind::Trust];

#[test]
fn junk_never_panics_and_verdicts_are_consistent() {
    let mut junk = Junk::new(0x2545_f491_4f6c_dd1d);
    for round in 0..3000 {
        let document = if round % 5 == 0 { junk.value(4) } else { junk.policy() };
        for kind in KINDS {
            let got = evaluate(&document, kind);
            let most_open = got.statements.iter().map(|s| s.access).min().unwrap_or(Access::NotPublic);
            assert_eq!(got.access, most_open, "{document}");
            for s in &got.statements {
                assert_ne!(s.access, Access::NotPublic, "{document}");
                assert!(!s.note.is_empty());
                assert!(document.pointer(&s.pointer).is_some(), "{} in {document}", s.pointer);
            }
        }
    }
}

/// Adding `Deny * on * for *` leaves nothing public.
#[test]
fn a_total_deny_removes_every_public_statement() {
    let mut junk = Junk::new(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let mut document = junk.policy();
        if let Some(Value::Array(statements)) = document.get_mut("Statement") {
            statements.push(json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}));
        }
        for kind in KINDS {
            let got = evaluate(&document, kind);
            assert_ne!(got.access, Access::Public, "{document}");
        }
    }
}

/// Conditions on statements other than `Deny` only ever restrict or blur: taking
/// them away never makes a policy less open.
#[test]
fn removing_allow_conditions_never_closes_a_policy() {
    let mut junk = Junk::new(0x1234_5678_9abc_def1);
    for _ in 0..3000 {
        let document = junk.policy();
        let mut stripped = document.clone();
        if let Some(Value::Array(statements)) = stripped.get_mut("Statement") {
            for s in statements.iter_mut().filter_map(Value::as_object_mut) {
                if s.get("Effect").and_then(Value::as_str) != Some("Deny") {
                    s.remove("Condition");
                }
            }
        }
        for kind in KINDS {
            let before = evaluate(&document, kind).access;
            let after = evaluate(&stripped, kind).access;
            assert!(after <= before, "{kind:?}: {before:?} became {after:?} for {document}");
        }
    }
}

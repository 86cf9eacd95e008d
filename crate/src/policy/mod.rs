//! IAM policy evaluator: does a resource policy, or a role's trust policy, let
//! an anonymous internet caller in?
//!
//! The spec is the rule catalogue's "Anonymous and restricted principals"
//! section. In short:
//! - An `Allow` is anonymous when its principal is `"*"`, `{"AWS": "*"}` (or a
//!   list holding it), an ARN with a wildcard account, or when it uses
//!   `NotPrincipal` (see `principal.rs`).
//! - Its condition restricts it only through the keys and operators that
//!   `condition.rs` documents; other keys make the verdict unknown.
//! - A `Deny` takes a public `Allow` away only when it provably applies to the
//!   same anonymous callers, actions and resources: principal `"*"`, actions
//!   and resources that cover the `Allow`'s, and either no condition or only
//!   negated conditions on restricting keys ("deny unless from our network").
//!
//! Nothing here panics or recurses on the input: malformed documents give
//! [`Access::Unknown`] with a note.

mod condition;
mod glob;
mod principal;
#[cfg(test)]
mod tests;

use condition::Assessment;
use principal::Who;
use serde_json::{Map, Value};

/// Whether a policy lets an anonymous internet caller in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Public,
    Unknown,
    NotPublic,
}

/// What kind of policy is evaluated, for service-specific restricting keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// A resource policy of this service (`s3`, `sqs`, `sns`, `lambda`, `kms`, `ecr`, `secretsmanager`, `es`).
    Resource(&'static str),
    /// An IAM role trust policy: only `sts:AssumeRole*` actions matter.
    Trust,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementVerdict {
    /// Pointer relative to the policy document, such as `/Statement/0`.
    pub pointer: String,
    pub access: Access,
    /// The actions the statement allows, as written (`NotAction` ones prefixed `NotAction:`).
    pub actions: Vec<String>,
    /// Why, in a sentence.
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub access: Access,
    /// The statements that make the policy public or unknown.
    pub statements: Vec<StatementVerdict>,
}

/// The actions a trust policy statement must be able to grant to matter.
/// (`sts:*` and `*` match them; `sts:TagSession` alone does not.)
pub const ASSUME_ROLE_ACTIONS: [&str; 3] =
    ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"];

/// Evaluates a policy document. See the module documentation for the rules.
pub fn evaluate(document: &Value, kind: PolicyKind) -> Evaluation {
    let Some(doc) = document.as_object() else {
        return unreadable("", "The policy is not a JSON object, so Keyhole cannot tell who it lets in.");
    };
    let statements: Vec<(Option<usize>, &Value)> = match doc.get("Statement") {
        None => return unreadable("", "The policy has no Statement, so Keyhole cannot tell who it lets in."),
        Some(Value::Array(items)) => items.iter().enumerate().map(|(i, s)| (Some(i), s)).collect(),
        Some(single @ Value::Object(_)) => vec![(None, single)],
        Some(_) => {
            return unreadable(
                "/Statement",
                "The policy's Statement is neither a list nor an object, so Keyhole cannot read it.",
            )
        }
    };

    let mut candidates: Vec<Candidate> = Vec::new();
    let mut denies: Vec<Deny> = Vec::new();
    for (index, value) in statements {
        let Some(statement) = value.as_object() else {
            candidates.push(Candidate {
                index,
                access: Access::Unknown,
                actions: Vec::new(),
                note: "This statement is not a JSON object, so Keyhole cannot read it.".to_string(),
                grant: None,
            });
            continue;
        };
        match statement.get("Effect") {
            Some(Value::String(effect)) if effect == "Deny" => denies.extend(Deny::read(statement, kind)),
            effect => candidates.extend(assess(index, statement, effect, kind)),
        }
    }

    let mut statements = Vec::with_capacity(candidates.len());
    let mut access = Access::NotPublic;
    for candidate in candidates {
        if let Some(grant) = &candidate.grant {
            if !denies.is_empty() && denied(grant, &denies, kind) {
                continue;
            }
        }
        access = access.min(candidate.access);
        statements.push(StatementVerdict {
            pointer: match candidate.index {
                Some(i) => format!("/Statement/{i}"),
                None => "/Statement".to_string(),
            },
            access: candidate.access,
            actions: candidate.actions,
            note: candidate.note,
        });
    }
    Evaluation { access, statements }
}

fn unreadable(pointer: &str, note: &str) -> Evaluation {
    Evaluation {
        access: Access::Unknown,
        statements: vec![StatementVerdict {
            pointer: pointer.to_string(),
            access: Access::Unknown,
            actions: Vec::new(),
            note: note.to_string(),
        }],
    }
}

/// A statement that is public or unknown unless a `Deny` takes it away.
struct Candidate<'a> {
    index: Option<usize>,
    access: Access,
    actions: Vec<String>,
    note: String,
    /// What it grants, when that could be read; `None` means no `Deny` can cover it.
    grant: Option<Grant<'a>>,
}

struct Grant<'a> {
    actions: Actions<'a>,
    resources: Resources<'a>,
}

enum Actions<'a> {
    /// `Action`: these patterns.
    Only(Vec<&'a str>),
    /// `NotAction`: everything except these patterns.
    AllBut(Vec<&'a str>),
}

impl<'a> Actions<'a> {
    fn read(statement: &'a Map<String, Value>) -> Result<Self, String> {
        match (statement.get("Action"), statement.get("NotAction")) {
            (Some(_), Some(_)) => Err("the statement has both Action and NotAction".to_string()),
            (None, None) => Err("the statement names no Action".to_string()),
            (Some(v), None) => strings(v).map(Actions::Only).ok_or_else(|| "its Action is not text".to_string()),
            (None, Some(v)) => strings(v).map(Actions::AllBut).ok_or_else(|| "its NotAction is not text".to_string()),
        }
    }

    /// Whether an action with this exact name is granted.
    fn grants(&self, name: &str) -> bool {
        match self {
            Actions::Only(patterns) => patterns.iter().any(|p| glob::matches(p, name, true)),
            Actions::AllBut(patterns) => !patterns.iter().any(|p| glob::matches(p, name, true)),
        }
    }

    /// Whether the statement grants nothing that matters for this kind of policy.
    fn irrelevant(&self, kind: PolicyKind) -> bool {
        match kind {
            PolicyKind::Trust => !ASSUME_ROLE_ACTIONS.iter().any(|name| self.grants(name)),
            PolicyKind::Resource(_) => matches!(self, Actions::Only(patterns) if patterns.is_empty()),
        }
    }

    /// A phrase such as `s3:GetObject, s3:PutObject` or `every action except s3:DeleteObject`.
    fn describe(&self) -> String {
        match self {
            Actions::Only(patterns) if patterns.contains(&"*") => "every action (\"*\")".to_string(),
            Actions::Only(patterns) => join_some(patterns),
            Actions::AllBut(patterns) if patterns.is_empty() => "every action".to_string(),
            Actions::AllBut(patterns) => format!("every action except {}", join_some(patterns)),
        }
    }
}

fn join_some(items: &[&str]) -> String {
    let mut out = items.iter().take(3).copied().collect::<Vec<_>>().join(", ");
    if items.len() > 3 {
        out.push_str(&format!(" and {} more", items.len() - 3));
    }
    out
}

enum Resources<'a> {
    /// No `Resource` element (trust policies).
    Unstated,
    Only(Vec<&'a str>),
    /// `NotResource`, or something unreadable: only a `Deny` on every resource covers it.
    Broad,
}

impl<'a> Resources<'a> {
    fn read(statement: &'a Map<String, Value>) -> Self {
        match (statement.get("Resource"), statement.get("NotResource")) {
            (None, None) => Resources::Unstated,
            (Some(v), None) => strings(v).map_or(Resources::Broad, Resources::Only),
            _ => Resources::Broad,
        }
    }
}

/// A string or a list of strings.
fn strings(value: &Value) -> Option<Vec<&str>> {
    match value {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// The actions as written, for the verdict.
fn written_actions(statement: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (element, prefix) in [("Action", ""), ("NotAction", "NotAction:")] {
        match statement.get(element) {
            Some(Value::String(s)) => out.push(format!("{prefix}{s}")),
            Some(Value::Array(items)) => {
                out.extend(items.iter().filter_map(Value::as_str).map(|s| format!("{prefix}{s}")));
            }
            _ => {}
        }
    }
    out
}

/// Judges one statement that is not a `Deny`. Returns `None` when it is not public.
fn assess<'a>(
    index: Option<usize>,
    statement: &'a Map<String, Value>,
    effect: Option<&Value>,
    kind: PolicyKind,
) -> Option<Candidate<'a>> {
    let who = principal::allow(statement);
    if matches!(who, Who::NotAnonymous) {
        return None;
    }
    let actions = Actions::read(statement);
    if actions.as_ref().is_ok_and(|a| a.irrelevant(kind)) {
        return None;
    }
    let condition = condition::assess_allow(statement.get("Condition"), kind);
    if matches!(condition, Assessment::Restricted) {
        return None;
    }

    let granted = match &actions {
        Ok(a) => a.describe(),
        Err(_) => "an unclear set of actions".to_string(),
    };
    let whom = match &who {
        Who::Anonymous(phrase) => phrase.as_str(),
        _ => "an unreadable principal",
    };
    let unknown = |why: String| (Access::Unknown, format!("Allows {granted} to {whom}, but {why}."));
    let (access, note) = match (effect, &who, &actions, condition) {
        (Some(Value::String(e)), ..) if e != "Allow" => unknown(format!(
            "its Effect is \"{e}\", which is neither \"Allow\" nor \"Deny\" (AWS spells them exactly so)"
        )),
        (Some(e), ..) if !e.is_string() => unknown("its Effect is not text".to_string()),
        (None, ..) => unknown("it has no Effect".to_string()),
        (_, Who::Unknown(why), ..) => {
            (Access::Unknown, format!("Allows {granted}, but Keyhole cannot read whom to: {why}."))
        }
        (_, _, Err(why), _) => unknown(why.clone()),
        (.., Assessment::Unknown(why)) => unknown(why),
        (.., Assessment::Open(None)) => {
            (Access::Public, format!("Allow {granted} to {whom} with no restricting condition."))
        }
        (.., Assessment::Open(Some(why))) => {
            (Access::Public, format!("Allow {granted} to {whom}; its condition does not restrict it, because {why}."))
        }
        (.., Assessment::Restricted) => return None,
    };
    let grant = actions.ok().map(|actions| Grant { actions, resources: Resources::read(statement) });
    Some(Candidate { index, access, actions: written_actions(statement), note, grant })
}

/// A `Deny` that applies to every anonymous caller outside a restricted set.
struct Deny<'a> {
    actions: Vec<&'a str>,
    /// Covers every action of the policy's own service (`s3:*` in a bucket policy),
    /// which is all a resource policy can grant.
    service_wide: bool,
    resources: Resources<'a>,
}

impl<'a> Deny<'a> {
    fn read(statement: &'a Map<String, Value>, kind: PolicyKind) -> Option<Self> {
        if !principal::deny_covers_anonymous(statement) {
            return None;
        }
        let Ok(Actions::Only(actions)) = Actions::read(statement) else { return None };
        let resources = Resources::read(statement);
        if matches!(resources, Resources::Broad) {
            return None;
        }
        if !condition::deny_restricts(statement.get("Condition"), kind) {
            return None;
        }
        let service_wide = match kind {
            PolicyKind::Resource(service) => {
                let all = format!("{service}:*");
                actions.iter().any(|p| glob::covers(p, &all, true))
            }
            PolicyKind::Trust => false,
        };
        Some(Deny { actions, service_wide, resources })
    }

    fn covers_pattern(&self, allowed: &str) -> bool {
        self.service_wide || self.actions.iter().any(|p| glob::covers(p, allowed, true))
    }

    fn covers_name(&self, name: &str) -> bool {
        self.actions.iter().any(|p| glob::matches(p, name, true))
    }

    fn covers_resources(&self, allowed: &Resources) -> bool {
        let Resources::Only(mine) = &self.resources else { return true };
        let everything = mine.iter().any(|p| !p.is_empty() && p.chars().all(|c| c == '*'));
        match allowed {
            Resources::Only(theirs) => {
                everything || theirs.iter().all(|r| mine.iter().any(|p| glob::covers(p, r, false)))
            }
            Resources::Unstated | Resources::Broad => everything,
        }
    }
}

/// Whether restricting `Deny` statements cover everything this grant allows.
fn denied(grant: &Grant, denies: &[Deny], kind: PolicyKind) -> bool {
    let covering =
        |test: &dyn Fn(&Deny) -> bool| denies.iter().any(|d| test(d) && d.covers_resources(&grant.resources));
    match (kind, &grant.actions) {
        (PolicyKind::Trust, actions) => ASSUME_ROLE_ACTIONS
            .iter()
            .filter(|name| actions.grants(name))
            .all(|name| covering(&|d| d.covers_name(name))),
        (PolicyKind::Resource(_), Actions::Only(patterns)) => {
            patterns.iter().all(|a| covering(&|d| d.covers_pattern(a)))
        }
        (PolicyKind::Resource(_), Actions::AllBut(_)) => covering(&|d| d.covers_pattern("*")),
    }
}

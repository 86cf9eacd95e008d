//! The logic every "anonymous unrestricted `Allow` in the X policy" rule
//! shares: evaluate the resource's policy with [`crate::policy::evaluate`],
//! point the evidence at the statements that make it public (or unknown), and
//! phrase the finding.

use crate::model::{Attr, Origin, PolicyDoc, Resource, Truth};
use crate::policy::{self, Access, PolicyKind};
use crate::report::{Severity, Verdict};
use crate::rules::Hit;

/// What a policy lets an anonymous caller do.
pub struct PolicyExposure {
    /// `Yes` when public, `Unknown` when a statement or the document itself
    /// could not be judged.
    pub truth: Truth,
    /// The actions of the public (or undecided) statements, as written.
    pub actions: Vec<String>,
    pub evidence: Vec<(Origin, String)>,
    /// Set when the document itself could not be resolved.
    pub unresolved: bool,
}

/// Evaluates a resource's policies (usually one): public when any is,
/// unknown when none is but one cannot be decided. `None` when there is no
/// policy or none lets an anonymous caller in.
pub fn exposure(policies: &[&Attr<PolicyDoc>], kind: PolicyKind) -> Option<PolicyExposure> {
    let each: Vec<PolicyExposure> = policies.iter().filter_map(|p| exposure_of(p, kind)).collect();
    let truth = if each.iter().any(|e| e.truth == Truth::Yes) { Truth::Yes } else { each.first()?.truth };
    let mut combined = PolicyExposure { truth, actions: Vec::new(), evidence: Vec::new(), unresolved: true };
    for e in each.into_iter().filter(|e| e.truth == truth) {
        combined.unresolved &= e.unresolved;
        combined.evidence.extend(e.evidence);
        for action in e.actions {
            if !combined.actions.contains(&action) {
                combined.actions.push(action);
            }
        }
    }
    Some(combined)
}

fn exposure_of(policy: &Attr<PolicyDoc>, kind: PolicyKind) -> Option<PolicyExposure> {
    let Some(doc) = policy.known() else {
        return Some(PolicyExposure {
            truth: Truth::Unknown,
            actions: Vec::new(),
            evidence: vec![(policy.at.clone(), "the policy could not be resolved".to_string())],
            unresolved: true,
        });
    };
    let evaluation = policy::evaluate(&doc.document, kind);
    let truth = match evaluation.access {
        Access::NotPublic => return None,
        Access::Public => Truth::Yes,
        Access::Unknown => Truth::Unknown,
    };
    let mut actions: Vec<String> = Vec::new();
    let mut evidence = Vec::new();
    for statement in &evaluation.statements {
        if truth == Truth::Yes && statement.access != Access::Public {
            continue;
        }
        evidence.push((policy.at.join(&statement.pointer), statement.note.clone()));
        for action in &statement.actions {
            if !actions.contains(action) {
                actions.push(action.clone());
            }
        }
    }
    if evidence.is_empty() {
        evidence.push((policy.at.clone(), "the policy lets an anonymous caller in".to_string()));
    }
    Some(PolicyExposure { truth, actions, evidence, unresolved: false })
}

/// `sqs:SendMessage, sqs:ReceiveMessage`, or `access` when the statements
/// named no action.
pub fn describe_actions(actions: &[String]) -> String {
    if actions.is_empty() {
        "access".to_string()
    } else {
        actions.join(", ")
    }
}

/// The finding for a resource policy, when it is public or undecided.
/// `noun` names the resource in messages (`queue`, `topic`, `key`...).
pub fn policy_hit(
    resource: &Resource,
    policies: &[&Attr<PolicyDoc>],
    kind: PolicyKind,
    severity: Severity,
    noun: &str,
) -> Option<Hit> {
    let exposure = exposure(policies, kind)?;
    let name = &resource.name;
    let what = describe_actions(&exposure.actions);
    let mut hit = match (exposure.truth, exposure.unresolved) {
        (Truth::Yes, _) => Hit::new(
            severity,
            Verdict::Public,
            format!("the policy of {noun} {name} allows {what} to anyone, with no restricting condition"),
        ),
        (_, true) => Hit::unknown(severity, format!("the policy of {noun} {name} could not be resolved"))
            .note("The policy is present but could not be read as a JSON document, so Keyhole cannot tell who it lets in."),
        (_, false) => Hit::unknown(
            severity,
            format!("the policy of {noun} {name} allows {what} to anyone under conditions Keyhole cannot judge"),
        )
        .note("A statement lets an anonymous principal in under a condition Keyhole cannot evaluate; check whether it really limits callers to your accounts or networks."),
    };
    hit.evidence = exposure.evidence;
    Some(hit)
}

//! What a rule sees besides its resource, and what it reports.

use crate::model::{Attr, Model, Origin, PolicyDoc, PublicAccessBlock, Resource};
use crate::report::{Severity, Verdict};

/// The whole upload, for rules that need other resources or account-wide
/// settings.
pub struct Context<'a> {
    pub model: &'a Model,
}

impl<'a> Context<'a> {
    pub fn account_public_access_block(&self, resource: &Resource) -> Option<&'a PublicAccessBlock> {
        self.model.account_public_access_block(resource.account.as_deref())
    }

    /// Every policy attached to the resource: the one in its settings, then
    /// any further ones the upload attached.
    pub fn policies<'r>(
        &'r self,
        resource: &Resource,
        primary: Option<&'r Attr<PolicyDoc>>,
    ) -> Vec<&'r Attr<PolicyDoc>> {
        primary.into_iter().chain(self.model.extra_policies(resource)).collect()
    }

    /// Security groups of the same account named by id.
    pub fn security_group(&self, group_id: &str) -> Option<&'a Resource> {
        self.model.get("AWS::EC2::SecurityGroup", group_id)
    }
}

/// One finding as a rule states it; the engine adds the rule's metadata, the
/// resource, the sensitive-data hint and the file names.
#[derive(Debug, Clone)]
pub struct Hit {
    pub severity: Severity,
    pub verdict: Verdict,
    pub message: String,
    pub evidence: Vec<(Origin, String)>,
    pub notes: Vec<String>,
}

impl Hit {
    pub fn new(severity: Severity, verdict: Verdict, message: impl Into<String>) -> Self {
        Hit { severity, verdict, message: message.into(), evidence: Vec::new(), notes: Vec::new() }
    }

    pub fn evidence(mut self, at: &Origin, note: impl Into<String>) -> Self {
        self.evidence.push((at.clone(), note.into()));
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// An unknown verdict is reported one step lower, never as safe.
    pub fn unknown(severity: Severity, message: impl Into<String>) -> Self {
        Hit::new(severity.lowered(), Verdict::Unknown, message)
    }
}

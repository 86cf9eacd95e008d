//! Rule metadata: a literal in each rule's file, and the serializable form
//! handed to the CLI, the page and the docs generator.

use serde::{Deserialize, Serialize};

use crate::model::Provider;
use crate::report::{Severity, Verdict};

/// The same check in another tool. `same` says whether the logic matches or
/// only inspired ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Equivalent {
    pub tool: &'static str,
    pub id: &'static str,
    pub same: bool,
}

/// How to close the finding, three ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fix {
    pub console: &'static str,
    pub cli: &'static str,
    pub terraform: &'static str,
}

#[derive(Debug)]
pub struct RuleMeta {
    /// Stable public id from the catalogue.
    pub id: &'static str,
    pub title: &'static str,
    pub provider: Provider,
    pub service: &'static str,
    /// The resource types the rule reads.
    pub resource_types: &'static [&'static str],
    pub severity: Severity,
    pub verdict: Verdict,
    /// ## What it does
    pub what: &'static str,
    /// ## Why it matters
    pub why: &'static str,
    /// ## How to fix
    pub fix: Fix,
    /// A one-line remediation for reports.
    pub remediation: &'static str,
    pub equivalents: &'static [Equivalent],
    pub references: &'static [&'static str],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquivalentDoc {
    pub tool: String,
    pub id: String,
    pub same: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixDoc {
    pub console: String,
    pub cli: String,
    pub terraform: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDoc {
    pub id: String,
    pub title: String,
    pub provider: Provider,
    pub service: String,
    pub resource_types: Vec<String>,
    pub severity: Severity,
    pub verdict: Verdict,
    pub what: String,
    pub why: String,
    pub fix: FixDoc,
    pub remediation: String,
    pub equivalents: Vec<EquivalentDoc>,
    pub references: Vec<String>,
}

impl From<&RuleMeta> for RuleDoc {
    fn from(m: &RuleMeta) -> Self {
        RuleDoc {
            id: m.id.into(),
            title: m.title.into(),
            provider: m.provider,
            service: m.service.into(),
            resource_types: m.resource_types.iter().map(|s| s.to_string()).collect(),
            severity: m.severity,
            verdict: m.verdict,
            what: m.what.into(),
            why: m.why.into(),
            fix: FixDoc { console: m.fix.console.into(), cli: m.fix.cli.into(), terraform: m.fix.terraform.into() },
            remediation: m.remediation.into(),
            equivalents: m
                .equivalents
                .iter()
                .map(|e| EquivalentDoc { tool: e.tool.into(), id: e.id.into(), same: e.same })
                .collect(),
            references: m.references.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl RuleDoc {
    /// The rule's documentation as Markdown, used by `keyhole explain` and
    /// `docs/rules.md`.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("## {}\n\n", self.id));
        out.push_str(&format!(
            "**{}** · severity `{}` · verdict `{}` · {}\n\n",
            self.title,
            self.severity.as_str(),
            serde_json::to_value(self.verdict).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
            self.resource_types.join(", ")
        ));
        out.push_str("### What it does\n\n");
        out.push_str(self.what.trim());
        out.push_str("\n\n### Why it matters\n\n");
        out.push_str(self.why.trim());
        out.push_str("\n\n### How to fix\n\n**Console.** ");
        out.push_str(self.fix.console.trim());
        out.push_str("\n\n**CLI.**\n\n```sh\n");
        out.push_str(self.fix.cli.trim());
        out.push_str("\n```\n\n**Terraform.**\n\n```hcl\n");
        out.push_str(self.fix.terraform.trim());
        out.push_str("\n```\n\n");
        if !self.equivalents.is_empty() {
            out.push_str("### Equivalents\n\n");
            for e in &self.equivalents {
                let how = if e.same { "same logic" } else { "related" };
                out.push_str(&format!("- {} `{}` ({})\n", e.tool, e.id, how));
            }
            out.push('\n');
        }
        if !self.references.is_empty() {
            out.push_str("### References\n\n");
            for r in &self.references {
                out.push_str(&format!("- {r}\n"));
            }
            out.push('\n');
        }
        out
    }
}

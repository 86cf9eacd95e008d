//! SNS rules.

pub mod topic_public_policy;

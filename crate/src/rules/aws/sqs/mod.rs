//! SQS rules.

pub mod queue_public_policy;

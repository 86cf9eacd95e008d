//! KMS rules.

pub mod key_public_policy;

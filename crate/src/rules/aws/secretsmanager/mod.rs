//! Secrets Manager rules.

pub mod secret_public_policy;

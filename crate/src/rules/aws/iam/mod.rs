//! IAM rules.

pub mod role_public_trust;

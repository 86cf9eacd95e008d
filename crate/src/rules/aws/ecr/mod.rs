//! ECR rules.

pub mod repository_public_policy;

//! Lambda rules.

pub mod function_public_policy;
pub mod function_url_public;

pub const FUNCTION_TYPES: &[&str] = &["AWS::Lambda::Function"];

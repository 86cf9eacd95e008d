//! Cloud Functions rules.

pub mod function_public_invoker;

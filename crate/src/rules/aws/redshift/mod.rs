//! Redshift rules.

pub mod cluster_public;

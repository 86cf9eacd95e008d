//! BigQuery rules.

pub mod dataset_public;

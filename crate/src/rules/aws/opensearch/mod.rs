//! OpenSearch and Elasticsearch domain rules.

pub mod domain_public;

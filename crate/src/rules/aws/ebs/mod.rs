//! EBS rules.

pub mod volume_unencrypted;

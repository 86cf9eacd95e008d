//! AWS rules, one file each, grouped by service.

pub mod s3;

use super::Rule;

/// Every AWS rule, in catalogue order.
pub static RULES: &[&dyn Rule] = &[
    &s3::bucket_public_acl::BucketPublicAcl,
    &s3::bucket_public_policy::BucketPublicPolicy,
    &s3::block_public_access_off::BlockPublicAccessOff,
    &s3::bucket_unencrypted::BucketUnencrypted,
    &s3::bucket_no_access_logging::BucketNoAccessLogging,
];

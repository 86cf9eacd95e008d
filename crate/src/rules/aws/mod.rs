//! AWS rules, one file each, grouped by service.

pub mod ebs;
pub mod ec2;
pub mod ecr;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod opensearch;
pub mod rds;
pub mod redshift;
pub mod resource_policy;
pub mod s3;
pub mod secretsmanager;
pub mod snapshot_share;
pub mod sns;
pub mod sqs;

use super::Rule;

/// Every AWS rule, in catalogue order.
pub static RULES: &[&dyn Rule] = &[
    &s3::bucket_public_acl::BucketPublicAcl,
    &s3::bucket_public_policy::BucketPublicPolicy,
    &s3::block_public_access_off::BlockPublicAccessOff,
    &s3::bucket_unencrypted::BucketUnencrypted,
    &s3::bucket_no_access_logging::BucketNoAccessLogging,
    &ec2::security_group_open_admin_port::SecurityGroupOpenAdminPort,
    &ec2::security_group_open_database_port::SecurityGroupOpenDatabasePort,
    &ec2::security_group_open_all_ports::SecurityGroupOpenAllPorts,
    &rds::instance_public::InstancePublic,
    &rds::instance_unencrypted::InstanceUnencrypted,
    &rds::snapshot_public::SnapshotPublic,
    &redshift::cluster_public::ClusterPublic,
    &ec2::snapshot_public::SnapshotPublic,
    &ec2::ami_public::AmiPublic,
    &opensearch::domain_public::DomainPublic,
    &sqs::queue_public_policy::QueuePublicPolicy,
    &sns::topic_public_policy::TopicPublicPolicy,
    &lambda::function_public_policy::FunctionPublicPolicy,
    &lambda::function_url_public::FunctionUrlPublic,
    &kms::key_public_policy::KeyPublicPolicy,
    &ecr::repository_public_policy::RepositoryPublicPolicy,
    &secretsmanager::secret_public_policy::SecretPublicPolicy,
    &iam::role_public_trust::RolePublicTrust,
    &ebs::volume_unencrypted::VolumeUnencrypted,
];

//! RDS rules: DB instances and DB / cluster snapshots.

pub mod instance_public;
pub mod instance_unencrypted;
pub mod snapshot_public;

pub const INSTANCE_TYPES: &[&str] = &["AWS::RDS::DBInstance"];

/// The engine's default port, when the export names no endpoint port.
pub fn default_port(engine: &str) -> Option<u32> {
    let engine = engine.to_ascii_lowercase();
    Some(match engine.as_str() {
        e if e.contains("postgres") => 5432,
        e if e == "aurora" || e.contains("mysql") || e.contains("mariadb") => 3306,
        e if e.starts_with("oracle") || e.starts_with("custom-oracle") => 1521,
        e if e.starts_with("sqlserver") || e.starts_with("custom-sqlserver") => 1433,
        e if e.starts_with("db2") => 50000,
        _ => return None,
    })
}

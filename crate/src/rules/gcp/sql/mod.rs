//! Cloud SQL rules: the instance's public IP and its authorized networks.

pub mod instance_open_network;
pub mod instance_public_ip;

use crate::model::Attr;

pub const TYPES: &[&str] = &["sqladmin.googleapis.com/Instance"];

/// The texts of authorized networks, for messages: `0.0.0.0/0 and ...`.
pub fn describe_networks(networks: &[&Attr<String>]) -> String {
    let texts: Vec<String> =
        networks.iter().map(|n| n.known().cloned().unwrap_or_else(|| "an unresolved range".to_string())).collect();
    match texts.as_slice() {
        [] => "the internet".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

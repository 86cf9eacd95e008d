//! SQL, PostgreSQL and MySQL server firewall rules.

pub mod server_allow_azure_services;
pub mod server_firewall_open;

use std::net::Ipv4Addr;

use crate::model::{Attr, SqlServer, Truth};
use crate::rules::azure::public_access_on;
use crate::sources::azure::SERVER_TYPES;

pub const TYPES: &[&str] = SERVER_TYPES;

/// An IPv4 address from a firewall rule end; `0.0.0.0/0` is read as its
/// address, as some templates write it.
pub fn address(attr: &Attr<String>) -> Option<Ipv4Addr> {
    let text = attr.known()?;
    text.split('/').next()?.trim().parse().ok()
}

/// Whether the server's firewall rules matter: they do unless public
/// network access is disabled (then only private endpoints connect).
pub fn firewall_applies(server: &SqlServer) -> bool {
    public_access_on(server.public_network_access.as_ref()) != Truth::No
}

/// The server kind as a person says it, for messages.
pub fn kind(type_name: &str) -> &'static str {
    let lower = type_name.to_ascii_lowercase();
    if lower.contains("postgresql") {
        "PostgreSQL server"
    } else if lower.contains("mysql") {
        "MySQL server"
    } else {
        "SQL server"
    }
}

use std::net::Ipv4Addr;

use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::azure::hit;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{address, firewall_applies, kind, TYPES};

pub struct ServerFirewallOpen;

/// The number of addresses in a /8. A rule spanning more than that is open
/// to a large part of the internet, wherever it starts: 10.0.17.62–
/// 255.255.255.255 is 96% of all addresses.
const SLASH_8: u64 = 1 << 24;

/// Whether the range is wider than a /8; unknown when an end is missing and
/// the other does not settle it.
fn wider_than_slash_8(start: Option<Ipv4Addr>, end: Option<Ipv4Addr>) -> Truth {
    let wide = |s: u32, e: u32| u64::from(e).saturating_sub(u64::from(s)) + 1 > SLASH_8;
    match (start.map(u32::from), end.map(u32::from)) {
        (Some(s), Some(e)) if e >= s => {
            if wide(s, e) {
                Truth::Yes
            } else {
                Truth::No
            }
        }
        (Some(_), Some(_)) => Truth::No,
        // The widest the range can be is from 0.0.0.0, or up to 255.255.255.255.
        (None, Some(e)) if !wide(0, e) => Truth::No,
        (Some(s), None) if !wide(s, u32::MAX) => Truth::No,
        _ => Truth::Unknown,
    }
}

pub static META: RuleMeta = RuleMeta {
    id: "azure-sql-server-firewall-open",
    title: "Database server firewall is open to the whole internet",
    provider: Provider::Azure,
    service: "sql",
    resource_types: TYPES,
    severity: Severity::Critical,
    verdict: Verdict::Exposed,
    what: "Flags each firewall rule of an Azure SQL, PostgreSQL or MySQL server (single or flexible) that covers the whole internet: `0.0.0.0` to `255.255.255.255`, or any range wider than a /8 (more than 16.7 million addresses), such as `0.0.0.0`–`127.255.255.255` or `10.0.17.62`–`255.255.255.255`. The catalogue names ranges from `0.0.0.0`; Keyhole also flags wide ranges that start elsewhere, since they open the server to most of the internet just the same. A start written `0.0.0.0/0` is read as `0.0.0.0`. The `0.0.0.0`–`0.0.0.0` rule (\"allow Azure services\") is reported by `azure-sql-server-allow-azure-services` instead.\n\nRules are ignored when the server's `publicNetworkAccess` is `Disabled`, since no public connection reaches the firewall. When an address cannot be resolved and the rule could cover the internet, the finding is unknown and one step lower (high).",
    why: "A database reachable from every address is scanned and attacked with password guessing within hours; the only thing left between the internet and the data is the administrator password. Database firewalls should list the addresses of the applications and offices that need them, or the server should be reached over a private endpoint.",
    fix: Fix {
        console: "SQL servers (or Azure Database for PostgreSQL/MySQL) → the server → Security → Networking → Firewall rules: delete the rule that spans 0.0.0.0–255.255.255.255 and add your office or application addresses → Save.",
        cli: "az sql server firewall-rule delete --resource-group GROUP --server SERVER --name AllowAll\naz sql server firewall-rule create --resource-group GROUP --server SERVER --name office \\\n  --start-ip-address 203.0.113.10 --end-ip-address 203.0.113.20",
        terraform: "resource \"azurerm_mssql_firewall_rule\" \"office\" {\n  name             = \"office\"\n  server_id        = azurerm_mssql_server.this.id\n  start_ip_address = \"203.0.113.10\" # never 0.0.0.0 - 255.255.255.255\n  end_ip_address   = \"203.0.113.20\"\n}",
    },
    remediation: "Delete the firewall rule that opens the server to every address; allow only known addresses, or use a private endpoint.",
    equivalents: &[
        Equivalent { tool: "Checkov", id: "CKV_AZURE_11", same: false },
        Equivalent { tool: "KICS", id: "6a3201a5-1630-494b-b294-3129d06b0eca", same: false },
        Equivalent { tool: "Prowler", id: "sqlserver_unrestricted_inbound_access", same: false },
    ],
    references: &[
        "https://learn.microsoft.com/azure/azure-sql/database/firewall-configure",
        "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-firewall-rules",
    ],
};

impl Rule for ServerFirewallOpen {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _ctx: &Context, hits: &mut Vec<Hit>) {
        let Kind::SqlServer(server) = &resource.kind else { return };
        if !firewall_applies(server) {
            return;
        }
        let server_kind = kind(resource.type_name);
        for rule in &server.firewall_rules {
            let (start, end) = (address(&rule.start), address(&rule.end));
            let truth = wider_than_slash_8(start, end);
            let range = format!(
                "{}–{}",
                rule.start.known().map_or("an unresolved address", String::as_str),
                rule.end.known().map_or("an unresolved address", String::as_str)
            );
            let what = if start == Some(Ipv4Addr::UNSPECIFIED) && end == Some(Ipv4Addr::BROADCAST) {
                "every address".to_string()
            } else {
                format!("{range}, more addresses than a /8")
            };
            let Some(mut found) = hit(
                truth,
                Severity::Critical,
                Verdict::Exposed,
                format!("{server_kind} {} firewall rule {} allows {what}", resource.name, rule.name),
                format!(
                    "{server_kind} {} firewall rule {} may allow the whole internet ({range})",
                    resource.name, rule.name
                ),
                "an address of the firewall rule could not be resolved",
            ) else {
                continue;
            };
            found = found.evidence(
                &rule.start.at,
                format!("start address {}", rule.start.known().map_or("could not be resolved", String::as_str)),
            );
            found = found.evidence(
                &rule.end.at,
                format!("end address {}", rule.end.known().map_or("could not be resolved", String::as_str)),
            );
            found.evidence.dedup_by(|a, b| a.0 == b.0);
            hits.push(found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<Ipv4Addr> {
        text.parse().ok()
    }

    #[test]
    fn wide_ranges_are_open_wherever_they_start() {
        assert_eq!(wider_than_slash_8(ip("0.0.0.0"), ip("255.255.255.255")), Truth::Yes);
        assert_eq!(wider_than_slash_8(ip("0.0.0.0"), ip("1.0.0.0")), Truth::Yes);
        assert_eq!(wider_than_slash_8(ip("10.0.17.62"), ip("255.255.255.255")), Truth::Yes);
        assert_eq!(wider_than_slash_8(ip("0.0.0.0"), ip("0.255.255.255")), Truth::No);
        assert_eq!(wider_than_slash_8(ip("10.0.0.0"), ip("10.255.255.255")), Truth::No);
        assert_eq!(wider_than_slash_8(ip("203.0.113.10"), ip("203.0.113.20")), Truth::No);
        assert_eq!(wider_than_slash_8(ip("5.0.0.0"), ip("1.0.0.0")), Truth::No);
        assert_eq!(wider_than_slash_8(None, ip("0.0.0.10")), Truth::No);
        assert_eq!(wider_than_slash_8(ip("255.255.255.0"), None), Truth::No);
        assert_eq!(wider_than_slash_8(None, ip("200.0.0.0")), Truth::Unknown);
        assert_eq!(wider_than_slash_8(None, None), Truth::Unknown);
    }
}

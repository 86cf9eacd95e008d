use crate::model::{Kind, Provider, Resource, Truth};
use crate::report::{Severity, Verdict};
use crate::rules::azure::hit;
use crate::rules::{Context, Equivalent, Fix, Hit, Rule, RuleMeta};

use super::{address, firewall_applies, kind, TYPES};

pub struct ServerAllowAzureServices;

pub static META: RuleMeta = RuleMeta {
    id: "azure-sql-server-allow-azure-services",
    title: "Database server firewall lets every Azure tenant in",
    provider: Provider::Azure,
    service: "sql",
    resource_types: TYPES,
    severity: Severity::Medium,
    verdict: Verdict::Exposed,
    what: "Flags a firewall rule from `0.0.0.0` to `0.0.0.0` on an Azure SQL, PostgreSQL or MySQL server: the \"Allow Azure services and resources to access this server\" switch (often named `AllowAllWindowsAzureIps`). It admits connections from any Azure address, including virtual machines and functions of every other Azure customer, not only your own. Rules are ignored when public network access is `Disabled`. When one address is `0.0.0.0` and the other cannot be resolved, the finding is unknown (low).",
    why: "Anyone can rent an Azure virtual machine, so \"from Azure\" is not \"from us\": the rule leaves the server one stolen or guessed password away from any Azure tenant. Use private endpoints or virtual network rules for your own Azure services instead.",
    fix: Fix {
        console: "SQL servers → the server → Security → Networking → Exceptions → untick \"Allow Azure services and resources to access this server\" → Save; add a private endpoint or virtual network rule for the services that need the database.",
        cli: "az sql server firewall-rule delete --resource-group GROUP --server SERVER --name AllowAllWindowsAzureIps",
        terraform: "# Remove the 0.0.0.0 - 0.0.0.0 rule:\n# resource \"azurerm_mssql_firewall_rule\" \"azure\" { start_ip_address = \"0.0.0.0\", end_ip_address = \"0.0.0.0\" }\nresource \"azurerm_mssql_virtual_network_rule\" \"app\" {\n  name      = \"app-subnet\"\n  server_id = azurerm_mssql_server.this.id\n  subnet_id = azurerm_subnet.app.id\n}",
    },
    remediation: "Remove the 0.0.0.0–0.0.0.0 firewall rule and reach the server from your own Azure services through a private endpoint or a virtual network rule.",
    equivalents: &[
        Equivalent { tool: "Regula", id: "FG_R00221", same: true },
        Equivalent { tool: "Regula", id: "FG_R00223", same: true },
    ],
    references: &[
        "https://learn.microsoft.com/azure/azure-sql/database/firewall-configure#connections-from-inside-azure",
        "https://learn.microsoft.com/azure/azure-sql/database/network-access-controls-overview",
    ],
};

impl Rule for ServerAllowAzureServices {
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
            let truth = match (start, end) {
                (Some(s), Some(e)) if s.is_unspecified() && e.is_unspecified() => Truth::Yes,
                (Some(s), None) | (None, Some(s)) if s.is_unspecified() => Truth::Unknown,
                // Both unresolved: `azure-sql-server-firewall-open` reports the rule.
                _ => Truth::No,
            };
            let Some(found) = hit(
                truth,
                Severity::Medium,
                Verdict::Exposed,
                format!(
                    "{server_kind} {} firewall rule {} (0.0.0.0–0.0.0.0) lets every Azure tenant connect",
                    resource.name, rule.name
                ),
                format!(
                    "{server_kind} {} firewall rule {} may let every Azure tenant connect",
                    resource.name, rule.name
                ),
                "one address of the firewall rule could not be resolved",
            ) else {
                continue;
            };
            let describe = |which: &str, value: Option<&String>| match value {
                Some(address) => format!("{which} address {address}"),
                None => format!("{which} address could not be resolved"),
            };
            let mut found = found.evidence(&rule.start.at, describe("start", rule.start.known()));
            if rule.end.at != rule.start.at {
                found = found.evidence(&rule.end.at, describe("end", rule.end.known()));
            }
            hits.push(found);
        }
    }
}

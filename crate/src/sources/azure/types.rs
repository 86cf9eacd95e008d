//! The Azure resource types Keyhole audits, with the type names every Azure
//! source (and Terraform's azurerm mapping) uses in the model.

pub const STORAGE_ACCOUNT: &str = "Microsoft.Storage/storageAccounts";
pub const CONTAINER: &str = "Microsoft.Storage/storageAccounts/blobServices/containers";
pub const SQL_SERVER: &str = "Microsoft.Sql/servers";
pub const POSTGRES_SERVER: &str = "Microsoft.DBforPostgreSQL/servers";
pub const POSTGRES_FLEXIBLE_SERVER: &str = "Microsoft.DBforPostgreSQL/flexibleServers";
pub const MYSQL_SERVER: &str = "Microsoft.DBforMySQL/servers";
pub const MYSQL_FLEXIBLE_SERVER: &str = "Microsoft.DBforMySQL/flexibleServers";
pub const NSG: &str = "Microsoft.Network/networkSecurityGroups";
pub const COSMOS_ACCOUNT: &str = "Microsoft.DocumentDB/databaseAccounts";
pub const KEY_VAULT: &str = "Microsoft.KeyVault/vaults";

/// Every server type that shares the SQL server kind and its firewall rules.
pub const SERVER_TYPES: &[&str] =
    &[SQL_SERVER, POSTGRES_SERVER, POSTGRES_FLEXIBLE_SERVER, MYSQL_SERVER, MYSQL_FLEXIBLE_SERVER];

/// The server flavours, for their firewall rules and `az` command names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Sql,
    Postgres,
    PostgresFlexible,
    MySql,
    MySqlFlexible,
}

impl Server {
    pub fn type_name(self) -> &'static str {
        match self {
            Server::Sql => SQL_SERVER,
            Server::Postgres => POSTGRES_SERVER,
            Server::PostgresFlexible => POSTGRES_FLEXIBLE_SERVER,
            Server::MySql => MYSQL_SERVER,
            Server::MySqlFlexible => MYSQL_FLEXIBLE_SERVER,
        }
    }
}

/// What a resource type is, as far as the mappers care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    StorageAccount,
    Container,
    Server(Server),
    /// `<server type>/firewallRules`.
    FirewallRule(Server),
    Nsg,
    /// `Microsoft.Network/networkSecurityGroups/securityRules`.
    NsgRule,
    Cosmos,
    Vault,
}

/// Type names and families; compared case-insensitively (Resource Graph
/// writes `microsoft.storage/storageaccounts`, templates `firewallrules`).
const TABLE: &[(&str, Family)] = &[
    (STORAGE_ACCOUNT, Family::StorageAccount),
    (CONTAINER, Family::Container),
    (SQL_SERVER, Family::Server(Server::Sql)),
    (POSTGRES_SERVER, Family::Server(Server::Postgres)),
    (POSTGRES_FLEXIBLE_SERVER, Family::Server(Server::PostgresFlexible)),
    (MYSQL_SERVER, Family::Server(Server::MySql)),
    (MYSQL_FLEXIBLE_SERVER, Family::Server(Server::MySqlFlexible)),
    ("Microsoft.Sql/servers/firewallRules", Family::FirewallRule(Server::Sql)),
    ("Microsoft.DBforPostgreSQL/servers/firewallRules", Family::FirewallRule(Server::Postgres)),
    ("Microsoft.DBforPostgreSQL/flexibleServers/firewallRules", Family::FirewallRule(Server::PostgresFlexible)),
    ("Microsoft.DBforMySQL/servers/firewallRules", Family::FirewallRule(Server::MySql)),
    ("Microsoft.DBforMySQL/flexibleServers/firewallRules", Family::FirewallRule(Server::MySqlFlexible)),
    (NSG, Family::Nsg),
    ("Microsoft.Network/networkSecurityGroups/securityRules", Family::NsgRule),
    (COSMOS_ACCOUNT, Family::Cosmos),
    (KEY_VAULT, Family::Vault),
];

pub fn family(type_name: &str) -> Option<Family> {
    let type_name = type_name.trim();
    TABLE.iter().find(|(name, _)| name.eq_ignore_ascii_case(type_name)).map(|(_, family)| *family)
}

impl Family {
    /// The canonical type name of the resource itself.
    pub fn type_name(self) -> &'static str {
        TABLE.iter().find(|(_, f)| *f == self).map(|(name, _)| *name).unwrap_or(STORAGE_ACCOUNT)
    }

    /// The family of this child's parent resource.
    pub fn parent(self) -> Option<Family> {
        match self {
            Family::Container => Some(Family::StorageAccount),
            Family::FirewallRule(server) => Some(Family::Server(server)),
            Family::NsgRule => Some(Family::Nsg),
            _ => None,
        }
    }

    /// The `az` command group that lists this type, for format names:
    /// `storage account` gives `azure-cli-storage-account-list`.
    pub fn command(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Family::StorageAccount => {
                ("storage account", "azure-cli-storage-account-list", "azure-cli-storage-account-show")
            }
            Family::Container => {
                ("storage container-rm", "azure-cli-storage-container-rm-list", "azure-cli-storage-container-rm-show")
            }
            Family::Server(Server::Sql) => ("sql server", "azure-cli-sql-server-list", "azure-cli-sql-server-show"),
            Family::Server(Server::Postgres) => {
                ("postgres server", "azure-cli-postgres-server-list", "azure-cli-postgres-server-show")
            }
            Family::Server(Server::PostgresFlexible) => (
                "postgres flexible-server",
                "azure-cli-postgres-flexible-server-list",
                "azure-cli-postgres-flexible-server-show",
            ),
            Family::Server(Server::MySql) => {
                ("mysql server", "azure-cli-mysql-server-list", "azure-cli-mysql-server-show")
            }
            Family::Server(Server::MySqlFlexible) => (
                "mysql flexible-server",
                "azure-cli-mysql-flexible-server-list",
                "azure-cli-mysql-flexible-server-show",
            ),
            Family::FirewallRule(Server::Sql) => (
                "sql server firewall-rule",
                "azure-cli-sql-server-firewall-rule-list",
                "azure-cli-sql-server-firewall-rule-show",
            ),
            Family::FirewallRule(Server::Postgres) => (
                "postgres server firewall-rule",
                "azure-cli-postgres-server-firewall-rule-list",
                "azure-cli-postgres-server-firewall-rule-show",
            ),
            Family::FirewallRule(Server::PostgresFlexible) => (
                "postgres flexible-server firewall-rule",
                "azure-cli-postgres-flexible-server-firewall-rule-list",
                "azure-cli-postgres-flexible-server-firewall-rule-show",
            ),
            Family::FirewallRule(Server::MySql) => (
                "mysql server firewall-rule",
                "azure-cli-mysql-server-firewall-rule-list",
                "azure-cli-mysql-server-firewall-rule-show",
            ),
            Family::FirewallRule(Server::MySqlFlexible) => (
                "mysql flexible-server firewall-rule",
                "azure-cli-mysql-flexible-server-firewall-rule-list",
                "azure-cli-mysql-flexible-server-firewall-rule-show",
            ),
            Family::Nsg => ("network nsg", "azure-cli-network-nsg-list", "azure-cli-network-nsg-show"),
            Family::NsgRule => {
                ("network nsg rule", "azure-cli-network-nsg-rule-list", "azure-cli-network-nsg-rule-show")
            }
            Family::Cosmos => ("cosmosdb", "azure-cli-cosmosdb-list", "azure-cli-cosmosdb-show"),
            Family::Vault => ("keyvault", "azure-cli-keyvault-list", "azure-cli-keyvault-show"),
        }
    }
}

/// Resource types whose first segment names a provider namespace
/// (`Microsoft.Storage/...`), as opposed to a child's short type (`containers`).
pub fn is_qualified(type_name: &str) -> bool {
    type_name.split('/').next().is_some_and(|namespace| namespace.contains('.'))
}

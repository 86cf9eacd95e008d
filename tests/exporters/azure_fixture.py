"""Recorded `az` outputs for test_azure_replay.py: a dealership tenant with two subscriptions.

Shapes: the hand-checked fixtures in tests/fixtures/azure/cli (see
tests/fixtures/azure/SOURCES.md for where each shape was verified), plus
look-alikes built from them. Errors are az's own stderr text
(`ERROR: (AuthorizationFailed) ...` with its `Code:` and `Message:` lines).

PROD holds the exposures and their look-alikes; SANDBOX is a subscription
where the Reader role is missing on storage, so its storage account listing
fails and must be reported as not checked.
"""

import copy
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "azure" / "cli"
PROD = "11111111-2222-3333-4444-555555555555"
SANDBOX = "22222222-3333-4444-5555-666666666666"
TENANT = "99999999-8888-7777-6666-555555555555"


def load(name):
    return json.loads((FIXTURES / name).read_text())


def rebase(value, subscription):
    """The same resources, in another subscription."""
    return json.loads(json.dumps(value).replace(PROD, subscription))


def auth_failed(action, scope):
    return (
        f"ERROR: (AuthorizationFailed) The client 'it@dealer.example' with object id "
        f"'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' does not have authorization to perform action "
        f"'{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, "
        f"please refresh your credentials.\nCode: AuthorizationFailed\nMessage: The client "
        f"'it@dealer.example' with object id 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' does not have "
        f"authorization to perform action '{action}' over scope '{scope}' or the scope is invalid.\n"
    )


E = []


def out(command, output, subscription=None, **match):
    m = dict(match)
    if subscription:
        m["--subscription"] = subscription
    E.append({"program": "az", "command": command, "match": m, "output": output})


def fail(command, stderr, subscription=None, **match):
    m = dict(match)
    if subscription:
        m["--subscription"] = subscription
    E.append({"program": "az", "command": command, "match": m, "error": stderr, "exit": 1})


def account(sub, name, default):
    return {"cloudName": "AzureCloud", "homeTenantId": TENANT, "id": sub, "isDefault": default,
            "managedByTenants": [], "name": name, "state": "Enabled", "tenantId": TENANT,
            "user": {"name": "it@dealer.example", "type": "user"}}


ACCOUNTS = [account(PROD, "Dealer Production", True), account(SANDBOX, "Dealer Sandbox", False),
            dict(account("33333333-4444-5555-6666-777777777777", "Old Trial", False), state="Disabled")]

out("version", {"azure-cli": "2.67.0", "azure-cli-core": "2.67.0", "azure-cli-telemetry": "1.1.0",
                "extensions": {}})
out("account show", ACCOUNTS[0], subscription=PROD)
out("account show", ACCOUNTS[1], subscription=SANDBOX)
out("account show", ACCOUNTS[0])
out("account list", ACCOUNTS)

# ---------------------------------------------------------------- PROD
P = PROD
RG = f"/subscriptions/{P}/resourceGroups/dealer-rg/providers"

accounts = load("storage-account-list.json")  # dealercrm (open), dealerlogs (locked down)
containers = load("storage-container-rm-list.json")  # exports (Blob), invoices (None)
# Look-alike: a container marked public in an account that forbids public blob access.
logs_container = copy.deepcopy(containers[1])
logs_container.update(name="public-assets", publicAccess="Container",
                      id=f"{RG}/Microsoft.Storage/storageAccounts/dealerlogs/blobServices/default/containers/public-assets")

nsgs = load("network-nsg-list.json")  # allow-ssh (Internet, 22), allow-https (*, 443), allow-sql (*, 1433)
servers = load("sql-server-list.json")  # dealer-sql
rules = load("sql-server-firewall-rule-list.json")  # AllowAll, AllowAllWindowsAzureIps
cosmos = load("cosmosdb-list.json")  # dealer-inventory: public, no rules
# Look-alike: public network access, but limited to the office's address.
parts = copy.deepcopy(cosmos[0])
parts.update(name="dealer-parts", id=f"{RG}/Microsoft.DocumentDB/databaseAccounts/dealer-parts",
             ipRules=[{"ipAddressOrRange": "203.0.113.10"}],
             documentEndpoint="https://dealer-parts.documents.azure.com:443/")
cosmos.append(parts)

vault = load("keyvault-show.json")  # dealer-kv: default action Allow
# Look-alike: a vault whose network ACL denies by default.
private_vault = copy.deepcopy(vault)
private_vault.update(name="dealer-kv-private", id=f"{RG}/Microsoft.KeyVault/vaults/dealer-kv-private")
private_vault["properties"]["networkAcls"]["defaultAction"] = "Deny"
private_vault["properties"]["vaultUri"] = "https://dealer-kv-private.vault.azure.net/"


def listed_vault(v):
    """`az keyvault list` without --resource-group: a generic resource, no settings."""
    return {"id": v["id"], "location": v["location"], "name": v["name"], "resourceGroup": "dealer-rg",
            "tags": {}, "type": "Microsoft.KeyVault/vaults"}


pg = {"id": f"{RG}/Microsoft.DBforPostgreSQL/flexibleServers/dealer-pg", "name": "dealer-pg",
      "resourceGroup": "dealer-rg", "location": "australiaeast", "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "fullyQualifiedDomainName": "dealer-pg.postgres.database.azure.com", "state": "Ready", "version": "16",
      "network": {"delegatedSubnetResourceId": None, "privateDnsZoneArmResourceId": None,
                  "publicNetworkAccess": "Enabled"},
      "sku": {"name": "Standard_B1ms", "tier": "Burstable"}, "tags": {}}

resources = [
    {"id": a["id"], "name": a["name"], "type": a["type"], "resourceGroup": "dealer-rg"} for a in accounts
] + [
    {"id": nsgs[0]["id"], "name": nsgs[0]["name"], "type": "Microsoft.Network/networkSecurityGroups"},
    {"id": servers[0]["id"], "name": "dealer-sql", "type": "Microsoft.Sql/servers"},
    {"id": pg["id"], "name": "dealer-pg", "type": "Microsoft.DBforPostgreSQL/flexibleServers"},
    {"id": cosmos[0]["id"], "name": "dealer-inventory", "type": "Microsoft.DocumentDB/databaseAccounts"},
    {"id": parts["id"], "name": "dealer-parts", "type": "Microsoft.DocumentDB/databaseAccounts"},
    {"id": vault["id"], "name": "dealer-kv", "type": "Microsoft.KeyVault/vaults"},
    {"id": private_vault["id"], "name": "dealer-kv-private", "type": "Microsoft.KeyVault/vaults"},
    {"id": f"{RG}/Microsoft.Compute/virtualMachines/dealer-web-01", "name": "dealer-web-01",
     "type": "Microsoft.Compute/virtualMachines"},
]
# Real `resource list` rows carry more keys; the script asks for types only.
for r in resources:
    r.update({"location": "australiaeast", "properties": None, "tags": {}, "kind": None, "managedBy": None})

out("resource list", resources, subscription=P)
out("storage account list", accounts, subscription=P)
out("storage container-rm list", containers, subscription=P,
    **{"--storage-account": "dealercrm", "--resource-group": "dealer-rg"})
out("storage container-rm list", [logs_container], subscription=P,
    **{"--storage-account": "dealerlogs", "--resource-group": "dealer-rg"})
out("network nsg list", nsgs, subscription=P)
out("sql server list", servers, subscription=P)
out("sql server firewall-rule list", rules, subscription=P, **{"--server": "dealer-sql", "--resource-group": "dealer-rg"})
out("postgres flexible-server list", [pg], subscription=P)
# az before 2.86 names the server with --name: the script falls back to it.
fail("postgres flexible-server firewall-rule list",
     "ERROR: unrecognized arguments: --server-name dealer-pg\n\nExamples from AI knowledge base:\n"
     "az postgres flexible-server firewall-rule list --name testserver --resource-group testGroup\n",
     subscription=P, **{"--server-name": "dealer-pg"})
fail("postgres flexible-server firewall-rule list",
     auth_failed("Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/read",
                 f"{RG}/Microsoft.DBforPostgreSQL/flexibleServers/dealer-pg"),
     subscription=P, **{"--name": "dealer-pg", "--resource-group": "dealer-rg"})
out("cosmosdb list", cosmos, subscription=P)
out("keyvault list", [listed_vault(vault), listed_vault(private_vault)], subscription=P)
out("keyvault show", vault, subscription=P, **{"--name": "dealer-kv", "--resource-group": "dealer-rg"})
out("keyvault show", private_vault, subscription=P, **{"--name": "dealer-kv-private", "--resource-group": "dealer-rg"})

# ---------------------------------------------------------------- SANDBOX
S = SANDBOX
sandbox_account = rebase(accounts[0], S)
sandbox_account["name"] = "sandboxdata"
out("resource list", [{"id": sandbox_account["id"], "name": "sandboxdata", "type": "Microsoft.Storage/storageAccounts",
                       "resourceGroup": "dealer-rg", "location": "australiaeast", "properties": None}], subscription=S)
fail("storage account list", auth_failed("Microsoft.Storage/storageAccounts/read", f"/subscriptions/{S}"),
     subscription=S)

ENTRIES = E

# What the audit must report: (rule, resource name).
EXPECTED = {
    ("azure-storage-account-public-blob-access", "dealercrm"),
    ("azure-storage-account-open-network", "dealercrm"),
    ("azure-storage-account-http-allowed", "dealercrm"),
    ("azure-storage-container-public", "dealercrm/exports"),
    ("azure-nsg-open-admin-port", "dealer-web-nsg"),
    ("azure-nsg-open-database-port", "dealer-web-nsg"),
    ("azure-sql-server-firewall-open", "dealer-sql"),
    ("azure-sql-server-allow-azure-services", "dealer-sql"),
    ("azure-cosmosdb-public-network", "dealer-inventory"),
    ("azure-keyvault-public-network", "dealer-kv"),
}
# Look-alikes: resources that must produce no finding at all.
LOOK_ALIKES = {"dealercrm/invoices", "dealerlogs/public-assets", "dealerlogs", "dealer-parts", "dealer-kv-private",
               "dealer-pg", "sandboxdata"}

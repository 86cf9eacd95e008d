"""Recorded gcloud and bq outputs for test_gcp_replay.py: an organization with two projects.

Shapes: the outputs in tests/fixtures/gcp/dealership/keyhole-gcp-export.json
(see tests/fixtures/gcp/SOURCES.md for where each shape was verified), plus
look-alikes built from them. Errors are gcloud's and bq's own stderr text.

northwind-motors holds the exposures and their look-alikes, and one dataset
the role may not read; northwind-sandbox has no Cloud SQL, Compute Engine or
Cloud Functions API enabled, so those listings fail and must be reported as
not checked.
"""

import copy
import json
from pathlib import Path

BUNDLE = Path(__file__).resolve().parents[1] / "fixtures" / "gcp" / "dealership" / "keyhole-gcp-export.json"
ORG = "987654321098"
PROD, PROD_NUMBER = "northwind-motors", "408170542111"
SANDBOX, SANDBOX_NUMBER = "northwind-sandbox", "508170542222"

recorded = json.loads(BUNDLE.read_text())["calls"]


def recorded_output(command, **params):
    for c in recorded:
        if c["command"] == command and all(c.get("params", {}).get(k) == v for k, v in params.items()):
            return copy.deepcopy(c["output"] if "output" in c else c["error"])
    raise KeyError((command, params))


E = []


def out(program, command, output, positional=None, **match):
    e = {"program": program, "command": command, "match": match, "output": output}
    if positional is not None:
        e["positional"] = positional
    E.append(e)


def fail(program, command, stderr, positional=None, **match):
    e = {"program": program, "command": command, "match": match, "error": stderr, "exit": 1}
    if positional is not None:
        e["positional"] = positional
    E.append(e)


def disabled(gcloud_command, api, service, number):
    return (f"ERROR: ({gcloud_command}) HTTPError 403: {api} has not been used in project {number} before "
            f"or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/"
            f"{service}/overview?project={number} then retry. If you enabled this API recently, wait a few "
            f"minutes for the action to propagate to our systems and retry.\n")



E.append({"program": "gcloud", "command": "version", "match": {}, "text": (
    "Google Cloud SDK 502.0.0\nalpha 2024.12.06\nbeta 2024.12.06\nbq 2.1.10\ncore 2024.12.06\n"
    "gcloud-crc32c 1.0.0\ngsutil 5.33\n")})

# ---------------------------------------------------------------- the organization
out("gcloud", "asset search-all-resources", [
    {"name": f"//cloudresourcemanager.googleapis.com/projects/{PROD_NUMBER}",
     "assetType": "cloudresourcemanager.googleapis.com/Project", "project": f"projects/{PROD_NUMBER}",
     "displayName": PROD, "state": "ACTIVE", "organization": f"organizations/{ORG}"},
    {"name": f"//cloudresourcemanager.googleapis.com/projects/{SANDBOX_NUMBER}",
     "assetType": "cloudresourcemanager.googleapis.com/Project", "project": f"projects/{SANDBOX_NUMBER}",
     "displayName": SANDBOX, "state": "ACTIVE", "organization": f"organizations/{ORG}"},
], **{"--scope": f"organizations/{ORG}", "--asset-types": "cloudresourcemanager.googleapis.com/Project"})
for pid, number in ((PROD, PROD_NUMBER), (SANDBOX, SANDBOX_NUMBER)):
    out("gcloud", "projects describe", {
        "createTime": "2023-03-01T10:00:00.000Z", "lifecycleState": "ACTIVE", "name": pid,
        "parent": {"id": ORG, "type": "organization"}, "projectId": pid, "projectNumber": number},
        positional=number)

# ---------------------------------------------------------------- northwind-motors
P = {"--project": PROD}
buckets = recorded_output("storage buckets list")  # crm-exports (public ACL), website (public IAM), backups
out("gcloud", "storage buckets list", buckets, **P)
for b in buckets:
    out("gcloud", "storage buckets get-iam-policy",
        recorded_output("storage buckets get-iam-policy", bucket=b["name"]), positional=f"gs://{b['name']}")
out("gcloud", "sql instances list", recorded_output("sql instances list"), **P)  # service-history-db open; parts-db
out("gcloud", "compute firewall-rules list", recorded_output("compute firewall-rules list"), **P)

images = recorded_output("compute images list")  # showroom-kiosk-image (allAuthenticatedUsers)
# Look-alike: an image shared with one partner's group only.
tablet = copy.deepcopy(images[0])
tablet.update(name="service-tablet-image", id="5551234500002", family="tablet",
              selfLink=tablet["selfLink"].replace("showroom-kiosk-image", "service-tablet-image"))
images.append(tablet)
out("gcloud", "compute images list", images, **P)
out("gcloud", "compute images get-iam-policy",
    recorded_output("compute images get-iam-policy", image="showroom-kiosk-image"),
    positional="showroom-kiosk-image", **P)
out("gcloud", "compute images get-iam-policy", {
    "bindings": [{"role": "roles/compute.imageUser", "members": ["group:workshop-partners@northwind.example"]}],
    "etag": "BwYb3kQ5dLt=", "version": 1}, positional="service-tablet-image", **P)

functions = recorded_output("functions list")  # lead-webhook, GEN_1, allUsers invoker
# Look-alike: a 2nd gen function only signed-in staff may invoke.
report = copy.deepcopy(functions[0])
report.update(name=f"projects/{PROD}/locations/europe-west1/functions/stock-report", environment="GEN_2",
              url="https://stock-report-abc123-ew.a.run.app")
functions.append(report)
out("gcloud", "functions list", functions, **P)
out("gcloud", "functions get-iam-policy",
    recorded_output("functions get-iam-policy", function="lead-webhook"),
    positional="lead-webhook", **{"--region": "europe-west1", "--project": PROD})
out("gcloud", "functions get-iam-policy", {
    "bindings": [{"role": "roles/cloudfunctions.invoker", "members": ["domain:northwind.example"]}],
    "etag": "BwYb3kQ5dLu=", "version": 1},
    positional="stock-report", **{"--region": "europe-west1", "--project": PROD})

out("bq", "ls", recorded_output("bq ls"), **{"--project_id": PROD})  # marketing_lists, sales_internal, finance
for d in ("marketing_lists", "sales_internal"):
    out("bq", "show", recorded_output("bq show", dataset=f"{PROD}:{d}"), positional=f"{PROD}:{d}")
fail("bq", "show", recorded_output("bq show", dataset=f"{PROD}:finance") + "\n", positional=f"{PROD}:finance")

# ---------------------------------------------------------------- northwind-sandbox
S = {"--project": SANDBOX}
out("gcloud", "storage buckets list", [], **S)
fail("gcloud", "sql instances list",
     disabled("gcloud.sql.instances.list", "Cloud SQL Admin API", "sqladmin.googleapis.com", SANDBOX_NUMBER), **S)
fail("gcloud", "compute firewall-rules list",
     disabled("gcloud.compute.firewall-rules.list", "Compute Engine API", "compute.googleapis.com",
              SANDBOX_NUMBER), **S)
fail("gcloud", "compute images list",
     disabled("gcloud.compute.images.list", "Compute Engine API", "compute.googleapis.com", SANDBOX_NUMBER), **S)
fail("gcloud", "functions list",
     disabled("gcloud.functions.list", "Cloud Functions API", "cloudfunctions.googleapis.com", SANDBOX_NUMBER), **S)
out("bq", "ls", [], **{"--project_id": SANDBOX})

ENTRIES = E

# What the audit must report: (rule, resource name).
EXPECTED = {
    ("gcp-storage-bucket-public", "northwind-crm-exports"),
    ("gcp-storage-bucket-public", "northwind-website"),
    ("gcp-storage-bucket-uniform-access-off", "northwind-crm-exports"),
    ("gcp-sql-instance-open-network", "service-history-db"),
    ("gcp-sql-instance-public-ip", "service-history-db"),
    ("gcp-compute-firewall-open-admin-port", "default-allow-ssh"),
    ("gcp-compute-firewall-open-database-port", "allow-postgres-anywhere"),
    ("gcp-bigquery-dataset-public", "marketing_lists"),
    ("gcp-compute-image-public", "showroom-kiosk-image"),
    ("gcp-cloudfunction-public-invoker", "lead-webhook"),
}
# Look-alikes: resources that must produce no finding at all.
LOOK_ALIKES = {"northwind-backups", "parts-db", "default-allow-internal", "sales_internal",
               "service-tablet-image", "stock-report"}

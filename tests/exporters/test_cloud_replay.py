"""export/azure.sh and export/gcp.sh against stub az, gcloud and bq replaying recorded outputs.

No Azure or Google Cloud emulator exists, so each script runs unchanged with
stubs first on PATH (cli_replay_stub.py) that answer from azure_fixture.py
and gcp_fixture.py, in the real tools' output shapes, and log every command
line. The tests check that the bundle is complete (a call for every resource
the fixture lists), that failed calls are recorded in it, that every command
run is on the read-only allow-list, and that the Keyhole CLI's audit of the
bundle gives exactly the fixture's exposures and nothing on the look-alikes.
"""

import os
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import azure_fixture
import common
import gcp_fixture


class ReplayCase(unittest.TestCase):
    """Runs one script once per class; subclasses say which."""

    SCRIPT = None
    FIXTURE = None
    ARGS = []
    MARKER = None
    FORMAT = None
    PROGRAMS = ("az", "gcloud", "bq")

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="keyhole-exporter-cloud-")
        d = Path(cls.tmp.name)
        common.write_cli_stubs(d / "bin", cls.PROGRAMS)
        cls.log_dir = d / "argv"
        cls.log_dir.mkdir()
        (d / "home").mkdir()
        cls.out_dir = d / "out"
        cls.out_dir.mkdir()
        cls.env = {
            "PATH": os.pathsep.join([str(d / "bin"), "/usr/bin", "/bin"]),
            "HOME": str(d / "home"),
            "LANG": "C.UTF-8",
            "TMPDIR": str(d),
            "KEYHOLE_REPLAY_LOG": str(cls.log_dir),
            "KEYHOLE_REPLAY_FIXTURE": cls.FIXTURE.__name__,
            "PYTHONPATH": str(common.HERE),
        }
        t0 = time.monotonic()
        cls.proc = cls.run_script(cls.ARGS)
        cls.seconds = time.monotonic() - t0

    @classmethod
    def run_script(cls, args):
        return subprocess.run(["bash", str(cls.SCRIPT), *args], capture_output=True, env=cls.env,
                              cwd=str(cls.out_dir), timeout=300)

    @classmethod
    def tearDownClass(cls):
        print(f"\n[{cls.SCRIPT.name} replay] export {cls.seconds:.1f}s")
        cls.tmp.cleanup()

    def bundle_path(self, proc=None, pattern=None):
        proc = proc or self.proc
        self.assertEqual(proc.returncode, 0,
                         f"{self.SCRIPT.name} failed:\n" + proc.stderr.decode("utf-8", "replace")[-4000:])
        files = sorted(self.out_dir.glob(pattern or self.OUTPUT_GLOB))
        self.assertEqual(len(files), 1, files)
        return files[0]

    def bundle(self):
        return common.load_bundle(self.bundle_path())

    def check_shape(self, bundle, scope_key):
        self.assertEqual(bundle["keyhole"], self.MARKER)
        self.assertRegex(bundle["generated"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIn(self.SCRIPT.name, bundle["generator"])
        for i, c in enumerate(bundle["calls"]):
            where = f"calls[{i}] {c.get('command')}"
            self.assertLessEqual(set(c), {"command", scope_key, "params", "output", "error"}, where)
            self.assertIsInstance(c["command"], str, where)
            self.assertIsInstance(c[scope_key], str, where)
            self.assertIsInstance(c["params"], dict, where)
            self.assertTrue(all(isinstance(v, str) for v in c["params"].values()), where)
            self.assertEqual(("output" in c) + ("error" in c), 1, f"{where}: exactly one of output/error")
            if "error" in c:
                self.assertIsInstance(c["error"], str, where)
                self.assertTrue(c["error"].strip(), where)
                self.assertNotIn("replay stub", c["error"], f"{where}: a call the fixture does not know")

    def calls(self, bundle, command, **params):
        return [c for c in bundle["calls"] if c["command"] == command
                and all(c["params"].get(k) == v for k, v in params.items())]

    def test_read_only_command_lines(self):
        self.bundle_path()
        runs = common.read_argv_logs(self.log_dir)
        self.assertGreater(len(runs), 10)
        self.assertEqual(common.cli_argv_problems(runs), [])

    def test_progress_is_shown(self):
        err = self.proc.stderr.decode("utf-8", "replace")
        self.assertRegex(err, r"\[1/2\] ")
        self.assertRegex(err, r"\[2/2\] ")
        self.assertIn("failed: ", err)
        self.assertIn("Wrote ", err)

    def test_no_temporary_files_left(self):
        self.bundle_path()
        left = [p.name for p in Path(self.tmp.name).glob("keyhole-*")]
        self.assertEqual(left, [], "the script's mktemp directory was not cleaned up")

    def test_audit_finds_exactly_the_exposures(self):
        path = self.bundle_path()
        keyhole = common.require_keyhole(self)
        report = common.audit_any(self, keyhole, path, self.FORMAT)
        got = {(f["rule"], f["resource"].get("name")) for f in report.get("findings", [])}
        missing = sorted(self.FIXTURE.EXPECTED - got)
        unexpected = sorted(got - self.FIXTURE.EXPECTED)
        self.assertEqual((missing, unexpected), ([], []), "findings differ from the fixture's exposures")
        on_look_alikes = sorted(p for p in got if p[1] in self.FIXTURE.LOOK_ALIKES)
        self.assertEqual(on_look_alikes, [])
        self.check_unchecked(report.get("unchecked", []))

    def test_page_shows_the_same_report(self):
        """Dropped into the page, the bundle shows what the CLI reports (checked just above)."""
        path = self.bundle_path()
        keyhole = common.require_keyhole(self)
        shown = common.check_in_page(self, keyhole, path)
        self.assertEqual(shown["findings"], len(self.FIXTURE.EXPECTED))
        self.assertGreater(shown["unchecked"], 0)


class AzureReplayTest(ReplayCase):
    SCRIPT = common.AZURE_SH
    FIXTURE = azure_fixture
    ARGS = []  # every enabled subscription
    MARKER = "azure-export/1"
    FORMAT = "keyhole-azure-export"
    OUTPUT_GLOB = "keyhole-azure-*.json.gz"
    PROGRAMS = ("az",)

    def test_shape(self):
        b = self.bundle()
        self.check_shape(b, "subscription")
        self.assertNotIn("subscription", b, "two subscriptions: each call names its own")
        self.assertIn("azure-cli 2.67.0", b["generator"])
        subs = {c["subscription"] for c in b["calls"]}
        self.assertEqual(subs, {azure_fixture.PROD, azure_fixture.SANDBOX}, "the disabled subscription is skipped")

    def test_a_call_for_every_resource(self):
        b = self.bundle()
        prod = [c for c in b["calls"] if c["subscription"] == azure_fixture.PROD]
        for command in ("storage account list", "network nsg list", "sql server list",
                        "postgres flexible-server list", "cosmosdb list"):
            self.assertEqual(len(self.calls({"calls": prod}, command)), 1, command)
        for account in ("dealercrm", "dealerlogs"):
            self.assertEqual(len(self.calls(b, "storage container-rm list", **{
                "storage-account": account, "resource-group": "dealer-rg"})), 1, account)
        self.assertEqual(len(self.calls(b, "sql server firewall-rule list", server="dealer-sql",
                                        **{"resource-group": "dealer-rg"})), 1)
        # az 2.86's --server-name, refused by this (older) az, then --name: one call recorded.
        self.assertEqual(len(self.calls(b, "postgres flexible-server firewall-rule list",
                                        **{"server-name": "dealer-pg"})), 1)
        runs = [r for r in common.read_argv_logs(self.log_dir) if r[1:6] == [
            "postgres", "flexible-server", "firewall-rule", "list", "--server-name"]]
        self.assertTrue(runs, "--server-name is tried first")
        for vault in ("dealer-kv", "dealer-kv-private"):
            shown = self.calls(b, "keyvault show", name=vault)
            self.assertEqual(len(shown), 1, vault)
            self.assertIn("networkAcls", shown[0]["output"]["properties"])
        # Services with no resources in the subscription are not called at all.
        for command in ("mysql flexible-server list", "postgres server list", "mysql server list"):
            self.assertEqual(self.calls(b, command), [], command)
        self.assertEqual(self.calls(b, "keyvault list"), [], "names only; not recorded")

    def test_failures_are_recorded(self):
        b = self.bundle()
        failed = {(c["subscription"], c["command"]) for c in b["calls"] if "error" in c}
        self.assertEqual(failed, {
            (azure_fixture.PROD, "postgres flexible-server firewall-rule list"),
            (azure_fixture.SANDBOX, "storage account list"),
        })
        for c in b["calls"]:
            if "error" in c:
                self.assertTrue(c["error"].startswith("ERROR: (AuthorizationFailed)"), c["error"])
                self.assertIn("\nCode: AuthorizationFailed", c["error"], "the full stderr text is kept")

    def check_unchecked(self, unchecked):
        what = sorted(u["what"] for u in unchecked)
        self.assertEqual(what, ["postgres flexible-server firewall-rule list for dealer-rg, dealer-pg",
                                "storage account list"])
        for u in unchecked:
            self.assertIn("AuthorizationFailed", u["reason"])

    def test_one_subscription(self):
        out = self.out_dir / "one"
        out.mkdir()
        proc = subprocess.run(["bash", str(self.SCRIPT), "--subscription", azure_fixture.SANDBOX,
                               "--output", str(out / "sandbox.json.gz")],
                              capture_output=True, env=self.env, cwd=str(out), timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
        b = common.load_bundle(out / "sandbox.json.gz")
        self.assertEqual(b["subscription"], azure_fixture.SANDBOX)
        self.assertEqual([(c["command"], c["subscription"]) for c in b["calls"]],
                         [("storage account list", azure_fixture.SANDBOX)])


class GcpReplayTest(ReplayCase):
    SCRIPT = common.GCP_SH
    FIXTURE = gcp_fixture
    ARGS = ["--organization", gcp_fixture.ORG]
    MARKER = "gcp-export/1"
    FORMAT = "keyhole-gcp-export"
    OUTPUT_GLOB = f"keyhole-gcp-organization-{gcp_fixture.ORG}-*.json.gz"
    PROGRAMS = ("gcloud", "bq")

    def test_shape(self):
        b = self.bundle()
        self.check_shape(b, "project")
        self.assertNotIn("project", b, "two projects: each call names its own")
        self.assertIn("Google Cloud SDK 502.0.0", b["generator"])
        self.assertEqual({c["project"] for c in b["calls"]}, {gcp_fixture.PROD, gcp_fixture.SANDBOX},
                         "projects are named by id, found from the asset search's project numbers")

    def test_a_call_for_every_resource(self):
        b = self.bundle()
        for bucket in ("northwind-crm-exports", "northwind-website", "northwind-backups"):
            self.assertEqual(len(self.calls(b, "storage buckets get-iam-policy", bucket=bucket)), 1, bucket)
        for image in ("showroom-kiosk-image", "service-tablet-image"):
            self.assertEqual(len(self.calls(b, "compute images get-iam-policy", image=image)), 1, image)
        self.assertEqual(len(self.calls(b, "functions get-iam-policy", function="lead-webhook",
                                        region="europe-west1", environment="GEN_1")), 1)
        self.assertEqual(len(self.calls(b, "functions get-iam-policy", function="stock-report",
                                        region="europe-west1", environment="GEN_2")), 1)
        for d in ("marketing_lists", "sales_internal", "finance"):
            self.assertEqual(len(self.calls(b, "bq show", dataset=f"{gcp_fixture.PROD}:{d}")), 1, d)
        for project in (gcp_fixture.PROD, gcp_fixture.SANDBOX):
            for command in ("storage buckets list", "sql instances list", "compute firewall-rules list",
                            "compute images list", "functions list", "bq ls"):
                n = len([c for c in self.calls(b, command) if c["project"] == project])
                self.assertEqual(n, 1, f"{project} {command}")
        sandbox_buckets = [c for c in self.calls(b, "storage buckets list") if c["project"] == gcp_fixture.SANDBOX]
        self.assertEqual(sandbox_buckets[0]["output"], [])
        sandbox_bq = [c for c in self.calls(b, "bq ls") if c["project"] == gcp_fixture.SANDBOX]
        self.assertEqual(sandbox_bq[0]["output"], [], "bq's empty output is recorded as []")

    def test_failures_are_recorded(self):
        b = self.bundle()
        failed = {(c["project"], c["command"]) for c in b["calls"] if "error" in c}
        self.assertEqual(failed, {
            (gcp_fixture.PROD, "bq show"),
            (gcp_fixture.SANDBOX, "sql instances list"),
            (gcp_fixture.SANDBOX, "compute firewall-rules list"),
            (gcp_fixture.SANDBOX, "compute images list"),
            (gcp_fixture.SANDBOX, "functions list"),
        })

    def check_unchecked(self, unchecked):
        got = sorted((u["account"], u["what"].split(" for ")[0]) for u in unchecked)
        self.assertEqual(got, sorted([
            (gcp_fixture.PROD, "bq show"),
            (gcp_fixture.SANDBOX, "compute firewall-rules list"),
            (gcp_fixture.SANDBOX, "compute images list"),
            (gcp_fixture.SANDBOX, "functions list"),
            (gcp_fixture.SANDBOX, "sql instances list"),
        ]))
        disabled = [u for u in unchecked if u["account"] == gcp_fixture.SANDBOX]
        self.assertTrue(all("not enabled" in u["reason"] for u in disabled), disabled)

    def test_one_project(self):
        out = self.out_dir / "one"
        out.mkdir()
        proc = subprocess.run(["bash", str(self.SCRIPT), "--project", gcp_fixture.SANDBOX],
                              capture_output=True, env=self.env, cwd=str(out), timeout=300)
        path = self.bundle_path(proc, f"one/keyhole-gcp-project-{gcp_fixture.SANDBOX}-*.json.gz")
        b = common.load_bundle(path)
        self.assertEqual(b["project"], gcp_fixture.SANDBOX)
        self.assertEqual({c["project"] for c in b["calls"]}, {gcp_fixture.SANDBOX})
        self.assertEqual(len(b["calls"]), 6)


del ReplayCase  # the base class has no script of its own

if __name__ == "__main__":
    sys.exit(unittest.main())

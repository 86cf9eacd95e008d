"""Static checks of the exporter scripts: shellcheck, and what they refuse to do."""

import re
import shutil
import subprocess
import unittest

import common

SCRIPTS = [
    common.AWS_SH,
    common.AZURE_SH,
    common.GCP_SH,
    common.ROOT / "scripts" / "setup-exporters.sh",
    common.ROOT / "scripts" / "test-exporters.sh",
]


class ScriptChecks(unittest.TestCase):
    def test_shellcheck_is_clean(self):
        sc = shutil.which("shellcheck")
        if sc is None:
            msg = "shellcheck is not installed (scripts/setup-exporters.sh installs it)"
            if common.IN_CI:
                self.fail(msg)
            self.skipTest(msg)
        proc = subprocess.run([sc, "--shell=bash", *map(str, SCRIPTS)], capture_output=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout.decode() + proc.stderr.decode())
        self.assertEqual(proc.stdout, b"")

    def test_aws_sh_has_no_eval_and_no_write_verbs(self):
        text = common.AWS_SH.read_text()
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        self.assertNotRegex(code, r"\beval\b")
        self.assertIn("set -euo pipefail", code)
        self.assertIn("mktemp -d", code)
        self.assertIn("trap cleanup EXIT", code)
        # Every operation the script names is get-/list-/describe-.
        ops = set(re.findall(r"\b(?:aws_call|list_names|task_simple|for_each_name)\s+\S+\s+([a-z0-9]+)\s+([a-z0-9-]+)",
                             code))
        self.assertGreater(len(ops), 10)
        for service, op in ops:
            self.assertRegex(op, common.READ_ONLY_OP, f"{service} {op}")
            self.assertNotIn(op, common.DATA_PLANE_OPS)

    def test_azure_and_gcp_scripts_are_built_the_same_way(self):
        for script in (common.AZURE_SH, common.GCP_SH):
            text = script.read_text()
            code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
            self.assertNotRegex(code, r"\beval\b", script.name)
            self.assertIn("set -euo pipefail", code, script.name)
            self.assertIn('mktemp -d "${TMPDIR:-/tmp}/keyhole-', code, script.name)
            self.assertIn("trap cleanup EXIT", code, script.name)
            self.assertNotRegex(code, r"\bjq\b|\bpython", f"{script.name} needs nothing beyond the cloud shell")
            # Every command the script names is on the tests' read-only list.
            commands = set(re.findall(r'\b(?:az_call|az_rows|tool_call|tool_rows|for_each_server)\s+"([a-z -]+)"', code))
            commands |= set(re.findall(r'for_each_server\s+"[a-z -]+"\s+"([a-z -]+)"', code))
            commands |= set(re.findall(r'for_each_(?:row|name)\s+"\$work/rows"\s+"([a-z -]+)"', code))
            self.assertGreater(len(commands), 10, script.name)
            allowed = common.AZ_READ_ONLY if script == common.AZURE_SH else (
                common.GCLOUD_READ_ONLY | {"bq " + c for c in common.BQ_READ_ONLY})
            self.assertLessEqual(commands, allowed, script.name)

    def test_scripts_refuse_a_command_off_their_read_only_list(self):
        for script, line in ((common.AZURE_SH, 'az_call "storage blob list" "" "{}"'),
                             (common.GCP_SH, 'tool_call "storage objects list" "" "{}"')):
            text = script.read_text()
            # Run the script's definitions, then one forbidden call, with nothing on PATH to run it.
            head = text[:text.index("# ---------------------------------------------------------------- start")]
            head = head.replace("command -v az >/dev/null 2>&1 ||", ": ||").replace(
                "command -v gcloud >/dev/null 2>&1 ||", ": ||")
            proc = subprocess.run(["bash", "-c", head + "\nlabel=''\n" + line + "\n"], capture_output=True,
                                  timeout=30, env={"PATH": "/usr/bin:/bin"})
            self.assertEqual(proc.returncode, 1, proc.stderr)
            self.assertIn(b"refusing to run", proc.stderr)

    def test_allow_list_catches_writes_and_data_reads(self):
        bad = [
            ["az", "storage", "blob", "list", "--account-name", "a", "--container-name", "c"],
            ["az", "storage", "account", "keys", "list", "--account-name", "a"],
            ["az", "storage", "container", "list", "--account-name", "a"],
            ["az", "keyvault", "secret", "show", "--vault-name", "v", "--name", "s"],
            ["az", "cosmosdb", "keys", "list", "--name", "c", "-g", "g"],
            ["az", "network", "nsg", "rule", "create", "--name", "x"],
            ["gcloud", "storage", "objects", "list", "gs://b"],
            ["gcloud", "storage", "ls", "gs://b"],
            ["gcloud", "services", "enable", "sqladmin.googleapis.com"],
            ["gcloud", "secrets", "versions", "access", "latest", "--secret", "s"],
            ["bq", "--headless", "query", "select 1"],
            ["bq", "--headless", "head", "p:d.t"],
            ["gsutil", "ls", "gs://b"],
        ]
        good = [
            ["az", "storage", "container-rm", "list", "--storage-account", "a", "--resource-group", "g",
             "--output", "json", "--only-show-errors", "--subscription", "s"],
            ["gcloud", "storage", "buckets", "get-iam-policy", "gs://b", "--format=json", "--quiet"],
            ["bq", "--headless", "show", "--format=json", "p:d"],
        ]
        problems = common.cli_argv_problems(bad)
        self.assertEqual([p[2] for p in problems], [b[1:] for b in bad])
        self.assertEqual(common.cli_argv_problems(good), [])

    def test_bad_arguments_are_refused_before_any_call(self):
        for args, expect in [
            (["--bogus"], "unknown argument"),
            (["--regions"], "--regions needs a value"),
            (["--help"], None),
        ]:
            proc = subprocess.run(["bash", str(common.AWS_SH), *args], capture_output=True, timeout=30,
                                  env={"PATH": "/usr/bin:/bin"})
            if expect is None:
                self.assertEqual(proc.returncode, 0)
                self.assertIn(b"Usage: bash aws.sh", proc.stdout)
            else:
                self.assertEqual(proc.returncode, 1, args)
                self.assertIn(expect.encode(), proc.stderr)
        for script, args, expect in [
            (common.AZURE_SH, ["--bogus"], "unknown argument"),
            (common.AZURE_SH, ["--subscription"], "--subscription needs a value"),
            (common.AZURE_SH, ["--help"], None),
            (common.GCP_SH, ["--project", "a", "--folder", "1"], "give only one of"),
            (common.GCP_SH, ["--folder", "dealers"], "--folder needs the numeric id"),
            (common.GCP_SH, ["--project", "Bad Name"], "not a project id"),
            (common.GCP_SH, ["--help"], None),
        ]:
            # gcloud and az need not exist: arguments are checked first, or the
            # missing tool is reported.
            proc = subprocess.run(["bash", str(script), *args], capture_output=True, timeout=30,
                                  env={"PATH": "/usr/bin:/bin"})
            if expect is None:
                self.assertEqual(proc.returncode, 0, (script.name, proc.stderr))
                self.assertIn(f"Usage: bash {script.name}".encode(), proc.stdout)
            else:
                self.assertEqual(proc.returncode, 1, (script.name, args))
                self.assertIn(expect.encode(), proc.stderr, (script.name, args))


if __name__ == "__main__":
    unittest.main()

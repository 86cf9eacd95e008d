"""Static checks of the exporter scripts: shellcheck, and what they refuse to do."""

import re
import shutil
import subprocess
import unittest

import common

SCRIPTS = [
    common.AWS_SH,
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


if __name__ == "__main__":
    unittest.main()

"""export/aws.sh against a stub `aws` replaying recorded outputs (replay_fixture.py).

Covers what the moto server cannot answer: an account-level Block Public
Access record, AWS managed KMS keys, buckets in us-east-1 and "EU", access
denied answers, Lambda function URLs (list-function-url-configs, which moto
lacks), region
discovery without --regions, describe-domains batching, CLI v2's version
string, and an error message that needs JSON escaping.
"""

import os
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import common
import replay_fixture as fx


class ReplayExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="keyhole-exporter-replay-")
        d = Path(cls.tmp.name)
        cls.dir = d
        stub_dir = d / "bin"
        stub_dir.mkdir()
        cls.log_dir = d / "argv"
        cls.log_dir.mkdir()
        stub = stub_dir / "aws"
        stub.write_text(
            "#!/bin/sh\n"
            f"exec {sys.executable!r} -B {str(common.HERE / 'aws_replay_stub.py')!r} \"$@\"\n"
        )
        stub.chmod(0o755)
        home = d / "home"
        home.mkdir()
        env = {
            "PATH": os.pathsep.join([str(stub_dir), "/usr/bin", "/bin"]),
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "AWS_REGION": "ap-southeast-2",
            "KEYHOLE_REPLAY_LOG": str(cls.log_dir),
            "TMPDIR": str(d),
        }
        cls.out_dir = d / "out"
        cls.out_dir.mkdir()
        t0 = time.monotonic()
        # No --regions and no --output: regions come from describe-regions, the
        # file name from the account and the date.
        cls.proc = subprocess.run(
            ["bash", str(common.AWS_SH)], capture_output=True, env=env, cwd=str(cls.out_dir), timeout=300,
        )
        cls.seconds = time.monotonic() - t0

    @classmethod
    def tearDownClass(cls):
        print(f"\n[aws replay] export {cls.seconds:.1f}s")
        cls.tmp.cleanup()

    def bundle_path(self):
        self.assertEqual(self.proc.returncode, 0,
                         "export/aws.sh failed:\n" + self.proc.stderr.decode("utf-8", "replace")[-4000:])
        files = list(self.out_dir.glob("keyhole-aws-*.json.gz"))
        self.assertEqual(len(files), 1, files)
        self.assertRegex(files[0].name, rf"^keyhole-aws-{fx.ACCOUNT}-\d{{8}}\.json\.gz$")
        return files[0]

    def bundle(self):
        return common.load_bundle(self.bundle_path())

    def test_01_shape_and_no_unrecorded_calls(self):
        b = self.bundle()
        self.assertEqual(b["keyhole"], "aws-export/1")
        self.assertEqual(b["account"], fx.ACCOUNT)
        self.assertIn("aws-cli/2.22.0", b["generator"])
        for i, c in enumerate(b["calls"]):
            common.check_call_shape(self, i, c)
            self.assertNotEqual(c.get("error", {}).get("code"), "CliError",
                                f"the exporter made a call the fixture does not know: {c}")

    def test_02_regions_from_describe_regions(self):
        b = self.bundle()
        sg = common.find_calls(b, "ec2", "describe-security-groups")
        self.assertEqual(sorted(c["region"] for c in sg), sorted(fx.REGIONS))

    def test_03_bucket_calls_go_to_the_bucket_region(self):
        b = self.bundle()
        acl = {c["params"]["Bucket"]: c for c in common.find_calls(b, "s3api", "get-bucket-acl")}
        self.assertEqual(acl["dealer-legacy-site"]["region"], "us-east-1")
        self.assertEqual(acl["dealer-eu-archive"]["region"], "eu-west-1")
        self.assertEqual(acl["dealer-eu-archive"]["error"], {"code": "AccessDenied", "message": "Access Denied"})
        loc = common.find_calls(b, "s3api", "get-bucket-location", Bucket="dealer-legacy-site")[0]
        self.assertNotIn("region", loc)
        self.assertEqual(loc["output"], {"LocationConstraint": None})
        logging = common.find_calls(b, "s3api", "get-bucket-logging", Bucket="dealer-legacy-site")[0]
        self.assertEqual(logging["output"], {}, "an empty CLI output is recorded as {}")
        bpa = common.find_calls(b, "s3control", "get-public-access-block")[0]
        self.assertEqual(bpa["params"], {"AccountId": fx.ACCOUNT})
        self.assertTrue(bpa["output"]["PublicAccessBlockConfiguration"]["IgnorePublicAcls"])

    def test_04_error_message_is_escaped_exactly(self):
        b = self.bundle()
        c = [c for c in common.find_calls(b, "ec2", "describe-security-groups") if c["region"] == "us-east-1"][0]
        self.assertEqual(c["error"], {"code": "UnauthorizedOperation", "message": fx.TRICKY_MESSAGE})

    def test_05_aws_managed_kms_keys_are_skipped(self):
        b = self.bundle()
        keys = [c["params"]["KeyId"] for c in common.find_calls(b, "kms", "get-key-policy")]
        self.assertEqual(keys, [fx.CUSTOMER_KEY])
        self.assertEqual(common.find_calls(b, "kms", "list-aliases"), [], "list-aliases is not recorded")

    def test_06_failed_listing_is_recorded(self):
        b = self.bundle()
        c = common.find_calls(b, "secretsmanager", "list-secrets")
        self.assertEqual(len(c), 1, "only the failed listing is recorded")
        self.assertEqual(c[0]["region"], "us-east-1")
        self.assertEqual(c[0]["error"]["code"], "AccessDeniedException")
        url = common.find_calls(b, "lambda", "list-function-url-configs", FunctionName="dealer-leads-webhook")
        self.assertEqual(url[0]["output"]["FunctionUrlConfigs"][0]["AuthType"], "NONE")
        self.assertEqual(common.find_calls(b, "lambda", "get-function-url-config"), [])

    def test_06b_name_starting_with_a_dash(self):
        b = self.bundle()
        c = common.find_calls(b, "secretsmanager", "get-resource-policy", SecretId=fx.DASH_SECRET)
        self.assertEqual(len(c), 1)
        self.assertEqual(c[0]["output"]["Name"], fx.DASH_SECRET)

    def test_07_describe_domains_in_batches_of_five(self):
        b = self.bundle()
        calls = common.find_calls(b, "opensearch", "describe-domains")
        self.assertEqual([c["params"]["DomainNames"] for c in calls], [fx.DOMAINS[:5], fx.DOMAINS[5:]])
        self.assertEqual(sum(len(c["output"]["DomainStatusList"]) for c in calls), 6)

    def test_08_read_only_command_lines(self):
        self.bundle_path()
        runs = common.read_argv_logs(self.log_dir)
        self.assertEqual(common.argv_problems(runs), [])
        regions = {a[a.index("--region") + 1] for a in runs if "--region" in a}
        self.assertEqual(regions, {"ap-southeast-2", "us-east-1", "eu-west-1"})

    def test_09_audit(self):
        path = self.bundle_path()
        keyhole = common.require_keyhole(self)
        report = common.audit(self, keyhole, path)
        resources = {k: v for k, v in fx.RESOURCES.items()}
        got = common.exposure_pairs(self, report, common_exposure_rules(), resources)
        common.assert_exact_pairs(self, got, fx.EXPECTED)
        unchecked = [str(u).lower() for u in report.get("unchecked", [])]
        for words in (("describe-security-groups", "us-east-1"),
                      ("list-secrets",), ("dealer-eu-archive",)):
            self.assertTrue(any(all(w in u for w in words) for u in unchecked),
                            f"the report's unchecked list does not name {words}: {unchecked}")


def common_exposure_rules():
    import seed_aws
    return seed_aws.EXPOSURE_RULES


if __name__ == "__main__":
    unittest.main()

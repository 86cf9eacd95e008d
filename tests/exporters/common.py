"""Shared helpers for the exporter tests (tests/exporters/)."""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AWS_SH = ROOT / "export" / "aws.sh"
HERE = Path(__file__).resolve().parent

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Operation names the exporter may run: read-only, configuration only.
READ_ONLY_OP = re.compile(r"^(get|list|describe)-[a-z0-9-]+$")

# Data-plane operations: reading these would read the data itself.
DATA_PLANE_OPS = {
    "list-objects",
    "list-objects-v2",
    "list-object-versions",
    "get-object",
    "get-object-attributes",
    "get-object-torrent",
    "select-object-content",
    "receive-message",
    "get-secret-value",
    "batch-get-secret-value",
    "get-parameter",
    "get-parameters",
    "get-parameters-by-path",
    "get-item",
    "batch-get-item",
    "scan",
    "query",
    "get-records",
    "get-shard-iterator",
    "get-download-url-for-layer",
    "batch-get-image",
    "get-function",  # returns a pre-signed URL to the function's code
    "get-snapshot-block",
    "list-snapshot-blocks",
    "get-log-events",
    "filter-log-events",
}

SERVICES = {
    "s3api", "s3control", "ec2", "rds", "redshift", "sqs", "sns", "lambda", "kms",
    "ecr", "secretsmanager", "opensearch", "es", "iam", "sts",
}

# Errors that are answers, per docs/aws-export-bundle.md.
ANSWER_ERRORS = {
    ("s3api", "get-bucket-policy"): "NoSuchBucketPolicy",
    ("s3api", "get-public-access-block"): "NoSuchPublicAccessBlockConfiguration",
    ("s3control", "get-public-access-block"): "NoSuchPublicAccessBlockConfiguration",
    ("s3api", "get-bucket-ownership-controls"): "OwnershipControlsNotFoundError",
    ("s3api", "get-bucket-encryption"): "ServerSideEncryptionConfigurationNotFoundError",
    ("s3api", "get-bucket-tagging"): "NoSuchTagSet",
    ("lambda", "get-policy"): "ResourceNotFoundException",
    ("ecr", "get-repository-policy"): "RepositoryPolicyNotFoundException",
}


def load_bundle(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    # Strict UTF-8, as Keyhole's parser reads it.
    return json.loads(raw.decode("utf-8"))


def check_call_shape(test, i, call):
    """Assert one bundle call object is well-formed (docs/aws-export-bundle.md)."""
    where = f"calls[{i}] {call.get('service')} {call.get('operation')}"
    test.assertIsInstance(call, dict, where)
    allowed = {"service", "operation", "region", "account", "params", "output", "error"}
    test.assertLessEqual(set(call), allowed, f"{where}: unexpected keys")
    test.assertIn(call.get("service"), SERVICES, where)
    test.assertRegex(call.get("operation", ""), READ_ONLY_OP, where)
    if "region" in call:
        test.assertRegex(call["region"], r"^[a-z0-9-]+$", where)
    test.assertIsInstance(call.get("params"), dict, where)
    for k, v in call["params"].items():
        test.assertIsInstance(k, str, where)
        test.assertTrue(isinstance(v, (str, list)), f"{where}: param {k}")
    test.assertEqual(("output" in call) + ("error" in call), 1, f"{where}: exactly one of output/error")
    if "output" in call:
        test.assertIsInstance(call["output"], dict, where)
    else:
        err = call["error"]
        test.assertIsInstance(err, dict, where)
        test.assertEqual(set(err), {"code", "message"}, where)
        test.assertRegex(err["code"], r"^[A-Za-z0-9_.:-]+$", where)
        test.assertIsInstance(err["message"], str, where)
        test.assertTrue(err["message"], f"{where}: empty error message")


def find_calls(bundle, service, operation, **params):
    return [
        c for c in bundle["calls"]
        if c["service"] == service and c["operation"] == operation
        and all(c["params"].get(k) == v for k, v in params.items())
    ]


def write_argv_shim(shim_dir, real_aws, log_dir):
    """A PATH shim named `aws` that logs its argv (one file per run) and execs the real aws."""
    shim_dir.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    shim = shim_dir / "aws"
    shim.write_text(
        "#!/usr/bin/env bash\n"
        "set -euo pipefail\n"
        f"log=$(mktemp {str(log_dir)!r}/argv.XXXXXXXX)\n"
        "printf '%s\\0' \"$@\" >\"$log\"\n"
        f"exec {str(real_aws)!r} \"$@\"\n"
    )
    shim.chmod(0o755)
    return shim


def read_argv_logs(log_dir):
    runs = []
    for p in sorted(log_dir.glob("argv.*")):
        data = p.read_bytes()
        runs.append([a.decode("utf-8") for a in data.split(b"\0")[:-1]])
    return runs


def argv_problems(runs):
    """Return a list of argv runs that are not read-only configuration reads."""
    problems = []
    for argv in runs:
        if argv in (["--version"],) or argv[:3] == ["configure", "get", "region"]:
            continue
        if len(argv) < 2:
            problems.append(("too short", argv))
            continue
        service, op = argv[0], argv[1]
        if service not in SERVICES:
            problems.append(("unexpected service", argv))
        if not READ_ONLY_OP.match(op):
            problems.append(("not read-only", argv))
        if op in DATA_PLANE_OPS:
            problems.append(("data-plane", argv))
        if service == "secretsmanager" and op != "get-resource-policy" and op != "list-secrets":
            problems.append(("secretsmanager call other than the policy", argv))
    return problems


def keyhole_binary():
    """The Keyhole CLI to audit with, or (None, reason)."""
    if os.environ.get("KEYHOLE_BUILD_FAILED"):
        return None, "`cargo build` of the Keyhole CLI failed (see its output above)"
    explicit = os.environ.get("KEYHOLE_BIN")
    if explicit:
        p = Path(explicit)
        if p.is_file() and os.access(p, os.X_OK):
            return p, None
        return None, f"KEYHOLE_BIN={explicit} is not an executable file"
    p = ROOT / "target" / "debug" / "keyhole"
    if p.is_file() and os.access(p, os.X_OK):
        return p, None
    return None, f"the Keyhole CLI was not found at {p} (run `cargo build` first)"


def require_keyhole(test):
    """Return the CLI path; fail under CI=true, skip otherwise, when it is missing."""
    path, reason = keyhole_binary()
    if path is None:
        msg = f"cannot audit the bundle: {reason}"
        if IN_CI:
            test.fail(msg + " (CI=true: the exporter test needs the Keyhole CLI)")
        raise unittest.SkipTest(msg)
    return path


def audit(test, keyhole, bundle_path):
    """Run `keyhole audit BUNDLE --format json`, return the parsed report."""
    proc = subprocess.run(
        [str(keyhole), "audit", str(bundle_path), "--format", "json"],
        capture_output=True, timeout=120, cwd=str(bundle_path.parent),
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    test.assertIn(
        proc.returncode, (0, 1),
        f"keyhole audit exited {proc.returncode} (2 means an input was not understood):\n{stderr}",
    )
    try:
        report = json.loads(proc.stdout.decode("utf-8"))
    except ValueError as e:
        test.fail(f"keyhole audit did not print JSON ({e}):\n{proc.stdout[:2000]!r}\n{stderr}")
    test.assertEqual(report.get("schema"), "keyhole-report/1")
    inputs = report.get("inputs", [])
    test.assertEqual(len(inputs), 1, inputs)
    test.assertIsNone(inputs[0].get("error"), inputs[0])
    test.assertEqual(inputs[0].get("format"), "keyhole-aws-export", inputs[0])
    return report


def exposure_pairs(test, report, rules, resources):
    """Map the report's findings for `rules` to (rule, seeded resource key).

    A finding matches a seeded resource when its resource.name or resource.id
    is one of that resource's names, ids or ARNs. Unmatched findings are kept
    as (rule, "?" + name) so they show up as unexpected.
    """
    alias = {}
    for key, names in resources.items():
        for n in names:
            alias.setdefault(n, key)
    pairs = set()
    for f in report.get("findings", []):
        if f.get("rule") not in rules:
            continue
        res = f.get("resource", {})
        key = alias.get(res.get("name")) or alias.get(res.get("id"))
        pairs.add((f["rule"], key or "?" + str(res.get("name") or res.get("id"))))
    return pairs


def assert_exact_pairs(test, got, expected):
    missing = sorted(expected - got)
    unexpected = sorted(got - expected)
    if missing or unexpected:
        lines = ["the audit's exposure findings differ from what was seeded:"]
        lines += [f"  missing:    {r} on {k}" for r, k in missing]
        lines += [f"  unexpected: {r} on {k}" for r, k in unexpected]
        test.fail("\n".join(lines))


def tool(name, venv_first=True):
    """Find an executable, preferring the one next to this Python (the test venv)."""
    cand = Path(sys.executable).parent / name
    if venv_first and cand.is_file() and os.access(cand, os.X_OK):
        return cand
    found = shutil.which(name)
    return Path(found) if found else None


# ---------------------------------------------------------------- Azure and GCP (stub replays)

AZURE_SH = ROOT / "export" / "azure.sh"
GCP_SH = ROOT / "export" / "gcp.sh"

# The only commands the exporters may run, as the words before any flag or
# argument. "... list" alone is not enough: `az storage account keys list`
# returns keys, `az storage blob list` reads data.
AZ_READ_ONLY = {
    "version", "account show", "account list", "resource list",
    "storage account list", "storage container-rm list", "network nsg list",
    "sql server list", "sql server firewall-rule list",
    "postgres flexible-server list", "postgres flexible-server firewall-rule list",
    "mysql flexible-server list", "mysql flexible-server firewall-rule list",
    "postgres server list", "postgres server firewall-rule list",
    "mysql server list", "mysql server firewall-rule list",
    "cosmosdb list", "keyvault list", "keyvault show",
}
GCLOUD_READ_ONLY = {
    "version", "config get-value", "asset search-all-resources", "projects describe",
    "storage buckets list", "storage buckets get-iam-policy", "sql instances list",
    "compute firewall-rules list", "compute images list", "compute images get-iam-policy",
    "functions list", "functions get-iam-policy",
}
BQ_READ_ONLY = {"ls", "show"}

# Words that mark a write, or a read of data or secrets, wherever they appear.
FORBIDDEN_WORDS = {
    "create", "update", "delete", "set", "set-iam-policy", "add-iam-policy-binding",
    "remove-iam-policy-binding", "enable", "disable", "deploy", "import", "export", "start", "stop",
    "restart", "rm", "mk", "cp", "mv", "insert", "load", "query", "head", "extract", "cat", "download",
    "upload", "blob", "objects", "keys", "list-keys", "secret", "secrets", "connection-string",
    "show-connection-string", "generate-sas", "access", "versions",
}


def command_words(program, argv):
    """The command an argv runs: its words before any flag, without positional arguments."""
    words = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("-"):
            if "=" not in a and i + 1 < len(argv) and not argv[i + 1].startswith("-") and a not in (
                    "--headless", "--no-standard-images", "--gen2", "--no-gen2", "--only-show-errors", "--quiet"):
                i += 1  # the flag's value
        else:
            words.append(a)
        i += 1
    return words


def cli_argv_problems(runs):
    """Return (problem, program, argv) for every logged run that is not an allowed read."""
    problems = []
    allowed = {"az": AZ_READ_ONLY, "gcloud": GCLOUD_READ_ONLY, "bq": BQ_READ_ONLY}
    for run in runs:
        program, argv = run[0], run[1:]
        words = command_words(program, argv)
        bad = FORBIDDEN_WORDS.intersection(words)
        if bad:
            problems.append((f"forbidden word {sorted(bad)}", program, argv))
            continue
        commands = allowed.get(program)
        if commands is None:
            problems.append(("unexpected program", program, argv))
            continue
        matched = [c for c in commands if words[:len(c.split())] == c.split()]
        if not matched:
            problems.append(("not on the read-only list", program, argv))
            continue
        extra = words[len(max(matched, key=len).split()):]
        if program == "az" and extra or len(extra) > 1:
            problems.append((f"unexpected arguments {extra}", program, argv))
    return problems


def write_cli_stubs(stub_dir, programs):
    """Wrappers named after each program that run cli_replay_stub.py with this Python."""
    stub_dir.mkdir(parents=True, exist_ok=True)
    for program in programs:
        stub = stub_dir / program
        stub.write_text(
            "#!/bin/sh\n"
            f"exec {sys.executable!r} -B {str(HERE / 'cli_replay_stub.py')!r} {program} \"$@\"\n"
        )
        stub.chmod(0o755)


def audit_any(test, keyhole, bundle_path, fmt):
    """Run `keyhole audit BUNDLE --format json`; the input must be read as `fmt`."""
    proc = subprocess.run(
        [str(keyhole), "audit", str(bundle_path), "--format", "json"],
        capture_output=True, timeout=120, cwd=str(bundle_path.parent),
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    test.assertIn(proc.returncode, (0, 1), f"keyhole audit exited {proc.returncode}:\n{stderr}")
    report = json.loads(proc.stdout.decode("utf-8"))
    inputs = report.get("inputs", [])
    test.assertEqual(len(inputs), 1, inputs)
    test.assertIsNone(inputs[0].get("error"), inputs[0])
    test.assertEqual(inputs[0].get("format"), fmt, inputs[0])
    test.assertEqual(inputs[0].get("skipped"), [], "every recorded call is one Keyhole reads")
    return report


def check_in_page(test, keyhole, bundle_path):
    """Drop the bundle into the built page (page_check.mjs) and check it shows the CLI's report.

    Needs the single file (scripts/build-www.sh), node with playwright-core
    (npm ci) and Chromium: scripts/test.sh runs the web suite first. Fails
    under CI=true when one is missing, skips otherwise.
    """
    missing = []
    if not (ROOT / "dist" / "www" / "keyhole.html").is_file():
        missing.append("dist/www/keyhole.html (scripts/build-www.sh)")
    if not (ROOT / "node_modules" / "playwright-core").is_dir():
        missing.append("node_modules/playwright-core (npm ci)")
    if shutil.which("node") is None:
        missing.append("node")
    if not Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).is_file():
        missing.append("chromium")
    if missing:
        msg = "cannot drop the bundle into the page: missing " + ", ".join(missing)
        if IN_CI:
            test.fail(msg + " (CI=true)")
        raise unittest.SkipTest(msg)
    env = dict(os.environ, KEYHOLE_CLI=str(keyhole))
    proc = subprocess.run(["node", str(HERE / "page_check.mjs"), str(bundle_path)], capture_output=True,
                          timeout=180, env=env, cwd=str(ROOT))
    test.assertEqual(proc.returncode, 0, "the page does not show the CLI's report for this bundle:\n"
                     + proc.stdout.decode("utf-8", "replace")[-2000:] + proc.stderr.decode("utf-8", "replace")[-4000:])
    # The e2e helpers register node:test hooks, so node also prints an empty TAP summary: take the result line.
    results = [line for line in proc.stdout.decode("utf-8").splitlines() if line.startswith('{"findings"')]
    test.assertEqual(len(results), 1, "page_check.mjs prints one result line:\n" + proc.stdout.decode("utf-8", "replace"))
    return json.loads(results[0])

#!/usr/bin/env python3
"""Rebuilds the checked-in fuzz seeds (fuzz/seeds/<target>/) from tests/fixtures.

Each fixture is sorted into a target by the format Keyhole itself detects
(`keyhole audit FILE --format json`, field `inputs[].format`), so the seeds
follow the detector rather than a second list of rules. Only small files are
kept (at most MAX_BYTES, at most MAX_FILES per target, smallest first), since
libFuzzer mutates small inputs far faster. Also writes fuzz/dicts/<target>.dict:
the JSON keys and short strings of that target's seeds, which lets mutations
make well-formed field names instead of waiting for them by chance.

Usage: python3 scripts/fuzz-seeds.py [path/to/keyhole]
(default: target/debug/keyhole; build it with `cargo build --bin keyhole`).
Generated corpora grow under fuzz/corpus/ (ignored by git); docs/fuzzing.md.
"""

import gzip
import hashlib
import json
import re
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "fuzz" / "seeds"
DICTS = ROOT / "fuzz" / "dicts"
MAX_BYTES = 8 * 1024
MAX_FILES = 50
MIN_FILES = 5
# Fixtures that are not inputs (expected reports, schemas, notes).
NOT_INPUTS = {"expected.json", "sarif-schema-2.1.0.json", "cases.json", "policyuniverse-deviations.json"}
SEPARATOR = b"\n--keyhole-fuzz-file--\n"  # fuzz/src/lib.rs FILE_SEPARATOR


def family(fmt, name):
    """The fuzz target a detected format (or an undetected file) seeds."""
    if fmt is None:
        return "cloudformation_yaml" if name.endswith((".yaml", ".yml")) else None
    if fmt.startswith("aws-config"):
        return "aws_config"
    if fmt.startswith("aws-cli"):
        return "aws_cli"
    if fmt == "keyhole-aws-export":
        return "aws_bundle"
    if fmt.startswith("terraform"):
        return "terraform"
    if fmt == "cloudformation":
        return "cloudformation_yaml" if name.endswith((".yaml", ".yml")) else "cloudformation_json"
    if fmt.startswith(("azure", "arm-template", "keyhole-azure")):
        return "azure"
    if fmt.startswith(("gcp", "gcloud", "keyhole-gcp")):
        return "gcp"
    return None


def truncated(value, keep):
    if isinstance(value, dict):
        return {k: truncated(v, keep) for k, v in value.items()}
    if isinstance(value, list):
        return [truncated(v, keep) for v in value[:keep]]
    return value


def shrink(data):
    """A large JSON fixture with every list cut short, so that its shape
    survives in a seed small enough to mutate quickly."""
    if len(data) <= MAX_BYTES:
        return data
    try:
        value = json.loads(data)
    except ValueError:
        return data
    for keep in (4, 3, 2, 1):
        small = json.dumps(truncated(value, keep), separators=(",", ":")).encode()
        if len(small) <= MAX_BYTES:
            return small
    return small


def detect(keyhole, path, data):
    # Standard input, since `data` may be a shrunk copy of the file.
    out = subprocess.run([keyhole, "audit", "-", "--format", "json"], input=data, capture_output=True, check=False)
    try:
        return json.loads(out.stdout)["inputs"][0].get("format")
    except (ValueError, KeyError, IndexError):
        return None


def write(target, data):
    folder = SEEDS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def strings(value, out):
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            strings(item, out)
    elif isinstance(value, list):
        for item in value:
            strings(item, out)
    elif isinstance(value, str) and len(value) <= 40:
        out.add(value)


def dictionary(target, files):
    words = set()
    for data in files:
        text = data.decode("utf-8", "replace")
        # YAML: keys and tags.
        words.update(re.findall(r"^\s*([A-Za-z][\w:.-]*):", text, re.M))
        words.update(re.findall(r"(![A-Za-z]+)", text))
        try:
            text = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            for line in text.decode("utf-8", "replace").splitlines() if b"\n{" in text else [text.decode()]:
                if line.strip():
                    strings(json.loads(line), words)
        except (ValueError, OSError, UnicodeDecodeError):
            continue
    entries = sorted(json.dumps(w) for w in words if w and all(32 <= ord(c) < 127 for c in w))
    lines = ['"{"', '"}"', '"["', '"]"', '":"', '","', '"null"', '"true"', '"false"']
    lines += ['"' + e.replace("\\", "\\\\").replace('"', '\\"') + '"' for e in entries]
    DICTS.mkdir(parents=True, exist_ok=True)
    (DICTS / f"{target}.dict").write_text("\n".join(lines) + "\n")


def main():
    keyhole = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "debug" / "keyhole")
    shutil.rmtree(SEEDS, ignore_errors=True)
    shutil.rmtree(DICTS, ignore_errors=True)
    by_target = {}
    for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file()):
        if path.name in NOT_INPUTS or path.suffix == ".md" or "fuzz" in path.parts:
            continue
        data = shrink(path.read_bytes())
        target = family(detect(keyhole, path, data), path.name)
        if target:
            by_target.setdefault(target, []).append(data)
        if path.parent.name == "decode" or path.suffix == ".gz":
            by_target.setdefault("decode", []).append(data)

    for target, files in by_target.items():
        files = sorted(set(files), key=len)
        # Small files only, but never fewer than MIN_FILES seeds per target.
        files = [f for i, f in enumerate(files) if len(f) <= MAX_BYTES or i < MIN_FILES][:MAX_FILES]
        by_target[target] = files
        for data in files:
            write(target, data)
        dictionary(target, files)

    # Streaming reader: Config snapshots and items, and bundles.
    stream = sorted(set(by_target.get("aws_config", []) + by_target.get("aws_bundle", [])), key=len)[:MAX_FILES]
    for data in stream:
        write("aws_stream", data)
    dictionary("aws_stream", stream)

    # Detection and decoding: a few of every family, plus text that is no input.
    mixed = [f for files in by_target.values() for f in files[:5]]
    mixed += [b"{}", b"[]", b'{"dependencies": {}}', b"not json", b"\xef\xbb\xbf{}", b"{\"a\":1}\n{\"b\":2}\n"]
    for data in mixed:
        write("detect", data)
    dictionary("detect", mixed)
    # Decoding: the same texts gzipped and in UTF-16 (with and without a byte order mark).
    for data in mixed[:10]:
        write("decode", data)
        write("decode", gzip.compress(data, mtime=0))
        text = data.decode("utf-8", "replace")
        write("decode", b"\xff\xfe" + text.encode("utf-16-le"))
        write("decode", text.encode("utf-16-be"))

    # Several files as one upload: pairs drawn across families.
    families = [files for name, files in sorted(by_target.items()) if name != "decode"]
    many = []
    for i, files in enumerate(families):
        partner = families[(i + 1) % len(families)]
        for a, b in zip(files[:4], partner[:4]):
            many.append(a + SEPARATOR + b)
    for data in many[:MAX_FILES]:
        write("audit_many", data)
    dictionary("audit_many", mixed)

    # The policy evaluator: policies of the table, first byte the kind.
    kinds = ["s3", "sqs", "sns", "lambda", "kms", "ecr", "secretsmanager", "es", "trust"]  # fuzz/src/lib.rs KINDS
    cases = json.loads((FIXTURES / "policy" / "cases.json").read_text())
    policies = []
    for case in cases:
        kind = case.get("kind", "s3")
        selector = kinds.index(kind) if kind in kinds else 0
        policies.append(bytes([selector]) + json.dumps(case["policy"], separators=(",", ":")).encode())
    policies = sorted(set(policies), key=len)
    step = max(1, len(policies) // MAX_FILES)
    for data in policies[::step][:MAX_FILES]:
        write("policy", data)
    dictionary("policy", [p[1:] for p in policies])

    for folder in sorted(SEEDS.iterdir()):
        count = len(list(folder.iterdir()))
        size = sum(f.stat().st_size for f in folder.iterdir())
        print(f"{folder.name}: {count} seeds, {size} bytes")


if __name__ == "__main__":
    main()

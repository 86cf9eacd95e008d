"""A stand-in for the `aws` CLI that replays replay_fixture.py and logs each command line.

Started through a small `aws` wrapper on PATH (test_aws_replay.py writes it).
KEYHOLE_REPLAY_LOG names a directory: each run writes its argv there,
NUL-separated. An unrecorded call fails loudly (exit 255), so the test
notices a call it did not expect.
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jmespath  # noqa: E402  (ships with botocore)

import replay_fixture  # noqa: E402

MULTI_VALUE = {"--domain-names", "--owner-ids", "--owners", "--attribute-names"}


def parse(args):
    """Split `service operation --flag value...` into (service, operation, {flag: value})."""
    service, operation, rest = args[0], args[1], args[2:]
    opts, i = {}, 0
    while i < len(rest):
        flag = rest[i]
        if not flag.startswith("--"):
            raise SystemExit(f"replay stub: unexpected argument {flag!r}")
        i += 1
        if "=" in flag:  # --flag=value
            flag, value = flag.split("=", 1)
            opts[flag] = value
            continue
        values = []
        while i < len(rest) and not rest[i].startswith("--"):
            values.append(rest[i])
            i += 1
            if flag not in MULTI_VALUE:
                break
        opts[flag] = " ".join(values)
    return service, operation, opts


def render_text(value):
    if value is None:
        return "None\n"
    if isinstance(value, list):
        flat = [v for v in value if not isinstance(v, (list, dict))]
        return ("\t".join(str(v) for v in flat) + "\n") if flat else ""
    return f"{value}\n"


def main(args):
    log_dir = os.environ["KEYHOLE_REPLAY_LOG"]
    fd, _ = tempfile.mkstemp(prefix="argv.", dir=log_dir)
    with os.fdopen(fd, "wb") as f:
        f.write(b"".join(a.encode("utf-8") + b"\0" for a in args))

    if args == ["--version"]:
        sys.stdout.write("aws-cli/2.22.0 Python/3.12.6 Linux/6.1.0 exe/x86_64.amzn.2023\n")
        return 0
    if len(args) < 2:
        sys.stderr.write("replay stub: too few arguments\n")
        return 252

    service, operation, opts = parse(args)
    region = opts.get("--region", "")
    for e in replay_fixture.ENTRIES:
        if (e["service"], e["operation"]) != (service, operation):
            continue
        if e["region"] not in ("*", region):
            continue
        if any(opts.get(k) != v for k, v in e["match"].items()):
            continue
        if "error" in e:
            sys.stderr.write(e["error"])
            return 254
        output = e["output"]
        if "--query" in opts:
            output = jmespath.search(opts["--query"], output)
        if opts.get("--output") == "text":
            sys.stdout.write(render_text(output))
        elif output != {}:
            sys.stdout.write(json.dumps(output, indent=4) + "\n")
        return 0
    sys.stderr.write(f"replay stub: no recorded output for {' '.join(args)}\n")
    return 255


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

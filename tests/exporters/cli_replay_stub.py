"""A stand-in for `az`, `gcloud` and `bq` that replays recorded outputs and logs each command line.

    python cli_replay_stub.py PROGRAM ARGS...

Started through small wrappers named az, gcloud and bq on PATH
(write_stubs() in common.py writes them). KEYHOLE_REPLAY_FIXTURE names the
fixture module (azure_fixture or gcp_fixture), whose ENTRIES list holds
dicts: program, command (the words before the first flag or positional
argument), optional positional (the first non-flag word after the command),
optional match {flag: value}, and either output (the parsed JSON the tool
prints), text (printed as it is) or error (the tool's stderr text). KEYHOLE_REPLAY_LOG names a
directory: each run writes PROGRAM and its argv there, NUL-separated. A call
the fixture does not know fails loudly (exit 99), so the test notices it.

Output options are applied as the real tools do: az's --query (JMESPath) and
--output json|tsv, gcloud's --format=json and --format=value(a.b,c), bq's
--format=json|prettyjson.
"""

import importlib
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jmespath  # noqa: E402  (ships with botocore, in the test venv)

# Flags that take no value.
BOOLEAN_FLAGS = {"--headless", "--no-standard-images", "--gen2", "--no-gen2", "--only-show-errors", "--raw",
                 "--all"}


def parse(args):
    """Split argv into (words that are not flags or flag values, {flag: value})."""
    words, flags = [], {}
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            if "=" in a:
                k, v = a.split("=", 1)
                flags[k] = v
            elif a not in BOOLEAN_FLAGS and i + 1 < len(args):
                flags[a] = args[i + 1]
                i += 1
            else:
                flags[a] = ""
        else:
            words.append(a)
        i += 1
    return words, flags


def tsv(value):
    """az -o tsv: one line per list item, list items of a row tab-separated."""
    def cell(v):
        if v is None:
            return ""
        if isinstance(v, bool):
            return "True" if v else "False"
        if isinstance(v, (dict, list)):
            return ""
        return str(v)
    if value is None:
        return ""
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, list):
                lines.append("\t".join(cell(v) for v in item))
            else:
                lines.append(cell(item))
        return "".join(line + "\n" for line in lines)
    return cell(value) + "\n"


def dotted(item, path):
    for part in path.split("."):
        if not isinstance(item, dict):
            return ""
        item = item.get(part)
    if item is None:
        return ""
    if isinstance(item, list):
        return ";".join(str(v) for v in item)
    return str(item)


def gcloud_value(value, fields):
    """gcloud --format=value(a,b.c): one line per resource, fields tab-separated."""
    items = value if isinstance(value, list) else [value]
    return "".join("\t".join(dotted(i, f.strip()) for f in fields) + "\n" for i in items)


def render(program, output, flags):
    if program == "az":
        if "--query" in flags:
            output = jmespath.search(flags["--query"], output)
        fmt = flags.get("--output", flags.get("-o", "json"))
        if fmt == "tsv":
            return tsv(output)
        return json.dumps(output, indent=2) + "\n"
    fmt = flags.get("--format", "")
    m = re.fullmatch(r"value\((.*)\)", fmt)
    if m:
        return gcloud_value(output, m.group(1).split(","))
    if program == "bq" and output == []:
        return ""  # bq ls prints nothing when there are no datasets
    return json.dumps(output, indent=2) + "\n"


def main(argv):
    program, args = argv[0], argv[1:]
    log_dir = os.environ["KEYHOLE_REPLAY_LOG"]
    fd, _ = tempfile.mkstemp(prefix="argv.", dir=log_dir)
    with os.fdopen(fd, "wb") as f:
        f.write(b"".join(a.encode("utf-8") + b"\0" for a in [program, *args]))
    fixture = importlib.import_module(os.environ["KEYHOLE_REPLAY_FIXTURE"])

    words, flags = parse(args)
    for e in fixture.ENTRIES:
        if e["program"] != program:
            continue
        want = e["command"].split()
        if words[:len(want)] != want or words[len(want):] != ([e["positional"]] if "positional" in e else []):
            continue
        if any(flags.get(k) != v for k, v in e.get("match", {}).items()):
            continue
        if "error" in e:
            sys.stderr.write(e["error"])
            return e.get("exit", 1)
        if "text" in e:  # a plain-text output, such as `gcloud version`
            sys.stdout.write(e["text"])
        else:
            sys.stdout.write(render(program, e["output"], flags))
        return 0
    sys.stderr.write(f"replay stub: no recorded output for {program} {' '.join(args)}\n")
    return 99


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

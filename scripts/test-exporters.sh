#!/usr/bin/env bash
# Runs the exporter tests (tests/exporters/): shellcheck on the scripts, then
# export/aws.sh against a seeded moto server and against recorded outputs,
# export/azure.sh and export/gcp.sh against stub az, gcloud and bq replaying
# recorded outputs, and an audit of each bundle with the Keyhole CLI (built
# here with cargo).
# Install the tools first with scripts/setup-exporters.sh.
#
#   bash scripts/test-exporters.sh            # all exporter tests
#   bash scripts/test-exporters.sh -k Replay  # tests whose name contains Replay
#
# Under CI=true a missing tool or Keyhole CLI is a failure, not a skip.
set -euo pipefail

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${KEYHOLE_EXPORTERS_VENV:-$root/target/exporters-venv}"

if [[ ! -x "$venv/bin/python" || ! -x "$venv/bin/moto_server" || ! -x "$venv/bin/aws" ]]; then
  printf 'test-exporters: %s is missing its tools; run scripts/setup-exporters.sh first\n' "$venv" >&2
  exit 1
fi

# The Keyhole CLI audits the bundles. KEYHOLE_BIN may name a prebuilt one.
if [[ -z "${KEYHOLE_BIN:-}" ]]; then
  if command -v cargo >/dev/null 2>&1 &&
    (cd -- "$root" && cargo build --quiet --locked --package keyhole --bin keyhole); then
    export KEYHOLE_BIN="$root/target/debug/keyhole"
  else
    printf 'test-exporters: could not build the Keyhole CLI; the audit tests will fail under CI=true\n' >&2
    export KEYHOLE_BUILD_FAILED=1
  fi
fi

export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" "$root/tests/exporters/run_tests.py" "$@"

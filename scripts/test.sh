#!/usr/bin/env bash
# The one test command: sets up a fresh Debian machine (scripts/setup.sh),
# then runs every suite. Exits non-zero when any suite fails.
# README.md documents it; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }

bash scripts/setup.sh

say "format"
cargo fmt --all -- --check

say "clippy (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "cargo test"
cargo test --workspace --locked

say "1 GB input through an optimised CLI, in bounded memory"
cargo build --locked -p keyhole --profile big-input
KEYHOLE_CLI="$PWD/target/big-input/keyhole" cargo test --locked -p keyhole --test bad_inputs -- --ignored --nocapture a_1_gb_export_in_bounded_memory

for part in scripts/test-web.sh scripts/test-npm.sh scripts/test-exporters.sh scripts/test-fuzz.sh; do
  if [ -f "$part" ]; then
    say "$part"
    bash "$part"
  fi
done

say "all suites passed"

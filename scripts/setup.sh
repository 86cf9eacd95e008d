#!/usr/bin/env bash
# Installs everything Keyhole's build and tests need on a fresh Debian 12
# machine, and nothing twice: safe to run again. Every tool comes from
# crates.io, npm, PyPI or Debian's own packages.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! command -v cargo >/dev/null 2>&1; then
  echo "keyhole setup: cargo is missing; install Rust with rustup first (https://rustup.rs)." >&2
  exit 1
fi

say "Rust components"
rustup component add clippy rustfmt >/dev/null 2>&1 || true

for part in scripts/setup-web.sh scripts/setup-exporters.sh scripts/setup-npm.sh; do
  if [ -f "$part" ]; then
    say "$part"
    bash "$part"
  fi
done
say "setup done"

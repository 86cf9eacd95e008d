#!/usr/bin/env bash
# Installs what building and testing the page needs. Safe to run again: each
# step is skipped when its tool is already there.
#   - Chromium and its driver (Debian packages), for the end-to-end tests
#   - the wasm32-unknown-unknown Rust target
#   - wasm-bindgen-cli at exactly the version crate/Cargo.toml pins
#   - npm devDependencies (playwright-core, axe-core, binaryen) from package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }
SUDO=
if [[ $(id -u) != 0 ]]; then SUDO=sudo; fi

if [[ -x /usr/bin/chromium ]] && command -v chromedriver >/dev/null; then
  step "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
else
  step "apt-get install chromium chromium-driver"
  $SUDO apt-get update
  $SUDO apt-get install -y chromium chromium-driver
fi

step "rustup target add wasm32-unknown-unknown"
rustup target add wasm32-unknown-unknown

want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' crate/Cargo.toml | head -n1)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ "$have" == "$want" ]]; then
  step "wasm-bindgen-cli $have"
else
  step "cargo install wasm-bindgen-cli --version $want (found '${have:-none}'; takes a few minutes)"
  # Not --locked: 0.2.130's lockfile pins a webpki-roots the registry lacks.
  cargo install wasm-bindgen-cli --version "$want" --force
fi

step "npm ci"
npm ci --no-audit --no-fund

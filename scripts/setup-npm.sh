#!/usr/bin/env bash
# Installs what building and testing the npm package (pkg/) needs. Safe to run
# again: each step is skipped when its result is already there.
#   - what the page needs too (Chromium, the wasm32 target, wasm-bindgen-cli):
#     scripts/setup-web.sh, run only when one of them is missing
#   - pkg/node_modules: binaryen's wasm-opt, from pkg/package-lock.json
#   - tests/npm/node_modules: the pinned TypeScript, Vite and playwright-core
#     the consumer tests drive, from tests/npm/package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' crate/Cargo.toml | head -n1)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ -x /usr/bin/chromium && "$have" == "$want" ]] && rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "chromium, wasm32 target, wasm-bindgen-cli $have: present"
else
  step "scripts/setup-web.sh (chromium, wasm32 target, wasm-bindgen-cli)"
  bash scripts/setup-web.sh
fi

# npm ci, unless node_modules was installed from this very lockfile.
ci() {
  local dir=$1 stamp=$1/node_modules/.keyhole-lockfile
  local sum
  sum=$(sha256sum "$dir/package-lock.json" | awk '{print $1}')
  if [[ -f $stamp && "$(cat "$stamp")" == "$sum" ]]; then
    step "$dir/node_modules: up to date"
  else
    step "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund)
    echo "$sum" >"$stamp"
  fi
}
ci pkg
ci tests/npm

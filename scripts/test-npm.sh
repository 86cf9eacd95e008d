#!/usr/bin/env bash
# Builds the npm package (scripts/build-npm.sh), packs it, installs the
# tarball into a fresh temporary project, and runs the consumer tests
# (tests/npm/, node's test runner) against that install:
#   (a) a Node ESM script (and CommonJS) audits the fixtures: api.test.mjs
#   (b) a strict TypeScript consumer and every real report against the
#       shipped types, with tsc --noEmit: types.test.mjs
#   (c) the bin through npx: exit codes 0/1/2 and the native CLI's output: bin.test.mjs
#   (d) a Vite app (built and dev server) and a plain ES-module page in
#       headless Chromium: browser.test.mjs
#
#   scripts/test-npm.sh            (scripts/setup-npm.sh installs what it needs)
#
# Exits non-zero on any failure; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
started=$(date +%s)
step() { printf '\n==> %s\n' "$*"; }

missing=()
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || missing+=("chromium")
command -v wasm-bindgen >/dev/null || missing+=("wasm-bindgen-cli")
[[ -x pkg/node_modules/.bin/wasm-opt ]] || missing+=("pkg/node_modules")
[[ -d tests/npm/node_modules/vite && -d tests/npm/node_modules/typescript && -d tests/npm/node_modules/playwright-core ]] ||
  missing+=("tests/npm/node_modules")
if ((${#missing[@]})); then
  echo "missing: ${missing[*]}; run scripts/setup-npm.sh (after scripts/setup-web.sh)" >&2
  exit 1
fi

scripts/build-npm.sh
tarball=$(ls pkg/dist/keyhole-audit-*.tgz)

step "cargo build -p keyhole (the native CLI the bin is compared with)"
cargo build -p keyhole

step "install $tarball into a fresh project"
PROJECT=$(mktemp -d /tmp/keyhole-npm-consumer.XXXXXX)
trap 'rm -rf "$PROJECT"' EXIT
cat >"$PROJECT/package.json" <<'JSON'
{ "name": "keyhole-consumer", "private": true, "type": "module" }
JSON
# --offline: the package needs nothing but itself.
(cd "$PROJECT" && npm install --offline --no-audit --no-fund "$ROOT/$tarball")

step "consumer tests (node --test tests/npm/)"
KEYHOLE_NPM_PROJECT=$PROJECT KEYHOLE_NPM_TARBALL=$ROOT/$tarball KEYHOLE_CLI=$ROOT/target/debug/keyhole \
  node --test --test-concurrency=1 --test-reporter=spec tests/npm/*.test.mjs

printf '\ntest-npm: passed in %ss\n' "$(($(date +%s) - started))"
cat pkg/dist/sizes.txt

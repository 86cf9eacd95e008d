#!/usr/bin/env bash
# Builds the static site into dist/www/: the served page (index.html, JS, CSS,
# wasm) and the single file keyhole.html (everything embedded).
#
#   scripts/build-www.sh
#
# Needs: the wasm32-unknown-unknown target, wasm-bindgen-cli at the version
# pinned in crate/Cargo.toml, and `npm ci` (binaryen's wasm-opt, from npm: the
# Debian build writes broken -Oz output). scripts/setup-web.sh installs them.
#
# Environment:
#   WASM_OPT_FLAGS   wasm-opt optimisation flags (default -O3; see docs/page.md)
#   KEYHOLE_WASM     use this prebuilt keyhole.wasm instead of running cargo
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=dist/www
WASM_OPT_FLAGS=${WASM_OPT_FLAGS:--O3}

step() { printf '\n==> %s\n' "$*"; }

if [[ -n "${KEYHOLE_WASM:-}" ]]; then
  WASM_IN=$KEYHOLE_WASM
else
  step "cargo build (wasm32, profile wasm: release at opt-level s)"
  cargo build --profile wasm --target wasm32-unknown-unknown --no-default-features -p keyhole --lib
  WASM_IN=target/wasm32-unknown-unknown/wasm/keyhole.wasm
fi

want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' crate/Cargo.toml | head -n1)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ -n "$want" && "$have" != "$want" ]]; then
  echo "wasm-bindgen-cli $want is needed (found '${have:-none}'): run scripts/setup-web.sh" >&2
  exit 1
fi
WASM_OPT=node_modules/.bin/wasm-opt
if [[ ! -x $WASM_OPT ]]; then
  echo "binaryen's wasm-opt is missing: run npm ci (or scripts/setup-web.sh)" >&2
  exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

step "wasm-bindgen $have (--target web for the site, --target no-modules for the single file)"
wasm-bindgen --target web --out-dir "$TMP/web" --out-name keyhole "$WASM_IN"
wasm-bindgen --target no-modules --out-dir "$TMP/nomodules" --out-name keyhole "$WASM_IN"
# Both targets give the same module; only the JS glue differs.
cmp -s "$TMP/web/keyhole_bg.wasm" "$TMP/nomodules/keyhole_bg.wasm" || {
  echo "wasm-bindgen wrote different modules for the two targets" >&2
  exit 1
}

step "wasm-opt $WASM_OPT_FLAGS (binaryen $("$WASM_OPT" --version | awk '{print $3}'))"
"$WASM_OPT" $WASM_OPT_FLAGS --strip-debug --strip-producers "$TMP/web/keyhole_bg.wasm" -o "$TMP/keyhole_bg.wasm"

DEMO=demo/dealership-aws.json
if [[ ! -f $DEMO ]]; then
  DEMO=tests/e2e/fixtures/demo-placeholder/dealership-aws.json
  echo "note: $ROOT/demo/dealership-aws.json does not exist yet; embedding the placeholder $DEMO"
fi

step "assemble $OUT"
rm -rf "$OUT"
mkdir -p "$OUT"
node www/build/assemble.mjs --web "$TMP/web" --nomodules "$TMP/nomodules" --wasm "$TMP/keyhole_bg.wasm" --demo "$DEMO" --out "$OUT"

raw=$(wc -c < "$OUT/keyhole_bg.wasm")
gz=$(gzip -9 -c "$OUT/keyhole_bg.wasm" | wc -c)
br=$(node -e 'const z=require("zlib");process.stdout.write(String(z.brotliCompressSync(require("fs").readFileSync(process.argv[1])).length))' "$OUT/keyhole_bg.wasm")
glue=$(gzip -9 -c "$OUT/keyhole.js" | wc -c)
printf '\nwasm: %s bytes raw, %s gzipped, %s brotli (before wasm-opt: %s bytes); JS glue %s bytes gzipped\n' \
  "$raw" "$gz" "$br" "$(wc -c < "$TMP/web/keyhole_bg.wasm")" "$glue"
printf 'built %s/ (serve it: node scripts/serve.mjs)\n' "$OUT"

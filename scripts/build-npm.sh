#!/usr/bin/env bash
# Builds the npm package (pkg/) into pkg/dist/: the package folder
# pkg/dist/package/ and its tarball pkg/dist/keyhole-audit-<version>.tgz.
#
#   scripts/build-npm.sh
#
# Needs: the wasm32-unknown-unknown target and wasm-bindgen-cli at the version
# pinned in crate/Cargo.toml (scripts/setup-web.sh), and pkg/node_modules
# (binaryen's wasm-opt; scripts/setup-npm.sh). The release wasm is the one the
# page uses (same cargo command), so cargo rebuilds nothing when it is fresh.
#
# Environment:
#   KEYHOLE_WASM     use this prebuilt keyhole.wasm instead of running cargo
#   WASM_OPT_FLAGS   wasm-opt optimisation flags (default -O3, as the page)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=pkg/dist
WASM_OPT_FLAGS=${WASM_OPT_FLAGS:--O3}
step() { printf '\n==> %s\n' "$*"; }

want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' crate/Cargo.toml | head -n1)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ -n "$want" && "$have" != "$want" ]]; then
  echo "wasm-bindgen-cli $want is needed (found '${have:-none}'): run scripts/setup-web.sh" >&2
  exit 1
fi
WASM_OPT=pkg/node_modules/.bin/wasm-opt
if [[ ! -x $WASM_OPT ]]; then
  echo "binaryen's wasm-opt is missing from pkg/node_modules: run scripts/setup-npm.sh" >&2
  exit 1
fi

if [[ -n "${KEYHOLE_WASM:-}" ]]; then
  WASM_IN=$KEYHOLE_WASM
else
  step "cargo build (wasm32, profile wasm: release at opt-level s)"
  cargo build --profile wasm --target wasm32-unknown-unknown --no-default-features -p keyhole --lib
  WASM_IN=target/wasm32-unknown-unknown/wasm/keyhole.wasm
fi

# The one source of truth for the version: the keyhole crate.
version=$(cargo metadata --no-deps --format-version 1 --offline |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s).packages.find(p=>p.name==="keyhole");process.stdout.write(p.version)})')

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

step "wasm-bindgen $have --target web"
# --experimental-reset-state-function: after a trap (a panic), the package
# re-instantiates the module instead of running on in broken memory.
wasm-bindgen --target web --no-typescript --experimental-reset-state-function \
  --out-dir "$TMP/glue" --out-name keyhole "$WASM_IN"

binaryen=$("$WASM_OPT" --version | awk '{print $3}')
# wasm-opt takes most of the build (about a minute on a busy 2-core machine):
# its output is kept, keyed by its input, flags and version, in pkg/dist/.cache/.
key=$( (sha256sum <"$TMP/glue/keyhole_bg.wasm"; echo "$WASM_OPT_FLAGS $binaryen") | sha256sum | cut -c1-32)
cached=$OUT/.cache/keyhole_bg-$key.wasm
if [[ -f $cached ]]; then
  step "wasm-opt $WASM_OPT_FLAGS (binaryen $binaryen): unchanged input, reusing $cached"
else
  step "wasm-opt $WASM_OPT_FLAGS (binaryen $binaryen)"
  "$WASM_OPT" $WASM_OPT_FLAGS --strip-debug --strip-producers "$TMP/glue/keyhole_bg.wasm" -o "$TMP/opt.wasm"
  rm -rf "$OUT/.cache"
  mkdir -p "$OUT/.cache"
  mv "$TMP/opt.wasm" "$cached"
fi
cp "$cached" "$TMP/keyhole_bg.wasm"

step "assemble $OUT/package (keyhole-audit@$version)"
mkdir -p "$OUT"
rm -f "$OUT"/*.tgz
node pkg/build.mjs --glue "$TMP/glue" --wasm "$TMP/keyhole_bg.wasm" --version "$version" --out "$OUT/package"

# The module must say the version the package carries.
said=$(cd "$OUT/package" && node --input-type=module -e 'import { version } from "./node.js"; process.stdout.write(version())')
if [[ "$said" != "$version" ]]; then
  echo "the wasm says version '$said' but the crate is $version (a stale KEYHOLE_WASM?)" >&2
  exit 1
fi

step "npm pack"
tarball=$(cd "$OUT/package" && npm pack --pack-destination .. --json 2>/dev/null |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const [p]=JSON.parse(s);process.stdout.write(`${p.filename} ${p.size} ${p.unpackedSize} ${p.entryCount}`)})')
read -r file packed unpacked entries <<<"$tarball"

wasm=$OUT/package/wasm/keyhole_bg.wasm
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$(node -e 'const z=require("zlib");process.stdout.write(String(z.brotliCompressSync(require("fs").readFileSync(process.argv[1])).length))' "$wasm")
glue=$(gzip -9 -c "$OUT/package/wasm/keyhole.js" | wc -c)
kb() { awk -v b="$1" 'BEGIN { printf "%.0f KB", b / 1000 }'; }
{
  printf 'package: %s: %s packed, %s unpacked, %s files\n' "$OUT/$file" "$(kb "$packed")" "$(kb "$unpacked")" "$entries"
  printf 'wasm: %s raw, %s gzipped (goal <= 600 KB), %s brotli; JS glue %s gzipped\n' \
    "$(kb "$raw")" "$(kb "$gz")" "$(kb "$br")" "$(kb "$glue")"
} >"$OUT/sizes.txt"
printf '\n'
cat "$OUT/sizes.txt"
if ((gz > 600000)); then
  echo "warning: the wasm is over the 600 KB gzipped goal" >&2
fi

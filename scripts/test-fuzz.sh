#!/usr/bin/env bash
# Builds every cargo-fuzz target (fuzz/) and runs each for a bounded time,
# failing on any crash, timeout or out-of-memory. docs/fuzzing.md explains it.
#
#   bash scripts/test-fuzz.sh                 # each target 10 s (the test command's run)
#   FUZZ_SECONDS=300 bash scripts/test-fuzz.sh  # a longer run
#   FUZZ_TARGETS="policy decode" bash scripts/test-fuzz.sh
#
# New inputs that reach new code go to fuzz/corpus/<target>/ (ignored by git);
# the checked-in seeds in fuzz/seeds/<target>/ are read, never written.
# A crash leaves its input in fuzz/artifacts/<target>/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.1
seconds="${FUZZ_SECONDS:-10}"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }

# libfuzzer-sys compiles libFuzzer, which is C++.
if ! command -v c++ >/dev/null 2>&1; then
  say "installing g++ (libFuzzer is C++)"
  sudo_cmd=()
  if ((EUID != 0)); then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++
fi

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# cargo-fuzz passes nightly-only -Z flags to rustc. A nightly toolchain is
# used when installed; otherwise the stable one, with RUSTC_BOOTSTRAP=1
# unlocking those flags (CI machines can reach crates.io but cannot download
# toolchains).
if rustup run nightly rustc --version >/dev/null 2>&1; then
  toolchain=(+nightly)
else
  toolchain=()
  export RUSTC_BOOTSTRAP=1
fi

# No sanitizer: the core and its dependencies are safe Rust with no C code,
# so AddressSanitizer has little to add beyond Rust's own bounds checks,
# while it cut executions per second about 3x here. Debug assertions
# (--debug-assertions) turn arithmetic overflow into a crash.
build_flags=(--release --debug-assertions --sanitizer none)

say "building fuzz targets"
cargo "${toolchain[@]}" fuzz build "${build_flags[@]}"

failed=()
targets="${FUZZ_TARGETS:-$(cargo "${toolchain[@]}" fuzz list)}"
for target in $targets; do
  say "fuzzing $target for ${seconds}s"
  mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
  dict=()
  if [ -f "fuzz/dicts/$target.dict" ]; then
    dict=(-dict="fuzz/dicts/$target.dict")
  fi
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: memory use is
  # bounded by a small multiple of the input. Every target runs even when
  # one fails, so a long run is not cut short by its first finding.
  if ! cargo "${toolchain[@]}" fuzz run "${build_flags[@]}" "$target" \
    "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$target/"; then
    failed+=("$target")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  say "fuzzing failed: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
say "fuzzing found nothing"

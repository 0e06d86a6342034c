#!/usr/bin/env bash
# Builds the engine to WebAssembly in release mode and generates the ES-module glue
# (wasm-bindgen --target web, no bundler).
#   scripts/build-wasm.sh           the page's module, into pkg/
#   scripts/build-wasm.sh --bench   the same crate with the `bench` feature (the browser
#                                   benchmark exports of src/web/bench.rs), into bench/pkg/,
#                                   built in its own target dir so the page's build is untouched
# wasm-opt is used only when a binaryen of version 116 or newer is on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
features=()
out=pkg
if [ "${1:-}" = "--bench" ]; then
  features=(--features bench)
  out=bench/pkg
  target_dir="$target_dir/wasm-bench"
fi
CARGO_TARGET_DIR="$target_dir" cargo build --release --lib --target wasm32-unknown-unknown "${features[@]}"
wasm-bindgen --target web --no-typescript --out-dir "$out" \
  "$target_dir/wasm32-unknown-unknown/release/qmlp.wasm"
# Debian 12's binaryen (version 108) predates the reference-types output of current
# wasm-bindgen and produces a module that fails to instantiate, so wasm-opt is only used
# from version 116 on.
opt_version=$(wasm-opt --version 2>/dev/null | grep -oE '[0-9]+' | head -1 || true)
if [ "${opt_version:-0}" -ge 116 ] && [ "${WASM_OPT:-1}" = 1 ]; then
  wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-simd "$out/qmlp_bg.wasm" -o "$out/qmlp_bg.wasm.opt"
  mv "$out/qmlp_bg.wasm.opt" "$out/qmlp_bg.wasm"
fi
raw=$(stat -c %s "$out/qmlp_bg.wasm")
gz=$(gzip -9 -c "$out/qmlp_bg.wasm" | wc -c)
echo "[build] $out/qmlp_bg.wasm: $raw bytes raw, $gz bytes gzip -9"

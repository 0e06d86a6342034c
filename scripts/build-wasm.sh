#!/usr/bin/env bash
# Builds the engine to WebAssembly in release mode and generates the ES-module glue
# (wasm-bindgen --target web, no bundler) into pkg/. wasm-opt (Debian's binaryen) is used
# when present.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --lib --target wasm32-unknown-unknown
target_dir=${CARGO_TARGET_DIR:-target}
wasm-bindgen --target web --no-typescript --out-dir pkg \
  "$target_dir/wasm32-unknown-unknown/release/qmlp.wasm"
# Debian 12's binaryen (version 108) predates the reference-types output of current
# wasm-bindgen and produces a module that fails to instantiate, so wasm-opt is only used
# from version 116 on.
opt_version=$(wasm-opt --version 2>/dev/null | grep -oE '[0-9]+' | head -1 || true)
if [ "${opt_version:-0}" -ge 116 ] && [ "${WASM_OPT:-1}" = 1 ]; then
  wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-simd pkg/qmlp_bg.wasm -o pkg/qmlp_bg.wasm.opt
  mv pkg/qmlp_bg.wasm.opt pkg/qmlp_bg.wasm
fi
raw=$(stat -c %s pkg/qmlp_bg.wasm)
gz=$(gzip -9 -c pkg/qmlp_bg.wasm | wc -c)
echo "[build] pkg/qmlp_bg.wasm: $raw bytes raw, $gz bytes gzip -9"

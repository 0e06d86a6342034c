#!/usr/bin/env bash
# `make check`: the fast checks, no browser — stops at the first failure.
#   1. cargo fmt --check
#   2. cargo clippy -D warnings (native, all targets; the wasm32 library and browser tests)
#   3. the layering rule (scripts/layers.sh): no module imports one above it
#   4. native cargo test (unit, property, golden, doc tests)
#   5. the pure JavaScript modules' unit tests (node --test www/test/)
set -euo pipefail
cd "$(dirname "$0")/.."
start=${CHECK_START:-$(date +%s)}
step() { printf '\n\033[1m== %s\033[0m (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native and wasm32), warnings are errors"
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --features bench -- -D warnings
cargo clippy --target wasm32-unknown-unknown --test 'wasm_*' -- -D warnings

if [ -f scripts/layers.sh ]; then
  step "module layers: no module imports one above it"
  bash scripts/layers.sh
fi

step "native tests: cargo test"
cargo test

if [ -d www/test ]; then
  step "JavaScript unit tests: node --test www/test/"
  node --test www/test/
fi

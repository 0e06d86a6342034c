#!/usr/bin/env bash
# Runs every test, in order, stopping at the first failure:
#   1. cargo fmt --check            4. wasm-bindgen-test suite in headless Chromium
#   2. cargo clippy -D warnings     5. end-to-end suite: the served page driven in headless Chromium
#   3. native cargo test (unit, property, golden, doc tests), then the exported Python and
#      OpenQASM run in real PennyLane and Qiskit (throw-away venv) against our outputs
# The browser suite is the tests/wasm_*.rs files (wasm-bindgen-test, run_in_browser); the
# unit tests beside the code run natively (they use proptest, a native-only dev-dependency).
# Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "setup"
bash scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native and wasm32), warnings are errors"
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy --target wasm32-unknown-unknown --test 'wasm_*' -- -D warnings

step "native tests: cargo test"
cargo test

step "exported PennyLane/Qiskit scripts and OpenQASM against the engine (real pennylane + qiskit)"
bash scripts/python-crosscheck.sh

step "wasm-bindgen-test in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_TIMEOUT=300 \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test 'wasm_*'

step "build the page (release wasm)"
bash scripts/build-wasm.sh

step "end-to-end: the page in headless Chromium"
node --test --test-concurrency=1 e2e/

step "all tests passed in $(( $(date +%s) - start ))s"

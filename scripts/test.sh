#!/usr/bin/env bash
# `make test`: every test, in order, stopping at the first failure.
#   1. the fast checks of `make check` (scripts/check.sh): fmt, clippy, layering, native
#      cargo test, the JavaScript unit tests
#   2. the exported PennyLane/Qiskit scripts and OpenQASM run in real PennyLane and Qiskit
#      (throw-away venv) against our outputs
#   3. the wasm-bindgen-test suite (tests/wasm_*.rs) in headless Chromium
#   4. the end-to-end suite: the served page driven in headless Chromium
# Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
export CHECK_START=$start
step() { printf '\n\033[1m== %s\033[0m (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "setup"
bash scripts/setup.sh test

bash scripts/check.sh

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

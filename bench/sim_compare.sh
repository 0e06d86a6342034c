#!/usr/bin/env bash
# Compares the engine with qulacs and PennyLane-Lightning on the benchmark workload, in one run:
# `cargo bench --bench sim -- circuit fused memory` (gate by gate, fused, and the memory floor)
# then bench/sim_compare.py, single-threaded, with ratios.
# Creates a throw-away venv under /tmp (reused while it exists). QUICK=1 for a fast run.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${SIM_COMPARE_VENV:-/tmp/qmlp-sim-compare-venv}"
if ! "$venv/bin/python" -c 'import qulacs, pennylane_lightning' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q qulacs pennylane-lightning numpy
fi
out="$(mktemp /tmp/qmlp-sim-bench.XXXXXX)"
trap 'rm -f "$out"' EXIT
cargo bench --bench sim -- circuit fused memory | tee "$out"
quick=()
if [[ "${QUICK:-}" == 1 ]]; then quick=(--quick); fi
OMP_NUM_THREADS=1 QULACS_PARALLEL_NQUBIT_THRESHOLD=64 \
  "$venv/bin/python" bench/sim_compare.py --rust "$out" "${quick[@]}"

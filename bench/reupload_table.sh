#!/usr/bin/env bash
# The data re-uploading paper's tables as the playground computes them, with the reference values
# of bench/reupload_paper_table.json beside them (third-party reruns of the authors' code, labelled
# as such: the paper's own tables could not be found here).
#
#   bench/reupload_table.sh [--qubits 1,2,4] [--problems circle,squares,…] [--layers 1-10]
#                           [--costs chi_f,chi_wf] [--stream numpy|playground]
#                           [--budget code|none] [--detail]
#   bench/reupload_table.sh --check-numpy
#
# Runs examples/reupload_table.rs (`cargo run --release`): every cell is doc::paper_document's
# model trained by the Trainer with L-BFGS to convergence, the test set evaluated once at the end.
# Prints per cell the test success rate, seconds, the reference and Δ, the loss evaluations and
# why L-BFGS stopped; per table the seconds and the cells within ±0.03, better and worse.
# Defaults: the 1-qubit table and both 2-qubit tables, layers 1–10, numpy's seed-30 stream (the
# paper code's own points and initial weights), the code's evaluation budget. See the example's
# doc for the options.
#
# --check-numpy installs numpy into /tmp/venv-reupload (reused while it exists) and checks that
# tests/golden/numpy_seed30.json is what numpy draws (the stream the table replays).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}

if [ "${1:-}" = "--check-numpy" ]; then
  VENV=/tmp/venv-reupload
  if ! "$VENV/bin/python" -c "import numpy" 2>/dev/null; then
    echo "creating $VENV (numpy)..." >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q numpy >&2
  fi
  "$VENV/bin/python" - <<'PY'
import json, numpy as np
g = json.load(open("tests/golden/numpy_seed30.json"))
np.random.seed(30)
u = np.random.rand(20003)
ok = all(u[at + k] == v for key, at in [("first", 0), ("at_8400", 8400), ("at_13500", 13500), ("at_20000", 20000)] for k, v in enumerate(g[key]))
print(f"numpy {np.__version__}: tests/golden/numpy_seed30.json", "matches" if ok else "DIFFERS")
raise SystemExit(0 if ok else 1)
PY
  cargo test -q --release --example reupload_table 2>&1 | grep -E "test result|FAILED"
  exit 0
fi

start=$(date +%s.%N)
cargo run --release -q --example reupload_table -- "$@"
end=$(date +%s.%N)
python3 -c "print(f'wall time {float($end) - float($start):.1f} s (build included) on $(nproc) core(s)')"

#!/usr/bin/env bash
# The hybrid issue's accuracy figures: the Iris and breast cancer hybrid presets trained 60
# epochs (Adam 0.02, batches of 10) on 5 stratified 80/20 splits (data and training seed s =
# 1…5), the test accuracy after the last epoch, and its median — by the engine (`qmlp train`)
# and, with TORCH=1, by the same model exported to PennyLane + torch (`--to pennylane-torch`,
# `--train 60`: the playground's Adam on the same split; its batches are torch's shuffle).
# Env: VENV (default /tmp/venv-torch, created with torch + pennylane if missing), TORCH=1.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build -q --release --bin qmlp
qmlp="$CARGO_TARGET_DIR/release/qmlp"
VENV=${VENV:-/tmp/venv-torch}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if [ "${TORCH:-}" = 1 ] && ! "$VENV/bin/python" -c "import torch, pennylane" 2>/dev/null; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q torch pennylane >&2
fi
for preset in iris-hybrid breast-cancer-hybrid; do
  ours=(); theirs=()
  for s in 1 2 3 4 5; do
    "$qmlp" preset "$preset" | python3 -c "
import json, sys
d = json.load(sys.stdin); d['data']['seed'] = $s; d['training']['seed'] = $s
print(json.dumps(d))" > "$TMP/doc.json"
    acc=$("$qmlp" train "$TMP/doc.json" --epochs 60 --eval-every 60 --quiet | tail -1 |
      python3 -c "import json,sys; print(json.load(sys.stdin)['final']['test_acc'])")
    ours+=("$acc")
    if [ "${TORCH:-}" = 1 ]; then
      "$qmlp" export "$TMP/doc.json" --to pennylane-torch > "$TMP/model.py"
      t=$("$VENV/bin/python" "$TMP/model.py" --train 60 | tail -1 | python3 -c "import json,sys; print(json.load(sys.stdin)['test_accuracy'])")
      theirs+=("$t")
    fi
  done
  python3 - "$preset" "${ours[*]}" "${theirs[*]:-}" <<'PY'
import statistics, sys
name, ours, theirs = sys.argv[1], [float(v) for v in sys.argv[2].split()], sys.argv[3].split()
print(f"{name}: qmlp test accuracy per split {[round(v, 4) for v in ours]}, median {statistics.median(ours):.4f}")
if theirs:
    t = [float(v) for v in theirs]
    print(f"{name}: PennyLane + torch (same model, same splits) {[round(v, 4) for v in t]}, median {statistics.median(t):.4f}")
PY
done

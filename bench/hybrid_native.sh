#!/usr/bin/env bash
# The hybrid issue's model as PennyLane + torch users write it (bench/hybrid_native.py: torch's
# and TorchLayer's default initialisation, torch.optim.Adam 0.02, DataLoader batches of 10, 60
# epochs) on the same 5 stratified 80/20 splits as bench/hybrid_accuracy.sh (split and torch
# seed s = 1…5), the test accuracy after the last epoch and its median. It tells whether a gap
# to the issue's figures is the playground's or the splits'. Takes about 5 min here.
# Env: VENV (default /tmp/venv-torch, with torch + pennylane).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build -q --release --bin qmlp
qmlp="$CARGO_TARGET_DIR/release/qmlp"
VENV=${VENV:-/tmp/venv-torch}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for preset in iris-hybrid breast-cancer-hybrid; do
  accs=()
  for s in 1 2 3 4 5; do
    "$qmlp" preset "$preset" | python3 -c "
import json, sys
d = json.load(sys.stdin); d['data']['seed'] = $s; d['training']['seed'] = $s
print(json.dumps(d))" > "$TMP/doc.json"
    "$qmlp" export "$TMP/doc.json" --to pennylane-torch > "$TMP/model.py"
    accs+=("$("$VENV/bin/python" bench/hybrid_native.py "$TMP/model.py" "$s" | tail -1 |
      python3 -c "import json,sys; print(json.load(sys.stdin)['test_accuracy'])")")
  done
  python3 - "$preset" "${accs[*]}" <<'PY'
import statistics, sys
name, accs = sys.argv[1], [float(v) for v in sys.argv[2].split()]
print(f"{name}: PennyLane + torch as written natively, per split {[round(v, 4) for v in accs]}, median {statistics.median(accs):.4f}")
PY
done

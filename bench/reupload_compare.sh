#!/usr/bin/env bash
# PennyLane's data re-uploading classifier demo vs ours, in one run.
#
#   bench/reupload_compare.sh [SEED ...]        (default seeds: 1 2 3 4 5)
#
# 1. PennyLane (default.qubit + autograd, the demo's code: bench/reupload_parity.py --train) and
#    our CLI (`qmlp train preset:reupload-1q --seed S --quiet`) for the same seeds; both medians.
# 2. Parity: our Model + Optimizer fed PennyLane's exact data, initial weights and batch order
#    (examples/reupload_parity.rs) must end at PennyLane's weights (max |Δθ|) and accuracy.
# 3. The same comparison over STATS_SEEDS (default 100) seeds, using our engine for PennyLane's
#    schedule (proven identical by step 2), so seed luck can be told from a real difference.
# 4. Test accuracy of the single-qubit re-uploading classifier with 1, 2 and 3 layers.
#
# Env: VENV (default /tmp/venv-bench; created with pennylane if missing), CARGO_TARGET_DIR,
# STATS_SEEDS, JOBS (parallel PennyLane runs, default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

SEEDS=("$@")
[ ${#SEEDS[@]} -eq 0 ] && SEEDS=(1 2 3 4 5)
VENV=${VENV:-/tmp/venv-bench}
STATS_SEEDS=${STATS_SEEDS:-100}
JOBS=${JOBS:-$(nproc)}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if ! "$VENV/bin/python" -c "import pennylane" 2>/dev/null; then
  echo "creating $VENV (pennylane, pennylane-lightning)..." >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q pennylane pennylane-lightning >&2
fi
PY="$VENV/bin/python"

cargo build --release -q --bin qmlp --example reupload_parity
QMLP="$CARGO_TARGET_DIR/release/qmlp"
PARITY="$CARGO_TARGET_DIR/release/examples/reupload_parity"

median() { python3 -c 'import statistics,sys; print("%.4f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
acc_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["final"]["test_acc"])'; }

echo "## Data re-uploading classifier: PennyLane vs qmlp ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
echo
echo "PennyLane $("$PY" -c 'import pennylane; print(pennylane.__version__)'), $("$QMLP" version 2>/dev/null || echo 'qmlp ?')"
echo

# 1. PennyLane (slow: ~1 min per seed) in parallel with itself, then our CLI.
start=$(date +%s)
printf '%s\n' "${SEEDS[@]}" | xargs -P "$JOBS" -I{} sh -c "'$PY' bench/reupload_parity.py --train {} > '$TMP/pl_{}.jsonl'"
pl_secs=$(( $(date +%s) - start ))
for s in "${SEEDS[@]}"; do cat "$TMP/pl_$s.jsonl"; done > "$TMP/pl.jsonl"

echo "### 1. Test accuracy, $((${#SEEDS[@]})) seeds (PennyLane: the demo's code; qmlp: \`qmlp train preset:reupload-1q --seed S --quiet\`)"
echo
echo "| seed | PennyLane | qmlp CLI | qmlp seconds |"
echo "|---|---|---|---|"
pl_accs=(); our_accs=()
for s in "${SEEDS[@]}"; do
  pl=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["pl_test_acc"])' "$TMP/pl_$s.jsonl")
  out=$("$QMLP" train preset:reupload-1q --seed "$s" --quiet)
  ours=$(echo "$out" | acc_of)
  secs=$(echo "$out" | python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["seconds"])')
  pl_accs+=("$pl"); our_accs+=("$ours")
  echo "| $s | $pl | $ours | $secs |"
done
echo "| **median** | **$(median "${pl_accs[@]}")** | **$(median "${our_accs[@]}")** | |"
echo
echo "(PennyLane wall time for all seeds: ${pl_secs} s with $JOBS parallel jobs.)"
echo

# 2. Parity on PennyLane's own data, initial weights and batch order.
echo "### 2. Parity: qmlp's Model + Adam on PennyLane's data, initial weights and schedule"
echo
echo "Columns after 'max abs Δθ' are qmlp test accuracies on PennyLane's data and initial weights"
echo "under different minibatch schedules (see examples/reupload_parity.rs); 'inorder-drop' is"
echo "PennyLane's, 'once-merge' the trainer's, 'shuffle-keep' the trainer's before the fix."
echo
"$PARITY" "$TMP/pl.jsonl"
echo

# 3. Many seeds, no PennyLane training needed (step 2 shows the engines agree).
echo "### 3. The same over $STATS_SEEDS seeds (PennyLane's data + initial weights per seed)"
echo
"$PY" bench/reupload_parity.py $(seq 1 "$STATS_SEEDS") > "$TMP/many.jsonl"
"$PARITY" "$TMP/many.jsonl" > "$TMP/many.md"
head -n 2 "$TMP/many.md"
tail -n 3 "$TMP/many.md"
echo

# 4. Layers.
echo "### 4. Single-qubit re-uploading classifier on the circle: 1, 2, 3 layers (qmlp CLI)"
echo
echo "| layers | test accuracy, seeds ${SEEDS[*]} | median |"
echo "|---|---|---|"
for L in 1 2 3; do
  "$QMLP" preset reupload-1q | python3 -c '
import json, sys
d = json.load(sys.stdin)
L = int(sys.argv[1])
d["circuit"]["gates"] = d["circuit"]["gates"][:2 * L]  # each layer: Rot(x1, x2, 0), Rot(θ)
d["title"] = "Data re-uploading classifier (1 qubit, %d layer%s)" % (L, "" if L == 1 else "s")
json.dump(d, open(sys.argv[2], "w"), indent=1)' "$L" "$TMP/layers$L.json"
  accs=()
  for s in "${SEEDS[@]}"; do accs+=("$("$QMLP" train "$TMP/layers$L.json" --seed "$s" --quiet | acc_of)"); done
  echo "| $L | ${accs[*]} | $(median "${accs[@]}") |"
done

#!/usr/bin/env bash
# The hybrid-model benchmark, ours against PennyLane, all in one run; prints one markdown table.
#
#   bench/model_compare.sh
#
# W2: one epoch of forward + gradient of the MSE over 200 points, 2/4/8-qubit data re-uploading
# classifier with 4 layers; W3: one 64×64 decision grid at 4 qubits; W6: W2's epoch at 12 qubits
# with 3 layers (see bench/model.rs).
# Columns: ours native (`cargo bench --bench model`), ours in wasm in headless Chromium
# (bench/model.html via bench/model_browser.mjs; the module scripts/build-wasm.sh --bench builds,
# with simd128 like the page's), PennyLane default.qubit + backprop with parameter broadcasting
# over all points (not for W6), lightning.qubit + adjoint point by point
# (bench/model_pennylane.py), and ratios. Every implementation computes the same numbers (loss,
# gradient norm, mean confidence); the `same` column says whether they all agree to 1e-9.
#
# Env: VENV (default /tmp/venv-bench; created with pennylane + pennylane-lightning if missing),
# CARGO_TARGET_DIR, QUICK=1 (fewer reps), SKIP_WASM_BUILD=1 (use bench/pkg/ as it is),
# WASM_ROOT (serve the page from another checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-/tmp/venv-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
WASM_ROOT=${WASM_ROOT:-$ROOT}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
quick=()
[ "${QUICK:-}" = 1 ] && quick=(--quick)

if ! "$VENV/bin/python" -c "import pennylane, pennylane_lightning" 2>/dev/null; then
  echo "creating $VENV (pennylane, pennylane-lightning)..." >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q pennylane pennylane-lightning >&2
fi

echo "native: cargo bench --bench model" >&2
BENCH_JSON="$TMP/native.json" cargo bench -q --bench model >&2

# Chromium, ChromeDriver and the npm packages the browser half needs, if missing (Debian's
# packages and package-lock.json only; a no-op once installed).
bash scripts/setup.sh >&2
echo "wasm: bench/model.html in headless Chromium" >&2
if [ "$WASM_ROOT" = "$ROOT" ] && [ "${SKIP_WASM_BUILD:-}" != 1 ]; then
  bash scripts/build-wasm.sh --bench >&2
fi
if grep -q ModelBench "$WASM_ROOT/bench/pkg/qmlp.js" 2>/dev/null; then
  node bench/model_browser.mjs --json --root "$WASM_ROOT" > "$TMP/wasm.json"
else
  echo "note: $WASM_ROOT/bench/pkg/qmlp.js has no ModelBench export; wasm columns left empty" >&2
fi

echo "PennyLane: bench/model_pennylane.py" >&2
"$VENV/bin/python" bench/model_pennylane.py --json "${quick[@]}" > "$TMP/pl.jsonl"

python3 - "$TMP" <<'EOF'
import json, os, sys
tmp = sys.argv[1]
def load(name):
    p = os.path.join(tmp, name)
    if not os.path.exists(p):
        return None
    text = open(p).read()
    try:
        return json.loads(text)
    except ValueError:
        return [json.loads(l) for l in text.splitlines() if l.strip()]
native = load("native.json") or []
wasm = load("wasm.json")
pl = load("pl.jsonl") or []
key = lambda r: (r["workload"], r["qubits"])
nat = {key(r): r for r in native}
was = {key(r): r for r in (wasm or {}).get("rows", [])} if wasm else {}
bro = {key(r): r for r in pl if r["path"] == "broadcast"}
adj = {key(r): r for r in pl if r["path"] == "adjoint"}
def ms(r):
    return f"{r['best_ms']:.3f} ms" if r else "–"
def ratio(a, b):
    return f"{a['best_ms'] / b['best_ms']:.1f}×" if a and b else "–"
def check(rows):
    rows = [r for r in rows if r]
    fields = ["loss", "grad_norm"] if rows and "loss" in rows[0] else ["mean_confidence"]
    ok = all(abs(r[f] - rows[0][f]) <= 1e-9 * max(1.0, abs(rows[0][f])) for r in rows for f in fields)
    return ("yes" if ok else "NO") + f" ({len(rows)})"
browser = (wasm or {}).get("browser", "?")
print(f"\n## Hybrid-model benchmark: ours vs PennyLane (best of repetitions; Chromium {browser})\n")
print("| workload | qubits | ours native | ours wasm | wasm / native "
      "| PennyLane broadcast (default.qubit, backprop) | lightning adjoint, point by point "
      "| broadcast / ours native | lightning / ours native | same numbers |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for k in sorted(nat, key=lambda k: (k[0], k[1])):
    n, w, b, a = nat.get(k), was.get(k), bro.get(k), adj.get(k)
    print(f"| {k[0]} | {k[1]} | {ms(n)} | {ms(w)} | {ratio(w, n)} | {ms(b)} | {ms(a)} "
          f"| {ratio(b, n)} | {ratio(a, n)} | {check([n, w, b, a])} |")
def target(text, ok):
    print(f"- {text}: {'met' if ok else 'NOT met'}")
print()
g = lambda d, k: d.get(k, {}).get("best_ms")
if g(bro, ("W2", 4)) and g(nat, ("W2", 4)):
    target(f"native ≥ 100× PennyLane broadcast at 4 qubits ({g(bro, ('W2', 4)) / g(nat, ('W2', 4)):.0f}×)",
           g(bro, ("W2", 4)) / g(nat, ("W2", 4)) >= 100)
if g(bro, ("W2", 8)) and g(nat, ("W2", 8)):
    target(f"native ≥ 20× PennyLane broadcast at 8 qubits ({g(bro, ('W2', 8)) / g(nat, ('W2', 8)):.0f}×)",
           g(bro, ("W2", 8)) / g(nat, ("W2", 8)) >= 20)
if was:
    worst = max(g(was, k) / g(nat, k) for k in nat if g(was, k))
    target(f"wasm within 2× of native (worst {worst:.2f}×)", worst <= 2)
    target(f"W3 under 4 ms in wasm at 4 qubits ({g(was, ('W3', 4)):.2f} ms)", g(was, ("W3", 4)) < 4)
if g(adj, ("W6", 12)) and g(nat, ("W6", 12)):
    target(f"W6 native ≥ 20× lightning adjoint at 12 qubits ({g(adj, ('W6', 12)) / g(nat, ('W6', 12)):.0f}×)",
           g(adj, ("W6", 12)) / g(nat, ("W6", 12)) >= 20)
EOF

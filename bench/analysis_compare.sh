#!/usr/bin/env bash
# The barren-plateau benchmark, ours against PennyLane, all in one run; prints one markdown table.
#
#   bench/analysis_compare.sh
#
# The whole reference protocol of tests/golden/barren.json (n = 2…10, 50 layers, 1 000 random
# circuits per size, ∂C/∂θ for the local and the global cost): ours natively
# (`cargo bench --bench analysis`), ours in wasm in headless Chromium (bench/analysis_browser.mjs,
# on the module scripts/build-wasm.sh --bench builds), and PennyLane default.qubit
# (bench/analysis_pennylane.py: all circuits of a size in one broadcast execution, the fastest
# way found; per-circuit QNode calls with backprop and parameter-shift timed on a few circuits
# and extrapolated). Every implementation draws its own random circuits, so the variances agree
# within their statistical error; the fitted slopes of ln Var against n are printed side by side.
# Also printed: the native 41×41 loss landscape of the 4-qubit, 3-layer classifier, and in wasm.
# Times are wall-clock and CPU time (ours: /proc/thread-self/schedstat; PennyLane:
# time.process_time, BLAS threads pinned to 1): on a shared machine the wall time includes
# waiting for a core, the CPU time does not, so the CPU ratio is the one to trust under load.
#
# Env: VENV (default /tmp/venv-bench; created with pennylane if missing), CARGO_TARGET_DIR,
# QUICK=1 (PennyLane on 100 circuits per size, extrapolated; one repetition natively),
# SKIP_WASM_BUILD=1 (use bench/pkg/ as it is), SKIP_WASM=1 (no browser run).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-/tmp/venv-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
quick=()
[ "${QUICK:-}" = 1 ] && quick=(--quick)

if ! "$VENV/bin/python" -c "import pennylane" 2>/dev/null; then
  echo "creating $VENV (pennylane)..." >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q pennylane >&2
fi

echo "native: cargo bench --bench analysis" >&2
BENCH_JSON="$TMP/native.json" cargo bench -q --bench analysis -- barren >&2
BENCH_JSON="$TMP/landscape.json" cargo bench -q --bench analysis -- landscape >&2

if [ "${SKIP_WASM:-}" != 1 ]; then
  # Chromium, ChromeDriver and the npm packages the browser half needs, if missing (Debian's
  # packages and package-lock.json only; a no-op once installed).
  bash scripts/setup.sh >&2
  echo "wasm: bench/analysis_browser.mjs in headless Chromium" >&2
  if [ "${SKIP_WASM_BUILD:-}" != 1 ]; then
    bash scripts/build-wasm.sh --bench >&2
  fi
  if grep -q benchBarren bench/pkg/qmlp.js 2>/dev/null; then
    node bench/analysis_browser.mjs --json > "$TMP/wasm.json"
  else
    echo "note: bench/pkg/qmlp.js has no benchBarren export; wasm column left empty" >&2
  fi
fi

echo "PennyLane: bench/analysis_pennylane.py" >&2
"$VENV/bin/python" bench/analysis_pennylane.py --json "${quick[@]}" 2>/dev/null > "$TMP/pl.json"

python3 - "$TMP" <<'PY'
import json, math, os, sys
tmp = sys.argv[1]
def load(name):
    p = os.path.join(tmp, name)
    return json.load(open(p)) if os.path.exists(p) and os.path.getsize(p) else None
nat = load("native.json")["barren"]
land = (load("landscape.json") or {}).get("landscape")
was = load("wasm.json")
pl = load("pl.json")
scale = 1000 / pl["samples"]  # QUICK runs fewer circuits; times are scaled to 1 000
wrows = {r["qubits"]: r for r in (was or {}).get("barren", {}).get("rows", [])}
prows = {r["qubits"]: r for r in pl["rows"]}
print(f"\n## Barren-plateau protocol: ours vs PennyLane {pl['pennylane']} default.qubit "
      f"(9 sizes × 1 000 circuits × 2 costs, 50 layers)\n")
print("Wall-clock and CPU time (time on a core, without waiting for one on a loaded machine); "
      "everything single-threaded.\n")
print("| qubits | ours native | ours native CPU | ours wasm | PennyLane broadcast | PennyLane CPU "
      "| PL / ours (wall) | PL / ours (CPU) | PL per circuit, param-shift, CPU (extrap.) "
      "| Var local ours / PL | Var global ours / PL |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
nan = float("nan")
tot_ps = 0.0
for r in nat["rows"]:
    n = r["qubits"]
    p = prows.get(n, {})
    w = wrows.get(n)
    b = p.get("broadcast_s", nan) * scale
    bc = p.get("broadcast_cpu_s", nan) * scale
    ps = p.get("parameter-shift_s_per_circuit", nan) * 1000
    tot_ps += ps
    cpu = r.get("cpu_ms") or nan
    ws = f"{w['ms']:.1f} ms" if w else "–"
    print(f"| {n} | {r['ms']:.1f} ms | {cpu:.1f} ms | {ws} | {b:.2f} s | {bc:.2f} s | {b * 1e3 / r['ms']:.0f}× "
          f"| {bc * 1e3 / cpu:.0f}× | {ps:.0f} s "
          f"| {r['local_var']:.3e} / {p.get('local_var', nan):.3e} "
          f"| {r['global_var']:.3e} / {p.get('global_var', nan):.3e} |")
pb = pl["broadcast_total_s"] * scale
pbc = pl["broadcast_total_cpu_s"] * scale
ncpu = nat.get("cpu_s") or nan
wt = f"{was['barren']['total_ms'] / 1e3:.3f} s" if was else "–"
print(f"| **all** | **{nat['total_s']:.3f} s** | **{ncpu:.3f} s** | **{wt}** | **{pb:.1f} s** | **{pbc:.1f} s** "
      f"| **{pb / nat['total_s']:.0f}×** | **{pbc / ncpu:.0f}×** | {tot_ps:.0f} s | | |")
if "backprop_s_per_circuit" in pl["rows"][0]:
    bp = sum(r["backprop_s_per_circuit"] for r in pl["rows"]) * 1000
    print(f"\nPennyLane per circuit with backprop (the demo's default), CPU, extrapolated: {bp:.0f} s")
if pl["samples"] != 1000:
    print(f"\n(QUICK: PennyLane ran {pl['samples']} circuits per size; its times are scaled to 1 000)")

# Slopes of ln Var against n: ours, PennyLane live, PennyLane in barren.json.
def fit(xs, ys):
    ls = [math.log(y) for y in ys]
    xm, lm = sum(xs) / len(xs), sum(ls) / len(ls)
    return sum((x - xm) * (l - lm) for x, l in zip(xs, ls)) / sum((x - xm) ** 2 for x in xs)
xs = [r["qubits"] for r in pl["rows"]]
print("\n| slope of ln Var against n | ours (native) | PennyLane, this run | PennyLane, barren.json |")
print("|---|---:|---:|---:|")
for cost, key in (("local ⟨Z0 Z1⟩", "local"), ("global ⟨P0⟩", "global")):
    live = fit(xs, [r[f"{key}_var"] for r in pl["rows"]])
    print(f"| {cost} | {nat[f'slope_{key}']:.4f} ± {nat[f'slope_{key}_err']:.4f} | {live:.4f} "
          f"| {nat[f'golden_slope_{key}']:.4f} |")
print()
for what, ratio in (("CPU time", pbc / ncpu), ("wall-clock", pb / nat["total_s"])):
    print(f"- native ≥ 100× PennyLane's fastest (broadcast), {what}: "
          f"{'met' if ratio >= 100 else 'NOT met'} ({ratio:.0f}×)")
if was:
    print(f"- wasm / native: {was['barren']['total_ms'] / 1e3 / nat['total_s']:.2f}×")
if land:
    lw = f", wasm {was['landscape_ms']:.0f} ms" if was else ""
    print(f"- 41×41 landscape, 4 qubits × 3 layers, 200 points: native {land['ms']:.0f} ms{lw}")
PY

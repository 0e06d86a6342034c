#!/usr/bin/env bash
# The noise benchmark W5, ours against PennyLane default.mixed, in one run; prints one table.
#
#   bench/noise_compare.sh
#
# W5: 4 qubits, 4 layers of the W2 layer shape with DepolarizingChannel(0.01) after every gate;
# one epoch = forward + gradient of <Z0> with respect to the 80 gate angles for 200 points (see
# bench/noise.rs). Ours: `cargo bench --bench noise w5` (density-matrix engine, adjoint; the
# trajectory engine for reference). PennyLane: bench/noise_pennylane.py on default.mixed with
# each of its gradient paths (backprop with autograd, broadcast and point by point; backprop
# with JAX, jit + vmap over the points; parameter-shift, timed on 10 points and scaled). The
# ratio column compares each path with our density-matrix engine; `same` says whether the mean
# <Z0> and the norm of the mean gradient agree to 1e-9.
#
# Env: VENV (default /tmp/venv-noise; created with pennylane and jax if missing),
# CARGO_TARGET_DIR, QUICK=1 (fewer reps), PATHS (comma-separated subset of the PennyLane paths).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-/tmp/venv-noise}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
quick=()
[ "${QUICK:-}" = 1 ] && quick=(--quick)
paths=()
[ -n "${PATHS:-}" ] && paths=(--paths "$PATHS")

if ! "$VENV/bin/python" -c "import pennylane, jax" 2>/dev/null; then
  echo "creating $VENV (pennylane, jax)..." >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q pennylane jax >&2
fi

echo "ours: cargo bench --bench noise w5" >&2
BENCH_JSON="$TMP/native.json" cargo bench -q --bench noise -- w5 >&2

echo "PennyLane: bench/noise_pennylane.py" >&2
"$VENV/bin/python" bench/noise_pennylane.py --json "${quick[@]}" "${paths[@]}" > "$TMP/pl.jsonl"
PL_VERSION=$("$VENV/bin/python" -c "import pennylane; print(pennylane.__version__)")

python3 - "$TMP" "$PL_VERSION" <<'EOF'
import json, os, sys
tmp, version = sys.argv[1], sys.argv[2]
native = json.load(open(os.path.join(tmp, "native.json")))
pl = [json.loads(l) for l in open(os.path.join(tmp, "pl.jsonl")) if l.strip()]
ours = next(r for r in native if r["engine"] == "density")
def same(r):
    if "mean_value" not in r:
        return "–"
    ok = all(abs(r[k] - ours[k]) <= 1e-9 for k in ("mean_value", "grad_norm"))
    return "yes" if ok else "NO"
print(f"\n## W5: noisy training epoch, ours vs PennyLane {version} default.mixed (best of repetitions)\n")
print("| implementation | epoch | per point | default.mixed / ours | same numbers |")
print("|---|---:|---:|---:|---|")
for r in native:
    name = {"density": "ours, density matrix (adjoint)",
            "density_single": "ours, density matrix (adjoint, one point at a time)",
            "trajectories100": "ours, 100 trajectories per point (adjoint)"}[r["engine"]]
    print(f"| {name} | {r['best_ms']:.2f} ms | {r['best_ms'] / 200 * 1e3:.1f} µs | – | "
          f"{'yes' if r['engine'].startswith('density') else 'statistical'} |")
fastest = None
for r in pl:
    if "error" in r:
        print(f"| default.mixed {r['path']} | – | – | – | {r['error']} |")
        continue
    note = "" if r.get("points_timed", 200) == 200 else f" (timed on {r['points_timed']} points, scaled)"
    if "compile_ms" in r:
        note += f" (+{r['compile_ms']:.0f} ms jit once)"
    print(f"| default.mixed {r['path']}{note} | {r['best_ms']:.1f} ms | {r['best_ms'] / 200 * 1e3:.0f} µs "
          f"| {r['best_ms'] / ours['best_ms']:.0f}× | {same(r)} |")
    if fastest is None or r["best_ms"] < fastest["best_ms"]:
        fastest = r
if fastest:
    ratio = fastest["best_ms"] / ours["best_ms"]
    print(f"\n- default.mixed's fastest path here: {fastest['path']}")
    print(f"- target native ≥ 50× faster than it: {'met' if ratio >= 50 else 'NOT met'} ({ratio:.0f}×)")
EOF

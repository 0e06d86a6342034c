#!/usr/bin/env bash
# W4, the Iris hybrid model's epoch (forward + gradient over 120 training points), three ways in
# one run: native (`cargo bench --bench model w4`), wasm in headless Chromium (bench/model.html),
# and PennyLane + torch on the model `qmlp export --to pennylane-torch` writes (bench/w4_torch.py:
# TorchLayer, default.qubit, backprop, one torch thread). All three print the same loss and
# gradient norm.
# Env: VENV (default /tmp/venv-torch; created with torch + pennylane if missing — about 5 GB,
# 4–5 min here), CARGO_TARGET_DIR, SKIP_WASM_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/venv-torch}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if ! "$VENV/bin/python" -c "import torch, pennylane" 2>/dev/null; then
  echo "creating $VENV (torch, pennylane; about 5 GB)..." >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch pennylane >&2
fi
echo "native: cargo bench --bench model w4" >&2
cargo bench -q --bench model w4 | tee "$TMP/native.txt" >&2
cargo build -q --release --bin qmlp
"$CARGO_TARGET_DIR/release/qmlp" export preset:iris-hybrid --to pennylane-torch > "$TMP/w4.py"
# Chromium, ChromeDriver and the npm packages the browser half needs, if missing (Debian's
# packages and package-lock.json only; a no-op once installed).
bash scripts/setup.sh >&2
if [ "${SKIP_WASM_BUILD:-}" != 1 ]; then bash scripts/build-wasm.sh --bench >&2; fi
echo "wasm: bench/model.html in headless Chromium" >&2
node bench/model_browser.mjs --json > "$TMP/wasm.json"
echo "PennyLane + torch: bench/w4_torch.py" >&2
"$VENV/bin/python" bench/w4_torch.py "$TMP/w4.py" --json > "$TMP/torch.json"
python3 - "$TMP" <<'PY'
import json, re, sys
tmp = sys.argv[1]
native = open(f"{tmp}/native.txt").read()
row = [l for l in native.splitlines() if l.startswith("| 59 ") or re.match(r"\| \d+ \| [0-9.]+ (µs|ms)", l)][-1]
cells = [c.strip() for c in row.strip("|").split("|")]
def to_ms(v):
    n, u = v.split()
    return float(n) / 1000 if u == "µs" else float(n)
nat = {"best_ms": to_ms(cells[1]), "median_ms": to_ms(cells[2]), "loss": float(cells[4]), "grad_norm": float(cells[5])}
wasm = next(r for r in json.load(open(f"{tmp}/wasm.json"))["rows"] if r["workload"] == "W4")
torch = json.load(open(f"{tmp}/torch.json"))
print("\n## W4: one epoch of the Iris hybrid model (120 points, forward + gradient)\n")
print("| implementation | best | median | loss | ‖grad‖ | vs native (best) |\n|---|---:|---:|---:|---:|---:|")
for name, r in [("qmlp native", nat), ("qmlp wasm (Chromium)", wasm), (f"PennyLane + torch {torch['torch']} (TorchLayer, backprop)", torch)]:
    print(f"| {name} | {r['best_ms']:.3f} ms | {r['median_ms']:.3f} ms | {r['loss']:.10f} | {r['grad_norm']:.10f} | {r['best_ms'] / nat['best_ms']:.1f}× |")
same = all(abs(r["loss"] - nat["loss"]) < 1e-9 and abs(r["grad_norm"] - nat["grad_norm"]) < 1e-9 for r in (wasm, torch))
print(f"\nsame loss and gradient norm to 1e-9: {'yes' if same else 'NO'}")
PY

"""PennyLane side of the barren-plateau benchmark (see bench/analysis.rs).

The reference protocol of tests/golden/barren.json: on n wires RY(pi/4) on every wire; per layer
and wire a rotation drawn uniformly from {RX, RY, RZ} with an angle uniform in [0, 2pi), then
CZ(i, i+1) for i = 0..n-2; 50 layers; the exact derivative of the local cost <Z0 Z1> and the
global cost <|0..0><0..0|> with respect to layer 0's angle on wire 0; 1 000 circuits per
n = 2..10. Our sample differs from this script's (different random streams), so the printed
variances agree within their statistical error, not digit for digit.

Paths on default.qubit:
- "broadcast" (the fastest way found, timed over the whole protocol): all circuits of one size
  in one broadcast execution. Each random rotation is the one gate Rot(a, b, c) with per-circuit
  parameters (RZ(t) = Rot(t, 0, 0), RY(t) = Rot(0, t, 0), RX(t) = Rot(pi/2, t, -pi/2)); the
  derivative is the exact parameter-shift rule done by hand, two broadcast executions at
  t +- pi/2; both costs come from the same qml.probs.
- "per-circuit" (the demo's way, one QNode call per circuit with real RX/RY/RZ gates) with
  diff_method="backprop" and "parameter-shift" (returning the two expectation values), CPU time
  on a few circuits per size, extrapolated to 1 000: each is far slower than the broadcast.

Single-threaded like ours: the BLAS/OpenMP thread counts are set to 1 before numpy loads. Times
are wall-clock and process CPU time (time.process_time), which leaves out waiting for a core on a
loaded machine.

Usage: python analysis_pennylane.py [--json] [--quick] [--per-circuit K]
"""
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as onp
import pennylane as qml
from pennylane import numpy as pnp

AS_JSON = "--json" in sys.argv
QUICK = "--quick" in sys.argv
PER = int(sys.argv[sys.argv.index("--per-circuit") + 1]) if "--per-circuit" in sys.argv else (1 if QUICK else 3)
LAYERS = 50
SAMPLES = 100 if QUICK else 1000
SIZES = list(range(2, 11))


def zz_diag(n):
    idx = onp.arange(2 ** n)
    return (1 - 2 * ((idx >> (n - 1)) & 1)) * (1 - 2 * ((idx >> (n - 2)) & 1))


def draw(rng, samples, n):
    return rng.integers(0, 3, size=(samples, LAYERS, n)), rng.uniform(0, 2 * onp.pi, size=(samples, LAYERS, n))


def broadcast(n, kinds, angles):
    """[d<Z0Z1>/dt, d<P0>/dt] for every circuit, one broadcast execution per shift."""
    dev = qml.device("default.qubit", wires=n)

    @qml.qnode(dev, diff_method=None)
    def circuit(a, b, c):
        for w in range(n):
            qml.RY(onp.pi / 4, wires=w)
        for layer in range(LAYERS):
            for w in range(n):
                qml.Rot(a[:, layer, w], b[:, layer, w], c[:, layer, w], wires=w)
            for w in range(n - 1):
                qml.CZ(wires=[w, w + 1])
        return qml.probs(wires=range(n))

    a = onp.where(kinds == 0, onp.pi / 2, onp.where(kinds == 2, angles, 0.0))
    b = onp.where(kinds == 2, 0.0, angles)
    c = onp.where(kinds == 0, -onp.pi / 2, 0.0)
    is_z = kinds[:, 0, 0] == 2
    probs = []
    for s in (+1, -1):
        a2, b2 = a.copy(), b.copy()
        a2[:, 0, 0] += onp.where(is_z, s * onp.pi / 2, 0.0)
        b2[:, 0, 0] += onp.where(is_z, 0.0, s * onp.pi / 2)
        probs.append(circuit(a2, b2, c))
    d = (probs[0] - probs[1]) / 2
    return d @ zz_diag(n), d[:, 0]


def per_circuit(n, method):
    """A function (kinds, angles) -> (local, global) derivative for one circuit."""
    dev = qml.device("default.qubit", wires=n)
    gates = [qml.RX, qml.RY, qml.RZ]

    @qml.qnode(dev, diff_method=method)
    def circuit(t0, kinds, angles):
        for w in range(n):
            qml.RY(onp.pi / 4, wires=w)
        for layer in range(LAYERS):
            for w in range(n):
                gates[kinds[layer, w]](t0 if layer == 0 and w == 0 else angles[layer, w], wires=w)
            for w in range(n - 1):
                qml.CZ(wires=[w, w + 1])
        return qml.expval(qml.PauliZ(0) @ qml.PauliZ(1)), qml.expval(qml.Projector([0] * n, wires=range(n)))

    def grad(kinds, angles):
        f = lambda t: qml.math.stack(circuit(t, kinds, angles))  # noqa: E731
        j = qml.jacobian(f)(pnp.array(angles[0, 0], requires_grad=True))
        return float(j[0]), float(j[1])

    return grad


rng = onp.random.default_rng(7)
rows = []
total = total_cpu = 0.0
for n in SIZES:
    kinds, angles = draw(rng, SAMPLES, n)
    t0, c0 = time.perf_counter(), time.process_time()
    gl, gg = broadcast(n, kinds, angles)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    total += dt
    total_cpu += dc
    row = {"qubits": n, "samples": SAMPLES, "broadcast_s": dt, "broadcast_cpu_s": dc,
           "local_var": float(onp.var(gl, ddof=1)), "global_var": float(onp.var(gg, ddof=1))}
    for method in ("backprop", "parameter-shift"):
        if PER <= 0:
            continue
        g = per_circuit(n, method)
        k1, a1 = draw(rng, 1, n)
        g(k1[0], a1[0])  # warm-up
        ks, an = draw(rng, PER, n)
        c0 = time.process_time()
        for i in range(PER):
            g(ks[i], an[i])
        row[f"{method}_s_per_circuit"] = (time.process_time() - c0) / PER
    rows.append(row)
    if not AS_JSON:
        print(f"n={n}: broadcast {dt:.2f} s (CPU {dc:.2f} s), Var local {row['local_var']:.4e}, global {row['global_var']:.4e}",
              flush=True)

out = {"pennylane": qml.__version__, "samples": SAMPLES, "layers": LAYERS, "broadcast_total_s": total,
       "broadcast_total_cpu_s": total_cpu, "rows": rows}
if AS_JSON:
    print(json.dumps(out))
else:
    print(f"\nwhole protocol, broadcast: {total:.1f} s (CPU {total_cpu:.1f} s)")
    for method in ("backprop", "parameter-shift"):
        key = f"{method}_s_per_circuit"
        if rows and key in rows[0]:
            est = sum(r[key] for r in rows) * SAMPLES
            print(f"per circuit, {method}: {est:.0f} s CPU, extrapolated from {PER} circuit(s) per size")

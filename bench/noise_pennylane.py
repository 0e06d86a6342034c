"""PennyLane side of the noise benchmark W5 (see bench/noise.rs for the workload).

W5: 4 qubits, 4 layers of the W2 layer shape (per layer and qubit RX(w*x1 + b), RY(w*x2 + b),
Rot(t1, t2, t3); then a CNOT ring) with DepolarizingChannel(0.01) after every gate (on both
wires after a CNOT), on default.mixed. One epoch = forward + gradient of <Z0> with respect to
the 80 gate angles for 200 points. The points and weights are the formulas of bench/model.rs,
so the mean <Z0> and the norm of the mean gradient printed here must match ours.

Gradient paths of default.mixed (it has no adjoint method):
- "backprop-broadcast": diff_method="backprop" (autograd), all 200 angle sets broadcast in one
  circuit; one backward pass gives every point's gradient (the outputs are independent);
- "backprop": the same, point by point;
- "jax-jit": diff_method="backprop" with the JAX interface, jax.jit(jax.vmap(value_and_grad))
  over the 200 points (compiled once, before timing);
- "parameter-shift": point by point (160 shifted circuits each); timed on a subset and
  scaled, since a full epoch takes minutes (said in the row).

Usage: python noise_pennylane.py [--json] [--quick] [--paths a,b,...]
"""
import json
import math
import sys
import time

import numpy as onp
import pennylane as qml
from pennylane import numpy as np

QUICK = "--quick" in sys.argv
AS_JSON = "--json" in sys.argv
PATHS = ["backprop-broadcast", "backprop", "jax-jit", "parameter-shift"]
for i, a in enumerate(sys.argv):
    if a == "--paths":
        PATHS = sys.argv[i + 1].split(",")
A1 = 0.7548776662466927
A2 = 0.5698402909980532
Q = 4
LAYERS = 4
P_DEP = 0.01


def points(n):
    k = onp.arange(n, dtype=float)
    v1, v2 = 0.5 + k * A1, 0.5 + k * A2
    return 2 * (v1 - onp.floor(v1)) - 1, 2 * (v2 - onp.floor(v2)) - 1


def angles(x1, x2):
    """The 80 gate angles of each point, in gate order (RX, RY, Rot a, b, c per qubit)."""
    w = [math.sin(j + 1) for j in range(7 * Q * LAYERS)]
    rows = []
    for a, b in zip(x1, x2):
        row, k = [], 0
        for _ in range(LAYERS):
            for _ in range(Q):
                row += [w[k] * a + w[k + 1], w[k + 2] * b + w[k + 3], w[k + 4], w[k + 5], w[k + 6]]
                k += 7
        rows.append(row)
    return onp.array(rows)


def body(t):
    """The circuit on angles t (indexable by gate: t[i] may be a scalar or a batch)."""
    i = 0
    for _ in range(LAYERS):
        for q in range(Q):
            qml.RX(t[i], wires=q)
            qml.DepolarizingChannel(P_DEP, wires=q)
            qml.RY(t[i + 1], wires=q)
            qml.DepolarizingChannel(P_DEP, wires=q)
            qml.Rot(t[i + 2], t[i + 3], t[i + 4], wires=q)
            qml.DepolarizingChannel(P_DEP, wires=q)
            i += 5
        for q in range(Q):
            r = (q + 1) % Q
            qml.CNOT(wires=[q, r])
            qml.DepolarizingChannel(P_DEP, wires=q)
            qml.DepolarizingChannel(P_DEP, wires=r)
    return qml.expval(qml.PauliZ(0))


def timed(reps, f):
    out = f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = f()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[0] * 1e3, ts[len(ts) // 2] * 1e3, out


def summary(mean_value, grads):
    g = onp.asarray(grads).mean(axis=0)
    return float(mean_value), float(onp.linalg.norm(g))


def run(path, ang):
    dev = qml.device("default.mixed", wires=Q)
    n = len(ang)
    scale = 1.0
    if path == "backprop-broadcast":
        node = qml.QNode(body, dev, diff_method="backprop")
        t = np.array(ang.T, requires_grad=True)  # (80, 200): gate i gets a batch of 200
        gfun = qml.grad(lambda tt: np.sum(node(tt)))

        def epoch():
            g = gfun(t)
            return float(gfun.forward) / n, onp.asarray(g).T

        reps = 1 if QUICK else 3
    elif path == "backprop":
        node = qml.QNode(body, dev, diff_method="backprop")
        gfun = qml.grad(node)

        def epoch():
            vals, grads = [], []
            for row in ang:
                t = np.array(row, requires_grad=True)
                grads.append(gfun(t))
                vals.append(float(gfun.forward))
            return onp.mean(vals), onp.array(grads)

        reps = 1
    elif path == "jax-jit":
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
        node = qml.QNode(body, dev, diff_method="backprop", interface="jax")
        f = jax.jit(jax.vmap(jax.value_and_grad(node)))
        ja = jnp.array(ang)
        t0 = time.perf_counter()
        jax.block_until_ready(f(ja))
        compile_ms = (time.perf_counter() - t0) * 1e3

        def epoch():
            v, g = f(ja)
            jax.block_until_ready(g)
            return float(onp.mean(onp.asarray(v))), onp.asarray(g)

        reps = 3 if QUICK else 10
    elif path == "parameter-shift":
        node = qml.QNode(body, dev, diff_method="parameter-shift")
        gfun = qml.grad(node)
        sub = 2 if QUICK else 10
        scale = n / sub

        def epoch():
            vals, grads = [], []
            for row in ang[:sub]:
                t = np.array(row, requires_grad=True)
                grads.append(gfun(t))
                vals.append(float(gfun.forward))
            return onp.mean(vals), onp.array(grads)

        reps = 1
    else:
        raise SystemExit(f"unknown path {path}")
    best, med, (mean_value, grads) = timed(reps, epoch)
    row = {"workload": "W5", "path": path, "best_ms": best * scale, "median_ms": med * scale,
           "points_timed": int(round(n / scale))}
    if scale == 1.0:
        row["mean_value"], row["grad_norm"] = summary(mean_value, grads)
    if path == "jax-jit":
        row["compile_ms"] = compile_ms
    return row


def main():
    x1, x2 = points(200)
    ang = angles(x1, x2)
    rows = []
    for path in PATHS:
        try:
            rows.append(run(path, ang))
        except ImportError as e:
            rows.append({"workload": "W5", "path": path, "error": str(e)})
        if AS_JSON:
            print(json.dumps(rows[-1]), flush=True)
    if not AS_JSON:
        print(f"\n## PennyLane {qml.__version__} default.mixed, W5\n")
        print("| path | epoch (best) | median | check |\n|---|---:|---:|---|")
        for r in rows:
            if "error" in r:
                print(f"| {r['path']} | – | – | {r['error']} |")
                continue
            check = (f"mean <Z0> {r['mean_value']:.12f}, ‖mean grad‖ {r['grad_norm']:.12f}"
                     if "mean_value" in r else f"timed on {r['points_timed']} points, scaled")
            print(f"| {r['path']} | {r['best_ms']:.1f} ms | {r['median_ms']:.1f} ms | {check} |")


main()

"""PennyLane side of the hybrid-model benchmark (see bench/model.rs for the workloads).

W2: one epoch of forward + gradient of the MSE over 200 points for the 2-, 4- and 8-qubit data
re-uploading classifier with 4 layers (per layer and qubit RX(w*x1 + b), RY(w*x2 + b),
Rot(t1, t2, t3); then a CNOT ring; output <Z0>). W3: one 64x64 decision grid at 4 qubits.
W6: W2's epoch at 12 qubits with 3 layers (lightning adjoint only: default.qubit's backprop
broadcast over 200 points of 2^12 amplitudes is not what anyone would run).
Points, labels and weights are the same formulas as in bench/model.rs, so the loss, gradient
norm and mean confidence printed here must match ours.

Two paths, each PennyLane's idiomatic fastest for its device:
- "broadcast": default.qubit, diff_method="backprop" (autograd), parameter broadcasting over all
  points at once;
- "adjoint": lightning.qubit, diff_method="adjoint", point by point (the demo's cost loop) for
  W2; for the forward-only grid W3, one broadcast call (lightning runs it cell by cell).

Usage: python model_pennylane.py [--json] [--quick] [--no-w6]; prints a markdown table, or JSON
lines.
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
A1 = 0.7548776662466927
A2 = 0.5698402909980532
LAYERS = 4


def points(n):
    k = onp.arange(n, dtype=float)
    v1, v2 = 0.5 + k * A1, 0.5 + k * A2
    x1 = 2 * (v1 - onp.floor(v1)) - 1
    x2 = 2 * (v2 - onp.floor(v2)) - 1
    labels = (x1 * x1 + x2 * x2 < 2 / math.pi).astype(int)
    return x1, x2, labels


def weights(n):
    return np.array([math.sin(j + 1) for j in range(n)], requires_grad=True)


def circuit_body(params, x1, x2, q, layers=LAYERS):
    k = 0
    for _ in range(layers):
        for w in range(q):
            qml.RX(params[k] * x1 + params[k + 1], wires=w)
            qml.RY(params[k + 2] * x2 + params[k + 3], wires=w)
            qml.Rot(params[k + 4], params[k + 5], params[k + 6], wires=w)
            k += 7
        pairs = [(0, 1)] if q == 2 else [(w, (w + 1) % q) for w in range(q)] if q > 2 else []
        for a, b in pairs:
            qml.CNOT(wires=[a, b])
    return qml.expval(qml.PauliZ(0))


def qnode(device, q, diff_method, layers=LAYERS):
    dev = qml.device(device, wires=q)
    return qml.QNode(lambda p, a, b: circuit_body(p, a, b, q, layers), dev, diff_method=diff_method)


def timed(reps, f):
    f()
    ts = []
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = f()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[0] * 1e3, ts[len(ts) // 2] * 1e3, out


def w2(path, q, x1, x2, labels, layers=LAYERS, workload="W2"):
    target = np.array(1.0 - 2.0 * labels, requires_grad=False)
    params = weights(7 * q * layers)
    if path == "broadcast":
        node = qnode("default.qubit", q, "backprop", layers)
        bx1 = np.array(x1, requires_grad=False)
        bx2 = np.array(x2, requires_grad=False)

        def cost(p):
            return np.mean((node(p, bx1, bx2) - target) ** 2)

        reps = 3 if QUICK else 10
    else:
        node = qnode("lightning.qubit", q, "adjoint", layers)

        def cost(p):
            total = 0.0
            for a, b, t in zip(x1, x2, target):
                total = total + (node(p, float(a), float(b)) - t) ** 2
            return total / len(x1)

        reps = 1 if QUICK else 3
    grad_fn = qml.grad(cost)

    def epoch():
        g = grad_fn(params)
        return float(grad_fn.forward), g

    best, med, (loss, g) = timed(reps, epoch)
    return {"workload": workload, "path": path, "qubits": q, "best_ms": best, "median_ms": med,
            "loss": loss, "grad_norm": float(onp.linalg.norm(g))}


def w3(path, q=4, n=64):
    params = np.array([math.sin(j + 1) for j in range(7 * q * LAYERS)], requires_grad=False)
    cells = (onp.arange(n) + 0.5) / n * 2.4 - 1.2
    gx1 = onp.tile(cells, n)          # column index fastest
    gx2 = onp.repeat(cells, n)
    if path == "broadcast":
        node = qnode("default.qubit", q, "backprop")

        def grid():
            return onp.asarray(node(params, np.array(gx1), np.array(gx2)))

        reps = 3 if QUICK else 10
    else:
        # Forward only, so lightning gets the broadcast too (it splits it into one circuit per
        # cell and runs them without autograd in between): faster than a Python loop of cells.
        node = qnode("lightning.qubit", q, "adjoint")

        def grid():
            return onp.asarray(node(params, np.array(gx1), np.array(gx2)))

        reps = 1
    best, med, out = timed(reps, grid)
    conf = onp.clip((1 - out) / 2, 0, 1)
    return {"workload": "W3", "path": path, "qubits": q, "best_ms": best, "median_ms": med,
            "mean_confidence": float(conf.mean())}


def main():
    x1, x2, labels = points(200)
    rows = []
    for path in ("broadcast", "adjoint"):
        for q in (2, 4, 8):
            rows.append(w2(path, q, x1, x2, labels))
            if AS_JSON:
                print(json.dumps(rows[-1]), flush=True)
        rows.append(w3(path))
        if AS_JSON:
            print(json.dumps(rows[-1]), flush=True)
    if "--no-w6" not in sys.argv:
        rows.append(w2("adjoint", 12, x1, x2, labels, layers=3, workload="W6"))
        if AS_JSON:
            print(json.dumps(rows[-1]), flush=True)
    if not AS_JSON:
        print(f"\n## PennyLane {qml.__version__}\n")
        print("| path | workload | qubits | best | median | check |\n|---|---|---:|---:|---:|---|")
        for r in rows:
            check = (f"loss {r['loss']:.10f}, ‖grad‖ {r['grad_norm']:.10f}" if "loss" in r
                     else f"mean confidence {r['mean_confidence']:.10f}")
            print(f"| {r['path']} | {r['workload']} | {r['qubits']} | {r['best_ms']:.3f} ms "
                  f"| {r['median_ms']:.3f} ms | {check} |")


main()

"""PennyLane's data re-uploading classifier (1 qubit, 3 layers), run for several seeds.

The same setup as the playground's `reupload-1q` preset: Rot(x1, x2, 0) then a trainable
Rot(θ1, θ2, θ3) per layer, label states |0>/|1>, cost mean (1 - fidelity)^2, Adam(0.6,
beta1=0.9, beta2=0.999), batch 32, 10 epochs, 200 training and 2000 test points uniform in
[-1, 1]^2, label 1 inside the circle of radius sqrt(2/pi). Minibatches are taken in order, as
the demo does. Prints one JSON line per seed with the final test accuracy.
Usage: python reupload_pennylane.py SEED [SEED ...]
"""
import json
import sys
import time

import pennylane as qml
from pennylane import numpy as np
from pennylane.optimize import AdamOptimizer


def circle(samples, rng):
    x = 2 * rng.random((samples, 2)) - 1
    y = (np.linalg.norm(x, axis=1) < np.sqrt(2 / np.pi)).astype(int)
    return np.array(x, requires_grad=False), np.array(y, requires_grad=False)


dev = qml.device("default.qubit", wires=1)
dm = [np.array([[1, 0], [0, 0]], requires_grad=False), np.array([[0, 0], [0, 1]], requires_grad=False)]


@qml.qnode(dev)
def fidelity(params, x, y):
    for p in params:
        qml.Rot(x[0], x[1], 0.0, wires=0)
        qml.Rot(*p, wires=0)
    return qml.expval(qml.Hermitian(y, wires=[0]))


def cost(params, xs, ys):
    loss = 0.0
    for x, y in zip(xs, ys):
        loss = loss + (1 - fidelity(params, x, dm[int(y)])) ** 2
    return loss / len(xs)


def accuracy(params, xs, ys):
    ok = 0
    for x, y in zip(xs, ys):
        f = [fidelity(params, x, d) for d in dm]
        ok += int(np.argmax(f) == y)
    return ok / len(xs)


def run(seed):
    rng = np.random.default_rng(seed)
    xtr, ytr = circle(200, rng)
    xte, yte = circle(2000, rng)
    params = np.array(rng.random((3, 3)), requires_grad=True)
    opt = AdamOptimizer(0.6, beta1=0.9, beta2=0.999)
    start = time.time()
    for _ in range(10):
        for i in range(0, len(xtr) - 32 + 1, 32):
            params, _, _ = opt.step(cost, params, xtr[i:i + 32], ytr[i:i + 32])
    return accuracy(params, xte, yte), time.time() - start


for s in sys.argv[1:]:
    acc, secs = run(int(s))
    print(json.dumps({"seed": int(s), "test_acc": acc, "train_seconds": secs}), flush=True)

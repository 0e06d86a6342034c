"""Controlled experiment, PennyLane side: dump the exact data and initial weights PennyLane's data
re-uploading demo uses for each seed, and (with --train) PennyLane's trained weights and test
accuracy, so `cargo run --release --example reupload_parity` can train our Model + Optimizer on
the very same data, initial weights and batch order and compare.

The setup of PennyLane's demo and the playground's reupload-1q preset: 200 training and 2000 test points uniform in
[-1, 1]^2, label 1 inside the circle of radius sqrt(2/pi); weights uniform in [0, 1) of shape
(3, 3); Adam(0.6, 0.9, 0.999), batch 32 taken in order, remainder dropped, 10 epochs.

Usage: python reupload_parity.py [--train] SEED [SEED ...]  (one JSON line per seed on stdout)
"""
import json
import sys

import numpy

TRAIN = "--train" in sys.argv
SEEDS = [int(a) for a in sys.argv[1:] if a != "--train"]


def circle(samples, rng):
    x = 2 * rng.random((samples, 2)) - 1
    y = (numpy.linalg.norm(x, axis=1) < numpy.sqrt(2 / numpy.pi)).astype(int)
    return x, y


def train(xtr, ytr, xte, yte, init):
    import pennylane as qml
    from pennylane import numpy as np
    from pennylane.optimize import AdamOptimizer

    dev = qml.device("default.qubit", wires=1)
    dm = [np.array([[1, 0], [0, 0]], requires_grad=False),
          np.array([[0, 0], [0, 1]], requires_grad=False)]

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

    xtr = np.array(xtr, requires_grad=False)
    ytr = np.array(ytr, requires_grad=False)
    params = np.array(init, requires_grad=True)
    opt = AdamOptimizer(0.6, beta1=0.9, beta2=0.999)
    for _ in range(10):
        for i in range(0, len(xtr) - 32 + 1, 32):
            params, _, _ = opt.step(cost, params, xtr[i:i + 32], ytr[i:i + 32])
    ok = 0
    for x, y in zip(xte, yte):
        f = [fidelity(params, x, d) for d in dm]
        ok += int(numpy.argmax(f) == y)
    return numpy.asarray(params).tolist(), ok / len(xte)


for seed in SEEDS:
    rng = numpy.random.default_rng(seed)
    xtr, ytr = circle(200, rng)
    xte, yte = circle(2000, rng)
    init = rng.random((3, 3))
    row = {
        "seed": seed,
        "train_x": xtr.tolist(),
        "train_y": ytr.tolist(),
        "test_x": xte.tolist(),
        "test_y": yte.tolist(),
        "init": init.tolist(),
    }
    if TRAIN:
        row["pl_final"], row["pl_test_acc"] = train(xtr, ytr, xte, yte, init)
    print(json.dumps(row), flush=True)

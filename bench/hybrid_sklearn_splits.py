#!/usr/bin/env python3
"""The hybrid issue's two models on scikit-learn's splits instead of the playground's: for
random_state s = 1…5, train_test_split(test_size=0.2, stratify=y) of scikit-learn's own Iris and
breast cancer tables. `qmlp train` runs each preset on the split handed over as a fixed custom
split (the preset's standardisation and PCA are fitted on its training rows, training seed s);
with --torch the model written natively in PennyLane + torch (bench/hybrid_native.py's:
StandardScaler, PCA(4), nn.Linear/TorchLayer defaults, torch.optim.Adam 0.02, DataLoader batches
of 10, 60 epochs, torch.manual_seed(s)) runs on the same split. Prints per-split test accuracy
and medians. It shows how far the median moves with the split alone.

    VENV/bin/python bench/hybrid_sklearn_splits.py QMLP_BINARY [--torch]
Needs scikit-learn (and torch + pennylane with --torch) in the Python that runs it.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.model_selection import train_test_split

qmlp = sys.argv[1]
with_torch = "--torch" in sys.argv[2:]


def rows(x, y):
    return [[float(v) for v in r] + [float(label)] for r, label in zip(x, y)]


def ours(preset, s, xtr, xte, ytr, yte):
    d = json.loads(subprocess.check_output([qmlp, "preset", preset]))
    d["data"] = {"kind": "custom", "points": len(ytr), "noise": 0.0, "train_ratio": 0.8,
                 "seed": s, "custom": rows(xtr, ytr), "test": rows(xte, yte)}
    d["training"]["seed"] = s
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(d, f)
    try:
        out = subprocess.check_output([qmlp, "train", f.name, "--epochs", "60",
                                       "--eval-every", "60", "--quiet"], text=True)
    finally:
        os.unlink(f.name)
    return json.loads(out.strip().splitlines()[-1])["final"]["test_acc"]


def native(pca, s, xtr, xte, ytr, yte):
    import pennylane as qml
    import torch
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    torch.set_default_dtype(torch.float64)
    sc = StandardScaler().fit(xtr)
    xtr, xte = sc.transform(xtr), sc.transform(xte)
    if pca:
        p = PCA(pca).fit(xtr)
        xtr, xte = p.transform(xtr), p.transform(xte)
    torch.manual_seed(s)
    ztr, zte = torch.tensor(xtr), torch.tensor(xte)
    ttr, tte = torch.tensor(ytr), torch.tensor(yte)
    dev = qml.device("default.qubit", wires=4)

    @qml.qnode(dev, interface="torch", diff_method="backprop")
    def qnode(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(4))
        qml.StronglyEntanglingLayers(weights, wires=range(4))
        return [qml.expval(qml.PauliZ(w)) for w in range(4)]

    model = torch.nn.Sequential(
        torch.nn.Linear(4, 4), torch.nn.Tanh(),
        qml.qnn.TorchLayer(qnode, {"weights": (2, 4, 3)}),
        torch.nn.Linear(4, int(max(ytr)) + 1))
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(ztr, ttr),
                                         batch_size=10, shuffle=True)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(60):
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
    with torch.no_grad():
        return (model(zte).argmax(1) == tte).double().mean().item()


for preset, load, pca in [("iris-hybrid", load_iris, None),
                          ("breast-cancer-hybrid", load_breast_cancer, 4)]:
    x, y = load(return_X_y=True)
    a, b = [], []
    for s in range(1, 6):
        split = train_test_split(x, y, test_size=0.2, stratify=y, random_state=s)
        xtr, xte, ytr, yte = split
        a.append(ours(preset, s, xtr, xte, ytr, yte))
        if with_torch:
            b.append(native(pca, s, xtr, xte, ytr, yte))
    print(f"{preset} on scikit-learn's splits: qmlp {[round(v, 4) for v in a]}, median "
          f"{statistics.median(a):.4f}", flush=True)
    if b:
        print(f"{preset} on scikit-learn's splits: PennyLane + torch natively "
              f"{[round(v, 4) for v in b]}, median {statistics.median(b):.4f}", flush=True)

#!/usr/bin/env python3
"""The hybrid issue's model written the way a PennyLane + torch user writes it, trained on the
split of a model file that `qmlp export --to pennylane-torch` wrote (its TRAIN and TEST, and its
preprocessing, which this script first checks is the standardisation and PCA of the training
split alone):

    nn.Linear(d, 4) -> tanh -> TorchLayer(AngleEmbedding + StronglyEntanglingLayers, 2 layers)
    -> <Z> on every wire -> nn.Linear(4, classes), softmax cross-entropy

every number at torch's and TorchLayer's defaults (nn.Linear: U(+-1/sqrt(fan_in)) weights and
biases; circuit weights U(0, 2 pi)), torch.optim.Adam(lr=0.02), DataLoader(batch_size=10,
shuffle=True), 60 epochs, seeded by torch.manual_seed(SEED). Prints one JSON line with the test
accuracy after the last epoch.

    python3 bench/hybrid_native.py MODEL.py SEED [EPOCHS]
"""
import importlib.util
import json
import sys

import numpy as np
import pennylane as qml
import torch

spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
seed = int(sys.argv[2])
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 60
torch.manual_seed(seed)

xtr, ytr = m.tensors(m.TRAIN)
xte, yte = m.tensors(m.TEST)
# The export's preprocessing must be the training split's own statistics (numpy's std is the
# population one, as scikit-learn's StandardScaler).
x = xtr.numpy()
assert np.allclose(m.MEAN.numpy(), x.mean(0), atol=1e-12), "MEAN is not the training split's"
assert np.allclose(m.STD.numpy(), x.std(0), atol=1e-12), "STD is not the training split's"
if m.COMPONENTS is not None:
    z = (x - x.mean(0)) / x.std(0)
    vt = np.linalg.svd(z - z.mean(0), full_matrices=False)[2]
    c = m.COMPONENTS.numpy()
    dots = [abs(float(c[i] @ vt[i])) for i in range(len(c))]
    assert np.allclose(dots, 1.0, atol=1e-9), f"COMPONENTS are not the training split's: {dots}"
ztr, zte = m.preprocess(xtr), m.preprocess(xte)
n_classes = int(torch.cat([ytr, yte]).max()) + 1

dev = qml.device("default.qubit", wires=4)


@qml.qnode(dev, interface="torch", diff_method="backprop")
def qnode(inputs, weights):
    qml.AngleEmbedding(inputs, wires=range(4))
    qml.StronglyEntanglingLayers(weights, wires=range(4))
    return [qml.expval(qml.PauliZ(w)) for w in range(4)]


model = torch.nn.Sequential(
    torch.nn.Linear(ztr.shape[1], 4),
    torch.nn.Tanh(),
    qml.qnn.TorchLayer(qnode, {"weights": (2, 4, 3)}),
    torch.nn.Linear(4, n_classes),
)
opt = torch.optim.Adam(model.parameters(), lr=0.02)
data = torch.utils.data.TensorDataset(ztr, ytr)
loader = torch.utils.data.DataLoader(data, batch_size=10, shuffle=True)
loss_fn = torch.nn.CrossEntropyLoss()
for _ in range(epochs):
    for xb, yb in loader:
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()
with torch.no_grad():
    acc = (model(zte).argmax(1) == yte).double().mean().item()
print(json.dumps({"seed": seed, "test_points": len(yte), "test_accuracy": acc}))

"""W4 in PennyLane + torch: one epoch of forward + gradient of the Iris hybrid model over its
120 training points, timed on the script `qmlp export preset:iris-hybrid --to pennylane-torch`
writes (TorchLayer, default.qubit, backprop, the whole batch broadcast through the circuit).
Usage: python w4_torch.py EXPORTED_SCRIPT [--reps N] [--json]. Prints the loss and gradient
norm, which must match the engine's W4 row."""
import importlib.util
import json
import statistics
import sys
import time

import torch

path = sys.argv[1]
reps = int(sys.argv[sys.argv.index("--reps") + 1]) if "--reps" in sys.argv else 20
spec = importlib.util.spec_from_file_location("w4model", path)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
torch.set_num_threads(1)
model = m.HybridModel()
x, y = m.tensors(m.TRAIN)


def epoch():
    model.zero_grad()
    loss = m.loss_of(model, x, y)
    loss.backward()
    return loss.item()


epoch()
ts = []
for _ in range(reps):
    t = time.perf_counter()
    loss = epoch()
    ts.append(time.perf_counter() - t)
grad = m.flat_gradient(model)
norm = sum(g * g for g in grad) ** 0.5
row = {"workload": "W4", "best_ms": min(ts) * 1e3, "median_ms": statistics.median(ts) * 1e3,
       "loss": loss, "grad_norm": norm, "torch": torch.__version__}
if "--json" in sys.argv:
    print(json.dumps(row))
else:
    print(f"W4 PennyLane + torch: best {row['best_ms']:.2f} ms, median {row['median_ms']:.2f} ms, loss {loss:.10f}, |grad| {norm:.10f}")

"""Writes tests/golden/templates.json: PennyLane's own decompositions of two layer templates.

For 1-6 wires and 3 layers: `StronglyEntanglingLayers` with its default CNOT ranges and
`BasicEntanglerLayers` with its default RX rotations, each op as [name, wires] in the order
PennyLane applies them. The playground's templates stacked layer after layer must give the
same gates on the same wires (`src/doc/tests.rs`). Run with PennyLane installed:

    python scripts/templates-golden.py tests/golden/templates.json
"""
import json
import sys

import numpy as np
import pennylane as qml

LAYERS = 3


def ops_of(template):
    return [[op.name, [int(w) for w in op.wires]] for op in template.decomposition()]


def main(path):
    out = {"pennylane": qml.__version__, "layers": LAYERS, "cases": []}
    for n in range(1, 7):
        sel = qml.StronglyEntanglingLayers(np.zeros((LAYERS, n, 3)), wires=range(n))
        out["cases"].append({"template": "strongly_entangling", "qubits": n, "ops": ops_of(sel)})
        bel = qml.BasicEntanglerLayers(np.zeros((LAYERS, n)), wires=range(n))
        out["cases"].append({"template": "basic_entangler", "qubits": n, "ops": ops_of(bel)})
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1])

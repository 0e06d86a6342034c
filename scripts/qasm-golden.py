#!/usr/bin/env python3
"""Writes the OpenQASM reference data in tests/golden/qasm/ with Qiskit.

    python3 scripts/qasm-golden.py

Creates a throw-away venv under /tmp (removed afterwards), installs the pinned Qiskit and
qiskit-qasm3-import from PyPI into it and reruns itself there. QMLP_PY_VENV=<dir> reuses (or
creates and keeps) a venv at <dir> instead.

What it writes (overwriting, never deleting other files):
  qiskit-*.qasm / .qasm3   circuits built from Qiskit's gate classes (C3X, C4X, RC3X, RCCX,
                           C3SX, MCX, controlled custom gates, ...) as qasm2.dumps / qasm3.dumps
                           write them;
  random-*.qasm / .qasm3   qiskit.circuit.random.random_circuit(...) (seeded) dumped both ways;
  states.json              for every *.qasm / *.qasm3 file of the folder (the hand-written
                           hand-* files included): the state Qiskit computes for the text.

The reference state of a file is Statevector of the circuit Qiskit loads from the text
(OpenQASM 2: QuantumCircuit.from_qasm_str, i.e. qasm2 with LEGACY_CUSTOM_INSTRUCTIONS so
qelib1.inc's rccx/rc3x/c3x/c3sqrtx/c4x/... are Qiskit's gate classes; OpenQASM 3:
qiskit.qasm3.loads), final measurements removed, global phase included, in the playground's bit
order (wire 0 = q[0] is the most significant bit). For dumped circuits the script also checks
that the loaded circuit equals the original one up to a global phase (dumps drop
QuantumCircuit.global_phase and the phases of gate definitions) and stores that phase.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

QISKIT = "qiskit==2.6.2"
QASM3_IMPORT = "qiskit-qasm3-import==0.6.0"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "golden", "qasm")


def ensure_venv():
    if os.environ.get("QMLP_QASM_GOLDEN_INSIDE") == "1":
        return
    keep = os.environ.get("QMLP_PY_VENV")
    venv = keep or tempfile.mkdtemp(prefix="venv-qasm-golden-", dir="/tmp")
    try:
        py = os.path.join(venv, "bin", "python")
        if not os.path.exists(py):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run(
            [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", QISKIT,
             QASM3_IMPORT],
            check=True,
        )
        env = dict(os.environ, QMLP_QASM_GOLDEN_INSIDE="1")
        code = subprocess.run([py, os.path.abspath(__file__)], env=env).returncode
    finally:
        if not keep:
            shutil.rmtree(venv, ignore_errors=True)
    sys.exit(code)


def main():
    import numpy as np
    import qiskit
    import qiskit_qasm3_import
    from qiskit import QuantumCircuit, qasm2, qasm3
    from qiskit.circuit.library import (
        C3SXGate, C3XGate, C4XGate, CSdgGate, CSGate, DCXGate, ECRGate, HGate, MCXGate,
        RC3XGate, RCCXGate, RGate, RXGate, RYGate, RZXGate, RYYGate, SXdgGate, UGate,
        XXMinusYYGate, XXPlusYYGate, ZGate, iSwapGate,
    )
    from qiskit.circuit.random import random_circuit
    from qiskit.quantum_info import Statevector

    def state(circuit):
        c = circuit.remove_final_measurements(inplace=False)
        return Statevector(c).data

    def playground_order(amps, n):
        # Qiskit: bit k of the index is q[k]. Playground: wire 0 is the most significant bit.
        out = np.empty_like(amps)
        for i, a in enumerate(amps):
            j = int(format(i, f"0{n}b")[::-1], 2)
            out[j] = a
        return out

    def load(text, version):
        if version == 2:
            return QuantumCircuit.from_qasm_str(text)
        return qasm3.loads(text)

    def phase_between(a, b):
        """e^{iα} with b = e^{iα} a (to 1e-12), or None."""
        k = int(np.argmax(np.abs(a)))
        ph = b[k] / a[k]
        if abs(abs(ph) - 1) > 1e-12 or np.max(np.abs(b - ph * a)) > 1e-12:
            return None
        return float(np.angle(ph))

    written = {}

    def dump(name, circuit):
        for version, ext, dumps in ((2, "qasm", qasm2.dumps), (3, "qasm3", qasm3.dumps)):
            text = dumps(circuit) + "\n"
            fname = f"{name}.{ext}"
            with open(os.path.join(OUT, fname), "w") as fh:
                fh.write(text)
            loaded = state(load(text, version))
            ph = phase_between(state(circuit), loaded)
            if ph is None:
                sys.exit(f"{fname}: Qiskit's loaded circuit differs from the dumped one by more "
                         "than a global phase")
            written[fname] = ph

    # Circuits from Qiskit's gate classes, on a prepared (non-trivial) state.
    def prep(n, seed):
        rng = np.random.default_rng(seed)
        qc = QuantumCircuit(n)
        for w in range(n):
            qc.ry(float(rng.uniform(0.2, 2.9)), w)
            qc.rz(float(rng.uniform(-3, 3)), w)
        return qc

    qc = prep(5, 1)
    qc.append(C3XGate(), [0, 1, 2, 3])
    qc.append(C4XGate(), [4, 0, 1, 2, 3])
    qc.append(RC3XGate(), [3, 1, 4, 0])
    qc.append(RCCXGate(), [2, 4, 1])
    qc.append(C3SXGate(), [1, 2, 3, 4])
    qc.append(MCXGate(4), [3, 2, 1, 0, 4])
    qc.append(C3XGate(), [4, 3, 0, 2])
    dump("qiskit-multi-controlled", qc)

    qc = prep(4, 2)
    qc.append(RYYGate(0.37), [0, 1])
    qc.append(RZXGate(-1.1), [1, 2])
    qc.append(ECRGate(), [2, 3])
    qc.append(iSwapGate(), [3, 0])
    qc.append(DCXGate(), [1, 3])
    qc.append(CSGate(), [0, 2])
    qc.append(CSdgGate(), [2, 1])
    qc.append(RGate(0.4, -0.8), [3])
    qc.append(SXdgGate(), [0])
    qc.append(XXPlusYYGate(0.5, 0.2), [1, 2])
    qc.append(XXMinusYYGate(-0.3, 0.7), [0, 3])
    dump("qiskit-two-qubit-library", qc)

    sub = QuantumCircuit(2, global_phase=0.7, name="entangle")
    sub.h(0)
    sub.cx(0, 1)
    sub.rz(0.3, 1)
    g = sub.to_gate()
    qc = prep(4, 3)
    qc.append(g, [0, 1])
    qc.append(g.control(1), [2, 0, 1])
    qc.append(g.control(2), [3, 2, 1, 0])
    qc.append(ZGate().control(3), [0, 1, 2, 3])
    qc.append(SXdgGate().control(1), [1, 3])
    qc.append(UGate(0.1, 0.2, 0.3).control(2), [0, 1, 2])
    qc.append(HGate().control(2), [3, 1, 2])
    qc.append(RXGate(0.9).control(3), [0, 1, 2, 3])
    qc.append(RYGate(-0.6).control(1), [2, 1])
    qc.cu(0.1, 0.2, 0.3, 0.4, 3, 0)
    qc.global_phase = 0.4
    dump("qiskit-controlled-custom", qc)

    for seed, (n, depth) in enumerate([(2, 6), (3, 6), (4, 5), (5, 5), (6, 4), (7, 4), (5, 8),
                                        (6, 6)]):
        qc = random_circuit(n, depth, max_operands=4, seed=1000 + seed)
        dump(f"random-{seed:02}-n{n}", qc)

    cases = []
    for fname in sorted(os.listdir(OUT)):
        if fname.endswith(".qasm"):
            version = 2
        elif fname.endswith(".qasm3"):
            version = 3
        else:
            continue
        with open(os.path.join(OUT, fname)) as fh:
            text = fh.read()
        circuit = load(text, version)
        n = circuit.num_qubits
        amps = playground_order(state(circuit), n)
        case = {
            "file": fname,
            "version": version,
            "qubits": n,
            "state": [[float(a.real), float(a.imag)] for a in amps],
        }
        if fname in written:
            case["phase_vs_dumped_circuit"] = written[fname]
        cases.append(case)
        print(f"{fname}: {n} qubits, {len(circuit.data)} instructions as Qiskit loads it")

    meta = {
        "generator": "scripts/qasm-golden.py",
        "qiskit": qiskit.__version__,
        "qiskit_qasm3_import": qiskit_qasm3_import.__version__,
        "numpy": np.__version__,
        "bit_order": "wire 0 (q[0] of the first register) is the most significant bit",
        "cases": cases,
    }
    with open(os.path.join(OUT, "states.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(cases)} cases to tests/golden/qasm/states.json")


if __name__ == "__main__":
    ensure_venv()
    main()

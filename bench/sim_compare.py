#!/usr/bin/env python3
"""Times the statevector benchmark workload on qulacs and PennyLane-Lightning, single-threaded.

The workload is the same *distribution* as the Rust bench (`qmlp::sim::bench_circuit`): 100 gates
drawn uniformly from {H, RX, RY, RZ, CNOT}, wires uniform (CNOT target != control), angles uniform
in [-pi, pi). Python draws its own gates with its own fixed seed, so the gates are not identical,
only identically distributed. Each simulator applies the circuit to its own state repeatedly; we
report ns per gate (best and median of the repetitions).

qulacs runs the circuit as a prebuilt `QuantumCircuit` (one Python call per circuit).
Lightning is driven gate by gate through its `StateVectorC128` binding (one Python call per gate,
roughly 1 µs of binding overhead that dominates at 12 qubits).

Usage: python bench/sim_compare.py [--quick] [--rust FILE]
  --rust FILE  the output of `cargo bench --bench sim` (its gate-by-gate and fused W1 tables and
               the memory floor); prints the Rust figures beside, ratios, and at 24 qubits every
               simulator's time per gate against the in-place memory floor of the same run.
"""
import os

# Single thread, set before the simulators load OpenMP.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("QULACS_PARALLEL_NQUBIT_THRESHOLD", "64")

import argparse
import math
import random
import re
import statistics
import time

N_GATES = 100
SEED = 2024
KINDS = ["H", "RX", "RY", "RZ", "CNOT"]


def circuit(n, n_gates=N_GATES, seed=SEED):
    rng = random.Random(seed)
    ops = []
    for _ in range(n_gates):
        k = rng.choice(KINDS)
        w0 = rng.randrange(n)
        if k == "CNOT":
            w1 = rng.randrange(n - 1)
            if w1 >= w0:
                w1 += 1
            ops.append((k, [w0, w1], None))
        elif k == "H":
            ops.append((k, [w0], None))
        else:
            ops.append((k, [w0], rng.uniform(-math.pi, math.pi)))
    return ops


def time_reps(reps, f):
    f()  # warm-up
    ts = []
    for _ in range(reps):
        t = time.perf_counter_ns()
        f()
        ts.append(time.perf_counter_ns() - t)
    ts.sort()
    return ts[0], ts[len(ts) // 2]


def qulacs_runner(n, ops):
    import qulacs
    from qulacs import gate as g

    state = qulacs.QuantumState(n)
    circ = qulacs.QuantumCircuit(n)
    # qulacs index bit i is qubit i (least significant); map our wire w to qubit n-1-w.
    q = lambda w: n - 1 - w
    for k, ws, p in ops:
        if k == "H":
            circ.add_gate(g.H(q(ws[0])))
        elif k == "RX":
            circ.add_gate(g.RX(q(ws[0]), p))
        elif k == "RY":
            circ.add_gate(g.RY(q(ws[0]), p))
        elif k == "RZ":
            circ.add_gate(g.RZ(q(ws[0]), p))
        else:
            circ.add_gate(g.CNOT(q(ws[0]), q(ws[1])))
    return lambda: circ.update_quantum_state(state)


def lightning_runner(n, ops):
    from pennylane_lightning.lightning_qubit_ops import StateVectorC128

    sv = StateVectorC128(n)
    calls = []
    for k, ws, p in ops:
        if k == "H":
            calls.append((sv.Hadamard, ws, []))
        elif k == "CNOT":
            calls.append((sv.CNOT, ws, []))
        else:
            calls.append((getattr(sv, k), ws, [p]))

    def run():
        for f, ws, ps in calls:
            f(ws, False, ps)

    return run


def parse_rust(path):
    """({qubits: best_ns} gate by gate, {qubits: best_ns} fused, in-place floor ns at 24 qubits)."""
    gate, fused, floor = {}, {}, None
    unit = {"ns": 1.0, "µs": 1e3, "ms": 1e6}
    row = re.compile(r"^\|\s*(\d+)\s*\|\s*\d+\s*\|\s*([\d.]+) (ns|µs|ms)\s*\|")
    floor_row = re.compile(r"^\| in-place floor for one 24-qubit gate.*\|\s*([\d.]+) (ns|µs|ms)\s*\|")
    table = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## Random 100-gate circuit"):
                table = gate
            elif line.startswith("## The same circuit fused"):
                table = fused
            elif line.startswith("## "):
                table = None
            m = row.match(line)
            if m and table is not None:
                table[int(m[1])] = float(m[2]) * unit[m[3]]
            m = floor_row.match(line)
            if m:
                floor = float(m[1]) * unit[m[2]]
    return gate, fused, floor


def fmt(v):
    if v is None:
        return "-"
    if v >= 1e6:
        return f"{v / 1e6:.2f} ms"
    if v >= 1e3:
        return f"{v / 1e3:.1f} µs"
    return f"{v:.0f} ns"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rust", help="output file of `cargo bench --bench sim`")
    a = ap.parse_args()
    sizes = [(12, 50), (20, 2)] if a.quick else [(12, 500), (20, 8), (24, 3)]
    gate, fused, floor = parse_rust(a.rust) if a.rust else ({}, {}, None)

    from importlib.metadata import version

    print(f"\n## Python simulators, same workload distribution (seed {SEED}), single thread\n")
    print(f"qulacs {version('qulacs')}, pennylane-lightning {version('pennylane-lightning')}, "
          f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}\n")
    print("| qubits | reps | qmlp gate by gate | qmlp fused | qulacs | lightning "
          "| gate by gate / lightning | fused / lightning | gate by gate / qulacs |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    at24 = {}
    for n, reps in sizes:
        ops = circuit(n)
        qb, _ = time_reps(reps, qulacs_runner(n, ops))
        lb, _ = time_reps(reps, lightning_runner(n, ops))
        qb, lb = qb / N_GATES, lb / N_GATES
        g, f = gate.get(n), fused.get(n)
        ratio = lambda x, y: f"{x / y:.2f}" if x and y else "-"
        print(f"| {n} | {reps} | {fmt(g)} | {fmt(f)} | {fmt(qb)} | {fmt(lb)} "
              f"| {ratio(g, lb)} | {ratio(f, lb)} | {ratio(g, qb)} |")
        if n == 24:
            at24 = {"qmlp gate by gate": g, "qmlp fused": f, "qulacs": qb, "lightning": lb}
    print("\nns per gate (best of the repetitions); ratios below 1 mean qmlp is faster.")
    if floor and at24:
        print(f"\n## 24 qubits against the in-place memory floor of this run ({fmt(floor)} per pass)\n")
        print("| simulator | ns/gate | / floor |\n|---|---:|---:|")
        for name, v in at24.items():
            print(f"| {name} | {fmt(v)} | {v / floor:.2f} |" if v else f"| {name} | - | - |")
        print("\nA fused pass applies several gates, so the fused time per gate can be below the floor.")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Cross-checks the expressibility analysis (src/analysis/expressibility.rs) with numpy.

    python3 scripts/analysis-crosscheck.py

1. Makes sure numpy is importable: if not, creates a throw-away venv under /tmp
   (/tmp/venv-analysis-crosscheck, kept for the next run; QMLP_PY_VENV=<dir> picks another),
   installs numpy from PyPI and re-runs itself there.
2. Runs `cargo test --lib write_expressibility_crosscheck_cases -- --ignored`, which writes, per
   case (template, qubits, layers), the template's gates with parameter indices, every sampled
   parameter vector, our first six states and our results.
3. Rebuilds every state from those parameters with its own gate matrices (PennyLane's
   conventions, wire 0 the most significant bit), then computes independently: the fidelities,
   the 75-bin histogram, the Haar bin probabilities (1 - lo)^(N-1) - (1 - hi)^(N-1), the KL
   divergence and the mean Meyer-Wallach Q from partial traces. Compares with ours: states and
   Haar bins to 1e-12, counts exactly, KL to 1e-9, mean fidelity and Q to 1e-12.

Prints one line per check and "N passed, M failed"; exits 1 if a check failed.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def ensure_numpy():
    try:
        import numpy  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get("QMLP_CROSSCHECK_REEXEC"):
        sys.exit("numpy is still missing inside the venv; giving up")
    venv = os.environ.get("QMLP_PY_VENV", "/tmp/venv-analysis-crosscheck")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        print(f"creating {venv} with numpy ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "numpy"],
                   check=True)
    env = dict(os.environ, QMLP_CROSSCHECK_REEXEC="1")
    sys.exit(subprocess.run([py, os.path.abspath(__file__)] + sys.argv[1:], env=env).returncode)


ensure_numpy()
import numpy as np  # noqa: E402

C = np.cos
S = np.sin


def rx(t):
    return np.array([[C(t / 2), -1j * S(t / 2)], [-1j * S(t / 2), C(t / 2)]])


def rz(t):
    return np.array([[np.exp(-0.5j * t), 0], [0, np.exp(0.5j * t)]])


H = np.array([[1, 1], [1, -1]]) / np.sqrt(2)


def controlled(u):
    m = np.eye(4, dtype=complex)
    m[2:, 2:] = u
    return m


ONE = {"RX": rx, "RZ": rz, "H": lambda _: H}
TWO = {
    "CNOT": lambda _: controlled(np.array([[0, 1], [1, 0]])),
    "CZ": lambda _: controlled(np.diag([1, -1])),
    "CRZ": lambda t: controlled(rz(t)),
    "CRX": lambda t: controlled(rx(t)),
}


def run(n, gates, params):
    """The state of the circuit: a tensor of shape (2,)*n, axis w = wire w."""
    psi = np.zeros((2,) * n, dtype=complex)
    psi[(0,) * n] = 1
    for g in gates:
        t = params[g["param"]] if g["param"] is not None else 0.0
        w = g["wires"]
        if g["gate"] in ONE:
            psi = np.moveaxis(np.tensordot(ONE[g["gate"]](t), psi, axes=([1], [w[0]])), 0, w[0])
        else:
            u = TWO[g["gate"]](t).reshape(2, 2, 2, 2)
            psi = np.moveaxis(np.tensordot(u, psi, axes=([2, 3], [w[0], w[1]])), [0, 1], w)
    return psi


def meyer_wallach(psi):
    n = psi.ndim
    pur = 0.0
    for k in range(n):
        m = np.moveaxis(psi, k, 0).reshape(2, -1)
        rho = m @ m.conj().T
        pur += np.trace(rho @ rho).real
    return 2 * (1 - pur / n)


passed = failed = 0


def report(ok, what, detail):
    global passed, failed
    passed += ok
    failed += not ok
    print(("ok    " if ok else "FAIL  ") + what + ": " + detail, flush=True)


with tempfile.TemporaryDirectory(prefix="qmlp-analysis-") as tmp:
    print("writing the cases (cargo test --lib write_expressibility_crosscheck_cases) ...", flush=True)
    env = dict(os.environ, QMLP_ANALYSIS_CROSSCHECK_DIR=tmp)
    r = subprocess.run(["cargo", "test", "--quiet", "--lib", "write_expressibility_crosscheck_cases",
                        "--", "--ignored", "--exact",
                        "analysis::expressibility::tests::write_expressibility_crosscheck_cases"],
                       cwd=ROOT, env=env, capture_output=True, text=True)
    path = os.path.join(tmp, "expressibility.json")
    if r.returncode != 0 or not os.path.exists(path):
        print(r.stdout[-3000:], r.stderr[-3000:])
        print("0 passed, 1 failed (could not write the cases)")
        sys.exit(1)
    with open(path) as fh:
        cases = json.load(fh)

print(f"numpy {np.__version__}; {len(cases)} cases")
for case in cases:
    n, gates, ours = case["qubits"], case["gates"], case["ours"]
    name = f"{case['template']} x{case['layers']} on {n} qubits"
    bins = ours["spec"]["bins"]
    states = [[run(n, gates, th).reshape(-1), run(n, gates, ph).reshape(-1)] for th, ph in case["params"]]
    flat = [s for pair in states for s in pair]
    mine = [np.array([complex(a, b) for a, b in st]) for st in case["first_states"]]
    d = max(np.abs(a - b).max() for a, b in zip(mine, flat))
    report(d <= 1e-12, f"{name} states", f"first {len(mine)} states, max |diff| {d:.1e}")
    fid = np.array([abs(np.vdot(a, b)) ** 2 for a, b in states])
    counts, _ = np.histogram(np.minimum(fid, 1.0), bins=bins, range=(0.0, 1.0))
    same = list(map(int, counts)) == ours["counts"]
    report(same, f"{name} histogram", f"{len(fid)} pairs, {np.count_nonzero(counts)} non-empty bins"
           + ("" if same else f": numpy {list(counts)} vs ours {ours['counts']}"))
    dim = 2 ** n
    edges = np.linspace(0.0, 1.0, bins + 1)
    haar = (1 - edges[:-1]) ** (dim - 1) - (1 - edges[1:]) ** (dim - 1)
    dh = np.abs(haar - np.array(ours["haar"])).max()
    report(dh <= 1e-12, f"{name} Haar bins", f"sum {haar.sum():.15f}, max |diff| {dh:.1e}")
    p = counts / counts.sum()
    nz = p > 0
    kl = float(np.sum(p[nz] * np.log(p[nz] / haar[nz])))
    dk = abs(kl - ours["kl_divergence"])
    report(dk <= 1e-9, f"{name} KL", f"numpy {kl:.12f} vs ours {ours['kl_divergence']:.12f}")
    mf = float(fid.mean())
    dm = abs(mf - ours["mean_fidelity"])
    report(dm <= 1e-12, f"{name} mean fidelity", f"numpy {mf:.12f} vs ours {ours['mean_fidelity']:.12f}")
    q = float(np.mean([meyer_wallach(s.reshape((2,) * n)) for s in flat]))
    dq = abs(q - ours["entangling_capability"])
    report(dq <= 1e-12, f"{name} Meyer-Wallach Q",
           f"numpy {q:.12f} vs ours {ours['entangling_capability']:.12f}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

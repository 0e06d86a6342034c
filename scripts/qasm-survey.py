#!/usr/bin/env python3
"""Runs the OpenQASM importer over a folder of .qasm files (e.g. a QASMBench checkout) and
compares every accepted circuit with Qiskit's state.

    python3 scripts/qasm-survey.py DIR [--max-qubits 12]

Creates a throw-away venv under /tmp (QMLP_PY_VENV=<dir> reuses one), installs the pinned
Qiskit there, computes for every file of DIR (recursively) with at most --max-qubits qubits the
state Qiskit gives it (QuantumCircuit.from_qasm_str, final measurements removed; files Qiskit
cannot simulate get its error instead), then runs the ignored test
`interop::qasm::tests_golden::qasm_survey`, which imports each file, compares, exports it back
and re-imports it, and prints one line per file and a summary (accepted, refused with reasons,
worst difference). Nothing is written into the repository.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

QISKIT = "qiskit==2.6.2"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def ensure_venv():
    if os.environ.get("QMLP_QASM_SURVEY_INSIDE") == "1":
        return
    keep = os.environ.get("QMLP_PY_VENV")
    venv = keep or tempfile.mkdtemp(prefix="venv-qasm-survey-", dir="/tmp")
    try:
        py = os.path.join(venv, "bin", "python")
        if not os.path.exists(py):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run(
            [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", QISKIT],
            check=True,
        )
        env = dict(os.environ, QMLP_QASM_SURVEY_INSIDE="1")
        code = subprocess.run([py, os.path.abspath(__file__)] + sys.argv[1:], env=env).returncode
    finally:
        if not keep:
            shutil.rmtree(venv, ignore_errors=True)
    sys.exit(code)


def declared_qubits(text):
    return sum(int(n) for n in re.findall(r"^\s*qreg\s+\w+\s*\[\s*(\d+)\s*\]", text, re.M))


def main():
    import numpy as np
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector

    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    folder = args[0]
    max_qubits = int(args[args.index("--max-qubits") + 1]) if "--max-qubits" in args else 12
    cases = []
    for dirpath, _, files in os.walk(folder):
        for f in sorted(files):
            if not f.endswith(".qasm"):
                continue
            path = os.path.join(dirpath, f)
            with open(path, errors="replace") as fh:
                text = fh.read()
            if not text.strip():
                continue
            n = declared_qubits(text)
            if n == 0 or n > max_qubits:
                continue
            case = {"name": os.path.relpath(path, folder), "path": os.path.abspath(path),
                    "state": None, "qiskit_error": None}
            try:
                c = QuantumCircuit.from_qasm_str(text)
                c.remove_final_measurements(inplace=True)
                amps = Statevector(c).data
                out = np.empty_like(amps)
                for i, a in enumerate(amps):
                    out[int(format(i, f"0{n}b")[::-1], 2)] = a
                case["state"] = [[float(a.real), float(a.imag)] for a in out]
            except Exception as e:  # noqa: BLE001 - the reason is reported, not handled
                case["qiskit_error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"
            cases.append(case)
    cases.sort(key=lambda c: c["name"])
    work = tempfile.mkdtemp(prefix="qmlp-qasm-survey-", dir="/tmp")
    try:
        data = os.path.join(work, "survey.json")
        with open(data, "w") as fh:
            json.dump({"cases": cases}, fh)
        print(f"{len(cases)} files with 1 to {max_qubits} qubits; Qiskit simulated "
              f"{sum(c['state'] is not None for c in cases)} of them", flush=True)
        env = dict(os.environ, QMLP_QASM_SURVEY=data)
        code = subprocess.run(
            ["cargo", "test", "--quiet", "--lib", "interop::qasm::tests_golden::qasm_survey", "--",
             "--ignored", "--exact", "--nocapture"],
            cwd=ROOT, env=env,
        ).returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    ensure_venv()
    main()

#!/usr/bin/env bash
# Cross-checks the exported PennyLane and Qiskit scripts, and the OpenQASM 2/3 exports, against
# the engine, with real `pennylane` and `qiskit` installed from PyPI into a throw-away venv.
#
#   1. python3 -m venv under /tmp; pip install pennylane qiskit (and qiskit-qasm3-import for the
#      OpenQASM 3 check). If that is impossible (no python3, no network, pip fails) it prints
#      "skipped: <reason>" and exits 0.
#   2. cargo test --test interop_python write_crosscheck_cases -- --ignored writes, for every
#      case document (all presets, randomised presets, documents with every gate kind, control,
#      binding kind, feature range and readout), both scripts, our outputs, both QASM files and
#      our state at the first point.
#      Noisy cases (noisy-*: every channel kind, the NISQ-like noise model with readout error)
#      run PennyLane's default.mixed and qiskit-aer's density matrix (qiskit-aer installed too).
#   3. Runs every script and compares its printed outputs to ours (|difference| <= 1e-8); loads
#      every QASM file in Qiskit and compares the state, global phase included (<= 1e-10).
#   4. scripts/analysis-crosscheck.py: the debugger's expressibility (fidelity histogram, Haar
#      bins, KL divergence, Meyer-Wallach Q) recomputed independently with numpy.
#
# Prints one line per check and "N passed, M failed"; exits 1 if any check failed.
# Environment: QMLP_PY_VENV=<dir> reuses (or creates and keeps) a venv there instead of a
# throw-away one; CARGO_TARGET_DIR is honoured.
set -uo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d /tmp/qmlp-crosscheck.XXXXXX)
trap 'rm -rf "$work"' EXIT

skip() {
  echo "skipped: $*"
  exit 0
}

command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
venv="${QMLP_PY_VENV:-$work/venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >"$work/venv.log" 2>&1 ||
    skip "python3 -m venv failed: $(tail -n 1 "$work/venv.log")"
fi
py="$venv/bin/python"
if ! "$py" -c "import pennylane, qiskit" >/dev/null 2>&1; then
  echo "installing pennylane and qiskit from PyPI into $venv ..."
  "$py" -m pip install --quiet --disable-pip-version-check pennylane qiskit >"$work/pip.log" 2>&1 ||
    skip "pip install pennylane qiskit failed: $(tail -n 2 "$work/pip.log" | tr '\n' ' ')"
fi
if ! "$py" -c "import qiskit_aer" >/dev/null 2>&1; then
  "$py" -m pip install --quiet --disable-pip-version-check qiskit-aer >"$work/pip-aer.log" 2>&1 ||
    echo "note: qiskit-aer could not be installed; the noisy Qiskit checks will be skipped"
fi
if ! "$py" -c "import qiskit_qasm3_import" >/dev/null 2>&1; then
  "$py" -m pip install --quiet --disable-pip-version-check qiskit-qasm3-import >"$work/pip3.log" 2>&1 ||
    echo "note: qiskit-qasm3-import could not be installed; the OpenQASM 3 checks will be skipped"
fi
"$py" -c "import pennylane, qiskit; print('pennylane', pennylane.__version__, '/ qiskit', qiskit.__version__)"

cases="$work/cases"
echo "writing the case scripts (cargo test --test interop_python write_crosscheck_cases) ..."
if ! QMLP_CROSSCHECK_DIR="$cases" cargo test --quiet --test interop_python write_crosscheck_cases \
  -- --ignored --exact >"$work/cargo.log" 2>&1; then
  cat "$work/cargo.log"
  echo "0 passed, 1 failed (could not write the cases)"
  exit 1
fi

"$py" - "$cases" <<'PY'
import glob
import json
import math
import os
import subprocess
import sys

cases = sys.argv[1]
TOL_OUT = 1e-8
TOL_STATE = 1e-10
passed = failed = 0


def report(ok, what, detail):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print(("ok    " if ok else "FAIL  ") + what + ": " + detail, flush=True)


def check_script(name, tool, expected):
    path = os.path.join(cases, f"{name}.{tool}.py")
    try:
        run = subprocess.run(
            [sys.executable, path], capture_output=True, text=True, timeout=600
        )
    except subprocess.TimeoutExpired:
        return report(False, f"{name} {tool}", "timed out after 600 s")
    if run.returncode != 0:
        return report(False, f"{name} {tool}", "exited with an error:\n" + run.stderr[-2000:])
    lines = [json.loads(l) for l in run.stdout.splitlines() if l.startswith("{")]
    if len(lines) != len(expected["points"]):
        return report(
            False, f"{name} {tool}",
            f"printed {len(lines)} points, expected {len(expected['points'])}",
        )
    worst = 0.0
    for got, x, want in zip(lines, expected["points"], expected["outputs"]):
        if got["x"] != x or len(got["outputs"]) != len(want):
            return report(False, f"{name} {tool}", f"point {got['x']} does not match {x} / {want}")
        for a, b in zip(got["outputs"], want):
            d = abs(a - b)
            if not d <= TOL_OUT:
                return report(False, f"{name} {tool}", f"at x={x}: {got['outputs']} vs ours {want}")
            worst = max(worst, d)
    report(True, f"{name} {tool}", f"{len(lines)} points, max |diff| {worst:.1e}")


def ours_state(name):
    with open(os.path.join(cases, f"{name}.state.json")) as fh:
        s = json.load(fh)
    return [complex(r, i) for r, i in zip(s["re"], s["im"])]


def compare_state(name, label, circuit):
    from qiskit.quantum_info import Statevector
    # Qiskit reads q[0] as the least significant bit, the playground wire 0 as the most:
    # reversing the qubit order lines the two statevectors up.
    theirs = Statevector(circuit).reverse_qargs().data
    ours = ours_state(name)
    if len(theirs) != len(ours):
        return report(False, f"{name} {label}", f"{len(theirs)} amplitudes vs our {len(ours)}")
    d = max(abs(a - b) for a, b in zip(theirs, ours))
    report(d <= TOL_STATE, f"{name} {label}", f"state max |diff| {d:.1e} (global phase included)")


def check_qasm2(name):
    from qiskit import QuantumCircuit
    path = os.path.join(cases, f"{name}.qasm2")
    if not os.path.exists(path):
        with open(path + ".skipped") as fh:
            print(f"note  {name} qasm2: not exported ({fh.read().strip()})")
        return
    try:
        with open(path) as fh:
            circuit = QuantumCircuit.from_qasm_str(fh.read())
    except Exception as e:  # noqa: BLE001 - report any loader failure
        return report(False, f"{name} qasm2", f"Qiskit could not load it: {e}")
    compare_state(name, "qasm2", circuit)


def check_qasm3(name):
    try:
        import qiskit_qasm3_import  # noqa: F401
        from qiskit import qasm3
    except ImportError:
        return
    with open(os.path.join(cases, f"{name}.qasm3")) as fh:
        text = fh.read()
    try:
        circuit = qasm3.loads(text)
    except Exception as e:  # noqa: BLE001 - report any loader failure
        return report(False, f"{name} qasm3", f"Qiskit could not load it: {e}")
    compare_state(name, "qasm3", circuit)


for exp_path in sorted(glob.glob(os.path.join(cases, "*.expected.json"))):
    name = os.path.basename(exp_path)[: -len(".expected.json")]
    with open(exp_path) as fh:
        expected = json.load(fh)
    check_script(name, "pennylane", expected)
    if name.startswith("noisy-"):
        # Noisy documents: PennyLane's default.mixed and qiskit-aer's density matrix; OpenQASM
        # has no channels.
        try:
            import qiskit_aer  # noqa: F401
        except ImportError:
            print(f"note  {name} qiskit: qiskit-aer is not installed")
            continue
        check_script(name, "qiskit", expected)
        continue
    check_script(name, "qiskit", expected)
    check_qasm2(name)
    check_qasm3(name)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
status=$?

# The debugger's expressibility against an independent numpy computation (numpy comes with
# pennylane in the same venv).
echo "expressibility and entangling capability against numpy (scripts/analysis-crosscheck.py) ..."
QMLP_PY_VENV="$venv" "$py" scripts/analysis-crosscheck.py || status=1
exit $status

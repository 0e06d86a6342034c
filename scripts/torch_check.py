"""Runs the PyTorch exports written by `write_torch_cases` and compares them with the engine.

For every case: the outputs at the script's points (|diff| <= 1e-8), the loss and gradient over
the training split at the exported numbers (<= 1e-8), and the loss after the Adam steps on the
listed batches (<= 1e-6). Usage: python torch_check.py CASES_DIR. Exit 1 if any check failed.

Qiskit's TorchConnector hands torch its weights, outputs and gradients as float32
(`torch.as_tensor(..., dtype=torch.float)` in qiskit_machine_learning/connectors/torch_connector.py),
so its outputs and gradient can only agree to float32 rounding: 1e-6 for that path.
"""
import glob
import json
import os
import subprocess
import sys
import time

cases = sys.argv[1]
TOL_TRAIN = 1e-6
TOLS = {"pennylane-torch": (1e-8, 1e-8), "qiskit-torch": (1e-6, 1e-6)}  # (outputs, gradient)
passed = failed = 0


def report(ok, what, detail):
    global passed, failed
    passed += ok
    failed += not ok
    print(("ok    " if ok else "FAIL  ") + what + ": " + detail, flush=True)


def run(path, *args):
    t = time.time()
    r = subprocess.run([sys.executable, path, *args], capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2500:])
    return [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")], time.time() - t


for exp_path in sorted(glob.glob(os.path.join(cases, "*.torch.json"))):
    name = os.path.basename(exp_path)[: -len(".torch.json")]
    with open(exp_path) as fh:
        exp = json.load(fh)
    for tool in ("pennylane-torch", "qiskit-torch"):
        path = os.path.join(cases, f"{name}.{tool}.py")
        if not os.path.exists(path):
            continue
        what = f"{name} {tool}"
        TOL_OUT, TOL_GRAD = TOLS[tool]
        try:
            lines, _ = run(path)
        except Exception as e:  # noqa: BLE001 - report the script's error
            report(False, what + " outputs", f"exited with an error:\n{e}")
            continue
        worst = max(
            (abs(a - b) for got, want in zip(lines, exp["outputs"]) for a, b in zip(got["outputs"], want)),
            default=float("inf"),
        )
        ok = len(lines) == len(exp["points"]) and worst <= TOL_OUT
        report(ok, what + " outputs", f"{len(lines)} points, max |diff| {worst:.1e}")
        try:
            (res,), secs = run(path, "--check", exp_path)
        except Exception as e:  # noqa: BLE001
            report(False, what + " training", f"exited with an error:\n{e}")
            continue
        dl = abs(res["loss0"] - exp["loss0"])
        if len(res["grad0"]) != len(exp["grad0"]):
            report(False, what + " gradient", f"{len(res['grad0'])} entries vs our {len(exp['grad0'])}")
            continue
        dg = max((abs(a - b) for a, b in zip(res["grad0"], exp["grad0"])), default=0.0)
        report(dl <= TOL_GRAD and dg <= TOL_GRAD, what + " loss and gradient",
               f"loss {res['loss0']:.10f} (|diff| {dl:.1e}), {len(res['grad0'])} gradient entries, max |diff| {dg:.1e}")
        steps = len(exp["batches"])
        dls = max(abs(a - b) for a, b in zip(res["losses"], exp["losses"]))
        df = abs(res["final"] - exp["final"])
        report(dls <= TOL_TRAIN and df <= TOL_TRAIN, what + f" {steps} Adam steps",
               f"training loss {exp['final']:.8f} -> torch {res['final']:.8f} (|diff| {df:.1e}; per-batch max {dls:.1e}; {secs:.1f} s)")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

#!/usr/bin/env bash
# `make crosscheck-torch`: the PyTorch exports (PennyLane's TorchLayer, Qiskit's EstimatorQNN +
# TorchConnector) run in real torch against the engine. Not part of `make test`: torch from PyPI
# brings about 5 GB of GPU libraries (the whole venv — torch, pennylane, qiskit,
# qiskit-machine-learning — installed here in 4 min 23 s).
#
#   1. a throw-away venv under /tmp (or QMLP_TORCH_VENV=<dir>, kept and reused) with torch,
#      pennylane, qiskit and qiskit-machine-learning from PyPI; "skipped: <reason>" and exit 0
#      when that is impossible (no python3, no network);
#   2. cargo test --test interop_python write_torch_cases -- --ignored writes, per case document
#      (the Iris and breast cancer hybrid presets, random hybrid documents, 2-D presets, a
#      fidelity readout), both scripts and the engine's figures: outputs at the script points,
#      loss and gradient over the training split, the loss of each of 20 Adam batches and after;
#   3. scripts/torch_check.py runs each script (plain, then --check) and compares: outputs and
#      gradient to 1e-8 (Qiskit: 1e-6, its TorchConnector hands torch float32), the losses
#      along and after the 20 Adam steps to 1e-6. Takes about 6 min here (Qiskit 4 of them).
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/qmlp-torch.XXXXXX)
trap 'rm -rf "$work"' EXIT
skip() { echo "skipped: $*"; exit 0; }
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
venv="${QMLP_TORCH_VENV:-$work/venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >"$work/venv.log" 2>&1 || skip "python3 -m venv failed: $(tail -n 1 "$work/venv.log")"
fi
py="$venv/bin/python"
if ! "$py" -c "import torch, pennylane, qiskit, qiskit_machine_learning" >/dev/null 2>&1; then
  echo "installing torch, pennylane, qiskit and qiskit-machine-learning from PyPI into $venv (about 5 GB) ..."
  start=$(date +%s)
  "$py" -m pip install --quiet --disable-pip-version-check torch pennylane qiskit qiskit-machine-learning \
    >"$work/pip.log" 2>&1 || skip "pip install failed: $(tail -n 2 "$work/pip.log" | tr '\n' ' ')"
  echo "installed in $(( $(date +%s) - start )) s"
fi
"$py" -c "import torch, pennylane, qiskit, qiskit_machine_learning as q; print('torch', torch.__version__, '/ pennylane', pennylane.__version__, '/ qiskit', qiskit.__version__, '/ qiskit-machine-learning', q.__version__)"
echo "writing the cases (cargo test --test interop_python write_torch_cases) ..."
if ! QMLP_CROSSCHECK_DIR="$work/cases" cargo test --quiet --test interop_python write_torch_cases \
  -- --ignored --exact >"$work/cargo.log" 2>&1; then
  cat "$work/cargo.log"; echo "0 passed, 1 failed (could not write the cases)"; exit 1
fi
"$py" scripts/torch_check.py "$work/cases"

#!/usr/bin/env bash
# Regenerates the built-in real datasets (src/data/builtin/*.csv and *.classes) from the copies
# that scikit-learn ships inside its wheel, in a throw-away venv under /tmp/venv-datasets.
#
#   scripts/fetch-datasets.sh           rewrite the files
#   scripts/fetch-datasets.sh --check   write nothing; exit 1 if a committed file differs
#
# Environment: SKLEARN_VERSION (default below) picks the scikit-learn release; the committed
# files were written with it. QMLP_PY_VENV=<dir> uses (and keeps) a venv there instead.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${SKLEARN_VERSION:-1.9.1}"
venv="${QMLP_PY_VENV:-/tmp/venv-datasets}"
command -v python3 >/dev/null 2>&1 || { echo "python3 is not installed" >&2; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import sklearn, sys; sys.exit(sklearn.__version__ != '$version')" 2>/dev/null; then
  echo "installing scikit-learn==$version from PyPI into $venv ..."
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "scikit-learn==$version"
fi
"$venv/bin/python" scripts/fetch-datasets.py "$@"

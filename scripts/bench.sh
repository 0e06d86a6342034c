#!/usr/bin/env bash
# `make bench`: the native benchmarks that need nothing beyond cargo, printed as markdown tables.
# The comparisons with other frameworks and the browser benchmarks have their own commands
# (bench/README.md lists them with what each installs).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "## Engine (cargo bench --bench sim)"
cargo bench --bench sim
echo
echo "## Hybrid model (cargo bench --bench model)"
cargo bench --bench model

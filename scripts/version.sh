#!/usr/bin/env bash
# Prints the module's version: the Cargo workspace version, its one source.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["version"])'

#!/usr/bin/env bash
# Runs the benchmarks and writes docs/benchmarks.md. Not a test: it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bin
probes=build/hostkey_guest_probes.wasm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A bin dir whose component is the probes build (it has the two-round-trip call).
mkdir -p "$work/probes-bin"
for f in hostkey-host libhostkey_host.so hostkey_host.h; do ln -s "$PWD/$bin/$f" "$work/probes-bin/$f"; done
cp "$probes" "$work/probes-bin/hostkey_guest.wasm"
"$work/probes-bin/hostkey-host" precompile "$work/probes-bin/hostkey_guest.wasm" >/dev/null

echo "== first call of a process, with and without the .cwasm cache" >&2
python3 bench/first_call.py "$bin" > "$work/first_call.json"
echo "== transports and memory (100,000 FFI calls; takes a while)" >&2
php -d ffi.enable=true -d memory_limit=512M bench/transport.php "$work/probes-bin" > "$work/transport.json"
test -s "$work/transport.json" || { echo "bench/transport.php printed nothing" >&2; exit 1; }
echo "== catalogue import: 400 presets through the real bridge into MariaDB, and the floor" >&2
bash bench/catalogue_import.sh "$work/catalogue_import.json"
echo "== the first cron.php of a freshly unpacked zip, and the floor" >&2
bash bench/zip_cron.sh "$work/zip_cron.json"
echo "== the shared import cases under wasmtime and under jco/Node" >&2
python3 bench/engines.py 30 > "$work/engines.json"
python3 bench/report.py "$work/first_call.json" "$work/transport.json" "$work/catalogue_import.json" "$work/engines.json" "$work/zip_cron.json" > docs/benchmarks.md
cat docs/benchmarks.md

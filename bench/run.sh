#!/usr/bin/env bash
# Runs the benchmarks on the release zip (`make dist`) and writes
# docs/benchmarks.md, with the previous file's transport figures beside the
# new ones. Not a test: it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(bash scripts/version.sh)
zip=$PWD/build/hostkeyresellermod-$version.zip
[ -f "$zip" ] || { echo "$zip is missing: run make dist" >&2; exit 1; }
probes=build/hostkey_guest_probes.wasm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The figures to compare with: the last docs/benchmarks.md, or the file
# HOSTKEY_BENCH_PREVIOUS names (e.g. a release's, from git show).
cp "${HOSTKEY_BENCH_PREVIOUS:-docs/benchmarks.md}" "$work/previous.md" 2>/dev/null || : > "$work/previous.md"

# The zip's files as an admin gets them, in one flat folder (the layout
# HOSTKEYRESELLERMOD_BIN_DIR names): the shipped launcher, library, header,
# component and its precompiled .cwasm with the release digest.
mkdir -p "$work/unzipped" "$work/zip-bin" "$work/probes-bin"
(cd "$work/unzipped" && unzip -q "$zip")
shipped=$work/unzipped/modules/addons/hostkeyresellermod/bin
for f in x86_64/hostkey-host x86_64/libhostkey_host.so hostkey_host.h; do
    ln -s "$shipped/$f" "$work/zip-bin/$(basename "$f")"
    ln -s "$shipped/$f" "$work/probes-bin/$(basename "$f")"
done
cp "$shipped"/hostkey_guest.wasm "$shipped"/hostkey_guest.*.cwasm "$shipped"/hostkey_guest.*.cwasm.sha256 "$work/zip-bin/"
# A bin dir whose component is the probes build (it has the two-round-trip call).
cp "$probes" "$work/probes-bin/hostkey_guest.wasm"
"$work/probes-bin/hostkey-host" precompile "$work/probes-bin/hostkey_guest.wasm" >/dev/null

echo "== first call of a process, with and without the .cwasm cache" >&2
python3 bench/first_call.py "$work/zip-bin" > "$work/first_call.json"
echo "== transports and memory (100,000 FFI calls; takes a while)" >&2
php -d ffi.enable=true -d memory_limit=512M bench/transport.php "$work/probes-bin" ffi > "$work/transport-ffi.json"
php -d ffi.enable=false bench/transport.php "$work/probes-bin" cli > "$work/transport-cli.json"
python3 -c 'import json, sys; print(json.dumps({**json.load(open(sys.argv[1])), **json.load(open(sys.argv[2]))}))' \
    "$work/transport-ffi.json" "$work/transport-cli.json" > "$work/transport.json"
echo "== catalogue import: 400 presets through the real bridge into MariaDB, and the floor" >&2
bash bench/catalogue_import.sh "$work/catalogue_import.json"
echo "== the first cron.php of a freshly unpacked zip against the floor (pairs), and PHP-FPM pages" >&2
bash bench/zip_cron.sh "$work/zip_cron.json"
echo "== the shared import cases under wasmtime and under jco/Node" >&2
python3 bench/engines.py 30 > "$work/engines.json"
HOSTKEY_BENCH_PREVIOUS="$work/previous.md" python3 bench/report.py "$work/first_call.json" "$work/transport.json" \
    "$work/catalogue_import.json" "$work/engines.json" "$work/zip_cron.json" > "$work/benchmarks.md"
cp "$work/benchmarks.md" docs/benchmarks.md
echo "== status sync at scale: 1,000 and 5,000 linked services, 150 ms per API call (takes a while)" >&2
bash bench/scale.sh "$work/scale.json"
cat docs/benchmarks.md
